import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import pc from 'picocolors';
import { DuckDbEventStore } from '../../adapters/local/duckdb-store.ts';
import { OfflineInsights } from '../../adapters/local/offline-insights.ts';
import { channelsFor, insightModelFor } from '../../adapters/report-wiring.ts';
import { renderHtml } from '../../core/report/render-html.ts';
import { renderJson } from '../../core/report/render-json.ts';
import { renderMarkdown } from '../../core/report/render-markdown.ts';
import { renderTerminal } from '../../core/report/render-terminal.ts';
import { parseReportRequest, type ReportRequestInput } from '../../core/report/report-request.ts';
import { deliverReport, produceReport } from '../../core/report/run-report.ts';
import { loadConfig } from '../config-file.ts';
import { EXIT } from '../exit-codes.ts';
import { parseTime } from '../time.ts';
import { DEFAULT_DB, UsageError } from './analyze.ts';

interface ReportOptions {
  config?: string;
  db: string;
  period?: string;
  at?: string;
  since?: string;
  until?: string;
  format: string;
  out?: string;
  ai?: string;
  notify?: boolean;
  level?: string;
}

const FORMATS = ['terminal', 'md', 'json', 'html'] as const;
const PROVIDERS = ['offline', 'bedrock', 'openai'] as const;

export function registerReport(program: Command): void {
  program
    .command('report')
    .description(
      'write a daily, weekly, monthly or custom report from stored events and findings, with insights; optionally notify',
    )
    .option('-c, --config <file>', 'configuration file (default: ./logwarden.config.yaml when present)')
    .option('--db <path>', 'DuckDB file to read', DEFAULT_DB)
    .option(
      '-p, --period <period>',
      'daily, weekly or monthly: the last complete one in the configured time zone (default daily)',
    )
    .option('--at <time>', 'report the daily/weekly/monthly period containing this time instead')
    .option('--since <time>', 'custom period start (ISO-8601, or 24h / 7d ago)')
    .option('--until <time>', 'custom period end, exclusive (default: now)')
    .option('-f, --format <format>', 'terminal, md, json or html', 'terminal')
    .option('-o, --out <file>', 'write the report to this file instead of standard output')
    .option('--ai <provider>', 'insights: offline, bedrock or openai (default: report.insights.provider)')
    .option('--notify', 'send new findings to the configured channels (SNS, SES, Slack, webhook)')
    .option(
      '--level <level>',
      'notification level: all, high_risk_only or critical_only (default: report.notifications.level)',
    )
    .action(async (options: ReportOptions) => {
      process.exitCode = await report(options);
    });
}

async function report(options: ReportOptions): Promise<number> {
  if (!(FORMATS as readonly string[]).includes(options.format)) {
    throw new UsageError(`--format "${options.format}" is not supported: use ${FORMATS.join(', ')}`);
  }
  if (options.ai && !(PROVIDERS as readonly string[]).includes(options.ai)) {
    throw new UsageError(`--ai "${options.ai}" is not supported: use ${PROVIDERS.join(', ')}`);
  }
  if (options.period && (options.since || options.until))
    throw new UsageError('use either --period or --since/--until, not both');
  if (options.until && !options.since) throw new UsageError('--until needs --since');
  const config = loadConfig(options.config);
  const now = Date.now();
  const provider = (options.ai ?? config.report.insights.provider) as (typeof PROVIDERS)[number];
  const input: ReportRequestInput = {
    includeAI: provider !== 'offline',
    notificationLevel: (options.level ??
      config.report.notifications.level) as ReportRequestInput['notificationLevel'],
  };
  if (options.since) {
    input.analysisType = 'custom';
    input.since = new Date(parseTime(options.since, now)).toISOString();
    input.until = new Date(options.until ? parseTime(options.until, now) : now).toISOString();
  } else {
    input.analysisType = (options.period ?? 'daily') as ReportRequestInput['analysisType'];
    if (input.analysisType === 'custom')
      throw new UsageError('a custom period is given with --since and --until');
    if (options.at) input.at = new Date(parseTime(options.at, now)).toISOString();
  }
  let request: ReturnType<typeof parseReportRequest>;
  try {
    request = parseReportRequest(input);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }

  const env = process.env;
  const offline = new OfflineInsights();
  const model = insightModelFor(provider, config.report.insights, { env });
  const channels = options.notify
    ? channelsFor(config.report.notifications, request.notificationLevel, { env })
    : [];
  if (options.notify && channels.length === 0) {
    throw new UsageError(
      '--notify: no channel is configured (report.notifications.sns, ses, slack or webhook)',
    );
  }
  const store = await DuckDbEventStore.open(options.db, { timeZone: config.timeZone });
  try {
    const built = await produceReport(request, config, { store, model, offline, now: () => now });
    const text =
      options.format === 'json'
        ? renderJson(built)
        : options.format === 'md'
          ? renderMarkdown(built)
          : options.format === 'html'
            ? renderHtml(built)
            : renderTerminal(built, { color: !options.out && pc.isColorSupported });
    if (options.out) {
      writeFileSync(options.out, text);
      process.stderr.write(`report written to ${options.out}\n`);
    } else process.stdout.write(text);
    if (built.insights?.fallbackReason)
      process.stderr.write(`${pc.yellow('warning')}: ${built.insights.fallbackReason}\n`);

    if (!options.notify) return EXIT.ok;
    const results = await deliverReport(built, channels, store, Date.now);
    for (const r of results) {
      const line =
        r.status === 'sent'
          ? pc.green(`${r.channel}: sent ${r.findings} new finding${r.findings === 1 ? '' : 's'}`)
          : r.status === 'nothing-new'
            ? pc.dim(`${r.channel}: nothing new to send (${r.alreadySent} already sent)`)
            : pc.red(`${r.channel}: failed: ${r.error}`);
      process.stderr.write(`${line}\n`);
    }
    return results.some((r) => r.status === 'failed') ? EXIT.notifyFailed : EXIT.ok;
  } finally {
    await store.close();
  }
}
