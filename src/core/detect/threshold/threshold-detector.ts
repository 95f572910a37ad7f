import type { ProcessedEvent } from '../../event.ts';
import type { Finding } from '../../finding.ts';
import { stableId } from '../../hash.ts';
import { CallKindCache } from '../call-kind-cache.ts';
import type { Detector, DetectorDiagnostics } from '../detector.ts';
import { canonicalAction, compactEvidence, findingHead } from '../engine.ts';
import { eventEvidence } from '../high-risk-event.ts';
import { RuleErrorLog } from '../rule-error-log.ts';
import type { ThresholdRule } from './threshold-rule.ts';

/** One counted event: time, the distinct value (or ''), event id. */
type Entry = [time: number, value: string, eventId: string];

interface Group {
  entries: Entry[];
  /** Event time of the last firing: the group does not fire again within one window of it. */
  firedAt?: number;
}

/** The groups of one rule id, and the group counted last (a principal's calls come in runs). */
interface Table {
  groups: Map<string, Group>;
  /** Key of the most recently inserted group (the last in `groups`' order), while that holds. */
  lastKey?: string;
  lastGroup?: Group;
}

/** A rule and its table, resolved once rather than looked up by id per event. */
interface Slot {
  rule: ThresholdRule;
  table: Table;
}

/** Bounds that keep memory flat however long the run. */
export interface ThresholdLimits {
  /** Groups kept per rule (least recently seen are dropped first). */
  maxGroups: number;
  /** Entries kept per group beyond the threshold. */
  extraEntries: number;
}

const DEFAULT_LIMITS: ThresholdLimits = { maxGroups: 5000, extraEntries: 50 };
const STATE_VERSION = 1;
const MAX_EVENT_IDS = 25;

/** Runs every threshold rule; state (windows per group) is bounded and exported between runs. */
export class ThresholdDetector implements Detector {
  readonly id = 'threshold-rules';
  private readonly state = new Map<string, Table>();
  private readonly slots = new Map<ThresholdRule, Slot>();
  private readonly byKey = new Map<string, ThresholdRule[]>();
  private readonly candidateCache = new CallKindCache<Slot[]>((event) => this.lookup(event));
  private readonly errors = new RuleErrorLog();

  constructor(
    readonly rules: readonly ThresholdRule[],
    private readonly limits: ThresholdLimits = DEFAULT_LIMITS,
  ) {
    for (const rule of rules) {
      this.state.set(rule.id, { groups: new Map() });
      const sources = rule.appliesTo.eventSource ?? ['*'];
      const names = rule.appliesTo.eventName?.map(canonicalAction) ?? ['*'];
      for (const s of sources) {
        for (const n of names) {
          const key = `${s}\u0000${n}`;
          const bucket = this.byKey.get(key);
          if (bucket) bucket.push(rule);
          else this.byKey.set(key, [rule]);
        }
      }
    }
    // After every table exists: rules that share an id share the last table made for it.
    for (const rule of rules) this.slots.set(rule, { rule, table: this.state.get(rule.id) as Table });
  }

  /** Threshold rules that may apply to an event; cached per kind of call. */
  candidates(event: ProcessedEvent): ThresholdRule[] {
    return this.candidateCache.get(event).map((slot) => slot.rule);
  }

  private lookup(event: ProcessedEvent): Slot[] {
    const name = canonicalAction(event.action);
    const out: Slot[] = [];
    for (const key of [
      `${event.service}\u0000${name}`,
      `*\u0000${name}`,
      `${event.service}\u0000*`,
      '*\u0000*',
    ]) {
      const rules = this.byKey.get(key);
      if (!rules) continue;
      for (const r of rules)
        if ((r.appliesTo.source ?? ['cloudtrail']).includes(event.source))
          out.push(this.slots.get(r) as Slot);
    }
    return out;
  }

