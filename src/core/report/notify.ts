import { atLeast, type Finding, type Severity } from '../finding.ts';
import type { NotificationLedger, Notifier } from '../ports.ts';
import type { Report } from './report.ts';
import type { NotificationLevel } from './report-request.ts';
import { fmt, iso, oneLine } from './text.ts';

/** What a channel is asked to send: the report plus the findings it has not sent before. */
export interface Notification {
  report: Report;
  /** New findings at or above the channel's level, most risky first. */
  findings: Finding[];
  level: NotificationLevel;
  /** One line (≤ 100 characters, as SNS requires). */
  subject: string;
  /** Plain-text alert (the seed's SNS message, grounded in findings). */
  text: string;
}

/** A channel with the level it notifies at. */
export interface Channel {
  notifier: Notifier;
  level: NotificationLevel;
}

/** What happened on one channel. */
export interface ChannelResult {
  channel: string;
  status: 'sent' | 'nothing-new' | 'failed';
  /** Findings sent (or that would have been, when failed). */
  findings: number;
  /** Findings at the level that this channel had already sent. */
  alreadySent: number;
  error?: string;
}

const LEVEL_MIN: Record<NotificationLevel, Severity> = {
  all: 'LOW',
  high_risk_only: 'HIGH',
  critical_only: 'CRITICAL',
};

/** The findings a level lets through: all, HIGH and CRITICAL, or CRITICAL only. */
export function findingsForLevel(findings: readonly Finding[], level: NotificationLevel): Finding[] {
  return findings.filter((f) => atLeast(f.severity, LEVEL_MIN[level]));
}

/**
 * Sends a report's new findings to every channel at its level. Channels run independently: one
 * failing does not stop the others, and its findings are not marked sent, so the next run retries
 * them. A finding is sent at most once per channel (the ledger remembers).
 */
export async function notifyReport(
  report: Report,
  channels: readonly Channel[],
  ledger: NotificationLedger,
  now: () => number,
): Promise<ChannelResult[]> {
  return Promise.all(
    channels.map(async ({ notifier, level }): Promise<ChannelResult> => {
      const channel = notifier.channel;
      try {
        const eligible = findingsForLevel(report.findings, level);
        const sent = await ledger.notified(
          channel,
          eligible.map((f) => f.id),
        );
        const fresh = eligible.filter((f) => !sent.has(f.id));
        if (fresh.length === 0)
          return { channel, status: 'nothing-new', findings: 0, alreadySent: sent.size };
        await notifier.send(buildNotification(report, fresh, level));
        await ledger.recordNotified(
          channel,
          fresh.map((f) => f.id),
          now(),
        );
        return { channel, status: 'sent', findings: fresh.length, alreadySent: sent.size };
      } catch (err) {
        return {
          channel,
          status: 'failed',
          findings: 0,
          alreadySent: 0,
          error: (err as Error)?.message ?? String(err),
        };
      }
    }),
  );
}

/** Builds the subject and plain-text alert for a set of new findings. */
export function buildNotification(
  report: Report,
  findings: Finding[],
  level: NotificationLevel,
): Notification {
  const count = (s: Severity) => findings.filter((f) => f.severity === s).length;
  const parts = (['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'] as Severity[])
    .filter((s) => count(s) > 0)
    .map((s) => `${count(s)} ${s.toLowerCase()}`);
  const subject = oneLine(
    `logwarden security alert: ${parts.join(', ')} finding${findings.length === 1 ? '' : 's'} (${report.period.type} ${report.period.label})`,
    100,
  );
  return { report, findings, level, subject, text: alertText(report, findings) };
}

/** The plain-text alert: period, totals, the new findings (up to 50) and the executive summary. */
export function alertText(report: Report, findings: readonly Finding[]): string {
  const p = report.period;
  const lines = [
    `logwarden security alert — ${p.type} report ${p.label} (${p.timeZone})`,
    `Period: ${iso(p.since)} to ${iso(p.until)}`,
    `Events ${fmt(report.totalEvents)} · high-risk ${fmt(report.highRiskEvents)} · errors ${fmt(report.errorEvents)} · findings ${fmt(report.totalFindings)}`,
    '',
    `New findings (${findings.length}):`,
  ];
  for (const f of findings.slice(0, 50)) {
    lines.push(
      `- [${f.severity} ${f.riskScore}] ${oneLine(f.title, 160)} — ${iso(f.time)} — ${f.ruleId} — id ${f.id}`,
    );
    lines.push(`  ${oneLine(f.explanation, 400)}`);
  }
  if (findings.length > 50) lines.push(`… and ${findings.length - 50} more`);
  if (report.insights) {
    lines.push(
      '',
      `Summary (${report.insights.provider}): ${oneLine(report.insights.executiveSummary, 1500)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
