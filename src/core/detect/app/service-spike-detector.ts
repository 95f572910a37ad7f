import type { ProcessedEvent } from '../../event.ts';
import type { Finding } from '../../finding.ts';
import { type Burst, BurstCounter } from '../burst-counter.ts';
import type { Detector } from '../detector.ts';
import { APP_EVENT_SOURCES, isAppEvent } from './app-event.ts';

/** Counting windows are 5 minutes; the hour before is the baseline. */
export const SPIKE_WINDOW_MS = 5 * 60_000;
const BASELINE_WINDOWS = 12;
const MAX_SERVICES = 10_000;

/**
 * Base of the application-log detectors that count one kind of line per service in 5-minute
 * windows and fire when a window reaches `minCount` and `factor` times the service's mean over the
 * hour before (a service needs an hour of history first). A subclass says which lines are the
 * service's traffic and which of them count, and words the finding.
 */
export abstract class ServiceSpikeDetector implements Detector {
  abstract readonly id: string;
  readonly sees = APP_EVENT_SOURCES;
  private readonly counter: BurstCounter;

  constructor(options: { minCount: number; factor: number }) {
    this.counter = new BurstCounter({
      windowMs: SPIKE_WINDOW_MS,
      baselineWindows: BASELINE_WINDOWS,
      minCount: options.minCount,
      factor: options.factor,
      maxKeys: MAX_SERVICES,
    });
  }

  /** 'counted' lines add to the window; 'traffic' only shows the service is alive; 'ignored' neither. */
  protected abstract classify(e: ProcessedEvent): 'counted' | 'traffic' | 'ignored';

  protected abstract finding(e: ProcessedEvent, burst: Burst): Finding;

  observe(e: ProcessedEvent): Finding[] {
    if (!isAppEvent(e)) return [];
    const kind = this.classify(e);
    if (kind === 'ignored') return [];
    this.counter.touch(e.service, e.time);
    if (kind === 'traffic') return [];
    const burst = this.counter.add(e.service, e.time);
    return burst ? [this.finding(e, burst)] : [];
  }

  exportState(): unknown {
    return this.counter.exportState();
  }

  importState(state: unknown): void {
    this.counter.importState(state);
  }
}
