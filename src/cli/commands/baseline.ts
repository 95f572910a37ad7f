import type { Command } from 'commander';
import { DuckDbEventStore } from '../../adapters/local/duckdb-store.ts';
import { BaselineDetector } from '../../core/detect/baseline/baseline-detector.ts';
import { rebuildProfiles } from '../../core/detect/baseline/rebuild-profiles.ts';
import { GeoEnricher } from '../../core/enrich/geo-enricher.ts';
import { loadConfig } from '../config-file.ts';
import { EXIT } from '../exit-codes.ts';
import { geoLookupFor } from '../geo.ts';
import { renderBaselineStatus } from '../render-baseline.ts';
import { DEFAULT_DB, UsageError } from './analyze.ts';

interface BaselineOptions {
  config?: string;
  db: string;
  format: 'terminal' | 'json';
  show?: string;
}

export function registerBaseline(program: Command): void {
  program
    .command('baseline')
    .description('rebuild every per-principal behavioural profile from the events stored by analyze')
    .option('-c, --config <file>', 'configuration file (default: ./logwarden.config.yaml when present)')
    .option('--db <path>', 'DuckDB file analyze stored results in', DEFAULT_DB)
    .option('-f, --format <format>', 'terminal or json', 'terminal')
    .option('--show <key>', 'print one stored profile (its key, e.g. an IAM user ARN) instead of rebuilding')
    .action(async (options: BaselineOptions) => {
      process.exitCode = await baseline(options);
    });
}

async function baseline(options: BaselineOptions): Promise<number> {
  if (options.format !== 'terminal' && options.format !== 'json') {
    throw new UsageError(`--format "${options.format}" is not supported: use terminal or json`);
  }
  const config = loadConfig(options.config);
  const store = await DuckDbEventStore.open(options.db, { timeZone: config.timeZone });
  try {
    if (options.show) {
      const [profile] = await store.loadProfiles([options.show]);
      if (!profile) {
        process.stderr.write(`no profile with key "${options.show}" in ${options.db}\n`);
        return EXIT.inputErrors;
      }
      process.stdout.write(`${JSON.stringify(profile, null, 2)}\n`);
      return EXIT.ok;
    }
    const started = performance.now();
    const detector = new BaselineDetector(config.baseline, config.timeZone);
    const enricher = new GeoEnricher(geoLookupFor(config), config.geo.cacheSize);
    await store.resetProfiles();
    const result = await rebuildProfiles(store.storedEvents(), detector, enricher, store);
    const seconds = (performance.now() - started) / 1000;
    if (options.format === 'json') {
      process.stdout.write(
        `${JSON.stringify({ ...result, seconds: Math.round(seconds * 100) / 100 }, null, 2)}\n`,
      );
    } else {
      process.stdout.write(
        `Rebuilt profiles from ${result.events.toLocaleString('en-US')} stored events in ${seconds.toFixed(1)} s\n`,
      );
      process.stdout.write(renderBaselineStatus(result, 'profiled'));
    }
    return EXIT.ok;
  } finally {
    await store.close();
  }
}
