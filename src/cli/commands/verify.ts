import type { Command } from 'commander';
import { configOption, DEFAULT_DB, formatOption, severityOption } from '../options.ts';

/** verify's options as commander hands them over. */
export interface VerifyOptions {
  config?: string;
  db: string;
  format: 'terminal' | 'json';
  failOn: string;
  publicKeys?: string[];
}

/** `logwarden verify`: the options here; the work is loaded when the command runs. */
export function registerVerify(program: Command): void {
  program
    .command('verify')
    .description(
      'check CloudTrail log-file integrity (digest signatures, the chain of digests, log file hashes) in a directory or s3://bucket/prefix',
    )
    .argument(
      '<input>',
      'directory or s3://bucket/prefix holding AWSLogs/…/CloudTrail-Digest/ and CloudTrail/',
    )
    .addOption(configOption())
    .option('--db <path>', 'DuckDB file to store problems in as findings', DEFAULT_DB)
    .addOption(formatOption(['terminal', 'json']))
    .addOption(
      severityOption('--fail-on <severity>', 'exit 1 when findings at or above this severity exist').default(
        'CRITICAL',
      ),
    )
    .option(
      '--public-keys <files...>',
      'output of `aws cloudtrail list-public-keys` (JSON); without it keys come from ListPublicKeys',
    )
    .action(async (input: string, options: VerifyOptions) => {
      const { verify } = await import('./verify-action.ts');
      process.exitCode = await verify(input, options);
    });
}
