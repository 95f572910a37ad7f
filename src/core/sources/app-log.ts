import type { InputError, NormalizedEvent, SourceType } from '../event.ts';
import { stableId } from '../hash.ts';

/** The line formats the application-log reader knows. */
/** `text` is free text that only CloudWatch Logs delivers as-is (a print statement's output). */
export type AppLogFormat = 'json' | 'access' | 'apache-error' | 'nginx-error' | 'syslog' | 'lambda' | 'text';
type LineFormat = Exclude<AppLogFormat, 'text'>;

/** Authentication outcomes recognised in sshd, PAM, sudo and JSON application lines. */
export type AuthOutcome = 'failure' | 'success' | 'invalid-user' | 'pam-failure';

/** What one application log line says, before it becomes a NormalizedEvent. */
export interface AppEntry {
  format: AppLogFormat;
  /** Epoch ms, when the line carries a time. */
  time?: number;
  /** Lower-case level: debug, info, warn, error, fatal … */
  level?: string;
  message: string;
  service?: string;
  host?: string;
  user?: string;
  sourceIp?: string;
  /** HTTP status code. */
  status?: number;
  latencyMs?: number;
  method?: string;
  path?: string;
  userAgent?: string;
  auth?: AuthOutcome;
  /** What kind of line it is when not HTTP or a log level: e.g. `sudo.command`. */
  action?: string;
}

const MONTHS: Record<string, number> = {
  Jan: 0,
  Feb: 1,
  Mar: 2,
  Apr: 3,
  May: 4,
  Jun: 5,
  Jul: 6,
  Aug: 7,
  Sep: 8,
  Oct: 9,
  Nov: 10,
  Dec: 11,
};

const ERROR_LEVELS = new Set([
  'error',
  'err',
  'fatal',
  'critical',
  'crit',
  'alert',
  'emerg',
  'emergency',
  'panic',
  'severe',
]);
const LEVEL_NAMES = new Set([
  'trace',
  'debug',
  'info',
  'information',
  'notice',
  'warn',
  'warning',
  ...ERROR_LEVELS,
]);

/** True for levels that mean something failed. */
export function isErrorLevel(level: string | undefined): boolean {
  return level !== undefined && ERROR_LEVELS.has(level);
}

// ---------------------------------------------------------------- JSON lines

const TIME_KEYS = [
  'timestamp',
  '@timestamp',
  'time',
  'ts',
  'datetime',
  'date',
  'eventTime',
  'logged_at',
  't',
];
const LEVEL_KEYS = ['level', 'severity', 'log.level', 'lvl', 'loglevel', 'levelname', 'log_level', 'status'];
const MESSAGE_KEYS = ['message', 'msg', 'log', 'text', 'event', 'error.message', 'err.message'];
const USER_KEYS = [
  'user',
  'username',
  'user_name',
  'userName',
  'user_id',
  'userId',
  'user.name',
  'user.id',
  'usr.id',
  'usr.name',
  'principal',
  'login',
  'account',
];
const IP_KEYS = [
  'client_ip',
  'clientIp',
  'clientIP',
  'remote_addr',
  'remoteAddr',
  'remote_ip',
  'remoteIp',
  'src_ip',
  'source_ip',
  'sourceIp',
  'sourceIPAddress',
  'ip',
  'client.ip',
  'http.client_ip',
  'network.client.ip',
  'source.ip',
  'req.remoteAddress',
  'x_forwarded_for',
];
const STATUS_KEYS = [
  'status',
  'status_code',
  'statusCode',
  'http.status_code',
  'http_status',
  'response.status',
  'res.statusCode',
  'response_code',
  'http.response.status_code',
];
const LATENCY_KEYS = [
  'latency_ms',
  'latencyMs',
  'duration_ms',
  'durationMs',
  'response_time_ms',
  'elapsed_ms',
  'latency',
  'duration',
  'response_time',
  'responseTime',
  'elapsed',
  'took',
  'request_time',
];
const SERVICE_KEYS = [
  'service',
  'service.name',
  'app',
  'application',
  'app_name',
  'component',
  'logger',
  'logger_name',
  'name',
  'program',
];
const METHOD_KEYS = [
  'method',
  'http.method',
  'request_method',
  'req.method',
  'http.request.method',
  'httpMethod',
];
const PATH_KEYS = [
  'path',
  'url',
  'uri',
  'http.url',
  'http.url_details.path',
  'request_uri',
  'req.url',
  'url.path',
  'route',
];
const UA_KEYS = [
  'user_agent',
  'userAgent',
  'http.useragent',
  'http_user_agent',
  'user_agent.original',
  'req.headers.user-agent',
];
const OUTCOME_KEYS = ['outcome', 'result', 'event.outcome', 'auth.result', 'login_result'];
const ACTION_KEYS = ['action', 'event.action', 'event_type', 'eventType', 'type'];

