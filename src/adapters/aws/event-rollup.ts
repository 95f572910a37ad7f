import type { AnomalyFlag, ProcessedEvent } from '../../core/event.ts';
import type { Severity } from '../../core/finding.ts';
import { type RiskyPrincipal, type Summary, summarizeAnomalies, topN } from '../../core/report/summary.ts';
import type { FlowAggregate } from '../../core/sources/flow-aggregate.ts';
import {
  countFlowAggregate,
  countSourceEvent,
  type FlowCounts,
  mergeFlow,
  mergeSources,
  type SourceCounts,
  sourceSections,
} from './source-rollup.ts';

/** Width of a rollup bucket. Every time-zone offset is a multiple of it, so hours of day stay exact. */
export const BUCKET_MS = 15 * 60_000;
const DAY_MS = 86_400_000;

/** Counts of one principal (by display name) within a bucket. */
export interface PrincipalCounts {
  /** Events. */
  n: number;
  /** Events with at least one anomaly flag. */
  fl: number;
  /** Events per risk score. */
  r: Record<string, number>;
}

/**
 * Everything a summary needs about the events and flow aggregates of one 15-minute bucket. A
 * bucket may hold flow aggregates only (`n` 0; `first`/`last` then mean nothing).
 */
export interface BucketCounts {
  n: number;
  /** Epoch ms of the first and last event (when `n` > 0). */
  first: number;
  last: number;
  /** Events per risk score (the threshold for "high risk" is chosen at query time). */
  risk: Record<string, number>;
  /** Events with an error code. */
  err: number;
  /** Events per principal id (for the distinct-principal count). */
  pid: Record<string, number>;
  /** Per principal name: top users and risky principals. */
  user: Record<string, PrincipalCounts>;
  service: Record<string, number>;
  action: Record<string, number>;
  error: Record<string, number>;
  flag: Record<string, number>;
  source: Record<string, number>;
  /** Per source type, for the summary's sections (absent in items written before sections existed). */
  src?: Record<string, SourceCounts>;
  /** Flow log aggregates whose 5-minute window starts in the bucket. */
  flow?: FlowCounts;
}

/** One file's events, counted per UTC day and bucket: `{ "2023-07-10": { "1882112": counts } }`. */
export type FileRollup = Record<string, Record<string, BucketCounts>>;

/** The UTC day (`YYYY-MM-DD`) of an epoch-ms time. */
export function utcDay(time: number): string {
  return new Date(Math.floor(time / DAY_MS) * DAY_MS).toISOString().slice(0, 10);
}

/** Epoch ms at which a UTC day starts. */
export function dayStart(day: string): number {
  return Date.parse(`${day}T00:00:00.000Z`);
}

function add(map: Record<string, number>, key: string, by = 1): void {
  map[key] = (map[key] ?? 0) + by;
}

function emptyBucket(): BucketCounts {
  return {
    n: 0,
    first: Number.POSITIVE_INFINITY,
    last: Number.NEGATIVE_INFINITY,
    risk: {},
    err: 0,
    pid: {},
    user: {},
    service: {},
    action: {},
    error: {},
    flag: {},
    source: {},
  };
}

/**
 * Counts a file's events per day and 15-minute bucket. Events repeated within the file (same id)
 * count once, as in a store that keys events by id. Returns the rollup and the events counted.
 */
export function rollupEvents(events: readonly ProcessedEvent[]): { rollup: FileRollup; events: number } {
  const rollup: FileRollup = {};
  const seen = new Set<string>();
  for (const e of events) {
    if (seen.has(e.id)) continue;
    seen.add(e.id);
    const bucket = Math.floor(e.time / BUCKET_MS);
    const day = utcDay(e.time);
    rollup[day] ??= {};
    const buckets = rollup[day];
    buckets[bucket] ??= emptyBucket();
    const b = buckets[bucket];
    b.n++;
    if (e.time < b.first) b.first = e.time;
    if (e.time > b.last) b.last = e.time;
    add(b.risk, String(e.riskScore));
    const hasError = e.errorCode !== undefined && e.errorCode !== null;
    if (hasError) {
      b.err++;
      add(b.error, e.errorCode as string);
    }
    add(b.pid, e.principal.id);
    b.user[e.principal.name] ??= { n: 0, fl: 0, r: {} };
    const user = b.user[e.principal.name];
    user.n++;
    if (e.anomalyFlags.length > 0) user.fl++;
    add(user.r, String(e.riskScore));
    add(b.service, e.service);
    add(b.action, e.action);
    for (const f of e.anomalyFlags) add(b.flag, f);
    add(b.source, e.source);
    b.src ??= {};
    countSourceEvent(b.src, e.source, e.time, e.service, hasError ? (e.errorCode as string) : undefined);
  }
  return { rollup, events: seen.size };
}

/**
 * Adds a file's flow aggregates to its rollup, in the bucket and UTC day of their window start
 * (windows are 5 minutes, so a window never straddles a bucket or a day).
 */
