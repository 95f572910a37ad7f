import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { Notifier } from '../../core/ports.ts';
import type { Notification } from '../../core/report/notify.ts';
import { renderHtml } from '../../core/report/render-html.ts';

export interface SesNotifierOptions {
  from: string;
  to: string[];
  configurationSet?: string;
}

/** E-mails the HTML report (with the plain-text alert as the text part) through SES v2. */
export class SesNotifier implements Notifier {
  readonly channel = 'ses';

  constructor(
    private readonly client: SESv2Client,
    private readonly options: SesNotifierOptions,
  ) {}

  async send(notification: Notification): Promise<void> {
    await this.client.send(
      new SendEmailCommand({
        FromEmailAddress: this.options.from,
        Destination: { ToAddresses: this.options.to },
        ConfigurationSetName: this.options.configurationSet,
        Content: {
          Simple: {
            Subject: { Data: notification.subject, Charset: 'UTF-8' },
            Body: {
              Html: { Data: renderHtml(notification.report), Charset: 'UTF-8' },
              Text: { Data: notification.text, Charset: 'UTF-8' },
            },
          },
        },
      }),
    );
  }
}
