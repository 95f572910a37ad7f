/**
 * Report workflow, step 1: the orchestration input `{timeframe, analysisType, includeAI,
 * notificationLevel}` → a report of the period built from DynamoDB (summaries and findings, one
 * Query per day partition). Insights and notification are the next steps of the state machine.
 */
import { DynamoDbEventStore } from '../adapters/aws/dynamodb-store.ts';
import { buildReport, type Report } from '../core/report/report.ts';
import { parseReportRequest } from '../core/report/report-request.ts';
import { UnsupportedEventError } from './s3-event.ts';
import { type Wiring, wiring } from './wiring.ts';

/** Step Functions passes at most 256 KB between states; a report stays below this many bytes. */
export const MAX_REPORT_BYTES = 200_000;

/** The store a report reads (no writes, no archive). */
export function reportStore(w: Wiring): DynamoDbEventStore {
  return new DynamoDbEventStore(w.dynamodb, {
    tableName: w.env.TABLE_NAME,
    timeZone: w.config.timeZone,
    retentionDays: w.env.RETENTION_DAYS,
  });
}

/**
 * Drops the least risky findings (they are sorted most risky first) until the report fits in a
 * state-machine payload; dropped findings are counted in `findingsOmitted`.
 */
export function fitReport(report: Report, maxBytes = MAX_REPORT_BYTES): Report {
  let size = Buffer.byteLength(JSON.stringify(report));
  if (size <= maxBytes) return report;
  const findings = [...report.findings];
  let omitted = report.findingsOmitted;
  while (findings.length > 0 && size > maxBytes) {
    const over = size - maxBytes;
    // Remove roughly enough at once, then re-measure.
    const average = size / Math.max(1, findings.length);
    const drop = Math.min(findings.length, Math.max(1, Math.ceil(over / Math.max(1, average))));
    findings.splice(findings.length - drop, drop);
    omitted += drop;
    size = Buffer.byteLength(JSON.stringify({ ...report, findings, findingsOmitted: omitted }));
  }
  return { ...report, findings, findingsOmitted: omitted };
}

/** Lambda entry point: returns the report (without insights). */
export const handler = async (event: unknown): Promise<Report> => {
  const w = wiring();
  if (event && typeof event === 'object' && 'Records' in event) {
    throw new UnsupportedEventError(
      'the report function received an event with Records (an S3/SQS event?); it expects a report request {timeframe, analysisType, includeAI, notificationLevel}',
    );
  }
  const request = parseReportRequest(event);
  const report = await buildReport(reportStore(w), request, {
    timeZone: w.config.timeZone,
    highRiskThreshold: w.config.highRiskThreshold,
    now: Date.now(),
    top: w.config.report.top,
    maxFindings: w.config.report.maxFindings,
  });
  const fitted = fitReport(report);
  w.logger.info('report built', {
    period: report.period.label,
    analysisType: report.analysisType,
    events: report.totalEvents,
    findings: report.totalFindings,
    findingsCarried: fitted.findings.length,
  });
  return fitted;
};