function lookup(obj: Record<string, unknown>, key: string): unknown {
  if (key in obj) return obj[key];
  if (!key.includes('.')) return undefined;
  let cur: unknown = obj;
  for (const part of key.split('.')) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function first(
  obj: Record<string, unknown>,
  keys: readonly string[],
  accept: (v: unknown) => boolean,
): unknown {
  for (const k of keys) {
    const v = lookup(obj, k);
    if (v !== undefined && v !== null && v !== '' && accept(v)) return v;
  }
  return undefined;
}

const isText = (v: unknown) => typeof v === 'string' || typeof v === 'number';

/** Epoch ms from a number (s, ms, µs) or a date string; undefined when it is neither. */
export function toEpochMs(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) {
    if (v > 1e14) return Math.floor(v / 1000);
    if (v > 1e11) return Math.floor(v);
    if (v > 1e8) return Math.floor(v * 1000);
    return undefined;
  }
  if (typeof v === 'string') {
    if (/^\d+(\.\d+)?$/.test(v)) return toEpochMs(Number(v));
    const t = Date.parse(v);
    return Number.isNaN(t) ? undefined : t;
  }
  return undefined;
}

function latencyOf(obj: Record<string, unknown>): number | undefined {
  for (const k of LATENCY_KEYS) {
    const v = lookup(obj, k);
    const n =
      typeof v === 'number' ? v : typeof v === 'string' && /^\d+(\.\d+)?$/.test(v) ? Number(v) : undefined;
    if (n === undefined) continue;
    // Keys without a unit: small fractional values are seconds (nginx $request_time), else ms.
    if (k.endsWith('_ms') || k.endsWith('Ms')) return n;
    if (k === 'request_time' || (n < 100 && !Number.isInteger(n))) return Math.round(n * 1000 * 1000) / 1000;
    return n;
  }
  return undefined;
}

/** Reads a JSON application log object with common field names. */
export function readJsonEntry(obj: Record<string, unknown>): AppEntry {
  const statusRaw = first(
    obj,
    STATUS_KEYS,
    (v) => typeof v === 'number' || (typeof v === 'string' && /^\d{3}$/.test(v)),
  );
  const status = statusRaw === undefined ? undefined : Number(statusRaw);
  const levelRaw = first(obj, LEVEL_KEYS, (v) => typeof v === 'string' && LEVEL_NAMES.has(v.toLowerCase()));
  const message = first(obj, MESSAGE_KEYS, (v) => typeof v === 'string') as string | undefined;
  const entry: AppEntry = { format: 'json', message: message ?? '' };
  const time = toEpochMs(first(obj, TIME_KEYS, (v) => toEpochMs(v) !== undefined));
  if (time !== undefined) entry.time = time;
  if (typeof levelRaw === 'string') entry.level = normalizeLevel(levelRaw);
  if (status !== undefined && status >= 100 && status < 600) entry.status = status;
  const user = first(obj, USER_KEYS, isText);
  if (user !== undefined) entry.user = String(user);
  const ip = first(obj, IP_KEYS, (v) => typeof v === 'string' && /^[0-9a-fA-F:.]+(,|$)/.test(v));
  if (typeof ip === 'string') entry.sourceIp = ip.split(',')[0].trim();
  const latency = latencyOf(obj);
  if (latency !== undefined) entry.latencyMs = latency;
  const service = first(obj, SERVICE_KEYS, (v) => typeof v === 'string');
  if (typeof service === 'string') entry.service = service;
  const method = first(obj, METHOD_KEYS, (v) => typeof v === 'string');
  if (typeof method === 'string') entry.method = method.toUpperCase();
  const path = first(obj, PATH_KEYS, (v) => typeof v === 'string');
  if (typeof path === 'string') entry.path = path;
  const ua = first(obj, UA_KEYS, (v) => typeof v === 'string');
  if (typeof ua === 'string') entry.userAgent = ua;
  const action = first(obj, ACTION_KEYS, (v) => typeof v === 'string');
  const outcome = first(obj, OUTCOME_KEYS, (v) => typeof v === 'string');
  const authish = `${action ?? ''} ${message ?? ''}`.toLowerCase();
  if (/login|log_in|logon|sign.?in|authenticat/.test(authish)) {
    const o = String(outcome ?? '').toLowerCase();
    if (
      /fail|deny|denied|invalid|reject/.test(o) ||
      /\bfail(ed|ure)?\b|invalid password|denied/.test(authish)
    ) {
      entry.auth = 'failure';
    } else if (/success|succeeded|ok|allow/.test(o) || /\bsucce(ss|eded|ssful)\b/.test(authish)) {
      entry.auth = 'success';
    }
  }
  if (typeof action === 'string' && !entry.auth) entry.action = action;
  return entry;
}

