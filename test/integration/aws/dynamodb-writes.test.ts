import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { BatchWriteCommand, DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { measureWrites } from '../../../bench/dynamodb-writes.ts';
import { batchWrite, emptyWriteStats } from '../../../src/adapters/aws/dynamodb-batch.ts';
import { FsObjectSource } from '../../../src/adapters/local/fs-source.ts';
import type { SourceObject } from '../../../src/core/ports.ts';
import { createEventTable, dynamoClient, type Emulator, startDynalite } from './emulators.ts';

let dynalite: Emulator;
before(async () => {
  dynalite = await startDynalite();
});
after(async () => {
  await dynalite.stop();
});

test('storing the example CloudTrail files costs at most 20 DynamoDB write requests per 1,000 events (SQS batches of 10)', async () => {
  const objects: SourceObject[] = [];
  const dir = fileURLToPath(new URL('../../../examples/cloudtrail', import.meta.url));
  for await (const o of new FsObjectSource(dir, 64 * 2 ** 20).list()) objects.push(o);
  const figures = await measureWrites('examples', objects, 10, dynalite.endpoint, 'writes-cost');
  const perThousand = (n: number) => (n * 1000) / figures.events;
  console.log(
    `DynamoDB write requests per 1,000 events: ${perThousand(figures.requests).toFixed(1)} ` +
      `(items ${perThousand(figures.items).toFixed(1)} of which findings ${perThousand(figures.findings).toFixed(1)}, ` +
      `WCU ${perThousand(figures.capacityUnits).toFixed(1)}; seed: 1,000)`,
  );
  assert.equal(figures.events, 2900);
  assert.ok(
    perThousand(figures.requests) <= 20,
    `${perThousand(figures.requests)} requests per 1,000 events`,
  );
  // Besides one item per finding (as many as the detectors raise), a file costs a summary item and a
  // file record, and an invocation its changed state and profiles: far below one item per event.
  const overhead = perThousand(figures.items - figures.findings);
  assert.ok(overhead < 80, `${overhead} items per 1,000 events besides findings`);
  assert.ok(figures.capacityUnits > 0, 'dynalite reports consumed capacity');
});

test('batch writes retry unprocessed items with growing backoff until every item is stored', async () => {
  const client = dynamoClient(dynalite.endpoint);
  await createEventTable(client, 'retry-ok');
  const doc = DynamoDBDocumentClient.from(client);
  let calls = 0;
  // DynamoDB returns UnprocessedItems under throttling; this sender writes only the first 7 items of
  // each of the first three calls for real and hands the rest back the same way.
  const throttling = {
    send: async (command: BatchWriteCommand) => {
      calls++;
      const items = command.input.RequestItems?.['retry-ok'] ?? [];
      if (calls > 3) return doc.send(command);
      const out = await doc.send(new BatchWriteCommand({ RequestItems: { 'retry-ok': items.slice(0, 7) } }));
      return { ...out, UnprocessedItems: items.length > 7 ? { 'retry-ok': items.slice(7) } : {} };
    },
  } as unknown as DynamoDBDocumentClient;
  const sleeps: number[] = [];
  const stats = emptyWriteStats();
  const requests = Array.from({ length: 25 }, (_, i) => ({
    PutRequest: { Item: { pk: `P#${i}`, sk: 'S', i } },
  }));
  await batchWrite(throttling, 'retry-ok', requests, stats, {
    attempts: 8,
    baseMs: 10,
    maxMs: 1000,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
  assert.equal(stats.requests, 4);
  assert.equal(stats.items, 25);
  assert.equal(sleeps.length, 3);
  for (const [i, ms] of sleeps.entries())
    assert.ok(ms >= 0 && ms <= 10 * 2 ** (i + 1), `backoff ${i + 1}: ${ms} ms`);
  for (const i of [0, 7, 14, 21, 24]) {
    const got = await doc.send(new GetCommand({ TableName: 'retry-ok', Key: { pk: `P#${i}`, sk: 'S' } }));
    assert.equal(got.Item?.i, i);
  }
  client.destroy();
});

test('batch writes give up with a clear error when items stay unprocessed', async () => {
  const never = {
    send: async (command: BatchWriteCommand) => ({ UnprocessedItems: command.input.RequestItems }),
  } as unknown as DynamoDBDocumentClient;
  const requests = [{ PutRequest: { Item: { pk: 'P', sk: 'S' } } }];
  await assert.rejects(
    batchWrite(never, 'any', requests, emptyWriteStats(), { attempts: 2, baseMs: 1, maxMs: 2 }),
    /left 1 batch-write items unprocessed after 2 retries \(table any\)/,
  );
});
