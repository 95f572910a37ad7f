import { LogwardenError } from './errors.ts';
import type { Principal } from './event.ts';

export const SEVERITIES = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Numeric rank of a severity, for comparisons and sorting. */
export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/** True when `severity` is at least `threshold`. */
export function atLeast(severity: Severity, threshold: Severity): boolean {
  return severityRank(severity) >= severityRank(threshold);
}

/** Parses a user-given severity name, case-insensitively. */
export function parseSeverity(value: string): Severity {
  const upper = value.toUpperCase();
  if ((SEVERITIES as readonly string[]).includes(upper)) return upper as Severity;
  throw new LogwardenError('usage', `unknown severity "${value}": allowed are ${SEVERITIES.join(', ')}`);
}

/** The risk score a finding of a given severity carries at least (high-risk ≥ 7, immediate alert ≥ 8). */
export const SEVERITY_RISK: Record<Severity, number> = { LOW: 3, MEDIUM: 5, HIGH: 7, CRITICAL: 9 };

export interface MitreRef {
  /** ATT&CK tactic id, e.g. TA0005. */
  tactic: string;
  /** ATT&CK technique id, e.g. T1562.008. */
  technique: string;
}

/** Something a detector concluded, with the events that support it. */
export interface Finding {
  /** Deterministic: hash of rule id and the event ids (or the rule's own key). */
  id: string;
  ruleId: string;
  title: string;
  severity: Severity;
  /** 0–10. */
  riskScore: number;
  flags: string[];
  mitre: MitreRef[];
  eventIds: string[];
  principal?: Pick<Principal, 'type' | 'id' | 'name' | 'arn'>;
  /** Epoch ms of the (last) event that triggered it. */
  time: number;
  account?: string;
  region?: string;
  sourceIp?: string;
  /** Why it fired, in words a responder can act on. */
  explanation: string;
  /** Small, relevant excerpts of the events: never whole logs. */
  evidence: Record<string, unknown>;
}