function normalizeLevel(level: string): string {
  const l = level.toLowerCase();
  if (l === 'warning') return 'warn';
  if (l === 'information') return 'info';
  if (l === 'err') return 'error';
  if (l === 'crit') return 'critical';
  return l;
}

// ---------------------------------------------------------------- access logs

// host ident user [time] "request" status bytes ["referer" "agent"] [extra…]
const ACCESS =
  /^(\S+) (\S+) (\S+) \[([^\]]+)\] "((?:[^"\\]|\\.)*)" (\d{3}) (\d+|-)(?: "((?:[^"\\]|\\.)*)" "((?:[^"\\]|\\.)*)")?(.*)$/;
const ACCESS_TIME = /^(\d{2})\/(\w{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))? ([+-])(\d{2})(\d{2})$/;

function accessTime(s: string): number | undefined {
  const m = ACCESS_TIME.exec(s);
  if (!m || MONTHS[m[2]] === undefined) return undefined;
  const utc = Date.UTC(
    +m[3],
    MONTHS[m[2]],
    +m[1],
    +m[4],
    +m[5],
    +m[6],
    m[7] ? Math.floor(Number(`0.${m[7]}`) * 1000) : 0,
  );
  const offset = (+m[9] * 60 + +m[10]) * 60_000 * (m[8] === '+' ? 1 : -1);
  return utc - offset;
}

/** Apache/nginx common and combined access log lines (a trailing request time is read as latency). */
export function readAccessLine(line: string): AppEntry | undefined {
  const m = ACCESS.exec(line);
  if (!m) return undefined;
  const time = accessTime(m[4]);
  if (time === undefined) return undefined;
  const [method, path] = m[5].split(' ');
  const status = Number(m[6]);
  const entry: AppEntry = { format: 'access', time, message: m[5], status, sourceIp: m[1] };
  if (m[3] !== '-') entry.user = m[3];
  if (method && /^[A-Z]+$/.test(method)) entry.method = method;
  if (path) entry.path = path;
  if (m[9] && m[9] !== '-') entry.userAgent = m[9];
  const rest = m[10]?.trim();
  if (rest) {
    const n = Number(rest.split(/\s+/).pop());
    if (Number.isFinite(n) && n >= 0)
      entry.latencyMs = Number.isInteger(n) && n > 1000 ? n / 1000 : Math.round(n * 1e6) / 1e3;
  }
  entry.level = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
  return entry;
}

// ---------------------------------------------------------------- error logs

// [Wed Oct 11 14:32:52.123456 2000] [core:error] [pid 35708:tid 4328636416] [client 72.15.99.187:50000] msg
const APACHE_ERROR =
  /^\[(\w{3}) (\w{3}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d+))? (\d{4})\] \[(?:([\w-]+):)?(\w+)\](?: \[pid (\d+)(?::tid \d+)?\])?(?: \[client ([^\]]+)\])? ?(.*)$/;

