import type { Command } from 'commander';
import { configOption, DEFAULT_DB, formatOption } from '../options.ts';

export interface BaselineOptions {
  config?: string;
  db: string;
  format: 'terminal' | 'json';
  show?: string;
}

/** `logwarden baseline`: the options here; the work is loaded when the command runs. */
export function registerBaseline(program: Command): void {
  program
    .command('baseline')
    .description('rebuild every per-principal behavioural profile from the events stored by analyze')
    .addOption(configOption())
    .option('--db <path>', 'DuckDB file analyze stored results in', DEFAULT_DB)
    .addOption(formatOption(['terminal', 'json']))
    .option('--show <key>', 'print one stored profile (its key, e.g. an IAM user ARN) instead of rebuilding')
    .action(async (options: BaselineOptions) => {
      const { baseline } = await import('./baseline-action.ts');
      process.exitCode = await baseline(options);
    });
}
