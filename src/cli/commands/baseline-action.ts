import { DuckDbEventStore } from '../../adapters/local/duckdb-store.ts';
import { BaselineDetector } from '../../core/detect/baseline/baseline-detector.ts';
import { rebuildProfiles } from '../../core/detect/baseline/rebuild-profiles.ts';
import { GeoEnricher } from '../../core/enrich/geo-enricher.ts';
import { loadConfig } from '../config-file.ts';
import { EXIT } from '../exit-codes.ts';
import { geoLookupFor } from '../geo.ts';
import { renderBaselineStatus } from '../render-baseline.ts';
import type { BaselineOptions } from './baseline.ts';

/** Runs `logwarden baseline`; resolves to the exit code. */
export async function baseline(options: BaselineOptions): Promise<number> {
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
