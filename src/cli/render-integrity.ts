import pc from 'picocolors';
import type { IntegrityRun } from './integrity.ts';

const iso = (ms: number | undefined) =>
  ms === undefined ? null : new Date(ms).toISOString().replace('.000Z', 'Z');

/** The integrity part of `verify --format json` and `analyze --format json`. */
export function integrityJson(run: IntegrityRun) {
  const { report } = run;
  return {
    keys: run.keys,
    digests: report.digests,
    logFiles: report.logFiles,
    trails: report.trails.map((t) => ({ ...t, from: iso(t.from), to: iso(t.to) })),
    problems: report.problems.map((p) => ({ ...p, time: iso(p.time) })),
    unverifiableDigests: report.unverifiableDigests,
    unverifiableLogFiles: report.unverifiableLogFiles,
    findingsStored: run.findingsStored,
  };
}

/** One line for the `analyze` summary. */
export function integritySummaryLine(run: IntegrityRun): string {
  const { logFiles, digests, problems } = run.report;
  const failed = logFiles.failed ? pc.bold(pc.red(`${logFiles.failed} failed`)) : '0 failed';
  const issues = problems.length
    ? pc.bold(pc.red(`, ${problems.length} problems (logwarden verify for details)`))
    : '';
  return `integrity: log files ${logFiles.verified} verified, ${logFiles.unverifiable} unverifiable, ${failed}; digests ${digests.verified} verified, ${digests.unverifiable} unverifiable, ${digests.failed} failed${issues}\n`;
}

/** What `verify` prints on a terminal: per trail and region, then every problem. */
export function renderIntegrity(input: string, run: IntegrityRun): string {
  const { report } = run;
  const out: string[] = [pc.bold(`logwarden verify — ${input}`), pc.dim(`public keys: ${run.keys}`), ''];
  if (report.trails.length === 0) out.push('no CloudTrail digest files found: nothing can be verified');
  for (const t of report.trails) {
    out.push(
      `${pc.bold(`${t.account} ${t.region} ${t.trail}`)}  ${pc.dim(`${iso(t.from) ?? '?'} → ${iso(t.to) ?? '?'}`)}`,
      `  digests ${t.digests} (${t.digestsVerified} verified, ${t.digestsUnverifiable} unverifiable, ${t.digestsFailed} failed)   log files listed ${t.logFiles}`,
    );
  }
  const l = report.logFiles;
  out.push('', `log files: ${l.verified} verified, ${l.unverifiable} unverifiable, ${l.failed} failed`);
  for (const [reason, n] of Object.entries(report.unverifiableLogFiles))
    out.push(pc.dim(`  ${n} unverifiable: ${reason}`));
  if (report.unverifiableDigests.length) {
    out.push('', 'unverifiable digests:');
    for (const u of report.unverifiableDigests.slice(0, 50)) out.push(pc.dim(`  ${u.file}: ${u.reason}`));
    if (report.unverifiableDigests.length > 50)
      out.push(pc.dim(`  … ${report.unverifiableDigests.length - 50} more (--format json)`));
  }
  if (report.problems.length === 0) {
    out.push('', pc.green('no tampering found'));
  } else {
    out.push(
      '',
      pc.bold(
        pc.red(`${report.problems.length} problems (stored as CRITICAL cloudtrail.log-tampering findings)`),
      ),
    );
    for (const p of report.problems) {
      out.push(
        `  ${pc.red(p.kind.padEnd(22))} ${iso(p.time)}  ${p.message}`,
        `    file:     ${p.file}`,
        `    expected: ${p.expected}`,
        `    found:    ${p.found}`,
      );
    }
  }
  return `${out.join('\n')}\n`;
}
