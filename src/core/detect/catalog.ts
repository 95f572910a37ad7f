import type { MitreRef, Severity } from '../finding.ts';
import { LOG_TAMPERING_RULE_INFO } from '../integrity/integrity-findings.ts';
import type { Rule, RuleOrigin } from './rule.ts';
import { BUILTIN_RULES, BUILTIN_THRESHOLDS } from './rules/index.ts';
import { NEW_KEY_USED_FROM_NEW_IP } from './threshold/new-key-used-from-new-ip.ts';

/** One line of the rule catalogue (`logwarden rules list`). */
export interface RuleInfo {
  id: string;
  title: string;
  description: string;
  severity: Severity;
  mitre: MitreRef[];
  origin: RuleOrigin;
  /** single event, counted over a window, a sequence of events, or CloudTrail's log-file integrity check. */
  kind: 'event' | 'threshold' | 'sequence' | 'integrity';
  equivalents: string[];
}

/** Every rule the detectors can run: built-in single-event, threshold and sequence rules, then `extra`. */
export function ruleCatalog(extra: readonly Rule[] = []): RuleInfo[] {
  const event = (r: Rule): RuleInfo => ({
    id: r.id,
    title: r.title,
    description: r.description,
    severity: r.severity,
    mitre: r.mitre.map((m) => ({ ...m })),
    origin: r.origin ?? 'custom',
    kind: 'event',
    equivalents: [...(r.equivalents ?? [])],
  });
  return [
    ...BUILTIN_RULES.map(event),
    ...BUILTIN_THRESHOLDS.map(
      (r): RuleInfo => ({
        id: r.id,
        title: r.title,
        description: r.description,
        severity: r.severity,
        mitre: r.mitre.map((m) => ({ ...m })),
        origin: 'builtin',
        kind: 'threshold',
        equivalents: [...(r.equivalents ?? [])],
      }),
    ),
    {
      id: NEW_KEY_USED_FROM_NEW_IP.id,
      title: NEW_KEY_USED_FROM_NEW_IP.title,
      description: NEW_KEY_USED_FROM_NEW_IP.description,
      severity: NEW_KEY_USED_FROM_NEW_IP.severity,
      mitre: NEW_KEY_USED_FROM_NEW_IP.mitre.map((m) => ({ ...m })),
      origin: 'builtin',
      kind: 'sequence',
      equivalents: [],
    },
    {
      ...LOG_TAMPERING_RULE_INFO,
      mitre: LOG_TAMPERING_RULE_INFO.mitre.map((m) => ({ ...m })),
      origin: 'builtin',
      kind: 'integrity',
      equivalents: [],
    },
    ...extra.map(event),
  ];
}
