/**
 * The S3 processor with `OPENSEARCH_ENDPOINT` set, against s3rver, dynalite and a bulk-API
 * receiver on 127.0.0.1: new findings and processed events are indexed after the store flush, a
 * redelivered object indexes nothing again, and an OpenSearch that errors or is gone costs the
 * batch nothing (the store has everything; the failure is logged and counted).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { DynamoDbEventStore } from '../../../src/adapters/aws/dynamodb-store.ts';
import type { Finding } from '../../../src/core/finding.ts';
import { handler as s3Handler } from '../../../src/lambda/s3-processor.ts';
import { searchService } from '../../../src/lambda/search-indexing.ts';
import { resetWiring } from '../../../src/lambda/wiring.ts';
import { BulkReceiver } from '../../helpers/bulk-receiver.ts';
import {
  createEventTable,
  dynamoClient,
  type Emulator,
  REGION,
  s3Client,
  startDynalite,
  startS3rver,
} from './emulators.ts';
import { captureMetrics, setEnv, sqsS3Event } from './lambda-env.ts';

const LOG_BUCKET = 'logwarden-logs';
const DATA_BUCKET = 'logwarden-data';
const TABLE = 'logwarden-search';
const PREFIX = 'AWSLogs/111122223333/CloudTrail/us-east-1/2024/07/31/';

const stratus = (...names: string[]) =>
  names.flatMap(
    (name) =>
      JSON.parse(
        readFileSync(new URL(`../../fixtures/cloudtrail/stratus/${name}`, import.meta.url), 'utf8'),
      ) as Record<string, unknown>[],
  );

/** Log lines (Powertools JSON) written while `fn` runs, from stdout and stderr. */
async function captureLogs<T>(fn: () => Promise<T>): Promise<{ value: T; logs: Record<string, unknown>[] }> {
  const logs: Record<string, unknown>[] = [];
  const streams = [process.stdout, process.stderr];
  const saved = streams.map((s) => s.write);
  streams.forEach((stream, i) => {
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
      // Log lines are kept for the test, not printed; anything else (EMF, the runner) passes on.
      if (text.startsWith('{') && text.includes('"message"')) {
        for (const line of text.split('\n')) if (line.trim()) logs.push(JSON.parse(line));
        return true;
      }
      return (saved[i] as (...a: unknown[]) => boolean).call(stream, chunk, ...rest);
    }) as typeof stream.write;
  });
  try {
    return { value: await fn(), logs };
  } finally {
    streams.forEach((stream, i) => {
      stream.write = saved[i];
    });
  }
}