/** Apache httpd error log lines (2.2 and 2.4 layouts); times without a zone are read as UTC. */
export function readApacheErrorLine(line: string): AppEntry | undefined {
  const m = APACHE_ERROR.exec(line);
  if (!m || MONTHS[m[2]] === undefined) return undefined;
  const time = Date.UTC(
    +m[8],
    MONTHS[m[2]],
    +m[3],
    +m[4],
    +m[5],
    +m[6],
    m[7] ? Math.floor(Number(`0.${m[7]}`) * 1000) : 0,
  );
  const entry: AppEntry = {
    format: 'apache-error',
    time,
    level: normalizeLevel(m[10]),
    message: m[13],
    service: 'apache',
  };
  if (m[9]) entry.action = `apache.${m[9]}`;
  if (m[12]) entry.sourceIp = stripPort(m[12]);
  return entry;
}

// 2023/01/01 12:00:00 [error] 1234#5678: *1 message, client: 1.2.3.4, server: x, request: "GET / HTTP/1.1"
const NGINX_ERROR = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2}) \[(\w+)\] \d+#\d+: (?:\*\d+ )?(.*)$/;

/** nginx error log lines; times without a zone are read as UTC. */
export function readNginxErrorLine(line: string): AppEntry | undefined {
  const m = NGINX_ERROR.exec(line);
  if (!m) return undefined;
  const time = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
  const entry: AppEntry = {
    format: 'nginx-error',
    time,
    level: normalizeLevel(m[7]),
    message: m[8],
    service: 'nginx',
  };
  const client = /, client: ([^,]+)/.exec(m[8]);
  if (client) entry.sourceIp = client[1];
  const request = /, request: "(\S+) (\S+)/.exec(m[8]);
  if (request) {
    entry.method = request[1];
    entry.path = request[2];
  }
  return entry;
}

function stripPort(addr: string): string {
  if (addr.startsWith('[')) return addr.slice(1, addr.indexOf(']'));
  const colons = addr.split(':').length - 1;
  return colons === 1 ? addr.slice(0, addr.indexOf(':')) : addr;
}

// ---------------------------------------------------------------- syslog and auth

