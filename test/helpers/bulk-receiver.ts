/**
 * A stand-in for OpenSearch's REST API on 127.0.0.1 (no OpenSearch runs here), enough for the
 * indexer and the processors: index templates (`PUT`/`POST /_index_template/<name>`) and the bulk
 * API (`POST /_bulk`, NDJSON action/document pairs, checked strictly). It keeps the last document
 * per index and id, as OpenSearch does, and can be told to answer every request with an error
 * status, or to reject chosen documents per item (429 throttling, 400 mapping errors).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One bulk request as received. */
export interface BulkCall {
  contentType: string;
  actions: { index: { _index: string; _id: string } }[];
  docs: Record<string, unknown>[];
}

export class BulkReceiver {
  private server?: Server;
  /** Template name → body. */
  readonly templates = new Map<string, Record<string, unknown>>();
  /** `index/id` → document. */
  readonly documents = new Map<string, Record<string, unknown>>();
  /** Requests received, as `METHOD path`. */
  readonly requests: string[] = [];
  /** Bulk requests received, parsed. */
  readonly bulks: BulkCall[] = [];
  /** When set, every request is answered with this status and no document is stored. */
  failWith?: number;
  /** Document ids to answer with a 429 item this many more times. */
  readonly throttle = new Map<string, number>();
  /** Document ids to answer with a 400 mapping error item. */
  readonly reject = new Set<string>();

  /** Forgets what was received and every rejection set up (templates stay). */
  reset(): void {
    this.documents.clear();
    this.requests.length = 0;
    this.bulks.length = 0;
    this.throttle.clear();
    this.reject.clear();
    this.failWith = undefined;
  }

  /** Starts listening on 127.0.0.1 with an OS-assigned port; returns the endpoint URL. */
  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      this.answer(req)
        .then(([status, body]) => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(body));
        })
        .catch((err: Error) => {
          res.writeHead(400, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { type: 'parse_exception', reason: err.message } }));
        });
    });
    const server = this.server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    const server = this.server;
    if (!server) return Promise.resolve();
    server.closeAllConnections();
    return new Promise((resolve) => server.close(() => resolve()));
  }

  /** Documents of the indexes whose name starts with `prefix`. */
  docs(prefix: string): { index: string; id: string; doc: Record<string, unknown> }[] {
    return [...this.documents]
      .filter(([key]) => key.startsWith(prefix))
      .map(([key, doc]) => {
        const [index, id] = key.split('/');
        return { index, id, doc };
      });
  }

  private async answer(req: IncomingMessage): Promise<[number, unknown]> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const path = (req.url ?? '').split('?')[0];
    this.requests.push(`${req.method} ${path}`);
    if (this.failWith) return [this.failWith, { error: { type: 'unavailable', reason: 'test says no' } }];
    const template = /^\/_index_template\/([^/]+)$/.exec(path);
    if ((req.method === 'PUT' || req.method === 'POST') && template) {
      this.templates.set(decodeURIComponent(template[1]), JSON.parse(text));
      return [200, { acknowledged: true }];
    }
    if (req.method === 'POST' && path === '/_bulk') return [200, this.bulk(req, text)];
    return [404, { error: `unexpected ${req.method} ${path}` }];
  }

  private bulk(req: IncomingMessage, text: string) {
    if (!text.endsWith('\n')) throw new Error('a bulk body ends with a newline');
    const lines = text.slice(0, -1).split('\n');
    if (lines.length % 2 !== 0)
      throw new Error(`a bulk body holds action/document pairs, not ${lines.length} lines`);
    const call: BulkCall = { contentType: String(req.headers['content-type']), actions: [], docs: [] };
    const items = [];
    for (let i = 0; i < lines.length; i += 2) {
      const action = JSON.parse(lines[i]) as { index?: { _index?: unknown; _id?: unknown } };
      const { _index, _id } = action.index ?? {};
      if (Object.keys(action).length !== 1 || typeof _index !== 'string' || typeof _id !== 'string')
        throw new Error(`not an index action: ${lines[i]}`);
      const doc = JSON.parse(lines[i + 1]) as Record<string, unknown>;
      call.actions.push({ index: { _index, _id } });
      call.docs.push(doc);
      items.push({ index: { _index, _id, ...this.store(_index, _id, doc) } });
    }
    this.bulks.push(call);
    return { took: 1, errors: items.some((i) => i.index.status >= 300), items };
  }

  /** One item's outcome: a rejection set up by the test, else stored (created or updated). */
  private store(index: string, id: string, doc: Record<string, unknown>) {
    const left = this.throttle.get(id) ?? 0;
    if (left > 0) {
      this.throttle.set(id, left - 1);
      return { status: 429, error: { type: 'es_rejected_execution_exception', reason: 'queue full' } };
    }
    if (this.reject.has(id))
      return {
        status: 400,
        error: { type: 'mapper_parsing_exception', reason: 'failed to parse field [time]' },
      };
    const key = `${index}/${id}`;
    const created = !this.documents.has(key);
    this.documents.set(key, doc);
    return { status: created ? 201 : 200, result: created ? 'created' : 'updated' };
  }
}
