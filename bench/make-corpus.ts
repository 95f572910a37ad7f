/**
 * Builds a deterministic CloudTrail corpus from the bundled real samples, laid out as a trail
 * delivers it: AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/<account>_CloudTrail_<region>_<stamp>_<n>.json.gz.
 * Each output record is a real sample record with its identifiers re-stamped (eventID, time, account,
 * principal, source IP), so the shapes and the API mix stay those of real logs.
 *
 * Two layouts:
 *   trail  (default) what CloudTrail delivers: one file per account, region and 5-minute window,
 *          split at about `perFile` records; event times weighted to business hours over
 *          ceil(events / 240,000) days (about 10k events an hour). 1M events make ~17k files of
 *          ~58 events: the layout of the team's make-corpus.mjs with its defaults.
 *   fixed  exactly `perFile` records a file, in time order (500: the large-file layout; 1: the
 *          per-file-overhead corpus).
 *
 *   tsx bench/make-corpus.ts --out DIR [--events 1000000] [--layout trail|fixed] [--per-file 500] [--principals 200] [--seed 1]
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
  /** `trail` (default): 5-minute files per account and region; `fixed`: exactly perFile records a file. */
  layout?: 'trail' | 'fixed';
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

/** Business-hours weighted hour of day (UTC): most activity 08–19, a tail at night. */
const HOUR_WEIGHTS = [1, 1, 1, 1, 1, 2, 3, 6, 9, 10, 10, 10, 9, 10, 10, 10, 9, 7, 5, 3, 2, 2, 1, 1];
const ACCOUNTS = ['111122223333', '444455556666', '777788889999'];
// us-east-1 three times: most of a real organisation's activity is there.
const REGIONS = ['us-east-1', 'us-east-1', 'us-east-1', 'us-west-2', 'eu-west-1', 'ap-southeast-2'];
const WINDOW_MS = 300_000;

/** Writes the corpus; returns the number of files and events written. */
export function makeCorpus(options: CorpusOptions): { files: number; events: number; bytes: number } {
  const samples = loadSamples(options.sources).map((r) => JSON.stringify(r));
  const random = prng(options.seed);
  const days = Math.max(1, Math.ceil(options.events / 240_000)); // ~10k events an hour
  const spanMs = days * 86_400_000;
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 16).toString(16)).join('');
  let files = 0;
  let bytes = 0;

  const record = (account: string, region: string, time: number): string => {
    const r = JSON.parse(samples[Math.floor(random() * samples.length)]);
    const principal = Math.floor(random() * options.principals);
    r.eventID = `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;
    r.requestID = hex(16);
    r.eventTime = new Date(time).toISOString().replace(/\.\d+Z$/, 'Z');
    r.recipientAccountId = account;
    r.awsRegion = region;
    const identity = r.userIdentity;
    if (identity && (identity.type === 'IAMUser' || identity.type === 'AssumedRole')) {
      identity.accountId = account;
      identity.principalId = `AIDA${String(principal).padStart(8, '0')}`;
      if (identity.type === 'IAMUser') {
        identity.userName = `user-${String(principal).padStart(4, '0')}`;
        identity.arn = `arn:aws:iam::${account}:user/${identity.userName}`;
      }
    }
    if (typeof r.sourceIPAddress === 'string' && /^\d+\.\d+\.\d+\.\d+$/.test(r.sourceIPAddress)) {
      r.sourceIPAddress = `198.51.100.${principal % 250}`;
    }
    return JSON.stringify(r);
  };

  const write = (account: string, region: string, fileStart: number, records: string[]): void => {
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
    files++;
  };

  if (options.layout === 'fixed') {
    for (let written = 0; written < options.events; ) {
      const count = Math.min(options.perFile, options.events - written);
      const account = ACCOUNTS[files % ACCOUNTS.length];
      const region = REGIONS[Math.floor(files / ACCOUNTS.length) % REGIONS.length];
      const fileStart = options.start + Math.floor((written / options.events) * spanMs);
      const records: string[] = [];
      for (let i = 0; i < count; i++)
        records.push(record(account, region, fileStart + Math.floor(random() * WINDOW_MS)));
      write(account, region, fileStart, records);
      written += count;
    }
    return { files, events: options.events, bytes };
  }

  // trail: events fall into (account, region, 5-minute window) buckets; a bucket is delivered as a
  // file when it reaches a random size around perFile, and whatever remains at the end.
  const total = HOUR_WEIGHTS.reduce((a, b) => a + b, 0);
  const hourCdf = HOUR_WEIGHTS.map((_, h) => HOUR_WEIGHTS.slice(0, h + 1).reduce((a, b) => a + b, 0) / total);
  const buckets = new Map<string, { time: number; record: string }[]>();
  const flush = (key: string, list: { time: number; record: string }[]) => {
    const [account, region, window] = key.split('|');
    list.sort((a, b) => a.time - b.time);
    write(
      account,
      region,
      Number(window),
      list.map((e) => e.record),
    );
  };
  for (let i = 0; i < options.events; i++) {
    const account = ACCOUNTS[Math.floor(random() * ACCOUNTS.length)];
    const region = REGIONS[Math.floor(random() * REGIONS.length)];
    const u = random();
    const hour = hourCdf.findIndex((c) => u <= c);
    const time =
      options.start +
      Math.floor(random() * days) * 86_400_000 +
      hour * 3_600_000 +
      Math.floor(random() * 3_600_000);
    const window = Math.floor(time / WINDOW_MS) * WINDOW_MS;
    const key = `${account}|${region}|${window}`;
    let list = buckets.get(key);
    if (!list) {
      list = [];
      buckets.set(key, list);
    }
    list.push({ time, record: record(account, region, time) });
    if (list.length >= options.perFile * (0.5 + random())) {
      flush(key, list);
      buckets.delete(key);
    }
  }
  for (const [key, list] of [...buckets].sort(([a], [b]) => (a < b ? -1 : 1))) flush(key, list);
  return { files, events: options.events, bytes };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = makeCorpus({
    out: arg('out', '.bench/corpus'),
    events: Number(arg('events', '1000000')),
    perFile: Number(arg('per-file', '500')),
    layout: arg('layout', 'trail') === 'fixed' ? 'fixed' : 'trail',
    principals: Number(arg('principals', '200')),
    seed: Number(arg('seed', '1')),
    start: Date.parse('2026-01-05T00:00:00Z'),
    sources: ['examples/cloudtrail', 'test/fixtures/cloudtrail/stratus'],
  });
  console.log(
    `wrote ${result.events} events in ${result.files} files (${(result.bytes / 2 ** 20).toFixed(1)} MB gzip)`,
  );
}
