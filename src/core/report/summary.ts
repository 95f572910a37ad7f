import { FLAG_POINTS, MAX_RISK } from '../detect/flags.ts';
import type { AnomalyFlag } from '../event.ts';
import type { Severity } from '../finding.ts';
import type { SourceSummary } from './source-summary.ts';

/** One anomaly type with the seed's severity: base points + log10(count). */
export interface AnomalySummary {
  type: AnomalyFlag;
  count: number;
  /** 0–10: the flag's points + log10(count), capped. */
  score: number;
  severity: Severity;
  details: string;
}

export interface Ranked {
  name: string;
  count: number;
}

/** A principal's event-level risk over a window (for "principals with the highest risk"). */
export interface RiskyPrincipal {
  name: string;
  events: number;
  /** Events carrying at least one anomaly flag. */
  flaggedEvents: number;
  /** Events at or above the high-risk threshold. */
  highRiskEvents: number;
  /** Highest event risk score, 0–10. */
  maxRisk: number;
}

/** What `analyze` prints and every report starts from. */
export interface Summary {
  totalEvents: number;
  highRiskEvents: number;
  errorEvents: number;
  principals: number;
  /** Epoch ms of the first and last event, when there are events. */
  firstEvent?: number;
  lastEvent?: number;
  anomalies: AnomalySummary[];
  topUsers: Ranked[];
  topServices: Ranked[];
  topActions: Ranked[];
  topErrors: Ranked[];
  /** Events per hour of day (0–23, UTC or the configured zone). */
  hourly: number[];
  findingsBySeverity: Record<Severity, number>;
  /** Findings per MITRE ATT&CK tactic id (a finding counts once under each tactic it carries). */
  findingsByTactic?: Record<string, number>;
  /**
   * Principals whose events carry risk (max risk > 0), ranked by high-risk events, max risk,
   * flagged events, then events; at most `top`. Optional: stores that cannot rank it omit it.
   */
  riskyPrincipals?: RiskyPrincipal[];
  /** Events per source type (cloudtrail, vpc-flow …), sorted by count. Optional like the above. */
  topSources?: Ranked[];
  /** A section per source type present (flow logs with traffic totals). Optional like the above. */
  sources?: SourceSummary[];
}

const DETAILS: Record<AnomalyFlag, string> = {
  UNUSUAL_TIME: 'calls outside business hours',
  UNUSUAL_LOCATION: 'calls from public IPs outside the trusted networks',
  HIGH_RISK_ACTION: 'calls to high-risk actions (logging, access, data exposure, key destruction)',
  ROOT_USER_ACTIVITY: 'calls made with the root user',
  FAILED_AUTHENTICATION: 'failed console sign-ins and rejected credentials',
};

/** The seed's anomaly severity: the type's base points plus log10 of how often it occurred. */
export function anomalySeverity(type: AnomalyFlag, count: number): { score: number; severity: Severity } {
  const score = Math.min(MAX_RISK, FLAG_POINTS[type] + Math.log10(Math.max(1, count)));
  const rounded = Math.round(score * 100) / 100;
  const severity: Severity = score >= 8 ? 'CRITICAL' : score >= 6 ? 'HIGH' : score >= 4 ? 'MEDIUM' : 'LOW';
  return { score: rounded, severity };
}

/** Builds the anomaly list from counts per flag, most severe first. */
export function summarizeAnomalies(counts: Partial<Record<AnomalyFlag, number>>): AnomalySummary[] {
  return (Object.entries(counts) as [AnomalyFlag, number][])
    .filter(([, count]) => count > 0)
    .map(([type, count]) => ({
      type,
      count,
      ...anomalySeverity(type, count),
      details: `${count} ${DETAILS[type]}`,
    }))
    .sort((a, b) => b.score - a.score || b.count - a.count);
}

/** Sorts by count, descending, then name, and keeps the first `n` (the seed sliced unsorted). */
export function topN(entries: Iterable<[string, number]>, n: number): Ranked[] {
  return [...entries]
    .map(([name, count]) => ({ name, count }))
    .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name))
    .slice(0, n);
}

export function emptySeverityCounts(): Record<Severity, number> {
  return { LOW: 0, MEDIUM: 0, HIGH: 0, CRITICAL: 0 };
}

/** Counts findings per ATT&CK tactic id; findings without MITRE data are not counted. */
export function countFindingsByTactic(
  findings: readonly { mitre: readonly { tactic: string }[] }[],
): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const f of findings) {
    for (const tactic of new Set(f.mitre.map((m) => m.tactic))) counts[tactic] = (counts[tactic] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(counts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])));
}
