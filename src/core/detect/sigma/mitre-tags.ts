import type { MitreRef } from '../../finding.ts';

/**
 * Sigma `attack.<tactic>` tag names → ATT&CK tactic ids. logwarden reports in the 14-tactic matrix the
 * rest of the project uses; ATT&CK v19 split its Defense Evasion (TA0005) into Stealth (TA0005) and
 * Defense Impairment (TA0112), so both of the new names map to TA0005 here.
 */
const TACTICS: Record<string, string> = {
  reconnaissance: 'TA0043',
  'resource-development': 'TA0042',
  'initial-access': 'TA0001',
  execution: 'TA0002',
  persistence: 'TA0003',
  'privilege-escalation': 'TA0004',
  'defense-evasion': 'TA0005',
  stealth: 'TA0005',
  'defense-impairment': 'TA0005',
  'credential-access': 'TA0006',
  discovery: 'TA0007',
  'lateral-movement': 'TA0008',
  collection: 'TA0009',
  'command-and-control': 'TA0011',
  exfiltration: 'TA0010',
  impact: 'TA0040',
};

/**
 * The tactics of the techniques the vendored AWS rules name (ATT&CK facts), so a rule's techniques are
 * paired with the right ones of its tactics; Sigma tags list tactics and techniques unpaired.
 */
const TECHNIQUE_TACTICS: Record<string, readonly string[]> = {
  T1003: ['TA0006'],
  T1005: ['TA0009'],
  T1020: ['TA0010'],
  T1021: ['TA0008'],
  T1059: ['TA0002'],
  T1070: ['TA0005'],
  T1078: ['TA0005', 'TA0003', 'TA0004', 'TA0001'],
  T1087: ['TA0007'],
  T1098: ['TA0003', 'TA0004'],
  T1110: ['TA0006'],
  T1136: ['TA0003'],
  T1190: ['TA0001'],
  T1485: ['TA0040'],
  T1486: ['TA0040'],
  T1490: ['TA0040'],
  T1525: ['TA0003'],
  T1531: ['TA0040'],
  T1537: ['TA0010'],
  T1548: ['TA0004', 'TA0005'],
  T1550: ['TA0005', 'TA0008'],
  T1555: ['TA0006'],
  T1556: ['TA0006', 'TA0005', 'TA0003'],
  T1565: ['TA0040'],
  T1566: ['TA0001'],
  T1580: ['TA0007'],
  T1608: ['TA0042'],
  T1619: ['TA0007'],
  T1685: ['TA0005'],
  T1686: ['TA0005'],
};

/**
 * MITRE references from Sigma tags: `attack.t1098` is a technique, `attack.persistence` a tactic.
 * Each technique is paired with those of the rule's tactics it belongs to (else the rule's first
 * tactic); a tactic no technique belongs to is kept with an empty technique.
 */
export function mitreFromTags(tags: readonly string[]): MitreRef[] {
  const tactics: string[] = [];
  const techniques: string[] = [];
  for (const tag of tags) {
    const m = /^attack\.(.+)$/i.exec(tag.trim());
    if (!m) continue;
    const name = m[1].toLowerCase().replaceAll('_', '-');
    if (/^t\d{4}(\.\d{3})?$/.test(name)) {
      if (!techniques.includes(name.toUpperCase())) techniques.push(name.toUpperCase());
    } else if (TACTICS[name] && !tactics.includes(TACTICS[name])) {
      tactics.push(TACTICS[name]);
    }
  }
  const refs: MitreRef[] = [];
  const add = (tactic: string, technique: string) => {
    if (!refs.some((r) => r.tactic === tactic && r.technique === technique)) refs.push({ tactic, technique });
  };
  for (const technique of techniques) {
    const known = TECHNIQUE_TACTICS[technique.split('.')[0]] ?? [];
    const shared = tactics.filter((t) => known.includes(t));
    if (shared.length > 0) for (const t of shared) add(t, technique);
    else add(tactics[0] ?? known[0] ?? '', technique);
  }
  for (const tactic of tactics) {
    if (!refs.some((r) => r.tactic === tactic)) add(tactic, '');
  }
  return refs;
}
