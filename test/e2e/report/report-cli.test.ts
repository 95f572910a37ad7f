import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { CLI_ARGS } from '../../helpers/cli.ts';

const run = promisify(execFile);
const SAMPLE = join(import.meta.dirname, '../../../examples/cloudtrail');
const SINCE = '2023-07-10T00:00:00Z';
const UNTIL = '2023-07-11T00:00:00Z';

let dir: string;
let db: string;
/** The custom-period JSON report of the first test, reused by the next. */
let customReport: { totalEvents: number } | undefined;

async function cli(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, [...CLI_ARGS, ...args], {
      env: { ...process.env, NO_COLOR: '1', ...env },
      maxBuffer: 64 << 20,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** Counts computed straight from the JSON files with DuckDB's read_json — not through logwarden's store. */
async function independentCounts() {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  const glob = join(SAMPLE, '*.json').replaceAll("'", "''");
  await conn.run(`CREATE TABLE raw AS
    SELECT DISTINCT ON (r->>'eventID') r FROM (
      SELECT unnest(Records) AS r FROM read_json('${glob}', columns = {Records: 'JSON[]'}, maximum_object_size = 268435456))
    WHERE (r->>'eventTime')::TIMESTAMP >= TIMESTAMP '2023-07-10 00:00:00' AND (r->>'eventTime')::TIMESTAMP < TIMESTAMP '2023-07-11 00:00:00'`);
  const rows = async (sql: string) => (await conn.runAndReadAll(sql)).getRowObjectsJS();
  const ranked = async (expr: string, where = 'TRUE') =>
    (
      await rows(
        `SELECT ${expr} AS name, count(*) AS n FROM raw WHERE ${where} GROUP BY 1 ORDER BY n DESC, name LIMIT 10`,
      )
    ).map((r) => ({ name: String(r.name), count: Number(r.n) }));
  const [totals] = await rows(
    `SELECT count(*) AS total, count(*) FILTER (WHERE r->>'errorCode' IS NOT NULL) AS errors FROM raw`,
  );
  const hourly = new Array(24).fill(0);
  for (const r of await rows(
    `SELECT hour((r->>'eventTime')::TIMESTAMP) AS h, count(*) AS n FROM raw GROUP BY 1`,
  ))
    hourly[Number(r.h)] = Number(r.n);
  const iamUsers = await rows(
    `SELECT r->'userIdentity'->>'userName' AS name, count(*) AS n FROM raw WHERE r->'userIdentity'->>'type' = 'IAMUser' GROUP BY 1`,
  );
  const result = {
    total: Number(totals.total),
    errors: Number(totals.errors),
    services: await ranked(`r->>'eventSource'`),
    actions: await ranked(`r->>'eventName'`),
    errorCodes: await ranked(`r->>'errorCode'`, `r->>'errorCode' IS NOT NULL`),
    hourly,
    iamUsers: new Map(iamUsers.map((r) => [String(r.name), Number(r.n)])),
  };
  conn.closeSync();
  instance.closeSync();
  return result;
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'logwarden-report-e2e-'));
  db = join(dir, 'lw.duckdb');
  const analyzed = await cli(['analyze', SAMPLE, '--db', db, '--no-progress', '--format', 'json']);
  assert.ok(analyzed.code === 0 || analyzed.code === 1, analyzed.stderr);
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('logwarden report on the bundled sample', () => {
  it('matches counts computed independently from the JSON files', async () => {
    const { code, stdout, stderr } = await cli([
      'report',
      '--db',
      db,
      '--since',
      SINCE,
      '--until',
      UNTIL,
      '--format',
      'json',
    ]);
    assert.equal(code, 0, stderr);
    const report = JSON.parse(stdout);
    customReport = report;
    const expected = await independentCounts();
    assert.ok(expected.total > 2000, 'the sample has thousands of events on 2023-07-10');
    assert.equal(report.totalEvents, expected.total);
    assert.equal(report.errorEvents, expected.errors);
    assert.deepEqual(report.serviceActivity, expected.services);
    assert.deepEqual(report.actionActivity, expected.actions);
    assert.deepEqual(report.errorActivity, expected.errorCodes);
    assert.deepEqual(report.hourlyDistribution, expected.hourly);
    for (const u of report.userActivity.filter((x: { name: string }) => expected.iamUsers.has(x.name))) {
      assert.equal(u.count, expected.iamUsers.get(u.name), `events of IAM user ${u.name}`);
    }
    assert.ok(report.userActivity.some((u: { name: string }) => u.name === 'bert-jan'));
    for (let i = 1; i < report.userActivity.length; i++)
      assert.ok(
        report.userActivity[i - 1].count >= report.userActivity[i].count,
        'top users sorted by count',
      );
    // Shape: period, change against the (empty) previous day, findings consistent with their counts.
    assert.equal(report.period.since, '2023-07-10T00:00:00.000Z');
    assert.equal(report.period.previous.since, '2023-07-09T00:00:00.000Z');
    assert.deepEqual(report.change.totalEvents, {
      current: expected.total,
      previous: 0,
      delta: expected.total,
      percent: null,
    });
    const bySeverity = Object.values(report.findingsBySeverity as Record<string, number>).reduce(
      (a, b) => a + b,
      0,
    );
    assert.equal(report.totalFindings, bySeverity);
    assert.equal(report.findings.length + report.findingsOmitted, report.totalFindings);
    assert.ok(report.findings.length > 0);
    for (const a of report.anomalies)
      assert.equal(
        a.score,
        Math.min(
          10,
          Math.round(
            (({
              UNUSUAL_TIME: 2,
              UNUSUAL_LOCATION: 4,
              HIGH_RISK_ACTION: 5,
              ROOT_USER_ACTIVITY: 6,
              FAILED_AUTHENTICATION: 3,
            }[a.type as string] as number) +
              Math.log10(a.count)) *
              100,
          ) / 100,
        ),
      );
    assert.equal(report.insights.provider, 'offline');
    assert.equal(report.schemaVersion, 1);
  });

  it('a daily period (--at) covers the same day; md, html and terminal render it', async () => {
    const daily = JSON.parse(
      (
        await cli([
          'report',
          '--db',
          db,
          '--period',
          'daily',
          '--at',
          '2023-07-10T12:00:00Z',
          '--format',
          'json',
        ])
      ).stdout,
    );
    assert.ok(customReport, 'the first test ran');
    assert.equal(daily.totalEvents, customReport.totalEvents);
    assert.equal(daily.period.label, '2023-07-10');
    for (const format of ['md', 'html']) {
      const out = join(dir, `report.${format}`);
      const res = await cli([
        'report',
        '--db',
        db,
        '--since',
        SINCE,
        '--until',
        UNTIL,
        '--format',
        format,
        '--out',
        out,
      ]);
      assert.equal(res.code, 0, res.stderr);
      const text = readFileSync(out, 'utf8');
      assert.ok(text.includes(daily.totalEvents.toLocaleString('en-US')), `${format} shows the event total`);
    }
    const bad = await cli(['report', '--db', db, '--format', 'pdf']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /argument 'pdf' is invalid\. Allowed choices are terminal, md, json, html/);
  });

  it('--notify sends to a configured webhook once and reports a failing channel', async () => {
    const got: string[] = [];
    const server: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        got.push(body);
        res.end('ok');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as AddressInfo).port;
      const config = join(dir, 'notify.yaml');
      writeFileSync(
        config,
        `report:\n  notifications:\n    level: all\n    webhook:\n      url: http://127.0.0.1:${port}/hook\n      secretEnv: LW_TEST_SECRET\n`,
      );
      const args = [
        'report',
        '--db',
        db,
        '--config',
        config,
        '--since',
        SINCE,
        '--until',
        UNTIL,
        '--format',
        'json',
        '--out',
        join(dir, 'n.json'),
        '--notify',
      ];
      const first = await cli(args, { LW_TEST_SECRET: 'a-long-enough-signing-secret' });
      assert.equal(first.code, 0, first.stderr);
      assert.match(first.stderr, /webhook: sent \d+ new finding/);
      const second = await cli(args, { LW_TEST_SECRET: 'a-long-enough-signing-secret' });
      assert.match(second.stderr, /webhook: nothing new to send/);
      assert.equal(got.length, 1);

      writeFileSync(
        config,
        `report:\n  notifications:\n    level: all\n    webhook:\n      url: http://127.0.0.1:${port}/hook\n    slack:\n      webhookUrl: http://127.0.0.1:1/closed\n`,
      );
      const failing = await cli(args);
      assert.equal(failing.code, 4);
      assert.match(failing.stderr, /slack: failed/);
      assert.match(failing.stderr, /webhook: nothing new to send/);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
