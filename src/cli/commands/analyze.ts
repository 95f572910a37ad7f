import { type Command, Option } from 'commander';
import { configOption, DEFAULT_DB, formatOption, severityOption } from '../options.ts';

/** analyze's options as commander hands them over (values already checked against their choices). */
export interface AnalyzeOptions {
  config?: string;
  db: string;
  format: 'terminal' | 'json';
  failOn?: string;
  verbose?: boolean;
  progress: boolean;
  maxFindings: string;
  workers: string;
  verify: boolean;
  publicKeys?: string[];
}

/** `logwarden analyze`: the options here; the work is loaded when the command runs. */
export function registerAnalyze(program: Command): void {
  program
    .command('analyze')
    .description(
      'read CloudTrail logs from a file, a directory or s3://bucket/prefix; flag, score, detect and store them',
    )
    .argument('<input>', 'file, directory or s3://bucket/prefix')
    .addOption(configOption())
    .option('--db <path>', 'DuckDB file to store results in', DEFAULT_DB)
    .addOption(formatOption(['terminal', 'json']))
    .addOption(severityOption('--fail-on <severity>', 'exit 1 when findings at or above this severity exist'))
    .option('-v, --verbose', 'list every file with the reader that read it')
    .option('--no-progress', 'no progress bar even on a terminal')
    .option('--max-findings <n>', 'findings listed in --format json, most severe first (0 = all)', '1000')
    .addOption(
      new Option(
        '--workers <n>',
        'threads that decode, parse and run the stateless rules (0: all on the main thread; auto: see README)',
      ).default('auto'),
    )
    .option('--no-verify', 'skip the CloudTrail log-file integrity check over the digest files met')
    .option(
      '--public-keys <files...>',
      'CloudTrail public keys for the integrity check (see logwarden verify)',
    )
    .action(async (input: string, options: AnalyzeOptions) => {
      const { analyze } = await import('./analyze-action.ts');
      process.exitCode = await analyze(input, options);
    });
}
