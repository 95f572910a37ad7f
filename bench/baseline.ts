/**
 * `npm run bench:baseline`: what per-principal baselines cost. Streams synthetic CloudTrail-shaped
 * events for 10,000 principals over 30 days through the engine, in files of 1,000 events, three
 * times, each in its own process so peak RSS is its own:
 *
 *   off          the engine without the baseline stage (no GeoIP lookups, no baseline detector)
 *   geo-only     GeoIP/ASN enrichment alone
 *   on           GeoIP/ASN enrichment + baseline detector, profiles in DuckDB (all fit the cache)
 *   on-heap160   the same with V8's old space capped at 160 MB: what the stage really keeps
 *   small-cache  the same with room for 2,000 profiles, so most principals are written and read
 *                back on every file (the worst case; run on a tenth of the events)
 *
 * and prints events/s, the time the baseline stage adds per million events and peak RSS.
 *
 *   npm run bench:baseline -- [--events 1000000] [--principals 10000]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDbEventStore } from '../src/adapters/local/duckdb-store.ts';
import { OfflineGeoLookup } from '../src/adapters/local/geo/offline-geo-lookup.ts';
import { parseConfig } from '../src/core/config.ts';
import { BaselineDetector } from '../src/core/detect/baseline/baseline-detector.ts';
import type { NormalizedEvent } from '../src/core/event.ts';
import { Engine } from '../src/core/pipeline.ts';
import { arg } from './cli-arg.ts';

const EVENTS = Number(arg('events', '1000000'));
const PRINCIPALS = Number(arg('principals', '10000'));
const PER_FILE = 1_000;
const DAYS = 30;
const T0 = Date.UTC(2026, 2, 2);
const mode = arg('mode', '');

interface Result {
  mode: string;
  events: number;
  principals: number;
  processMs: number;
  prepareMs: number;
  persistMs: number;
  /** CPU time (user + system) of the same three stages: steadier than wall time on a shared machine. */
  cpuMs: number;
  setupMs: number;
  maxRssMB: number;
  heapMB: number;
  findings: number;
  profilesStored: number;
}

/** Deterministic PRNG (mulberry32). */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SERVICES = [
  'ec2',
  's3',
  'iam',
  'sts',
  'kms',
  'ssm',
  'secretsmanager',
  'lambda',
  'logs',
  'cloudwatch',
  'dynamodb',
  'rds',
];
const ACTIONS = [
  'DescribeInstances',
  'GetObject',
  'ListBuckets',
  'GetUser',
  'Decrypt',
  'GetParameter',
  'PutObject',
  'AssumeRole',
  'ListRoles',
  'RunInstances',
];
const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-2'];
const AGENTS = [
  'aws-cli/2.13.4 Python/3.11.4 Linux/5.19.0-46-generic exe/x86_64.ubuntu.22 prompt/off',
  'Boto3/1.26.165 Python/3.10.6 Linux/5.19.0-46-generic Botocore/1.29.165',
  'APN/1.0 HashiCorp/1.0 Terraform/1.1.2 (+https://www.terraform.io) terraform-provider-aws/4.67.0 aws-sdk-go/1.44.261 (go1.19.8; linux; amd64)',
  'aws-sdk-java/1.12.488 Linux/5.10.184 OpenJDK_64-Bit_Server_VM/25.372-b08 java/1.8.0_372',
  '[S3Console/0.4, aws-internal/3 aws-sdk-java/1.12.488]',
  'AWS Internal',
];

/** A public address somewhere in 1.0.0.0–223.255.255.255 (private ranges are rare and harmless here). */
function publicIp(r: () => number): string {
  return `${1 + Math.floor(r() * 222)}.${Math.floor(r() * 256)}.${Math.floor(r() * 256)}.${1 + Math.floor(r() * 254)}`;
}

/** The synthetic trail: each principal has a home address, region, tool and a few services. */
function* files(): Generator<NormalizedEvent[]> {
  const r = rng(42);
  const people = Array.from({ length: PRINCIPALS }, (_, i) => ({
    user: `user-${String(i).padStart(5, '0')}`,
    ip: publicIp(r),
    region: REGIONS[i % REGIONS.length],
    ua: AGENTS[i % AGENTS.length],
    key: `AKIA${String(i).padStart(16, '0')}`,
    services: [SERVICES[i % SERVICES.length], SERVICES[(i * 7 + 3) % SERVICES.length]],
  }));
  const span = DAYS * 86_400_000;
  for (let f = 0; f * PER_FILE < EVENTS; f++) {
    const batch: NormalizedEvent[] = [];
    for (let j = 0; j < PER_FILE && f * PER_FILE + j < EVENTS; j++) {
      const g = f * PER_FILE + j;
      const p = people[Math.floor(r() * PRINCIPALS)];
      const stray = r() < 0.02; // now and then another address, region or tool
      const service = `${p.services[g % 2]}.amazonaws.com`;
      batch.push({
        id: `e-${g}`,
        time: T0 + Math.floor((g * span) / EVENTS),
        source: 'cloudtrail',
        account: '123456789012',
        region: stray ? REGIONS[g % REGIONS.length] : p.region,
        service,
        action: ACTIONS[g % ACTIONS.length],
        principal: {
          type: 'IAMUser',
          id: `AIDA${p.user}`,
          arn: `arn:aws:iam::123456789012:user/${p.user}`,
          name: p.user,
          accountId: '123456789012',
          accessKeyId: p.key,
        },
        sourceIp: stray ? publicIp(r) : p.ip,
        userAgent: stray ? AGENTS[g % AGENTS.length] : p.ua,
        readOnly: g % 3 !== 0,
        raw: {},
      });
    }
    yield batch;
  }
}

