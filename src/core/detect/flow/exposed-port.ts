import type { Finding } from '../../finding.ts';
import { CidrSet } from '../../net.ts';
import { type FlowRecord, flowTime, isTraffic } from '../../sources/vpc-flow.ts';
import { addressKind, FlowOnlyDetector, flowEvidence, flowFinding, utcDay } from './flow-detector.ts';

export const EXPOSED_PORT_RULE = 'flow.exposed-port-accepted';

const PORT_NAMES: Record<number, string> = {
  22: 'SSH',
  23: 'Telnet',
  3389: 'RDP',
  5900: 'VNC',
  1433: 'SQL Server',
  1521: 'Oracle',
  3306: 'MySQL',
  5432: 'PostgreSQL',
  5984: 'CouchDB',
  6379: 'Redis',
  9200: 'Elasticsearch',
  11211: 'Memcached',
  27017: 'MongoDB',
  2375: 'Docker API',
};

/**
 * Traffic from the internet (a public address outside the trusted networks) that was ACCEPTED on
 * SSH, RDP or a database port: the service is reachable from anywhere. One finding per host, port
 * and UTC day.
 */
export class ExposedPortDetector extends FlowOnlyDetector {
  readonly id = EXPOSED_PORT_RULE;
  private readonly ports: Set<number>;
  private readonly trusted: CidrSet;
  private seen = new Map<number, Set<string>>();

  constructor(options: { ports: readonly number[]; trustedCidrs: readonly string[] }) {
    super();
    this.ports = new Set(options.ports);
    this.trusted = new CidrSet(options.trustedCidrs);
  }

  observeFlow(r: FlowRecord): Finding[] {
    if (r.action !== 'ACCEPT' || !isTraffic(r) || r.dstport === undefined || !this.ports.has(r.dstport))
      return [];
    if (r.flowDirection === 'egress') return [];
    const src = r.srcaddr!;
    const dst = r.dstaddr!;
    if (addressKind(src) !== 'public' || this.trusted.contains(src)) return [];
    // Without flow-direction, a public destination may be a host of ours dialing out (IPv6 aside).
    if (r.flowDirection === undefined && addressKind(dst) === 'public' && !dst.includes(':')) return [];
    const t = flowTime(r);
    if (t === undefined) return [];
    const day = utcDay(t);
    let keys = this.seen.get(day);
    if (!keys) {
      keys = new Set();
      this.seen.set(day, keys);
      for (const d of this.seen.keys()) if (d < day - 1) this.seen.delete(d);
    }
    const key = `${dst}|${r.dstport}`;
    if (keys.has(key) || keys.size >= 100_000) return [];
    keys.add(key);
    const service = PORT_NAMES[r.dstport] ?? `port ${r.dstport}`;
    return [
      flowFinding({
        ruleId: EXPOSED_PORT_RULE,
        key: [dst, r.dstport, day],
        title: `${service} on ${dst} accepted traffic from the internet`,
        severity: 'HIGH',
        mitre: [{ tactic: 'TA0001', technique: r.dstport === 22 || r.dstport === 3389 ? 'T1133' : 'T1190' }],
        time: t,
        record: r,
        explanation: `${dst}:${r.dstport} (${service}) accepted ${r.packets ?? '?'} packets from ${src}, a public address outside the trusted networks; security groups or network ACLs let the internet reach it.`,
        evidence: flowEvidence(r),
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
