import { z } from 'zod';
import type { InsightModel } from '../../core/ports.ts';
import type { ReportInsights } from '../../core/report/insights.ts';
import { buildInsightsPrompt } from '../../core/report/insights-prompt.ts';
import { InsightsReplyError, parseInsightsReply } from '../../core/report/insights-reply.ts';
import type { Report } from '../../core/report/report.ts';

export interface OpenAiInsightsOptions {
  /** Chat completions URL, e.g. `http://127.0.0.1:11434/v1/chat/completions` (Ollama) or a vLLM server. */
  url: string;
  model: string;
  apiKey?: string;
  maxTokens: number;
  timeoutMs: number;
  promptFindings: number;
}

const completionSchema = z.object({
  choices: z
    .array(
      z.object({
        message: z.object({ content: z.string().nullable() }),
        finish_reason: z.string().nullish(),
      }),
    )
    .min(1),
});

/** Insights from any OpenAI-compatible chat completions endpoint (Ollama, vLLM, LM Studio …). */
export class OpenAiCompatibleInsights implements InsightModel {
  readonly provider = 'openai';

  constructor(private readonly options: OpenAiInsightsOptions) {}

  async generate(report: Report): Promise<ReportInsights> {
    const prompt = buildInsightsPrompt(report, { maxFindings: this.options.promptFindings });
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.options.apiKey) headers.authorization = `Bearer ${this.options.apiKey}`;
    const response = await fetch(this.options.url, {
      method: 'POST',
      headers,
      signal: AbortSignal.timeout(this.options.timeoutMs),
      body: JSON.stringify({
        model: this.options.model,
        temperature: 0,
        max_tokens: this.options.maxTokens,
        messages: [
          { role: 'system', content: prompt.system },
          { role: 'user', content: prompt.user },
        ],
      }),
    });
    const body = await response.text();
    if (!response.ok)
      throw new Error(`${this.options.url} answered HTTP ${response.status}: ${body.slice(0, 200)}`);
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      throw new InsightsReplyError(`${this.options.url} did not answer JSON: ${body.slice(0, 120)}`);
    }
    const parsed = completionSchema.safeParse(json);
    if (!parsed.success)
      throw new InsightsReplyError(
        `${this.options.url} did not answer a chat completion (no choices[0].message.content)`,
      );
    const text = parsed.data.choices[0].message.content ?? '';
    return parseInsightsReply(text, report, { provider: this.provider, model: this.options.model });
  }
}