/** Heap in use after a full collection (children run with --expose-gc). */
function liveHeapMB(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

async function child(which: string): Promise<Result> {
  const setup = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'logwarden-bench-baseline-'));
  const withGeo = which !== 'off';
  const withBaseline = withGeo && which !== 'geo-only';
  const config = parseConfig({ baseline: { cacheSize: which === 'small-cache' ? 2_000 : 20_000 } });
  const store = await DuckDbEventStore.open(join(dir, 'b.duckdb'));
  const detectors = withBaseline ? [new BaselineDetector(config.baseline, config.timeZone)] : [];
  const engine = new Engine(config, detectors, {
    geo: withGeo ? OfflineGeoLookup.fromConfig({}) : undefined,
  });
  if (withGeo) engine.enricher.locate('8.8.8.8'); // open the databases outside the timed loop
  const setupMs = performance.now() - setup;
  let processMs = 0;
  let prepareMs = 0;
  let findings = 0;
  let events = 0;
  const cpu0 = process.cpuUsage();
  for (const batch of files()) {
    let t = performance.now();
    await engine.prepare(batch, store);
    prepareMs += performance.now() - t;
    t = performance.now();
    findings += engine.process(batch).findings.length;
    processMs += performance.now() - t;
    events += batch.length;
  }
  const t = performance.now();
  await engine.saveState(store);
  const persistMs = performance.now() - t;
  const cpu = process.cpuUsage(cpu0);
  const [{ n }] = withBaseline
    ? await store.query('SELECT count(*)::INTEGER AS n FROM principal_profiles')
    : [{ n: 0 }];
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  return {
    mode: which,
    events,
    principals: PRINCIPALS,
    processMs,
    prepareMs,
    persistMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    setupMs,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
    heapMB: liveHeapMB(),
    findings,
    profilesStored: Number(n),
  };
}

if (mode) {
  process.stdout.write(`${JSON.stringify(await child(mode))}\n`);
} else {
  const runs: [label: string, mode: string, nodeArgs: string[]][] = [
    ['off', 'off', []],
    ['geo-only', 'geo-only', []],
    ['on', 'on', []],
    ['on-heap160', 'on', ['--max-old-space-size=160']],
    ['small-cache', 'small-cache', []],
  ];
  const results: Result[] = [];
  for (const [label, m, nodeArgs] of runs) {
    // The thrashing case reads and writes profiles on every file: a tenth of the events shows its rate.
    const events = m === 'small-cache' ? Math.ceil(EVENTS / 10) : EVENTS;
    const args = ['--mode', m, '--events', String(events), '--principals', String(PRINCIPALS)];
    const out = spawnSync(
      process.execPath,
      [...nodeArgs, '--expose-gc', '--import', 'tsx', import.meta.filename, ...args],
      {
        encoding: 'utf8',
        maxBuffer: 16 * 2 ** 20,
      },
    );
    if (out.status !== 0) throw new Error(`bench child ${label} failed:\n${out.stderr}`);
    results.push({ ...(JSON.parse(out.stdout.trim().split('\n').pop() as string) as Result), mode: label });
  }
  const off = results[0];
  const wall = (r: Result) => r.processMs + r.prepareMs + r.persistMs;
  /** Seconds per million events beyond what "off" takes for the same number of events. */
  const added = (ms: number, offMs: number, r: Result) =>
    (((ms - (offMs * r.events) / off.events) / r.events) * 1e6) / 1000;
  console.log(
    `baseline benchmark: ${off.events.toLocaleString('en-US')} events (small-cache ${Math.ceil(EVENTS / 10).toLocaleString('en-US')}), ${PRINCIPALS.toLocaleString('en-US')} principals, ${DAYS} days, files of ${PER_FILE}`,
  );
  console.log(
    'mode          events/s   added s/1M (wall)   added CPU s/1M   prepare+persist s   peak RSS MB   live heap MB   findings   profiles',
  );
  for (const r of results) {
    const cells = [
      r.mode.padEnd(12),
      String(Math.round(r.events / (wall(r) / 1000))).padStart(9),
      (r === off ? '—' : added(wall(r), wall(off), r).toFixed(1)).padStart(17),
      (r === off ? '—' : added(r.cpuMs, off.cpuMs, r).toFixed(1)).padStart(14),
      ((r.prepareMs + r.persistMs) / 1000).toFixed(2).padStart(17),
      r.maxRssMB.toFixed(0).padStart(11),
      r.heapMB.toFixed(0).padStart(12),
      String(r.findings).padStart(8),
      String(r.profilesStored).padStart(8),
    ];
    console.log(cells.join('   '));
  }
  console.log(
    `GeoIP databases opened once in ${(results[1].setupMs / 1000).toFixed(2)} s (not counted above).`,
  );
  console.log(
    'added = beyond "off" (seed flags, score and the high-risk detector alone); live heap = after a full GC at the end.',
  );
}
