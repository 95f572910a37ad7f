import pc from 'picocolors';
import { HIGH_RISK_EVENT_RULE } from '../core/detect/high-risk-event.ts';
import { TACTIC_NAMES } from '../core/detect/rules/helpers.ts';
import type { InputError } from '../core/event.ts';
import { type Finding, type Severity, severityRank } from '../core/finding.ts';
import type { RunResult } from '../core/pipeline.ts';
import type { Ranked, Summary } from '../core/report/summary.ts';
import { renderSources } from './render-sources.ts';

const SEVERITY_COLOR: Record<Severity, (s: string) => string> = {
  CRITICAL: (s) => pc.bold(pc.red(s)),
  HIGH: pc.red,
  MEDIUM: pc.yellow,
  LOW: pc.cyan,
};

/** The JSON document `analyze --format json` prints. */
export function analyzeJson(input: string, run: RunResult, summary: Summary, findings: Finding[]) {
  return {
    input,
    run: {
      files: run.files,
      alreadyIngested: run.alreadyIngested,
      skipped: run.skipped,
      eventsRead: run.eventsRead,
      flowRecordsRead: run.flowRecordsRead,
      eventsStored: run.eventsStored,
      findingsStored: run.findingsStored,
    },
    ...summary,
    firstEvent: summary.firstEvent === undefined ? null : new Date(summary.firstEvent).toISOString(),
    lastEvent: summary.lastEvent === undefined ? null : new Date(summary.lastEvent).toISOString(),
    findings: findings.map((f) => ({ ...f, time: new Date(f.time).toISOString() })),
    inputErrors: run.inputErrors,
  };
}

/** The terminal summary a security engineer reads after `analyze`. */
export function renderTerminalSummary(
  input: string,
  run: RunResult,
  summary: Summary,
  findings: Finding[],
  options: { timeZone: string; maxFindings?: number; readAs?: string },
): string {
  const out: string[] = [];
  const h = (s: string) => out.push('', pc.bold(s));
  out.push(pc.bold(`logwarden — ${input}`));
  const stored =
    run.eventsStored === 0 && run.alreadyIngested > 0 && run.eventsRead === 0
      ? pc.dim(`nothing new stored: all ${run.alreadyIngested} files were already ingested`)
      : `${run.eventsStored.toLocaleString('en-US')} new events stored` +
        (run.alreadyIngested ? pc.dim(` (${run.alreadyIngested} files already ingested)`) : '');
  const skipped = Object.entries(run.skipped).map(([why, n]) => `${n} ${why} files skipped`);
  out.push(`${run.files} files read, ${stored}${skipped.length ? `, ${skipped.join(', ')}` : ''}`);
  if (options.readAs) out.push(pc.dim(options.readAs));
  if (summary.firstEvent !== undefined && summary.lastEvent !== undefined) {
    out.push(pc.dim(`events from ${iso(summary.firstEvent)} to ${iso(summary.lastEvent)}`));
  }

  h('Totals');
  out.push(
    `  events ${fmt(summary.totalEvents)}   high-risk ${colorIf(summary.highRiskEvents, pc.red)}   errors ${colorIf(summary.errorEvents, pc.yellow)}   principals ${fmt(summary.principals)}`,
  );
  const sev = summary.findingsBySeverity;
  out.push(
    `  findings ${(['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'] as Severity[]).map((s) => SEVERITY_COLOR[s](`${s.toLowerCase()} ${sev[s]}`)).join('  ')}`,
  );

  out.push(...renderSources(summary.sources));
  if (summary.findingsByTactic && Object.keys(summary.findingsByTactic).length) {
    h('Findings by MITRE ATT&CK tactic');
    for (const [tactic, n] of Object.entries(summary.findingsByTactic)) {
      out.push(`  ${String(n).padStart(7)} ${TACTIC_NAMES[tactic] ?? tactic} ${pc.dim(tactic)}`);
    }
  }

  if (summary.anomalies.length) {
    h('Anomalies (severity = base + log10(count))');
    for (const a of summary.anomalies) {
      out.push(
        `  ${SEVERITY_COLOR[a.severity](a.severity.padEnd(8))} ${a.type.padEnd(22)} ${String(a.count).padStart(7)}  ${pc.dim(`score ${a.score.toFixed(2)}`)}`,
      );
    }
  }

  if (findings.length) {
    // Grouped by rule: 400 findings read as 40 behaviours, most severe first.
    const groups = groupByRule(findings);
    const max = options.maxFindings ?? 20;
    const total = Object.values(summary.findingsBySeverity).reduce((a, b) => a + b, 0);
    const sample = findings.length < total ? `; rules of the ${fmt(findings.length)} most severe` : '';
    h(
      `Findings (${fmt(Math.max(total, findings.length))} from ${groups.length} rules${sample}, most severe first)`,
    );
    for (const g of groups.slice(0, max)) {
      const who = g.principals.size === 1 ? [...g.principals][0] : `${g.principals.size} principals`;
      const title =
        g.titles.size > 1 && g.latest.ruleId === HIGH_RISK_EVENT_RULE
          ? 'High-risk events (the seed flags scored 7 or more)'
          : g.latest.title;
      out.push(
        `  ${SEVERITY_COLOR[g.latest.severity](g.latest.severity.padEnd(8))} ${pc.bold(title)} ${pc.dim(`×${g.count}  ${who}  last ${iso(g.latest.time)}  [${g.latest.ruleId}]`)}`,
      );
      out.push(`           ${pc.dim(truncate(g.latest.explanation, 160))}`);
    }
    if (groups.length > max)
      out.push(pc.dim(`  … ${groups.length - max} more rules: logwarden findings --rule <id>`));
  }

  h('Top principals');
  out.push(...ranked(summary.topUsers));
  h('Top services');
  out.push(...ranked(summary.topServices));
  h('Top actions');
  out.push(...ranked(summary.topActions));
  if (summary.topErrors.length) {
    h('Top errors');
    out.push(...ranked(summary.topErrors));
  }
  h(`Activity by hour (${options.timeZone})`);
  out.push(...hourChart(summary.hourly));

  if (run.inputErrors.length) {
    h(pc.red(`Input errors (${run.inputErrors.length})`));
    for (const e of run.inputErrors.slice(0, 20)) out.push(`  ${formatInputError(e)}`);
    if (run.inputErrors.length > 20)
      out.push(pc.dim(`  … ${run.inputErrors.length - 20} more (--format json lists all)`));
  }
  return `${out.join('\n')}\n`;
}

