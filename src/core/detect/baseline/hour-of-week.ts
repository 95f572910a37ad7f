const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const QUARTER_HOUR = HOUR / 4;
const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

/** UTC day number of an epoch-ms time (days since 1970-01-01). */
export function utcDay(time: number): number {
  return Math.floor(time / DAY);
}

/** `YYYY-MM-DD` of a UTC day number. */
export function dayLabel(day: number): string {
  return new Date(day * DAY).toISOString().slice(0, 10);
}

/**
 * A function from epoch ms to hour of week (0 = Sunday 00:00–00:59 … 167 = Saturday 23:00) in a
 * time zone. UTC is arithmetic; other zones are looked up once per quarter hour (every zone's
 * offset is a multiple of 15 minutes) and cached.
 */
export function hourOfWeekIn(timeZone: string): (time: number) => number {
  if (timeZone === 'UTC' || timeZone === 'Etc/UTC') {
    // 1970-01-01 was a Thursday (weekday 4).
    return (time) => ((Math.floor(time / DAY) + 4) % 7) * 24 + (Math.floor(time / HOUR) % 24);
  }
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    weekday: 'short',
    hour: '2-digit',
  });
  const cache = new Map<number, number>();
  return (time) => {
    const bucket = Math.floor(time / QUARTER_HOUR);
    let how = cache.get(bucket);
    if (how === undefined) {
      let day = 0;
      let hour = 0;
      for (const part of format.formatToParts(bucket * QUARTER_HOUR)) {
        if (part.type === 'weekday') day = WEEKDAYS[part.value] ?? 0;
        else if (part.type === 'hour') hour = Number(part.value);
      }
      how = day * 24 + hour;
      if (cache.size > 50_000) cache.clear();
      cache.set(bucket, how);
    }
    return how;
  };
}
