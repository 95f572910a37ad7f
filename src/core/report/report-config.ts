import { z } from 'zod';
import { NOTIFICATION_LEVELS } from './report-request.ts';

const level = z.enum(NOTIFICATION_LEVELS);
const envName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name such as SLACK_WEBHOOK_URL');
const httpUrl = z.string().regex(/^https?:\/\/\S+$/, 'must be an http(s) URL');
const region = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as us-east-1');
const email = z.string().regex(/^[^\s@<>]+@[^\s@<>]+$/, 'must be an e-mail address');

/** Default Bedrock model: on-demand in most regions and supported by the Converse API. */
export const DEFAULT_BEDROCK_MODEL = 'amazon.nova-lite-v1:0';

/** Who writes a report's insights. */
export const insightsConfigSchema = z
  .object({
    /** `offline` (deterministic, default), `bedrock` or `openai` (any OpenAI-compatible endpoint). */
    provider: z.enum(['offline', 'bedrock', 'openai']).default('offline'),
    /** Bedrock model or inference-profile id, or the OpenAI-compatible model name. */
    model: z.string().min(1).optional(),
    /** Bedrock region (default: the SDK's region resolution). */
    region: region.optional(),
    /** OpenAI-compatible chat completions URL, e.g. http://127.0.0.1:11434/v1/chat/completions. */
    url: httpUrl.optional(),
    /** Environment variable holding the OpenAI-compatible API key (sent as a Bearer token). */
    apiKeyEnv: envName.optional(),
    timeoutSeconds: z.number().positive().max(900).default(60),
    maxTokens: z.number().int().positive().max(32_000).default(2000),
    /** Findings described individually in the prompt. */
    promptFindings: z.number().int().positive().max(500).default(40),
  })
  .strict();

/** Where notifications go and at which level; a channel is on when its section is present. */
export const notificationsConfigSchema = z
  .object({
    /** Default level for every channel (overridden by a channel's own `level`). */
    level: level.default('high_risk_only'),
    sns: z
      .object({
        topicArn: z.string().regex(/^arn:aws[\w-]*:sns:[\w-]+:\d{12}:[\w-]+$/, 'must be an SNS topic ARN'),
        region: region.optional(),
        level: level.optional(),
      })
      .strict()
      .optional(),
    ses: z
      .object({
        from: email,
        to: z.array(email).min(1),
        region: region.optional(),
        configurationSet: z.string().optional(),
        level: level.optional(),
      })
      .strict()
      .optional(),
    slack: z
      .object({ webhookUrl: httpUrl.optional(), webhookUrlEnv: envName.optional(), level: level.optional() })
      .strict()
      .refine((s) => Boolean(s.webhookUrl) !== Boolean(s.webhookUrlEnv), {
        message: 'set exactly one of webhookUrl and webhookUrlEnv',
      })
      .optional(),
    webhook: z
      .object({
        url: httpUrl,
        /** Environment variable holding the HMAC-SHA256 signing secret (preferred over `secret`). */
        secretEnv: envName.optional(),
        secret: z.string().min(16).optional(),
        level: level.optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

/** The `report` section of the configuration. */
export const reportConfigSchema = z
  .object({
    /** Entries in each top list. */
    top: z.number().int().positive().max(100).default(10),
    /** Most findings one report carries in full (the rest are counted). */
    maxFindings: z.number().int().positive().max(100_000).default(2000),
    insights: insightsConfigSchema.default(insightsConfigSchema.parse({})),
    notifications: notificationsConfigSchema.default(notificationsConfigSchema.parse({})),
  })
  .strict()
  .superRefine((r, ctx) => {
    if (r.insights.provider === 'openai' && (!r.insights.url || !r.insights.model)) {
      ctx.addIssue({ code: 'custom', path: ['insights'], message: 'provider openai needs url and model' });
    }
  });

export type ReportConfig = z.infer<typeof reportConfigSchema>;
export type InsightsConfig = z.infer<typeof insightsConfigSchema>;
export type NotificationsConfig = z.infer<typeof notificationsConfigSchema>;
