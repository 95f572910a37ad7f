/**
 * End to end against kinesalite and dynalite on 127.0.0.1: CloudWatch Logs subscription payloads
 * (CloudTrail delivered to CloudWatch Logs) put into a Kinesis stream, read back as the event
 * source mapping would, through the stream handler. A bad record is reported as a batch item
 * failure; the control message is ignored; a redelivered batch changes nothing.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import {
  CreateStreamCommand,
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  PutRecordsCommand,
} from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { KinesisStreamEvent } from 'aws-lambda';
import { DynamoDbEventStore } from '../../../src/adapters/aws/dynamodb-store.ts';
import { handler } from '../../../src/lambda/stream-processor.ts';
import { resetWiring } from '../../../src/lambda/wiring.ts';
import {
  CREDENTIALS,
  createEventTable,
  dynamoClient,
  type Emulator,
  REGION,
  startDynalite,
  startKinesalite,
} from './emulators.ts';
import { captureMetrics, setEnv } from './lambda-env.ts';

const STREAM = 'logwarden-logs';
const TABLE = 'logwarden-stream-e2e';
const trail = [
  'aws.defense-evasion.cloudtrail-stop.json',
  'aws.discovery.ec2-download-user-data.json',
].flatMap(
  (name) =>
    JSON.parse(
      readFileSync(new URL(`../../fixtures/cloudtrail/stratus/${name}`, import.meta.url), 'utf8'),
    ) as Record<string, unknown>[],
);

/** A subscription payload as CloudWatch Logs writes it to Kinesis: gzip JSON. */
function payload(messageType: 'DATA_MESSAGE' | 'CONTROL_MESSAGE', messages: string[]): Uint8Array {
  return gzipSync(
    JSON.stringify({
      messageType,
      owner: '111122223333',
      logGroup: 'aws-cloudtrail-logs-111122223333',
      logStream: '111122223333_CloudTrail_us-east-1',
      subscriptionFilters: ['logwarden'],
      logEvents: messages.map((message, i) => ({
        id: String(1e20 + i),
        timestamp: 1722431184000 + i,
        message,
      })),
    }),
  );
}

describe('stream processor end to end (kinesalite, dynalite)', () => {
  let kinesalite: Emulator;
  let dynalite: Emulator;
  let restoreEnv: () => void;
  let event: KinesisStreamEvent;
  const metrics = captureMetrics();

  before(async () => {
    [kinesalite, dynalite] = await Promise.all([startKinesalite(), startDynalite()]);
    const ddb = dynamoClient(dynalite.endpoint);
    await createEventTable(ddb, TABLE);
    ddb.destroy();
    // kinesalite speaks HTTP/1 only; the Kinesis client defaults to HTTP/2.
    const kinesis = new KinesisClient({
      region: REGION,
      endpoint: kinesalite.endpoint,
      credentials: CREDENTIALS,
      requestHandler: new NodeHttpHandler(),
    });
    await kinesis.send(new CreateStreamCommand({ StreamName: STREAM, ShardCount: 1 }));
    const described = await kinesis.send(new DescribeStreamCommand({ StreamName: STREAM }));
    const shard = described.StreamDescription?.Shards?.[0]?.ShardId as string;
    const streamArn = described.StreamDescription?.StreamARN as string;
    await kinesis.send(
      new PutRecordsCommand({
        StreamName: STREAM,
        Records: [
          {
            PartitionKey: 'a',
            Data: payload('CONTROL_MESSAGE', ['CWL CONTROL MESSAGE: Checking health of destination']),
          },
          {
            PartitionKey: 'a',
            Data: payload(
              'DATA_MESSAGE',
              trail.slice(0, 1).map((r) => JSON.stringify(r)),
            ),
          },
          { PartitionKey: 'a', Data: Buffer.from('not gzip, not a subscription payload') },
          {
            PartitionKey: 'a',
            Data: payload(
              'DATA_MESSAGE',
              trail.slice(1).map((r) => JSON.stringify(r)),
            ),
          },
        ],
      }),
    );
    const { ShardIterator } = await kinesis.send(
      new GetShardIteratorCommand({ StreamName: STREAM, ShardId: shard, ShardIteratorType: 'TRIM_HORIZON' }),
    );
    const got = await kinesis.send(new GetRecordsCommand({ ShardIterator }));
    kinesis.destroy();
    // What the event source mapping hands the function.
    event = {
      Records: (got.Records ?? []).map((r) => ({
        eventSource: 'aws:kinesis',
        eventVersion: '1.0',
        eventID: `${shard}:${r.SequenceNumber}`,
        eventName: 'aws:kinesis:record',
        invokeIdentityArn: 'arn:aws:iam::111122223333:role/logwarden-stream',
        awsRegion: REGION,
        eventSourceARN: streamArn,
        kinesis: {
          kinesisSchemaVersion: '1.0',
          partitionKey: r.PartitionKey as string,
          sequenceNumber: r.SequenceNumber as string,
          data: Buffer.from(r.Data as Uint8Array).toString('base64'),
          approximateArrivalTimestamp: (r.ApproximateArrivalTimestamp as Date).getTime() / 1000,
        },
      })),
    };
    restoreEnv = setEnv({
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: dynalite.endpoint,
      TABLE_NAME: TABLE,
      POWERTOOLS_LOG_LEVEL: 'CRITICAL',
    });
    resetWiring();
  });

  after(async () => {
    resetWiring();
    restoreEnv?.();
    await Promise.all([kinesalite?.stop(), dynalite?.stop()]);
  });

  async function totals() {
    const client = dynamoClient(dynalite.endpoint);
    const store = new DynamoDbEventStore(client, { tableName: TABLE });
    const summary = await store.summarize({});
    const findings = await store.findings({});
    client.destroy();
    return {
      events: summary.totalEvents,
      actions: summary.topActions,
      findings: findings.map((f) => f.id).sort(),
    };
  }

  test('the bad record alone is reported as a batch item failure', async () => {
    assert.equal(event.Records.length, 4);
    const result = await metrics.during(() => handler(event));
    assert.deepEqual(result, {
      batchItemFailures: [{ itemIdentifier: event.Records[2].kinesis.sequenceNumber }],
    });
  });

  test('the CloudTrail events of the data messages are stored, the control message ignored', async () => {
    const t = await totals();
    assert.equal(t.events, trail.length);
    assert.ok(t.actions.some((a) => a.name === 'StopLogging'));
    assert.ok(t.findings.length > 0);
    assert.equal(metrics.sum('EventsProcessed'), trail.length);
  });

  test('a redelivered batch (Kinesis retries resend records) changes nothing', async () => {
    const before = await totals();
    const result = await metrics.during(() => handler(event));
    assert.equal(result.batchItemFailures.length, 1);
    assert.deepEqual(await totals(), before);
  });

  test('an event that is not a Kinesis event is rejected', async () => {
    await assert.rejects(handler({ Records: [{ eventSource: 'aws:sqs' }] }), /expects a Kinesis event/);
  });
});
