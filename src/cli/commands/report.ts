import { type Command, Option } from 'commander';
import type { AnalysisType, NotificationLevel } from '../../core/report/report-request.ts';
import { configOption, DEFAULT_DB, formatOption } from '../options.ts';

export const REPORT_FORMATS = ['terminal', 'md', 'json', 'html'] as const;
export const INSIGHT_PROVIDERS = ['offline', 'bedrock', 'openai'] as const;
// Spelled out rather than imported so that --help does not load the request schema (zod); the
// types keep them within the schema's values.
const PERIODS = ['daily', 'weekly', 'monthly'] as const satisfies readonly AnalysisType[];
const LEVELS = ['all', 'high_risk_only', 'critical_only'] as const satisfies readonly NotificationLevel[];

export interface ReportOptions {
  config?: string;
  db: string;
  period?: (typeof PERIODS)[number];
  at?: string;
  since?: string;
  until?: string;
  format: (typeof REPORT_FORMATS)[number];
  out?: string;
  ai?: (typeof INSIGHT_PROVIDERS)[number];
  notify?: boolean;
  level?: NotificationLevel;
}

/** `logwarden report`: the options here; the work is loaded when the command runs. */
export function registerReport(program: Command): void {
  program
    .command('report')
    .description(
      'write a daily, weekly, monthly or custom report from stored events and findings, with insights; optionally notify',
    )
    .addOption(configOption())
    .option('--db <path>', 'DuckDB file to read', DEFAULT_DB)
    .addOption(
      new Option(
        '-p, --period <period>',
        'the last complete one in the configured time zone (default daily)',
      ).choices(PERIODS),
    )
    .option('--at <time>', 'report the daily/weekly/monthly period containing this time instead')
    .option('--since <time>', 'custom period start (ISO-8601, or 24h / 7d ago)')
    .option('--until <time>', 'custom period end, exclusive (default: now)')
    .addOption(formatOption(REPORT_FORMATS))
    .option('-o, --out <file>', 'write the report to this file instead of standard output')
    .addOption(
      new Option('--ai <provider>', 'insights (default: report.insights.provider)').choices(
        INSIGHT_PROVIDERS,
      ),
    )
    .option('--notify', 'send new findings to the configured channels (SNS, SES, Slack, webhook)')
    .addOption(
      new Option('--level <level>', 'notification level (default: report.notifications.level)').choices(
        LEVELS,
      ),
    )
    .action(async (options: ReportOptions) => {
      const { report } = await import('./report-action.ts');
      process.exitCode = await report(options);
    });
}
