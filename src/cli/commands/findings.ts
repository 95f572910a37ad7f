import type { Command } from 'commander';
import pc from 'picocolors';
import { DuckDbEventStore } from '../../adapters/local/duckdb-store.ts';
import { parseSeverity } from '../../core/finding.ts';
import { parseTime } from '../time.ts';
import { DEFAULT_DB } from './analyze.ts';

interface FindingsOptions {
  db: string;
  severity?: string;
  principal?: string;
  since?: string;
  until?: string;
  rule?: string;
  limit: string;
  format: 'terminal' | 'json';
}

export function registerFindings(program: Command): void {
  program
    .command('findings')
    .description('list stored findings, most risky first')
    .option('--db <path>', 'DuckDB file', DEFAULT_DB)
    .option('-s, --severity <severity>', 'only findings at or above this severity')
    .option('-p, --principal <name>', 'only findings for this principal (name, id or ARN)')
    .option('--since <time>', 'only findings at or after this time (ISO-8601, or 24h / 7d ago)')
    .option('--until <time>', 'only findings before this time')
    .option('--rule <id>', 'only findings of this rule')
    .option('-n, --limit <n>', 'at most this many', '100')
    .option('-f, --format <format>', 'terminal or json', 'terminal')
    .action(async (options: FindingsOptions) => {
      const store = await DuckDbEventStore.open(options.db);
      try {
        const findings = await store.findings({
          minSeverity: options.severity ? parseSeverity(options.severity) : undefined,
          principal: options.principal,
          since: options.since ? parseTime(options.since) : undefined,
          until: options.until ? parseTime(options.until) : undefined,
          ruleId: options.rule,
          limit: Number(options.limit),
        });
        if (options.format === 'json') {
          process.stdout.write(`${JSON.stringify(findings, null, 2)}\n`);
          return;
        }
        if (findings.length === 0) {
          process.stdout.write('no findings match\n');
          return;
        }
        for (const f of findings) {
          process.stdout.write(
            `${new Date(f.time).toISOString()}  ${f.severity.padEnd(8)} ${String(f.riskScore).padStart(4)}  ${pc.bold(f.title)} ${pc.dim(`[${f.ruleId}] ${f.id}`)}\n    ${f.explanation}\n`,
          );
        }
      } finally {
        await store.close();
      }
    });
}
