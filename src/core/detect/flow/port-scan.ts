import type { Finding, Severity } from '../../finding.ts';
import { type FlowRecord, flowTime, isTraffic } from '../../sources/vpc-flow.ts';
import { addressKind, FlowOnlyDetector, flowEvidence, flowFinding } from './flow-detector.ts';

export const PORT_SCAN_RULE = 'flow.port-scan';

interface Scan {
  ports: Set<number>;
  hosts: Set<string>;
  accepted: number;
  fired: boolean;
}

/** At most this many sources are tracked per window (a flood of spoofed sources cannot grow memory). */
const MAX_SOURCES = 100_000;

/**
 * One source reaching many distinct destination ports, or many distinct hosts, within a window
 * (by record time). Replies (a well-known source port answering an ephemeral one) are not probes.
 * An internal source scanning is HIGH (a foothold looking around); an external one whose probes
 * were all rejected is LOW background noise, MEDIUM when some were accepted.
 */
export class PortScanDetector extends FlowOnlyDetector {
  readonly id = PORT_SCAN_RULE;
  private readonly windowMs: number;
  private windows = new Map<number, Map<string, Scan>>();

  constructor(private readonly options: { windowMinutes: number; ports: number; hosts: number }) {
    super();
    this.windowMs = options.windowMinutes * 60_000;
  }

  observeFlow(r: FlowRecord): Finding[] {
    if (!isTraffic(r) || r.dstport === undefined || r.protocol === 1 || r.protocol === 58) return [];
    if (r.srcport !== undefined && r.srcport <= 1023 && r.dstport > 1023) return [];
    const t = flowTime(r);
    if (t === undefined) return [];
    const ws = t - (t % this.windowMs);
    let window = this.windows.get(ws);
    if (!window) {
      window = new Map();
      this.windows.set(ws, window);
      for (const w of this.windows.keys()) if (w < ws - 2 * this.windowMs) this.windows.delete(w);
    }
    const src = r.srcaddr!;
    let scan = window.get(src);
    if (!scan) {
      if (window.size >= MAX_SOURCES) return [];
      scan = { ports: new Set(), hosts: new Set(), accepted: 0, fired: false };
      window.set(src, scan);
    }
    if (scan.fired) return [];
    if (scan.ports.size < this.options.ports) scan.ports.add(r.dstport);
    if (scan.hosts.size < this.options.hosts) scan.hosts.add(r.dstaddr!);
    if (r.action === 'ACCEPT') scan.accepted++;
    const byPorts = scan.ports.size >= this.options.ports;
    const byHosts = scan.hosts.size >= this.options.hosts;
    if (!byPorts && !byHosts) return [];
    scan.fired = true;
    const internal = addressKind(src) === 'private';
    const severity: Severity = internal ? 'HIGH' : scan.accepted > 0 ? 'MEDIUM' : 'LOW';
    const what = byPorts ? `${scan.ports.size} distinct ports` : `${scan.hosts.size} distinct hosts`;
    const minutes = this.options.windowMinutes;
    return [
      flowFinding({
        ruleId: PORT_SCAN_RULE,
        key: [src, ws],
        title: `Port scan from ${src}: ${what} in ${minutes} min`,
        severity,
        mitre: [{ tactic: 'TA0007', technique: 'T1046' }],
        time: t,
        record: r,
        explanation: `${internal ? 'Internal' : 'External'} address ${src} reached ${what} within ${minutes} minutes starting ${new Date(ws).toISOString()} (${scan.accepted} accepted); ${internal ? 'a host inside the network probing others often means it is compromised' : 'probes from the internet are common, accepted ones show what is exposed'}.`,
        evidence: {
          window: new Date(ws).toISOString(),
          ports: [...scan.ports].sort((a, b) => a - b).slice(0, 50),
          hosts: [...scan.hosts].slice(0, 20),
          accepted: scan.accepted,
          last: flowEvidence(r),
        },
      }),
    ];
  }

  exportState(): unknown {
    return [...this.windows.entries()].map(([ws, m]) => [
      ws,
      [...m.entries()].map(([src, s]) => [src, [...s.ports], [...s.hosts], s.accepted, s.fired]),
    ]);
  }

  importState(state: unknown): void {
    if (!Array.isArray(state)) return;
    this.windows = new Map();
    for (const [ws, rows] of state as [number, [string, number[], string[], number, boolean][]][]) {
      const m = new Map<string, Scan>();
      for (const [src, ports, hosts, accepted, fired] of rows) {
        m.set(src, { ports: new Set(ports), hosts: new Set(hosts), accepted, fired });
      }
      this.windows.set(ws, m);
    }
  }
}
