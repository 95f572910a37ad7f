import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { runCli, tempDir } from '../helpers/cli.ts';
import { EXAMPLES, jsonFiles, recordsOf } from '../helpers/fixtures.ts';

describe('bad input: every good record beside a bad one is processed, exit 2', () => {
  const dir = tempDir();
  const good = jsonFiles(EXAMPLES)[0];
  const goodEvents = recordsOf(good).length;
  const [r1, r2] = recordsOf(jsonFiles(EXAMPLES)[1]);
  copyFileSync(good, join(dir, 'a-good.json'));
  const gz = gzipSync(readFileSync(jsonFiles(EXAMPLES)[2]));
  writeFileSync(join(dir, 'b-truncated.json.gz'), gz.subarray(0, Math.floor(gz.length / 2)));
  writeFileSync(join(dir, 'c-invalid.json'), '{"Records": [{"eventName": "X",');
  writeFileSync(join(dir, 'd-no-records.json'), JSON.stringify({ items: [r1] }));
  writeFileSync(join(dir, 'e-not-cloudtrail.json'), JSON.stringify({ hello: 'world', version: 3 }));
  writeFileSync(join(dir, 'f-empty.json'), '   \n');
  writeFileSync(join(dir, 'g-zero.json'), '');
  const { eventTime: _t, ...noTime } = r1;
  const { eventName: _n, ...noName } = r2;
  writeFileSync(join(dir, 'h-missing-fields.json'), JSON.stringify({ Records: [noTime, r1, noName] }));
  writeFileSync(
    join(dir, 'i-garbage.json.gz'),
    Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)),
  );
  symlinkSync(join(dir, 'does-not-exist.json'), join(dir, 'j-unreadable.json'));
  const db = join(dir, 'store.duckdb');

  it('names each bad file (and record) with the reason, stores the good records, exits 2', async () => {
    const run = await runCli(['analyze', dir, '--db', db, '--format', 'json']);
    assert.equal(run.code, 2, run.stderr);
    const doc = JSON.parse(run.stdout);
    const byFile = new Map<string, { record?: number; reason: string }[]>();
    for (const e of doc.inputErrors) {
      const name = e.path.split('/').pop();
      byFile.set(name, [...(byFile.get(name) ?? []), e]);
    }
    const reason = (name: string) => (byFile.get(name) ?? []).map((e) => e.reason).join(' | ');
    assert.match(reason('b-truncated.json.gz'), /corrupt or truncated gzip/);
    assert.match(reason('c-invalid.json'), /invalid JSON/);
    // JSON that is not CloudTrail is tried as an application log, which needs a time per line.
    // A document holding records under a key no known shape uses lists the shapes understood.
    assert.match(reason('d-no-records.json'), /^unknown JSON shape \(top-level keys: "items"\); understood: /);
    assert.match(reason('e-not-cloudtrail.json'), /without "Records"|no time/);
    assert.match(reason('f-empty.json'), /empty file/);
    assert.match(reason('g-zero.json'), /empty file/);
    assert.deepEqual(
      byFile.get('h-missing-fields.json')?.map((e) => [e.record, e.reason]),
      [
        [0, 'missing eventTime'],
        [2, 'missing eventName'],
      ],
    );
    assert.match(reason('i-garbage.json.gz'), /binary data|corrupt/);
    assert.match(reason('j-unreadable.json'), /cannot read/);
    assert.ok(!byFile.has('a-good.json'));
    assert.equal(doc.totalEvents, goodEvents + 1, 'the good file and the good record beside the bad ones');
    assert.equal(doc.run.eventsStored, goodEvents + 1);
  });

  it('reports the same errors on a re-run, and stores nothing twice', async () => {
    const run = await runCli(['analyze', dir, '--db', db, '--format', 'json']);
    assert.equal(run.code, 2);
    const doc = JSON.parse(run.stdout);
    assert.equal(doc.run.eventsStored, 0);
    assert.equal(doc.totalEvents, goodEvents + 1);
    assert.equal(doc.inputErrors.length, 10);
  });

  it('terminal output lists the errors with file and record', async () => {
    const run = await runCli(['analyze', dir, '--db', db]);
    assert.equal(run.code, 2);
    assert.match(run.stdout, /Input errors \(10\)/);
    assert.match(run.stdout, /h-missing-fields\.json record 2: missing eventName/);
  });

  it('a directory with no logs is an error, exit 2', async () => {
    const empty = tempDir();
    mkdirSync(join(empty, 'sub'));
    writeFileSync(join(empty, 'README.md'), '# not a log');
    const run = await runCli(['analyze', empty, '--db', join(empty, 'x.duckdb')]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /no log files found/);
  });

  it('a path that does not exist is an error, exit 2', async () => {
    const run = await runCli(['analyze', '/nonexistent/logs', '--db', join(dir, 'y.duckdb')]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /\/nonexistent\/logs: no such file or directory/);
  });
});
