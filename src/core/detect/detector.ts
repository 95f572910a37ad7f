import type { AnomalyFlag, NormalizedEvent, ProcessedEvent } from '../event.ts';
import type { EventStore } from '../ports.ts';
import type { Finding } from '../finding.ts';

/**
 * Anything that turns processed events into findings: the rule engine, threshold rules, baselines.
 * Detectors see events in file order, are deterministic by event time (never the wall clock),
 * and may keep bounded state that the pipeline persists between files and runs.
 */
export interface Detector {
  /** Stable name; also the key its state is stored under. */
  readonly id: string;
  /** Looks at one event; returns the findings it causes (often none). */
  observe(event: ProcessedEvent): Finding[];
  /** Called after each file: findings that need the whole file (windows closing, bursts). */
  flush?(): Finding[];
  /** Bounded, JSON-serializable state to keep across runs. */
  exportState?(): unknown;
  importState?(state: unknown): void;
  /** Loads what `observe` will need for these events from the store (e.g. per-principal profiles). */
  prepare?(events: readonly NormalizedEvent[], store: EventStore): Promise<void>;
  /** Writes state kept outside `exportState` (e.g. changed per-principal profiles) to the store. */
  persist?(store: EventStore): Promise<void>;
  /** Adjusts an event's seed flags before it is scored (a warm baseline redefines UNUSUAL_TIME). */
  refineFlags?(event: NormalizedEvent, flags: AnomalyFlag[]): AnomalyFlag[];
}
