import { type AnalysisType, DURATION_PATTERN, type ReportRequest } from './report-request.ts';

/** A half-open time window [since, until) in epoch ms. */
export interface TimeWindow {
  since: number;
  until: number;
}

/** The window a report covers, with the window it is compared against. */
export interface ReportPeriod extends TimeWindow {
  type: AnalysisType;
  timeZone: string;
  /** Human label, e.g. "2023-07-10", "week of 2023-07-10", "2023-07". */
  label: string;
  /** The previous period of the same length: [since − length, since). */
  previous: TimeWindow;
}

const DAY = 86_400_000;
const UNIT_MS = { m: 60_000, h: 3_600_000, d: DAY, w: 7 * DAY } as const;

interface CivilDate {
  year: number;
  /** 1–12. */
  month: number;
  day: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Calendar fields of an instant in a time zone. */
export function zonedParts(
  time: number,
  timeZone: string,
): CivilDate & { hour: number; minute: number; second: number } {
  let fmt = formatters.get(timeZone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, fmt);
  }
  const parts: Record<string, number> = {};
  for (const p of fmt.formatToParts(time)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return {
    year: parts.year,
    month: parts.month,
    day: parts.day,
    hour: parts.hour,
    minute: parts.minute,
    second: parts.second,
  };
}

/** Offset of a zone from UTC at an instant, in ms (local − UTC). */
function offsetAt(time: number, timeZone: string): number {
  const p = zonedParts(time, timeZone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(time / 1000) * 1000;
}

/** The instant local midnight of a calendar date occurs in a zone (DST-safe). */
export function startOfDay(date: CivilDate, timeZone: string): number {
  const local = Date.UTC(date.year, date.month - 1, date.day);
  let t = local - offsetAt(local, timeZone);
  // A second pass settles dates where the offset changes between the guess and the answer.
  t = local - offsetAt(t, timeZone);
  return t;
}

function addDays(d: CivilDate, days: number): CivilDate {
  const u = new Date(Date.UTC(d.year, d.month - 1, d.day + days));
  return { year: u.getUTCFullYear(), month: u.getUTCMonth() + 1, day: u.getUTCDate() };
}

const pad = (n: number) => String(n).padStart(2, '0');
const isoDate = (d: CivilDate) => `${d.year}-${pad(d.month)}-${pad(d.day)}`;

/**
 * Resolves a report request to a time window in the configured zone.
 * Without `at`, daily/weekly/monthly mean the last complete day, ISO week or month before `now`.
 */
export function resolvePeriod(request: ReportRequest, timeZone: string, now: number): ReportPeriod {
  const window = (since: number, until: number, label: string): ReportPeriod => ({
    type: request.analysisType,
    timeZone,
    since,
    until,
    label,
    previous: { since: since - (until - since), until: since },
  });
  if (request.analysisType === 'custom') {
    let since: number;
    let until: number;
    if (request.since && request.until) {
      since = Date.parse(request.since);
      until = Date.parse(request.until);
    } else if (request.timeframe && DURATION_PATTERN.test(request.timeframe)) {
      const [, n, unit] = DURATION_PATTERN.exec(request.timeframe) as RegExpExecArray;
      until = now;
      since = now - Number(n) * UNIT_MS[unit as keyof typeof UNIT_MS];
    } else if (request.timeframe) {
      [since, until] = request.timeframe.split('/').map((s) => Date.parse(s));
    } else {
      throw new Error('a custom report needs timeframe, or since and until');
    }
    return window(since, until, `${localText(since, timeZone)} to ${localText(until, timeZone)}`);
  }
  // The reference instant: inside the requested period, or just inside the last complete one.
  const ref = zonedParts(request.at ? Date.parse(request.at) : now, timeZone);
  const today: CivilDate = { year: ref.year, month: ref.month, day: ref.day };
  const back = request.at ? 0 : 1;
  if (request.analysisType === 'daily') {
    const day = addDays(today, -back);
    return window(startOfDay(day, timeZone), startOfDay(addDays(day, 1), timeZone), isoDate(day));
  }
  if (request.analysisType === 'weekly') {
    const weekday = (new Date(Date.UTC(today.year, today.month - 1, today.day)).getUTCDay() + 6) % 7; // Monday = 0
    const monday = addDays(today, -weekday - 7 * back);
    return window(
      startOfDay(monday, timeZone),
      startOfDay(addDays(monday, 7), timeZone),
      `week of ${isoDate(monday)}`,
    );
  }
  const first = new Date(Date.UTC(today.year, today.month - 1 - back, 1));
  const month: CivilDate = { year: first.getUTCFullYear(), month: first.getUTCMonth() + 1, day: 1 };
  const next = new Date(Date.UTC(month.year, month.month, 1));
  return window(
    startOfDay(month, timeZone),
    startOfDay({ year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: 1 }, timeZone),
    `${month.year}-${pad(month.month)}`,
  );
}

/** "2023-07-10 14:00" in the zone: short enough for titles and subjects. */
function localText(time: number, timeZone: string): string {
  const p = zonedParts(time, timeZone);
  return `${isoDate(p)} ${pad(p.hour)}:${pad(p.minute)}`;
}
