import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli, tempDir } from '../helpers/cli.ts';
import { EXAMPLES } from '../helpers/fixtures.ts';

const work = tempDir();
const db = join(work, 'store.duckdb');
const BERT_JAN = 'arn:aws:iam::123837392027:user/bert-jan';

describe('logwarden baseline (spawned CLI)', () => {
  it('analyze learns profiles and says how many principals are still warming up', async () => {
    const run = await runCli(['analyze', EXAMPLES, '--db', db, '--format', 'json']);
    assert.equal(run.code, 0, run.stderr);
    // One day of sample logs: every principal is still learning.
    assert.deepEqual(JSON.parse(run.stdout).baseline, {
      principals: 13,
      warm: 0,
      warmingUp: 13,
      minDays: 7,
      minEvents: 50,
    });
    const terminal = await runCli(['analyze', EXAMPLES, '--db', db, '--no-progress']);
    assert.match(
      terminal.stdout,
      /Baselines\s+13 principals profiled, 13 still warming up \(baseline findings need 7 active days and 50 calls\)/,
    );
  });

  it('rebuilds the same profiles from stored history', async () => {
    const before = await runCli(['baseline', '--db', db, '--show', BERT_JAN]);
    assert.equal(before.code, 0, before.stderr);
    const rebuilt = await runCli(['baseline', '--db', db, '--format', 'json']);
    assert.equal(rebuilt.code, 0, rebuilt.stderr);
    const doc = JSON.parse(rebuilt.stdout);
    assert.equal(doc.events, 2900);
    assert.equal(doc.principals, 13);
    assert.equal(doc.warmingUp, 13);
    const after = await runCli(['baseline', '--db', db, '--show', BERT_JAN]);
    const strip = (text: string) => {
      const p = JSON.parse(text);
      delete p.reported;
      delete p.threshold;
      return p;
    };
    assert.deepEqual(strip(after.stdout), strip(before.stdout));
    const profile = JSON.parse(after.stdout);
    assert.equal(profile.name, 'bert-jan');
    assert.equal(profile.activeDays, 1);
    assert.ok(profile.dims.uaFamily.terraform, 'terraform among bert-jan’s tools');
  });

  it('prints a terminal summary, and exits 2 for an unknown profile', async () => {
    const text = await runCli(['baseline', '--db', db]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /Rebuilt profiles from 2,900 stored events/);
    const missing = await runCli(['baseline', '--db', db, '--show', 'arn:aws:iam::1:user/nobody']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /no profile with key "arn:aws:iam::1:user\/nobody"/);
  });
});
