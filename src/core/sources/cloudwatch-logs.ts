import { gunzipSync } from 'node:zlib';
import { z } from 'zod';
import type { InputError, NormalizedEvent } from '../event.ts';
import { stableId } from '../hash.ts';
import { appEntryToEvent, readAppLine, readTextLine, toEpochMs } from './app-log.ts';
import { normalizeCloudTrailRecord } from './cloudtrail.ts';
import {
  DEFAULT_VPC_FORMAT,
  defaultFormatFor,
  FlowLineReader,
  type FlowLineReader as FlowLineReaderType,
  type FlowRecord,
  looksLikeDefaultFlowLine,
  parseFlowFormat,
} from './vpc-flow.ts';

const logEventSchema = z.object({
  id: z.string().optional(),
  timestamp: z.number(),
  message: z.string(),
});

/** A CloudWatch Logs subscription payload, as delivered (after base64 + gunzip) to Kinesis, Firehose or Lambda. */
export const subscriptionPayloadSchema = z.object({
  messageType: z.enum(['DATA_MESSAGE', 'CONTROL_MESSAGE']),
  owner: z.string(),
  logGroup: z.string(),
  logStream: z.string(),
  subscriptionFilters: z.array(z.string()).optional(),
  logEvents: z.array(logEventSchema),
});
export type SubscriptionPayload = z.infer<typeof subscriptionPayloadSchema>;
export type CloudWatchLogEvent = z.infer<typeof logEventSchema>;

const GZIP_B64 = /^H4sI[A-Za-z0-9+/=\s]*$/;

/**
 * Decodes one subscription record's data: base64 of gzip (what Kinesis, Firehose and the Lambda
 * `awslogs.data` field carry) into text, with the decompressed size bounded. Plain (already
 * decompressed) JSON passes through. Throws with what was wrong; callers turn that into an input error.
 */
export function decodeSubscriptionData(data: string | Uint8Array, maxBytes = 64 * 2 ** 20): string {
  let bytes: Uint8Array;
  if (typeof data === 'string') {
    const trimmed = data.trim();
    if (trimmed.startsWith('{')) return trimmed;
    bytes = Buffer.from(trimmed, 'base64');
  } else {
    bytes = data;
  }
  if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) {
    const text = Buffer.from(bytes).toString('utf8').trim();
    if (text.startsWith('{')) return text;
    throw new Error('data is neither gzip nor JSON');
  }
  try {
    return gunzipSync(bytes, { maxOutputLength: maxBytes }).toString('utf8');
  } catch (err) {
    if (err instanceof RangeError || (err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new Error(`decompressed payload exceeds ${Math.round(maxBytes / 2 ** 20)} MiB`);
    }
    throw new Error(`corrupt gzip payload (${(err as Error).message})`);
  }
}

/**
 * Splits text holding one or more JSON values: one document, JSON lines, or documents written back
 * to back with nothing between them (Firehose concatenates records that way).
 */
export function splitJsonValues(text: string): { values: unknown[]; error?: string } {
  const values: unknown[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    while (i < n && /\s/.test(text[i])) i++;
    if (i >= n) break;
    const open = text[i];
    if (open !== '{' && open !== '[') return { values, error: `unexpected "${open}" at offset ${i}` };
    let depth = 0;
    let inString = false;
    let j = i;
    for (; j < n; j++) {
      const c = text[j];
      if (inString) {
        if (c === '\\') j++;
        else if (c === '"') inString = false;
      } else if (c === '"') inString = true;
      else if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') {
        depth--;
        if (depth === 0) break;
      }
    }
    if (depth !== 0) return { values, error: `truncated JSON starting at offset ${i}` };
    try {
      values.push(JSON.parse(text.slice(i, j + 1)));
    } catch (err) {
      return { values, error: `invalid JSON at offset ${i}: ${(err as Error).message}` };
    }
    i = j + 1;
  }
  return { values };
}

/** How log events are routed and read. */
export interface RouteOptions {
  /** Custom flow log format for flow logs delivered to CloudWatch Logs (they carry no header). */
  flowFormat?: string;
  maxBytes?: number;
}

/** What a set of CloudWatch Logs payloads held, per path. */
export interface CloudWatchParse {
  events: NormalizedEvent[];
  flows: FlowRecord[];
  errors: InputError[];
  /** CONTROL_MESSAGE payloads seen (ignored: they only test the subscription). */
  controlMessages: number;
  /** Log events by route, for `--verbose`. */
  routed: { cloudtrail: number; flow: number; app: number };
}

function emptyParse(): CloudWatchParse {
  return {
    events: [],
    flows: [],
    errors: [],
    controlMessages: 0,
    routed: { cloudtrail: 0, flow: 0, app: 0 },
  };
}

const FLOW_GROUP = /flow-?logs?|vpcflow|vpc-flow|tgw-flow|flowlog/i;
const CLOUDTRAIL_GROUP = /cloudtrail/i;

