/**
 * Report workflow, step 2: insights for the report — Bedrock (Converse API) when the request asked
 * for AI, else offline. A Bedrock failure is thrown unchanged (its error name, e.g.
 * ThrottlingException, drives the state machine's Retry); the Catch then calls this function in
 * offline mode with `fallbackReason`.
 */
import { OfflineInsights } from '../adapters/local/offline-insights.ts';
import { insightModelFor } from '../adapters/report-wiring.ts';
import type { ReportInsights } from '../core/report/insights.ts';
import type { Report } from '../core/report/report.ts';
import { wiring } from './wiring.ts';
import { insightsInputSchema, parseStepInput } from './workflow-input.ts';

/** Lambda entry point: returns the insights (the notify step attaches them to the report). */
export const handler = async (event: unknown): Promise<ReportInsights> => {
  const w = wiring();
  const input = parseStepInput('insights', insightsInputSchema, event);
  const report = input.report as unknown as Report;
  if (input.mode === 'bedrock') {
    const settings = w.config.report.insights;
    const model = insightModelFor(
      'bedrock',
      { ...settings, model: w.env.BEDROCK_MODEL_ID ?? settings.model },
      { bedrock: w.bedrock },
    );
    const insights = await model.generate(report);
    w.logger.info('bedrock insights written', { period: report.period.label });
    return insights;
  }
  const insights = await new OfflineInsights().generate(report);
  if (input.fallbackReason) {
    w.logger.warn('bedrock insights failed; offline insights used', {
      reason: input.fallbackReason.slice(0, 500),
    });
    return { ...insights, fallbackReason: `bedrock insights failed: ${describeCause(input.fallbackReason)}` };
  }
  return insights;
};

/** The Catch's `Cause` is the Lambda error as JSON ({errorType, errorMessage}); keep it short. */
function describeCause(cause: string): string {
  try {
    const parsed = JSON.parse(cause) as { errorType?: string; errorMessage?: string };
    if (parsed.errorType || parsed.errorMessage)
      return `${parsed.errorType ?? 'Error'}: ${parsed.errorMessage ?? ''}`.slice(0, 300);
  } catch {
    // Not JSON: use as is.
  }
  return cause.slice(0, 300);
}
