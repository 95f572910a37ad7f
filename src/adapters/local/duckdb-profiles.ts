import type { DuckDBConnection } from '@duckdb/node-api';
import type { PrincipalProfile } from '../../core/detect/baseline/profile.ts';
import type { NormalizedEvent } from '../../core/event.ts';

/**
 * Per-principal profiles in DuckDB: one row per principal (key, a few columns for counting and
 * the profile as JSON), so 10,000 principals are 10,000 small upserts in one statement, never one
 * blob rewritten per file.
 */
const PROFILE_SCHEMA = `
CREATE TABLE IF NOT EXISTS principal_profiles (
  key VARCHAR PRIMARY KEY, name VARCHAR, last_seen BIGINT, active_days INTEGER, events BIGINT, body JSON NOT NULL
);
CREATE TEMP TABLE IF NOT EXISTS profiles_stage (
  key VARCHAR, name VARCHAR, last_seen BIGINT, active_days INTEGER, events BIGINT, body VARCHAR
);
CREATE TEMP TABLE IF NOT EXISTS profile_keys (key VARCHAR);
`;

export async function ensureProfileSchema(conn: DuckDBConnection): Promise<void> {
  await conn.run(PROFILE_SCHEMA);
}

export async function loadProfileRows(
  conn: DuckDBConnection,
  keys: readonly string[],
): Promise<PrincipalProfile[]> {
  if (keys.length === 0) return [];
  await conn.run('DELETE FROM profile_keys');
  const appender = await conn.createAppender('profile_keys', 'main', 'temp');
  for (const key of new Set(keys)) {
    appender.appendVarchar(key);
    appender.endRow();
  }
  appender.closeSync();
  const reader = await conn.runAndReadAll(
    'SELECT p.body FROM principal_profiles p JOIN profile_keys k ON p.key = k.key',
  );
  return reader.getRowObjectsJS().map((r) => JSON.parse(String(r.body)) as PrincipalProfile);
}

export async function saveProfileRows(
  conn: DuckDBConnection,
  profiles: readonly PrincipalProfile[],
): Promise<void> {
  if (profiles.length === 0) return;
  // The last copy of a key wins, and a key appears once in the statement (DuckDB requires it).
  const byKey = new Map<string, PrincipalProfile>();
  for (const p of profiles) byKey.set(p.key, p);
  await conn.run('BEGIN TRANSACTION');
  try {
    await conn.run('DELETE FROM profiles_stage');
    const appender = await conn.createAppender('profiles_stage', 'main', 'temp');
    for (const p of byKey.values()) {
      appender.appendVarchar(p.key);
      appender.appendVarchar(p.name);
      appender.appendBigInt(BigInt(p.lastSeen));
      appender.appendInteger(p.activeDays);
      appender.appendBigInt(BigInt(p.events));
      appender.appendVarchar(JSON.stringify(p));
      appender.endRow();
    }
    appender.closeSync();
    await conn.run('INSERT OR REPLACE INTO principal_profiles SELECT * FROM profiles_stage');
    await conn.run('COMMIT');
  } catch (err) {
    await conn.run('ROLLBACK');
    throw err;
  }
}

/** How many principals have a profile, and how many of them are still warming up. */
export async function profileCountRows(
  conn: DuckDBConnection,
  warmUp: { minDays: number; minEvents: number },
): Promise<{ principals: number; warm: number; warmingUp: number }> {
  const reader = await conn.runAndReadAll(
    `SELECT count(*) AS n, count(*) FILTER (WHERE active_days >= $1 AND events >= $2) AS warm FROM principal_profiles`,
    [warmUp.minDays, warmUp.minEvents],
  );
  const row = reader.getRowObjectsJS()[0];
  const principals = Number(row.n);
  const warm = Number(row.warm);
  return { principals, warm, warmingUp: principals - warm };
}

const STORED_EVENT_COLUMNS = `id, time_ms, source, account, region, service, action, principal_type, principal_id,
  principal_name, principal_arn, access_key_id, source_ip, user_agent, error_code, error_message, read_only`;

/**
 * Every stored event in event-time order, in batches, as NormalizedEvents without `raw` (the
 * events table does not keep it): what a profile rebuild needs. Streams on its own connection so
 * the caller may write profiles on the main one meanwhile.
 */
export async function* storedEventBatches(
  conn: DuckDBConnection,
  batchSize: number,
): AsyncGenerator<NormalizedEvent[]> {
  const result = await conn.stream(`SELECT ${STORED_EVENT_COLUMNS} FROM events ORDER BY time_ms, id`);
  let batch: NormalizedEvent[] = [];
  for await (const rows of result.yieldRowsJs()) {
    for (const r of rows) {
      batch.push(eventOf(r));
      if (batch.length >= batchSize) {
        yield batch;
        batch = [];
      }
    }
  }
  if (batch.length) yield batch;
}

function eventOf(r: unknown[]): NormalizedEvent {
  const s = (v: unknown) => (v === null || v === undefined ? undefined : String(v));
  const e: NormalizedEvent = {
    id: String(r[0]),
    time: Number(r[1]),
    source: String(r[2]) as NormalizedEvent['source'],
    account: s(r[3]) ?? '',
    region: s(r[4]) ?? '',
    service: s(r[5]) ?? '',
    action: s(r[6]) ?? '',
    principal: { type: s(r[7]) ?? 'Unknown', id: s(r[8]) ?? 'unknown', name: s(r[9]) ?? 'unknown' },
    sourceIp: s(r[12]) ?? '',
    userAgent: s(r[13]) ?? '',
    raw: {},
  };
  const arn = s(r[10]);
  if (arn) e.principal.arn = arn;
  const key = s(r[11]);
  if (key) e.principal.accessKeyId = key;
  const errorCode = s(r[14]);
  if (errorCode) e.errorCode = errorCode;
  const errorMessage = s(r[15]);
  if (errorMessage) e.errorMessage = errorMessage;
  if (typeof r[16] === 'boolean') e.readOnly = r[16];
  return e;
}