  /** Threshold rules whose per-event predicate this event satisfies (it counts toward them). */
  countingRules(event: ProcessedEvent): string[] {
    return this.candidates(event)
      .filter((r) => this.guard(r, event, () => r.matches(event) && r.groupBy(event) !== undefined) === true)
      .map((r) => r.id);
  }

  observe(event: ProcessedEvent): Finding[] {
    const findings: Finding[] = [];
    const slots = this.candidateCache.get(event);
    // An indexed loop with an inline try: no closure per rule and event on this path.
    for (let i = 0; i < slots.length; i++) {
      let finding: Finding | undefined;
      try {
        finding = this.count(slots[i], event);
      } catch (err) {
        this.errors.record(slots[i].rule.id, event, err);
        continue;
      }
      if (finding) findings.push(finding);
    }
    return findings;
  }

  private guard<T>(rule: ThresholdRule, event: ProcessedEvent, fn: () => T): T | undefined {
    try {
      return fn();
    } catch (err) {
      this.errors.record(rule.id, event, err);
      return undefined;
    }
  }

  private count(slot: Slot, event: ProcessedEvent): Finding | undefined {
    const rule = slot.rule;
    if (!rule.matches(event)) return undefined;
    const key = rule.groupBy(event);
    if (key === undefined) return undefined;
    const table = slot.table;
    const groups = table.groups;
    let group: Group | undefined;
    if (key === table.lastKey && groups.size <= this.limits.maxGroups) {
      // Already the most recently seen group: re-inserting it would change nothing.
      group = table.lastGroup as Group;
    } else {
      group = groups.get(key);
      if (group)
        groups.delete(key); // re-insert: Map order is least recently seen first
      else group = { entries: [] };
      groups.set(key, group);
      if (groups.size > this.limits.maxGroups) groups.delete(groups.keys().next().value as string);
      const kept = groups.get(key) === group;
      table.lastKey = kept ? key : undefined;
      table.lastGroup = kept ? group : undefined;
    }

    // One finding per window: events inside the window after a firing are not counted again.
    if (
      group.firedAt !== undefined &&
      event.time >= group.firedAt - rule.windowMs &&
      event.time < group.firedAt + rule.windowMs
    ) {
      return undefined;
    }
    if (rule.distinct) {
      const values = rule.distinct(event);
      if (typeof values === 'string') addDistinct(group.entries, values, event);
      else if (values !== undefined) for (const v of [...values]) addDistinct(group.entries, v, event);
    } else {
      insertSorted(group.entries, [event.time, '', event.id]);
    }
    const entries = group.entries;
    // Throws (a rule error, as it always has) when a distinct rule gave no value for a new group.
    const newest = entries[entries.length - 1][0];
    // Trimmed in place: the group owns its array, and this runs for nearly every counted event.
    if (entries[0][0] < newest - rule.windowMs)
      entries.splice(0, lowerBound(entries, newest - rule.windowMs));
    const cap = rule.threshold + this.limits.extraEntries;
    if (entries.length > cap) entries.splice(0, entries.length - cap);

    // In order (the common case) the window is the tail from `time - windowMs`; fewer entries
    // than the threshold cannot count to it (distinct values never outnumber entries), so most
    // calls stop here without copying the window.
    if (
      newest <= event.time &&
      entries.length - lowerBound(entries, event.time - rule.windowMs) < rule.threshold
    )
      return undefined;
    const inWindow = densestWindowWith(entries, event.time, rule.windowMs, rule.distinct !== undefined);
    const counted = rule.distinct ? new Set(inWindow.map((e) => e[1])).size : inWindow.length;
    if (counted < rule.threshold) return undefined;
    const first = inWindow[0][0];
    group.firedAt = inWindow[inWindow.length - 1][0];
    group.entries = [];
    const sample = rule.distinct ? [...new Set(inWindow.map((e) => e[1]))].slice(0, 10) : [];
    const eventIds = [...new Set(inWindow.map((e) => e[2]))].slice(-MAX_EVENT_IDS);
    if (!eventIds.includes(event.id)) eventIds.push(event.id);
    return {
      id: stableId(rule.id, key, first),
      ...findingHead(rule, rule.severity, event),
      eventIds,
      explanation: rule.explain(key, counted, sample, event),
      evidence: compactEvidence({
        group: key,
        count: counted,
        threshold: rule.threshold,
        windowMinutes: rule.windowMs / 60_000,
        firstEventTime: new Date(first).toISOString(),
        ...(sample.length ? { sample } : {}),
        lastEvent: eventEvidence(event),
      }),
    };
  }

