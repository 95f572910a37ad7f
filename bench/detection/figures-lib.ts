/**
 * The detection library's measured figures, shared by `npm run detect:figures` and the tests that
 * pin them: Stratus technique coverage, agreement with Panther's labelled cases, and noise on the
 * Invictus sample.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadVendoredSigmaRules } from '../../src/adapters/local/sigma-loader.ts';
import { defaultConfig } from '../../src/core/config.ts';
import { defaultDetectors } from '../../src/core/detect/default-detectors.ts';
import { RuleEngine } from '../../src/core/detect/engine.ts';
import { BUILTIN_RULES, BUILTIN_THRESHOLDS } from '../../src/core/detect/rules/index.ts';
import { ThresholdDetector } from '../../src/core/detect/threshold/threshold-detector.ts';
import type { NormalizedEvent, ProcessedEvent } from '../../src/core/event.ts';
import { atLeast, type Finding } from '../../src/core/finding.ts';
import { Engine } from '../../src/core/pipeline.ts';
import { normalizeCloudTrailRecord, parseCloudTrail } from '../../src/core/sources/cloudtrail.ts';

export const ROOT = join(import.meta.dirname, '..', '..');
export const STRATUS_DIR = join(ROOT, 'test/fixtures/cloudtrail/stratus');
export const PANTHER_DIR = join(ROOT, 'test/fixtures/panther');
export const INVICTUS_DIR = join(ROOT, 'examples/cloudtrail');

/** ATT&CK tactic ids by the names Stratus uses in its technique ids. */
export const STRATUS_TACTICS: Record<string, string> = {
  'initial-access': 'TA0001',
  execution: 'TA0002',
  persistence: 'TA0003',
  'privilege-escalation': 'TA0004',
  'defense-evasion': 'TA0005',
  'credential-access': 'TA0006',
  discovery: 'TA0007',
  'lateral-movement': 'TA0008',
  exfiltration: 'TA0010',
  impact: 'TA0040',
};

/** Runs the whole engine (flags, every default detector) over one file's events. */
export function analyzeEvents(events: NormalizedEvent[]): { events: ProcessedEvent[]; findings: Finding[] } {
  const config = defaultConfig();
  const engine = new Engine(config, defaultDetectors(config));
  return engine.process(events);
}

function readEvents(path: string): NormalizedEvent[] {
  const parsed = parseCloudTrail(path, readFileSync(path, 'utf8'));
  return parsed.events;
}

export interface StratusRow {
  technique: string;
  tactic: string;
  events: number;
  /** Findings of MEDIUM or higher whose MITRE tactic is the technique's. */
  matching: string[];
  otherFindings: string[];
  detected: boolean;
}

/** For each Stratus file: the MEDIUM+ findings whose tactic matches the technique's tactic. */
export function stratusTable(): StratusRow[] {
  const rows: StratusRow[] = [];
  for (const file of readdirSync(STRATUS_DIR)
    .filter((f) => f.startsWith('aws.') && f.endsWith('.json'))
    .sort()) {
    const technique = file.replace(/\.json$/, '');
    const tactic = STRATUS_TACTICS[technique.split('.')[1]];
    const events = readEvents(join(STRATUS_DIR, file));
    const { findings } = analyzeEvents(events);
    const matching = new Set<string>();
    const other = new Set<string>();
    for (const f of findings) {
      if (f.ruleId.startsWith('seed.') || f.ruleId.startsWith('baseline.')) continue;
      if (atLeast(f.severity, 'MEDIUM') && f.mitre.some((m) => m.tactic === tactic)) matching.add(f.ruleId);
      else other.add(f.ruleId);
    }
    rows.push({
      technique,
      tactic,
      events: events.length,
      matching: [...matching],
      otherFindings: [...other],
      detected: matching.size > 0,
    });
  }
  return rows;
}

export interface PantherCase {
  rule_id: string;
  test_name: string;
  expected: boolean;
  self_contained: boolean;
  mocks: unknown;
  log: Record<string, unknown>;
}

