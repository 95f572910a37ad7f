import type { ProcessedEvent } from '../event.ts';
import type { MitreRef, Severity } from '../finding.ts';

/** Where a rule comes from. */
export type RuleOrigin = 'builtin' | 'sigma' | 'custom';

/** What a rule looks at, so the engine indexes rules instead of testing every rule on every event. */
export interface RuleScope {
  /** eventSource values, e.g. `iam.amazonaws.com`; omitted = any. */
  eventSource?: readonly string[];
  /** eventName values; omitted = any. */
  eventName?: readonly string[];
  /** Log source types; omitted = CloudTrail only. */
  source?: readonly ProcessedEvent['source'][];
}

/** A rule's verdict when it fires: anything it wants to say beyond the rule's own data. */
export interface RuleMatch {
  /** Why it fired, in words; defaults to the rule's description with the event's facts. */
  explanation?: string;
  /** Overrides the rule's severity for this event (e.g. a public vs. a cross-account share). */
  severity?: Severity;
  /** Extra evidence beside the event's key fields. */
  evidence?: Record<string, unknown>;
  /** Ids of further events that support the finding (sequence and threshold rules). */
  eventIds?: readonly string[];
  /** Key the finding id is derived from, when it is not the event id (one finding per window …). */
  dedupeKey?: string;
}

/** Read-only context a rule may use: configuration-derived facts, never I/O. */
export interface RuleContext {
  /** Accounts the user owns (config), to tell a cross-account share from an internal one. */
  knownAccounts: ReadonlySet<string>;
}

/** A rule is data plus a pure predicate. */
export interface Rule {
  id: string;
  title: string;
  description: string;
  severity: Severity;
  mitre: readonly MitreRef[];
  appliesTo: RuleScope;
  /** Returns a match (or `true`) when the event is what the rule looks for. May throw: that is a rule-error. */
  evaluate(event: ProcessedEvent, ctx: RuleContext): RuleMatch | boolean | null | undefined;
  references?: readonly string[];
  /** Peer rules for the same behaviour: `panther:<RuleID>`, `sigma:<uuid>`. */
  equivalents?: readonly string[];
  origin?: RuleOrigin;
  tags?: readonly string[];
}
