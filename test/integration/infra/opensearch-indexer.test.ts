/**
 * The OpenSearch adapter against a small bulk-API receiver on 127.0.0.1 (no OpenSearch runs here):
 * the receiver parses every NDJSON bulk body the client sends, checks its shape, and answers like
 * OpenSearch does, including per-item 429 and 400 rejections.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, beforeEach, describe, it } from 'node:test';
import { Client } from '@opensearch-project/opensearch';
import {
  eventDocument,
  indexName,
  indexTemplates,
  OpenSearchIndexer,
} from '../../../src/adapters/aws/opensearch-indexer.ts';
import { defaultConfig } from '../../../src/core/config.ts';
import { defaultDetectors } from '../../../src/core/detect/default-detectors.ts';
import type { ProcessedEvent } from '../../../src/core/event.ts';
import type { Finding } from '../../../src/core/finding.ts';
import { Engine } from '../../../src/core/pipeline.ts';
import { parseLogFile } from '../../../src/core/sources/parse.ts';
import { BulkReceiver } from '../../helpers/bulk-receiver.ts';

/** Real findings and events: Stratus Red Team attacks (trail stopped, credentials stolen) through the engine. */
function processFixtures(...names: string[]): { events: ProcessedEvent[]; findings: Finding[] } {
  const events = names.flatMap((name) => {
    const path = `test/fixtures/cloudtrail/stratus/${name}`;
    return parseLogFile(path, readFileSync(path, 'utf8')).events;
  });
  const config = defaultConfig();
  return new Engine(config, defaultDetectors(config)).process(events);
}

describe('OpenSearchIndexer against a bulk receiver on 127.0.0.1', () => {
  const receiver = new BulkReceiver();
  let client: Client;
  let fixture: { events: ProcessedEvent[]; findings: Finding[] };
  const noWait = async () => {};

  before(async () => {
    client = new Client({ node: await receiver.start() });
    fixture = processFixtures(
      'aws.defense-evasion.cloudtrail-stop.json',
      'aws.credential-access.ec2-steal-instance-credentials.json',
    );
    assert.ok(fixture.events.length > 40, 'the attacks have events');
    assert.ok(fixture.findings.length > 0, 'the attack produces findings');
  });
  after(async () => {
    await client.close();
    await receiver.stop();
  });
  beforeEach(() => receiver.reset());

  it('names indexes per UTC day', () => {
    assert.equal(
      indexName('findings', Date.parse('2024-05-01T23:59:59.999Z')),
      'logwarden-findings-2024.05.01',
    );
    assert.equal(indexName('events', Date.parse('2024-05-02T00:00:00.000Z')), 'logwarden-events-2024.05.02');
    assert.equal(indexName('events', 0, 'acme'), 'acme-events-1970.01.01');
  });

  it('puts one composable template per kind with keyword ids and date timestamps', async () => {
    await new OpenSearchIndexer(client).ensureTemplates();
    assert.deepEqual([...receiver.templates.keys()].sort(), ['logwarden-events', 'logwarden-findings']);
    const findings = receiver.templates.get('logwarden-findings') as ReturnType<
      typeof indexTemplates
    >[string];
    assert.deepEqual(findings.index_patterns, ['logwarden-findings-*']);
    const props = (findings.template as { mappings: { properties: Record<string, { type?: string }> } })
      .mappings.properties;
    assert.equal(props['@timestamp'].type, 'date');
    assert.equal(props.id.type, 'keyword');
    assert.equal(props.severity.type, 'keyword');
    assert.deepEqual(receiver.templates.get('logwarden-events'), indexTemplates()['logwarden-events']);
  });

  it('indexes findings with their ids into the index of their day, as NDJSON', async () => {
    const result = await new OpenSearchIndexer(client).indexFindings(fixture.findings);
    assert.deepEqual(result, { indexed: fixture.findings.length, failed: [], requests: 1 });
    const [call] = receiver.bulks;
    assert.match(call.contentType, /application\/(x-ndjson|json)/);
    call.actions.forEach((action, i) => {
      const finding = fixture.findings[i];
      assert.equal(action.index._id, finding.id);
      assert.equal(action.index._index, indexName('findings', finding.time));
      assert.equal(call.docs[i]['@timestamp'], new Date(finding.time).toISOString());
      assert.equal(call.docs[i].ruleId, finding.ruleId);
      assert.equal(call.docs[i].severity, finding.severity);
    });
  });

  it('indexes events without the raw record', async () => {
    const result = await new OpenSearchIndexer(client).indexEvents(fixture.events);
    assert.equal(result.indexed, fixture.events.length);
    const docs = receiver.bulks.flatMap((b) => b.docs);
    assert.equal(docs.length, fixture.events.length);
    for (const doc of docs) {
      assert.equal('raw' in doc, false);
      assert.equal(typeof doc.action, 'string');
      assert.ok(Array.isArray(doc.anomalyFlags));
    }
    assert.deepEqual(docs[0], JSON.parse(JSON.stringify(eventDocument(fixture.events[0]))));
  });

  it('re-indexing the same findings overwrites instead of duplicating', async () => {
    const indexer = new OpenSearchIndexer(client);
    await indexer.indexFindings(fixture.findings);
    const before = receiver.documents.size;
    await indexer.indexFindings(fixture.findings);
    assert.equal(receiver.documents.size, before);
    assert.equal(before, new Set(fixture.findings.map((f) => f.id)).size);
  });

  it('splits large batches into bounded bulk requests', async () => {
    const many: ProcessedEvent[] = [];
    for (let i = 0; i < 1_201; i++)
      many.push({ ...fixture.events[i % fixture.events.length], id: `evt-${i}` });
    const result = await new OpenSearchIndexer(client, { maxDocsPerRequest: 500 }).indexEvents(many);
    assert.equal(result.indexed, 1_201);
    assert.deepEqual(
      receiver.bulks.map((b) => b.actions.length),
      [500, 500, 201],
    );
    const bySize = await new OpenSearchIndexer(client, { maxBytesPerRequest: 20_000 }).indexEvents(
      many.slice(0, 100),
    );
    assert.ok(bySize.requests > 1, `size bound splits requests (${bySize.requests})`);
  });

  it('retries only throttled documents and reports refused ones without throwing', async () => {
    const [a, b, c] = fixture.events;
    receiver.throttle.set(a.id, 2);
    receiver.reject.add(b.id);
    const result = await new OpenSearchIndexer(client, { sleep: noWait }).indexEvents([a, b, c]);
    assert.equal(result.indexed, 2);
    assert.equal(result.requests, 3);
    assert.deepEqual(result.failed, [
      {
        index: indexName('events', b.time),
        id: b.id,
        status: 400,
        reason: 'mapper_parsing_exception: failed to parse field [time]',
      },
    ]);
    assert.deepEqual(
      receiver.bulks.map((call) => call.actions.map((x) => x.index._id)),
      [[a.id, b.id, c.id], [a.id], [a.id]],
    );
  });

  it('gives up on a document that stays throttled after the retries', async () => {
    const [a] = fixture.events;
    receiver.throttle.set(a.id, 10);
    const result = await new OpenSearchIndexer(client, { sleep: noWait, maxRetries: 2 }).indexEvents([a]);
    assert.equal(result.indexed, 0);
    assert.equal(result.requests, 3);
    assert.equal(result.failed[0].status, 429);
  });
});
