import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { OfflineInsights } from '../../../src/adapters/local/offline-insights.ts';
import { insightModelFor } from '../../../src/adapters/report-wiring.ts';
import { parseConfig } from '../../../src/core/config.ts';
import { resolveInsights } from '../../../src/core/report/insights.ts';
import { type HostileFixture, hostileFixture } from '../../helpers/hostile-report.ts';

type Handler = (body: Record<string, unknown>, req: IncomingMessage, res: ServerResponse) => void;

let fx: HostileFixture;
let server: Server;
let url: string;
let handler: Handler;
const seen: { body: Record<string, unknown>; auth?: string; path?: string }[] = [];

before(async () => {
  fx = await hostileFixture();
  server = createServer((req, res) => {
    let data = '';
    req.on('data', (c) => {
      data += c;
    });
    req.on('end', () => {
      const body = JSON.parse(data);
      seen.push({ body, auth: req.headers.authorization, path: req.url });
      handler(body, req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/chat/completions`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await fx.close();
});

function model(timeoutSeconds = 5) {
  const config = parseConfig({
    report: {
      insights: { provider: 'openai', url, model: 'llama3.1:8b', apiKeyEnv: 'TEST_LLM_KEY', timeoutSeconds },
    },
  });
  return insightModelFor('openai', config.report.insights, { env: { TEST_LLM_KEY: 'sk-local-test' } });
}

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

describe('OpenAI-compatible insights against a local chat completions server', () => {
  it('posts the prompt with model and key, and grounds the reply', async () => {
    const target = fx.report.findings[0];
    handler = (_b, _q, res) =>
      json(res, 200, {
        id: 'chatcmpl-1',
        object: 'chat.completion',
        choices: [
          {
            index: 0,
            finish_reason: 'stop',
            message: {
              role: 'assistant',
              content: `Sure.\n\`\`\`\n${JSON.stringify({ executiveSummary: 'Audit logging was attacked.', insights: [{ title: 'Trail stopped', detail: 'd', findingIds: [target.id] }], recommendations: [] })}\n\`\`\``,
            },
          },
        ],
      });
    seen.length = 0;
    const out = await resolveInsights(fx.report, model(), new OfflineInsights());
    assert.equal(out.provider, 'openai');
    assert.equal(out.model, 'llama3.1:8b');
    assert.deepEqual(out.insights[0].findingIds, [target.id]);
    assert.equal(seen[0].path, '/v1/chat/completions');
    assert.equal(seen[0].auth, 'Bearer sk-local-test');
    assert.equal(seen[0].body.model, 'llama3.1:8b');
    const messages = seen[0].body.messages as { role: string; content: string }[];
    assert.deepEqual(
      messages.map((m) => m.role),
      ['system', 'user'],
    );
    assert.ok(messages[1].content.includes('<report-data>'));
  });

  it('falls back on an HTTP error, a non-completion body, and a timeout', async () => {
    handler = (_b, _q, res) => json(res, 500, { error: 'model not loaded' });
    const a = await resolveInsights(fx.report, model(), new OfflineInsights());
    assert.equal(a.provider, 'offline');
    assert.match(a.fallbackReason ?? '', /HTTP 500/);

    handler = (_b, _q, res) => json(res, 200, { result: 'not a chat completion' });
    const b = await resolveInsights(fx.report, model(), new OfflineInsights());
    assert.match(b.fallbackReason ?? '', /did not answer a chat completion/);

    handler = () => {}; // never answers
    const c = await resolveInsights(fx.report, model(0.3), new OfflineInsights());
    assert.equal(c.provider, 'offline');
    assert.match(c.fallbackReason ?? '', /timeout|aborted/i);
  });

  it('needs its API key variable to be set', () => {
    const config = parseConfig({
      report: { insights: { provider: 'openai', url, model: 'm', apiKeyEnv: 'MISSING_KEY_VAR' } },
    });
    assert.throws(
      () => insightModelFor('openai', config.report.insights, { env: {} }),
      /MISSING_KEY_VAR is not set/,
    );
    assert.throws(() => parseConfig({ report: { insights: { provider: 'openai' } } }), /needs url and model/);
  });
});