interface RuleGroup {
  latest: Finding;
  count: number;
  principals: Set<string>;
  titles: Set<string>;
}

/** Findings of the same rule together, ordered by severity, then count. */
function groupByRule(findings: readonly Finding[]): RuleGroup[] {
  const groups = new Map<string, RuleGroup>();
  for (const f of findings) {
    const g = groups.get(f.ruleId);
    if (!g) {
      groups.set(f.ruleId, {
        latest: f,
        count: 1,
        principals: new Set([f.principal?.name ?? 'unknown']),
        titles: new Set([f.title]),
      });
      continue;
    }
    g.count++;
    g.principals.add(f.principal?.name ?? 'unknown');
    g.titles.add(f.title);
    if (
      severityRank(f.severity) > severityRank(g.latest.severity) ||
      (f.severity === g.latest.severity && f.time > g.latest.time)
    )
      g.latest = f;
  }
  return [...groups.values()].sort(
    (a, b) =>
      severityRank(b.latest.severity) - severityRank(a.latest.severity) ||
      b.count - a.count ||
      a.latest.ruleId.localeCompare(b.latest.ruleId),
  );
}

export function formatInputError(e: InputError): string {
  return `${e.path}${e.record !== undefined ? ` record ${e.record}` : ''}: ${e.reason}`;
}

function ranked(list: Ranked[]): string[] {
  if (list.length === 0) return [pc.dim('  (none)')];
  const max = list[0].count;
  return list.map(
    (r) =>
      `  ${String(r.count).padStart(7)} ${pc.cyan(bar(r.count, max, 20).padEnd(20))} ${truncate(r.name, 70)}`,
  );
}

function hourChart(hourly: number[]): string[] {
  const max = Math.max(1, ...hourly);
  const blocks = ' ▁▂▃▄▅▆▇█';
  const spark = hourly.map((n) => (n === 0 ? '·' : blocks[Math.max(1, Math.round((n / max) * 8))])).join('');
  return [`  ${pc.cyan(spark)}  peak ${fmt(max)}/h`, pc.dim('  0     6     12    18   23')];
}

function bar(n: number, max: number, width: number): string {
  return '█'.repeat(Math.max(1, Math.round((n / max) * width)));
}

function colorIf(n: number, color: (s: string) => string): string {
  return n > 0 ? color(fmt(n)) : fmt(n);
}

const fmt = (n: number) => n.toLocaleString('en-US');
const iso = (t: number) => new Date(t).toISOString().replace('.000Z', 'Z');
const truncate = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
