import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { ROOT } from '../helpers/fixtures.ts';

const exec = promisify(execFile);
const work = mkdtempSync(join(tmpdir(), 'logwarden-package-'));
after(() => rmSync(work, { recursive: true, force: true }));

interface Packed {
  filename: string;
  size: number;
  entryCount: number;
  files: { path: string }[];
}

/** Runs the installed CLI as a user would, from the directory it was installed into. */
async function logwarden(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(join(work, 'app/node_modules/.bin/logwarden'), args, {
      cwd: join(work, 'app'),
      env: { ...process.env, NO_COLOR: '1' },
      maxBuffer: 64 << 20,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('the packed tarball, installed with --omit=dev into an empty directory', () => {
  let packed: Packed;

  before(async () => {
    // npm pack runs the prepare script: the tarball carries a build made from these sources.
    const { stdout } = await exec('npm', ['pack', '--json', '--pack-destination', work], {
      cwd: ROOT,
      maxBuffer: 64 << 20,
    });
    [packed] = JSON.parse(stdout.slice(stdout.indexOf('['))) as Packed[];
    const app = join(work, 'app');
    rmSync(app, { recursive: true, force: true });
    await exec('mkdir', ['-p', app]);
    writeFileSync(join(app, 'package.json'), '{"name":"app","private":true}\n');
    await exec(
      'npm',
      [
        'install',
        '--omit=dev',
        '--prefer-offline',
        '--no-audit',
        '--no-fund',
        '--no-package-lock',
        join(work, packed.filename),
      ],
      { cwd: app, maxBuffer: 64 << 20 },
    );
  });

  it('holds the build, the rules and the sample, and no sources, tests, fixtures or infra', () => {
    const paths = packed.files.map((f) => f.path);
    for (const needed of [
      'bin/logwarden.js',
      'dist/cli.js',
      'dist/prepare-worker.js',
      'rules/sigma/LICENSE',
      'examples/cloudtrail/',
      'README.md',
      'NOTICE',
      'LICENSE',
      'package.json',
    ]) {
      assert.ok(
        paths.some((p) => p === needed || (needed.endsWith('/') && p.startsWith(needed))),
        `${needed} is packed`,
      );
    }
    const stray = paths.filter((p) => /^(src|test|infra|bench|scripts|docs|\.ci)\//.test(p));
    assert.deepEqual(stray, []);
  });

  it('installs no compiler: the CLI runs compiled JavaScript', () => {
    for (const dev of ['tsx', 'esbuild', 'typescript'])
      assert.equal(existsSync(join(work, 'app/node_modules', dev)), false, `${dev} is not installed`);
  });

  it('prints its help', async () => {
    const help = await logwarden(['--help']);
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, /Usage: logwarden/);
    for (const command of ['analyze', 'baseline', 'findings', 'report', 'rules'])
      assert.match(help.stdout, new RegExp(`\\n  ${command}\\b`));
  });

  it('analyzes the bundled sample, on the main thread and with a worker, alike', async () => {
    const sample = join(work, 'app/node_modules/logwarden/examples/cloudtrail');
    const totals: unknown[] = [];
    for (const workers of ['0', '1']) {
      const run = await logwarden([
        'analyze',
        sample,
        '--db',
        `w${workers}.duckdb`,
        '--format',
        'json',
        '--no-progress',
        '--workers',
        workers,
      ]);
      assert.equal(run.code, 0, run.stderr);
      const doc = JSON.parse(run.stdout);
      assert.equal(doc.run.files, 55);
      assert.equal(doc.run.eventsStored, 2900);
      assert.equal(doc.totalEvents, 2900);
      assert.deepEqual(doc.inputErrors, []);
      // Sigma rules loaded from the installed package's rules/ (found from the package root).
      assert.ok(doc.findings.some((f: { ruleId: string }) => f.ruleId.startsWith('sigma:')));
      totals.push({ total: doc.findingsTotal, bySeverity: doc.findingsBySeverity });
    }
    assert.deepEqual(totals[1], totals[0]);
  });

  it('lists the rules, the vendored Sigma ones among them', async () => {
    const run = await logwarden(['rules', 'list', '--format', 'json']);
    assert.equal(run.code, 0, run.stderr);
    const doc = JSON.parse(run.stdout) as { rules: { origin: string }[]; unrunnableSigma: unknown[] };
    assert.equal(doc.rules.filter((r) => r.origin === 'sigma').length, 57);
    assert.ok(doc.rules.filter((r) => r.origin === 'builtin').length > 100);
    assert.deepEqual(doc.unrunnableSigma, []);
  });

  it('reports on what analyze stored', async () => {
    const run = await logwarden([
      'report',
      '--db',
      'w0.duckdb',
      '--since',
      '2023-07-10T00:00:00Z',
      '--until',
      '2023-07-11T00:00:00Z',
      '--format',
      'json',
    ]);
    assert.equal(run.code, 0, run.stderr);
    const doc = JSON.parse(run.stdout);
    assert.equal(doc.totalEvents, 2900);
  });
});
