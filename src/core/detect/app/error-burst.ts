import type { ProcessedEvent } from '../../event.ts';
import type { Finding } from '../../finding.ts';
import type { Burst } from '../burst-counter.ts';
import { appEvidence, appFinding, isErrorLine } from './app-event.ts';
import { ServiceSpikeDetector } from './service-spike-detector.ts';

export const ERROR_BURST_RULE = 'app.error-burst';

/**
 * Error-level lines of one service in a 5-minute window at least `minErrors` and `factor` times
 * its mean over the hour before. A service needs an hour of history first.
 */
export class ErrorBurstDetector extends ServiceSpikeDetector {
  readonly id = ERROR_BURST_RULE;

  constructor(options: { minErrors: number; factor: number }) {
    super({ minCount: options.minErrors, factor: options.factor });
  }

  protected classify(e: ProcessedEvent): 'counted' | 'traffic' {
    return isErrorLine(e) ? 'counted' : 'traffic';
  }

  protected finding(e: ProcessedEvent, burst: Burst): Finding {
    return appFinding({
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
    });
  }
}