const SYSLOG_3164 =
  /^(?:<\d{1,3}>)?(\w{3}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (\S+) ([^\s:[]+)(?:\[(\d+)\])?: ?(.*)$/;
const SYSLOG_ISO =
  /^(?:<\d{1,3}>)?(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})) (\S+) ([^\s:[]+)(?:\[(\d+)\])?: ?(.*)$/;
const SYSLOG_5424 = /^<(\d{1,3})>1 (\S+) (\S+) (\S+) (\S+) (\S+) (?:-|(?:\[.*?\])+) ?(.*)$/;
const SYSLOG_SEVERITY = ['emerg', 'alert', 'critical', 'error', 'warn', 'notice', 'info', 'debug'];

/**
 * Syslog lines: BSD (RFC 3164, no year: the year is the one that puts the line at or before
 * `referenceTime` + 1 day), ISO-timestamped (rsyslog) and RFC 5424. sshd, PAM and sudo messages
 * are read for authentication outcomes.
 */
export function readSyslogLine(line: string, referenceTime: number): AppEntry | undefined {
  const head = splitSyslog(line, referenceTime);
  if (!head || Number.isNaN(head.time)) return undefined;
  const entry: AppEntry = {
    format: 'syslog',
    time: head.time,
    message: head.message,
    service: head.program,
    host: head.host,
  };
  if (head.level) entry.level = head.level;
  readAuthMessage(head.program, head.message, entry);
  return entry;
}

function splitSyslog(
  line: string,
  referenceTime: number,
): { time: number; host: string; program: string; message: string; level?: string } | undefined {
  const bsd = SYSLOG_3164.exec(line);
  if (bsd && MONTHS[bsd[1]] !== undefined) {
    const time = inferYear(MONTHS[bsd[1]], +bsd[2], +bsd[3], +bsd[4], +bsd[5], referenceTime);
    return { time, host: bsd[6], program: bsd[7], message: bsd[9] };
  }
  const r5424 = SYSLOG_5424.exec(line);
  if (r5424) {
    const level = SYSLOG_SEVERITY[Number(r5424[1]) % 8];
    return { time: Date.parse(r5424[2]), host: r5424[3], program: r5424[4], message: r5424[7], level };
  }
  const iso = SYSLOG_ISO.exec(line);
  if (iso) return { time: Date.parse(iso[1]), host: iso[2], program: iso[3], message: iso[5] };
  return undefined;
}

function inferYear(month: number, day: number, h: number, min: number, s: number, reference: number): number {
  const year = new Date(reference).getUTCFullYear();
  const t = Date.UTC(year, month, day, h, min, s);
  // A line "in the future" of the reference by more than a day belongs to the year before.
  return t > reference + 86_400_000 ? Date.UTC(year - 1, month, day, h, min, s) : t;
}

const SSH_FAILED =
  /^Failed (?:password|publickey|keyboard-interactive\/pam|none|hostbased) for (invalid user )?(\S*) from (\S+) port \d+/;
const SSH_ACCEPTED =
  /^Accepted (?:password|publickey|keyboard-interactive\/pam|hostbased|gssapi-with-mic) for (\S+) from (\S+) port \d+/;
const SSH_INVALID = /^Invalid user (\S*) from (\S+)/;
const SSH_MAX = /^(?:error: )?maximum authentication attempts exceeded for (invalid user )?(\S*) from (\S+)/;
const PAM_FAILURE = /authentication failure;.*?rhost=(\S*)(?:\s+user=(\S+))?/;
const SUDO =
  /^\s*(\S+) : (?:(\d+) incorrect password attempts? ; )?TTY=\S+ ; PWD=\S+ ; USER=(\S+) ; COMMAND=(.*)$/;

/** Each auth pattern with what a match means: user and address groups, and the outcome. */
const AUTH_PATTERNS: { re: RegExp; auth: AuthOutcome; user: number; ip: number; level: string }[] = [
  { re: SSH_FAILED, auth: 'failure', user: 2, ip: 3, level: 'warn' },
  { re: SSH_ACCEPTED, auth: 'success', user: 1, ip: 2, level: 'info' },
  { re: SSH_INVALID, auth: 'invalid-user', user: 1, ip: 2, level: 'warn' },
  { re: SSH_MAX, auth: 'failure', user: 2, ip: 3, level: 'warn' },
];

function readAuthMessage(program: string, message: string, entry: AppEntry): void {
  for (const p of AUTH_PATTERNS) {
    const m = p.re.exec(message);
    if (!m) continue;
    Object.assign(entry, { auth: p.auth, user: m[p.user] || '(empty)', sourceIp: m[p.ip], level: p.level });
    return;
  }
  const pam = PAM_FAILURE.exec(message);
  if (pam) {
    // sshd logs the same attempt as "Failed password" too: its PAM line is not counted twice.
    entry.auth = program === 'sshd' ? 'pam-failure' : 'failure';
    if (pam[1]) entry.sourceIp = pam[1];
    if (pam[2]) entry.user = pam[2];
    entry.level = 'warn';
    return;
  }
  const sudo = program === 'sudo' ? SUDO.exec(message) : null;
  if (sudo) {
    entry.user = sudo[1];
    if (sudo[2]) {
      entry.auth = 'failure';
      entry.level = 'warn';
    } else {
      entry.action = 'sudo.command';
    }
  }
}

// ---------------------------------------------------------------- Lambda runtime lines

// 2020-03-05T16:30:36.113Z\t<request id>\tLEVEL\tmessage (Node.js runtime), or START/END/REPORT lines.
const LAMBDA_LINE = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z)\t(\S+)\t(?:(\w+)\t)?([\s\S]*)$/;
const LAMBDA_PLATFORM = /^(START|END|REPORT|INIT_START|INIT_REPORT|EXTENSION|TELEMETRY) /;