export function pantherCases(): PantherCase[] {
  return readFileSync(join(PANTHER_DIR, 'cases.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as PantherCase);
}

export function pantherRuleIds(): string[] {
  return Object.keys(
    JSON.parse(readFileSync(join(PANTHER_DIR, 'rules.json'), 'utf8')) as Record<string, unknown>,
  ).sort();
}

const CLOUDTRAIL_KEYS = [
  'eventVersion',
  'eventTime',
  'eventSource',
  'eventName',
  'eventType',
  'eventID',
  'awsRegion',
  'sourceIPAddress',
  'userAgent',
  'userIdentity',
  'requestParameters',
  'responseElements',
  'recipientAccountId',
  'errorCode',
  'errorMessage',
  'readOnly',
];

/**
 * A Panther test log as a processed event. Some test logs spell keys in lower case (Panther's
 * data model is case-blind) or leave out eventTime; those are mapped back to CloudTrail's own
 * spelling and given a fixed time, so every case can be judged.
 */
export function pantherEvent(log: Record<string, unknown>, index: number): ProcessedEvent | undefined {
  const record: Record<string, unknown> = { ...log };
  for (const key of CLOUDTRAIL_KEYS) {
    const lower = key.toLowerCase();
    if (record[key] === undefined && record[lower] !== undefined) record[key] = record[lower];
  }
  if (typeof record.eventTime !== 'string' || Number.isNaN(Date.parse(record.eventTime)))
    record.eventTime = '2024-01-01T00:00:00Z';
  if (typeof record.eventName !== 'string') record.eventName = 'Unknown';
  if (record.eventID === undefined) record.eventID = `panther-case-${index}`;
  const result = normalizeCloudTrailRecord(record, 'panther-cases.jsonl', index);
  if (!result.ok) return undefined;
  const event = result.value as ProcessedEvent;
  event.anomalyFlags = [];
  event.riskScore = 0;
  return event;
}

/** The Panther rule ids our built-in rules (single-event and threshold) claim as equivalents. */
export function claimedPantherRules(): Map<string, { rules: Set<string>; thresholds: Set<string> }> {
  const claimed = new Map<string, { rules: Set<string>; thresholds: Set<string> }>();
  const add = (eq: string, id: string, kind: 'rules' | 'thresholds') => {
    if (!eq.startsWith('panther:')) return;
    const key = eq.slice('panther:'.length);
    const entry = claimed.get(key) ?? { rules: new Set(), thresholds: new Set() };
    entry[kind].add(id);
    claimed.set(key, entry);
  };
  for (const r of BUILTIN_RULES) for (const eq of r.equivalents ?? []) add(eq, r.id, 'rules');
  for (const r of BUILTIN_THRESHOLDS) for (const eq of r.equivalents ?? []) add(eq, r.id, 'thresholds');
  return claimed;
}

export interface PantherVerdict {
  case: PantherCase;
  predicted: boolean;
  firing: string[];
}

export interface PantherFigures {
  totalRules: number;
  claimedRules: string[];
  notCovered: string[];
  verdicts: PantherVerdict[];
  excluded: PantherCase[];
  matrix: { tp: number; fp: number; tn: number; fn: number };
  accuracy: number;
  matrixAll: { tp: number; fp: number; tn: number; fn: number };
  accuracyAll: number;
}

/**
 * For each case of a Panther rule we claim: did one of our rules with that equivalent fire on the
 * event? A threshold rule "fires" on an event when the event counts toward its threshold (Panther's
 * cases test the same per-event predicate; the count is their dedup threshold).
 */
export function pantherFigures(): PantherFigures {
  const claimed = claimedPantherRules();
  const engine = new RuleEngine(BUILTIN_RULES);
  const thresholds = new ThresholdDetector(BUILTIN_THRESHOLDS);
  const verdicts: PantherVerdict[] = [];
  const excluded: PantherCase[] = [];
  const cases = pantherCases();
  cases.forEach((c, i) => {
    const claim = claimed.get(c.rule_id);
    if (!claim) return;
    const event = pantherEvent(c.log, i);
    const firing = event
      ? [
          ...engine.firingRules(event).filter((id) => claim.rules.has(id)),
          ...thresholds.countingRules(event).filter((id) => claim.thresholds.has(id)),
        ]
      : [];
    const v = { case: c, predicted: firing.length > 0, firing };
    if (!c.self_contained) excluded.push(c);
    verdicts.push(v);
  });
  const matrixOf = (list: PantherVerdict[]) => {
    const m = { tp: 0, fp: 0, tn: 0, fn: 0 };
    for (const v of list) {
      if (v.predicted && v.case.expected) m.tp++;
      else if (v.predicted) m.fp++;
      else if (v.case.expected) m.fn++;
      else m.tn++;
    }
    return m;
  };
  const scored = verdicts.filter((v) => v.case.self_contained);
  const matrix = matrixOf(scored);
  const matrixAll = matrixOf(verdicts);
  const all = pantherRuleIds();
  return {
    totalRules: all.length,
    claimedRules: all.filter((r) => claimed.has(r)),
    notCovered: all.filter((r) => !claimed.has(r)),
    verdicts,
    excluded,
    matrix,
    accuracy: (matrix.tp + matrix.tn) / Math.max(1, scored.length),
    matrixAll,
    accuracyAll: (matrixAll.tp + matrixAll.tn) / Math.max(1, verdicts.length),
  };
}

export interface NoiseRow {
  ruleId: string;
  findings: number;
  /** Distinct events the rule's findings cite. */
  events: number;
  share: number;
}

/** How often each rule (built-in and the vendored Sigma rules) fires on the real Invictus sample. */
export function invictusNoise(): { totalEvents: number; rows: NoiseRow[] } {
  const config = defaultConfig();
  const engine = new Engine(config, defaultDetectors(config, loadVendoredSigmaRules().rules));
  const files = readdirSync(INVICTUS_DIR, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.json'))
    .sort();
  let totalEvents = 0;
  const byRule = new Map<string, { findings: number; events: Set<string> }>();
  for (const f of files) {
    const { events, findings } = engine.process(readEvents(join(INVICTUS_DIR, f)));
    totalEvents += events.length;
    for (const finding of findings) {
      const entry = byRule.get(finding.ruleId) ?? { findings: 0, events: new Set<string>() };
      entry.findings++;
      for (const id of finding.eventIds) entry.events.add(id);
      byRule.set(finding.ruleId, entry);
    }
  }
  const rows = [...byRule]
    .map(([ruleId, e]) => ({
      ruleId,
      findings: e.findings,
      events: e.events.size,
      share: e.events.size / Math.max(1, totalEvents),
    }))
    .sort((a, b) => b.share - a.share);
  return { totalEvents, rows };
}
