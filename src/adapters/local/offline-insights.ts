import type { Finding, Severity } from '../../core/finding.ts';
import { severityRank } from '../../core/finding.ts';
import type { InsightModel } from '../../core/ports.ts';
import type { Insight, Recommendation, ReportInsights } from '../../core/report/insights.ts';
import type { Report } from '../../core/report/report.ts';
import { fmt, iso, oneLine } from '../../core/report/text.ts';

/** A theme of findings and what to do about it; `matches` decides which findings belong. */
interface Playbook {
  matches(f: Finding, action: string): boolean;
  action: string;
  rationale: (n: number, principals: string) => string;
}

const PLAYBOOKS: Playbook[] = [
  {
    matches: (f, a) =>
      /^(StopLogging|DeleteTrail|UpdateTrail|PutEventSelectors|DeleteFlowLogs|DeleteDetector|UpdateDetector|DeleteConfigurationRecorder|StopConfigurationRecorder|DisableSecurityHub|DeleteLogGroup|DeleteLogStream)$/.test(
        a,
      ) || f.mitre.some((m) => m.technique.startsWith('T1562')),
    action:
      'Confirm that CloudTrail, GuardDuty, AWS Config and flow logs are still enabled, and deny changes to them with an SCP except for a break-glass role.',
    rationale: (n, p) => `${n} finding(s) show attempts to stop, delete or change audit logging (${p}).`,
  },
  {
    matches: (f) => f.flags.includes('ROOT_USER_ACTIVITY') || f.principal?.type === 'Root',
    action:
      'Stop using the root user for daily work: confirm hardware MFA on it, remove any root access keys, and investigate each root call.',
    rationale: (n) =>
      `${n} finding(s) involve the root user, whose actions cannot be limited by IAM policies.`,
  },
  {
    matches: (f) => f.flags.includes('FAILED_AUTHENTICATION') || f.mitre.some((m) => m.tactic === 'TA0006'),
    action:
      'Check the failed sign-ins and rejected credentials: lock or rotate the credentials involved and require MFA for console access.',
    rationale: (n, p) => `${n} finding(s) point at credential guessing, theft or misuse (${p}).`,
  },
  {
    matches: (_f, a) =>
      /^(CreateAccessKey|CreateLoginProfile|UpdateLoginProfile|CreateUser|AttachUserPolicy|AttachRolePolicy|PutUserPolicy|PutRolePolicy|AddUserToGroup|UpdateAssumeRolePolicy|CreatePolicyVersion)$/.test(
        a,
      ),
    action:
      'Review new credentials and permission changes: confirm each with its owner, then revoke unexpected access keys, login profiles and policy attachments.',
    rationale: (n, p) =>
      `${n} finding(s) created credentials or widened permissions, a common persistence step (${p}).`,
  },
  {
    matches: (f, a) =>
      /^(Delete|Terminate|Leave|Disable|Schedule)/.test(a) || f.mitre.some((m) => m.tactic === 'TA0040'),
    action:
      'Verify the deleted or disabled resources were meant to go; turn on deletion protection, versioning and backups for what matters.',
    rationale: (n, p) => `${n} finding(s) removed or disabled resources or organisation membership (${p}).`,
  },
  {
    matches: (f) => f.flags.includes('UNUSUAL_LOCATION'),
    action:
      'Confirm the public source addresses belong to your people or systems; add known networks to trustedCidrs so real outliers stand out.',
    rationale: (n, p) => `${n} finding(s) came from public addresses outside the trusted networks (${p}).`,
  },
];

const PRIORITY: Record<Severity, Recommendation['priority']> = {
  CRITICAL: 'high',
  HIGH: 'high',
  MEDIUM: 'medium',
  LOW: 'low',
};

/**
 * Deterministic insights written from the report's own figures and findings: the default, the
 * fallback when a model fails, and what runs without any network. Every claim cites finding ids.
 */
export class OfflineInsights implements InsightModel {
  readonly provider = 'offline';

  async generate(report: Report): Promise<ReportInsights> {
    return offlineInsights(report);
  }
}

/** The offline writer as a plain function (same output as {@link OfflineInsights}). */
export function offlineInsights(report: Report): ReportInsights {
  return {
    provider: 'offline',
    dropped: 0,
    executiveSummary: executiveSummary(report),
    insights: insights(report),
    recommendations: recommendations(report),
  };
}

