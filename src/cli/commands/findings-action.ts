import pc from 'picocolors';
import { DuckDbEventStore } from '../../adapters/local/duckdb-store.ts';
import type { Severity } from '../../core/finding.ts';
import { parseTime } from '../time.ts';
import type { FindingsOptions } from './findings.ts';

/** Runs `logwarden findings`: prints the stored findings the options select. */
export async function listFindings(options: FindingsOptions): Promise<void> {
  const store = await DuckDbEventStore.open(options.db);
  try {
    const findings = await store.findings({
      minSeverity: options.severity as Severity | undefined,
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
}
