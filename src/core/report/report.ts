import { type Finding, SEVERITIES, type Severity, severityRank } from '../finding.ts';
import type { EventStore } from '../ports.ts';
import type { ReportInsights } from './insights.ts';
import { tacticName } from './mitre-tactics.ts';
import { type ReportPeriod, resolvePeriod } from './period.ts';
import type { ReportRequest } from './report-request.ts';
import { type AnomalySummary, emptySeverityCounts, type Ranked, type Summary } from './summary.ts';

/** A figure of this period next to the previous period of the same length. */
export interface Change {
  current: number;
  previous: number;
  delta: number;
  /** Percent change; null when the previous period had none. */
  percent: number | null;
}

/** How many findings map to one ATT&CK tactic. */
export interface TacticCoverage {
  tactic: string;
  name: string;
  findings: number;
  techniques: string[];
}

/** A principal ranked by risk: findings first, then its events' scores. */
export interface PrincipalRisk {
  name: string;
  type?: string;
  arn?: string;
  findings: number;
  findingsBySeverity: Record<Severity, number>;
  maxSeverity?: Severity;
  /** Highest risk score of its findings and events, 0–10. */
  maxRisk: number;
  events?: number;
  highRiskEvents?: number;
  flaggedEvents?: number;
  /** Its most risky findings (up to 5), for links and citations. */
  findingIds: string[];
}

/**
 * Everything a report says about a period. Carries the seed's `AnalysisResult` fields
 * (`totalEvents`, `highRiskEvents`, `errorEvents`, `anomalies`, `hourlyDistribution`,
 * `userActivity`, `serviceActivity`) and what the seed lacked.
 */
export interface Report {
  schemaVersion: 1;
  /** Epoch ms. */
  generatedAt: number;
  period: ReportPeriod;
  analysisType: ReportRequest['analysisType'];
  notificationLevel: ReportRequest['notificationLevel'];
  totalEvents: number;
  highRiskEvents: number;
  errorEvents: number;
  principals: number;
  firstEvent?: number;
  lastEvent?: number;
  anomalies: AnomalySummary[];
  /** Events per hour of day (0–23) in the period's time zone. */
  hourlyDistribution: number[];
  /** Top principals by event count. */
  userActivity: Ranked[];
  serviceActivity: Ranked[];
  actionActivity: Ranked[];
  errorActivity: Ranked[];
  sourceActivity: Ranked[];
  findingsBySeverity: Record<Severity, number>;
  totalFindings: number;
  findingsByTactic: TacticCoverage[];
  /** Findings that carry no ATT&CK mapping. */
  unmappedFindings: number;
  riskiestPrincipals: PrincipalRisk[];
  change: {
    totalEvents: Change;
    highRiskEvents: Change;
    errorEvents: Change;
    findings: Change;
    principals: Change;
  };
  /** The period's findings, most risky first (at most `maxFindings`). */
  findings: Finding[];
  /** Findings of the period left out of `findings` by the limit. */
  findingsOmitted: number;
  insights?: ReportInsights;
}

export interface BuildReportOptions {
  timeZone: string;
  highRiskThreshold: number;
  /** Epoch ms: "now", for periods relative to it. */
  now: number;
  /** Entries in each top list. */
  top?: number;
  /** Most findings a report carries in full. */
  maxFindings?: number;
}

/** Builds a report from the store's aggregates and findings for the requested period. */
export async function buildReport(
  store: EventStore,
  request: ReportRequest,
  options: BuildReportOptions,
): Promise<Report> {
  const period = resolvePeriod(request, options.timeZone, options.now);
  const top = options.top ?? 10;
  const maxFindings = options.maxFindings ?? 2000;
  const query = { top, highRiskThreshold: options.highRiskThreshold };
  const [current, previous] = [
    await store.summarize({ ...query, since: period.since, until: period.until }),
    await store.summarize({ ...query, since: period.previous.since, until: period.previous.until }),
  ];
  const findings = await store.findings({ since: period.since, until: period.until, limit: maxFindings });
  return assembleReport({
    period,
    request,
    summary: current,
    previous,
    findings,
    generatedAt: options.now,
    top,
  });
}

