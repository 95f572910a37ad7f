import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Notifier } from '../../core/ports.ts';
import type { Notification } from '../../core/report/notify.ts';

/** SNS subjects must be ASCII, without line breaks, under 100 characters. */
export function snsSubject(subject: string): string {
  const ascii = subject
    .normalize('NFKD')
    .replace(/[–—]/g, '-')
    .replace(/[^\x20-\x7e]/g, '')
    .trim();
  return (ascii || 'logwarden security alert').slice(0, 99);
}

/** Publishes the alert to an SNS topic: the seed's subject-and-message alert, grounded in findings. */
export class SnsNotifier implements Notifier {
  readonly channel = 'sns';

  constructor(
    private readonly client: SNSClient,
    private readonly topicArn: string,
  ) {}

  async send(notification: Notification): Promise<void> {
    const worst = notification.findings[0]?.severity ?? 'LOW';
    await this.client.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        Subject: snsSubject(notification.subject),
        Message: notification.text,
        MessageAttributes: {
          severity: { DataType: 'String', StringValue: worst },
          findings: { DataType: 'Number', StringValue: String(notification.findings.length) },
        },
      }),
    );
  }
}