/** AWS Lambda runtime lines: tab-separated Node.js/Python lines and platform START/END/REPORT lines. */
export function readLambdaLine(line: string): AppEntry | undefined {
  const m = LAMBDA_LINE.exec(line);
  if (m) {
    const entry: AppEntry = { format: 'lambda', time: Date.parse(m[1]), message: m[4].trimEnd() };
    const level = m[3] ? normalizeLevel(m[3]) : undefined;
    if (level && LEVEL_NAMES.has(level)) entry.level = level;
    else if (m[3]) entry.message = `${m[3]}\t${entry.message}`;
    // The message itself is often JSON: its fields win where the line has none.
    const body = entry.message.slice(entry.message.indexOf('{'));
    if (body.startsWith('{') && body.endsWith('}')) {
      try {
        const inner = readJsonEntry(JSON.parse(body) as Record<string, unknown>);
        for (const [k, v] of Object.entries(inner)) {
          if (
            k !== 'format' &&
            k !== 'time' &&
            v !== undefined &&
            v !== '' &&
            (entry as unknown as Record<string, unknown>)[k] === undefined
          ) {
            (entry as unknown as Record<string, unknown>)[k] = v;
          }
        }
        if (inner.level && !level) entry.level = inner.level;
      } catch {
        // Not JSON after all: the text stays the message.
      }
    }
    return entry;
  }
  const platform = LAMBDA_PLATFORM.exec(line);
  if (platform) {
    const entry: AppEntry = {
      format: 'lambda',
      message: line.trimEnd(),
      level: 'info',
      action: `lambda.${platform[1].toLowerCase()}`,
    };
    const duration = /\tDuration: ([\d.]+) ms/.exec(line);
    if (duration) entry.latencyMs = Number(duration[1]);
    if (/Status: (error|timeout)/.test(line)) entry.level = 'error';
    return entry;
  }
  return undefined;
}

// ---------------------------------------------------------------- dispatch

/** Which reader a line is in, tried in this order after the file's own format. */
const READERS: Record<LineFormat, (line: string, ref: number) => AppEntry | undefined> = {
  json: (line) => {
    if (line[0] !== '{') return undefined;
    try {
      const obj = JSON.parse(line) as unknown;
      return typeof obj === 'object' && obj !== null && !Array.isArray(obj)
        ? readJsonEntry(obj as Record<string, unknown>)
        : undefined;
    } catch {
      return undefined;
    }
  },
  access: readAccessLine,
  'apache-error': readApacheErrorLine,
  'nginx-error': readNginxErrorLine,
  syslog: readSyslogLine,
  lambda: readLambdaLine,
};
const ORDER = Object.keys(READERS) as LineFormat[];

/** Reads one line with the preferred reader first, then the others; undefined when none fits. */
export function readAppLine(
  line: string,
  referenceTime: number,
  preferred?: AppLogFormat,
): AppEntry | undefined {
  if (preferred && preferred !== 'text') {
    const e = READERS[preferred](line, referenceTime);
    if (e) return e;
  }
  for (const f of ORDER) {
    if (f === preferred) continue;
    const e = READERS[f](line, referenceTime);
    if (e) return e;
  }
  return undefined;
}

const ERROR_WORDS = /\b(ERROR|FATAL|CRITICAL|Exception|Traceback|panic:|Unhandled|Task timed out)\b/;

/** Free text (what CloudWatch Logs holds from a print statement): a level is guessed from its words. */
export function readTextLine(line: string): AppEntry {
  const level = ERROR_WORDS.test(line) ? 'error' : /\b(WARN|WARNING)\b/.test(line) ? 'warn' : undefined;
  const entry: AppEntry = { format: 'text', message: line.trimEnd() };
  if (level) entry.level = level;
  return entry;
}

/** The format of a line, or undefined: for sniffing. */
export function appFormatOf(line: string, referenceTime: number): AppLogFormat | undefined {
  return readAppLine(line, referenceTime)?.format;
}

/** Where an app entry came from, for its event. */
export interface AppEventContext {
  /** Stable identity of the line (a CloudWatch event id, or file content + occurrence). */
  idParts: readonly (string | number)[];
  source: SourceType;
  /** Used when the line names no service (log group, file name). */
  service: string;
  /** Used when the line has no time of its own (CloudWatch timestamp, previous line). */
  fallbackTime?: number;
  account?: string;
  region?: string;
  /** Extra raw fields (log group, stream, file line). */
  raw?: Record<string, unknown>;
}

const MAX_RAW_LINE = 2048;

