import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { runCli, tempDir } from '../helpers/cli.ts';
import { ROOT } from '../helpers/fixtures.ts';

const fixtures = join(ROOT, 'test/fixtures');

/** A directory with every kind of input: S3-delivered flow logs, app logs, CloudWatch payloads, CloudTrail, junk. */
function mixedDirectory(): string {
  const dir = tempDir('logwarden-mixed-');
  const flowDir = join(dir, 'AWSLogs/123456789012/vpcflowlogs/us-east-1/2024/03/05');
  mkdirSync(flowDir, { recursive: true });
  const header =
    'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status';
  const ssh =
    '2 123456789012 eni-0a1b2c3d4e5f60718 81.2.69.142 10.0.1.25 51544 22 6 8 900 1709640005 1709640062 ACCEPT OK';
  const flows = [header, readFileSync(join(fixtures, 'vpc-flow/default-v2.log'), 'utf8').trimEnd(), ssh].join(
    '\n',
  );
  writeFileSync(
    join(flowDir, '123456789012_vpcflowlogs_us-east-1_fl-0abc_20240305T1200Z_a1b2c3d4.log.gz'),
    gzipSync(flows),
  );
  mkdirSync(join(dir, 'hosts/bastion'), { recursive: true });
  const brute = Array.from(
    { length: 12 },
    (_, i) =>
      `Mar  5 12:0${Math.floor(i / 6)}:${String((i % 6) * 10).padStart(2, '0')} bastion sshd[${100 + i}]: Failed password for root from 185.199.108.1 port ${40000 + i} ssh2`,
  );
  writeFileSync(join(dir, 'hosts/bastion/auth.log'), `${brute.join('\n')}\nthis line is not syslog\n`);
  copyFileSync(join(fixtures, 'app-logs/access.log'), join(dir, 'hosts/access.log'));
  copyFileSync(join(fixtures, 'app-logs/app.jsonl'), join(dir, 'hosts/app.jsonl'));
  mkdirSync(join(dir, 'cloudwatch'));
  const encode = (name: string) => gzipSync(readFileSync(join(fixtures, name))).toString('base64');
  writeFileSync(
    join(dir, 'cloudwatch/kinesis-records.txt'),
    `${encode('cloudwatch-logs/cloudtrail-payload.json')}\n${encode('cloudwatch/cloudwatch_logs.json')}\n`,
  );
  copyFileSync(
    join(fixtures, 'cloudwatch-logs/flow-payload.json'),
    join(dir, 'cloudwatch/flow-payload.json'),
  );
  copyFileSync(
    join(fixtures, 'cloudwatch-logs/control-payload.json'),
    join(dir, 'cloudwatch/control-payload.json'),
  );
  writeFileSync(join(dir, 'notes.txt'), 'shopping list: milk, eggs\n');
  return dir;
}

describe('analyze on a mixed directory', () => {
  let dir: string;
  let db: string;
  let out: Record<string, any>;
  let stderr: string;
  let code: number | null;

  before(async () => {
    dir = mixedDirectory();
    db = join(tempDir(), 'x.duckdb');
    const r = await runCli(['analyze', dir, '--format', 'json', '--db', db, '--verbose', '--no-progress']);
    code = r.code;
    stderr = r.stderr;
    out = JSON.parse(r.stdout);
  });

  it('says in --verbose which reader read each file', () => {
    assert.match(stderr, /vpcflowlogs\/.*\.log\.gz: vpc-flow \(header format\), 0 events, 7 flow records/);
    assert.match(stderr, /auth\.log: app-log \(syslog\), 12 events/);
    assert.match(stderr, /access\.log: app-log \(access\), 4 events/);
    assert.match(
      stderr,
      /kinesis-records\.txt: cloudwatch-logs subscription \(2 cloudtrail, 0 flow, 19 app\)/,
    );
    assert.match(stderr, /control-payload\.json: cloudwatch-logs subscription .*1 control messages ignored/);
    assert.match(stderr, /notes\.txt: unknown/);
  });

  it('reports bad lines with file and line number and unclassifiable files as input errors, processing the rest', () => {
    assert.equal(code, 2, 'input errors exit 2');
    const errors = out.inputErrors.map((e: { path: string; record?: number; reason: string }) => [
      e.path.slice(dir.length + 1),
      e.record ?? null,
    ]);
    assert.deepEqual(errors.sort(), [
      [
        'AWSLogs/123456789012/vpcflowlogs/us-east-1/2024/03/05/123456789012_vpcflowlogs_us-east-1_fl-0abc_20240305T1200Z_a1b2c3d4.log.gz',
        8,
      ],
      ['hosts/bastion/auth.log', 13],
      ['notes.txt', null],
    ]);
    assert.equal(out.run.flowRecordsRead, 7 + 3);
  });

  it('has a section per source type present', () => {
    const bySource = Object.fromEntries(out.sources.map((s: { source: string }) => [s.source, s]));
    assert.deepEqual(Object.keys(bySource).sort(), ['app-log', 'cloudtrail', 'cloudwatch-logs', 'vpc-flow']);
    assert.equal(bySource.cloudtrail.records, 2);
    assert.equal(bySource['cloudwatch-logs'].records, 19);
    assert.equal(bySource['app-log'].records, 12 + 4 + 4);
    const flow = bySource['vpc-flow'];
    assert.equal(flow.records, 10);
    assert.deepEqual(
      [flow.flow.accepted, flow.flow.rejected, flow.flow.noData, flow.flow.skipData],
      [6, 1, 2, 1],
    );
    assert.ok(flow.flow.storedRows <= flow.records);
  });

  it('finds what the flow logs, the app logs and the CloudTrail events show', () => {
    const rules = new Set(out.findings.map((f: { ruleId: string }) => f.ruleId));
    assert.ok(rules.has('flow.exposed-port-accepted'), [...rules].join(', '));
    assert.ok(rules.has('app.auth-failure-burst'));
    assert.ok(rules.has('cloudtrail.logging-stopped'), 'StopLogging arrived through CloudWatch Logs');
  });

  it('changes nothing when run again on the same files', async () => {
    const again = await runCli(['analyze', dir, '--format', 'json', '--db', db, '--no-progress']);
    const second = JSON.parse(again.stdout);
    assert.equal(second.run.alreadyIngested, second.run.files);
    assert.equal(second.run.files, 8);
    assert.equal(second.run.eventsStored, 0);
    assert.deepEqual(second.sources, out.sources);
    assert.equal(second.inputErrors.length, out.inputErrors.length);
  });
});
