import type { ProcessedEvent } from '../event.ts';
import { type Finding, type MitreRef, SEVERITY_RISK, type Severity } from '../finding.ts';
import { stableId } from '../hash.ts';
import { CallKindCache } from './call-kind-cache.ts';
import type { Detector, DetectorDiagnostics, RuleError } from './detector.ts';
import { eventEvidence, pickPrincipal, serviceName } from './high-risk-event.ts';
import type { Rule, RuleContext, RuleMatch } from './rule.ts';
import { RuleErrorLog } from './rule-error-log.ts';

/** How many finding ids are remembered for de-duplication within a run. */
const MAX_REMEMBERED = 100_000;
/** Largest JSON size of one evidence value before it is cut to a preview. */
const MAX_EVIDENCE_VALUE = 1500;

/**
 * Lambda (and a few other services) log API names with a version suffix, e.g.
 * `UpdateFunctionCode20150331v2`; rules are written against the plain name.
 */
export function canonicalAction(name: string): string {
  const m = /^([A-Za-z]+?)\d{8}(?:v\d+)?$/.exec(name);
  return m ? m[1] : name;
}

/** Options of the rule engine. */
export interface RuleEngineOptions {
  /** Accounts the user owns, so a share with them is not "foreign". */
  knownAccounts?: readonly string[];
  /** Detector id (and state key); default `rules`. */
  id?: string;
}

/**
 * Runs stateless rules over events. Rules are indexed by eventSource/eventName so each event is
 * tested only against the rules that can apply. A rule that throws yields a rule-error record
 * (kept, counted, reported), never a silent skip.
 */
export class RuleEngine implements Detector {
  readonly id: string;
  readonly stateless = true;
  private readonly exact = new Map<string, Rule[]>();
  private readonly byName = new Map<string, Rule[]>();
  private readonly bySource = new Map<string, Rule[]>();
  private readonly anywhere: Rule[] = [];
  private readonly ctx: RuleContext;
  private readonly remembered = new Set<string>();
  private readonly candidateCache = new CallKindCache<Rule[]>((event) => this.lookup(event));
  private readonly errors = new RuleErrorLog();
  private evaluations = 0;

  constructor(
    readonly rules: readonly Rule[],
    options: RuleEngineOptions = {},
  ) {
    this.id = options.id ?? 'rules';
    this.ctx = { knownAccounts: new Set(options.knownAccounts ?? []) };
    const seen = new Set<string>();
    for (const rule of rules) {
      if (seen.has(rule.id)) throw new Error(`two rules share the id "${rule.id}": rule ids must be unique`);
      seen.add(rule.id);
      this.index(rule);
    }
  }

  private index(rule: Rule): void {
    const sources = rule.appliesTo.eventSource;
    const names = rule.appliesTo.eventName?.map(canonicalAction);
    const add = (map: Map<string, Rule[]>, key: string) => {
      const bucket = map.get(key);
      if (bucket) bucket.push(rule);
      else map.set(key, [rule]);
    };
    if (sources?.length && names?.length) {
      for (const s of sources) for (const n of names) add(this.exact, `${s}\u0000${n}`);
    } else if (names?.length) {
      for (const n of names) add(this.byName, n);
    } else if (sources?.length) {
      for (const s of sources) add(this.bySource, s);
    } else {
      this.anywhere.push(rule);
    }
  }

  /** The rules that may apply to an event (by its source, eventSource and eventName); cached per kind of call. */
  candidates(event: ProcessedEvent): Rule[] {
    return this.candidateCache.get(event);
  }

  private lookup(event: ProcessedEvent): Rule[] {
    const name = canonicalAction(event.action);
    const out: Rule[] = [];
    const push = (rules: readonly Rule[] | undefined) => {
      if (!rules) return;
      for (const r of rules) {
        const kinds = r.appliesTo.source ?? ['cloudtrail'];
        if (kinds.includes(event.source)) out.push(r);
      }
    };
    push(this.exact.get(`${event.service}\u0000${name}`));
    push(this.byName.get(name));
    push(this.bySource.get(event.service));
    push(this.anywhere);
    return out;
  }

  /** The ids of the rules that fire on an event, without building findings (for tests and figures). */
  firingRules(event: ProcessedEvent): string[] {
    const out: string[] = [];
    for (const rule of this.candidates(event)) {
      const match = this.evaluate(rule, event);
      if (match) out.push(rule.id);
    }
    return out;
  }

  observe(event: ProcessedEvent): Finding[] {
    const findings: Finding[] = [];
    for (const rule of this.candidates(event)) {
      const match = this.evaluate(rule, event);
      if (!match) continue;
      const finding = buildFinding(rule, event, match === true ? {} : match);
      if (this.remembered.has(finding.id)) continue;
      if (this.remembered.size >= MAX_REMEMBERED) this.remembered.clear();
      this.remembered.add(finding.id);
      findings.push(finding);
    }
    return findings;
  }

  private evaluate(rule: Rule, event: ProcessedEvent): RuleMatch | true | undefined {
    this.evaluations++;
    try {
      const result = rule.evaluate(event, this.ctx);
      if (!result) return undefined;
      return result;
    } catch (err) {
      this.errors.record(rule.id, event, err);
      return undefined;
    }
  }

