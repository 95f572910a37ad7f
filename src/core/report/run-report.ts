import type { Config } from '../config.ts';
import type { EventStore, InsightModel, NotificationLedger } from '../ports.ts';
import { resolveInsights } from './insights.ts';
import { type Channel, type ChannelResult, notifyReport } from './notify.ts';
import { buildReport, type Report } from './report.ts';
import type { ReportRequest } from './report-request.ts';

export interface ReportPorts {
  store: EventStore;
  /** The model asked when `includeAI` is set (Bedrock, OpenAI-compatible). */
  model: InsightModel;
  /** Offline insights: used without `includeAI`, and whenever the model fails. */
  offline: InsightModel;
  now: () => number;
}

/**
 * The report step both runtimes share: aggregate the period, then add insights — the model's when
 * `includeAI` is set (falling back to offline on any failure), else the offline ones.
 */
export async function produceReport(
  request: ReportRequest,
  config: Config,
  ports: ReportPorts,
): Promise<Report> {
  const report = await buildReport(ports.store, request, {
    timeZone: config.timeZone,
    highRiskThreshold: config.highRiskThreshold,
    now: ports.now(),
    top: config.report.top,
    maxFindings: config.report.maxFindings,
  });
  report.insights = request.includeAI
    ? await resolveInsights(report, ports.model, ports.offline)
    : await ports.offline.generate(report);
  return report;
}

/** Sends the report's new findings to the channels; see {@link notifyReport}. */
export function deliverReport(
  report: Report,
  channels: readonly Channel[],
  ledger: NotificationLedger,
  now: () => number,
): Promise<ChannelResult[]> {
  return notifyReport(report, channels, ledger, now);
}