/** Turns a read line into the common event shape; undefined when there is no time at all. */
export function appEntryToEvent(
  entry: AppEntry,
  line: string,
  ctx: AppEventContext,
): NormalizedEvent | undefined {
  const time = entry.time ?? ctx.fallbackTime;
  if (time === undefined || Number.isNaN(time)) return undefined;
  const service = entry.service ?? ctx.service;
  let action: string;
  if (entry.auth) action = `auth.${entry.auth}`;
  else if (entry.action) action = entry.action;
  else if (entry.status !== undefined) action = `HTTP ${entry.method ?? 'request'}`;
  else action = `log.${entry.level ?? 'info'}`;
  const user = entry.user;
  const event: NormalizedEvent = {
    id: stableId(ctx.source, ...ctx.idParts),
    time,
    source: ctx.source,
    account: ctx.account ?? '',
    region: ctx.region ?? '',
    service,
    action,
    principal: user
      ? { type: 'AppUser', id: `${service}:${user}`, name: user }
      : { type: 'Unknown', id: 'unknown', name: 'unknown' },
    sourceIp: entry.sourceIp ?? '',
    userAgent: entry.userAgent ?? '',
    raw: {
      ...ctx.raw,
      format: entry.format,
      line: line.length > MAX_RAW_LINE ? `${line.slice(0, MAX_RAW_LINE)}…` : line,
      ...(entry.level !== undefined && { level: entry.level }),
      ...(entry.status !== undefined && { status: entry.status }),
      ...(entry.latencyMs !== undefined && { latencyMs: entry.latencyMs }),
      ...(entry.method !== undefined && { method: entry.method }),
      ...(entry.path !== undefined && { path: entry.path }),
      ...(entry.host !== undefined && { host: entry.host }),
    },
  };
  if (entry.auth === 'failure') event.errorCode = 'AuthFailure';
  else if (entry.status !== undefined && entry.status >= 400) event.errorCode = `HTTP ${entry.status}`;
  else if (isErrorLevel(entry.level)) event.errorCode = entry.level!.toUpperCase();
  if (event.errorCode) event.errorMessage = entry.message.slice(0, 300);
  return event;
}

/** What an application log file held. */
export interface AppLogParse {
  events: NormalizedEvent[];
  errors: InputError[];
  /** The format most lines were in. */
  format: AppLogFormat | 'mixed';
}

/**
 * Parses an application log file line by line. Indented lines continue the previous entry
 * (stack traces); a line no reader understands is an error with its line number.
 */
export function parseAppLog(
  path: string,
  text: string,
  options: { referenceTime: number; preferred?: AppLogFormat; source?: SourceType },
): AppLogParse {
  const events: NormalizedEvent[] = [];
  const errors: InputError[] = [];
  const counts = new Map<AppLogFormat, number>();
  const seen = new Map<string, number>();
  const service = serviceFromPath(path);
  const lines = text.split('\n');
  let lastTime: number | undefined;
  let preferred = options.preferred;
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i];
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line.trim().length === 0) continue;
    if ((line[0] === ' ' || line[0] === '\t') && events.length > 0) continue; // continuation
    const entry = readAppLine(line, options.referenceTime, preferred);
    if (!entry) {
      errors.push({
        path,
        record: i + 1,
        reason: `line is not a known application log format: "${line.slice(0, 60)}"`,
      });
      continue;
    }
    preferred = entry.format;
    counts.set(entry.format, (counts.get(entry.format) ?? 0) + 1);
    const occurrence = (seen.get(line) ?? 0) + 1;
    seen.set(line, occurrence);
    const event = appEntryToEvent(entry, line, {
      idParts: [service, line, occurrence],
      source: options.source ?? 'app-log',
      service,
      fallbackTime: lastTime,
      raw: { line_number: i + 1 },
    });
    if (!event) {
      errors.push({ path, record: i + 1, reason: 'line has no time and no earlier line gives one' });
      continue;
    }
    lastTime = event.time;
    events.push(event);
  }
  const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1]);
  const format = ranked.length === 0 ? (options.preferred ?? 'mixed') : ranked[0][0];
  return { events, errors, format };
}

/** A service name from a file path: `/var/log/nginx/access.log` → `nginx`, `api.log` → `api`. */
export function serviceFromPath(path: string): string {
  const parts = path.split(/[\\/]/).filter(Boolean);
  const file = parts.at(-1) ?? 'app';
  const base = file.replace(/(\.\d+)?(\.gz)?$/, '').replace(/\.(log|txt|jsonl|ndjson|json)$/, '');
  const generic =
    /^(access|error|app|application|output|out|stdout|stderr|messages|syslog|auth|secure|log)([-_.].*)?$/;
  if (generic.test(base) && parts.length >= 2) return parts.at(-2)!;
  return base || 'app';
}
