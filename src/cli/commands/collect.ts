import type { Command } from 'commander';
import { configOption, DEFAULT_DB, formatOption, severityOption } from '../options.ts';

/** collect's options as commander hands them over. */
export interface CollectOptions {
  profile?: string;
  regions?: string;
  since: string;
  until?: string;
  endpointUrl?: string;
  config?: string;
  db: string;
  format: 'terminal' | 'json';
  failOn?: string;
  verbose?: boolean;
  commitEvery: string;
}

/** `logwarden collect`: Event history through the LookupEvents API, into the same store as `analyze`. */
export function registerCollect(program: Command): void {
  program
    .command('collect')
    .description(
      'pull CloudTrail Event history (LookupEvents) from every enabled region into the store and analyze it; resumes after an interruption',
    )
    .option('--profile <name>', 'AWS profile (default: the standard credential chain)')
    .option('--regions <list>', 'comma-separated regions (default: every region enabled for the account)')
    .option(
      '--since <time>',
      'start: ISO-8601 or a duration ago (30m, 24h, 7d; Event history keeps 90 days)',
      '24h',
    )
    .option('--until <time>', 'end: ISO-8601 or a duration ago (default: now)')
    .option('--endpoint-url <url>', 'send CloudTrail and Account API calls to this endpoint instead of AWS')
    .addOption(configOption())
    .option('--db <path>', 'DuckDB file to store results in', DEFAULT_DB)
    .addOption(formatOption(['terminal', 'json']))
    .addOption(severityOption('--fail-on <severity>', 'exit 1 when findings at or above this severity exist'))
    .option('-v, --verbose', 'list every page fetched')
    .option('--commit-every <pages>', 'pages stored (and the checkpoint saved) at a time', '20')
    .action(async (options: CollectOptions) => {
      const { collect } = await import('./collect-action.ts');
      process.exitCode = await collect(options);
    });
}
