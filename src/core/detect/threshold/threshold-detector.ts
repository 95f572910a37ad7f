import type { ProcessedEvent } from '../../event.ts';
import { type Finding, SEVERITY_RISK } from '../../finding.ts';
import { stableId } from '../../hash.ts';
import { CallKindCache } from '../call-kind-cache.ts';
import type { Detector, DetectorDiagnostics, RuleError } from '../detector.ts';
import { canonicalAction, compactEvidence } from '../engine.ts';
import { eventEvidence, pickPrincipal } from '../high-risk-event.ts';
import type { ThresholdRule } from './threshold-rule.ts';

/** One counted event: time, the distinct value (or ''), event id. */
type Entry = [time: number, value: string, eventId: string];

interface Group {
  entries: Entry[];
  /** Event time of the last firing: the group does not fire again within one window of it. */
  firedAt?: number;
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
  private readonly state = new Map<string, Map<string, Group>>();
  private readonly byKey = new Map<string, ThresholdRule[]>();
  private readonly candidateCache = new CallKindCache<ThresholdRule[]>((event) => this.lookup(event));
  private readonly errors: RuleError[] = [];
  private readonly errorsByRule = new Map<string, number>();
  private errorCount = 0;

  constructor(
    readonly rules: readonly ThresholdRule[],
    private readonly limits: ThresholdLimits = DEFAULT_LIMITS,
  ) {
    for (const rule of rules) {
      this.state.set(rule.id, new Map());
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
  }

  /** Threshold rules that may apply to an event; cached per kind of call. */
  candidates(event: ProcessedEvent): ThresholdRule[] {
    return this.candidateCache.get(event);
  }

  private lookup(event: ProcessedEvent): ThresholdRule[] {
    const name = canonicalAction(event.action);
    const out: ThresholdRule[] = [];
    for (const key of [
      `${event.service}\u0000${name}`,
      `*\u0000${name}`,
      `${event.service}\u0000*`,
      '*\u0000*',
    ]) {
      const rules = this.byKey.get(key);
      if (!rules) continue;
      for (const r of rules) if ((r.appliesTo.source ?? ['cloudtrail']).includes(event.source)) out.push(r);
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
    for (const rule of this.candidates(event)) {
      const finding = this.guard(rule, event, () => this.count(rule, event));
      if (finding) findings.push(finding);
    }
    return findings;
  }

  private guard<T>(rule: ThresholdRule, event: ProcessedEvent, fn: () => T): T | undefined {
    try {
      return fn();
    } catch (err) {
      this.errorCount++;
      this.errorsByRule.set(rule.id, (this.errorsByRule.get(rule.id) ?? 0) + 1);
      if (this.errors.length < 200) {
        this.errors.push({
          kind: 'rule-error',
          ruleId: rule.id,
          eventId: event.id,
          time: event.time,
          message: err instanceof Error ? err.message : String(err),
        });
      }
      return undefined;
    }
  }

  private count(rule: ThresholdRule, event: ProcessedEvent): Finding | undefined {
    if (!rule.matches(event)) return undefined;
    const key = rule.groupBy(event);
    if (key === undefined) return undefined;
    const groups = this.state.get(rule.id)!;
    let group = groups.get(key);
    if (group)
      groups.delete(key); // re-insert: Map order is least recently seen first
    else group = { entries: [] };
    groups.set(key, group);
    if (groups.size > this.limits.maxGroups) groups.delete(groups.keys().next().value as string);

    // One finding per window: events inside the window after a firing are not counted again.
    if (
      group.firedAt !== undefined &&
      event.time >= group.firedAt - rule.windowMs &&
      event.time < group.firedAt + rule.windowMs
    ) {
      return undefined;
    }
    const values = rule.distinct ? toList(rule.distinct(event)) : [''];
    for (const v of values) {
      // Distinct counting keeps one entry per value (its latest sighting), so repeats cannot crowd out new values.
      if (rule.distinct) {
        const at = group.entries.findIndex((e) => e[1] === v);
        if (at >= 0) {
          if (group.entries[at][0] > event.time) continue;
          group.entries.splice(at, 1);
        }
      }
      insertSorted(group.entries, [event.time, v, event.id]);
    }
    const newest = group.entries[group.entries.length - 1][0];
    if (group.entries[0][0] < newest - rule.windowMs) {
      group.entries = group.entries.slice(lowerBound(group.entries, newest - rule.windowMs));
    }
    const cap = rule.threshold + this.limits.extraEntries;
    if (group.entries.length > cap) group.entries = group.entries.slice(group.entries.length - cap);

    const inWindow = densestWindowWith(group.entries, event.time, rule.windowMs, rule.distinct !== undefined);
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
      ruleId: rule.id,
      title: rule.title,
      severity: rule.severity,
      riskScore: Math.max(SEVERITY_RISK[rule.severity], event.riskScore ?? 0),
      flags: [...(event.anomalyFlags ?? [])],
      mitre: rule.mitre.map((m) => ({ ...m })),
      eventIds,
      principal: pickPrincipal(event),
      time: event.time,
      ...(event.account ? { account: event.account } : {}),
      ...(event.region ? { region: event.region } : {}),
      ...(event.sourceIp ? { sourceIp: event.sourceIp } : {}),
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
    for (const [ruleId, groups] of this.state) {
      if (groups.size === 0) continue;
      rules[ruleId] = [...groups].map(([k, g]) => [k, g.entries, g.firedAt ?? null]);
    }
    return { version: STATE_VERSION, rules };
  }

  importState(state: unknown): void {
    const s = state as { version?: number; rules?: Record<string, [string, Entry[], number | null][]> };
    if (!s || s.version !== STATE_VERSION || typeof s.rules !== 'object') return;
    for (const [ruleId, groups] of Object.entries(s.rules)) {
      const target = this.state.get(ruleId);
      if (!target || !Array.isArray(groups)) continue;
      for (const [key, entries, firedAt] of groups.slice(-this.limits.maxGroups)) {
        if (typeof key !== 'string' || !Array.isArray(entries)) continue;
        target.set(key, {
          entries: entries.filter((e) => Array.isArray(e) && e.length === 3),
          firedAt: firedAt ?? undefined,
        });
      }
    }
  }

  diagnostics(): DetectorDiagnostics {
    return {
      ruleErrors: [...this.errors],
      ruleErrorCount: this.errorCount,
      ruleErrorsByRule: Object.fromEntries(this.errorsByRule),
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
  const countOf = (w: readonly Entry[]) => (distinct ? new Set(w.map((e) => e[1])).size : w.length);
  const ending = windowOf(entries, time - windowMs, time);
  if (entries[entries.length - 1][0] <= time) return ending;
  let best = ending;
  let bestCount = countOf(ending);
  for (let i = lowerBound(entries, time - windowMs); i < entries.length && entries[i][0] <= time; i++) {
    const w = windowOf(entries, entries[i][0], entries[i][0] + windowMs);
    const n = countOf(w);
    if (n > bestCount) {
      best = w;
      bestCount = n;
    }
  }
  return best;
}

/** The entries with from <= time <= to. */
function windowOf(entries: readonly Entry[], from: number, to: number): Entry[] {
  return entries.slice(lowerBound(entries, from), lowerBound(entries, to + 1));
}

function toList(value: string | readonly string[] | undefined): string[] {
  if (value === undefined) return [];
  return typeof value === 'string' ? [value] : [...value];
}
