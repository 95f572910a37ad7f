import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Browser, chromium, type Page } from 'playwright-core';
import { offlineInsights } from '../../../src/adapters/local/offline-insights.ts';
import type { Severity } from '../../../src/core/finding.ts';
import { renderHtml } from '../../../src/core/report/render-html.ts';
import type { Report } from '../../../src/core/report/report.ts';
import { type HostileFixture, hostileFixture, SCRIPT_AGENT, XSS_NAME } from '../../helpers/hostile-report.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];

let fx: HostileFixture;
let dir: string;
let browser: Browser;
let page: Page;
let report: Report;
const requests: string[] = [];
const errors: string[] = [];

before(async () => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium`);
  fx = await hostileFixture();
  // Mixed severities so the severity filter has something to separate.
  const severities: Severity[] = ['CRITICAL', 'HIGH', 'HIGH', 'MEDIUM', 'LOW'];
  const findings = fx.report.findings.map((f, i) => ({ ...f, severity: severities[i], riskScore: 9 - i }));
  const base: Report = {
    ...fx.report,
    findings,
    findingsBySeverity: { CRITICAL: 1, HIGH: 2, MEDIUM: 1, LOW: 1 },
  };
  report = { ...base, insights: offlineInsights(base) };
  dir = mkdtempSync(join(tmpdir(), 'logwarden-html-'));
  const file = join(dir, 'report.html');
  writeFileSync(file, renderHtml(report));
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto(`file://${file}`, { waitUntil: 'load' });
});

after(async () => {
  await browser?.close();
  await fx?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const visibleRows = () =>
  page.$$eval('#findings tbody tr', (rows) => rows.filter((r) => !(r as HTMLElement).hidden).length);

describe('self-contained HTML report in headless Chromium', () => {
  it('makes no network request and runs no injected script', async () => {
    assert.deepEqual(
      requests.filter((u) => !u.startsWith('file://')),
      [],
    );
    assert.equal(requests.length, 1, 'only the file itself is loaded');
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    assert.equal(await page.evaluate(() => document.images.length), 0, 'no <img> was injected');
    assert.equal(await page.evaluate(() => document.scripts.length), 1, 'only the report’s own script');
    assert.deepEqual(errors, [], 'no script errors and no CSP violations');
    const principals = await page.$$eval('#findings td.principal', (cells) =>
      cells.map((c) => c.textContent),
    );
    assert.ok(principals.includes(XSS_NAME), 'the hostile user name is shown as text');
    await page.click('#findings tbody tr:first-child summary');
    const evidence = await page.textContent('#findings tbody tr:first-child pre');
    assert.ok(
      evidence?.includes(SCRIPT_AGENT) || (await page.content()).includes('&lt;script&gt;window.__pwned=2'),
      'script payloads appear as text',
    );
  });

  it('renders the hourly chart, severity breakdown, principals and ATT&CK coverage', async () => {
    const bars = await page.$$eval('#hourly rect.bar', (rects) =>
      rects.map((r) => ({ n: Number(r.getAttribute('data-count')), h: Number(r.getAttribute('height')) })),
    );
    assert.equal(bars.length, 24);
    assert.deepEqual(
      bars.map((b) => b.n),
      report.hourlyDistribution,
    );
    const peak = bars.reduce((a, b) => (b.n > a.n ? b : a));
    assert.ok(
      peak.h > 0 && bars.every((b) => b.h <= peak.h && b.n > 0 === b.h > 0),
      'bar heights follow the counts',
    );
    const sev = await page.$$eval('#severity .sevrow', (rows) =>
      rows.map((r) => [r.getAttribute('data-severity'), Number(r.getAttribute('data-count'))]),
    );
    assert.deepEqual(sev, [
      ['CRITICAL', 1],
      ['HIGH', 2],
      ['MEDIUM', 1],
      ['LOW', 1],
    ]);
    const tactics = await page.$$eval('#mitre .tactic', (tiles) =>
      tiles.map((t) => [t.getAttribute('data-tactic'), Number(t.getAttribute('data-findings'))]),
    );
    assert.equal(tactics.length, 14);
    assert.deepEqual(
      tactics.filter(([, n]) => (n as number) > 0),
      [['TA0005', 1]],
    );
    const principalRows = await page.$$eval('#principals tbody tr', (rows) => rows.length);
    assert.equal(principalRows, report.riskiestPrincipals.length);
    const kpi = await page.$$eval('#totals .kpi .value', (v) => v.map((x) => x.textContent));
    assert.equal(kpi[0], String(report.totalEvents));
    const shot = join(dir, 'report.png');
    await page.screenshot({ path: shot, fullPage: true });
    assert.ok(statSync(shot).size > 20_000, 'the screenshot has content');
    if (process.env.LOGWARDEN_SCREENSHOT)
      await page.screenshot({ path: process.env.LOGWARDEN_SCREENSHOT, fullPage: true });
  });

  it('filters the findings table by text and severity', async () => {
    assert.equal(await visibleRows(), 5);
    await page.fill('#f-search', 'putbucketpolicy');
    assert.equal(await visibleRows(), 1);
    assert.equal(await page.textContent('#f-count'), '1 of 5 findings');
    await page.fill('#f-search', '');
    await page.selectOption('#f-severity', { label: 'HIGH and above' });
    assert.equal(await visibleRows(), 3);
    const high = report.findings.find((f) => f.severity === 'HIGH');
    await page.fill('#f-search', high?.id ?? '');
    assert.equal(await visibleRows(), 1, 'text and severity filters combine');
    await page.fill('#f-search', '');
    await page.selectOption('#f-severity', { label: 'CRITICAL and above' });
    assert.equal(await visibleRows(), 1);
    await page.selectOption('#f-severity', { label: 'LOW and above' });
    await page.fill('#f-search', 'T1562');
    assert.equal(await visibleRows(), 1, 'ATT&CK ids are searchable');
    await page.fill('#f-search', '');
    assert.equal(await visibleRows(), 5);
  });

  it('sorts the findings table by a column, both ways', async () => {
    const times = () =>
      page.$$eval('#findings tbody tr', (rows) => rows.map((r) => Number(r.getAttribute('data-time'))));
    await page.click('#findings th[data-key="time"] button');
    const desc = await times();
    assert.deepEqual(
      desc,
      [...desc].sort((a, b) => b - a),
    );
    assert.equal(await page.getAttribute('#findings th[data-key="time"]', 'aria-sort'), 'descending');
    await page.click('#findings th[data-key="time"] button');
    const asc = await times();
    assert.deepEqual(
      asc,
      [...asc].sort((a, b) => a - b),
    );
    await page.click('#findings th[data-key="principal"] button');
    const names = await page.$$eval('#findings tbody tr', (rows) =>
      rows.map((r) => r.getAttribute('data-principal') ?? ''),
    );
    assert.deepEqual(names, [...names].sort());
    await page.click('#findings th[data-key="risk"] button');
    const risks = await page.$$eval('#findings tbody tr', (rows) =>
      rows.map((r) => Number(r.getAttribute('data-risk'))),
    );
    assert.deepEqual(
      risks,
      [...risks].sort((a, b) => b - a),
    );
  });
});
