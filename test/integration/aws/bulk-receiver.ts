/**
 * A stand-in for OpenSearch's REST API on 127.0.0.1, enough for the processors: index templates
 * (`PUT`/`POST /_index_template/<name>`) and the bulk API (`POST /_bulk`, NDJSON action/document pairs,
 * checked strictly). It keeps the last document per index and id, as OpenSearch does, and can be
 * told to answer every request with an error status.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export class BulkReceiver {
  private server?: Server;
  /** Template name → body. */
  readonly templates = new Map<string, Record<string, unknown>>();
  /** `index/id` → document. */
  readonly documents = new Map<string, Record<string, unknown>>();
  /** Requests received, as `METHOD path`. */
  readonly requests: string[] = [];
  /** When set, every request is answered with this status and no document is stored. */
  failWith?: number;

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
    if (req.method === 'POST' && path === '/_bulk') return [200, this.bulk(text)];
    return [404, { error: `unexpected ${req.method} ${path}` }];
  }

  private bulk(text: string) {
    if (!text.endsWith('\n')) throw new Error('a bulk body ends with a newline');
    const lines = text.slice(0, -1).split('\n');
    if (lines.length % 2 !== 0) throw new Error('a bulk body holds action/document pairs');
    const items = [];
    for (let i = 0; i < lines.length; i += 2) {
      const action = JSON.parse(lines[i]) as { index?: { _index?: unknown; _id?: unknown } };
      const { _index, _id } = action.index ?? {};
      if (typeof _index !== 'string' || typeof _id !== 'string')
        throw new Error(`not an index action: ${lines[i]}`);
      const key = `${_index}/${_id}`;
      const created = !this.documents.has(key);
      this.documents.set(key, JSON.parse(lines[i + 1]));
      items.push({ index: { _index, _id, status: created ? 201 : 200 } });
    }
    return { took: 1, errors: false, items };
  }
}
