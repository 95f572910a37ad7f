import type { InputError, NormalizedEvent, Principal, RecordResult } from '../event.ts';
import { stableId } from '../hash.ts';

/** What one CloudTrail file held: its events, the records that failed, or why the file was skipped. */
export interface CloudTrailParse {
  events: NormalizedEvent[];
  errors: InputError[];
  /** Set when the whole file is not CloudTrail data (digest files are recognised, not errors). */
  skipped?: 'digest';
}

const DIGEST_PATH = /(^|\/)CloudTrail-Digest\//;

/** True for CloudTrail digest files, which carry hashes of log files and no events. */
export function isDigestPath(path: string): boolean {
  return DIGEST_PATH.test(path);
}

function looksLikeDigest(doc: unknown): boolean {
  return typeof doc === 'object' && doc !== null && 'digestStartTime' in doc && 'digestEndTime' in doc;
}

/**
 * Parses the text of a CloudTrail file: a delivery file `{"Records":[...]}`, a JSON array of records,
 * a single record, or JSON lines. Bad records are returned as errors; the others are normalized.
 */
export function parseCloudTrail(path: string, text: string): CloudTrailParse {
  if (isDigestPath(path)) return { events: [], errors: [], skipped: 'digest' };
  if (text.trim().length === 0) return { events: [], errors: [{ path, reason: 'empty file: no records' }] };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    const lines = parseJsonLines(path, text);
    if (lines) return normalizeAll(path, lines.records, lines.lineNumbers, lines.errors);
    return { events: [], errors: [{ path, reason: `invalid JSON: ${(err as Error).message}` }] };
  }
  if (looksLikeDigest(doc)) return { events: [], errors: [], skipped: 'digest' };
  const records = recordsOf(doc);
  if (typeof records === 'string') return { events: [], errors: [{ path, reason: records }] };
  return normalizeAll(path, records, undefined, []);
}

/** The records of a parsed document, or the reason it holds none. */
function recordsOf(doc: unknown): unknown[] | string {
  if (Array.isArray(doc)) return doc;
  if (typeof doc === 'object' && doc !== null) {
    const obj = doc as Record<string, unknown>;
    if (Array.isArray(obj.Records)) return obj.Records;
    if ('Records' in obj) return '"Records" is not an array';
    if ('eventName' in obj || 'eventTime' in obj) return [obj];
  }
  return 'JSON without "Records": not a CloudTrail file';
}

/** JSON lines: every non-blank line is one record. Returns undefined when the text is not JSON lines at all. */
function parseJsonLines(
  path: string,
  text: string,
): { records: unknown[]; lineNumbers: number[]; errors: InputError[] } | undefined {
  const records: unknown[] = [];
  const lineNumbers: number[] = [];
  const errors: InputError[] = [];
  const lines = text.split('\n');
  let parsedAny = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line.length === 0) continue;
    if (line[0] !== '{') {
      errors.push({ path, record: i + 1, reason: 'line is not a JSON object' });
      continue;
    }
    try {
      records.push(JSON.parse(line));
      lineNumbers.push(i + 1);
      parsedAny = true;
    } catch (err) {
      errors.push({ path, record: i + 1, reason: `invalid JSON: ${(err as Error).message}` });
    }
  }
  return parsedAny ? { records, lineNumbers, errors } : undefined;
}

function normalizeAll(
  path: string,
  records: unknown[],
  lineNumbers: number[] | undefined,
  errors: InputError[],
): CloudTrailParse {
  const events: NormalizedEvent[] = [];
  for (let i = 0; i < records.length; i++) {
    const result = normalizeCloudTrailRecord(records[i], path, lineNumbers ? lineNumbers[i] : i);
    if (result.ok) events.push(result.value);
    else errors.push(result.error);
  }
  return { events, errors };
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
