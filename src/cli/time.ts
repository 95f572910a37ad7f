import { UsageError } from './usage-error.ts';

/** Parses `--since`/`--until`: an ISO-8601 time, or a duration ago such as 30m, 24h, 7d. */
export function parseTime(value: string, now = Date.now()): number {
  const relative = /^(\d+)([mhdw])$/.exec(value);
  if (relative) {
    const unit = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[
      relative[2] as 'm' | 'h' | 'd' | 'w'
    ];
    return now - Number(relative[1]) * unit;
  }
  const t = Date.parse(value);
  if (Number.isNaN(t))
    throw new UsageError(
      `"${value}" is not a time: use ISO-8601 (2024-05-01T00:00:00Z) or a duration such as 24h or 7d`,
    );
  return t;
}
