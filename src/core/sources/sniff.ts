import { type AppLogFormat, appFormatOf } from './app-log.ts';
import { isLakeCsv, recordOfItem } from './cloudtrail-shapes.ts';
import { EXPORT_LINE } from './cloudwatch-logs.ts';
import { FlowLineReader, isFlowHeader, looksLikeDefaultFlowLine, parseFlowFormat } from './vpc-flow.ts';

/** The readers a file can be given to. */
export type SniffedKind =
  | 'cloudtrail'
  | 'cloudwatch-subscription'
  | 'cloudwatch-export'
  | 'vpc-flow'
  | 'app-log'
  | 'unknown';

export interface Sniffed {
  kind: SniffedKind;
  /** For app logs: the format of the first lines. */
  appFormat?: AppLogFormat;
  /** What decided it: the content, or (when the content did not) the file name. */
  by: 'content' | 'name';
  /** Why nothing fit, for the input error. */
  reason?: string;
}

const HEAD_BYTES = 64 * 1024;
const LINES_TRIED = 5;

/**
 * Decides which reader a file needs, by its content first (the first lines and JSON keys) and its
 * name second (the `AWSLogs/<account>/vpcflowlogs/` and `CloudTrail/` layouts).
 */
export function sniffFormat(
  path: string,
  text: string,
  options: { flowFormat?: string; referenceTime?: number } = {},
): Sniffed {
  const head = text.length > HEAD_BYTES ? text.slice(0, HEAD_BYTES) : text;
  const start = head.search(/\S/);
  if (start < 0) return { kind: 'cloudtrail', by: 'content' }; // the CloudTrail reader reports empty files
  const body = head.slice(start);
  if (body.startsWith('H4sI')) return { kind: 'cloudwatch-subscription', by: 'content' };
  // `[Tue Mar 05 …] [error]` is an Apache error log, not a JSON array.
  if (body[0] === '{' || (body[0] === '[' && !/^\[\w{3} \w{3} /.test(body))) return sniffJson(body);
  const lines = body
    .split('\n', LINES_TRIED + 1)
    .slice(0, LINES_TRIED)
    .map((l) => l.replace(/\r$/, ''));
  const firstLine = lines[0];
  if (isFlowHeader(firstLine) || looksLikeDefaultFlowLine(firstLine))
    return { kind: 'vpc-flow', by: 'content' };
  if (options.flowFormat && matchesFormat(options.flowFormat, firstLine))
    return { kind: 'vpc-flow', by: 'content' };
  if (EXPORT_LINE.test(firstLine)) return { kind: 'cloudwatch-export', by: 'content' };
  if (isLakeCsv(firstLine)) return { kind: 'cloudtrail', by: 'content' };
  const reference = options.referenceTime ?? 0;
  for (const line of lines) {
    if (!line.trim() || line[0] === ' ' || line[0] === '\t') continue;
    const format = appFormatOf(line, reference);
    if (format) return { kind: 'app-log', appFormat: format, by: 'content' };
  }
  return byName(path, `first line is no known log format: "${firstLine.slice(0, 60)}"`);
}

function sniffJson(body: string): Sniffed {
  if (/"messageType"\s*:\s*"(DATA|CONTROL)_MESSAGE"/.test(body))
    return { kind: 'cloudwatch-subscription', by: 'content' };
  if (/"awslogs"\s*:\s*\{\s*"data"/.test(body)) return { kind: 'cloudwatch-subscription', by: 'content' };
  if (/"kinesis"\s*:\s*\{/.test(body) && /"data"\s*:/.test(body))
    return { kind: 'cloudwatch-subscription', by: 'content' };
  if (/"recordId"\s*:/.test(body) && /"data"\s*:\s*"H4sI/.test(body))
    return { kind: 'cloudwatch-subscription', by: 'content' };
  if (/"Records"\s*:\s*\[/.test(body) || /"digestStartTime"/.test(body))
    return { kind: 'cloudtrail', by: 'content' };
  // lookup-events pages, Lake results and EventBridge envelopes, however they are laid out.
  if (
    /"CloudTrailEvent"\s*:/.test(body) ||
    /"QueryResultRows"\s*:/.test(body) ||
    /"detail-type"\s*:\s*"[^"]*via CloudTrail"/.test(body)
  )
    return { kind: 'cloudtrail', by: 'content' };
  if (
    /^\{\s*"events"\s*:\s*\[/.test(body) ||
    (/"events"\s*:\s*\[/.test(body) && /"ingestionTime"/.test(body))
  ) {
    return { kind: 'cloudwatch-export', by: 'content' };
  }
  const nl = body.indexOf('\n');
  const firstLine = (nl < 0 ? body : body.slice(0, nl)).trim();
  let obj: unknown;
  try {
    obj = JSON.parse(firstLine);
  } catch {
    // Pretty-printed or truncated JSON: the CloudTrail reader explains what is wrong with it.
    return { kind: 'cloudtrail', by: 'content' };
  }
  if (Array.isArray(obj)) return { kind: 'cloudtrail', by: 'content' };
  if (typeof obj === 'object' && obj !== null) {
    const o = obj as Record<string, unknown>;
    if ('eventName' in o && ('eventTime' in o || 'eventVersion' in o))
      return { kind: 'cloudtrail', by: 'content' };
    // A SIEM's copy of a CloudTrail record, or a document of records (whose reader names the shapes it knows).
    if (recordOfItem(o, 0) || isDocumentOfRecords(o)) return { kind: 'cloudtrail', by: 'content' };
    return { kind: 'app-log', appFormat: 'json', by: 'content' };
  }
  return { kind: 'unknown', by: 'content', reason: 'JSON that is not an object' };
}

/** Not a log line but a document holding a list of objects (`{"Items":[{…}]}`), with no time of its own. */
function isDocumentOfRecords(o: Record<string, unknown>): boolean {
  if (Object.keys(o).some((k) => /time|^ts$|date|^level$|^msg$|^message$/i.test(k))) return false;
  return Object.values(o).some(
    (v) =>
      (Array.isArray(v) && v.length > 0 && typeof v[0] === 'object' && v[0] !== null) ||
      (typeof v === 'object' && v !== null && Array.isArray((v as { hits?: unknown }).hits)),
  );
}

function matchesFormat(format: string, line: string): boolean {
  try {
    const r = new FlowLineReader(parseFlowFormat(format)).read(line.trim());
    return typeof r !== 'string' && (r.srcaddr !== undefined || r.logStatus !== undefined);
  } catch {
    return false;
  }
}

function byName(path: string, reason: string): Sniffed {
  if (/(^|\/)vpcflowlogs\//i.test(path) || /(^|[/_-])(vpc-?)?flow-?logs?[/_.-]/i.test(path))
    return { kind: 'vpc-flow', by: 'name' };
  if (/(^|\/)CloudTrail\//.test(path)) return { kind: 'cloudtrail', by: 'name' };
  return { kind: 'unknown', by: 'content', reason };
}
