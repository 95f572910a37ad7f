import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { slackEscape } from '../../../src/adapters/http/slack-notifier.ts';
import { DuckDbEventStore } from '../../../src/adapters/local/duckdb-store.ts';
import { offlineInsights } from '../../../src/adapters/local/offline-insights.ts';
import { channelsFor } from '../../../src/adapters/report-wiring.ts';
import { parseConfig } from '../../../src/core/config.ts';
import type { Finding, Severity } from '../../../src/core/finding.ts';
import { type Channel, findingsForLevel, notifyReport } from '../../../src/core/report/notify.ts';
import type { Report } from '../../../src/core/report/report.ts';
import { type HostileFixture, hostileFixture } from '../../helpers/hostile-report.ts';
import { CREDENTIALS, type Emulator, REGION, startFauxqs } from '../aws/emulators.ts';

// aws-ses-v2-local is CommonJS with `exports.default`.
const sesLocal = createRequire(import.meta.url)('aws-ses-v2-local').default as (c: {
  host: string;
  port: number;
}) => Promise<Server>;

interface Received {
  body: string;
  headers: IncomingHttpHeaders;
}

/** An HTTP receiver on 127.0.0.1 that records requests and answers with `status`. */
async function receiver(): Promise<{
  url: string;
  got: Received[];
  status: { code: number };
  close(): Promise<void>;
}> {
  const got: Received[] = [];
  const status = { code: 200 };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      got.push({ body, headers: req.headers });
      res.writeHead(status.code, { 'content-type': 'text/plain' });
      res.end(status.code === 200 ? 'ok' : 'unavailable');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    got,
    status,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

const SECRET = 'webhook-secret-for-tests-0123456789';
let fx: HostileFixture;
let report: Report;
let fauxqs: Emulator;
let ses: Server;
let sesEndpoint: string;
let slack: Awaited<ReturnType<typeof receiver>>;
let hook: Awaited<ReturnType<typeof receiver>>;
let sns: SNSClient;
let sqs: SQSClient;
let topicArn: string;
let queueUrl: string;

before(async () => {
  fx = await hostileFixture();
  report = { ...fx.report, insights: offlineInsights(fx.report) };
  fauxqs = await startFauxqs();
  ses = await sesLocal({ host: '127.0.0.1', port: 0 });
  sesEndpoint = `http://127.0.0.1:${(ses.address() as AddressInfo).port}`;
  slack = await receiver();
  hook = await receiver();
  sns = new SNSClient({ region: REGION, endpoint: fauxqs.endpoint, credentials: CREDENTIALS });
  sqs = new SQSClient({ region: REGION, endpoint: fauxqs.endpoint, credentials: CREDENTIALS });
  topicArn = (await sns.send(new CreateTopicCommand({ Name: 'logwarden-alerts' }))).TopicArn as string;
  queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'alert-inbox' }))).QueueUrl as string;
  const queueArn = (
    await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))
  ).Attributes?.QueueArn;
  await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: queueArn }));
});

after(async () => {
  sns?.destroy();
  sqs?.destroy();
  await fauxqs?.stop();
  ses?.closeAllConnections();
  await new Promise((r) => ses?.close(r));
  await slack?.close();
  await hook?.close();
  await fx?.close();
});

function channels(
  level: 'all' | 'high_risk_only' | 'critical_only',
  overrides: Record<string, unknown> = {},
): Channel[] {
  const config = parseConfig({
    report: {
      notifications: {
        level,
        sns: { topicArn },
        ses: { from: 'alerts@example.com', to: ['secops@example.com'] },
        slack: { webhookUrlEnv: 'TEST_SLACK_URL' },
        webhook: { url: hook.url, secretEnv: 'TEST_HOOK_SECRET' },
        ...overrides,
      },
    },
  });
  return channelsFor(config.report.notifications, level, {
    env: { TEST_SLACK_URL: slack.url, TEST_HOOK_SECRET: SECRET },
    sns,
    ses: new SESv2Client({ region: REGION, endpoint: sesEndpoint, credentials: CREDENTIALS }),
  });
}

async function sqsMessages(): Promise<{ Subject: string; Message: string }[]> {
  const out = await sqs.send(
    new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
  );
  return (out.Messages ?? []).map((m) => JSON.parse(m.Body as string));
}

async function sesMails(): Promise<
  { subject: string; body: { html?: string; text?: string }; destination: { to: string[] } }[]
> {
  return (await (await fetch(`${sesEndpoint}/store`)).json()).emails;
}

