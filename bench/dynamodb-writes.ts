/**
 * `npx tsx bench/dynamodb-writes.ts`: what storing events in DynamoDB costs, measured against
 * dynalite on 127.0.0.1. Runs the real pipeline with `DynamoDbEventStore` over the bundled
 * CloudTrail examples (and a generated corpus of busier 500-event files) the way the Lambda
 * processor does — one store per invocation, one flush per invocation — for SQS batch sizes 1
 * and 10, and prints write requests (API calls), items and write capacity units per 1,000 events.
 * The seed article's design: one PutItem per event = 1,000 requests and ≥ 1,000 WCU per 1,000 events.
 *
 *   npx tsx bench/dynamodb-writes.ts [--corpus-events 20000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DynamoDbEventStore } from '../src/adapters/aws/dynamodb-store.ts';
import { FsObjectSource } from '../src/adapters/local/fs-source.ts';
import { defaultConfig } from '../src/core/config.ts';
import { defaultDetectors } from '../src/core/detect/default-detectors.ts';
import { Engine, runIngest } from '../src/core/pipeline.ts';
import type { ObjectSource, SourceObject } from '../src/core/ports.ts';
import { createEventTable, dynamoClient, startDynalite } from '../test/integration/aws/emulators.ts';
import { arg } from './cli-arg.ts';
import { makeCorpus } from './make-corpus.ts';

const root = resolve(import.meta.dirname, '..');

/** Per 1,000 events: what the store sent to DynamoDB. */
export interface WriteFigures {
  label: string;
  batchSize: number;
  files: number;
  events: number;
  requests: number;
  items: number;
  capacityUnits: number;
  /** Findings stored (one item each; how many the detectors raise, not the store's design). */
  findings: number;
}

async function listAll(dir: string): Promise<SourceObject[]> {
  const out: SourceObject[] = [];
  for await (const o of new FsObjectSource(dir, 512 * 2 ** 20).list()) out.push(o);
  return out;
}

/** Ingests `objects` in invocations of `batchSize` files, each with a fresh store, and sums what was written. */
export async function measureWrites(
  label: string,
  objects: SourceObject[],
  batchSize: number,
  endpoint: string,
  tableName: string,
): Promise<WriteFigures> {
  const client = dynamoClient(endpoint);
  await createEventTable(client, tableName);
  const config = defaultConfig();
  const totals = { requests: 0, items: 0, capacityUnits: 0, events: 0, findings: 0 };
  try {
    for (let i = 0; i < objects.length; i += batchSize) {
      const batch = objects.slice(i, i + batchSize);
      const source: ObjectSource = {
        async *list() {
          yield* batch;
        },
      };
      const store = new DynamoDbEventStore(client, { tableName, retentionDays: 400 });
      const run = await runIngest(source, new Engine(config, defaultDetectors(config)), {
        store,
        now: Date.now,
      });
      // The Lambda functions close the store after the run: that writes the changed detector state.
      await store.close();
      totals.events += run.eventsRead;
      totals.findings += run.findingsStored;
      totals.requests += store.writeStats.requests;
      totals.items += store.writeStats.items;
      totals.capacityUnits += store.writeStats.capacityUnits;
    }
  } finally {
    client.destroy();
  }
  return { label, batchSize, files: objects.length, ...totals };
}

function per1000(n: number, events: number): string {
  return ((n * 1000) / events).toFixed(1);
}

async function main(): Promise<void> {
  const dynalite = await startDynalite();
  const corpusDir = mkdtempSync(join(tmpdir(), 'logwarden-bench-ddb-'));
  try {
    const corpusEvents = Number(arg('corpus-events', '20000'));
    makeCorpus({
      out: corpusDir,
      events: corpusEvents,
      perFile: 500,
      layout: 'fixed',
      principals: 40,
      seed: 7,
      start: Date.parse('2024-03-04T00:00:00Z'),
      sources: [join(root, 'examples/cloudtrail'), join(root, 'test/fixtures/cloudtrail/stratus')],
    });
    const inputs = [
      {
        label: 'examples/cloudtrail (55 real files, 53 events/file)',
        objects: await listAll(join(root, 'examples/cloudtrail')),
      },
      {
        label: `generated corpus (${corpusEvents} events, 500 events/file)`,
        objects: await listAll(corpusDir),
      },
    ];
    const rows: WriteFigures[] = [];
    let table = 0;
    for (const input of inputs) {
      for (const batchSize of [1, 10]) {
        rows.push(
          await measureWrites(input.label, input.objects, batchSize, dynalite.endpoint, `bench-${++table}`),
        );
      }
    }
    console.log(
      'DynamoDB write requests per 1,000 events (seed design: 1,000 PutItem = 1,000 requests, >= 1,000 WCU)',
    );
    console.log(
      'input | SQS batch (files per invocation) | events | write requests | items written (of which findings) | WCU',
    );
    for (const r of rows) {
      console.log(
        `${r.label} | ${r.batchSize} | ${r.events} | ${per1000(r.requests, r.events)} | ${per1000(r.items, r.events)} (${per1000(r.findings, r.events)}) | ${per1000(r.capacityUnits, r.events)}`,
      );
    }
  } finally {
    rmSync(corpusDir, { recursive: true, force: true });
    await dynalite.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
