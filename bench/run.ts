/**
 * `npm run bench`: builds a deterministic CloudTrail corpus from the bundled samples (1M events by
 * default, laid out like a trail), then runs `logwarden analyze` on it as a user would and prints
 * events/s, MB/s, wall time, CPU time and peak RSS, for two configurations:
 *
 *   foundation   what issue 2 asks of analyze: read, normalize, the seed's flags and risk score,
 *                the high-risk finding, the store and the summary (rules, Sigma, baselines and
 *                GeoIP switched off in a generated configuration)
 *   full         the default configuration: 180 built-in rules, 57 Sigma rules, baselines, GeoIP
 *
 * each followed by a re-run on the same store (every file already ingested).
 *
 *   npm run bench -- [--events 1000000] [--corpus DIR] [--workers N] [--only foundation|full]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { BUILTIN_RULES, BUILTIN_THRESHOLDS } from '../src/core/detect/rules/index.ts';
import { NEW_KEY_USED_FROM_NEW_IP } from '../src/core/detect/threshold/new-key-used-from-new-ip.ts';
import { arg } from './cli-arg.ts';
import { makeCorpus } from './make-corpus.ts';

const events = Number(arg('events', '1000000'));
const corpus = resolve(arg('corpus', join(tmpdir(), `logwarden-bench-corpus-${events}`)));
const root = resolve(import.meta.dirname, '..');
const workers = arg('workers', '');
const only = arg('only', '');

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

/** The foundation's configuration: every detector beyond the seed's flags and finding is off. */
function foundationConfig(): string {
  const ids = [...BUILTIN_RULES, ...BUILTIN_THRESHOLDS].map((r) => r.id);
  ids.push(NEW_KEY_USED_FROM_NEW_IP.id);
  const path = join(work, 'foundation.yaml');
  writeFileSync(
    path,
    stringify({
      sigma: { vendored: false },
      geo: { enabled: false },
      baseline: { enabled: false },
      detection: { disabledRules: ids },
    }),
  );
  return path;
}

function analyze(label: string, db: string, config?: string): void {
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
      ...(config ? ['--config', config] : []),
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
  const used = probe.cpuMicros / 1e6;
  const rssMiB = probe.maxRssKiB / 1024;
  const report = JSON.parse(child.stdout);
  const read = report.run.eventsRead as number;
  const total = report.totalEvents as number;
  console.log(
    [
      `${label}:`,
      `  events        ${total.toLocaleString('en-US')} (${read.toLocaleString('en-US')} read this run, ${report.run.eventsStored.toLocaleString('en-US')} stored, ${report.run.findingsStored.toLocaleString('en-US')} findings)`,
      `  files         ${size.files} (${(size.bytes / 2 ** 20).toFixed(1)} MB gzip)`,
      `  wall time     ${seconds.toFixed(2)} s (CPU ${used.toFixed(1)} s: ${(used / seconds).toFixed(2)} cores busy)`,
      `  throughput    ${Math.round(total / seconds).toLocaleString('en-US')} events/s, ${(size.bytes / 2 ** 20 / seconds).toFixed(1)} MB/s (gzip input)`,
      `  peak RSS      ${rssMiB.toFixed(0)} MB`,
    ].join('\n'),
  );
}

try {
  console.log(`machine: ${availableParallelism()} cores; analyze --workers ${workers || 'default'}`);
  if (only !== 'full') {
    const db = join(work, 'foundation.duckdb');
    const config = foundationConfig();
    analyze('foundation, first run (everything new)', db, config);
    analyze('foundation, re-run (every file already ingested)', db, config);
  }
  if (only !== 'foundation') {
    const db = join(work, 'full.duckdb');
    analyze('full detection, first run (everything new)', db);
    analyze('full detection, re-run (every file already ingested)', db);
  }
} finally {
  // The corpus stays in the temp dir for the next run: building it takes longer than analyzing it.
  rmSync(work, { recursive: true, force: true });
}
