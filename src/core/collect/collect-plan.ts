/**
 * What is left to collect from one region's Event history, kept in the store between runs so an
 * interrupted `collect` resumes where it stopped. Times are epoch ms; LookupEvents returns the
 * newest events first, so a task's `nextToken` continues from the oldest page committed.
 */
export interface CollectCheckpoint {
  /** The whole range the interrupted run(s) asked for. */
  range: { start: number; end: number };
  /** Ranges still to fetch, in order; the first may carry the token of its next page. */
  tasks: CollectTask[];
}

export interface CollectTask {
  start: number;
  end: number;
  /** LookupEvents NextToken of the next page not yet committed (absent: from the newest event). */
  nextToken?: string;
}

/** The store key of a region's checkpoint. */
export function checkpointKey(region: string): string {
  return `collect.cloudtrail-lookup.${region}`;
}

/**
 * The tasks for a requested range: what an unfinished checkpoint still had to do, then the parts
 * of the request it never covered (newer, then older). Without a checkpoint, the range itself.
 */
export function planCollect(
  requested: { start: number; end: number },
  checkpoint: unknown,
): CollectCheckpoint {
  const previous = validCheckpoint(checkpoint);
  if (!previous || previous.tasks.length === 0) return { range: requested, tasks: [{ ...requested }] };
  const tasks = [...previous.tasks];
  if (requested.end > previous.range.end) tasks.push({ start: previous.range.end, end: requested.end });
  if (requested.start < previous.range.start)
    tasks.push({ start: requested.start, end: previous.range.start });
  return {
    range: {
      start: Math.min(requested.start, previous.range.start),
      end: Math.max(requested.end, previous.range.end),
    },
    tasks,
  };
}

function validCheckpoint(value: unknown): CollectCheckpoint | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Partial<CollectCheckpoint>;
  const isRange = (r: unknown): r is { start: number; end: number } =>
    typeof r === 'object' &&
    r !== null &&
    Number.isFinite((r as { start: unknown }).start) &&
    Number.isFinite((r as { end: unknown }).end);
  if (!isRange(v.range) || !Array.isArray(v.tasks) || !v.tasks.every(isRange)) return undefined;
  return v as CollectCheckpoint;
}