  exportState(): unknown {
    const rules: Record<string, [string, Entry[], number | null][]> = {};
    for (const [ruleId, { groups }] of this.state) {
      if (groups.size === 0) continue;
      rules[ruleId] = [...groups].map(([k, g]) => [k, g.entries, g.firedAt ?? null]);
    }
    return { version: STATE_VERSION, rules };
  }

  importState(state: unknown): void {
    const s = state as { version?: number; rules?: Record<string, [string, Entry[], number | null][]> };
    if (!s || s.version !== STATE_VERSION || typeof s.rules !== 'object') return;
    for (const [ruleId, groups] of Object.entries(s.rules)) {
      const table = this.state.get(ruleId);
      if (!table || !Array.isArray(groups)) continue;
      table.lastKey = undefined;
      table.lastGroup = undefined;
      for (const [key, entries, firedAt] of groups.slice(-this.limits.maxGroups)) {
        if (typeof key !== 'string' || !Array.isArray(entries)) continue;
        table.groups.set(key, {
          entries: entries.filter((e) => Array.isArray(e) && e.length === 3),
          firedAt: firedAt ?? undefined,
        });
      }
    }
  }

  diagnostics(): DetectorDiagnostics {
    return {
      ...this.errors.diagnostics(),
      suppressed: 0,
      suppressedByRule: {},
    };
  }
}

/** Index of the first entry at or after `time` (entries sorted by time). */
function lowerBound(entries: readonly Entry[], time: number): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (entries[mid][0] < time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Distinct counting keeps one entry per value (its latest sighting), so repeats cannot crowd out new values. */
function addDistinct(entries: Entry[], value: string, event: ProcessedEvent): void {
  for (let at = 0; at < entries.length; at++) {
    if (entries[at][1] !== value) continue;
    if (entries[at][0] > event.time) return;
    entries.splice(at, 1);
    break;
  }
  insertSorted(entries, [event.time, value, event.id]);
}

/** Inserts keeping time order (appending is the common, in-order case). */
function insertSorted(entries: Entry[], entry: Entry): void {
  if (entries.length === 0 || entries[entries.length - 1][0] <= entry[0]) entries.push(entry);
  else entries.splice(lowerBound(entries, entry[0] + 1), 0, entry);
}

/**
 * The entries of the densest window of length `windowMs` that contains `time`. In order (the event is
 * the newest) that is the window ending at it; out of order, every window start before it is tried.
 */
function densestWindowWith(
  entries: readonly Entry[],
  time: number,
  windowMs: number,
  distinct: boolean,
): Entry[] {
  const ending = windowOf(entries, time - windowMs, time);
  if (entries[entries.length - 1][0] <= time) return ending;
  let best = ending;
  let bestCount = countOf(ending, distinct);
  for (let i = lowerBound(entries, time - windowMs); i < entries.length && entries[i][0] <= time; i++) {
    const w = windowOf(entries, entries[i][0], entries[i][0] + windowMs);
    const n = countOf(w, distinct);
    if (n > bestCount) {
      best = w;
      bestCount = n;
    }
  }
  return best;
}

function countOf(window: readonly Entry[], distinct: boolean): number {
  return distinct ? new Set(window.map((e) => e[1])).size : window.length;
}

/** The entries with from <= time <= to. */
function windowOf(entries: readonly Entry[], from: number, to: number): Entry[] {
  return entries.slice(lowerBound(entries, from), lowerBound(entries, to + 1));
}
