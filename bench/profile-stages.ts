/**
 * `npx tsx bench/profile-stages.ts --corpus DIR`: where analyze's time goes, per stage and per file.
 * Runs analyze's steps one after the other on the main thread (no read-ahead, no workers, so the
 * stages do not overlap and their times add up) with the default configuration (everything on),
 * timing each: list, read, hash, gunzip, the stored-file check, parse + normalize, the baseline's
 * profile load, enrich (GeoIP), flags, each detector, and the store. Prints a table: total seconds,
 * ms per file, µs per event and share of the total.
 *
 *   npx tsx bench/profile-stages.ts --corpus DIR [--files N]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { sha256Hex } from '../src/adapters/decode.ts';
import { DuckDbEventStore } from '../src/adapters/local/duckdb-store.ts';
import { FsObjectSource } from '../src/adapters/local/fs-source.ts';
import { loadSigmaRules } from '../src/adapters/local/sigma-loader.ts';
import { geoLookupFor } from '../src/cli/geo.ts';
import { hideNodeVersionWarning } from '../src/cli/node-version-warning.ts';
import { defaultConfig } from '../src/core/config.ts';
import { defaultDetectors } from '../src/core/detect/default-detectors.ts';
import type { Detector } from '../src/core/detect/detector.ts';
import { Engine } from '../src/core/pipeline.ts';
import type { IngestBatch, SourceObject } from '../src/core/ports.ts';
import { aggregateFlows } from '../src/core/sources/flow-aggregate.ts';
import { parseLogFile } from '../src/core/sources/parse.ts';
import { arg } from './cli-arg.ts';

hideNodeVersionWarning();
const corpus = arg('corpus', '');
if (!corpus) throw new Error('usage: npx tsx bench/profile-stages.ts --corpus DIR [--files N]');
const limit = Number(arg('files', '0'));
const work = mkdtempSync(join(tmpdir(), 'logwarden-profile-'));

const spent = new Map<string, number>();
const charge = (stage: string, ms: number) => spent.set(stage, (spent.get(stage) ?? 0) + ms);
async function timed<T>(stage: string, f: () => Promise<T> | T): Promise<T> {
  const t = performance.now();
  try {
    return await f();
  } finally {
    charge(stage, performance.now() - t);
  }
}

/** Wraps a detector so each call into it is charged to its name. */
function timedDetector(d: Detector): Detector {
  const name = `detect: ${d.constructor.name}`;
  const wrap = <A extends unknown[], R>(f: ((...a: A) => R) | undefined) =>
    f &&
    ((...a: A): R => {
      const t = performance.now();
      try {
        return f.apply(d, a);
      } finally {
        charge(name, performance.now() - t);
      }
    });
  return new Proxy(d, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (key === 'observe' || key === 'refineFlags' || key === 'flush' || key === 'observeFlow')
        return wrap(value as (...a: unknown[]) => unknown);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

const config = defaultConfig();
const maxBytes = config.maxFileMiB * 2 ** 20;
const started = performance.now();
const setup = await timed('setup: config, Sigma, detectors, GeoIP, store open', async () => {
  const sigma = loadSigmaRules(config.sigma);
  const engine = new Engine(config, defaultDetectors(config, sigma.rules).map(timedDetector), {
    geo: geoLookupFor(config),
  });
  const store = await DuckDbEventStore.open(join(work, 'p.duckdb'), { timeZone: config.timeZone });
  await engine.loadState(store);
  return { engine, store };
});
const { engine, store } = setup;
// Engine-internal stages: the enricher and the flag evaluator, charged the same way.
const internals = engine as unknown as {
  enricher: { enrich(e: unknown): void };
  flags: { flags(e: unknown): unknown };
};
for (const [key, method, stage] of [
  ['enricher', 'enrich', 'enrich: address labels, GeoIP/ASN'],
  ['flags', 'flags', 'flags + risk score'],
] as const) {
  const target = internals[key] as unknown as Record<string, (...a: unknown[]) => unknown>;
  const original = target[method].bind(target);
  target[method] = (...a: unknown[]) => {
    const t = performance.now();
    try {
      return original(...a);
    } finally {
      charge(stage, performance.now() - t);
    }
  };
}

const objects = await timed('list files', async () => {
  const all: SourceObject[] = [];
  for await (const o of new FsObjectSource(corpus, maxBytes).list()) {
    all.push(o);
    if (limit && all.length >= limit) break;
  }
  return all;
});
let events = 0;
for (const object of objects) {
  const bytes = await timed('read (fs)', () => object.readBytes!());
  const sha256 = await timed('hash (SHA-256)', () => sha256Hex(bytes));
  const text = await timed('gunzip + UTF-8', () => gunzipSync(bytes).toString('utf8'));
  if (await timed('store: already ingested?', () => store.isIngested(sha256))) continue;
  const parsed = await timed('parse + normalize', () =>
    parseLogFile(object.uri, text, { flowFormat: config.flowLogs.format, referenceTime: Date.now() }),
  );
  await timed('baseline: load profiles', () => engine.prepare(parsed.events, store));
  const t = performance.now();
  const flows = parsed.flows ?? [];
  const { events: processed, findings } = engine.process(parsed.events, flows);
  charge('engine.process (all)', performance.now() - t);
  events += processed.length;
  const batch: IngestBatch = {
    file: {
      id: sha256,
      uri: object.uri,
      size: object.size,
      ingestedAt: Date.now(),
      events: processed.length,
      errors: parsed.errors.length,
    },
    events: processed,
    findings,
    errors: parsed.errors,
    ...(flows.length > 0 && { flowAggregates: aggregateFlows(flows) }),
  };
  await timed('store: ingest (per file)', () => store.ingest(batch));
}
await timed('store: final flush + detector state', async () => {
  await store.flush();
  await engine.saveState(store);
});
await timed('store: close', () => store.close());
const total = performance.now() - started;
rmSync(work, { recursive: true, force: true });

const files = objects.length;
const processMs = spent.get('engine.process (all)') ?? 0;
const inside = [...spent].filter(
  ([k]) => k.startsWith('detect: ') || k.startsWith('enrich') || k.startsWith('flags'),
);
const insideSum = inside.reduce((a, [, v]) => a + v, 0);
spent.delete('engine.process (all)');
spent.set('engine.process: the rest (risk, dedupe, merge)', processMs - insideSum);
console.log(
  `${files.toLocaleString('en-US')} files, ${events.toLocaleString('en-US')} events (${(events / files).toFixed(1)} a file), ${(total / 1000).toFixed(1)} s; stages run one after another\n`,
);
console.log('| stage | total s | ms per file | µs per event | share |');
console.log('|---|---|---|---|---|');
for (const [stage, ms] of [...spent].sort((a, b) => b[1] - a[1])) {
  console.log(
    `| ${stage} | ${(ms / 1000).toFixed(2)} | ${(ms / files).toFixed(3)} | ${((ms * 1000) / events).toFixed(1)} | ${((ms / total) * 100).toFixed(1)}% |`,
  );
}
const accounted = [...spent.values()].reduce((a, b) => a + b, 0);
console.log(
  `| (not in a stage: loop, awaits) | ${((total - accounted) / 1000).toFixed(2)} | ${((total - accounted) / files).toFixed(3)} | | ${(((total - accounted) / total) * 100).toFixed(1)}% |`,
);
