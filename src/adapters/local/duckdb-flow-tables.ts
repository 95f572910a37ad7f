import type { DuckDBConnection } from '@duckdb/node-api';
import type { SourceType } from '../../core/event.ts';
import {
  type FlowSourceSummary,
  flowPortName,
  type SourceSummary,
  sortSourceSections,
} from '../../core/report/source-summary.ts';
import type { Ranked } from '../../core/report/summary.ts';
import type { FlowAggregate } from '../../core/sources/flow-aggregate.ts';

/** Flow log aggregates (5-minute window × conversation), one set of rows per ingested file. */
export const FLOW_SCHEMA = `
CREATE TABLE IF NOT EXISTS flow_aggregates (
  time_ms BIGINT NOT NULL, account VARCHAR, srcaddr VARCHAR, dstaddr VARCHAR, port INTEGER, protocol SMALLINT,
  action VARCHAR, flows BIGINT, packets BIGINT, bytes BIGINT, first_ms BIGINT, last_ms BIGINT, file_id VARCHAR NOT NULL
);`;

/** Appends the aggregates of the files being written (inside the caller's transaction). */
export async function insertFlowAggregates(
  conn: DuckDBConnection,
  files: readonly { file: { id: string }; flows?: readonly FlowAggregate[] }[],
): Promise<void> {
  if (!files.some((f) => f.flows?.length)) return;
  const appender = await conn.createAppender('flow_aggregates');
  for (const { file, flows } of files) {
    for (const a of flows ?? []) {
      appender.appendBigInt(BigInt(a.time));
      appender.appendVarchar(a.account);
      appender.appendVarchar(a.srcaddr);
      appender.appendVarchar(a.dstaddr);
      appender.appendInteger(a.port);
      appender.appendSmallInt(a.protocol);
      appender.appendVarchar(a.action);
      appender.appendBigInt(BigInt(a.flows));
      appender.appendBigInt(BigInt(a.packets));
      appender.appendBigInt(BigInt(a.bytes));
      appender.appendBigInt(BigInt(a.firstSeen));
      appender.appendBigInt(BigInt(a.lastSeen));
      appender.appendVarchar(file.id);
      appender.endRow();
    }
  }
  appender.closeSync();
}

/**
 * The per-source sections of a summary: events per source with their top services and errors,
 * and flow log totals from the aggregates. `where` is the summary's own filter (time_ms, file_id).
 */
export async function summarizeSources(
  conn: DuckDBConnection,
  where: string,
  params: (string | number)[],
  top: number,
): Promise<SourceSummary[]> {
  const rows = async (sql: string) => (await conn.runAndReadAll(sql, params)).getRowObjectsJS();
  const and = (cond: string) => (where ? `${where} AND ${cond}` : `WHERE ${cond}`);
  const n = Number(top);
  const sections = new Map<string, SourceSummary>();
  for (const r of await rows(`
      SELECT source, count(*) AS n, count(*) FILTER (WHERE error_code IS NOT NULL) AS errors,
             min(time_ms) AS first, max(time_ms) AS last
      FROM events ${where} GROUP BY source`)) {
    sections.set(String(r.source), {
      source: String(r.source) as SourceType,
      records: Number(r.n),
      errors: Number(r.errors),
      first: Number(r.first),
      last: Number(r.last),
      topServices: [],
      topErrors: [],
    });
  }
  const rankedPerSource = async (column: string, filter?: string) => {
    const out = new Map<string, Ranked[]>();
    for (const r of await rows(`
        SELECT source, name, c FROM (
          SELECT source, ${column} AS name, count(*) AS c,
                 row_number() OVER (PARTITION BY source ORDER BY count(*) DESC, ${column}) AS rn
          FROM events ${filter ? and(filter) : where} GROUP BY source, ${column})
        WHERE rn <= ${n} ORDER BY source, c DESC, name`)) {
      const list = out.get(String(r.source)) ?? [];
      list.push({ name: String(r.name), count: Number(r.c) });
      out.set(String(r.source), list);
    }
    return out;
  };
  const services = await rankedPerSource('service');
  const errors = await rankedPerSource('error_code', 'error_code IS NOT NULL');
  for (const [source, s] of sections) {
    s.topServices = services.get(source) ?? [];
    s.topErrors = errors.get(source) ?? [];
  }
  const flow = await summarizeFlows(rows, where, and, n);
  if (flow) sections.set('vpc-flow', flow);
  return sortSourceSections([...sections.values()]);
}

async function summarizeFlows(
  rows: (sql: string) => Promise<Record<string, unknown>[]>,
  where: string,
  and: (cond: string) => string,
  top: number,
): Promise<SourceSummary | undefined> {
  const [t] = await rows(`
    SELECT count(*) AS stored, coalesce(sum(flows), 0) AS records,
           coalesce(sum(flows) FILTER (WHERE action = 'ACCEPT'), 0) AS accepted,
           coalesce(sum(flows) FILTER (WHERE action = 'REJECT'), 0) AS rejected,
           coalesce(sum(flows) FILTER (WHERE action = 'NODATA'), 0) AS nodata,
           coalesce(sum(flows) FILTER (WHERE action = 'SKIPDATA'), 0) AS skipdata,
           coalesce(sum(bytes), 0) AS bytes, coalesce(sum(packets), 0) AS packets,
           min(first_ms) AS first, max(last_ms) AS last
    FROM flow_aggregates ${where}`);
  if (!t || Number(t.stored) === 0) return undefined;
  const ranked = (list: Record<string, unknown>[]) =>
    list.map((r) => ({ name: String(r.name), count: Number(r.c) }));
  const topTalkers = ranked(
    await rows(`SELECT srcaddr || ' → ' || dstaddr AS name, sum(bytes) AS c FROM flow_aggregates ${and("srcaddr <> ''")}
                GROUP BY 1 ORDER BY c DESC, name LIMIT ${top}`),
  );
  const topRejectedSources = ranked(
    await rows(`SELECT srcaddr AS name, sum(flows) AS c FROM flow_aggregates ${and("action = 'REJECT'")}
                GROUP BY 1 ORDER BY c DESC, name LIMIT ${top}`),
  );
  const topPorts = (
    await rows(`SELECT port, protocol, sum(flows) AS c FROM flow_aggregates ${and("port > 0 AND srcaddr <> ''")}
                GROUP BY 1, 2 ORDER BY c DESC, port, protocol LIMIT ${top}`)
  ).map((r) => ({ name: flowPortName(Number(r.port), Number(r.protocol)), count: Number(r.c) }));
  const flow: FlowSourceSummary = {
    accepted: Number(t.accepted),
    rejected: Number(t.rejected),
    noData: Number(t.nodata),
    skipData: Number(t.skipdata),
    bytes: Number(t.bytes),
    packets: Number(t.packets),
    storedRows: Number(t.stored),
    topTalkers,
    topRejectedSources,
    topPorts,
  };
  return {
    source: 'vpc-flow',
    records: Number(t.records),
    errors: 0,
    first: Number(t.first),
    last: Number(t.last),
    topServices: [],
    topErrors: [],
    flow,
  };
}