function looksLikeCloudTrail(obj: Record<string, unknown>): boolean {
  return (
    typeof obj.eventName === 'string' &&
    typeof obj.eventTime === 'string' &&
    ('eventSource' in obj || 'eventVersion' in obj)
  );
}

/** Routes log events: CloudTrail records to the CloudTrail normalizer, flow log lines to the flow reader, the rest as application logs. */
export class LogEventRouter {
  private readonly configured?: FlowLineReaderType;
  private readonly defaults = new Map<readonly string[], FlowLineReaderType>();

  constructor(
    readonly path: string,
    options: RouteOptions = {},
    readonly out: CloudWatchParse = emptyParse(),
  ) {
    if (options.flowFormat) this.configured = new FlowLineReader(parseFlowFormat(options.flowFormat));
  }

  /** Routes one log event of a log group (group and stream may be unknown: ''). */
  route(
    event: { id?: string; timestamp?: number; message: string },
    group: { logGroup: string; logStream: string; owner: string },
    index: number,
  ): void {
    const message = event.message.endsWith('\n') ? event.message.slice(0, -1) : event.message;
    const time = event.timestamp === undefined ? undefined : toEpochMs(event.timestamp);
    const trimmed = message.trimStart();
    if (
      trimmed.startsWith('{') &&
      (CLOUDTRAIL_GROUP.test(group.logGroup) || trimmed.includes('"eventVersion"'))
    ) {
      let obj: unknown;
      try {
        obj = JSON.parse(trimmed);
      } catch {
        obj = undefined;
      }
      if (typeof obj === 'object' && obj !== null && looksLikeCloudTrail(obj as Record<string, unknown>)) {
        const r = normalizeCloudTrailRecord(obj, this.path, index);
        if (r.ok) {
          this.out.events.push(r.value);
          this.out.routed.cloudtrail++;
        } else {
          this.out.errors.push(r.error);
        }
        return;
      }
    }
    const flowGroup = FLOW_GROUP.test(group.logGroup);
    if (flowGroup || looksLikeDefaultFlowLine(message) || this.matchesConfiguredFlow(message)) {
      const reader = this.flowReaderFor(message);
      const r = reader.read(message.trim());
      if (typeof r !== 'string') {
        if (r.accountId === undefined && group.owner) r.accountId = group.owner;
        this.out.flows.push(r);
        this.out.routed.flow++;
        return;
      }
      if (flowGroup) {
        this.out.errors.push({
          path: this.path,
          record: index,
          reason: `flow log line in ${group.logGroup}: ${r}`,
        });
        return;
      }
    }
    if (time === undefined) {
      this.out.errors.push({ path: this.path, record: index, reason: 'log event has no valid timestamp' });
      return;
    }
    const entry = readAppLine(message, time) ?? readTextLine(message);
    const ev = appEntryToEvent(entry, message, {
      idParts: event.id
        ? [group.logGroup, group.logStream, event.id]
        : [group.logGroup, group.logStream, time, message, index],
      source: 'cloudwatch-logs',
      service: group.logGroup || group.logStream || 'cloudwatch-logs',
      fallbackTime: time,
      account: group.owner,
      raw: { logGroup: group.logGroup, logStream: group.logStream },
    });
    if (!ev) return;
    // CloudWatch's own timestamp is the event time; the line's time only stands in where it has none.
    ev.time = time;
    this.out.events.push(ev);
    this.out.routed.app++;
  }

  private matchesConfiguredFlow(message: string): boolean {
    if (!this.configured) return false;
    const r = this.configured.read(message.trim());
    return typeof r !== 'string' && r.srcaddr !== undefined && (r.start !== undefined || r.end !== undefined);
  }

  private flowReaderFor(message: string): FlowLineReaderType {
    if (this.configured && !looksLikeDefaultFlowLine(message)) return this.configured;
    const fields = looksLikeDefaultFlowLine(message) ? defaultFormatFor(message) : DEFAULT_VPC_FORMAT;
    let reader = this.defaults.get(fields);
    if (!reader) {
      reader = new FlowLineReader(fields);
      this.defaults.set(fields, reader);
    }
    return reader;
  }

  /** Routes a whole subscription payload (CONTROL_MESSAGE payloads are counted and ignored). */
  payload(doc: unknown, index: number): void {
    const parsed = subscriptionPayloadSchema.safeParse(doc);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      this.out.errors.push({
        path: this.path,
        record: index,
        reason: `not a CloudWatch Logs subscription payload: ${issue.path.join('.') || '(top level)'} ${issue.message}`,
      });
      return;
    }
    const p = parsed.data;
    if (p.messageType === 'CONTROL_MESSAGE') {
      this.out.controlMessages++;
      return;
    }
    for (let i = 0; i < p.logEvents.length; i++) this.route(p.logEvents[i], p, index * 100_000 + i);
  }
}

