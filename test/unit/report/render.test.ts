import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { offlineInsights } from '../../../src/adapters/local/offline-insights.ts';
import { renderHtml } from '../../../src/core/report/render-html.ts';
import { renderJson } from '../../../src/core/report/render-json.ts';
import { mdText, renderMarkdown } from '../../../src/core/report/render-markdown.ts';
import { renderTerminal } from '../../../src/core/report/render-terminal.ts';
import type { Report } from '../../../src/core/report/report.ts';
import { type HostileFixture, hostileFixture, XSS_NAME } from '../../helpers/hostile-report.ts';

let fx: HostileFixture;
let report: Report;
before(async () => {
  fx = await hostileFixture();
  report = { ...fx.report, insights: offlineInsights(fx.report) };
});
after(() => fx.close());

describe('report renderers', () => {
  it('JSON carries the seed fields and ISO times', () => {
    const doc = JSON.parse(renderJson(report));
    for (const key of [
      'totalEvents',
      'highRiskEvents',
      'errorEvents',
      'anomalies',
      'hourlyDistribution',
      'userActivity',
      'serviceActivity',
    ])
      assert.ok(key in doc, key);
    assert.equal(doc.period.since, '2023-07-10T00:00:00.000Z');
    assert.match(doc.findings[0].time, /^2023-07-10T12:0\d:00\.000Z$/);
    assert.equal(doc.findingsByTactic[0].tactic, 'TA0005');
  });

  it('terminal output keeps log text from carrying escape sequences', () => {
    const hostile: Report = {
      ...report,
      userActivity: [{ name: 'mallory\u001b[2J\u001b]0;pwned\u0007', count: 1 }],
    };
    const plain = renderTerminal(hostile, { color: false });
    assert.ok(!plain.includes('\u001b'), 'no escape character without colour');
    const coloured = renderTerminal(hostile, { color: true });
    assert.ok(!coloured.includes('\u001b[2J') && !coloured.includes('\u0007'));
    assert.match(plain, /Executive summary \(offline\)/);
  });

  it('Markdown escapes HTML and table syntax from the logs', () => {
    assert.equal(mdText('a|b <img src=x> *x*'), 'a\\|b \\<img src=x\\> \\*x\\*');
    const md = renderMarkdown(report);
    assert.ok(!/(^|[^\\])<(img|script)/m.test(md), 'every < from the logs is backslash-escaped');
    assert.ok(md.includes('\\<img src=x'));
    assert.match(md, /## Findings \(5\)/);
  });

  it('HTML escapes every log-derived string and loads nothing', () => {
    const html = renderHtml(report);
    assert.ok(!html.includes(XSS_NAME), 'the raw payload never appears');
    assert.ok(!/<img|<script>window/.test(html));
    assert.equal((html.match(/<script>/g) ?? []).length, 1);
    assert.ok(!/(src|href)=["']?(https?:)?\/\//i.test(html), 'no external references');
    assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
  });
});
