/**
 * `npm run bench`: logwarden `analyze` with everything on (the default configuration: flags,
 * built-in and Sigma rules, thresholds, sequences, baselines, GeoIP) on CloudTrail corpora laid out
 * as trails deliver them, side by side with DuckDB counting the same files (read_json over the
 * .json.gz files, unnest(Records), in a process of its own), from the compiled build (dist/, built
 * first). Prints, for each corpus: files, events, wall time, events/s, files/s, peak RSS, DuckDB's
 * wall time and the ratio; then start-up times, the per-file overhead on one-event files, and the
 * AWS runtime's figures (DynamoDB writes per 1,000 events; the Lambda cost hook).
 *
 * Corpora (built once from the bundled samples by bench/make-corpus.ts, kept in the temp dir):
 *   trail     --events (1,000,000): one file per account, region and 5 minutes (~58 events a file)
 *   large     --events at 500 events a file
 *   doubled   the trail layout at --doubled-events (2 × --events; 0 skips it): is RSS flat?
 *   one-event --one-event-files (20,000) files of one event each: files/s is the per-file cost
 *
 *   npm run bench -- [--events 1000000] [--doubled-events N] [--one-event-files 20000]
 *                    [--dynamodb-files 300] [--workers N] [--only trail,large,doubled,one-event,startup,aws]
 *   npm run bench -- --events 20000 --one-event-files 1000 --dynamodb-files 50     (a quick run)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { hideNodeVersionWarning } from '../src/cli/node-version-warning.ts';
import { arg } from './cli-arg.ts';
import { makeCorpus } from './make-corpus.ts';

hideNodeVersionWarning();
const root = resolve(import.meta.dirname, '..');
const events = Number(arg('events', '1000000'));
const doubledEvents = Number(arg('doubled-events', String(events * 2)));
const oneEventFiles = Number(arg('one-event-files', '20000'));
const dynamoFiles = Number(arg('dynamodb-files', '300'));
const workers = arg('workers', '');
const only = new Set(arg('only', 'trail,large,doubled,one-event,startup,aws').split(','));
const SOURCES = [join(root, 'examples/cloudtrail'), join(root, 'test/fixtures/cloudtrail/stratus')];
const CLI = join(root, 'bin/logwarden.js');
const work = mkdtempSync(join(tmpdir(), 'logwarden-bench-'));

/** One corpus and where it lives; built on first use (v2: the trail layout). */
interface Corpus {
  label: string;
  dir: string;
  events: number;
  layout: 'trail' | 'fixed';
  perFile: number;
}

function corpus(label: string, n: number, layout: 'trail' | 'fixed', perFile: number): Corpus {
  const name = `logwarden-bench-v2-${layout}-${perFile}-${n}`;
  return { label, dir: join(tmpdir(), name), events: n, layout, perFile };
}

function ensure(c: Corpus): void {
  if (existsSync(join(c.dir, 'AWSLogs'))) return;
  const started = performance.now();
  const made = makeCorpus({
    out: c.dir,
    events: c.events,
    perFile: c.perFile,
    layout: c.layout,
    principals: 200,
    seed: 1,
    start: Date.parse('2026-01-05T00:00:00Z'),
    sources: SOURCES,
  });
  console.log(
    `  (built ${c.label}: ${made.events.toLocaleString('en-US')} events in ${made.files.toLocaleString('en-US')} files, ${(made.bytes / 2 ** 20).toFixed(1)} MB gzip, in ${((performance.now() - started) / 1000).toFixed(0)} s → ${c.dir})`,
  );
}

function dirSize(dir: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith('.json.gz')) {
      files++;
      bytes += statSync(join(entry.parentPath, entry.name)).size;
    }
  }
  return { files, bytes };
}

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

interface AnalyzeFigures {
  seconds: number;
  cpuSeconds: number;
  rssMiB: number;
  events: number;
  findings: number;
}

