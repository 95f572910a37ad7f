import type { Report } from './report.ts';

const isoOrNull = (t: number | undefined) => (t === undefined ? null : new Date(t).toISOString());

/**
 * The report as a JSON document (see "Report JSON" in the README): the {@link Report} fields with
 * every time as an ISO-8601 UTC string.
 */
export function reportToJson(report: Report): Record<string, unknown> {
  const { period } = report;
  return {
    ...report,
    generatedAt: isoOrNull(report.generatedAt),
    period: {
      ...period,
      since: isoOrNull(period.since),
      until: isoOrNull(period.until),
      previous: { since: isoOrNull(period.previous.since), until: isoOrNull(period.previous.until) },
    },
    firstEvent: isoOrNull(report.firstEvent),
    lastEvent: isoOrNull(report.lastEvent),
    findings: report.findings.map((f) => ({ ...f, time: isoOrNull(f.time) })),
    insights: report.insights ?? null,
  };
}

/** Renders the report as pretty-printed JSON. */
export function renderJson(report: Report): string {
  return `${JSON.stringify(reportToJson(report), null, 2)}\n`;
}
