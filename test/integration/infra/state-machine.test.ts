/**
 * The report state machine exactly as the stack synthesizes it, executed locally by
 * aws-local-stepfunctions with its tasks bound to the real report, insights and notify handlers,
 * each run with the environment the stack gives it. Behind them: the table in dynalite (created
 * from the synthesized key schema, filled by the real pipeline from Stratus Red Team CloudTrail
 * files), SNS in fauxqs (read back through a subscribed SQS queue), SES in aws-ses-v2-local, Slack as
 * an HTTP receiver; Bedrock (no emulator exists) is aws-sdk-client-mock.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import {
  BedrockRuntimeClient,
  ConverseCommand,
  type ConverseCommandOutput,
  ThrottlingException,
} from '@aws-sdk/client-bedrock-runtime';
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  type DynamoDBClient,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { ExecutionError, StateMachine } from 'aws-local-stepfunctions';
import { mockClient } from 'aws-sdk-client-mock';
import { BEDROCK_RETRYABLE, WORKFLOW_STATES as S } from '../../../infra/lib/constructs/report-workflow.ts';
import { DynamoDbEventStore } from '../../../src/adapters/aws/dynamodb-store.ts';
import { FsObjectSource } from '../../../src/adapters/local/fs-source.ts';
import { defaultConfig } from '../../../src/core/config.ts';
import { defaultDetectors } from '../../../src/core/detect/default-detectors.ts';
import type { Finding } from '../../../src/core/finding.ts';
import { Engine, runIngest } from '../../../src/core/pipeline.ts';
import { handler as insightsHandler } from '../../../src/lambda/insights.ts';
import { handler as notifyHandler } from '../../../src/lambda/notify.ts';
import { handler as reportHandler } from '../../../src/lambda/report.ts';
import { resetWiring } from '../../../src/lambda/wiring.ts';
import { CREDENTIALS, dynamoClient, type Emulator, startDynalite, startFauxqs } from '../aws/emulators.ts';
import {
  bindTasks,
  functionEnvironment,
  synthesizedDefinition,
  type TaskCall,
} from './local-state-machine.ts';
import { REGION, type Synthesized, synthStack } from './synth.ts';

// aws-ses-v2-local is CommonJS with `exports.default`.
const sesLocal = createRequire(import.meta.url)('aws-ses-v2-local').default as (c: {
  host: string;
  port: number;
}) => Promise<Server>;

// Bedrock has no local emulator: the only mock these tests use.
const bedrock = mockClient(BedrockRuntimeClient);

const FIXTURES = 'test/fixtures/cloudtrail/stratus';

// biome-ignore lint/suspicious/noExplicitAny: execution output and ASL are untyped JSON
type Json = any;

/** Records what a Slack incoming webhook would receive. */
async function slackReceiver(): Promise<{ url: string; bodies: string[]; close(): Promise<void> }> {
  const bodies: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      bodies.push(body);
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack`,
    bodies,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

function converseReply(text: string): ConverseCommandOutput {
  return {
    output: { message: { role: 'assistant', content: [{ text }] } },
    stopReason: 'end_turn',
    usage: { inputTokens: 10, outputTokens: 10, totalTokens: 20 },
    metrics: { latencyMs: 5 },
    $metadata: {},
  };
}

describe('the synthesized report state machine, run locally with the real handlers', () => {
  let synth: Synthesized;
  let dynalite: Emulator;
  let fauxqs: Emulator;
  let ses: Server;
  let sesEndpoint: string;
  let slack: Awaited<ReturnType<typeof slackReceiver>>;
  let dynamodb: DynamoDBClient;
  let sns: SNSClient;
  let sqs: SQSClient;
  let topicArn: string;
  let queueUrl: string;
  let findings: Finding[];
  let window: { since: string; until: string };
  let tables = 0;
  const savedEnv = { ...process.env };

  /** A table with the key schema the stack deploys (read from the template, not restated here). */
  async function createTable(name: string): Promise<void> {
    const id = synth.stack.getLogicalId(synth.stack.table.table.node.defaultChild as never);
    const props = synth.template.toJSON().Resources[id].Properties;
    await dynamodb.send(
      new CreateTableCommand({
        TableName: name,
        KeySchema: props.KeySchema,
        AttributeDefinitions: props.AttributeDefinitions,
        BillingMode: props.BillingMode,
      }),
    );
  }

  /** A fresh table holding what the seed table holds (so each run starts with no notifications sent). */
  async function freshTableFromSeed(): Promise<string> {
    const name = `logwarden-run-${++tables}`;
    await createTable(name);
    let start: Record<string, unknown> | undefined;
    do {
      const page = await dynamodb.send(
        new ScanCommand({ TableName: 'logwarden-seed', ExclusiveStartKey: start as never }),
      );
      const items = page.Items ?? [];
      for (let i = 0; i < items.length; i += 25) {
        await dynamodb.send(
          new BatchWriteItemCommand({
            RequestItems: { [name]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) },
          }),
        );
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return name;
  }

  async function alertMessages(): Promise<{ Subject: string; Message: string }[]> {
    const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }));
    return (out.Messages ?? []).map((m) => JSON.parse(m.Body as string));
  }

  async function sesMails(): Promise<{ subject: string; destination: { to: string[] } }[]> {
    return (await (await fetch(`${sesEndpoint}/store`)).json()).emails;
  }

  /** Runs the machine on `input` against `table`; returns its output and the task calls made. */
  async function execute(input: Record<string, unknown>, table: string) {
    const definition = synthesizedDefinition(synth.stack, synth.template);
    const { report, insights, notify } = synth.stack.workflow;
    const locals: Record<string, string> = {
      [synth.stack.getLogicalId(synth.stack.table.table.node.defaultChild as never)]: table,
      [synth.stack.getLogicalId(synth.stack.storage.dataBucket.node.defaultChild as never)]: 'logwarden-data',
      [synth.stack.getLogicalId(synth.stack.alerting.topic.node.defaultChild as never)]: topicArn,
      [synth.stack.getLogicalId(synth.stack.alerting.slackWebhook.node.defaultChild as never)]:
        `arn:aws:secretsmanager:${REGION}:000000000000:secret:slack-AbCdEf`,
    };
    const calls: TaskCall[] = [];
    resetWiring(); // handlers rebuild their clients from this run's environment
    const tasks = bindTasks(
      definition,
      [
        {
          fn: report,
          handler: reportHandler,
          env: functionEnvironment(synth.stack, synth.template, report, locals),
        },
        {
          fn: insights,
          handler: insightsHandler,
          env: functionEnvironment(synth.stack, synth.template, insights, locals),
        },
        {
          fn: notify,
          handler: notifyHandler,
          env: functionEnvironment(synth.stack, synth.template, notify, locals),
        },
      ],
      synth.stack,
      calls,
    );
    const machine = new StateMachine(definition as never);
    const execution = machine.run(input as never, {
      overrides: {
        taskResourceLocalHandlers: tasks,
        // The Retry intervals are asserted on the definition; the local run need not sleep them.
        retryIntervalOverrides: Object.fromEntries(Object.keys(tasks).map((name) => [name, 0])),
      },
    });
    try {
      return { output: (await execution.result) as Record<string, Json>, calls };
    } catch (err) {
      return { error: err as Error, calls };
    }
  }

  before(async () => {
    [dynalite, fauxqs, slack] = await Promise.all([startDynalite(), startFauxqs(), slackReceiver()]);
    ses = await sesLocal({ host: '127.0.0.1', port: 0 });
    sesEndpoint = `http://127.0.0.1:${(ses.address() as AddressInfo).port}`;

    // The stack as deployed with SES and an alert address; the Slack URL is configured directly
    // (Secrets Manager has no local emulator), through the same CDK context users set.
    synth = synthStack(
      {
        sesIdentity: 'alerts@example.com',
        alertEmail: 'secops@example.com',
        logwardenConfig: JSON.stringify({ report: { notifications: { slack: { webhookUrl: slack.url } } } }),
      },
      { bundle: false },
    );

    dynamodb = dynamoClient(dynalite.endpoint);
    sns = new SNSClient({ region: REGION, endpoint: fauxqs.endpoint, credentials: CREDENTIALS });
    sqs = new SQSClient({ region: REGION, endpoint: fauxqs.endpoint, credentials: CREDENTIALS });
    topicArn = (await sns.send(new CreateTopicCommand({ Name: 'logwarden-alerts' }))).TopicArn as string;
    queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'alert-inbox' }))).QueueUrl as string;
    const queueArn = (
      await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))
    ).Attributes?.QueueArn;
    await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: queueArn }));

    // What the processors would have stored: the Stratus attack logs through the shared pipeline.
    await createTable('logwarden-seed');
    const config = defaultConfig();
    const store = new DynamoDbEventStore(dynamodb, { tableName: 'logwarden-seed', retentionDays: 400 });
    const run = await runIngest(
      new FsObjectSource(FIXTURES, 64 * 2 ** 20),
      new Engine(config, defaultDetectors(config)),
      {
        store,
        now: () => Date.parse('2024-01-01T00:00:00Z'),
      },
    );
    await store.flush();
    findings = run.findings;
    assert.ok(
      findings.some((f) => f.severity === 'CRITICAL' || f.severity === 'HIGH'),
      'the attacks raise findings',
    );
    const times = findings.map((f) => f.time);
    const day = 86_400_000;
    window = {
      since: new Date(Math.floor(Math.min(...times) / day) * day).toISOString(),
      until: new Date((Math.floor(Math.max(...times) / day) + 1) * day).toISOString(),
    };

    Object.assign(process.env, {
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: dynalite.endpoint,
      AWS_ENDPOINT_URL_SNS: fauxqs.endpoint,
      AWS_ENDPOINT_URL_SESV2: sesEndpoint,
      POWERTOOLS_LOG_LEVEL: 'ERROR',
    });
  });

  after(async () => {
    resetWiring();
    for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
    Object.assign(process.env, savedEnv);
    bedrock.restore();
    dynamodb?.destroy();
    sns?.destroy();
    sqs?.destroy();
    ses?.closeAllConnections();
    await new Promise((r) => ses?.close(r));
    await Promise.all([dynalite?.stop(), fauxqs?.stop(), slack?.close()]);
    synth?.dispose();
  });

  beforeEach(async () => {
    bedrock.reset();
    slack.bodies.length = 0;
    await fetch(`${sesEndpoint}/clear-store`, { method: 'POST' }).catch(() => {});
    while ((await alertMessages()).length > 0) {
      // drain alerts of earlier runs
    }
  });

  it('uses the retries and catch the stack defines', () => {
    const states = synthesizedDefinition(synth.stack, synth.template).States as Record<string, Json>;
    const retry = states[S.bedrockInsights].Retry.find((r: { ErrorEquals: string[] }) =>
      r.ErrorEquals.includes('ThrottlingException'),
    );
    assert.deepEqual(retry.ErrorEquals, BEDROCK_RETRYABLE);
    assert.equal(retry.MaxAttempts, 2);
    assert.deepEqual(states[S.bedrockInsights].Catch, [
      { ErrorEquals: ['States.ALL'], ResultPath: '$.insightsError', Next: S.fallbackInsights },
    ]);
    assert.equal(
      states[S.buildReport].Parameters,
      undefined,
      'the report task gets the orchestration input as is',
    );
  });

  it('happy path: report → Bedrock insights → SNS, SES and Slack notified', async () => {
    const table = await freshTableFromSeed();
    const cited = findings[0].id;
    bedrock.on(ConverseCommand).resolves(
      converseReply(
        `Here is the analysis:\n\`\`\`json\n${JSON.stringify({
          executiveSummary: 'Credential theft and log tampering were observed in the period.',
          insights: [
            {
              title: 'Attack activity',
              detail: 'Stratus techniques ran.',
              severity: 'HIGH',
              findingIds: [cited],
            },
          ],
          recommendations: [{ action: 'Rotate exposed credentials', priority: 'high', findingIds: [cited] }],
        })}\n\`\`\``,
      ),
    );
    const input = { analysisType: 'custom', ...window, includeAI: true, notificationLevel: 'all' };
    const { output, calls, error } = await execute(input, table);
    assert.equal(error, undefined, error?.message);
    assert.deepEqual(
      calls.map((c) => c.state),
      [S.buildReport, S.bedrockInsights, S.notify],
    );
    assert.deepEqual(calls[0].input, input, 'the report receives the orchestration input unchanged (bug 9)');
    assert.equal(output!.report.totalFindings, new Set(findings.map((f) => f.id)).size);
    assert.equal(output!.insights.provider, 'bedrock');
    assert.match(output!.insights.executiveSummary, /Credential theft/);
    assert.equal(bedrock.commandCalls(ConverseCommand).length, 1);
    assert.deepEqual(
      output!.notification.channels.map((c: { channel: string; status: string }) => [c.channel, c.status]),
      [
        ['sns', 'sent'],
        ['ses', 'sent'],
        ['slack', 'sent'],
      ],
    );
    const [alert] = await alertMessages();
    assert.match(alert.Subject, /^logwarden/);
    assert.ok(alert.Message.includes(cited));
    const [mail] = await sesMails();
    assert.deepEqual(mail.destination.to, ['secops@example.com']);
    assert.equal(slack.bodies.length, 1);
  });

  it('Bedrock throttled past its retries → offline insights → notification still sent', async () => {
    const table = await freshTableFromSeed();
    bedrock
      .on(ConverseCommand)
      .rejects(new ThrottlingException({ message: 'Too many requests', $metadata: {} }));
    const input = { analysisType: 'custom', ...window, includeAI: true, notificationLevel: 'high_risk_only' };
    const { output, calls, error } = await execute(input, table);
    assert.equal(error, undefined, error?.message);
    assert.deepEqual(
      calls.map((c) => c.state),
      [S.buildReport, S.bedrockInsights, S.bedrockInsights, S.bedrockInsights, S.fallbackInsights, S.notify],
    );
    assert.equal(bedrock.commandCalls(ConverseCommand).length, 3, 'one call and two retries');
    for (const c of calls.filter((x) => x.state === S.bedrockInsights))
      assert.match(c.error ?? '', /^ThrottlingException/);
    assert.equal(output!.insightsError.Error, 'ThrottlingException');
    assert.equal(output!.insights.provider, 'offline');
    assert.match(output!.insights.fallbackReason, /bedrock insights failed: .*Too many requests/);
    const sent = output!.notification.channels.filter((c: { status: string }) => c.status === 'sent');
    assert.deepEqual(
      sent.map((c: { channel: string }) => c.channel),
      ['sns', 'ses', 'slack'],
    );
    const [alert] = await alertMessages();
    assert.match(alert.Message, /offline/i);
    assert.equal((await sesMails()).length, 1);
    assert.equal(slack.bodies.length, 1);
  });

  it('an unusable model reply is not retried: straight to offline insights', async () => {
    const table = await freshTableFromSeed();
    bedrock.on(ConverseCommand).resolves(converseReply('I cannot help with that.'));
    const { output, calls, error } = await execute(
      { analysisType: 'custom', ...window, includeAI: true, notificationLevel: 'critical_only' },
      table,
    );
    assert.equal(error, undefined, error?.message);
    assert.deepEqual(
      calls.map((c) => c.state),
      [S.buildReport, S.bedrockInsights, S.fallbackInsights, S.notify],
    );
    assert.equal(bedrock.commandCalls(ConverseCommand).length, 1);
    assert.equal(output!.insights.provider, 'offline');
  });

  it('includeAI false never calls Bedrock', async () => {
    const table = await freshTableFromSeed();
    const { output, calls, error } = await execute(
      { analysisType: 'custom', ...window, includeAI: false, notificationLevel: 'all' },
      table,
    );
    assert.equal(error, undefined, error?.message);
    assert.deepEqual(
      calls.map((c) => c.state),
      [S.buildReport, S.offlineInsights, S.notify],
    );
    assert.equal(bedrock.commandCalls(ConverseCommand).length, 0);
    assert.equal(output!.insights.provider, 'offline');
    assert.equal(output!.insights.fallbackReason, undefined);
  });

  it('an S3 event as execution input fails at the report step instead of being processed (bug 9)', async () => {
    const table = await freshTableFromSeed();
    const s3Event = {
      Records: [{ eventSource: 'aws:s3', s3: { bucket: { name: 'b' }, object: { key: 'k' } } }],
    };
    const { error, calls } = await execute(s3Event, table);
    assert.ok(error instanceof ExecutionError, 'the execution fails');
    assert.deepEqual(
      calls.map((c) => c.state),
      [S.buildReport],
    );
    assert.match(calls[0].error ?? '', /expects a report request/);
  });
});
