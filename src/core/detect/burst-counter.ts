/** Settings of a burst counter. */
export interface BurstOptions {
  /** Length of one counting window. */
  windowMs: number;
  /** How many windows before the current one form the baseline. */
  baselineWindows: number;
  /** A window fires only at or above this count … */
  minCount: number;
  /** … and at or above `factor` × the baseline's mean per window. */
  factor: number;
  /** At most this many keys are tracked; the least recently seen go first. */
  maxKeys: number;
}

/** A window that crossed its threshold. */
export interface Burst {
  key: string;
  windowStart: number;
  count: number;
  /** Mean count per window over the baseline period. */
  baseline: number;
}

interface KeyState {
  firstSeen: number;
  lastSeen: number;
  /** Window start → count, only for the windows the baseline still needs. */
  windows: Map<number, number>;
  /** Window starts that already fired. */
  fired: Set<number>;
}

/**
 * Counts per key in fixed windows (by record time, never the clock) and reports the first moment a
 * window's count reaches both a floor and a multiple of the key's recent baseline. A key must have
 * been seen for a whole baseline period before it can fire, so a cold start is not a spike. State
 * is bounded by `maxKeys` × (`baselineWindows` + 1) windows.
 */
export class BurstCounter {
  private keys = new Map<string, KeyState>();

  constructor(private readonly options: BurstOptions) {}

  /** Notes that a key was active at `time` (whether or not this counts), which starts its history. */
  touch(key: string, time: number): void {
    this.state(key, time);
  }

  /** Adds to a key's window; returns the burst when this addition makes the window cross. */
  add(key: string, time: number, n = 1): Burst | undefined {
    const o = this.options;
    const s = this.state(key, time);
    const ws = time - (time % o.windowMs);
    const count = (s.windows.get(ws) ?? 0) + n;
    s.windows.set(ws, count);
    const horizon = ws - o.baselineWindows * o.windowMs;
    if (s.windows.size > o.baselineWindows + 2) {
      for (const w of s.windows.keys()) if (w < horizon) s.windows.delete(w);
      for (const w of s.fired) if (w < horizon) s.fired.delete(w);
    }
    if (count < o.minCount || s.fired.has(ws) || s.firstSeen > horizon) return undefined;
    let sum = 0;
    for (const [w, c] of s.windows) if (w >= horizon && w < ws) sum += c;
    const baseline = sum / o.baselineWindows;
    if (count < o.factor * baseline) return undefined;
    s.fired.add(ws);
    return { key, windowStart: ws, count, baseline: Math.round(baseline * 100) / 100 };
  }

  private state(key: string, time: number): KeyState {
    let s = this.keys.get(key);
    if (!s) {
      if (this.keys.size >= this.options.maxKeys) this.evict();
      s = { firstSeen: time, lastSeen: time, windows: new Map(), fired: new Set() };
      this.keys.set(key, s);
    } else {
      if (time < s.firstSeen) s.firstSeen = time;
      if (time > s.lastSeen) s.lastSeen = time;
    }
    return s;
  }

  /** Drops the least recently seen tenth of the keys. */
  private evict(): void {
    const byAge = [...this.keys.entries()].sort((a, b) => a[1].lastSeen - b[1].lastSeen);
    for (const [k] of byAge.slice(0, Math.max(1, Math.floor(byAge.length / 10)))) this.keys.delete(k);
  }

  exportState(): unknown {
    return [...this.keys.entries()].map(([k, s]) => [
      k,
      s.firstSeen,
      s.lastSeen,
      [...s.windows.entries()],
      [...s.fired],
    ]);
  }

  importState(state: unknown): void {
    if (!Array.isArray(state)) return;
    this.keys = new Map();
    for (const row of state as [string, number, number, [number, number][], number[]][]) {
      if (!Array.isArray(row) || row.length !== 5) continue;
      this.keys.set(row[0], {
        firstSeen: row[1],
        lastSeen: row[2],
        windows: new Map(row[3]),
        fired: new Set(row[4]),
      });
    }
  }
}
