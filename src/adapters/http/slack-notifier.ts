import type { Notifier } from '../../core/ports.ts';
import type { Notification } from '../../core/report/notify.ts';
import { fmt, iso, oneLine } from '../../core/report/text.ts';

/**
 * Text for Slack mrkdwn: `&`, `<`, `>` escaped (so no link, mention or command can be formed) and
 * bare @here/@channel/@everyone broken with a zero-width space so they notify no one.
 */
export function slackEscape(value: string, max = 300): string {
  return oneLine(value, max)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([@!])(here|channel|everyone)\b/gi, '$1\u200b$2');
}

const EMOJI: Record<string, string> = {
  CRITICAL: ':red_circle:',
  HIGH: ':large_orange_circle:',
  MEDIUM: ':large_yellow_circle:',
  LOW: ':large_blue_circle:',
};

/** The Block Kit message for a notification (at most 50 blocks, as Slack allows). */
export function slackMessage(n: Notification): { text: string; blocks: unknown[] } {
  const r = n.report;
  const s = r.findingsBySeverity;
  const blocks: unknown[] = [
    { type: 'header', text: { type: 'plain_text', text: slackEscape(n.subject, 150), emoji: true } },
    {
      type: 'section',
      fields: [
        {
          type: 'mrkdwn',
          text: `*Period*\n${slackEscape(r.period.label, 100)} (${slackEscape(r.period.timeZone, 40)})`,
        },
        {
          type: 'mrkdwn',
          text: `*Events*\n${fmt(r.totalEvents)} · ${fmt(r.highRiskEvents)} high-risk · ${fmt(r.errorEvents)} errors`,
        },
        {
          type: 'mrkdwn',
          text: `*Findings in period*\n${s.CRITICAL} critical · ${s.HIGH} high · ${s.MEDIUM} medium · ${s.LOW} low`,
        },
        { type: 'mrkdwn', text: `*New in this alert*\n${n.findings.length}` },
      ],
    },
    { type: 'divider' },
  ];
  const shown = n.findings.slice(0, 20);
  for (const f of shown) {
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `${EMOJI[f.severity] ?? ''} *${f.severity}* (risk ${f.riskScore}) *${slackEscape(f.title, 150)}*\n${slackEscape(f.explanation, 500)}`,
      },
    });
    blocks.push({
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: `${iso(f.time)} · ${slackEscape(f.ruleId, 80)} · id ${slackEscape(f.id, 64)}${f.principal ? ` · ${slackEscape(f.principal.name, 80)}` : ''}`,
        },
      ],
    });
  }
  if (n.findings.length > shown.length) {
    blocks.push({
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: `… and ${n.findings.length - shown.length} more: run \`logwarden findings\` or open the HTML report.`,
        },
      ],
    });
  }
  if (r.insights) {
    blocks.push({ type: 'divider' });
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `*Summary* (${slackEscape(r.insights.provider, 20)})\n${slackEscape(r.insights.executiveSummary, 2800)}`,
      },
    });
  }
  return { text: slackEscape(n.subject, 150), blocks: blocks.slice(0, 50) };
}

/** Posts to a Slack incoming webhook. */
export class SlackNotifier implements Notifier {
  readonly channel = 'slack';

  constructor(
    private readonly webhookUrl: string,
    private readonly timeoutMs = 15_000,
  ) {}

  async send(notification: Notification): Promise<void> {
    const response = await fetch(this.webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(slackMessage(notification)),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    // The URL is a secret: errors name the status and Slack's answer, never the URL.
    if (!response.ok)
      throw new Error(
        `Slack webhook answered HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`,
      );
  }
}
