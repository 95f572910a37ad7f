import { createHmac } from 'node:crypto';
import type { Notifier } from '../../core/ports.ts';
import type { Notification } from '../../core/report/notify.ts';
import { reportToJson } from '../../core/report/render-json.ts';

export const SIGNATURE_HEADER = 'x-logwarden-signature';
export const TIMESTAMP_HEADER = 'x-logwarden-timestamp';

/** `sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">`: what a receiver recomputes to trust a delivery. */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** The JSON body a webhook receives. */
export function webhookBody(n: Notification, sentAt: number) {
  const report = reportToJson(n.report);
  return {
    type: 'logwarden.alert',
    version: 1,
    sentAt: new Date(sentAt).toISOString(),
    level: n.level,
    subject: n.subject,
    period: report.period,
    totals: {
      events: n.report.totalEvents,
      highRiskEvents: n.report.highRiskEvents,
      errorEvents: n.report.errorEvents,
      findings: n.report.totalFindings,
      findingsBySeverity: n.report.findingsBySeverity,
    },
    findings: n.findings.map((f) => ({ ...f, time: new Date(f.time).toISOString() })),
    insights: n.report.insights ?? null,
  };
}

/** POSTs a JSON alert to any URL, signed with HMAC-SHA256 when a secret is configured. */
export class WebhookNotifier implements Notifier {
  readonly channel = 'webhook';

  constructor(
    private readonly options: { url: string; secret?: string; timeoutMs?: number; now?: () => number },
  ) {}

  async send(notification: Notification): Promise<void> {
    const now = this.options.now?.() ?? Date.now();
    const body = JSON.stringify(webhookBody(notification, now));
    const timestamp = String(Math.floor(now / 1000));
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      [TIMESTAMP_HEADER]: timestamp,
    };
    if (this.options.secret)
      headers[SIGNATURE_HEADER] = webhookSignature(this.options.secret, timestamp, body);
    const response = await fetch(this.options.url, {
      method: 'POST',
      headers,
      body,
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 15_000),
    });
    if (!response.ok)
      throw new Error(`webhook ${new URL(this.options.url).host} answered HTTP ${response.status}`);
  }
}