describe('notifications to SNS (fauxqs), SES (aws-ses-v2-local), Slack and a webhook', () => {
  it('sends new findings on every channel, escaped and signed', async () => {
    const ledger = await DuckDbEventStore.open(':memory:');
    try {
      const results = await notifyReport(report, channels('all'), ledger, () => 1_700_000_000_000);
      assert.deepEqual(
        results.map((r) => [r.channel, r.status, r.findings]),
        [
          ['sns', 'sent', 5],
          ['ses', 'sent', 5],
          ['slack', 'sent', 5],
          ['webhook', 'sent', 5],
        ],
      );

      // SNS: the subscribed queue receives the SNS envelope with subject and message.
      const [envelope] = await sqsMessages();
      assert.match(envelope.Subject, /^logwarden security alert: 5 critical findings \(daily 2023-07-10\)$/);
      for (const f of report.findings)
        assert.ok(envelope.Message.includes(f.id), 'the alert lists every new finding');
      assert.match(envelope.Message, /Summary \(offline\)/);

      // SES: the HTML report and the text alert, read back from the emulator's store.
      const [mail] = await sesMails();
      assert.equal(mail.subject, envelope.Subject);
      assert.deepEqual(mail.destination.to, ['secops@example.com']);
      assert.match(mail.body.html ?? '', /^<!doctype html>/);
      assert.ok(!(mail.body.html ?? '').includes('<img src=x'), 'the payload is escaped in the e-mail');
      assert.ok((mail.body.html ?? '').includes('&#60;img src=x onerror=&#34;window.__pwned=1&#34;&#62;'));
      assert.ok((mail.body.text ?? '').includes(report.findings[0].id));

      // Slack: Block Kit, no raw angle brackets from the logs.
      assert.equal(slack.got.length, 1);
      const message = JSON.parse(slack.got[0].body);
      assert.ok(Array.isArray(message.blocks) && message.blocks.length <= 50);
      assert.equal(message.blocks[0].type, 'header');
      const slackText = JSON.stringify(message);
      assert.ok(!slackText.includes('<img') && !slackText.includes('<script>'));
      assert.ok(slackText.includes('&lt;img src=x'));

      // Webhook: JSON body and an HMAC-SHA256 signature over "<timestamp>.<body>".
      assert.equal(hook.got.length, 1);
      const { body, headers } = hook.got[0];
      const ts = headers['x-logwarden-timestamp'] as string;
      assert.match(ts, /^\d{10}$/);
      const expected = `sha256=${createHmac('sha256', SECRET).update(`${ts}.${body}`).digest('hex')}`;
      assert.equal(headers['x-logwarden-signature'], expected);
      const wrong = `sha256=${createHmac('sha256', 'another-secret').update(`${ts}.${body}`).digest('hex')}`;
      assert.notEqual(headers['x-logwarden-signature'], wrong);
      const payload = JSON.parse(body);
      assert.equal(payload.type, 'logwarden.alert');
      assert.equal(payload.findings.length, 5);
      assert.equal(payload.totals.events, report.totalEvents);

      // Dedup: the same findings are never sent twice on a channel.
      const again = await notifyReport(report, channels('all'), ledger, Date.now);
      assert.deepEqual(
        again.map((r) => [r.status, r.alreadySent]),
        Array(4).fill(['nothing-new', 5]),
      );
      assert.equal((await sqsMessages()).length, 0);
      assert.equal((await sesMails()).length, 1);
      assert.equal(slack.got.length, 1);
      assert.equal(hook.got.length, 1);
    } finally {
      await ledger.close();
      slack.got.length = 0;
      hook.got.length = 0;
      await fetch(`${sesEndpoint}/clear-store`, { method: 'POST' });
    }
  });

  it('filters by level: all, high_risk_only, critical_only', async () => {
    const severities: Severity[] = ['CRITICAL', 'HIGH', 'HIGH', 'MEDIUM', 'LOW'];
    const mixed: Finding[] = report.findings.map((f, i) => ({
      ...f,
      id: `level-${i}`,
      severity: severities[i],
    }));
    assert.equal(findingsForLevel(mixed, 'all').length, 5);
    assert.equal(findingsForLevel(mixed, 'high_risk_only').length, 3);
    assert.equal(findingsForLevel(mixed, 'critical_only').length, 1);
    const ledger = await DuckDbEventStore.open(':memory:');
    try {
      const config = channels('high_risk_only', {
        slack: { webhookUrlEnv: 'TEST_SLACK_URL', level: 'critical_only' },
        sns: undefined,
        ses: undefined,
      });
      const results = await notifyReport({ ...report, findings: mixed }, config, ledger, Date.now);
      assert.deepEqual(
        results.map((r) => [r.channel, r.findings]),
        [
          ['slack', 1],
          ['webhook', 3],
        ],
      );
      assert.equal(JSON.parse(hook.got[0].body).findings.length, 3);
      // Lowering the level later sends only what was not sent yet.
      const wider = await notifyReport(
        { ...report, findings: mixed },
        channels('all', { sns: undefined, ses: undefined }),
        ledger,
        Date.now,
      );
      assert.deepEqual(
        wider.map((r) => [r.channel, r.findings, r.alreadySent]),
        [
          ['slack', 4, 1],
          ['webhook', 2, 3],
        ],
      );
    } finally {
      await ledger.close();
      slack.got.length = 0;
      hook.got.length = 0;
    }
  });

  it('a failing channel does not stop the others, reports the failure and is retried next time', async () => {
    const ledger = await DuckDbEventStore.open(':memory:');
    hook.status.code = 503;
    try {
      const results = await notifyReport(report, channels('all', { ses: undefined }), ledger, Date.now);
      const byChannel = Object.fromEntries(results.map((r) => [r.channel, r]));
      assert.equal(byChannel.sns.status, 'sent');
      assert.equal(byChannel.slack.status, 'sent');
      assert.equal(byChannel.webhook.status, 'failed');
      assert.match(byChannel.webhook.error ?? '', /webhook 127\.0\.0\.1:\d+ answered HTTP 503/);
      assert.equal((await sqsMessages()).length, 1);
      hook.status.code = 200;
      const retry = await notifyReport(report, channels('all', { ses: undefined }), ledger, Date.now);
      assert.deepEqual(
        retry.map((r) => [r.channel, r.status]),
        [
          ['sns', 'nothing-new'],
          ['slack', 'nothing-new'],
          ['webhook', 'sent'],
        ],
      );
    } finally {
      hook.status.code = 200;
      await ledger.close();
    }
  });
});

describe('slackEscape', () => {
  it('escapes &, <, > and neutralizes mentions', () => {
    const out = slackEscape('<!channel> @here & <@U024BE7LH> <https://evil.example|click> @everyone');
    assert.ok(!out.includes('<') && !out.includes('>'));
    assert.ok(out.includes('&amp;') && out.includes('&lt;!\u200bchannel&gt;'));
    assert.ok(out.includes('@\u200bhere') && out.includes('@\u200beveryone'));
  });
});
