import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { type DuckDBAppender, type DuckDBConnection, DuckDBInstance, LIST, listValue, VARCHAR } from '@duckdb/node-api';
import type { AnomalyFlag, InputError, ProcessedEvent } from '../../core/event.ts';
import { type Finding, SEVERITIES, type Severity } from '../../core/finding.ts';
import type { EventStore, FindingQuery, IngestBatch, IngestedFile, SummaryQuery } from '../../core/ports.ts';
import { emptySeverityCounts, type Summary, summarizeAnomalies, topN } from '../../core/report/summary.ts';

const FLAG_LIST = LIST(VARCHAR);

/** Events are buffered and written in batches this large (one transaction, files included). */
const FLUSH_EVENTS = 50_000;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  id VARCHAR NOT NULL, time_ms BIGINT NOT NULL, source VARCHAR, account VARCHAR, region VARCHAR,
  service VARCHAR, action VARCHAR, principal_type VARCHAR, principal_id VARCHAR, principal_name VARCHAR,
  principal_arn VARCHAR, access_key_id VARCHAR, source_ip VARCHAR, user_agent VARCHAR,
  error_code VARCHAR, error_message VARCHAR, read_only BOOLEAN, risk_score TINYINT,
  flags VARCHAR[], file_id VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS findings (
  id VARCHAR PRIMARY KEY, rule_id VARCHAR NOT NULL, severity VARCHAR NOT NULL, risk_score DOUBLE,
  time_ms BIGINT, principal_name VARCHAR, principal_id VARCHAR, principal_arn VARCHAR,
  file_id VARCHAR, body JSON NOT NULL
);
CREATE TABLE IF NOT EXISTS ingested_files (
  id VARCHAR PRIMARY KEY, uri VARCHAR, size BIGINT, events INTEGER, errors JSON, ingested_at BIGINT
);
CREATE TABLE IF NOT EXISTS detector_state (key VARCHAR PRIMARY KEY, value JSON);
`;

/** The local store: one DuckDB file holding events, findings, ingested files and detector state. */
export class DuckDbEventStore implements EventStore {
  private pendingEvents: ProcessedEvent[][] = [];
  private pendingCount = 0;
  private pendingFindings: { finding: Finding; fileId: string }[] = [];
  private pendingFiles = new Map<string, { file: IngestedFile; errors: InputError[]; fileIdOf: ProcessedEvent[] }>();

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly conn: DuckDBConnection,
    private readonly timeZone: string,
  ) {}

  /** Opens (and creates) the store; `path` ':memory:' keeps it in memory. */
  static async open(path: string, options: { timeZone?: string } = {}): Promise<DuckDbEventStore> {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const instance = await DuckDBInstance.create(path);
    const conn = await instance.connect();
    await conn.run(SCHEMA);
    await conn.run('CREATE TEMP TABLE IF NOT EXISTS events_stage AS SELECT * FROM events LIMIT 0');
    await conn.run('CREATE TEMP TABLE IF NOT EXISTS query_files (id VARCHAR)');
    return new DuckDbEventStore(instance, conn, options.timeZone ?? 'UTC');
  }

  async isIngested(fileId: string): Promise<boolean> {
    if (this.pendingFiles.has(fileId)) return true;
    const reader = await this.conn.runAndReadAll('SELECT 1 FROM ingested_files WHERE id = $1', [fileId]);
    return reader.currentRowCount > 0;
  }

  /** Errors recorded when a file was first ingested, so a re-run still reports them. */
  async fileErrors(fileId: string): Promise<InputError[]> {
    const pending = this.pendingFiles.get(fileId);
    if (pending) return pending.errors;
    const reader = await this.conn.runAndReadAll('SELECT errors FROM ingested_files WHERE id = $1', [fileId]);
    const row = reader.getRowObjectsJS()[0];
    return row?.errors ? (JSON.parse(String(row.errors)) as InputError[]) : [];
  }

  async ingest(batch: IngestBatch): Promise<{ eventsStored: number; findingsStored: number }> {
    if (await this.isIngested(batch.file.id)) return { eventsStored: 0, findingsStored: 0 };
    this.pendingFiles.set(batch.file.id, { file: batch.file, errors: batch.errors, fileIdOf: batch.events });
    this.pendingEvents.push(batch.events);
    this.pendingCount += batch.events.length;
    for (const finding of batch.findings) this.pendingFindings.push({ finding, fileId: batch.file.id });
    if (this.pendingCount >= FLUSH_EVENTS) return this.flush();
    return { eventsStored: 0, findingsStored: 0 };
  }

  /** Pending counts are reported when they reach the disk, so callers sum what `flush` returns too. */
  async flush(): Promise<{ eventsStored: number; findingsStored: number }> {
    if (this.pendingFiles.size === 0) return { eventsStored: 0, findingsStored: 0 };
    const files = [...this.pendingFiles.values()];
    const findings = this.pendingFindings;
    this.pendingFiles = new Map();
    this.pendingEvents = [];
    this.pendingCount = 0;
    this.pendingFindings = [];
    await this.conn.run('BEGIN TRANSACTION');
    try {
      await this.conn.run('DELETE FROM events_stage');
      const appender = await this.conn.createAppender('events_stage', 'main', 'temp');
      for (const { file, fileIdOf } of files) appendEvents(appender, fileIdOf, file.id);
      appender.closeSync();
      const inserted = await this.conn.run(`
        INSERT INTO events SELECT * FROM events_stage s
        WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.id = s.id)
        QUALIFY row_number() OVER (PARTITION BY s.id) = 1`);
      const eventsStored = Number(inserted.rowsChanged);
      let findingsStored = 0;
      for (const { finding, fileId } of findings) {
        const r = await this.conn.run(
          `INSERT OR IGNORE INTO findings VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
          [
            finding.id,
            finding.ruleId,
            finding.severity,
            finding.riskScore,
            finding.time,
            finding.principal?.name ?? null,
            finding.principal?.id ?? null,
            finding.principal?.arn ?? null,
            fileId,
            JSON.stringify(finding),
          ],
        );
        findingsStored += Number(r.rowsChanged);
      }
      for (const { file, errors } of files) {
        await this.conn.run('INSERT OR IGNORE INTO ingested_files VALUES ($1, $2, $3, $4, $5, $6)', [
          file.id,
          file.uri,
          file.size,
          file.events,
          JSON.stringify(errors),
          file.ingestedAt,
        ]);
      }
      await this.conn.run('COMMIT');
      return { eventsStored, findingsStored };
    } catch (err) {
      await this.conn.run('ROLLBACK');
      throw err;
    }
  }

  private async whereClause(query: { fileIds?: readonly string[]; since?: number; until?: number }) {
    await this.flush();
    const conditions: string[] = [];
    const params: (string | number)[] = [];
    if (query.fileIds) {
      await this.conn.run('DELETE FROM query_files');
      if (query.fileIds.length > 0) {
        const appender = await this.conn.createAppender('query_files', 'main', 'temp');
        for (const id of query.fileIds) {
          appender.appendVarchar(id);
          appender.endRow();
        }
        appender.closeSync();
      }
      conditions.push('file_id IN (SELECT id FROM query_files)');
    }
    if (query.since !== undefined) {
      params.push(query.since);
      conditions.push(`time_ms >= $${params.length}`);
    }
    if (query.until !== undefined) {
      params.push(query.until);
      conditions.push(`time_ms < $${params.length}`);
    }
    return { where: conditions.length ? `WHERE ${conditions.join(' AND ')}` : '', params };
  }

  async summarize(query: SummaryQuery): Promise<Summary> {
    const { where, params } = await this.whereClause(query);
    const top = query.top ?? 10;
    const highRisk = query.highRiskThreshold ?? 7;
    const rows = async (sql: string) => (await this.conn.runAndReadAll(sql, params)).getRowObjectsJS();
    const [totals] = await rows(`
      SELECT count(*) AS total, count(*) FILTER (WHERE risk_score >= ${Number(highRisk)}) AS high_risk,
             count(*) FILTER (WHERE error_code IS NOT NULL) AS errors,
             count(DISTINCT principal_id) AS principals, min(time_ms) AS first, max(time_ms) AS last
      FROM events ${where}`);
    const ranked = async (column: string, extra = '') =>
      topN(
        (await rows(`SELECT ${column} AS name, count(*) AS n FROM events ${where} ${extra ? (where ? `AND ${extra}` : `WHERE ${extra}`) : ''}
                     GROUP BY 1 ORDER BY n DESC, name LIMIT ${Number(top)}`)).map((r) => [String(r.name), Number(r.n)] as [string, number]),
        top,
      );
    const flagRows = await rows(`SELECT flag, count(*) AS n FROM (SELECT unnest(flags) AS flag FROM events ${where}) GROUP BY flag`);
    const hourRows = await rows(`
      SELECT hour(timezone('${this.timeZone.replaceAll("'", "''")}', make_timestamp(time_ms * 1000))) AS h, count(*) AS n
      FROM events ${where} GROUP BY h`);
    const hourly = new Array<number>(24).fill(0);
    for (const r of hourRows) hourly[Number(r.h)] = Number(r.n);
    const findingsBySeverity = emptySeverityCounts();
    const fWhere = where.replaceAll('time_ms', 'f.time_ms').replaceAll('file_id', 'f.file_id');
    for (const r of await rows(`SELECT severity, count(*) AS n FROM findings f ${fWhere} GROUP BY severity`)) {
      findingsBySeverity[r.severity as Severity] = Number(r.n);
    }
    const total = Number(totals.total);
    return {
      totalEvents: total,
      highRiskEvents: Number(totals.high_risk),
      errorEvents: Number(totals.errors),
      principals: Number(totals.principals),
      firstEvent: total ? Number(totals.first) : undefined,
      lastEvent: total ? Number(totals.last) : undefined,
      anomalies: summarizeAnomalies(
        Object.fromEntries(flagRows.map((r) => [r.flag as AnomalyFlag, Number(r.n)])),
      ),
      topUsers: await ranked('principal_name'),
      topServices: await ranked('service'),
      topActions: await ranked('action'),
      topErrors: await ranked('error_code', 'error_code IS NOT NULL'),
      hourly,
      findingsBySeverity,
    };
  }

  async findings(query: FindingQuery): Promise<Finding[]> {
    const { where, params } = await this.whereClause({ fileIds: query.fileIds, since: query.since, until: query.until });
    const conditions = where ? [where.slice('WHERE '.length)] : [];
    if (query.minSeverity) {
      const allowed = SEVERITIES.slice(SEVERITIES.indexOf(query.minSeverity)).map((s) => `'${s}'`);
      conditions.push(`severity IN (${allowed.join(', ')})`);
    }
    if (query.principal) {
      params.push(query.principal);
      const p = `$${params.length}`;
      conditions.push(`(principal_name = ${p} OR principal_id = ${p} OR principal_arn = ${p})`);
    }
    if (query.ruleId) {
      params.push(query.ruleId);
      conditions.push(`rule_id = $${params.length}`);
    }
    const sql = `SELECT body FROM findings ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''}
      ORDER BY risk_score DESC, time_ms DESC, id ${query.limit ? `LIMIT ${Number(query.limit)}` : ''}`;
    const reader = await this.conn.runAndReadAll(sql, params);
    return reader.getRowObjectsJS().map((r) => JSON.parse(String(r.body)) as Finding);
  }

  async loadState(key: string): Promise<unknown | undefined> {
    const reader = await this.conn.runAndReadAll('SELECT value FROM detector_state WHERE key = $1', [key]);
    const row = reader.getRowObjectsJS()[0];
    return row ? JSON.parse(String(row.value)) : undefined;
  }

  async saveState(key: string, value: unknown): Promise<void> {
    await this.conn.run('INSERT OR REPLACE INTO detector_state VALUES ($1, $2)', [key, JSON.stringify(value)]);
  }

  /** Runs a read-only SQL query (for reports and tests that check figures independently). */
  async query(sql: string, params: (string | number)[] = []): Promise<Record<string, unknown>[]> {
    await this.flush();
    return (await this.conn.runAndReadAll(sql, params)).getRowObjectsJS() as Record<string, unknown>[];
  }

  async close(): Promise<void> {
    await this.flush();
    this.conn.closeSync();
    this.instance.closeSync();
  }
}