/** The base64 `data` fields of a Kinesis, Firehose or Lambda subscription event document, if it is one. */
export function encodedRecordsOf(doc: unknown): string[] | undefined {
  if (typeof doc !== 'object' || doc === null) return undefined;
  const o = doc as Record<string, unknown>;
  const awslogs = o.awslogs as Record<string, unknown> | undefined;
  if (awslogs && typeof awslogs.data === 'string') return [awslogs.data];
  if (
    Array.isArray(o.Records) &&
    o.Records.length > 0 &&
    (o.Records[0] as Record<string, unknown>)?.kinesis
  ) {
    return o.Records.map((r) =>
      String(((r as Record<string, unknown>).kinesis as Record<string, unknown>)?.data ?? ''),
    );
  }
  if (
    Array.isArray(o.records) &&
    o.records.length > 0 &&
    typeof (o.records[0] as Record<string, unknown>)?.data === 'string'
  ) {
    return o.records.map((r) => String((r as Record<string, unknown>).data));
  }
  return undefined;
}

/**
 * Reads a file of CloudWatch Logs subscription data in any of the shapes it is kept in: decoded
 * payload JSON (one, an array, JSON lines or Firehose's back-to-back documents), base64+gzip
 * records one per line, or a Lambda / Kinesis / Firehose event document wrapping encoded records.
 */
export function parseCloudWatchSubscription(
  path: string,
  text: string,
  options: RouteOptions = {},
): CloudWatchParse {
  const router = new LogEventRouter(path, options);
  const trimmed = text.trimStart();
  if (trimmed.startsWith('H4sI')) {
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i].trim();
      if (!line) continue;
      if (!GZIP_B64.test(line)) {
        router.out.errors.push({ path, record: i + 1, reason: 'line is not base64 gzip data' });
        continue;
      }
      decodeInto(router, line, i + 1, options.maxBytes);
    }
    return router.out;
  }
  const { values, error } = splitJsonValues(text);
  if (error) router.out.errors.push({ path, reason: error });
  let index = 0;
  for (const v of values) {
    const docs = Array.isArray(v) ? v : [v];
    for (const doc of docs) {
      index++;
      const encoded = encodedRecordsOf(doc);
      if (encoded) {
        for (const data of encoded) decodeInto(router, data, index++, options.maxBytes);
      } else {
        router.payload(doc, index);
      }
    }
  }
  return router.out;
}

function decodeInto(router: LogEventRouter, data: string, index: number, maxBytes?: number): void {
  let decoded: string;
  try {
    decoded = decodeSubscriptionData(data, maxBytes);
  } catch (err) {
    router.out.errors.push({ path: router.path, record: index, reason: (err as Error).message });
    return;
  }
  // A gzip member may hold several payloads back to back.
  const { values, error } = splitJsonValues(decoded);
  if (error) router.out.errors.push({ path: router.path, record: index, reason: error });
  for (const v of values) router.payload(v, index);
}

/**
 * Reads `aws logs` exports: the JSON of `get-log-events` / `filter-log-events` (`{"events": [...]}`)
 * or the text of an S3 export task (each line an ISO timestamp, a space and the message). The log
 * group is not in these files: the parent folder (S3 exports keep the stream name there) stands in.
 */
export function parseCloudWatchExport(
  path: string,
  text: string,
  options: RouteOptions = {},
): CloudWatchParse {
  const router = new LogEventRouter(path, options);
  const parts = path.split(/[\\/]/);
  const stream = parts.length >= 2 ? parts[parts.length - 2] : '';
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{')) {
    const { values, error } = splitJsonValues(text);
    if (error) router.out.errors.push({ path, reason: error });
    let index = 0;
    for (const v of values) {
      const events = (v as Record<string, unknown>)?.events;
      if (!Array.isArray(events)) {
        router.out.errors.push({
          path,
          record: index,
          reason: 'JSON without "events": not an `aws logs` export',
        });
        continue;
      }
      for (const e of events) {
        index++;
        const ev = logEventSchema.safeParse({
          ...(e as object),
          id: (e as Record<string, unknown>)?.eventId,
        });
        if (!ev.success) {
          router.out.errors.push({
            path,
            record: index,
            reason: 'event without a numeric timestamp and a message',
          });
          continue;
        }
        const logStream = String((e as Record<string, unknown>).logStreamName ?? stream);
        router.route(ev.data, { logGroup: '', logStream, owner: '' }, index);
      }
    }
    return router.out;
  }
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].endsWith('\r') ? lines[i].slice(0, -1) : lines[i];
    if (!line.trim()) continue;
    const m = EXPORT_LINE.exec(line);
    if (!m) {
      router.out.errors.push({ path, record: i + 1, reason: 'line does not start with an ISO timestamp' });
      continue;
    }
    router.route(
      { timestamp: Date.parse(m[1]), message: m[2], id: stableId(line, i) },
      { logGroup: '', logStream: stream, owner: '' },
      i + 1,
    );
  }
  return router.out;
}

/** One line of a CloudWatch Logs S3 export: `2020-03-05T16:30:36.113Z message`. */
export const EXPORT_LINE = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z) ([\s\S]*)$/;
