import type { ProcessedEvent } from '../../event.ts';
import type { MitreRef, Severity } from '../../finding.ts';
import type { RuleScope } from '../rule.ts';

/**
 * A rule that fires when enough matching events from one group (principal, IP, bucket …) fall in a
 * time window. Windows are measured in event time, never the wall clock.
 */
export interface ThresholdRule {
  id: string;
  title: string;
  description: string;
  severity: Severity;
  mitre: readonly MitreRef[];
  appliesTo: RuleScope;
  /** The per-event predicate: does this event count toward the threshold? */
  matches(event: ProcessedEvent): boolean;
  /** The group an event is counted in; undefined = do not count it. */
  groupBy(event: ProcessedEvent): string | undefined;
  /** When given, distinct values are counted (instances, secrets, user names) instead of events. */
  distinct?(event: ProcessedEvent): string | readonly string[] | undefined;
  /** How many events (or distinct values) in the window fire the rule. */
  threshold: number;
  windowMs: number;
  /** Why it fired, in words, from the group and what was counted. */
  explain(group: string, count: number, sample: readonly string[], event: ProcessedEvent): string;
  references?: readonly string[];
  equivalents?: readonly string[];
}

/** Builds a threshold rule (the origin of every built-in one is `builtin`). */
export function defineThreshold(rule: ThresholdRule): ThresholdRule {
  if (rule.threshold < 1)
    throw new Error(`threshold rule ${rule.id}: threshold must be at least 1, got ${rule.threshold}`);
  if (rule.windowMs <= 0)
    throw new Error(`threshold rule ${rule.id}: windowMs must be positive, got ${rule.windowMs}`);
  return rule;
}

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
