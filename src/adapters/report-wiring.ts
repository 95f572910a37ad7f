import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SNSClient } from '@aws-sdk/client-sns';
import { LogwardenError } from '../core/errors.ts';
import type { InsightModel } from '../core/ports.ts';
import type { Channel } from '../core/report/notify.ts';
import {
  DEFAULT_BEDROCK_MODEL,
  type InsightsConfig,
  type NotificationsConfig,
} from '../core/report/report-config.ts';
import type { NotificationLevel } from '../core/report/report-request.ts';
import { BedrockInsights } from './aws/bedrock-insights.ts';
import { SesNotifier } from './aws/ses-notifier.ts';
import { SnsNotifier } from './aws/sns-notifier.ts';
import { OpenAiCompatibleInsights } from './http/openai-compatible-insights.ts';
import { SlackNotifier } from './http/slack-notifier.ts';
import { WebhookNotifier } from './http/webhook-notifier.ts';
import { OfflineInsights } from './local/offline-insights.ts';

/** A setting that names a missing environment variable, or a channel that cannot be built. */
export class ReportWiringError extends LogwardenError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('config', message, options);
  }
}

type Env = Record<string, string | undefined>;

function fromEnv(env: Env, name: string, what: string): string {
  const value = env[name];
  if (!value) throw new ReportWiringError(`${what}: environment variable ${name} is not set`);
  return value;
}

/** Builds the insight model a provider names; clients can be injected (tests, Lambda wiring). */
export function insightModelFor(
  provider: InsightsConfig['provider'],
  config: InsightsConfig,
  options: { env?: Env; bedrock?: BedrockRuntimeClient } = {},
): InsightModel {
  const env = options.env ?? {};
  const timeoutMs = config.timeoutSeconds * 1000;
  if (provider === 'bedrock') {
    const client =
      options.bedrock ?? new BedrockRuntimeClient(config.region ? { region: config.region } : {});
    return new BedrockInsights(client, {
      modelId: config.model ?? DEFAULT_BEDROCK_MODEL,
      maxTokens: config.maxTokens,
      timeoutMs,
      promptFindings: config.promptFindings,
    });
  }
  if (provider === 'openai') {
    if (!config.url || !config.model)
      throw new ReportWiringError(
        'insights provider openai needs report.insights.url and report.insights.model in the configuration',
      );
    return new OpenAiCompatibleInsights({
      url: config.url,
      model: config.model,
      apiKey: config.apiKeyEnv ? fromEnv(env, config.apiKeyEnv, 'report.insights.apiKeyEnv') : undefined,
      maxTokens: config.maxTokens,
      timeoutMs,
      promptFindings: config.promptFindings,
    });
  }
  return new OfflineInsights();
}

/**
 * Builds the configured notification channels, each at its own level or `defaultLevel`.
 * AWS clients and endpoints can be injected (tests against local emulators, Lambda wiring).
 */
export function channelsFor(
  config: NotificationsConfig,
  defaultLevel: NotificationLevel,
  options: { env?: Env; sns?: SNSClient; ses?: SESv2Client } = {},
): Channel[] {
  const env = options.env ?? {};
  const channels: Channel[] = [];
  if (config.sns) {
    const client = options.sns ?? new SNSClient(config.sns.region ? { region: config.sns.region } : {});
    channels.push({
      notifier: new SnsNotifier(client, config.sns.topicArn),
      level: config.sns.level ?? defaultLevel,
    });
  }
  if (config.ses) {
    const client = options.ses ?? new SESv2Client(config.ses.region ? { region: config.ses.region } : {});
    channels.push({
      notifier: new SesNotifier(client, {
        from: config.ses.from,
        to: config.ses.to,
        configurationSet: config.ses.configurationSet,
      }),
      level: config.ses.level ?? defaultLevel,
    });
  }
  if (config.slack) {
    const url =
      config.slack.webhookUrl ??
      fromEnv(env, config.slack.webhookUrlEnv as string, 'report.notifications.slack.webhookUrlEnv');
    channels.push({ notifier: new SlackNotifier(url), level: config.slack.level ?? defaultLevel });
  }
  if (config.webhook) {
    const secret = config.webhook.secretEnv
      ? fromEnv(env, config.webhook.secretEnv, 'report.notifications.webhook.secretEnv')
      : config.webhook.secret;
    channels.push({
      notifier: new WebhookNotifier({ url: config.webhook.url, secret }),
      level: config.webhook.level ?? defaultLevel,
    });
  }
  return channels;
}