export function rollupFlows(rollup: FileRollup, aggregates: readonly FlowAggregate[]): void {
  for (const a of aggregates) {
    const day = utcDay(a.time);
    const bucket = Math.floor(a.time / BUCKET_MS);
    rollup[day] ??= {};
    const buckets = rollup[day];
    buckets[bucket] ??= emptyBucket();
    const b = buckets[bucket];
    b.flow = countFlowAggregate(b.flow, a);
  }
}

/** Adds `from` into `into` (both buckets of the same period). */
export function mergeBucket(into: BucketCounts, from: BucketCounts): void {
  // A bucket without events has no first/last (stored JSON turns its ±Infinity into null).
  if (from.n > 0) {
    into.first = into.n > 0 ? Math.min(into.first, from.first) : from.first;
    into.last = into.n > 0 ? Math.max(into.last, from.last) : from.last;
  }
  into.n += from.n;
  into.err += from.err;
  for (const key of ['risk', 'pid', 'service', 'action', 'error', 'flag', 'source'] as const) {
    for (const [k, v] of Object.entries(from[key])) add(into[key], k, v);
  }
  for (const [name, c] of Object.entries(from.user)) {
    into.user[name] ??= { n: 0, fl: 0, r: {} };
    const u = into.user[name];
    u.n += c.n;
    u.fl += c.fl;
    for (const [k, v] of Object.entries(c.r)) add(u.r, k, v);
  }
  if (from.src) {
    into.src ??= {};
    mergeSources(into.src, from.src);
  }
  if (from.flow) into.flow = mergeFlow(into.flow, from.flow);
}

/** Options a summary is built with (the same ones `EventStore.summarize` takes). */
export interface RollupSummaryOptions {
  top: number;
  highRiskThreshold: number;
  /** IANA zone of the hourly distribution. */
  timeZone: string;
  findingsBySeverity: Record<Severity, number>;
}

/**
 * Builds the store-independent summary from buckets (keyed by bucket index). Top lists are ranked
 * by count, then name in code-point order, like the SQL store, so both stores print the same lists.
 */
export function summaryFromBuckets(
  buckets: ReadonlyMap<number, BucketCounts>,
  options: RollupSummaryOptions,
): Summary {
  const all = emptyBucket();
  const hourly = new Array<number>(24).fill(0);
  const hourOf = hourInZone(options.timeZone);
  for (const [index, b] of buckets) {
    mergeBucket(all, b);
    hourly[hourOf(index * BUCKET_MS)] += b.n;
  }
  let highRisk = 0;
  for (const [score, n] of Object.entries(all.risk))
    if (Number(score) >= options.highRiskThreshold) highRisk += n;
  const userCounts = Object.entries(all.user).map(([name, c]) => [name, c.n] as [string, number]);
  return {
    totalEvents: all.n,
    highRiskEvents: highRisk,
    errorEvents: all.err,
    principals: Object.keys(all.pid).length,
    firstEvent: all.n ? all.first : undefined,
    lastEvent: all.n ? all.last : undefined,
    anomalies: summarizeAnomalies(all.flag as Partial<Record<AnomalyFlag, number>>),
    topUsers: ranked(userCounts, options.top),
    topServices: ranked(Object.entries(all.service), options.top),
    topActions: ranked(Object.entries(all.action), options.top),
    topErrors: ranked(Object.entries(all.error), options.top),
    hourly,
    findingsBySeverity: options.findingsBySeverity,
    riskyPrincipals: riskyPrincipals(all.user, options.highRiskThreshold, options.top),
    topSources: ranked(Object.entries(all.source), options.top),
    sources: sourceSections(all.src ?? {}, all.flow, options.top),
  };
}

/** Principals whose events carry risk, ranked by high-risk events, max risk, flagged events, events. */
function riskyPrincipals(
  users: Record<string, PrincipalCounts>,
  threshold: number,
  top: number,
): RiskyPrincipal[] {
  const out: RiskyPrincipal[] = [];
  for (const [name, c] of Object.entries(users)) {
    let maxRisk = 0;
    let highRiskEvents = 0;
    for (const [score, n] of Object.entries(c.r)) {
      const s = Number(score);
      if (n > 0 && s > maxRisk) maxRisk = s;
      if (s >= threshold) highRiskEvents += n;
    }
    if (maxRisk > 0) out.push({ name, events: c.n, flaggedEvents: c.fl, highRiskEvents, maxRisk });
  }
  return out
    .sort(
      (a, b) =>
        b.highRiskEvents - a.highRiskEvents ||
        b.maxRisk - a.maxRisk ||
        b.flaggedEvents - a.flaggedEvents ||
        b.events - a.events ||
        (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
    )
    .slice(0, top);
}

/** Count-descending, name in code-point order, first `n`; then the shared `topN` ordering. */
function ranked(entries: [string, number][], n: number) {
  const cut = entries.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).slice(0, n);
  return topN(cut, n);
}

/** Hour of day in a time zone, cached per bucket offset (zones change offset rarely). */
function hourInZone(timeZone: string): (time: number) => number {
  if (timeZone === 'UTC') return (t) => new Date(t).getUTCHours();
  const format = new Intl.DateTimeFormat('en-US', { timeZone, hour: 'numeric', hourCycle: 'h23' });
  return (t) => Number(format.format(new Date(t))) % 24;
}
