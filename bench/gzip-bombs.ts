/**
 * Peak RSS of `analyze` over gzip bombs beside good files: six bombs (each about 1 MB on disk that
 * inflates to 1 GiB, over the default maxFileMiB of 512) side by side amid the bundled example files. The
 * bombs must be rejected by name and the good files stored; the figure is the process's peak RSS.
 *
 *   npx tsx bench/gzip-bombs.ts [--bombs 6] [--workers 0]
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, createWriteStream, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { createGzip } from 'node:zlib';
import { arg } from './cli-arg.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const bombs = Number(arg('bombs', '6'));
const workers = arg('workers', '0');
const examples = join(root, 'examples/cloudtrail');

const dir = mkdtempSync(join(tmpdir(), 'logwarden-bombs-'));
try {
  const good = readdirSync(examples).filter((f) => f.endsWith('.json.gz') || f.endsWith('.json'));
  // Good files before, between and after the bombs, so read-ahead holds both kinds at once.
  for (const [i, f] of good.entries())
    copyFileSync(join(examples, f), join(dir, `${String(i).padStart(3, '0')}-${f}`));
  const bomb = join(dir, 'bomb.gz.tmp');
  await pipeline(gibOfSpaces(), createGzip({ level: 9 }), createWriteStream(bomb));
  // Side by side in the middle of the listing: the read-ahead holds several at once.
  const middle = String(Math.floor(good.length / 2)).padStart(3, '0');
  for (let i = 0; i < bombs; i++) copyFileSync(bomb, join(dir, `${middle}-bomb-${i}.json.gz`));
  rmSync(bomb);
  const onDisk = bombs * readFileSync(join(dir, `${middle}-bomb-0.json.gz`)).length;
  const rssFile = join(dir, 'rss.json');
  const child = spawnSync(
    process.execPath,
    [
      '--import',
      join(root, 'bench/rss-probe.mjs'),
      join(root, 'bin/logwarden.js'),
      'analyze',
      dir,
      '--db',
      join(dir, 'store.duckdb'),
      '--format',
      'json',
      '--no-progress',
      '--workers',
      workers,
    ],
    { env: { ...process.env, LOGWARDEN_RSS_FILE: rssFile }, maxBuffer: 1 << 28, encoding: 'utf8' },
  );
  if (child.status !== 2) throw new Error(`analyze exited with ${child.status}: ${child.stderr}`);
  const doc = JSON.parse(child.stdout) as {
    run: { eventsStored: number; files: number };
    inputErrors: { path: string; reason: string }[];
  };
  const rejected = doc.inputErrors.filter(
    (e) => /bomb-\d+\.json\.gz$/.test(e.path) && /maxFileMiB/.test(e.reason),
  );
  const probe = JSON.parse(readFileSync(rssFile, 'utf8')) as { maxRssKiB: number };
  console.log(
    [
      `input: ${good.length} good files + ${bombs} gzip bombs (${(onDisk / 1e6).toFixed(1)} MB on disk, 1 GiB each inflated), workers ${workers}`,
      `bombs rejected by name (maxFileMiB): ${rejected.length}/${bombs}`,
      `events stored: ${doc.run.eventsStored}; input errors: ${doc.inputErrors.length}`,
      `peak RSS: ${(probe.maxRssKiB / 1024).toFixed(0)} MiB`,
      `load average: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    ].join('\n'),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/** 1 GiB of spaces, 1 MiB at a time (valid text, so only the size limit can reject it). */
async function* gibOfSpaces(): AsyncIterable<Buffer> {
  const chunk = Buffer.alloc(2 ** 20, 0x20);
  for (let i = 0; i < 1024; i++) yield chunk;
}
