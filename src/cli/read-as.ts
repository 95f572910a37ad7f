/** How many files (and events) were read as each input shape in a run. */
export interface ReadAsTally {
  /** Called for every file read; `format` is the reader's name for it. */
  add(format: string, events: number): void;
  /** Shape → files and events, most files first. */
  entries(): { shape: string; files: number; events: number }[];
}

/**
 * The shape a reader's format names: the format without per-file counts in parentheses
 * (`cloudwatch-logs subscription (3 cloudtrail, 0 flow, 0 app)` → `cloudwatch-logs subscription`);
 * other details (`vpc-flow (default format)`, `app-log (nginx)`) say what was read and stay.
 */
export function shapeOfFormat(format: string): string {
  return format.replace(/ \([^)]*\d[^)]*\)$/, '');
}

export function readAsTally(): ReadAsTally {
  const tally = new Map<string, { files: number; events: number }>();
  return {
    add(format, events) {
      const shape = shapeOfFormat(format);
      const t = tally.get(shape) ?? { files: 0, events: 0 };
      t.files++;
      t.events += events;
      tally.set(shape, t);
    },
    entries() {
      return [...tally]
        .map(([shape, t]) => ({ shape, ...t }))
        .sort((a, b) => b.files - a.files || (a.shape < b.shape ? -1 : 1));
    },
  };
}

/** `read as: cloudtrail 55 files (2,900 events), cloudtrail lookup-events 1 file (50 events)`. */
export function renderReadAs(
  entries: { shape: string; files: number; events: number }[],
): string | undefined {
  if (entries.length === 0) return undefined;
  const fmt = (n: number) => n.toLocaleString('en-US');
  return `read as: ${entries
    .map((e) => `${e.shape} ${fmt(e.files)} file${e.files === 1 ? '' : 's'} (${fmt(e.events)} events)`)
    .join(', ')}`;
}
