/**
 * Flow aggregates in the DynamoDB store at a size the contract's fixtures do not reach: a busy file
 * whose rollup is split over several summary items, spread over two UTC days, retried after a
 * crash. Its per-source sections must equal those of the DuckDB store, which keeps the rows.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDbEventStore } from '../../../src/adapters/aws/dynamodb-store.ts';
import { DuckDbEventStore } from '../../../src/adapters/local/duckdb-store.ts';
import type { EventStore, IngestBatch, SummaryQuery } from '../../../src/core/ports.ts';
import type { FlowAggregate } from '../../../src/core/sources/flow-aggregate.ts';
import { createEventTable, dynamoClient, type Emulator, startDynalite } from './emulators.ts';

const DAY_ONE = '2024-03-05';
const MIDNIGHT = Date.parse('2024-03-06T00:00:00Z');
/** Compressed bytes per summary part in the store; DynamoDB items are at most 400 KB. */
const PART_BYTES = 350_000;

let dynalite: Emulator;
let client: DynamoDBClient;
before(async () => {
  dynalite = await startDynalite();
  client = dynamoClient(dynalite.endpoint);
});
after(async () => {
  client.destroy();
  await dynalite.stop();
});

/** A deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * 80,000 aggregate rows in 5-minute windows from two hours before to two hours after midnight:
 * scanners from many public addresses (rejected), web clients, replies, NODATA rows, ties in counts.
 */
function busyFlowFile(): IngestBatch {
  const rand = rng(42);
  const int = (n: number) => Math.floor(rand() * n);
  const ip = () => `${1 + int(220)}.${int(256)}.${int(256)}.${1 + int(254)}`;
  const host = () => `10.0.${int(4)}.${1 + int(250)}`;
  const flows: FlowAggregate[] = [];
  for (let i = 0; i < 80_000; i++) {
    const time = MIDNIGHT - 2 * 3_600_000 + int(48) * 300_000;
    const kind = int(10);
    const [srcaddr, dstaddr, port, protocol, action] =
      kind < 4
        ? [ip(), host(), [22, 3389, 445, 23][int(4)], 6, 'REJECT']
        : kind < 8
          ? [ip(), host(), [443, 80][int(2)], 6, 'ACCEPT']
          : kind < 9
            ? [host(), ip(), [53, 123][int(2)], 17, int(2) ? 'ACCEPT' : '-']
            : ['', '', 0, 0, ['NODATA', 'SKIPDATA'][int(2)]];
    const first = time + int(300_000);
    flows.push({
      time,
      account: '123456789012',
      srcaddr,
      dstaddr,
      port,
      protocol,
      action,
      flows: 1 + int(3),
      packets: srcaddr ? 1 + int(50) : 0,
      bytes: srcaddr ? 40 + int(5000) : 0,
      firstSeen: first,
      lastSeen: Math.min(first + int(60_000), time + 299_999),
    });
  }
  return {
    file: {
      id: 'b'.repeat(64),
      uri: 's3://logs/busy.log.gz',
      size: 1,
      events: 0,
      errors: 0,
      ingestedAt: MIDNIGHT,
    },
    events: [],
    findings: [],
    errors: [],
    flowAggregates: flows,
  };
}

const QUERIES: SummaryQuery[] = [
  { top: 5 },
  { top: 3, since: MIDNIGHT - 3_600_000, until: MIDNIGHT },
  { top: 5, since: MIDNIGHT + 45 * 60_000 },
  { fileIds: ['b'.repeat(64)], top: 10 },
];

async function sections(store: EventStore) {
  return Promise.all(QUERIES.map(async (q) => (await store.summarize(q)).sources));
}

test('a busy flow file: summary parts under the item limit, same sources as DuckDB, and a crashed write retried without double counting', async () => {
  const batch = busyFlowFile();
  const duck = await DuckDbEventStore.open(':memory:');
  await duck.ingest(batch);
  await duck.flush();
  const expected = await sections(duck);
  await duck.close();
  const flow = expected[0]?.find((s) => s.source === 'vpc-flow');
  assert.ok(flow?.flow && flow.flow.storedRows === 80_000 && flow.flow.rejected > 0 && flow.flow.noData > 0);

  const tableName = 'flow-summary';
  await createEventTable(client, tableName);
  // The first store dies while writing its file record, after the summary items went out.
  let crashed = false;
  const crashing = new DynamoDbEventStore(client, {
    tableName,
    wrapSender: (sender) => ({
      send: ((command: unknown) => {
        const puts =
          command instanceof BatchWriteCommand ? (command.input.RequestItems?.[tableName] ?? []) : [];
        if (!crashed && puts.some((r) => String(r.PutRequest?.Item?.pk).startsWith('FILE#'))) {
          crashed = true;
          return Promise.reject(new Error('Lambda timed out'));
        }
        return sender.send(command as never);
      }) as DynamoDBDocumentClient['send'],
    }),
  });
  await crashing.ingest(batch);
  await assert.rejects(crashing.flush(), /Lambda timed out/);
  assert.ok(crashed, 'the summary items were written before the crash');
  const store = new DynamoDbEventStore(client, { tableName });
  assert.equal(await store.isIngested(batch.file.id), false, 'the crashed file is not recorded');
  await store.ingest(batch);
  await store.flush();
  assert.deepEqual(await sections(store), expected);

  const doc = DynamoDBDocumentClient.from(client);
  const parts: number[] = [];
  for (const day of [DAY_ONE, '2024-03-06']) {
    const out = await doc.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `SUM#${day}` },
      }),
    );
    for (const item of out.Items ?? []) parts.push((item.data as Uint8Array).length);
  }
  assert.ok(parts.length > 2, `the rollup is split over ${parts.length} items`);
  console.log(`summary items: ${parts.length}, largest ${Math.max(...parts)} bytes`);
  for (const bytes of parts) assert.ok(bytes <= PART_BYTES, `${bytes} bytes in one summary item`);
});
