import type { Finding } from '../../finding.ts';
import { CidrSet } from '../../net.ts';
import { type FlowRecord, flowTime, isTraffic } from '../../sources/vpc-flow.ts';
import { addressKind, FlowOnlyDetector, flowEvidence, flowFinding } from './flow-detector.ts';

export const NEW_DESTINATION_EGRESS_RULE = 'flow.new-destination-egress';

const NEW_PAIR_MS = 60 * 60_000;
const MAX_HOSTS = 50_000;
const MAX_DESTINATIONS_PER_HOST = 5_000;

interface Host {
  firstSeen: number;
  lastSeen: number;
  /** Destinations this host sent to before, with when they became known. */
  known: Map<string, number>;
  /** Destinations first contacted less than an hour ago: bytes sent since. */
  fresh: Map<string, { first: number; bytes: number; fired: boolean }>;
}

const fmtBytes = (n: number) =>
  n >= 2 ** 30 ? `${(n / 2 ** 30).toFixed(2)} GiB` : `${(n / 2 ** 20).toFixed(1)} MiB`;

/**
 * An internal host that sends an unusually large amount (≥ `minBytes` within an hour of first
 * contact) to a public address it never sent to before: the shape of exfiltration. A host's
 * first `learningMinutes` only learn its destinations. AWS service addresses (pkt-dst-aws-service)
 * and trusted networks are not destinations of interest. State is bounded per host and in hosts.
 */
export class NewDestinationEgressDetector extends FlowOnlyDetector {
  readonly id = NEW_DESTINATION_EGRESS_RULE;
  private hosts = new Map<string, Host>();
  private readonly trusted: CidrSet;
  private readonly learningMs: number;

  constructor(
    private readonly options: { minBytes: number; learningMinutes: number; trustedCidrs: readonly string[] },
  ) {
    super();
    this.trusted = new CidrSet(options.trustedCidrs);
    this.learningMs = options.learningMinutes * 60_000;
  }

  observeFlow(r: FlowRecord): Finding[] {
    if (r.action !== 'ACCEPT' || !isTraffic(r) || r.flowDirection === 'ingress') return [];
    if (r.pktDstAwsService !== undefined) return [];
    // A host answering on its service port (443 → an ephemeral port) is replying, not sending out.
    if (r.srcport !== undefined && r.dstport !== undefined && r.srcport <= 1023 && r.dstport > 1023)
      return [];
    const src = r.srcaddr!;
    const dst = r.dstaddr!;
    if (addressKind(src) !== 'private' || addressKind(dst) !== 'public' || this.trusted.contains(dst))
      return [];
    const t = flowTime(r);
    if (t === undefined) return [];
    const host = this.host(src, t);
    if (host.known.has(dst)) return [];
    let fresh = host.fresh.get(dst);
    if (fresh && t - fresh.first >= NEW_PAIR_MS) {
      // An hour after first contact the destination is simply known.
      host.fresh.delete(dst);
      this.learn(host, dst, t);
      return [];
    }
    if (!fresh) {
      if (t - host.firstSeen < this.learningMs) {
        this.learn(host, dst, t);
        return [];
      }
      fresh = { first: t, bytes: 0, fired: false };
      host.fresh.set(dst, fresh);
      if (host.fresh.size > MAX_DESTINATIONS_PER_HOST) this.expireFresh(host, t);
    }
    fresh.bytes += r.bytes ?? 0;
    if (fresh.fired || fresh.bytes < this.options.minBytes) return [];
    fresh.fired = true;
    return [
      flowFinding({
        ruleId: NEW_DESTINATION_EGRESS_RULE,
        key: [src, dst, fresh.first],
        title: `${src} sent ${fmtBytes(fresh.bytes)} to new destination ${dst}`,
        severity: 'HIGH',
        mitre: [{ tactic: 'TA0010', technique: 'T1048' }],
        time: t,
        record: r,
        explanation: `${src} had never sent traffic to ${dst} before ${new Date(fresh.first).toISOString()}; within ${Math.round((t - fresh.first) / 60_000)} minutes of first contact it sent ${fmtBytes(fresh.bytes)} (threshold ${fmtBytes(this.options.minBytes)}).`,
        evidence: {
          firstContact: new Date(fresh.first).toISOString(),
          bytes: fresh.bytes,
          last: flowEvidence(r),
        },
      }),
    ];
  }

  private host(src: string, t: number): Host {
    let h = this.hosts.get(src);
    if (!h) {
      if (this.hosts.size >= MAX_HOSTS) {
        const oldest = [...this.hosts.entries()]
          .sort((a, b) => a[1].lastSeen - b[1].lastSeen)
          .slice(0, MAX_HOSTS / 10);
        for (const [k] of oldest) this.hosts.delete(k);
      }
      h = { firstSeen: t, lastSeen: t, known: new Map(), fresh: new Map() };
      this.hosts.set(src, h);
    }
    if (t > h.lastSeen) h.lastSeen = t;
    if (t < h.firstSeen) h.firstSeen = t;
    return h;
  }

  private learn(host: Host, dst: string, t: number): void {
    host.known.set(dst, t);
    if (host.known.size > MAX_DESTINATIONS_PER_HOST) {
      // Forget the destinations learned longest ago.
      const drop = [...host.known.entries()]
        .sort((a, b) => a[1] - b[1])
        .slice(0, MAX_DESTINATIONS_PER_HOST / 10);
      for (const [d] of drop) host.known.delete(d);
    }
  }

  private expireFresh(host: Host, t: number): void {
    for (const [d, f] of host.fresh) {
      if (t - f.first >= NEW_PAIR_MS) {
        host.fresh.delete(d);
        this.learn(host, d, t);
      }
    }
    if (host.fresh.size > MAX_DESTINATIONS_PER_HOST) {
      const drop = [...host.fresh.entries()]
        .sort((a, b) => a[1].first - b[1].first)
        .slice(0, MAX_DESTINATIONS_PER_HOST / 10);
      for (const [d] of drop) host.fresh.delete(d);
    }
  }

  exportState(): unknown {
    return [...this.hosts.entries()].map(([src, h]) => [
      src,
      h.firstSeen,
      h.lastSeen,
      [...h.known.entries()],
      [...h.fresh.entries()],
    ]);
  }

  importState(state: unknown): void {
    if (!Array.isArray(state)) return;
    this.hosts = new Map();
    for (const [src, firstSeen, lastSeen, known, fresh] of state as [
      string,
      number,
      number,
      [string, number][],
      [string, { first: number; bytes: number; fired: boolean }][],
    ][]) {
      this.hosts.set(src, { firstSeen, lastSeen, known: new Map(known), fresh: new Map(fresh) });
    }
  }
}
