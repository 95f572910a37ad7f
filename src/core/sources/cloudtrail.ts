import type { InputError, NormalizedEvent, Principal, RecordResult } from '../event.ts';
import { stableId } from '../hash.ts';
import {
  isLakeCsv,
  lakeCsvRecords,
  recordsOfDocument,
  SHAPE_LABEL,
  type ShapedRecord,
} from './cloudtrail-shapes.ts';
import { type JsonValue, splitJsonValues } from './json-values.ts';

/** What one CloudTrail file held: its events, the records that failed, or why the file was skipped. */
export interface CloudTrailParse {
  events: NormalizedEvent[];
  errors: InputError[];
  /** Set when the whole file is not CloudTrail data (digest files are recognised, not errors). */
  skipped?: 'digest';
  /** The shape(s) the records were read from, as the summary names them (`cloudtrail lookup-events`). */
  format: string;
}

// Digest files, and the sign file CloudTrail Lake writes beside saved query results.
const DIGEST_PATH = /(^|\/)CloudTrail-Digest\/|(^|\/)CloudTrail-Lake\/.*\/result_sign\.json$/;

/** True for CloudTrail digest files, which carry hashes of log files and no events. */
export function isDigestPath(path: string): boolean {
  return DIGEST_PATH.test(path);
}

function looksLikeDigest(doc: unknown): boolean {
  return typeof doc === 'object' && doc !== null && 'digestStartTime' in doc && 'digestEndTime' in doc;
}

/**
 * Parses the text of a CloudTrail file in any shape `cloudtrail-shapes.ts` knows: a delivery file
 * `{"Records":[...]}`, a JSON array of records, a single record, JSON lines, `lookup-events`
 * pages (one or several documents one after another), CloudTrail Lake results (JSON or CSV),
 * EventBridge envelopes and SIEM exports. Bad records are returned as errors; the others are normalized.
 */
export function parseCloudTrail(path: string, text: string): CloudTrailParse {
  if (isDigestPath(path)) return { events: [], errors: [], skipped: 'digest', format: 'cloudtrail' };
  if (text.trim().length === 0)
    return { events: [], errors: [{ path, reason: 'empty file: no records' }], format: 'cloudtrail' };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    const nl = text.indexOf('\n');
    const firstLine = text.slice(0, nl < 0 ? 4096 : Math.min(nl, 4096)).trim();
    if (isLakeCsv(firstLine)) return normalizeShaped(path, lakeCsvRecords(text), []);
    return parseDocuments(path, text, (err as Error).message);
  }
  if (looksLikeDigest(doc)) return { events: [], errors: [], skipped: 'digest', format: 'cloudtrail' };
  // The delivery file, by far the most common: no per-record wrapping.
  const delivered = (doc as { Records?: unknown } | null)?.Records;
  if (Array.isArray(delivered)) return normalizeRecords(path, delivered);
  const records = recordsOfDocument(doc, 0);
  if (typeof records === 'string')
    return { events: [], errors: [{ path, reason: records }], format: 'unknown' };
  return normalizeShaped(path, records, []);
}

/**
 * Text that is not one JSON document: JSON lines (records numbered by line), or documents one
 * after another (pages appended to one file, Firehose objects with no separator).
 */
function parseDocuments(path: string, text: string, parseError: string): CloudTrailParse {
  const values = splitIntoDocuments(text);
  if (!values)
    return { events: [], errors: [{ path, reason: `invalid JSON: ${parseError}` }], format: 'cloudtrail' };
  const shaped: ShapedRecord[] = [];
  const errors: InputError[] = [];
  let first = 0;
  for (const v of values) {
    if (v.error !== undefined) {
      errors.push({ path, record: v.line, reason: v.error });
      continue;
    }
    // A single record is numbered by its line (JSON lines); a page's records by their count.
    const records = recordsOfDocument(v.value, isContainer(v.value) ? first : v.line);
    if (typeof records === 'string') {
      errors.push({ path, record: v.line, reason: records });
      continue;
    }
    for (const r of records) shaped.push(r);
    if (isContainer(v.value)) first += records.length;
  }
  if (shaped.length === 0) return { events: [], errors, format: 'unknown' };
  return normalizeShaped(path, shaped, errors);
}

