/**
 * The OpenSearch adapter against a small bulk-API receiver on 127.0.0.1 (no OpenSearch runs here):
 * the receiver parses every NDJSON bulk body the client sends, checks its shape, and answers like
 * OpenSearch does, including per-item 429 and 400 rejections.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
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

interface BulkCall {
  contentType: string;
  actions: { index: { _index: string; _id: string } }[];
  docs: Record<string, unknown>[];
}

/** What the receiver saw and how it answers. */
class BulkReceiver {
  server!: Server;
  templates = new Map<string, Record<string, unknown>>();
  bulks: BulkCall[] = [];
  /** Ids to reject with 429 this many more times. */
  throttle = new Map<string, number>();
  /** Ids to reject with a mapping error. */
  reject = new Set<string>();
  /** Stored documents by index and id (last write wins, as in OpenSearch). */
  stored = new Map<string, Record<string, unknown>>();

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      this.handle(req)
        .then(([status, body]) => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(body));
        })
        .catch((err: Error) => {
          res.writeHead(400, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { type: 'parse_exception', reason: err.message } }));
        });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage): Promise<[number, unknown]> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const template = /^\/_index_template\/([^/?]+)/.exec(req.url ?? '');
    if ((req.method === 'PUT' || req.method === 'POST') && template) {
      this.templates.set(decodeURIComponent(template[1]), JSON.parse(text));
      return [200, { acknowledged: true }];
    }
    if (req.method === 'POST' && req.url?.startsWith('/_bulk')) return [200, this.bulk(req, text)];
    return [404, { error: `unexpected ${req.method} ${req.url}` }];
  }

  /** Parses an NDJSON bulk body strictly: newline-terminated, action line then document line. */
  private bulk(req: IncomingMessage, text: string) {
    if (!text.endsWith('\n')) throw new Error('bulk body must end with a newline');
    const lines = text.slice(0, -1).split('\n');
    if (lines.length % 2 !== 0)
      throw new Error(`bulk body has ${lines.length} lines, not action/document pairs`);
    const call: BulkCall = { contentType: String(req.headers['content-type']), actions: [], docs: [] };
    const items = [];
    for (let i = 0; i < lines.length; i += 2) {
      const action = JSON.parse(lines[i]);
      const doc = JSON.parse(lines[i + 1]);
      const keys = Object.keys(action);
      if (keys.length !== 1 || keys[0] !== 'index') throw new Error(`unexpected bulk action ${lines[i]}`);
      const { _index, _id } = action.index;
      if (typeof _index !== 'string' || typeof _id !== 'string')
        throw new Error('index action without _index/_id');
      call.actions.push(action);
      call.docs.push(doc);
      const left = this.throttle.get(_id) ?? 0;
      if (left > 0) {
        this.throttle.set(_id, left - 1);
        items.push({
          index: {
            _index,
            _id,
            status: 429,
            error: { type: 'es_rejected_execution_exception', reason: 'queue full' },
          },
        });
      } else if (this.reject.has(_id)) {
        items.push({
          index: {
            _index,
            _id,
            status: 400,
            error: { type: 'mapper_parsing_exception', reason: 'failed to parse field [time]' },
          },
        });
      } else {
        const key = `${_index}/${_id}`;
        const created = !this.stored.has(key);
        this.stored.set(key, doc);
        items.push({
          index: { _index, _id, status: created ? 201 : 200, result: created ? 'created' : 'updated' },
        });
      }
    }
    this.bulks.push(call);
    return { took: 1, errors: items.some((i) => i.index.status >= 300), items };
  }
}

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
  beforeEach(() => {
    receiver.bulks = [];
    receiver.throttle.clear();
    receiver.reject.clear();
    receiver.stored.clear();
  });

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
    const before = receiver.stored.size;
    await indexer.indexFindings(fixture.findings);
    assert.equal(receiver.stored.size, before);
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
