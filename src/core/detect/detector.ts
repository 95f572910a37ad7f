import type { AnomalyFlag, NormalizedEvent, ProcessedEvent, SourceType } from '../event.ts';
import type { Finding } from '../finding.ts';
import type { EventStore } from '../ports.ts';

/** The inputs a detector can look at: events of a source, or flow records. */
export type DetectorInput = SourceType | 'flow';

/** A rule that threw on an event: kept, counted and shown, never silently skipped. */
export interface RuleError {
  kind: 'rule-error';
  ruleId: string;
  eventId: string;
  /** Epoch ms of the event. */
  time: number;
  message: string;
}

/** What a detector reports about its own run: rule errors and suppressed findings. */
export interface DetectorDiagnostics {
  /** The first rule errors in full. */
  ruleErrors: RuleError[];
  /** Every rule error, counted. */
  ruleErrorCount: number;
  ruleErrorsByRule: Record<string, number>;
  /** Findings that matched a suppression (counted, not shown). */
  suppressed: number;
  suppressedByRule: Record<string, number>;
  /** Rule evaluations performed (a cost figure). */
  evaluations?: number;
}

/**
 * Anything that turns processed events into findings: the rule engine, threshold rules, baselines.
 * Detectors see events in file order, are deterministic by event time (never the wall clock),
 * and may keep bounded state that the pipeline persists between files and runs.
 */
export interface Detector {
  /** Stable name; also the key its state is stored under. */
  readonly id: string;
  /**
   * True when `observe` reads nothing but the event it is given (no state across events, no
   * flush): such a detector may run on any thread, over any subset of the files.
   */
  readonly stateless?: boolean;
  /**
   * What a stateful detector looks at: event sources, and 'flow' for flow records. Absent means
   * every event. Lets a runtime skip handing it files it would ignore.
   */
  readonly sees?: readonly DetectorInput[];
  /** Looks at one event; returns the findings it causes (often none). */
  observe(event: ProcessedEvent): Finding[];
  /** Called after each file: findings that need the whole file (windows closing, bursts). */
  flush?(): Finding[];
  /** Bounded, JSON-serializable state to keep across runs. */
  exportState?(): unknown;
  importState?(state: unknown): void;
  /** Rule errors and suppression counts, for the run's summary. */
  diagnostics?(): DetectorDiagnostics;
  /** Loads what `observe` will need for these events from the store (e.g. per-principal profiles). */
  prepare?(events: readonly NormalizedEvent[], store: EventStore): Promise<void>;
  /** Writes state kept outside `exportState` (e.g. changed per-principal profiles) to the store. */
  persist?(store: EventStore): Promise<void>;
  /** Adjusts an event's seed flags before it is scored (a warm baseline redefines UNUSUAL_TIME). */
  refineFlags?(event: NormalizedEvent, flags: AnomalyFlag[]): AnomalyFlag[];
}

/** Adds up the diagnostics of every detector that reports them. */
export function collectDiagnostics(detectors: readonly Pick<Detector, 'diagnostics'>[]): DetectorDiagnostics {
  const total: DetectorDiagnostics = {
    ruleErrors: [],
    ruleErrorCount: 0,
    ruleErrorsByRule: {},
    suppressed: 0,
    suppressedByRule: {},
    evaluations: 0,
  };
  for (const d of detectors) {
    const diag = d.diagnostics?.();
    if (!diag) continue;
    total.ruleErrors.push(...diag.ruleErrors);
    total.ruleErrorCount += diag.ruleErrorCount;
    for (const [k, v] of Object.entries(diag.ruleErrorsByRule))
      total.ruleErrorsByRule[k] = (total.ruleErrorsByRule[k] ?? 0) + v;
    total.suppressed += diag.suppressed;
    for (const [k, v] of Object.entries(diag.suppressedByRule))
      total.suppressedByRule[k] = (total.suppressedByRule[k] ?? 0) + v;
    total.evaluations = (total.evaluations ?? 0) + (diag.evaluations ?? 0);
  }
  return total;
}
