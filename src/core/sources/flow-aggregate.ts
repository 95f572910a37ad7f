import { type FlowRecord, flowTime, isTraffic } from './vpc-flow.ts';

/** Flow records are summed into windows this long (5 minutes). */
export const FLOW_WINDOW_MS = 5 * 60_000;

/**
 * Flow records summed per 5-minute window × account × source × destination × service port ×
 * protocol × action. This, not the records, is what the store keeps: a day of flow logs is a
 * number of rows bounded by distinct conversations per window, not by records.
 */
export interface FlowAggregate {
  /** Epoch ms of the window start (records are placed by their `start`). */
  time: number;
  account: string;
  srcaddr: string;
  dstaddr: string;
  /**
   * The service port: the destination port, or 0 when that is the ephemeral side of a reply
   * (above 1023 and above the source port), so replies do not explode the row count.
   */
  port: number;
  protocol: number;
  /** ACCEPT, REJECT, `-` (Transit Gateway), NODATA or SKIPDATA. */
  action: string;
  /** Number of flow records summed. */
  flows: number;
  packets: number;
  bytes: number;
  /** Epoch ms of the first and last record start in the window. */
  firstSeen: number;
  lastSeen: number;
}

/** The service-port rule of `FlowAggregate.port`. */
export function servicePort(srcport: number | undefined, dstport: number | undefined): number {
  const d = dstport ?? 0;
  const s = srcport ?? 0;
  return d > 1023 && s > 0 && d > s ? 0 : d;
}

/** Folds flow records into aggregates (pure; output order is by first appearance). */
export function aggregateFlows(records: Iterable<FlowRecord>): FlowAggregate[] {
  const map = new Map<string, FlowAggregate>();
  for (const r of records) {
    const t = flowTime(r);
    if (t === undefined) continue;
    const time = t - (t % FLOW_WINDOW_MS);
    const traffic = isTraffic(r);
    const action = traffic ? (r.action ?? '-') : (r.logStatus ?? '-');
    const account = r.accountId ?? '';
    const src = traffic ? r.srcaddr! : '';
    const dst = traffic ? r.dstaddr! : '';
    const port = traffic ? servicePort(r.srcport, r.dstport) : 0;
    const protocol = r.protocol ?? 0;
    const key = `${time}|${account}|${src}|${dst}|${port}|${protocol}|${action}`;
    let a = map.get(key);
    if (!a) {
      a = {
        time,
        account,
        srcaddr: src,
        dstaddr: dst,
        port,
        protocol,
        action,
        flows: 0,
        packets: 0,
        bytes: 0,
        firstSeen: t,
        lastSeen: t,
      };
      map.set(key, a);
    }
    a.flows++;
    a.packets += r.packets ?? 0;
    a.bytes += r.bytes ?? 0;
    if (t < a.firstSeen) a.firstSeen = t;
    if (t > a.lastSeen) a.lastSeen = t;
  }
  return [...map.values()];
}
