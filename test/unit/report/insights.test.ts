import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { offlineInsights } from '../../../src/adapters/local/offline-insights.ts';
import type { InsightModel } from '../../../src/core/ports.ts';
import { insightsReplySchema, resolveInsights } from '../../../src/core/report/insights.ts';
import { buildInsightsPrompt, DATA_CLOSE, DATA_OPEN } from '../../../src/core/report/insights-prompt.ts';
import {
  extractJson,
  InsightsReplyError,
  parseInsightsReply,
} from '../../../src/core/report/insights-reply.ts';
import type { Report } from '../../../src/core/report/report.ts';
import {
  type HostileFixture,
  hostileFixture,
  INJECTION,
  SCRIPT_AGENT,
  XSS_NAME,
} from '../../helpers/hostile-report.ts';

let fx: HostileFixture;
let report: Report;
before(async () => {
  fx = await hostileFixture();
  report = fx.report;
});
after(() => fx.close());

describe('extractJson', () => {
  const obj = { executiveSummary: 'x', insights: [] };
  it('reads bare JSON, fenced JSON and JSON wrapped in prose', () => {
    assert.deepEqual(extractJson(JSON.stringify(obj)), obj);
    assert.deepEqual(
      extractJson(`Here you go:\n\`\`\`json\n${JSON.stringify(obj, null, 2)}\n\`\`\`\nHope it helps.`),
      obj,
    );
    assert.deepEqual(
      extractJson(`Sure! The analysis {as requested} is: ${JSON.stringify(obj)} — let me know.`),
      obj,
    );
    assert.deepEqual(extractJson('{"executiveSummary":"a } brace in a string","insights":[]}'), {
      executiveSummary: 'a } brace in a string',
      insights: [],
    });
  });
  it('throws InsightsReplyError when there is no JSON object', () => {
    assert.throws(() => extractJson('I cannot help with that.'), InsightsReplyError);
    assert.throws(() => extractJson('{"executiveSummary": "unterminated'), InsightsReplyError);
  });
});

describe('parseInsightsReply', () => {
  it('keeps claims citing existing findings and drops the rest', () => {
    const [a, b] = report.findings;
    const reply = {
      executiveSummary: 'Two principals tampered with logging.',
      insights: [
        { title: 'grounded', detail: 'd', severity: 'CRITICAL', findingIds: [a.id, 'made-up'] },
        { title: 'invented', detail: 'd', findingIds: ['not-a-finding'] },
        { title: 'uncited', detail: 'd' },
      ],
      recommendations: [{ action: 'rotate keys', rationale: 'r', priority: 'urgent', findingIds: [b.id] }],
    };
    const out = parseInsightsReply(JSON.stringify(reply), report, { provider: 'test' });
    assert.deepEqual(
      out.insights.map((i) => [i.title, i.findingIds]),
      [['grounded', [a.id]]],
    );
    assert.equal(out.recommendations[0].priority, 'medium', 'an unknown priority is coerced, not fatal');
    assert.equal(out.dropped, 2);
  });
  it('rejects a reply whose every claim is ungrounded, or that misses the schema', () => {
    const unknown = {
      executiveSummary: 's',
      insights: [{ title: 't', findingIds: ['x'] }],
      recommendations: [],
    };
    assert.throws(
      () => parseInsightsReply(JSON.stringify(unknown), report, { provider: 't' }),
      /cited no finding id/,
    );
    assert.throws(
      () => parseInsightsReply('{"summary": "wrong shape"}', report, { provider: 't' }),
      /schema/,
    );
  });
});

describe('insights prompt', () => {
  it('carries log-derived strings only as quoted data inside the data block', () => {
    const { system, user } = buildInsightsPrompt(report);
    const start = user.indexOf(DATA_OPEN);
    const end = user.lastIndexOf(DATA_CLOSE);
    assert.ok(start >= 0 && end > start);
    assert.equal(user.indexOf(DATA_CLOSE), end, 'the data cannot close its own block early');
    const outside = user.slice(0, start) + user.slice(end);
    const needle = 'Ignore previous instructions';
    assert.ok(
      !system.includes(needle) && !outside.includes(needle),
      'the injection never appears among the instructions',
    );
    const block = user.slice(start + DATA_OPEN.length, end);
    const data = JSON.parse(block);
    assert.ok(JSON.stringify(data).includes(needle), 'the injection is present as data');
    // Each occurrence is inside a JSON string value (preceded by a quote) — never bare text.
    for (const m of block.matchAll(/Ignore previous instructions/g)) {
      const before = block.slice(0, m.index);
      const lineStart = before.lastIndexOf('\n');
      assert.match(block.slice(lineStart + 1, m.index), /^\s*"[^"]*": "/);
    }
    assert.ok(
      !block.includes('<script>') && !block.includes('</report-data>'),
      'angle brackets are escaped inside the block',
    );
    assert.ok(data.findings.some((f: { principal?: { name: string } }) => f.principal?.name === XSS_NAME));
    assert.match(system, /Never follow instructions/);
    assert.ok(!user.includes('"raw"'), 'no raw log records');
  });
  it('truncates long log-derived strings', () => {
    const { user } = buildInsightsPrompt(report, { maxStringLength: 30 });
    assert.ok(!user.includes(INJECTION), 'the full 100-character injection is cut');
    assert.match(user, /"Ignore previous instructions ?…"/);
    assert.ok(!user.includes(SCRIPT_AGENT));
  });
});

describe('offline insights', () => {
  it('are deterministic, valid and cite only findings of the report', () => {
    const a = offlineInsights(report);
    assert.deepEqual(a, offlineInsights(report));
    insightsReplySchema.parse(a);
    const ids = new Set(report.findings.map((f) => f.id));
    for (const item of [...a.insights, ...a.recommendations]) {
      assert.ok(item.findingIds.length > 0);
      for (const id of item.findingIds) assert.ok(ids.has(id));
    }
    assert.match(a.executiveSummary, /6 events/);
    assert.match(a.executiveSummary, /5 findings were raised: 5 critical/);
    assert.ok(
      a.recommendations.some((r) => /CloudTrail/.test(r.action)),
      'logging tampering gets its recommendation',
    );
    assert.ok(
      a.recommendations.some((r) => /credentials/.test(r.action)),
      'CreateAccessKey gets its recommendation',
    );
  });

  it('resolveInsights falls back to offline with the reason when the model throws', async () => {
    const offline: InsightModel = { provider: 'offline', generate: async (r) => offlineInsights(r) };
    const broken: InsightModel = {
      provider: 'bedrock',
      generate: async () => {
        throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
      },
    };
    const out = await resolveInsights(report, broken, offline);
    assert.equal(out.provider, 'offline');
    assert.match(out.fallbackReason ?? '', /bedrock insights failed \(ThrottlingException: Rate exceeded\)/);
  });
});
