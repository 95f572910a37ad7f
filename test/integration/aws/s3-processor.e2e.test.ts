/**
 * End to end against emulators on 127.0.0.1: a CloudTrail .json.gz put into s3rver → the S3-event
 * handler (a real-shaped SQS-wrapped S3 event) → findings in dynalite and processed NDJSON in S3 →
 * a report built from dynalite → the alert read back from an SQS queue subscribed to the fauxqs
 * SNS topic. The same object processed twice leaves the same items and sends no second alert.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse } from 'aws-lambda';
import { DynamoDbEventStore } from '../../../src/adapters/aws/dynamodb-store.ts';
import { needsImmediateAlert } from '../../../src/core/immediate-alert.ts';
import type { Report } from '../../../src/core/report/report.ts';
import { handler as reportHandler } from '../../../src/lambda/report.ts';
import { handler as s3Handler } from '../../../src/lambda/s3-processor.ts';
import { resetWiring } from '../../../src/lambda/wiring.ts';
import {
  CREDENTIALS,
  createEventTable,
  dynamoClient,
  type Emulator,
  REGION,
  s3Client,
  startDynalite,
  startFauxqs,
  startS3rver,
} from './emulators.ts';
import { captureMetrics, setEnv, sqsS3Event } from './lambda-env.ts';

const LOG_BUCKET = 'logwarden-logs';
const DATA_BUCKET = 'logwarden-data';
const TABLE = 'logwarden-e2e';
// A space and a plus in the key: S3 sends them URL-encoded as "+" and "%2B" (the seed's bug 11).
const KEY = 'AWSLogs/111122223333/CloudTrail/us-east-1/2024/07/31/trail file+attack.json.gz';
const ENCODED_KEY = 'AWSLogs/111122223333/CloudTrail/us-east-1/2024/07/31/trail+file%2Battack.json.gz';

const fixture = (name: string) => new URL(`../../fixtures/cloudtrail/stratus/${name}`, import.meta.url);
const records = [
  'aws.defense-evasion.cloudtrail-stop.json',
  'aws.defense-evasion.organizations-leave.json',
  'aws.credential-access.secretsmanager-retrieve-secrets.json',
].flatMap((name) => JSON.parse(readFileSync(fixture(name), 'utf8')) as Record<string, unknown>[]);

describe('S3 processor end to end (s3rver, dynalite, fauxqs)', () => {
  let s3: Emulator;
  let dynalite: Emulator;
  let fauxqs: Emulator;
  let s3c: S3Client;
  let sqs: SQSClient;
  let queueUrl: string;
  let restoreEnv: () => void;
  const metrics = captureMetrics();

  before(async () => {
    [s3, dynalite, fauxqs] = await Promise.all([
      startS3rver([LOG_BUCKET, DATA_BUCKET]),
      startDynalite(),
      startFauxqs(),
    ]);
    s3c = s3Client(s3.endpoint);
    const ddb = dynamoClient(dynalite.endpoint);
    await createEventTable(ddb, TABLE);
    ddb.destroy();
    const sns = new SNSClient({ region: REGION, endpoint: fauxqs.endpoint, credentials: CREDENTIALS });
    sqs = new SQSClient({ region: REGION, endpoint: fauxqs.endpoint, credentials: CREDENTIALS });
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'logwarden-alerts' }));
    ({ QueueUrl: queueUrl } = (await sqs.send(new CreateQueueCommand({ QueueName: 'alerts-inbox' }))) as {
      QueueUrl: string;
    });
    const attrs = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
    );
    await sns.send(
      new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: attrs.Attributes?.QueueArn as string }),
    );
    sns.destroy();
    restoreEnv = setEnv({
      AWS_REGION: REGION,
      // s3rver accepts only its own key pair; dynalite and fauxqs accept any.
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      AWS_ENDPOINT_URL_S3: s3.endpoint,
      AWS_ENDPOINT_URL_DYNAMODB: dynalite.endpoint,
      AWS_ENDPOINT_URL_SNS: fauxqs.endpoint,
      TABLE_NAME: TABLE,
      PROCESSED_BUCKET: DATA_BUCKET,
      ALERT_TOPIC_ARN: TopicArn as string,
      RETENTION_DAYS: '30',
      POWERTOOLS_LOG_LEVEL: 'ERROR',
    });
    resetWiring();
    await s3c.send(
      new PutObjectCommand({
        Bucket: LOG_BUCKET,
        Key: KEY,
        Body: gzipSync(JSON.stringify({ Records: records })),
      }),
    );
  });

  after(async () => {
    resetWiring();
    restoreEnv?.();
    s3c?.destroy();
    sqs?.destroy();
    await Promise.all([s3?.stop(), dynalite?.stop(), fauxqs?.stop()]);
  });

  async function tableItems(): Promise<Record<string, unknown>[]> {
    const client = dynamoClient(dynalite.endpoint);
    // A Scan is fine here: the test checks every item the handler left, the store never scans.
    const out = await client.send(new ScanCommand({ TableName: TABLE }));
    client.destroy();
    return (out.Items ?? [])
      .map((i) => JSON.parse(JSON.stringify(i)))
      .sort((a, b) => `${a.pk.S}|${a.sk.S}`.localeCompare(`${b.pk.S}|${b.sk.S}`));
  }

  async function receiveAll(): Promise<{ Subject?: string; Message: string }[]> {
    const out: { Subject?: string; Message: string }[] = [];
    for (let i = 0; i < 5; i++) {
      const got = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
      );
      for (const m of got.Messages ?? []) out.push(JSON.parse(m.Body as string));
      if (!got.Messages?.length) break;
    }
    return out;
  }

  const event = sqsS3Event([
    { messageId: 'msg-trail', bucket: LOG_BUCKET, key: ENCODED_KEY, size: 1234 },
    {
      messageId: 'msg-digest',
      bucket: LOG_BUCKET,
      // Never read: if it were, the missing object would fail this message.
      key: 'AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/07/31/111122223333_CloudTrail-Digest_us-east-1_x.json.gz',
      size: 10,
    },
    {
      messageId: 'msg-missing',
      bucket: LOG_BUCKET,
      key: 'AWSLogs/111122223333/CloudTrail/us-east-1/2024/07/31/gone.json.gz',
      size: 10,
    },
  ]);
  let firstItems: Record<string, unknown>[];

  test('one SQS batch: the trail file is processed, the digest skipped, the missing object alone fails', async () => {
    const result = (await metrics.during(() => s3Handler(event))) as SQSBatchResponse;
    assert.deepEqual(result, { batchItemFailures: [{ itemIdentifier: 'msg-missing' }] });
    firstItems = await tableItems();
    assert.ok(firstItems.length > 0);
  });

  test('findings and the processed NDJSON.gz are stored', async () => {
    const client = dynamoClient(dynalite.endpoint);
    const store = new DynamoDbEventStore(client, { tableName: TABLE });
    const findings = await store.findings({});
    client.destroy();
    assert.ok(
      findings.some((f) => f.ruleId === 'cloudtrail.logging-stopped'),
      'StopLogging found',
    );
    assert.ok(
      findings.some((f) => f.ruleId === 'organizations.leave-organization'),
      'LeaveOrganization found',
    );
    // The vendored SigmaHQ rules run in the Lambda engine too (sigma/rules/aws_cloudtrail_disable_logging.yml).
    assert.ok(
      findings.some((f) => f.ruleId === 'sigma:4db60cc0-36fb-42b7-9b58-a5b53019fb74'),
      `Sigma "AWS CloudTrail Important Change" found among ${findings.map((f) => f.ruleId).join(', ')}`,
    );
    const listed = await s3c.send(new ListObjectsV2Command({ Bucket: DATA_BUCKET, Prefix: 'processed/' }));
    const keys = (listed.Contents ?? []).map((o) => o.Key as string);
    assert.ok(
      keys.length >= 1 &&
        keys.every((k) => /^processed\/dt=\d{4}-\d{2}-\d{2}\/[0-9a-f]{64}\.ndjson\.gz$/.test(k)),
      keys.join(),
    );
    let lines = 0;
    let located = 0;
    for (const key of keys) {
      const obj = await s3c.send(new GetObjectCommand({ Bucket: DATA_BUCKET, Key: key }));
      const text = gunzipSync(
        await (obj.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
      ).toString();
      for (const line of text.trim().split('\n')) {
        const e = JSON.parse(line);
        assert.equal(
          key.slice('processed/dt='.length, 'processed/dt='.length + 10),
          new Date(e.time).toISOString().slice(0, 10),
        );
        assert.ok(Array.isArray(e.anomalyFlags) && typeof e.riskScore === 'number' && e.raw === undefined);
        // GeoIP/ASN enrichment from the offline databases (DB-IP city, RouteViews ASN).
        if (e.sourceIp === '86.245.153.234') {
          assert.equal(e.geo.country, 'FR');
          assert.equal(e.geo.asn, 3215);
          located++;
        }
        lines++;
      }
    }
    assert.equal(lines, records.length);
    assert.ok(located > 0, 'the public source address was located');
  });

  test('a report built from dynalite covers the file', async () => {
    const report = (await reportHandler({
      analysisType: 'custom',
      since: '2020-01-01T00:00:00Z',
      until: '2030-01-01T00:00:00Z',
      notificationLevel: 'all',
    })) as Report;
    assert.equal(report.totalEvents, records.length);
    assert.ok(report.totalFindings >= 3, `findings: ${report.totalFindings}`);
    assert.ok(report.findings.some((f) => f.ruleId === 'cloudtrail.logging-stopped'));
    assert.ok(
      report.userActivity.length > 0 &&
        report.hourlyDistribution.reduce((a, b) => a + b, 0) === records.length,
    );
  });

  test('each alert-worthy finding is published once to SNS and read back from the subscribed queue', async () => {
    const client = dynamoClient(dynalite.endpoint);
    const findings = await new DynamoDbEventStore(client, { tableName: TABLE }).findings({});
    client.destroy();
    const alertable = findings.filter((f) => needsImmediateAlert(f, 8));
    assert.ok(alertable.length >= 1);
    const messages = await receiveAll();
    assert.equal(messages.length, alertable.length);
    for (const f of alertable) {
      const m = messages.find((x) => x.Message.includes(`Finding:   ${f.id}`));
      assert.ok(m, `alert for ${f.ruleId}`);
      assert.match(m.Subject ?? '', new RegExp(`^logwarden ${f.severity} \\(${f.riskScore}/10\\)`));
      assert.ok(m.Message.includes(f.explanation));
    }
  });

  test('the same object processed again leaves the same items and sends no second alert', async () => {
    const again = (await metrics.during(() => s3Handler(event))) as SQSBatchResponse;
    assert.deepEqual(again, { batchItemFailures: [{ itemIdentifier: 'msg-missing' }] });
    assert.deepEqual(await tableItems(), firstItems);
    assert.deepEqual(await receiveAll(), []);
  });

  test('a direct S3 event is accepted too; the orchestration input is rejected with a clear error', async () => {
    const direct = await metrics.during(() => s3Handler(JSON.parse(event.Records[0].body)));
    assert.deepEqual(
      direct,
      { objects: 1, events: 0, findings: 0, alerted: 0 },
      'already ingested: nothing new',
    );
    await assert.rejects(
      s3Handler({ timeframe: '24h', analysisType: 'daily', includeAI: true, notificationLevel: 'all' }),
      /S3 processor received a report request .* go to the report function/,
    );
  });

  test('the seed metrics are emitted in CloudWatch embedded metric format', () => {
    const names = metrics.names();
    for (const n of [
      'EventsProcessed',
      'ProcessingLatency',
      'ProcessingErrors',
      'CriticalAnomalies',
      'HighRiskAnomalies',
      'RuleErrors',
      'FindingsSuppressed',
    ]) {
      assert.ok(names.has(n), `${n} in ${[...names].join(', ')}`);
    }
    assert.equal(
      metrics.sum('EventsProcessed'),
      records.length,
      'the first run processed every record; re-runs none',
    );
  });
});