describe('S3 processor → OpenSearch (bulk receiver on 127.0.0.1)', () => {
  let s3: Emulator;
  let dynalite: Emulator;
  let s3c: S3Client;
  const receiver = new BulkReceiver();
  let restoreEnv: () => void;

  before(async () => {
    [s3, dynalite] = await Promise.all([startS3rver([LOG_BUCKET, DATA_BUCKET]), startDynalite()]);
    s3c = s3Client(s3.endpoint);
    const ddb = dynamoClient(dynalite.endpoint);
    await createEventTable(ddb, TABLE);
    ddb.destroy();
    restoreEnv = setEnv({
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      AWS_ENDPOINT_URL_S3: s3.endpoint,
      AWS_ENDPOINT_URL_DYNAMODB: dynalite.endpoint,
      TABLE_NAME: TABLE,
      PROCESSED_BUCKET: DATA_BUCKET,
      OPENSEARCH_ENDPOINT: await receiver.start(),
      POWERTOOLS_LOG_LEVEL: 'WARN',
    });
    resetWiring();
  });

  after(async () => {
    resetWiring();
    restoreEnv?.();
    s3c?.destroy();
    await Promise.all([s3?.stop(), dynalite?.stop(), receiver.stop()]);
  });

  async function put(name: string, records: Record<string, unknown>[]) {
    await s3c.send(
      new PutObjectCommand({
        Bucket: LOG_BUCKET,
        Key: `${PREFIX}${name}`,
        Body: gzipSync(JSON.stringify({ Records: records })),
      }),
    );
    return sqsS3Event([{ messageId: `msg-${name}`, bucket: LOG_BUCKET, key: `${PREFIX}${name}`, size: 1 }]);
  }

  async function storedFindings(): Promise<Finding[]> {
    const client = dynamoClient(dynalite.endpoint);
    try {
      return await new DynamoDbEventStore(client, { tableName: TABLE }).findings({});
    } finally {
      client.destroy();
    }
  }

  const first = stratus(
    'aws.defense-evasion.cloudtrail-stop.json',
    'aws.credential-access.secretsmanager-retrieve-secrets.json',
  );
  let firstEvent: ReturnType<typeof sqsS3Event>;

  test('new findings and events are indexed after the flush, with the store’s ids', async () => {
    firstEvent = await put('first.json.gz', first);
    const metrics = captureMetrics();
    const result = await metrics.during(() => s3Handler(firstEvent));
    assert.deepEqual(result, { batchItemFailures: [] });

    assert.deepEqual([...receiver.templates.keys()].sort(), ['logwarden-events', 'logwarden-findings']);
    const findings = await storedFindings();
    assert.ok(findings.length >= 3);
    const indexed = receiver.docs('logwarden-findings-');
    assert.deepEqual(indexed.map((d) => d.id).sort(), findings.map((f) => f.id).sort());
    for (const { index, doc } of indexed) {
      assert.equal(
        index,
        `logwarden-findings-${String(doc['@timestamp']).slice(0, 10).replaceAll('-', '.')}`,
      );
    }
    assert.ok(
      indexed.some((d) => String(d.doc.ruleId).startsWith('sigma:')),
      'Sigma findings are indexed too',
    );

    const events = receiver.docs('logwarden-events-');
    assert.equal(events.length, first.length);
    assert.ok(events.every((e) => e.doc.raw === undefined && typeof e.doc.riskScore === 'number'));
    const located = events.find((e) => e.doc.sourceIp === '86.245.153.234');
    assert.equal(
      (located?.doc.geo as { country?: string })?.country,
      'FR',
      'events carry the GeoIP enrichment',
    );

    assert.equal(metrics.sum('OpenSearchIndexed'), findings.length + first.length);
    assert.equal(metrics.sum('OpenSearchFailures'), 0);
  });

  test('a redelivered object indexes nothing again', async () => {
    const before = receiver.requests.length;
    const metrics = captureMetrics();
    assert.deepEqual(await metrics.during(() => s3Handler(firstEvent)), { batchItemFailures: [] });
    assert.deepEqual(receiver.requests.slice(before), [], 'no request: the file was already ingested');
    assert.equal(metrics.sum('OpenSearchIndexed'), 0);
  });

  test('OpenSearch answering 503: the batch succeeds, the store has the findings, the failure is counted', async () => {
    receiver.failWith = 503;
    try {
      const records = stratus('aws.defense-evasion.organizations-leave.json');
      const event = await put('second.json.gz', records);
      const metrics = captureMetrics();
      const { value, logs } = await captureLogs(() => metrics.during(() => s3Handler(event)));
      assert.deepEqual(value, { batchItemFailures: [] });
      const findings = (await storedFindings()).filter(
        (f) => f.ruleId === 'organizations.leave-organization',
      );
      assert.equal(findings.length, 1, 'the store has the new finding');
      assert.equal(receiver.docs('logwarden-findings-').filter((d) => d.id === findings[0].id).length, 0);
      assert.ok(metrics.sum('OpenSearchFailures') >= 1 + records.length);
      assert.equal(metrics.sum('OpenSearchIndexed'), 0);
      const failure = logs.find(
        (l) => l.message === 'OpenSearch indexing failed; the store keeps these findings and events',
      );
      assert.ok(failure, `logged: ${logs.map((l) => l.message).join(' | ')}`);
      // The client's error holds the whole request; the log keeps the status and OpenSearch's reason.
      assert.deepEqual(failure.error, {
        name: 'ResponseError',
        message: 'unavailable',
        statusCode: 503,
        reason: 'unavailable: test says no',
      });
    } finally {
      receiver.failWith = undefined;
    }
  });

  test('OpenSearch gone (connection refused): the batch still succeeds', async () => {
    await receiver.stop();
    const records = stratus('aws.credential-access.ec2-steal-instance-credentials.json');
    const event = await put('third.json.gz', records);
    const metrics = captureMetrics();
    const started = Date.now();
    const { value, logs } = await captureLogs(() => metrics.during(() => s3Handler(event)));
    assert.deepEqual(value, { batchItemFailures: [] });
    assert.ok(Date.now() - started < 10_000, 'a refused connection fails fast');
    assert.ok(metrics.sum('OpenSearchFailures') >= records.length);
    assert.ok(logs.some((l) => String(l.message).startsWith('OpenSearch indexing failed')));
    assert.ok(metrics.names().has('EventsProcessed'), 'the usual metrics are still published');
  });

  test('Serverless endpoints sign as aoss, domains as es', () => {
    assert.equal(searchService('https://abc123xyz.us-east-1.aoss.amazonaws.com'), 'aoss');
    assert.equal(searchService('abc123xyz.eu-west-1.aoss.amazonaws.com'), 'aoss');
    assert.equal(searchService('https://search-logs-abc.us-east-1.es.amazonaws.com'), 'es');
    assert.equal(searchService('http://127.0.0.1:9200'), 'es');
  });
});
