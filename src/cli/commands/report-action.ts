import { writeFileSync } from 'node:fs';
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
import { UsageError } from '../usage-error.ts';
import type { ReportOptions } from './report.ts';

/** Runs `logwarden report`; resolves to the exit code. */
export async function report(options: ReportOptions): Promise<number> {
  if (options.period && (options.since || options.until))
    throw new UsageError('use either --period or --since/--until, not both');
  if (options.until && !options.since) throw new UsageError('--until needs --since');
  const config = loadConfig(options.config);
  const now = Date.now();
  const provider = options.ai ?? config.report.insights.provider;
  const input: ReportRequestInput = {
    includeAI: provider !== 'offline',
    notificationLevel: options.level ?? config.report.notifications.level,
  };
  if (options.since) {
    input.analysisType = 'custom';
    input.since = new Date(parseTime(options.since, now)).toISOString();
    input.until = new Date(options.until ? parseTime(options.until, now) : now).toISOString();
  } else {
    input.analysisType = options.period ?? 'daily';
    if (options.at) input.at = new Date(parseTime(options.at, now)).toISOString();
  }
  let request: ReturnType<typeof parseReportRequest>;
  try {
    request = parseReportRequest(input);
  } catch (err) {
    throw new UsageError((err as Error).message, { cause: err });
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
