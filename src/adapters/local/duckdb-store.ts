import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import type { PrincipalProfile } from '../../core/detect/baseline/profile.ts';
import type { AnomalyFlag, InputError, NormalizedEvent } from '../../core/event.ts';
import { type Finding, SEVERITIES, type Severity } from '../../core/finding.ts';
import type {
  EncodedEvents,
  EventStore,
  FindingQuery,
  IngestBatch,
  IngestedFile,
  NotificationLedger,
  StoredCounts,
  SummaryQuery,
} from '../../core/ports.ts';
import { emptySeverityCounts, type Summary, summarizeAnomalies, topN } from '../../core/report/summary.ts';
import type { FlowAggregate } from '../../core/sources/flow-aggregate.ts';
import { EVENT_ROW_ENCODING, eventRow } from './duckdb-event-row.ts';
import { FLOW_SCHEMA, insertFlowAggregates, summarizeSources } from './duckdb-flow-tables.ts';
import {
  ensureProfileSchema,
  loadProfileRows,
  profileCountRows,
  saveProfileRows,
  storedEventBatches,
} from './duckdb-profiles.ts';
import { StageDir } from './duckdb-stage-dir.ts';

/** Events are buffered as rows and written in batches this large (one transaction, files included). */
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
CREATE TABLE IF NOT EXISTS notifications (
  finding_id VARCHAR NOT NULL, channel VARCHAR NOT NULL, sent_at BIGINT NOT NULL, PRIMARY KEY (finding_id, channel)
);
`;

/** The events table's columns and types, for read_csv over the staged rows. */
const STAGE_COLUMNS = `{id: 'VARCHAR', time_ms: 'BIGINT', source: 'VARCHAR', account: 'VARCHAR', region: 'VARCHAR',
  service: 'VARCHAR', action: 'VARCHAR', principal_type: 'VARCHAR', principal_id: 'VARCHAR', principal_name: 'VARCHAR',
  principal_arn: 'VARCHAR', access_key_id: 'VARCHAR', source_ip: 'VARCHAR', user_agent: 'VARCHAR',
  error_code: 'VARCHAR', error_message: 'VARCHAR', read_only: 'BOOLEAN', risk_score: 'TINYINT',
  flags: 'VARCHAR[]', file_id: 'VARCHAR'}`;

/** read_csv's read buffer: its 32 MiB default would be most of the store's memory budget. */
const CSV_BUFFER_BYTES = 2 * 2 ** 20;

const NOTHING: StoredCounts = { eventsStored: 0, findingsStored: 0 };

/** The local store: one DuckDB file holding events, findings, ingested files and detector state. */
export class DuckDbEventStore implements EventStore, NotificationLedger {
  /** Staged event rows (TSV files on disk), their count, ids (to drop in-batch duplicates) and time range. */
  readonly stage = new StageDir();
  private pendingChunks: string[] = [];
  private pendingRows = 0;
  private pendingIds = new Set<string>();
  private pendingMin = Number.POSITIVE_INFINITY;
  private pendingMax = Number.NEGATIVE_INFINITY;
  /** Staged findings (NDJSON files) and their ids (a finding is staged once per batch). */
  private pendingFindings: string[] = [];
  private pendingFindingIds = new Set<string>();
  private pendingFiles = new Map<
    string,
    { file: IngestedFile; errors: InputError[]; flows?: FlowAggregate[] }
  >();
  /** Flow aggregate rows buffered with the files (they count toward the write size like events). */
  private pendingFlowRows = 0;
  /** Content hashes of every ingested file, loaded once: one lookup per file must not be a query. */
  private ingestedIds: Set<string> | undefined;
  private loadingIds: Promise<Set<string>> | undefined;
  /** The chain of background writes, their first error, and what they stored since the last flush. */
  private writing: Promise<void> = Promise.resolve();
  private writeError: Error | undefined;
  private written: StoredCounts = { eventsStored: 0, findingsStored: 0 };

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly conn: DuckDBConnection,
    private readonly timeZone: string,
  ) {}

  /**
   * Opens (and creates) the store; `path` ':memory:' keeps it in memory. DuckDB's own memory is
   * bounded (`memoryLimit`, default 256MB) so a large run spills to disk instead of growing.
   */
  static async open(
    path: string,
    options: { timeZone?: string; memoryLimit?: string } = {},
  ): Promise<DuckDbEventStore> {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const instance = await DuckDBInstance.create(path, {
      memory_limit: options.memoryLimit ?? '256MB',
      // Inserts need not keep row order: lets DuckDB stream them within the memory limit.
      preserve_insertion_order: 'false',
      // Checkpoint at close, not after every batch's commit (each batch's WAL passes the 16MB default).
      checkpoint_threshold: '1GB',
    });
    const conn = await instance.connect();
    await conn.run(SCHEMA);
    await conn.run(FLOW_SCHEMA);
    await conn.run('CREATE TEMP TABLE IF NOT EXISTS query_files (id VARCHAR)');
    await conn.run('CREATE TEMP TABLE IF NOT EXISTS files_stage AS SELECT * FROM ingested_files LIMIT 0');
    return new DuckDbEventStore(instance, conn, options.timeZone ?? 'UTC');
  }

  async isIngested(fileId: string): Promise<boolean> {
    if (this.pendingFiles.has(fileId)) return true;
    return (await this.knownFileIds()).has(fileId);
  }

  /** Content hashes of every ingested file (a worker thread skips these without decoding them). */
  async knownFileIds(): Promise<ReadonlySet<string>> {
    if (this.ingestedIds) return this.ingestedIds;
    // Files read ahead ask at once: one query serves them all.
    this.loadingIds ??= this.conn
      .runAndReadAll('SELECT id FROM ingested_files')
      .then((reader) => new Set(reader.getRowObjectsJS().map((r) => String(r.id))));
    this.ingestedIds = await this.loadingIds;
    return this.ingestedIds;
  }

  async fileErrors(fileId: string): Promise<InputError[]> {
    const pending = this.pendingFiles.get(fileId);
    if (pending) return pending.errors;
    await this.writing; // one statement at a time on the connection
    const reader = await this.conn.runAndReadAll('SELECT errors FROM ingested_files WHERE id = $1', [fileId]);
    const row = reader.getRowObjectsJS()[0];
    return row?.errors ? (JSON.parse(String(row.errors)) as InputError[]) : [];
  }

  async ingest(batch: IngestBatch): Promise<StoredCounts> {
    if (await this.isIngested(batch.file.id)) return NOTHING;
    this.pendingFiles.set(batch.file.id, {
      file: batch.file,
      errors: batch.errors,
      flows: batch.flowAggregates,
    });
    this.pendingFlowRows += batch.flowAggregates?.length ?? 0;
    const rows: string[] = [];
    for (const e of batch.events) {
      if (this.pendingIds.has(e.id)) continue;
      this.pendingIds.add(e.id);
      rows.push(eventRow(e, batch.file.id));
      if (e.time < this.pendingMin) this.pendingMin = e.time;
      if (e.time > this.pendingMax) this.pendingMax = e.time;
    }
    if (rows.length > 0) this.addChunk(this.stage.write('events', rows.join('\n')), rows.length);
    if (batch.encoded) this.addEncoded(batch.encoded);
    // The file id rides along with each finding; DuckDB splits the two when it loads them.
    const file = JSON.stringify(batch.file.id);
    const lines: string[] = [];
    for (const f of batch.findings) {
      if (this.pendingFindingIds.has(f.id)) continue;
      this.pendingFindingIds.add(f.id);
      lines.push(`{"file":${file},"finding":${JSON.stringify(f)}}`);
    }
    if (lines.length > 0) this.pendingFindings.push(this.stage.write('findings', lines.join('\n')));
    if (this.pendingRows + this.pendingFlowRows >= FLUSH_EVENTS) {
      // Written in the background: DuckDB inserts this batch on its own threads while the caller
      // parses the next files. Writes stay in order; a failure surfaces at the next call.
      // Back-pressure: one batch is written while the next is gathered, never more, so memory
      // stays bounded when DuckDB is slower than parsing.
      await this.writing;
      this.writing = this.writePending();
    }
    if (this.writeError) throw this.writeError;
    return NOTHING;
  }

  /** Rows encoded off the main thread by `eventRow` (see duckdb-event-row.ts). */
  private addEncoded(encoded: EncodedEvents): void {
    if (encoded.encoding !== EVENT_ROW_ENCODING)
      throw new Error(`the DuckDB store cannot take events encoded as "${encoded.encoding}"`);
    const { ids } = encoded;
    const keep = new Uint8Array(ids.length);
    let kept = 0;
    for (let i = 0; i < ids.length; i++) {
      if (this.pendingIds.has(ids[i])) continue;
      this.pendingIds.add(ids[i]);
      keep[i] = 1;
      kept++;
    }
    if (kept < ids.length) {
      // Rare (an event delivered twice within one batch): only each id's first row is kept.
      const rows = readFileSync(encoded.file, 'utf8').split('\n');
      writeFileSync(encoded.file, `${rows.filter((_, i) => keep[i] === 1).join('\n')}\n`);
    }
    if (kept > 0) this.addChunk(encoded.file, kept);
    else rmSync(encoded.file, { force: true });
    if (encoded.minTime < this.pendingMin) this.pendingMin = encoded.minTime;
    if (encoded.maxTime > this.pendingMax) this.pendingMax = encoded.maxTime;
  }

  private addChunk(file: string, rows: number): void {
    this.pendingChunks.push(file);
    this.pendingRows += rows;
  }

  /** Writes whatever is buffered and returns what reached the store since the last flush. */
  async flush(): Promise<StoredCounts> {
    this.writing = this.writePending();
    await this.writing;
    if (this.writeError) throw this.writeError;
    const counts = this.written;
    this.written = { eventsStored: 0, findingsStored: 0 };
    return counts;
  }

  /** Takes the buffer and writes it after the writes already under way, adding to `written`. */
  private writePending(): Promise<void> {
    if (this.pendingFiles.size === 0) return this.writing;
    const files = [...this.pendingFiles.values()];
    for (const { file } of files) this.ingestedIds?.add(file.id);
    const findings = this.pendingFindings;
    const rows = this.pendingChunks;
    const [min, max] = rows.length ? [this.pendingMin, this.pendingMax] : [0, 0];
    this.pendingChunks = [];
    this.pendingRows = 0;
    this.pendingFiles = new Map();
    this.pendingFlowRows = 0;
    this.pendingIds = new Set();
    this.pendingMin = Number.POSITIVE_INFINITY;
    this.pendingMax = Number.NEGATIVE_INFINITY;
    this.pendingFindings = [];
    this.pendingFindingIds = new Set();
    const previous = this.writing;
    return previous.then(async () => {
      try {
        const counts = await this.writeBatch(rows, min, max, findings, files);
        this.written.eventsStored += counts.eventsStored;
        this.written.findingsStored += counts.findingsStored;
      } catch (err) {
        this.writeError ??= err as Error;
      }
    });
  }

  /** One transaction: events (deduplicated by id), findings and the files they came from. */
  private async writeBatch(
    rows: string[],
    min: number,
    max: number,
    findings: string[],
    files: { file: IngestedFile; errors: InputError[] }[],
  ): Promise<StoredCounts> {
    await this.stage.written();
    await this.conn.run('BEGIN TRANSACTION');
    try {
      // An event already stored (CloudTrail may deliver one twice) keeps its first copy; the time
      // bounds let DuckDB skip row groups outside the batch instead of probing every stored event.
      const inserted = rows.length
        ? await this.conn.run(
            `INSERT INTO events SELECT * FROM read_csv(${sqlList(rows)}, delim = '\t', header = false, quote = '"', escape = '"',
               auto_detect = false, buffer_size = ${CSV_BUFFER_BYTES}, columns = ${STAGE_COLUMNS}) s
             WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.time_ms BETWEEN $1 AND $2 AND e.id = s.id)`,
            [min, max],
          )
        : undefined;
      const eventsStored = Number(inserted?.rowsChanged ?? 0);
      const findingsStored = await this.insertFindings(findings);
      await insertFlowAggregates(this.conn, files);
      await this.insertFiles(files);
      await this.conn.run('COMMIT');
      return { eventsStored, findingsStored };
    } catch (err) {
      await this.conn.run('ROLLBACK');
      throw err;
    } finally {
      await Promise.all([...rows, ...findings].map((file) => rm(file, { force: true })));
    }
  }

  private async insertFiles(files: { file: IngestedFile; errors: InputError[] }[]): Promise<void> {
    await this.conn.run('DELETE FROM files_stage');
    const appender = await this.conn.createAppender('files_stage', 'main', 'temp');
    for (const { file, errors } of files) {
      appender.appendVarchar(file.id);
      appender.appendVarchar(file.uri);
      appender.appendBigInt(BigInt(file.size));
      appender.appendInteger(file.events);
      appender.appendVarchar(JSON.stringify(errors));
      appender.appendBigInt(BigInt(file.ingestedAt));
      appender.endRow();
    }
    appender.closeSync();
    await this.conn.run('INSERT OR IGNORE INTO ingested_files SELECT * FROM files_stage');
  }

  /** Loads staged findings (NDJSON) and inserts the new ones; returns how many were new. */
  private async insertFindings(files: string[]): Promise<number> {
    if (files.length === 0) return 0;
    const inserted = await this.conn.run(`
      INSERT OR IGNORE INTO findings
      SELECT f->>'id', f->>'ruleId', f->>'severity', (f->>'riskScore')::DOUBLE, (f->>'time')::BIGINT,
             f->'principal'->>'name', f->'principal'->>'id', f->'principal'->>'arn', file, f
      FROM (SELECT json->>'file' AS file, json->'finding' AS f
            FROM read_json_objects(${sqlList(files)}, format = 'newline_delimited'))`);
    return Number(inserted.rowsChanged);
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
        (
          await rows(`SELECT ${column} AS name, count(*) AS n FROM events ${where} ${extra ? (where ? `AND ${extra}` : `WHERE ${extra}`) : ''}
                     GROUP BY 1 ORDER BY n DESC, name LIMIT ${Number(top)}`)
        ).map((r) => [String(r.name), Number(r.n)] as [string, number]),
        top,
      );
    const flagRows = await rows(
      `SELECT flag, count(*) AS n FROM (SELECT unnest(flags) AS flag FROM events ${where}) GROUP BY flag`,
    );
    const hourRows = await rows(`
      SELECT hour(timezone('${this.timeZone.replaceAll("'", "''")}', make_timestamp(time_ms * 1000))) AS h, count(*) AS n
      FROM events ${where} GROUP BY h`);
    const hourly = new Array<number>(24).fill(0);
    for (const r of hourRows) hourly[Number(r.h)] = Number(r.n);
    const findingsBySeverity = emptySeverityCounts();
    const fWhere = where.replaceAll('time_ms', 'f.time_ms').replaceAll('file_id', 'f.file_id');
    for (const r of await rows(
      `SELECT severity, count(*) AS n FROM findings f ${fWhere} GROUP BY severity`,
    )) {
      findingsBySeverity[r.severity as Severity] = Number(r.n);
    }
    // Each finding counts once per ATT&CK tactic it maps to.
    const findingsByTactic: Record<string, number> = {};
    for (const r of await rows(`
      SELECT tactic, count(*) AS n FROM (
        SELECT DISTINCT f.id, unnest(json_extract_string(f.body, '$.mitre[*].tactic')) AS tactic FROM findings f ${fWhere})
      GROUP BY tactic ORDER BY n DESC, tactic`)) {
      findingsByTactic[String(r.tactic)] = Number(r.n);
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
      findingsByTactic,
      riskyPrincipals: (
        await rows(`
          SELECT principal_name AS name, count(*) AS events, count(*) FILTER (WHERE len(flags) > 0) AS flagged,
                 count(*) FILTER (WHERE risk_score >= ${Number(highRisk)}) AS high_risk, max(risk_score) AS max_risk
          FROM events ${where} GROUP BY 1 HAVING max(risk_score) > 0
          ORDER BY high_risk DESC, max_risk DESC, flagged DESC, events DESC, name LIMIT ${Number(top)}`)
      ).map((r) => ({
        name: String(r.name),
        events: Number(r.events),
        flaggedEvents: Number(r.flagged),
        highRiskEvents: Number(r.high_risk),
        maxRisk: Number(r.max_risk),
      })),
      topSources: await ranked('source'),
      sources: await summarizeSources(this.conn, where, params, top),
    };
  }

  async notified(channel: string, findingIds: readonly string[]): Promise<Set<string>> {
    await this.writing;
    if (findingIds.length === 0) return new Set();
    const reader = await this.conn.runAndReadAll(
      `SELECT finding_id FROM notifications WHERE channel = $1 AND list_contains(from_json($2::JSON, '["VARCHAR"]'), finding_id)`,
      [channel, JSON.stringify(findingIds)],
    );
    return new Set(reader.getRowObjectsJS().map((r) => String(r.finding_id)));
  }

  async recordNotified(channel: string, findingIds: readonly string[], at: number): Promise<void> {
    await this.writing;
    if (findingIds.length === 0) return;
    await this.conn.run(
      `INSERT OR IGNORE INTO notifications SELECT DISTINCT unnest(from_json($1::JSON, '["VARCHAR"]')), $2, $3`,
      [JSON.stringify(findingIds), channel, at],
    );
  }

  async findings(query: FindingQuery): Promise<Finding[]> {
    const { where, params } = await this.whereClause({
      fileIds: query.fileIds,
      since: query.since,
      until: query.until,
    });
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
      ORDER BY list_position(['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'], severity) DESC, risk_score DESC, time_ms DESC, id ${query.limit ? `LIMIT ${Number(query.limit)}` : ''}`;
    const reader = await this.conn.runAndReadAll(sql, params);
    return reader.getRowObjectsJS().map((r) => JSON.parse(String(r.body)) as Finding);
  }

  async loadState(key: string): Promise<unknown | undefined> {
    await this.writing;
    const reader = await this.conn.runAndReadAll('SELECT value FROM detector_state WHERE key = $1', [key]);
    const row = reader.getRowObjectsJS()[0];
    return row ? JSON.parse(String(row.value)) : undefined;
  }

  async saveState(key: string, value: unknown): Promise<void> {
    await this.writing;
    await this.conn.run('INSERT OR REPLACE INTO detector_state VALUES ($1, $2)', [
      key,
      JSON.stringify(value),
    ]);
  }

  /** Per-principal baseline profiles (table `principal_profiles`, see duckdb-profiles.ts). */
  async loadProfiles(keys: readonly string[]): Promise<PrincipalProfile[]> {
    return loadProfileRows(await this.profileConnection(), keys);
  }

  async saveProfiles(profiles: readonly PrincipalProfile[]): Promise<void> {
    await saveProfileRows(await this.profileConnection(), profiles);
  }

  /** Deletes every profile (before `logwarden baseline` rebuilds them). */
  async resetProfiles(): Promise<void> {
    await (await this.profileConnection()).run('DELETE FROM principal_profiles');
  }

  /** Principals with a profile and how many are still warming up. */
  async profileCounts(warmUp: { minDays: number; minEvents: number }) {
    return profileCountRows(await this.profileConnection(), warmUp);
  }

  /** Every stored event in time order, in batches, on a connection of its own. */
  async *storedEvents(batchSize = 10_000): AsyncGenerator<NormalizedEvent[]> {
    await this.flush();
    const conn = await this.instance.connect();
    try {
      yield* storedEventBatches(conn, batchSize);
    } finally {
      conn.closeSync();
    }
  }

  private profilesReady?: Promise<void>;

  private async profileConnection(): Promise<DuckDBConnection> {
    await this.writing; // one statement at a time on the connection
    this.profilesReady ??= ensureProfileSchema(this.conn);
    await this.profilesReady;
    return this.conn;
  }

  /** Runs a read-only SQL query (for reports and tests that check figures independently). */
  async query(sql: string, params: (string | number)[] = []): Promise<Record<string, unknown>[]> {
    await this.flush();
    return (await this.conn.runAndReadAll(sql, params)).getRowObjectsJS() as Record<string, unknown>[];
  }

  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      this.stage.remove();
      this.conn.closeSync();
      this.instance.closeSync();
    }
  }
}

/** A SQL list of string literals. */
function sqlList(values: readonly string[]): string {
  return `[${values.map((v) => `'${v.replaceAll("'", "''")}'`).join(', ')}]`;
}
