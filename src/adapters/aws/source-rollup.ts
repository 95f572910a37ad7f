import type { SourceType } from '../../core/event.ts';
import {
  type FlowSourceSummary,
  flowPortName,
  type SourceSummary,
  sortSourceSections,
} from '../../core/report/source-summary.ts';
import type { Ranked } from '../../core/report/summary.ts';
import type { FlowAggregate } from '../../core/sources/flow-aggregate.ts';

/** One source type's events within a rollup bucket: what its `SourceSummary` section needs. */
export interface SourceCounts {
  n: number;
  /** Events with an error code. */
  err: number;
  /** Epoch ms of the first and last event. */
  first: number;
  last: number;
  service: Record<string, number>;
  error: Record<string, number>;
}

/**
 * Flow log aggregates within a rollup bucket, summed down to what `FlowSourceSummary` reports.
 * The maps are keyed by what the top lists rank, so they stay far smaller than the aggregate rows.
 */
export interface FlowCounts {
  /** Aggregate rows folded in (the summary's `storedRows`). */
  rows: number;
  /** Flow records per action (ACCEPT, REJECT, NODATA, SKIPDATA, `-`). */
  action: Record<string, number>;
  bytes: number;
  packets: number;
  /** Epoch ms of the first and last record start. */
  first: number;
  last: number;
  /** Bytes per `src → dst` (records with a source address). */
  talk: Record<string, number>;
  /** REJECT records per source address. */
  rej: Record<string, number>;
  /** Records per `port/protocol number` (service port > 0, with a source address). */
  port: Record<string, number>;
}

function add(map: Record<string, number>, key: string, by = 1): void {
  map[key] = (map[key] ?? 0) + by;
}

/** Counts one event of `source` into `into` (creating the source's entry). */
export function countSourceEvent(
  into: Record<string, SourceCounts>,
  source: string,
  time: number,
  service: string,
  errorCode: string | undefined,
): void {
  let s = into[source];
  if (!s) {
    s = { n: 0, err: 0, first: time, last: time, service: {}, error: {} };
    into[source] = s;
  }
  s.n++;
  if (time < s.first) s.first = time;
  if (time > s.last) s.last = time;
  add(s.service, service);
  if (errorCode !== undefined) {
    s.err++;
    add(s.error, errorCode);
  }
}

/** Adds every source of `from` into `into` (buckets of the same period). */
export function mergeSources(into: Record<string, SourceCounts>, from: Record<string, SourceCounts>): void {
  for (const [source, c] of Object.entries(from)) {
    const s = into[source];
    if (!s) {
      into[source] = { ...c, service: { ...c.service }, error: { ...c.error } };
      continue;
    }
    s.n += c.n;
    s.err += c.err;
    s.first = Math.min(s.first, c.first);
    s.last = Math.max(s.last, c.last);
    for (const [k, v] of Object.entries(c.service)) add(s.service, k, v);
    for (const [k, v] of Object.entries(c.error)) add(s.error, k, v);
  }
}

/** Folds one flow aggregate row into a bucket's flow counts (creating them). */
export function countFlowAggregate(into: FlowCounts | undefined, a: FlowAggregate): FlowCounts {
  const f = into ?? emptyFlow(a.firstSeen, a.lastSeen);
  f.rows++;
  add(f.action, a.action, a.flows);
  f.bytes += a.bytes;
  f.packets += a.packets;
  if (a.firstSeen < f.first) f.first = a.firstSeen;
  if (a.lastSeen > f.last) f.last = a.lastSeen;
  if (a.srcaddr !== '') {
    add(f.talk, `${a.srcaddr} → ${a.dstaddr}`, a.bytes);
    if (a.port > 0) add(f.port, `${a.port}/${a.protocol}`, a.flows);
  }
  if (a.action === 'REJECT') add(f.rej, a.srcaddr, a.flows);
  return f;
}

/** `into` plus `from` (a new object when `into` is undefined; `from` is never modified). */
export function mergeFlow(into: FlowCounts | undefined, from: FlowCounts): FlowCounts {
  const f = into ?? emptyFlow(from.first, from.last);
  f.rows += from.rows;
  f.bytes += from.bytes;
  f.packets += from.packets;
  f.first = Math.min(f.first, from.first);
  f.last = Math.max(f.last, from.last);
  for (const key of ['action', 'talk', 'rej', 'port'] as const) {
    for (const [k, v] of Object.entries(from[key])) add(f[key], k, v);
  }
  return f;
}

function emptyFlow(first: number, last: number): FlowCounts {
  return { rows: 0, action: {}, bytes: 0, packets: 0, first, last, talk: {}, rej: {}, port: {} };
}

/**
 * The summary's per-source sections from a period's merged counts, ranked like the SQL store:
 * count descending, then name in code-point order (ports: port, then protocol number).
 */
export function sourceSections(
  sources: Record<string, SourceCounts>,
  flow: FlowCounts | undefined,
  top: number,
): SourceSummary[] {
  const sections = new Map<string, SourceSummary>();
  for (const [source, c] of Object.entries(sources)) {
    sections.set(source, {
      source: source as SourceType,
      records: c.n,
      errors: c.err,
      first: c.first,
      last: c.last,
      topServices: ranked(Object.entries(c.service), top),
      topErrors: ranked(Object.entries(c.error), top),
    });
  }
  // Flow records are kept as aggregates, not events: their section comes from the flow counts.
  if (flow && flow.rows > 0) sections.set('vpc-flow', flowSection(flow, top));
  return sortSourceSections([...sections.values()]);
}

function flowSection(f: FlowCounts, top: number): SourceSummary {
  let records = 0;
  for (const n of Object.values(f.action)) records += n;
  const ports = Object.entries(f.port)
    .map(([key, count]) => {
      const [port, protocol] = key.split('/').map(Number);
      return { port, protocol, count };
    })
    .sort((a, b) => b.count - a.count || a.port - b.port || a.protocol - b.protocol)
    .slice(0, top);
  const flow: FlowSourceSummary = {
    accepted: f.action.ACCEPT ?? 0,
    rejected: f.action.REJECT ?? 0,
    noData: f.action.NODATA ?? 0,
    skipData: f.action.SKIPDATA ?? 0,
    bytes: f.bytes,
    packets: f.packets,
    storedRows: f.rows,
    topTalkers: ranked(Object.entries(f.talk), top),
    topRejectedSources: ranked(Object.entries(f.rej), top),
    topPorts: ports.map((p) => ({ name: flowPortName(p.port, p.protocol), count: p.count })),
  };
  return {
    source: 'vpc-flow',
    records,
    errors: 0,
    first: f.first,
    last: f.last,
    topServices: [],
    topErrors: [],
    flow,
  };
}

/** Count descending, then name in code-point order; the first `top`. */
function ranked(entries: [string, number][], top: number): Ranked[] {
  return entries
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, top)
    .map(([name, count]) => ({ name, count }));
}
