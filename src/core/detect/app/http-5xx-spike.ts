import type { ProcessedEvent } from '../../event.ts';
import type { Finding } from '../../finding.ts';
import type { Burst } from '../burst-counter.ts';
import { appEvidence, appFinding, httpStatus } from './app-event.ts';
import { ServiceSpikeDetector } from './service-spike-detector.ts';

export const HTTP_5XX_SPIKE_RULE = 'app.http-5xx-spike';

/**
 * A new spike of HTTP 5xx responses: one service's 5xx count in a 5-minute window at least
 * `minCount` and `factor` times its mean over the hour before (a service that always fails does
 * not fire; one that starts failing does). A service needs an hour of history first; only lines
 * with an HTTP status are its traffic.
 */
export class Http5xxSpikeDetector extends ServiceSpikeDetector {
  readonly id = HTTP_5XX_SPIKE_RULE;

  constructor(private readonly options: { minCount: number; factor: number }) {
    super(options);
  }

  protected classify(e: ProcessedEvent): 'counted' | 'traffic' | 'ignored' {
    const status = httpStatus(e);
    if (status === undefined) return 'ignored';
    return status >= 500 ? 'counted' : 'traffic';
  }

  protected finding(e: ProcessedEvent, burst: Burst): Finding {
    return appFinding({
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
    });
  }
}