/**
 * JSON lines when the first line is a JSON document by itself (a broken line is then reported
 * alone and the next line still reads); otherwise documents one after another.
 */
function splitIntoDocuments(text: string): JsonValue[] | undefined {
  const lines = text.split('\n');
  const firstIndex = lines.findIndex((l) => l.trim().length > 0);
  try {
    JSON.parse(lines[firstIndex]);
  } catch {
    return splitJsonValues(text);
  }
  const values: JsonValue[] = [];
  for (let i = firstIndex; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line.length === 0) continue;
    if (line[0] !== '{' && line[0] !== '[') {
      values.push({ line: i + 1, error: 'line is not a JSON object' });
      continue;
    }
    try {
      values.push({ line: i + 1, value: JSON.parse(line) });
    } catch (err) {
      values.push({ line: i + 1, error: `invalid JSON: ${(err as Error).message}` });
    }
  }
  return values;
}

/** A page (lookup-events, Lake, a `_search` response, a delivery file) rather than a single record. */
function isContainer(doc: unknown): boolean {
  if (Array.isArray(doc)) return true;
  if (typeof doc !== 'object' || doc === null) return false;
  const d = doc as Record<string, unknown>;
  return (
    Array.isArray(d.Records) || Array.isArray(d.Events) || Array.isArray(d.QueryResultRows) || 'hits' in d
  );
}

function normalizeRecords(path: string, records: unknown[]): CloudTrailParse {
  const events: NormalizedEvent[] = [];
  const errors: InputError[] = [];
  for (let i = 0; i < records.length; i++) {
    const result = normalizeCloudTrailRecord(records[i], path, i);
    if (result.ok) events.push(result.value);
    else errors.push(result.error);
  }
  return { events, errors, format: 'cloudtrail' };
}

function normalizeShaped(path: string, records: ShapedRecord[], errors: InputError[]): CloudTrailParse {
  const events: NormalizedEvent[] = [];
  const shapes = new Set<string>();
  for (const r of records) {
    shapes.add(SHAPE_LABEL[r.shape]);
    if (r.error !== undefined) {
      errors.push({ path, record: r.index, reason: r.error });
      continue;
    }
    const result = normalizeCloudTrailRecord(r.record, path, r.index);
    if (result.ok) events.push(result.value);
    else errors.push(result.error);
  }
  return { events, errors, format: shapes.size ? [...shapes].sort().join(' + ') : 'cloudtrail' };
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

/** Normalizes one CloudTrail record; a record without a valid eventTime or eventName is an error value. */
export function normalizeCloudTrailRecord(
  record: unknown,
  path: string,
  index: number,
): RecordResult<NormalizedEvent> {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) {
    return { ok: false, error: { path, record: index, reason: 'record is not a JSON object' } };
  }
  const r = record as Record<string, unknown>;
  const eventName = str(r.eventName);
  if (!eventName) return { ok: false, error: { path, record: index, reason: 'missing eventName' } };
  const eventTime = str(r.eventTime);
  if (!eventTime) return { ok: false, error: { path, record: index, reason: 'missing eventTime' } };
  const time = Date.parse(eventTime);
  if (Number.isNaN(time)) {
    return {
      ok: false,
      error: { path, record: index, reason: `eventTime "${eventTime.slice(0, 40)}" is not an ISO-8601 time` },
    };
  }
  const principal = normalizeIdentity(r.userIdentity, r);
  const service = str(r.eventSource) ?? 'unknown';
  const sourceIp = str(r.sourceIPAddress) ?? '';
  const event: NormalizedEvent = {
    id:
      str(r.eventID) ??
      stableId('cloudtrail', eventTime, service, eventName, principal.id, sourceIp, str(r.requestID)),
    time,
    source: 'cloudtrail',
    account: str(r.recipientAccountId) ?? principal.accountId ?? '',
    region: str(r.awsRegion) ?? '',
    service,
    action: eventName,
    principal,
    sourceIp,
    userAgent: str(r.userAgent) ?? '',
    raw: r,
  };
  const errorCode = str(r.errorCode);
  if (errorCode) event.errorCode = errorCode;
  const errorMessage = str(r.errorMessage);
  if (errorMessage) event.errorMessage = errorMessage;
  if (typeof r.readOnly === 'boolean') event.readOnly = r.readOnly;
  return { ok: true, value: event };
}

