/**
 * Builds a deterministic CloudTrail corpus from the bundled real samples, laid out as a trail
 * delivers it: AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/<account>_CloudTrail_<region>_<stamp>_<n>.json.gz.
 * Each output record is a real sample record with its identifiers re-stamped (eventID, time, account,
 * principal, source IP), so the shapes and the API mix stay those of real logs.
 *
 *   tsx bench/make-corpus.ts --out DIR [--events 1000000] [--per-file 500] [--principals 200] [--seed 1]
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { arg } from './cli-arg.ts';

export interface CorpusOptions {
  out: string;
  events: number;
  perFile: number;
  principals: number;
  seed: number;
  /** Epoch ms of the first event. */
  start: number;
  sources: string[];
}

/** A small seeded PRNG (xorshift32) so every run builds the same corpus. */
function prng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

function loadSamples(dirs: string[]): Record<string, unknown>[] {
  const records: Record<string, unknown>[] = [];
  for (const dir of dirs) {
    for (const name of readdirSync(dir).sort()) {
      if (!name.endsWith('.json') || name.includes('rule-map')) continue;
      const doc = JSON.parse(readFileSync(join(dir, name), 'utf8'));
      const list = Array.isArray(doc) ? doc : doc.Records;
      for (const r of list ?? []) if (r?.eventName && r?.eventTime) records.push(r);
    }
  }
  return records;
}

/** Writes the corpus; returns the number of files and events written. */
export function makeCorpus(options: CorpusOptions): { files: number; events: number; bytes: number } {
  const samples = loadSamples(options.sources).map((r) => JSON.stringify(r));
  const random = prng(options.seed);
  const accounts = ['111122223333', '444455556666', '777788889999'];
  const regions = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];
  const spanMs = Math.max(1, Math.ceil(options.events / 240_000)) * 86_400_000; // ~10k events an hour
  let written = 0;
  let files = 0;
  let bytes = 0;
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 16).toString(16)).join('');
  while (written < options.events) {
    const count = Math.min(options.perFile, options.events - written);
    const account = accounts[files % accounts.length];
    const region = regions[Math.floor(files / accounts.length) % regions.length];
    const fileStart = options.start + Math.floor((written / options.events) * spanMs);
    const records: string[] = [];
    for (let i = 0; i < count; i++) {
      const record = JSON.parse(samples[Math.floor(random() * samples.length)]);
      const principal = Math.floor(random() * options.principals);
      record.eventID = `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;
      record.requestID = hex(16);
      record.eventTime = new Date(fileStart + Math.floor(random() * 300_000))
        .toISOString()
        .replace(/\.\d+Z$/, 'Z');
      record.recipientAccountId = account;
      record.awsRegion = region;
      const identity = record.userIdentity;
      if (identity && (identity.type === 'IAMUser' || identity.type === 'AssumedRole')) {
        identity.accountId = account;
        identity.principalId = `AIDA${String(principal).padStart(8, '0')}`;
        if (identity.type === 'IAMUser') {
          identity.userName = `user-${String(principal).padStart(4, '0')}`;
          identity.arn = `arn:aws:iam::${account}:user/${identity.userName}`;
        }
      }
      if (typeof record.sourceIPAddress === 'string' && /^\d+\.\d+\.\d+\.\d+$/.test(record.sourceIPAddress)) {
        record.sourceIPAddress = `198.51.100.${principal % 250}`;
      }
      records.push(JSON.stringify(record));
    }
    const t = new Date(fileStart);
    const day = t.toISOString().slice(0, 10).split('-');
    const stamp = t.toISOString().replace(/[-:]/g, '').slice(0, 13);
    const dir = join(options.out, 'AWSLogs', account, 'CloudTrail', region, ...day);
    mkdirSync(dir, { recursive: true });
    const body = gzipSync(`{"Records":[${records.join(',')}]}`, { level: 6 });
    writeFileSync(
      join(dir, `${account}_CloudTrail_${region}_${stamp}Z_${String(files).padStart(6, '0')}.json.gz`),
      body,
    );
    bytes += body.length;
    written += count;
    files++;
  }
  return { files, events: written, bytes };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = makeCorpus({
    out: arg('out', '.bench/corpus'),
    events: Number(arg('events', '1000000')),
    perFile: Number(arg('per-file', '500')),
    principals: Number(arg('principals', '200')),
    seed: Number(arg('seed', '1')),
    start: Date.parse('2026-01-05T00:00:00Z'),
    sources: ['examples/cloudtrail', 'test/fixtures/cloudtrail/stratus'],
  });
  console.log(
    `wrote ${result.events} events in ${result.files} files (${(result.bytes / 2 ** 20).toFixed(1)} MB gzip)`,
  );
}