/** The pure half of {@link buildReport}: shapes aggregates and findings into a report. */
export function assembleReport(input: {
  period: ReportPeriod;
  request: Pick<ReportRequest, 'analysisType' | 'notificationLevel'>;
  summary: Summary;
  previous: Summary;
  findings: Finding[];
  generatedAt: number;
  top?: number;
}): Report {
  const { summary, previous, findings } = input;
  const totalFindings = sumSeverities(summary.findingsBySeverity);
  const { coverage, unmapped } = tacticCoverage(findings);
  return {
    schemaVersion: 1,
    generatedAt: input.generatedAt,
    period: input.period,
    analysisType: input.request.analysisType,
    notificationLevel: input.request.notificationLevel,
    totalEvents: summary.totalEvents,
    highRiskEvents: summary.highRiskEvents,
    errorEvents: summary.errorEvents,
    principals: summary.principals,
    firstEvent: summary.firstEvent,
    lastEvent: summary.lastEvent,
    anomalies: summary.anomalies,
    hourlyDistribution: summary.hourly,
    userActivity: summary.topUsers,
    serviceActivity: summary.topServices,
    actionActivity: summary.topActions,
    errorActivity: summary.topErrors,
    sourceActivity: summary.topSources ?? [],
    findingsBySeverity: summary.findingsBySeverity,
    totalFindings,
    findingsByTactic: coverage,
    unmappedFindings: unmapped,
    riskiestPrincipals: rankPrincipals(findings, summary, input.top ?? 10),
    change: {
      totalEvents: change(summary.totalEvents, previous.totalEvents),
      highRiskEvents: change(summary.highRiskEvents, previous.highRiskEvents),
      errorEvents: change(summary.errorEvents, previous.errorEvents),
      findings: change(totalFindings, sumSeverities(previous.findingsBySeverity)),
      principals: change(summary.principals, previous.principals),
    },
    findings,
    findingsOmitted: Math.max(0, totalFindings - findings.length),
  };
}

function sumSeverities(counts: Record<Severity, number>): number {
  return SEVERITIES.reduce((n, s) => n + counts[s], 0);
}

/** This period's figure against the previous one. */
export function change(current: number, previous: number): Change {
  return {
    current,
    previous,
    delta: current - previous,
    percent: previous === 0 ? null : Math.round(((current - previous) / previous) * 1000) / 10,
  };
}

/** Findings per ATT&CK tactic (a finding counts once per tactic), in kill-chain order of count. */
export function tacticCoverage(findings: readonly Finding[]): {
  coverage: TacticCoverage[];
  unmapped: number;
} {
  const byTactic = new Map<string, { findings: number; techniques: Set<string> }>();
  let unmapped = 0;
  for (const f of findings) {
    if (f.mitre.length === 0) {
      unmapped++;
      continue;
    }
    for (const tactic of new Set(f.mitre.map((m) => m.tactic))) {
      const entry = byTactic.get(tactic) ?? { findings: 0, techniques: new Set<string>() };
      entry.findings++;
      byTactic.set(tactic, entry);
    }
    for (const m of f.mitre) byTactic.get(m.tactic)?.techniques.add(m.technique);
  }
  const coverage = [...byTactic.entries()]
    .map(([tactic, e]) => ({
      tactic,
      name: tacticName(tactic),
      findings: e.findings,
      techniques: [...e.techniques].sort(),
    }))
    .sort((a, b) => b.findings - a.findings || a.tactic.localeCompare(b.tactic));
  return { coverage, unmapped };
}

/**
 * Ranks principals by their findings (worst severity, then summed risk), then by the risk of their
 * events as the store reports it.
 */
export function rankPrincipals(findings: readonly Finding[], summary: Summary, top: number): PrincipalRisk[] {
  const byName = new Map<string, PrincipalRisk & { riskSum: number }>();
  const entry = (name: string) => {
    let e = byName.get(name);
    if (!e) {
      e = {
        name,
        findings: 0,
        findingsBySeverity: emptySeverityCounts(),
        maxRisk: 0,
        findingIds: [],
        riskSum: 0,
      };
      byName.set(name, e);
    }
    return e;
  };
  for (const f of findings) {
    const name = f.principal?.name ?? f.principal?.id;
    if (!name) continue;
    const e = entry(name);
    e.type ??= f.principal?.type;
    e.arn ??= f.principal?.arn;
    e.findings++;
    e.findingsBySeverity[f.severity]++;
    e.riskSum += f.riskScore;
    e.maxRisk = Math.max(e.maxRisk, f.riskScore);
    if (!e.maxSeverity || severityRank(f.severity) > severityRank(e.maxSeverity)) e.maxSeverity = f.severity;
    if (e.findingIds.length < 5) e.findingIds.push(f.id);
  }
  for (const p of summary.riskyPrincipals ?? []) {
    const e = entry(p.name);
    e.events = p.events;
    e.highRiskEvents = p.highRiskEvents;
    e.flaggedEvents = p.flaggedEvents;
    e.maxRisk = Math.max(e.maxRisk, p.maxRisk);
  }
  return [...byName.values()]
    .sort(
      (a, b) =>
        (b.maxSeverity ? severityRank(b.maxSeverity) : -1) -
          (a.maxSeverity ? severityRank(a.maxSeverity) : -1) ||
        b.riskSum - a.riskSum ||
        (b.highRiskEvents ?? 0) - (a.highRiskEvents ?? 0) ||
        b.maxRisk - a.maxRisk ||
        (b.flaggedEvents ?? 0) - (a.flaggedEvents ?? 0) ||
        a.name.localeCompare(b.name),
    )
    .slice(0, top)
    .map(({ riskSum: _, ...p }) => p);
}
