import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runCli, tempDir } from '../helpers/cli.ts';
import { EXAMPLES } from '../helpers/fixtures.ts';

const work = tempDir();
const db = join(work, 'store.duckdb');

describe('logwarden analyze on the bundled sample (spawned CLI)', () => {
  let first: Awaited<ReturnType<typeof runCli>>;

  it('prints one JSON document with the documented fields, and exits 0 without --fail-on', async () => {
    first = await runCli(['analyze', EXAMPLES, '--db', db, '--format', 'json']);
    assert.equal(first.code, 0, first.stderr);
    const doc = JSON.parse(first.stdout);
    assert.equal(doc.totalEvents, 2900);
    assert.equal(doc.run.eventsStored, 2900);
    assert.equal(doc.run.files, 55);
    for (const key of [
      'highRiskEvents',
      'errorEvents',
      'anomalies',
      'findings',
      'inputErrors',
      'topUsers',
      'topServices',
      'topActions',
      'hourly',
    ]) {
      assert.ok(key in doc, key);
    }
    assert.equal(doc.errorEvents, 300);
    assert.deepEqual(doc.inputErrors, []);
    for (const anomaly of doc.anomalies) {
      assert.deepEqual(Object.keys(anomaly).sort(), ['count', 'details', 'score', 'severity', 'type']);
    }
    assert.ok(doc.findings.length > 0);
    for (const finding of doc.findings) {
      for (const key of ['id', 'ruleId', 'severity', 'riskScore', 'eventIds', 'time', 'explanation'])
        assert.ok(key in finding, key);
    }
    // Top lists are sorted by count (seed bug 8).
    const counts = doc.topUsers.map((u: { count: number }) => u.count);
    assert.deepEqual(
      counts,
      [...counts].sort((a, b) => b - a),
    );
    assert.equal(doc.topUsers[0].name, 'bert-jan');
    assert.equal(
      doc.hourly.reduce((a: number, b: number) => a + b, 0),
      2900,
    );
  });

  it('shows the tampering and IAM activity of the sample in the terminal summary, with no progress bar when piped', async () => {
    const db2 = join(work, 'terminal.duckdb');
    const run = await runCli(['analyze', EXAMPLES, '--db', db2]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /CloudTrail trail deleted ×2/);
    assert.match(run.stdout, /Administrator policy attached/);
    assert.match(run.stdout, /VPC flow logs deleted/);
    assert.match(run.stdout, /HIGH_RISK_ACTION/);
    assert.match(run.stdout, /Top principals/);
    assert.match(run.stdout, /Activity by hour \(UTC\)/);
    assert.doesNotMatch(run.stderr, /events\/s/, 'no progress bar on a pipe');
    assert.ok(!run.stdout.includes('\u001b['), 'no colour codes with NO_COLOR');
  });

  it('stores nothing new on a second run over the same files, and says so', async () => {
    const again = await runCli(['analyze', EXAMPLES, '--db', db, '--format', 'json']);
    assert.equal(again.code, 0, again.stderr);
    const doc = JSON.parse(again.stdout);
    assert.equal(doc.run.alreadyIngested, 55);
    assert.equal(doc.run.eventsStored, 0);
    assert.equal(doc.run.findingsStored, 0);
    assert.equal(doc.totalEvents, 2900, 'the summary still covers the input');
    const terminal = await runCli(['analyze', EXAMPLES, '--db', db]);
    assert.match(terminal.stdout, /nothing new stored: all 55 files were already ingested/);
  });

  it('exits 1 when findings reach --fail-on, 0 when none do', async () => {
    const high = await runCli(['analyze', EXAMPLES, '--db', db, '--format', 'json', '--fail-on', 'high']);
    assert.equal(high.code, 1);
    const doc = JSON.parse(high.stdout);
    const severities = new Set(doc.findings.map((f: { severity: string }) => f.severity));
    assert.ok(severities.has('HIGH') || severities.has('CRITICAL'));
  });

  it('lists stored findings with filters', async () => {
    const all = await runCli(['findings', '--db', db, '--format', 'json', '--limit', '1000']);
    assert.equal(all.code, 0, all.stderr);
    const findings = JSON.parse(all.stdout);
    assert.ok(findings.length > 0);
    const high = JSON.parse(
      (await runCli(['findings', '--db', db, '--format', 'json', '--severity', 'HIGH', '--limit', '1000']))
        .stdout,
    );
    assert.ok(high.every((f: { severity: string }) => f.severity === 'HIGH' || f.severity === 'CRITICAL'));
    const principal = findings[0].principal?.name;
    const mine = JSON.parse(
      (
        await runCli([
          'findings',
          '--db',
          db,
          '--format',
          'json',
          '--principal',
          principal,
          '--limit',
          '1000',
        ])
      ).stdout,
    );
    assert.ok(
      mine.length > 0 && mine.every((f: { principal?: { name: string } }) => f.principal?.name === principal),
    );
    const none = JSON.parse(
      (await runCli(['findings', '--db', db, '--format', 'json', '--since', '2030-01-01T00:00:00Z'])).stdout,
    );
    assert.deepEqual(none, []);
  });

  it('rejects a bad configuration with a message naming the key, exit 2', async () => {
    const config = join(work, 'bad.yaml');
    writeFileSync(config, 'timeZone: UTC\nbuisnessHours: {}\n');
    const run = await runCli(['analyze', EXAMPLES, '--db', join(work, 'x.duckdb'), '--config', config]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /buisnessHours: unknown key \(allowed: .*businessHours/);
  });

  it('rejects a bad flag value with a clear message, exit 2', async () => {
    const run = await runCli(['analyze', EXAMPLES, '--db', join(work, 'y.duckdb'), '--fail-on', 'severe']);
    assert.equal(run.code, 2);
    assert.match(
      run.stderr,
      /argument 'severe' is invalid\. Allowed choices are LOW, MEDIUM, HIGH, CRITICAL/,
    );
  });
});

after(() => {});
