import type { Command } from 'commander';
import pc from 'picocolors';
import { IntegrityCollector } from '../../adapters/integrity-reader.ts';
import { DuckDbEventStore } from '../../adapters/local/duckdb-store.ts';
import { LogwardenError } from '../../core/errors.ts';
import { atLeast, parseSeverity } from '../../core/finding.ts';
import { loadConfig } from '../config-file.ts';
import { EXIT, EXIT_FOR_KIND } from '../exit-codes.ts';
import { runIntegrityCheck } from '../integrity.ts';
import { integrityJson, renderIntegrity } from '../render-integrity.ts';
import { sourceFor } from '../sources.ts';
import { DEFAULT_DB } from './analyze.ts';

interface VerifyOptions {
  config?: string;
  db: string;
  format: 'terminal' | 'json';
  failOn: string;
  publicKeys?: string[];
}

export function registerVerify(program: Command): void {
  program
    .command('verify')
    .description(
      'check CloudTrail log-file integrity (digest signatures, the digest chain, log file hashes) in a directory or s3://bucket/prefix',
    )
    .argument(
      '<input>',
      'directory or s3://bucket/prefix holding AWSLogs/…/CloudTrail-Digest/ and CloudTrail/',
    )
    .option('-c, --config <file>', 'configuration file (default: ./logwarden.config.yaml when present)')
    .option('--db <path>', 'DuckDB file to store problems in as findings', DEFAULT_DB)
    .option('-f, --format <format>', 'terminal or json', 'terminal')
    .option('--fail-on <severity>', 'exit 1 when findings at or above this severity exist', 'CRITICAL')
    .option(
      '--public-keys <files...>',
      'output of `aws cloudtrail list-public-keys` (JSON); without it keys come from ListPublicKeys',
    )
    .action(async (input: string, options: VerifyOptions) => {
      try {
        process.exitCode = await verify(input, options);
      } catch (err) {
        if (!(err instanceof LogwardenError)) throw err;
        process.stderr.write(`${pc.red('error')}: ${err.message}\n`);
        process.exitCode = EXIT_FOR_KIND[err.kind];
      }
    });
}

async function verify(input: string, options: VerifyOptions): Promise<number> {
  if (options.format !== 'terminal' && options.format !== 'json')
    throw new LogwardenError('usage', `--format "${options.format}" is not supported: use terminal or json`);
  const failOn = parseSeverity(options.failOn);
  const config = loadConfig(options.config);
  const maxBytes = config.maxFileMiB * 2 ** 20;
  const collector = new IntegrityCollector();
  // Listing only: the check reads what it needs (digests, the log files they list).
  for await (const object of sourceFor(input, maxBytes).list()) collector.observe(object);
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
    return run.report.problems.length > 0 && atLeast('CRITICAL', failOn) ? EXIT.findings : EXIT.ok;
  } finally {
    await store.close();
  }
}
