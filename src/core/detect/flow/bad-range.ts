import type { Finding } from '../../finding.ts';
import { CidrSet } from '../../net.ts';
import { type FlowRecord, flowTime, isTraffic } from '../../sources/vpc-flow.ts';
import { FlowOnlyDetector, flowEvidence, flowFinding, utcDay } from './flow-detector.ts';

export const BAD_RANGE_RULE = 'flow.bad-range';

/** A configured bad range: a bare CIDR or one with a label. */
export type BadRange = string | { cidr: string; label: string };

/**
 * Traffic to or from a range the configuration lists as bad. Accepted traffic is HIGH, traffic
 * that was only rejected MEDIUM. One finding per bad address, peer and UTC day, per action.
 */
export class BadRangeDetector extends FlowOnlyDetector {
  readonly id = BAD_RANGE_RULE;
  private readonly ranges: { label: string; set: CidrSet }[];
  private seen = new Map<number, Set<string>>();

  constructor(ranges: readonly BadRange[]) {
    super();
    this.ranges = ranges.map((r) =>
      typeof r === 'string'
        ? { label: r, set: new CidrSet([r]) }
        : { label: `${r.label} (${r.cidr})`, set: new CidrSet([r.cidr]) },
    );
  }

  observeFlow(r: FlowRecord): Finding[] {
    if (this.ranges.length === 0 || !isTraffic(r)) return [];
    const src = r.srcaddr!;
    const dst = r.dstaddr!;
    let label: string | undefined;
    let bad = src;
    let peer = dst;
    for (const range of this.ranges) {
      if (range.set.contains(src)) {
        label = range.label;
        break;
      }
      if (range.set.contains(dst)) {
        label = range.label;
        bad = dst;
        peer = src;
        break;
      }
    }
    if (!label) return [];
    const t = flowTime(r);
    if (t === undefined) return [];
    const day = utcDay(t);
    const accepted = r.action === 'ACCEPT' || r.action === undefined;
    let keys = this.seen.get(day);
    if (!keys) {
      keys = new Set();
      this.seen.set(day, keys);
      for (const d of this.seen.keys()) if (d < day - 1) this.seen.delete(d);
    }
    const key = `${bad}|${peer}|${accepted}`;
    if (keys.has(key) || keys.size >= 100_000) return [];
    keys.add(key);
    const direction = bad === src ? `from ${bad} to ${peer}` : `from ${peer} to ${bad}`;
    return [
      flowFinding({
        ruleId: BAD_RANGE_RULE,
        key: [bad, peer, day, accepted ? 'accept' : 'reject'],
        title: `${accepted ? 'Traffic' : 'Rejected traffic'} with bad range ${label}: ${direction}`,
        severity: accepted ? 'HIGH' : 'MEDIUM',
        mitre: [{ tactic: 'TA0011', technique: 'T1071' }],
        time: t,
        record: r,
        sourceIp: src,
        explanation: `Flow ${direction} port ${r.dstport ?? '?'} was ${r.action ?? 'forwarded'}; ${bad} is in the configured bad range ${label}.`,
        evidence: { range: label, ...flowEvidence(r) },
      }),
    ];
  }

  exportState(): unknown {
    return [...this.seen.entries()].map(([d, s]) => [d, [...s]]);
  }

  importState(state: unknown): void {
    if (!Array.isArray(state)) return;
    this.seen = new Map((state as [number, string[]][]).map(([d, s]) => [d, new Set(s)]));
  }
}
