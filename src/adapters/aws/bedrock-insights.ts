import { type BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import type { InsightModel } from '../../core/ports.ts';
import type { ReportInsights } from '../../core/report/insights.ts';
import { buildInsightsPrompt } from '../../core/report/insights-prompt.ts';
import { InsightsReplyError, parseInsightsReply } from '../../core/report/insights-reply.ts';
import type { Report } from '../../core/report/report.ts';

export interface BedrockInsightsOptions {
  /** Model or inference-profile id, e.g. `amazon.nova-lite-v1:0`. */
  modelId: string;
  maxTokens: number;
  timeoutMs: number;
  /** Findings described individually in the prompt. */
  promptFindings: number;
}

/** Insights from Amazon Bedrock through the model-agnostic Converse API. */
export class BedrockInsights implements InsightModel {
  readonly provider = 'bedrock';

  constructor(
    private readonly client: BedrockRuntimeClient,
    private readonly options: BedrockInsightsOptions,
  ) {}

  async generate(report: Report): Promise<ReportInsights> {
    const prompt = buildInsightsPrompt(report, { maxFindings: this.options.promptFindings });
    const reply = await this.client.send(
      new ConverseCommand({
        modelId: this.options.modelId,
        system: [{ text: prompt.system }],
        messages: [{ role: 'user', content: [{ text: prompt.user }] }],
        inferenceConfig: { maxTokens: this.options.maxTokens, temperature: 0 },
      }),
      { abortSignal: AbortSignal.timeout(this.options.timeoutMs) },
    );
    const text = (reply.output?.message?.content ?? [])
      .map((block) => block.text ?? '')
      .join('')
      .trim();
    if (!text)
      throw new InsightsReplyError(`Bedrock returned no text (stopReason ${reply.stopReason ?? 'unknown'})`);
    if (reply.stopReason === 'max_tokens') {
      // A cut-off reply rarely parses; say why if it does not.
      try {
        return parseInsightsReply(text, report, { provider: this.provider, model: this.options.modelId });
      } catch (err) {
        throw new InsightsReplyError(
          `the reply was cut off at maxTokens ${this.options.maxTokens}: ${(err as Error).message}`,
        );
      }
    }
    return parseInsightsReply(text, report, { provider: this.provider, model: this.options.modelId });
  }
}
