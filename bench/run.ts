/**
 * `npm run bench`: builds a deterministic CloudTrail corpus from the bundled samples (1M events by
 * default, laid out like a trail), then runs `logwarden analyze` on it as a user would and prints
 * events/s, MB/s, wall time and peak RSS. A second run on the same corpus measures the idempotent
 * re-run (every file already ingested).
 *
 *   npm run bench -- [--events 1000000] [--corpus DIR]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { makeCorpus } from './make-corpus.ts';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const events = Number(arg('events', '1000000'));
const corpus = resolve(arg('corpus', join(tmpdir(), `logwarden-bench-corpus-${events}`)));
const root = resolve(import.meta.dirname, '..');

function dirSize(dir: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) {
      files++;
      bytes += statSync(join(entry.parentPath, entry.name)).size;
    }
  }
  return { files, bytes };
}

if (!existsSync(corpus)) {
  const started = performance.now();
  const made = makeCorpus({
    out: corpus,
    events,
    perFile: 500,
    principals: 200,
    seed: 1,
    start: Date.parse('2026-01-05T00:00:00Z'),
    sources: [join(root, 'examples/cloudtrail'), join(root, 'test/fixtures/cloudtrail/stratus')],
  });
  console.log(
    `corpus: ${made.events} events in ${made.files} files, ${(made.bytes / 2 ** 20).toFixed(1)} MB gzip (${((performance.now() - started) / 1000).toFixed(1)} s to build) → ${corpus}`,
  );
}
const size = dirSize(corpus);
const work = mkdtempSync(join(tmpdir(), 'logwarden-bench-'));
const db = join(work, 'bench.duckdb');

function analyze(label: string): void {
  const rssFile = join(work, 'rss');
  rmSync(rssFile, { force: true });
  const started = performance.now();
  const child = spawnSync(
    process.execPath,
    [
      '--import',
      join(root, 'bench/rss-probe.mjs'),
      join(root, 'bin/logwarden.js'),
      'analyze',
      corpus,
      '--db',
      db,
      '--format',
      'json',
      '--no-progress',
    ],
    { env: { ...process.env, LOGWARDEN_RSS_FILE: rssFile }, maxBuffer: 1 << 30, encoding: 'utf8' },
  );
  const seconds = (performance.now() - started) / 1000;
  if (child.status !== 0 && child.status !== 1) {
    console.error(child.stderr);
    throw new Error(`analyze exited with ${child.status}`);
  }
  const report = JSON.parse(child.stdout);
  const rssMiB = Number(readFileSync(rssFile, 'utf8')) / 1024;
  const read = report.run.eventsRead as number;
  const total = report.totalEvents as number;
  console.log(
    [
      `${label}:`,
      `  events        ${total.toLocaleString('en-US')} (${read.toLocaleString('en-US')} read this run, ${report.run.eventsStored.toLocaleString('en-US')} stored, ${report.run.findingsStored} findings)`,
      `  files         ${size.files} (${(size.bytes / 2 ** 20).toFixed(1)} MB gzip)`,
      `  wall time     ${seconds.toFixed(2)} s`,
      `  throughput    ${Math.round(total / seconds).toLocaleString('en-US')} events/s, ${(size.bytes / 2 ** 20 / seconds).toFixed(1)} MB/s (gzip input)`,
      `  peak RSS      ${rssMiB.toFixed(0)} MB`,
    ].join('\n'),
  );
}

try {
  analyze('first run (everything new)');
  analyze('re-run (every file already ingested)');
} finally {
  // The corpus stays in the temp dir for the next run: building it takes longer than analyzing it.
  rmSync(work, { recursive: true, force: true });
}
