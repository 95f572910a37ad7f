import type { ProcessedEvent } from '../../event.ts';
import type { Finding } from '../../finding.ts';
import { BurstCounter } from '../burst-counter.ts';
import type { Detector } from '../detector.ts';
import { APP_EVENT_SOURCES, appEvidence, appFinding, isAppEvent, isErrorLine } from './app-event.ts';

export const ERROR_BURST_RULE = 'app.error-burst';
const WINDOW_MS = 5 * 60_000;

/**
 * Error-level lines of one service in a 5-minute window at least `minErrors` and `factor` times
 * its mean over the hour before. A service needs an hour of history first.
 */
export class ErrorBurstDetector implements Detector {
  readonly id = ERROR_BURST_RULE;
  readonly sees = APP_EVENT_SOURCES;
  private readonly counter: BurstCounter;

  constructor(options: { minErrors: number; factor: number }) {
    this.counter = new BurstCounter({
      windowMs: WINDOW_MS,
      baselineWindows: 12,
      minCount: options.minErrors,
      factor: options.factor,
      maxKeys: 10_000,
    });
  }

  observe(e: ProcessedEvent): Finding[] {
    if (!isAppEvent(e)) return [];
    this.counter.touch(e.service, e.time);
    if (!isErrorLine(e)) return [];
    const burst = this.counter.add(e.service, e.time);
    if (!burst) return [];
    return [
      appFinding({
        ruleId: ERROR_BURST_RULE,
        key: [e.service, burst.windowStart],
        title: `Error burst in ${e.service}: ${burst.count} errors in 5 min`,
        severity: 'MEDIUM',
        mitre: [],
        event: e,
        eventIds: [e.id],
        explanation: `${e.service} logged ${burst.count} error-level lines in the 5 minutes from ${new Date(burst.windowStart).toISOString()}, against a mean of ${burst.baseline} per 5 minutes over the hour before.`,
        evidence: {
          window: new Date(burst.windowStart).toISOString(),
          errors: burst.count,
          baseline: burst.baseline,
          last: appEvidence(e),
        },
      }),
    ];
  }

  exportState(): unknown {
    return this.counter.exportState();
  }

  importState(state: unknown): void {
    this.counter.importState(state);
  }
}