function lastSegment(arn: string | undefined): string | undefined {
  if (!arn) return undefined;
  const i = arn.lastIndexOf('/');
  return i >= 0 ? arn.slice(i + 1) : undefined;
}

/** Maps CloudTrail's `userIdentity` (every documented type) to a Principal with a readable name. */
export function normalizeIdentity(identity: unknown, record: Record<string, unknown> = {}): Principal {
  if (typeof identity !== 'object' || identity === null) {
    return { type: 'Unknown', id: 'unknown', name: 'unknown' };
  }
  const u = identity as Record<string, unknown>;
  const type = str(u.type) ?? 'Unknown';
  const arn = str(u.arn);
  const principalId = str(u.principalId);
  const accountId = str(u.accountId);
  const sessionContext = (u.sessionContext ?? {}) as Record<string, unknown>;
  const issuer = (sessionContext.sessionIssuer ?? {}) as Record<string, unknown>;
  const attributes = (sessionContext.attributes ?? {}) as Record<string, unknown>;
  const onBehalfOf = (u.onBehalfOf ?? {}) as Record<string, unknown>;
  const issuerName = str(issuer.userName) ?? lastSegment(str(issuer.arn));
  let name: string;
  switch (type) {
    case 'Root':
      name = 'root';
      break;
    case 'IAMUser':
      name = str(u.userName) ?? lastSegment(arn) ?? principalId ?? 'unknown';
      break;
    case 'AssumedRole': {
      const session = lastSegment(arn) ?? principalId?.split(':')[1];
      name = issuerName
        ? session
          ? `${issuerName}/${session}`
          : issuerName
        : (arn ?? principalId ?? 'unknown');
      break;
    }
    case 'FederatedUser':
      name = lastSegment(arn) ?? issuerName ?? principalId ?? 'unknown';
      break;
    case 'AWSService':
      name = str(u.invokedBy) ?? 'aws-service';
      break;
    case 'AWSAccount':
      name = str(u.invokedBy) ?? accountId ?? principalId ?? 'unknown';
      break;
    case 'IdentityCenterUser':
      name = str(u.userName) ?? str(onBehalfOf.userId) ?? principalId ?? 'unknown';
      break;
    default:
      // SAMLUser, WebIdentityUser, Unknown and future types: the most specific label there is.
      name = str(u.userName) ?? lastSegment(arn) ?? principalId ?? str(u.invokedBy) ?? 'unknown';
  }
  const principal: Principal = {
    type,
    id: principalId ?? arn ?? str(u.invokedBy) ?? (type === 'Root' ? `root:${accountId ?? ''}` : name),
    name,
  };
  if (arn) principal.arn = arn;
  if (accountId) principal.accountId = accountId;
  const accessKeyId = str(u.accessKeyId);
  if (accessKeyId) principal.accessKeyId = accessKeyId;
  const issuerArn = str(issuer.arn);
  if (issuerArn) principal.sessionIssuer = issuerArn;
  const mfa = attributes.mfaAuthenticated;
  if (mfa === 'true' || mfa === true) principal.mfa = true;
  else if (mfa === 'false' || mfa === false) principal.mfa = false;
  const extra = record.additionalEventData as Record<string, unknown> | undefined;
  if (record.eventName === 'ConsoleLogin' && extra && typeof extra.MFAUsed === 'string') {
    principal.mfa = extra.MFAUsed === 'Yes';
  }
  return principal;
}