function appendEvents(appender: DuckDBAppender, events: readonly ProcessedEvent[], fileId: string): void {
  for (const e of events) {
    const p = e.principal;
    appender.appendVarchar(e.id);
    appender.appendBigInt(BigInt(e.time));
    appender.appendVarchar(e.source);
    appender.appendVarchar(e.account);
    appender.appendVarchar(e.region);
    appender.appendVarchar(e.service);
    appender.appendVarchar(e.action);
    appender.appendVarchar(p.type);
    appender.appendVarchar(p.id);
    appender.appendVarchar(p.name);
    optional(appender, p.arn);
    optional(appender, p.accessKeyId);
    appender.appendVarchar(e.sourceIp);
    appender.appendVarchar(e.userAgent);
    optional(appender, e.errorCode);
    optional(appender, e.errorMessage);
    if (e.readOnly === undefined) appender.appendNull();
    else appender.appendBoolean(e.readOnly);
    appender.appendTinyInt(e.riskScore);
    appender.appendList(listValue(e.anomalyFlags), FLAG_LIST);
    appender.appendVarchar(fileId);
    appender.endRow();
  }
}

function optional(appender: DuckDBAppender, value: string | undefined): void {
  if (value === undefined) appender.appendNull();
  else appender.appendVarchar(value);
}