/** `logwarden analyze DIR` as a user runs it (the compiled bin), with its peak RSS and CPU time. */
function analyze(dir: string): AnalyzeFigures {
  const rssFile = join(work, `rss-${Date.now()}`);
  const started = performance.now();
  const child = spawnSync(
    process.execPath,
    [
      '--import',
      pathToFileURL(join(root, 'bench/rss-probe.mjs')).href,
      CLI,
      'analyze',
      dir,
      '--db',
      join(work, `${Date.now()}.duckdb`),
      '--format',
      'json',
      '--no-progress',
      '--max-findings',
      '1',
      ...(workers ? ['--workers', workers] : []),
    ],
    { env: { ...process.env, LOGWARDEN_RSS_FILE: rssFile }, maxBuffer: 1 << 30, encoding: 'utf8' },
  );
  const seconds = (performance.now() - started) / 1000;
  if (child.status !== 0 && child.status !== 1) {
    console.error(child.stderr);
    throw new Error(`analyze exited with ${child.status}`);
  }
  const probe = JSON.parse(readFileSync(rssFile, 'utf8')) as { maxRssKiB: number; cpuMicros: number };
  const report = JSON.parse(child.stdout);
  return {
    seconds,
    cpuSeconds: probe.cpuMicros / 1e6,
    rssMiB: probe.maxRssKiB / 1024,
    events: report.run.eventsRead,
    findings: report.findingsTotal,
  };
}

/** DuckDB's bare count of the same files, in its own process; wall time of that process. */
function duckdbCount(dir: string): { seconds: number; events: number } {
  const started = performance.now();
  const out = execFileSync(process.execPath, [join(root, 'bench/duckdb-count.mjs'), dir], {
    encoding: 'utf8',
  });
  return { seconds: (performance.now() - started) / 1000, events: JSON.parse(out).events };
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const rows: string[] = [];

function measure(c: Corpus): void {
  ensure(c);
  const size = dirSize(c.dir);
  const before = load();
  const lw = analyze(c.dir);
  const db = duckdbCount(c.dir);
  if (db.events !== lw.events)
    throw new Error(`${c.label}: logwarden read ${lw.events} events, DuckDB counted ${db.events}`);
  const ratio = lw.seconds / db.seconds;
  console.log(
    [
      `${c.label} (load before ${before}, after ${load()}):`,
      `  files          ${fmt(size.files)} (${(size.bytes / 2 ** 20).toFixed(1)} MB gzip, ${(lw.events / size.files).toFixed(0)} events a file)`,
      `  events         ${fmt(lw.events)} (${fmt(lw.findings)} findings)`,
      `  logwarden      ${lw.seconds.toFixed(2)} s wall (CPU ${lw.cpuSeconds.toFixed(1)} s), ${fmt(lw.events / lw.seconds)} events/s, ${fmt(size.files / lw.seconds)} files/s`,
      `  peak RSS       ${lw.rssMiB.toFixed(0)} MB`,
      `  DuckDB count   ${db.seconds.toFixed(2)} s wall`,
      `  ratio          ${ratio.toFixed(2)}× DuckDB (goal ≤ 1.5×)`,
    ].join('\n'),
  );
  rows.push(
    `| ${c.label} | ${fmt(size.files)} | ${fmt(lw.events)} | ${lw.seconds.toFixed(1)} s | ${fmt(lw.events / lw.seconds)} | ${fmt(size.files / lw.seconds)} | ${lw.rssMiB.toFixed(0)} MB | ${db.seconds.toFixed(1)} s | ${ratio.toFixed(2)}× |`,
  );
}

/** Median wall time of `runs` launches of the compiled CLI. */
function startup(args: (i: number) => string[], runs: number): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const child = spawnSync(process.execPath, [CLI, ...args(i)], { encoding: 'utf8', maxBuffer: 1 << 28 });
    times.push((performance.now() - started) / 1000);
    if (child.status !== 0)
      throw new Error(`logwarden ${args(i).join(' ')} exited ${child.status}: ${child.stderr}`);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
}

