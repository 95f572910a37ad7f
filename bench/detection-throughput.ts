/**
 * `npm run bench:detection`: what detection costs. Reads the benchmark corpus (built like
 * `npm run bench` builds it, 1M events by default) once into memory, then times the engine over all
 * of it twice: seed flags and score only, and with every detector (built-in rules, Sigma, threshold
 * and sequence rules). Parsing and storage are left out so the difference is detection alone.
 *
 *   npm run bench:detection -- [--events 1000000] [--corpus DIR]
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { loadVendoredSigmaRules } from '../src/adapters/local/sigma-loader.ts';
import { defaultConfig } from '../src/core/config.ts';
import { defaultDetectors } from '../src/core/detect/default-detectors.ts';
import type { NormalizedEvent } from '../src/core/event.ts';
import { Engine } from '../src/core/pipeline.ts';
import { parseCloudTrail } from '../src/core/sources/cloudtrail.ts';
import { arg } from './cli-arg.ts';
import { makeCorpus } from './make-corpus.ts';

const events = Number(arg('events', '1000000'));
const corpus = resolve(arg('corpus', join(tmpdir(), `logwarden-bench-corpus-${events}`)));
const root = resolve(import.meta.dirname, '..');

if (!existsSync(corpus)) {
  makeCorpus({
    out: corpus,
    events,
    perFile: 500,
    layout: 'fixed',
    principals: 200,
    seed: 1,
    start: Date.parse('2026-01-05T00:00:00Z'),
    sources: [join(root, 'examples/cloudtrail'), join(root, 'test/fixtures/cloudtrail/stratus')],
  });
}

const files = readdirSync(corpus, { recursive: true })
  .map(String)
  .filter((f) => f.endsWith('.json.gz'))
  .sort();
const texts = files.map((f) => gunzipSync(readFileSync(join(corpus, f))).toString('utf8'));
console.log(`corpus: ${files.length} files in ${corpus}`);

/** Parses afresh for each pass (the engine writes flags and scores onto the events). */
function batches(): NormalizedEvent[][] {
  return texts.map((t, i) => parseCloudTrail(files[i], t).events);
}

function pass(label: string, engine: Engine): number {
  const input = batches();
  const total = input.reduce((n, b) => n + b.length, 0);
  const started = performance.now();
  let findings = 0;
  for (const batch of input) findings += engine.process(batch).findings.length;
  const seconds = (performance.now() - started) / 1000;
  const rate = total / seconds;
  console.log(
    `${label.padEnd(34)} ${total} events in ${seconds.toFixed(1)} s = ${Math.round(rate).toLocaleString('en-US')} events/s, ${findings} findings`,
  );
  return rate;
}

const config = { ...defaultConfig(), baseline: { ...defaultConfig().baseline, enabled: false } };
const sigma = loadVendoredSigmaRules().rules;
const flagsOnly = pass('flags and score only', new Engine(config, []));
const all = pass(
  `all rules (${sigma.length} Sigma + built-in)`,
  new Engine(config, defaultDetectors(config, sigma)),
);
console.log(`detection keeps ${((all / flagsOnly) * 100).toFixed(0)}% of the flags-only engine throughput`);