function executiveSummary(r: Report): string {
  const p = r.period;
  const s = r.findingsBySeverity;
  const parts = [
    `From ${iso(p.since)} to ${iso(p.until)} (${p.timeZone}), logwarden analysed ${fmt(r.totalEvents)} events by ${fmt(r.principals)} principals: ${fmt(r.highRiskEvents)} high-risk and ${fmt(r.errorEvents)} with errors.`,
  ];
  if (r.totalFindings === 0) {
    parts.push('No findings were raised in this period.');
  } else {
    parts.push(
      `${fmt(r.totalFindings)} finding${r.totalFindings === 1 ? '' : 's'} were raised: ${s.CRITICAL} critical, ${s.HIGH} high, ${s.MEDIUM} medium and ${s.LOW} low.`,
    );
    const worst = r.riskiestPrincipals.find((x) => x.findings > 0);
    if (worst) {
      parts.push(
        `The riskiest principal was "${oneLine(worst.name, 80)}" with ${worst.findings} finding${worst.findings === 1 ? '' : 's'} (worst: ${worst.maxSeverity}).`,
      );
    }
    const top = r.findings[0];
    if (top)
      parts.push(`Start with "${oneLine(top.title, 100)}" (${top.severity}, risk ${top.riskScore}/10).`);
  }
  const c = r.change.totalEvents;
  if (c.percent !== null) {
    parts.push(
      `Activity ${c.delta >= 0 ? 'rose' : 'fell'} ${Math.abs(c.percent)}% against the previous period (${fmt(c.previous)} events); findings went from ${fmt(r.change.findings.previous)} to ${fmt(r.change.findings.current)}.`,
    );
  } else if (r.totalEvents > 0) {
    parts.push('The previous period of the same length had no events to compare with.');
  }
  return parts.join(' ');
}

/** One insight per rule (most severe first), and one for the riskiest principal. */
function insights(r: Report): Insight[] {
  const byRule = new Map<string, Finding[]>();
  for (const f of r.findings) byRule.set(f.ruleId, [...(byRule.get(f.ruleId) ?? []), f]);
  const groups = [...byRule.values()].sort((a, b) => worst(b) - worst(a) || b.length - a.length).slice(0, 6);
  const out: Insight[] = groups.map((group) => {
    const first = group[0];
    const principals = distinct(group.map((f) => f.principal?.name ?? 'unknown'));
    const times = group.map((f) => f.time);
    const title =
      group.length === 1 ? oneLine(first.title, 150) : `${group.length} findings of ${first.ruleId}`;
    const detail =
      group.length === 1
        ? oneLine(first.explanation, 400)
        : `Between ${iso(Math.min(...times))} and ${iso(Math.max(...times))}, by ${list(principals)}. Most risky: "${oneLine(first.title, 120)}" (risk ${first.riskScore}/10).`;
    return { title, detail, severity: maxSeverity(group), findingIds: group.slice(0, 10).map((f) => f.id) };
  });
  const principal = r.riskiestPrincipals.find((p) => p.findings > 1);
  if (principal) {
    out.push({
      title: `"${oneLine(principal.name, 80)}" accounts for ${principal.findings} findings`,
      detail: `${principal.type ?? 'Principal'} with ${principal.findingsBySeverity.CRITICAL} critical and ${principal.findingsBySeverity.HIGH} high findings${principal.events !== undefined ? ` across ${fmt(principal.events)} events (${fmt(principal.highRiskEvents ?? 0)} high-risk)` : ''}.`,
      severity: principal.maxSeverity,
      findingIds: principal.findingIds,
    });
  }
  return out;
}

/** Recommendations from playbooks that match the findings, then a triage step for the rest. */
function recommendations(r: Report): Recommendation[] {
  const out: Recommendation[] = [];
  const covered = new Set<string>();
  for (const book of PLAYBOOKS) {
    const hits = r.findings.filter((f) => book.matches(f, actionOf(f)));
    if (hits.length === 0) continue;
    for (const f of hits) covered.add(f.id);
    const principals = list(distinct(hits.map((f) => f.principal?.name ?? 'unknown')));
    out.push({
      action: book.action,
      rationale: book.rationale(hits.length, principals),
      priority: PRIORITY[maxSeverity(hits)],
      findingIds: hits.slice(0, 10).map((f) => f.id),
    });
  }
  const rest = r.findings.filter((f) => !covered.has(f.id));
  if (rest.length > 0) {
    out.push({
      action: `Triage the remaining ${rest.length} finding${rest.length === 1 ? '' : 's'}, starting with "${oneLine(rest[0].title, 100)}".`,
      rationale: `Ordered by risk; each finding lists the events and evidence that raised it.`,
      priority: PRIORITY[maxSeverity(rest)],
      findingIds: rest.slice(0, 10).map((f) => f.id),
    });
  }
  return out.sort((a, b) => rank(a.priority) - rank(b.priority));
}

const rank = (p: Recommendation['priority']) => ({ high: 0, medium: 1, low: 2 })[p];
const worst = (group: Finding[]) =>
  Math.max(...group.map((f) => severityRank(f.severity) * 100 + f.riskScore));
const maxSeverity = (group: Finding[]) =>
  group.reduce<Severity>((m, f) => (severityRank(f.severity) > severityRank(m) ? f.severity : m), 'LOW');
const distinct = (xs: string[]) => [...new Set(xs)];
const list = (names: string[]) => {
  const quoted = names.slice(0, 3).map((n) => `"${oneLine(n, 60)}"`);
  return names.length > 3 ? `${quoted.join(', ')} and ${names.length - 3} more` : quoted.join(', ');
};
const actionOf = (f: Finding) => (typeof f.evidence.eventName === 'string' ? f.evidence.eventName : '');
