import { z } from 'zod';
import { SEVERITIES } from '../finding.ts';
import type { InsightModel } from '../ports.ts';
import type { Report } from './report.ts';

/** One observation about the period; it must cite the findings it rests on. */
export const insightSchema = z.object({
  title: z.string().trim().min(1).max(200),
  detail: z.string().trim().max(2000).default(''),
  severity: z.enum(SEVERITIES).optional().catch(undefined),
  findingIds: z.array(z.string()).default([]),
});

/** One thing to do, with the findings that call for it. */
export const recommendationSchema = z.object({
  action: z.string().trim().min(1).max(400),
  rationale: z.string().trim().max(1500).default(''),
  priority: z.enum(['high', 'medium', 'low']).catch('medium').default('medium'),
  findingIds: z.array(z.string()).default([]),
});

/** What a model must reply with (and what offline insights produce). */
export const insightsReplySchema = z.object({
  executiveSummary: z.string().trim().min(1).max(4000),
  insights: z.array(insightSchema).max(30).default([]),
  recommendations: z.array(recommendationSchema).max(30).default([]),
});

export type Insight = z.infer<typeof insightSchema>;
export type Recommendation = z.infer<typeof recommendationSchema>;
export type Insights = z.infer<typeof insightsReplySchema>;

/** Insights as a report carries them: who wrote them and, when a model failed, why offline ones are shown. */
export interface ReportInsights extends Insights {
  /** `offline`, `bedrock` or `openai`. */
  provider: string;
  model?: string;
  /** Claims the model made that cited no existing finding and were dropped. */
  dropped: number;
  /** Set when the requested provider failed and offline insights replaced its answer. */
  fallbackReason?: string;
}

/**
 * Asks `model` for insights and falls back to `fallback` (the offline writer) on any failure —
 * network, throttling, unparsable or ungrounded reply — recording why in `fallbackReason`.
 */
export async function resolveInsights(
  report: Report,
  model: InsightModel,
  fallback: InsightModel,
): Promise<ReportInsights> {
  if (model === fallback) return fallback.generate(report);
  try {
    return await model.generate(report);
  } catch (err) {
    const reason = `${model.provider} insights failed (${describe(err)}); offline insights shown instead`;
    return { ...(await fallback.generate(report)), fallbackReason: reason };
  }
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const name = err.name && err.name !== 'Error' ? `${err.name}: ` : '';
    return `${name}${err.message}`.slice(0, 300);
  }
  return String(err).slice(0, 300);
}