async function awsFigures(trail: Corpus): Promise<void> {
  ensure(trail);
  const { measureWrites } = await import('./dynamodb-writes.ts');
  const { FsObjectSource } = await import('../src/adapters/local/fs-source.ts');
  const { startDynalite } = await import('../test/integration/aws/emulators.ts');
  // Files spread evenly over the corpus (its first files are the quiet night hours).
  const all = [];
  for await (const o of new FsObjectSource(trail.dir, 512 * 2 ** 20).list()) all.push(o);
  const stride = Math.max(1, Math.floor(all.length / dynamoFiles));
  const objects = all.filter((_, i) => i % stride === 0).slice(0, dynamoFiles);
  const dynalite = await startDynalite();
  try {
    const w = await measureWrites(
      `first ${objects.length} files of ${trail.label}`,
      objects,
      10,
      dynalite.endpoint,
      'bench',
    );
    const per = (n: number) => ((n * 1000) / w.events).toFixed(1);
    console.log(
      `DynamoDB (dynalite on 127.0.0.1; ${w.files} files, ${fmt(w.events)} events, SQS batches of 10 files as the processor gets them):\n` +
        `  ${per(w.requests)} write requests, ${per(w.items)} items (${per(w.findings)} findings), ${per(w.capacityUnits)} WCU per 1,000 events (goal ≤ 20 requests)`,
    );
  } finally {
    await dynalite.stop();
  }
  // The Lambda processor's compute per 1,000 events is measured by the AWS runtime's own bench:
  // bench/lambda-cost.ts, exporting lambdaCostPer1000Events(dir) → { msPer1000Events, memoryMb, files, events }.
  const hook = join(root, 'bench/lambda-cost.ts');
  if (existsSync(hook)) {
    const { lambdaCostPer1000Events } = (await import(pathToFileURL(hook).href)) as {
      lambdaCostPer1000Events(
        dir: string,
      ): Promise<{ msPer1000Events: number; memoryMb: number; files: number; events: number }>;
    };
    const l = await lambdaCostPer1000Events(trail.dir);
    console.log(
      `Lambda processor: ${l.msPer1000Events.toFixed(0)} ms of compute per 1,000 events at ${l.memoryMb} MB (${fmt(l.files)} files, ${fmt(l.events)} events)`,
    );
  } else {
    console.log(
      'Lambda processor cost per 1,000 events: not measured here yet (bench/lambda-cost.ts is the hook)',
    );
  }
}

try {
  console.log(
    `machine: ${availableParallelism()} cores, load ${load()}; node ${process.version}; analyze --workers ${workers || 'auto'}, default configuration (everything on)`,
  );
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
  const trail = corpus('trail layout', events, 'trail', 500);
  if (only.has('trail')) measure(trail);
  if (only.has('large')) measure(corpus('large files', events, 'fixed', 500));
  if (only.has('doubled') && doubledEvents > 0)
    measure(corpus('trail layout, doubled', doubledEvents, 'trail', 500));
  if (only.has('one-event') && oneEventFiles > 0)
    measure(corpus('one-event files', oneEventFiles, 'fixed', 1));
  if (rows.length > 0) {
    console.log(
      '\n| corpus | files | events | logwarden | events/s | files/s | peak RSS | DuckDB count | ratio |',
    );
    console.log('|---|---|---|---|---|---|---|---|---|');
    for (const r of rows) console.log(r);
  }
  if (only.has('startup')) {
    const help = startup(() => ['--help'], 7);
    const sample = startup(
      (i) => [
        'analyze',
        join(root, 'examples/cloudtrail'),
        '--db',
        join(work, `startup-${i}.duckdb`),
        '--no-progress',
      ],
      3,
    );
    console.log(
      `\nstart-up (compiled build, median; load ${load()}): logwarden --help ${help.toFixed(2)} s (goal < 0.3 s); analyze examples/cloudtrail (55 files, 2,900 events, new store) ${sample.toFixed(2)} s (goal < 1.5 s)`,
    );
  }
  if (only.has('aws')) {
    console.log('');
    await awsFigures(trail);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
