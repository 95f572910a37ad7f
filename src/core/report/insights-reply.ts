import type { z } from 'zod';
import { LogwardenError } from '../errors.ts';
import { type Insights, insightsReplySchema, type ReportInsights } from './insights.ts';
import type { Report } from './report.ts';

/** A model reply that could not be turned into grounded insights. */
export class InsightsReplyError extends LogwardenError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('dependency', message, options);
  }
}

/**
 * Finds the JSON object in a model's reply: the whole text, a fenced ```json block, or the first
 * balanced `{…}` that parses — models wrap JSON in prose and fences as a matter of course.
 */
export function extractJson(text: string): unknown {
  const candidates: string[] = [text.trim()];
  for (const m of text.matchAll(/```(?:json|JSON)?\s*\n?([\s\S]*?)```/g)) candidates.push(m[1].trim());
  for (let start = text.indexOf('{'); start !== -1; start = text.indexOf('{', start + 1)) {
    const end = matchingBrace(text, start);
    if (end !== -1) candidates.push(text.slice(start, end + 1));
  }
  for (const c of candidates) {
    if (!c.startsWith('{')) continue;
    try {
      return JSON.parse(c);
    } catch {
      // try the next candidate
    }
  }
  throw new InsightsReplyError(
    `no JSON object found in the reply (${text.length} characters, starting "${text.slice(0, 60)}")`,
  );
}

/** Index of the `}` closing the `{` at `start`, skipping braces inside strings; -1 when unbalanced. */
function matchingBrace(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '{') depth++;
    else if (ch === '}' && --depth === 0) return i;
  }
  return -1;
}

/**
 * Turns a model's reply into report insights: extracts and validates the JSON, keeps only the
 * finding ids that exist in the report, and drops every claim left citing none. Throws
 * {@link InsightsReplyError} when nothing grounded is left, so the caller falls back to offline.
 */
export function parseInsightsReply(
  text: string,
  report: Report,
  source: { provider: string; model?: string },
): ReportInsights {
  const parsed = insightsReplySchema.safeParse(extractJson(text));
  if (!parsed.success)
    throw new InsightsReplyError(`the reply does not match the insights schema: ${issues(parsed.error)}`);
  const known = new Set(report.findings.map((f) => f.id));
  const ground = <T extends { findingIds: string[] }>(items: T[]) =>
    items
      .map((item) => ({ ...item, findingIds: [...new Set(item.findingIds.filter((id) => known.has(id)))] }))
      .filter((item) => item.findingIds.length > 0);
  const reply: Insights = parsed.data;
  const insights = ground(reply.insights);
  const recommendations = ground(reply.recommendations);
  const claims = reply.insights.length + reply.recommendations.length;
  const dropped = claims - insights.length - recommendations.length;
  if (claims > 0 && dropped === claims && known.size > 0) {
    throw new InsightsReplyError(
      `all ${claims} insights and recommendations cited no finding id of this report`,
    );
  }
  return {
    executiveSummary: reply.executiveSummary,
    insights,
    recommendations,
    provider: source.provider,
    model: source.model,
    dropped,
  };
}

function issues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}
