import type { ProcessedEvent } from '../../event.ts';
import type { Finding } from '../../finding.ts';
import { BurstCounter } from '../burst-counter.ts';
import type { Detector } from '../detector.ts';
import { APP_EVENT_SOURCES, appEvidence, appFinding, httpStatus, isAppEvent } from './app-event.ts';

export const HTTP_5XX_SPIKE_RULE = 'app.http-5xx-spike';
const WINDOW_MS = 5 * 60_000;

/**
 * A new spike of HTTP 5xx responses: one service's 5xx count in a 5-minute window at least
 * `minCount` and `factor` times its mean over the hour before (a service that always fails does
 * not fire; one that starts failing does). A service needs an hour of history first.
 */
export class Http5xxSpikeDetector implements Detector {
  readonly id = HTTP_5XX_SPIKE_RULE;
  readonly sees = APP_EVENT_SOURCES;
  private readonly counter: BurstCounter;

  constructor(private readonly options: { minCount: number; factor: number }) {
    this.counter = new BurstCounter({
      windowMs: WINDOW_MS,
      baselineWindows: 12,
      minCount: options.minCount,
      factor: options.factor,
      maxKeys: 10_000,
    });
  }

  observe(e: ProcessedEvent): Finding[] {
    if (!isAppEvent(e)) return [];
    const status = httpStatus(e);
    if (status === undefined) return [];
    this.counter.touch(e.service, e.time);
    if (status < 500) return [];
    const burst = this.counter.add(e.service, e.time);
    if (!burst) return [];
    return [
      appFinding({
        ruleId: HTTP_5XX_SPIKE_RULE,
        key: [e.service, burst.windowStart],
        title: `New 5xx spike in ${e.service}: ${burst.count} server errors in 5 min`,
        severity: 'MEDIUM',
        mitre: [],
        event: e,
        eventIds: [e.id],
        explanation: `${e.service} answered ${burst.count} requests with 5xx in the 5 minutes from ${new Date(burst.windowStart).toISOString()}, against a mean of ${burst.baseline} per 5 minutes over the hour before (threshold ${this.options.factor}×).`,
        evidence: {
          window: new Date(burst.windowStart).toISOString(),
          count: burst.count,
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
