import { classifyAddress } from '../net.ts';
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
  /** ACCEPT, REJECT, `-` (Transit Gateway), NODATA or SKIPDATA. Addresses may be `*`: folded peers. */
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

/** A public peer with fewer records than this in a window is folded into `*` (see `aggregateFlows`). */
export const FOLD_BELOW_RECORDS = 10;

/** Single records to a folded peer above this many bytes keep their address. */
const FOLD_MAX_BYTES = 2 ** 20;

/**
 * Folds flow records into aggregates (pure; output order is by first appearance). Public peers seen
 * in fewer than FOLD_BELOW_RECORDS records of a window, with little traffic, are folded into `*`:
 * the long tail of one-off web clients and background probes would otherwise make a row each, while
 * scanners, heavy talkers and every internal address keep their own rows.
 */
export function aggregateFlows(records: Iterable<FlowRecord>): FlowAggregate[] {
  const exact = new Map<string, FlowAggregate>();
  const peerRecords = new Map<string, number>();
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
    if (traffic) {
      if (isPublic(src)) peerRecords.set(`${time}|${src}`, (peerRecords.get(`${time}|${src}`) ?? 0) + 1);
      if (isPublic(dst)) peerRecords.set(`${time}|${dst}`, (peerRecords.get(`${time}|${dst}`) ?? 0) + 1);
    }
    add(
      exact,
      { time, account, srcaddr: src, dstaddr: dst, port, protocol, action },
      r.packets ?? 0,
      r.bytes ?? 0,
      t,
      1,
    );
  }
  const folded = new Map<string, FlowAggregate>();
  for (const a of exact.values()) {
    const fold = (addr: string) =>
      addr !== '' &&
      a.bytes <= FOLD_MAX_BYTES &&
      isPublic(addr) &&
      (peerRecords.get(`${a.time}|${addr}`) ?? 0) < FOLD_BELOW_RECORDS;
    const srcaddr = fold(a.srcaddr) ? '*' : a.srcaddr;
    const dstaddr = fold(a.dstaddr) ? '*' : a.dstaddr;
    if (srcaddr === a.srcaddr && dstaddr === a.dstaddr) {
      add(folded, a, a.packets, a.bytes, a.firstSeen, a.flows, a.lastSeen);
    } else {
      add(folded, { ...a, srcaddr, dstaddr }, a.packets, a.bytes, a.firstSeen, a.flows, a.lastSeen);
    }
  }
  return [...folded.values()];
}

type Key = Pick<FlowAggregate, 'time' | 'account' | 'srcaddr' | 'dstaddr' | 'port' | 'protocol' | 'action'>;

function add(
  map: Map<string, FlowAggregate>,
  k: Key,
  packets: number,
  bytes: number,
  first: number,
  flows: number,
  last = first,
): void {
  const key = `${k.time}|${k.account}|${k.srcaddr}|${k.dstaddr}|${k.port}|${k.protocol}|${k.action}`;
  let a = map.get(key);
  if (!a) {
    a = {
      time: k.time,
      account: k.account,
      srcaddr: k.srcaddr,
      dstaddr: k.dstaddr,
      port: k.port,
      protocol: k.protocol,
      action: k.action,
      flows: 0,
      packets: 0,
      bytes: 0,
      firstSeen: first,
      lastSeen: last,
    };
    map.set(key, a);
  }
  a.flows += flows;
  a.packets += packets;
  a.bytes += bytes;
  if (first < a.firstSeen) a.firstSeen = first;
  if (last > a.lastSeen) a.lastSeen = last;
}

const publicCache = new Map<string, boolean>();

/** Public (internet) address; cached because the same peers recur in every window. */
function isPublic(addr: string): boolean {
  let v = publicCache.get(addr);
  if (v === undefined) {
    v = classifyAddress(addr) === 'public';
    if (publicCache.size > 200_000) publicCache.clear();
    publicCache.set(addr, v);
  }
  return v;
}
