/** The MITRE ATT&CK Enterprise tactics, in kill-chain order, for coverage views. */
export const MITRE_TACTICS: readonly { id: string; name: string }[] = [
  { id: 'TA0043', name: 'Reconnaissance' },
  { id: 'TA0042', name: 'Resource Development' },
  { id: 'TA0001', name: 'Initial Access' },
  { id: 'TA0002', name: 'Execution' },
  { id: 'TA0003', name: 'Persistence' },
  { id: 'TA0004', name: 'Privilege Escalation' },
  { id: 'TA0005', name: 'Defense Evasion' },
  { id: 'TA0006', name: 'Credential Access' },
  { id: 'TA0007', name: 'Discovery' },
  { id: 'TA0008', name: 'Lateral Movement' },
  { id: 'TA0009', name: 'Collection' },
  { id: 'TA0011', name: 'Command and Control' },
  { id: 'TA0010', name: 'Exfiltration' },
  { id: 'TA0040', name: 'Impact' },
];

const NAMES = new Map(MITRE_TACTICS.map((t) => [t.id, t.name]));

/** The name of a tactic id, or the id itself when it is not an Enterprise tactic. */
export function tacticName(id: string): string {
  return NAMES.get(id) ?? id;
}
