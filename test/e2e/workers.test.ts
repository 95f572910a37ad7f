import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { DuckDbEventStore } from '../../src/adapters/local/duckdb-store.ts';
import { FsObjectSource } from '../../src/adapters/local/fs-source.ts';
import { WorkerPreparer } from '../../src/adapters/local/parallel/worker-preparer.ts';
import { parseConfig } from '../../src/core/config.ts';
import type { Detector } from '../../src/core/detect/detector.ts';
import type { PreparedObject } from '../../src/core/file-preparer.ts';
import { runCli, tempDir } from '../helpers/cli.ts';
import { EXAMPLES, jsonFiles, ROOT, recordsOf, STRATUS } from '../helpers/fixtures.ts';

/**
 * A directory with every kind of input the worker threads must treat exactly as the main thread
 * does: CloudTrail (plain and gzip, and a digest), flow logs, CloudWatch payloads, application
 * logs, bad files, a file delivered twice and events repeated across files.
 */
function mixedInput(): string {
  const dir = tempDir();
  const trail = join(dir, 'AWSLogs/111122223333/CloudTrail/eu-west-1/2026/01/05');
  mkdirSync(trail, { recursive: true });
  const examples = jsonFiles(EXAMPLES);
  for (const [i, f] of examples.slice(0, 12).entries())
    writeFileSync(join(trail, `ex-${i}.json.gz`), gzipSync(readFileSync(f)));
  cpSync(STRATUS, join(dir, 'stratus'), { recursive: true });
  copyFileSync(examples[0], join(trail, 'ex-0-again.json')); // same events, other bytes
  copyFileSync(examples[1], join(dir, 'delivered-twice.json'));
  copyFileSync(examples[1], join(dir, 'delivered-twice-copy.json')); // same content
  const digest = join(dir, 'AWSLogs/111122223333/CloudTrail-Digest/eu-west-1/2026/01/05');
  mkdirSync(digest, { recursive: true });
  writeFileSync(join(digest, 'digest.json.gz'), gzipSync('{"digestStartTime":"2026-01-05T00:00:00Z"}'));
  cpSync(join(ROOT, 'test/fixtures/vpc-flow'), join(dir, 'flows'), { recursive: true });
  cpSync(join(ROOT, 'test/fixtures/app-logs'), join(dir, 'app'), { recursive: true });
  copyFileSync(join(ROOT, 'test/fixtures/cloudwatch-logs/flow-payload.json'), join(dir, 'cw-flow.json'));
  const [r1, r2] = recordsOf(examples[2]);
  const { eventTime: _t, ...noTime } = r1;
  writeFileSync(join(dir, 'missing-field.json'), JSON.stringify({ Records: [noTime, r2] }));
  writeFileSync(join(dir, 'invalid.json'), '{"Records": [');
  const gz = gzipSync(readFileSync(examples[3]));
  writeFileSync(join(dir, 'truncated.json.gz'), gz.subarray(0, gz.length >> 1));
  return dir;
}

/** A configuration whose only stateful detectors look at flow records and application logs. */
const STATELESS_CLOUDTRAIL = `
baseline: { enabled: false }
geo: { enabled: false }
detection:
  disabledRules: [sequence.access-key-created-then-used-from-new-ip]
  suppressions:
    - { rule: "cloudtrail.*", principal: "*", reason: "counted in the workers as on the main thread" }
`;

async function analyze(input: string, workers: number, config?: string) {
  const dir = tempDir();
  const args = ['analyze', input, '--db', join(dir, 'x.duckdb'), '--format', 'json', '--max-findings', '0'];
  if (config) {
    writeFileSync(join(dir, 'config.yaml'), config);
    args.push('--config', join(dir, 'config.yaml'));
  }
  const run = await runCli([...args, '--workers', String(workers)]);
  assert.equal(run.code, 2, run.stderr); // the bad files
  return JSON.parse(run.stdout);
}

describe('analyze with worker threads: the same results as on the main thread', () => {
  const input = mixedInput();

  for (const [name, config] of [
    ['default detection (the main thread finishes every file)', undefined],
    ['no stateful CloudTrail detector (workers finish CloudTrail files)', STATELESS_CLOUDTRAIL],
  ] as const) {
    it(name, async () => {
      const [serial, parallel] = await Promise.all([analyze(input, 0, config), analyze(input, 2, config)]);
      assert.ok(serial.totalEvents > 1000 && serial.findingsTotal > 10, 'the input exercises the engine');
      assert.ok(serial.inputErrors.length >= 3);
      assert.deepEqual(parallel, serial);
    });
  }
});

describe('WorkerPreparer', () => {
  const input = mixedInput();
  const config = parseConfig({});

  async function prepared(mainDetectors: Detector[], known: string[] = []): Promise<PreparedObject[]> {
    const store = await DuckDbEventStore.open(':memory:');
    try {
      const preparer = new WorkerPreparer({
        workers: 2,
        stageDir: store.stage.path,
        config,
        maxBytes: 2 ** 20,
        parse: {},
        known,
        mainDetectors,
      });
      const out: PreparedObject[] = [];
      for await (const p of preparer.prepare(new FsObjectSource(input, 2 ** 20).list())) out.push(p);
      return out;
    } finally {
      await store.close();
    }
  }

  it('finishes a file on a worker unless a main-thread detector looks at what it holds', async () => {
    const appOnly: Detector = { id: 'app', sees: ['app-log'], observe: () => [] };
    const byUri = new Map((await prepared([appOnly])).map((p) => [p.uri.slice(input.length + 1), p]));
    assert.equal(
      byUri.get('AWSLogs/111122223333/CloudTrail/eu-west-1/2026/01/05/ex-0.json.gz')?.kind,
      'staged',
    );
    assert.equal(byUri.get('app/app.jsonl')?.kind, 'parsed');
    assert.equal(byUri.get('flows/default-v2.log')?.kind, 'staged');
    assert.equal(byUri.get('truncated.json.gz')?.kind, 'unreadable');
    assert.equal(
      byUri.get('AWSLogs/111122223333/CloudTrail-Digest/eu-west-1/2026/01/05/digest.json.gz')?.kind,
      'digest',
    );
  });

  it('yields files in listing order, and skips content the store already holds', async () => {
    const listed: string[] = [];
    for await (const o of new FsObjectSource(input, 2 ** 20).list()) listed.push(o.uri);
    const everything: Detector = { id: 'all', observe: () => [] };
    const stored = join(input, 'delivered-twice.json');
    const out = await prepared(
      [everything],
      [createHash('sha256').update(readFileSync(stored)).digest('hex')],
    );
    assert.deepEqual(
      out.map((p) => p.uri),
      listed,
    );
    const kinds = new Map(out.map((p) => [p.uri, p.kind]));
    assert.equal(kinds.get(stored), 'known');
    assert.equal(kinds.get(join(input, 'delivered-twice-copy.json')), 'known');
    assert.ok(out.filter((p) => p.kind === 'parsed').length > 40);
  });
});
