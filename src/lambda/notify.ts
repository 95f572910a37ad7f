/**
 * Report workflow, step 3: sends the report's findings at the requested `notificationLevel` to SNS,
 * SES and Slack. Each finding reaches each channel once (the DynamoDB ledger remembers; immediate
 * alerts share the `sns` channel, so a finding alerted at ingestion is not repeated).
 */
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { channelsFor } from '../adapters/report-wiring.ts';
import { LogwardenError } from '../core/errors.ts';
import type { ReportInsights } from '../core/report/insights.ts';
import type { ChannelResult } from '../core/report/notify.ts';
import type { Report } from '../core/report/report.ts';
import type { NotificationsConfig } from '../core/report/report-config.ts';
import { deliverReport } from '../core/report/run-report.ts';
import { reportStore } from './report.ts';
import { type Wiring, wiring } from './wiring.ts';
import { notifyInputSchema, parseStepInput } from './workflow-input.ts';

/** Raised after the other channels were served, when one or more channels failed. */
export class NotificationError extends LogwardenError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('notify', message, options);
  }
}

let slackUrl: Promise<string | undefined> | undefined;

/**
 * The Slack webhook URL from Secrets Manager (the secret holds the URL, or JSON with `url` or
 * `webhookUrl`). A secret that holds no https URL yet (the stack's placeholder) turns Slack off.
 */
async function slackWebhook(w: Wiring): Promise<string | undefined> {
  const arn = w.env.SLACK_WEBHOOK_SECRET_ARN;
  if (!arn) return undefined;
  slackUrl ??= (async () => {
    const out = await w.secrets.send(new GetSecretValueCommand({ SecretId: arn }));
    let value = out.SecretString?.trim() ?? '';
    if (value.startsWith('{')) {
      const doc = JSON.parse(value) as { url?: string; webhookUrl?: string };
      value = doc.url ?? doc.webhookUrl ?? '';
    }
    if (!/^https:\/\/\S+$/.test(value)) {
      w.logger.warn('Slack webhook secret holds no https URL; Slack notifications are off', { secret: arn });
      return undefined;
    }
    return value;
  })().catch((err) => {
    slackUrl = undefined;
    throw err;
  });
  return slackUrl;
}

/** The channels: the configuration's, completed from the environment the stack sets. */
async function notificationsConfig(w: Wiring): Promise<NotificationsConfig> {
  const base = w.config.report.notifications;
  const { ALERT_TOPIC_ARN, SES_FROM_ADDRESS, REPORT_EMAIL_TO } = w.env;
  const url = base.slack ? undefined : await slackWebhook(w);
  return {
    ...base,
    sns: base.sns ?? (ALERT_TOPIC_ARN ? { topicArn: ALERT_TOPIC_ARN } : undefined),
    ses:
      base.ses ??
      (SES_FROM_ADDRESS && REPORT_EMAIL_TO
        ? {
            from: SES_FROM_ADDRESS,
            to: REPORT_EMAIL_TO.split(',')
              .map((s) => s.trim())
              .filter(Boolean),
          }
        : undefined),
    slack: base.slack ?? (url ? { webhookUrl: url } : undefined),
  };
}

/** Lambda entry point: returns what happened on each channel. */
export const handler = async (event: unknown): Promise<{ channels: ChannelResult[] }> => {
  const w = wiring();
  const input = parseStepInput('notify', notifyInputSchema, event);
  const report = { ...(input.report as unknown as Report) };
  if (input.insights) report.insights = input.insights as unknown as ReportInsights;
  const channels = channelsFor(await notificationsConfig(w), report.notificationLevel, {
    env: process.env,
    sns: w.sns,
    ses: w.ses,
  });
  const results = await deliverReport(report, channels, reportStore(w), Date.now);
  w.logger.info('notifications', { period: report.period.label, results });
  const failed = results.filter((r) => r.status === 'failed');
  if (failed.length > 0) {
    throw new NotificationError(
      `notification failed on ${failed.map((r) => `${r.channel} (${r.error})`).join(', ')}`,
    );
  }
  return { channels: results };
};
