import type { Finding } from '../../finding.ts';
import { type FlowRecord, flowTime, isTraffic } from '../../sources/vpc-flow.ts';
import { BurstCounter } from '../burst-counter.ts';
import { FlowOnlyDetector, flowEvidence, flowFinding } from './flow-detector.ts';

export const REJECT_SPIKE_RULE = 'flow.reject-spike';
const WINDOW_MS = 5 * 60_000;

/**
 * Rejected flow records of an account (or, without account, an interface) in a 5-minute window far
 * above that account's mean over the hour before: a scan, a flood or a misconfiguration.
 */
export class RejectSpikeDetector extends FlowOnlyDetector {
  readonly id = REJECT_SPIKE_RULE;
  private readonly counter: BurstCounter;

  constructor(private readonly options: { minRejects: number; factor: number }) {
    super();
    this.counter = new BurstCounter({
      windowMs: WINDOW_MS,
      baselineWindows: 12,
      minCount: options.minRejects,
      factor: options.factor,
      maxKeys: 10_000,
    });
  }

  observeFlow(r: FlowRecord): Finding[] {
    const t = flowTime(r);
    if (t === undefined) return [];
    const key = r.accountId ?? r.interfaceId ?? '-';
    this.counter.touch(key, t);
    if (r.action !== 'REJECT' || !isTraffic(r)) return [];
    const burst = this.counter.add(key, t);
    if (!burst) return [];
    return [
      flowFinding({
        ruleId: REJECT_SPIKE_RULE,
        key: [key, burst.windowStart],
        title: `Spike in rejected traffic in ${key}: ${burst.count} rejects in 5 min`,
        severity: 'MEDIUM',
        mitre: [{ tactic: 'TA0043', technique: 'T1595' }],
        time: t,
        record: r,
        explanation: `${burst.count} rejected flow records in the 5 minutes from ${new Date(burst.windowStart).toISOString()}, against a mean of ${burst.baseline} per 5 minutes over the hour before (threshold ${this.options.factor}× and at least ${this.options.minRejects}).`,
        evidence: {
          window: new Date(burst.windowStart).toISOString(),
          rejects: burst.count,
          baseline: burst.baseline,
          last: flowEvidence(r),
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
