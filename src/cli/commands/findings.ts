import type { Command } from 'commander';
import { DEFAULT_DB, formatOption, severityOption } from '../options.ts';

export interface FindingsOptions {
  db: string;
  severity?: string;
  principal?: string;
  since?: string;
  until?: string;
  rule?: string;
  limit: string;
  format: 'terminal' | 'json';
}

/** `logwarden findings`: the options here; the work is loaded when the command runs. */
export function registerFindings(program: Command): void {
  program
    .command('findings')
    .description('list stored findings, most risky first')
    .option('--db <path>', 'DuckDB file', DEFAULT_DB)
    .addOption(severityOption('-s, --severity <severity>', 'only findings at or above this severity'))
    .option('-p, --principal <name>', 'only findings for this principal (name, id or ARN)')
    .option('--since <time>', 'only findings at or after this time (ISO-8601, or 24h / 7d ago)')
    .option('--until <time>', 'only findings before this time')
    .option('--rule <id>', 'only findings of this rule')
    .option('-n, --limit <n>', 'at most this many', '100')
    .addOption(formatOption(['terminal', 'json']))
    .action(async (options: FindingsOptions) => {
      const { listFindings } = await import('./findings-action.ts');
      await listFindings(options);
    });
}
