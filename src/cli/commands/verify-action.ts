import { IntegrityCollector } from '../../adapters/integrity-reader.ts';
import { DuckDbEventStore } from '../../adapters/local/duckdb-store.ts';
import { atLeast, type Severity } from '../../core/finding.ts';
import { loadConfig } from '../config-file.ts';
import { EXIT } from '../exit-codes.ts';
import { runIntegrityCheck } from '../integrity.ts';
import { integrityJson, renderIntegrity } from '../render-integrity.ts';
import { sourceFor } from '../sources.ts';
import type { VerifyOptions } from './verify.ts';

/** Runs `logwarden verify`; resolves to the exit code (1 when problems reach --fail-on). */
export async function verify(input: string, options: VerifyOptions): Promise<number> {
  const config = loadConfig(options.config);
  const maxBytes = config.maxFileMiB * 2 ** 20;
  const collector = new IntegrityCollector();
  // Listing only: the check reads what it needs (the digests and the log files they list).
  for await (const object of (await sourceFor(input, maxBytes)).list()) collector.observe(object);
  const store = await DuckDbEventStore.open(options.db, { timeZone: config.timeZone });
  try {
    const run = await runIntegrityCheck(input, collector, {
      publicKeys: options.publicKeys,
      maxBytes,
      store,
      now: Date.now(),
    });
    if (options.format === 'json') {
      process.stdout.write(`${JSON.stringify({ input, ...integrityJson(run) }, null, 2)}\n`);
    } else {
      process.stdout.write(renderIntegrity(input, run));
    }
    // Every integrity problem is a CRITICAL finding.
    const failOn = options.failOn as Severity;
    return run.report.problems.length > 0 && atLeast('CRITICAL', failOn) ? EXIT.findings : EXIT.ok;
  } finally {
    await store.close();
  }
}