  /** Rule errors seen so far (the first ones in full; `diagnostics()` has the counts). */
  ruleErrors(): readonly RuleError[] {
    return this.errors.errors;
  }

  diagnostics(): DetectorDiagnostics {
    return {
      ...this.errors.diagnostics(),
      suppressed: 0,
      suppressedByRule: {},
      evaluations: this.evaluations,
    };
  }
}

/** A finding from a rule's match on one event. */
export function buildFinding(rule: Rule, event: ProcessedEvent, match: RuleMatch): Finding {
  const eventIds = [event.id];
  for (const id of match.eventIds ?? []) if (!eventIds.includes(id)) eventIds.push(id);
  return {
    id: stableId(rule.id, match.dedupeKey ?? event.id),
    ...findingHead(rule, match.severity ?? rule.severity, event),
    eventIds,
    explanation: match.explanation ?? defaultExplanation(rule, event),
    evidence: findingEvidence(event, match.evidence),
  };
}

/**
 * What every finding a rule raises on an event has alike: the rule's title and ATT&CK mapping, a
 * score no lower than the event's own, its flags, and who did it where. The caller adds the id, the
 * events, the explanation and the evidence.
 */
export function findingHead(
  rule: { id: string; title: string; mitre: readonly MitreRef[] },
  severity: Severity,
  event: ProcessedEvent,
): Omit<Finding, 'id' | 'eventIds' | 'explanation' | 'evidence'> {
  return {
    ruleId: rule.id,
    title: rule.title,
    severity,
    riskScore: Math.max(SEVERITY_RISK[severity], event.riskScore ?? 0),
    flags: [...(event.anomalyFlags ?? [])],
    mitre: rule.mitre.map((m) => ({ ...m })),
    principal: pickPrincipal(event),
    time: event.time,
    ...(event.account ? { account: event.account } : {}),
    ...(event.region ? { region: event.region } : {}),
    ...(event.sourceIp ? { sourceIp: event.sourceIp } : {}),
  };
}

/**
 * The event's own evidence, compacted, for the event findings were last built for: most findings
 * come one or a few per event, and the large parts (request and response) would otherwise be
 * measured again for each.
 */
let baseEvent: ProcessedEvent | undefined;
let base: Record<string, unknown> = {};
let compactBase: Record<string, unknown> = {};

/** `compactEvidence({ ...eventEvidence(event), ...extra })`, reusing the event's compacted part. */
function findingEvidence(
  event: ProcessedEvent,
  extra: Record<string, unknown> | undefined,
): Record<string, unknown> {
  if (event !== baseEvent) {
    base = eventEvidence(event);
    compactBase = compactEvidence(base);
    baseEvent = event;
  }
  if (extra === undefined) return { ...compactBase };
  const merged: Record<string, unknown> = { ...base, ...extra };
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(merged)) {
    const value = merged[key];
    if (value === undefined) continue;
    // The very object the event's evidence holds: its verdict is known.
    out[key] =
      typeof value === 'object' && value !== null && value === base[key]
        ? compactBase[key]
        : compactValue(value);
  }
  return out;
}

/** "who called what, from where, in which account and region" followed by the rule's description. */
export function defaultExplanation(rule: Pick<Rule, 'description'>, event: ProcessedEvent): string {
  const account = event.account ? `account ${event.account}` : '';
  const region = event.region || '';
  const where = account && region ? `${account}, ${region}` : account || region;
  const outcome = event.errorCode ? ` (it failed: ${event.errorCode})` : '';
  const facts = `${event.principal.name} (${event.principal.type}) called ${serviceName(event.service)}:${event.action}${event.sourceIp ? ` from ${event.sourceIp}` : ''}${where ? ` in ${where}` : ''}${outcome}.`;
  return `${facts} ${firstSentence(rule.description)}`;
}

/** First sentences of rule descriptions: few rules, many findings. */
const firstSentences = new Map<string, string>();

function firstSentence(text: string): string {
  let sentence = firstSentences.get(text);
  if (sentence === undefined) {
    const m = /^(.+?[.!?])(\s|$)/s.exec(text.trim());
    sentence = (m ? m[1] : text.trim()).replace(/\s+/g, ' ');
    if (firstSentences.size >= 10_000) firstSentences.clear();
    firstSentences.set(text, sentence);
  }
  return sentence;
}

/** Keeps evidence small: values whose JSON is large become a cut preview string. */
export function compactEvidence(evidence: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(evidence)) {
    if (value === undefined) continue;
    out[key] = compactValue(value);
  }
  return out;
}

/** One evidence value, or its cut preview when large. */
function compactValue(value: unknown): unknown {
  if (typeof value === 'object' && value !== null) {
    const json = JSON.stringify(value);
    return json.length > MAX_EVIDENCE_VALUE
      ? `${json.slice(0, MAX_EVIDENCE_VALUE)}… (${json.length} chars)`
      : value;
  }
  if (typeof value === 'string' && value.length > MAX_EVIDENCE_VALUE)
    return `${value.slice(0, MAX_EVIDENCE_VALUE)}…`;
  return value;
}
