import { SEVERITIES, type Severity } from '../finding.ts';
import type { Change, Report } from './report.ts';
import type { Ranked } from './summary.ts';
import { fmt, iso, oneLine } from './text.ts';

type Paint = (s: string) => string;

const ANSI =
  (open: number, close: number): Paint =>
  (s) =>
    `\u001b[${open}m${s}\u001b[${close}m`;

/** Renders a report for a terminal; `color` adds ANSI colours (the CLI decides whether the terminal takes them). */
export function renderTerminal(
  report: Report,
  options: { color?: boolean; maxFindings?: number } = {},
): string {
  const c = options.color ? ANSI : () => (s: string) => s;
  const bold = c(1, 22);
  const dim = c(2, 22);
  const red = c(31, 39);
  const yellow = c(33, 39);
  const cyan = c(36, 39);
  const sev: Record<Severity, Paint> = {
    CRITICAL: (s) => bold(red(s)),
    HIGH: red,
    MEDIUM: yellow,
    LOW: cyan,
  };
  // Log-derived text loses control characters so it cannot move the cursor or recolour the screen.
  const t = (s: string, max = 100) => oneLine(s, max);
  const out: string[] = [];
  const h = (s: string) => out.push('', bold(s));
  const p = report.period;
  out.push(bold(`logwarden ${p.type} report — ${p.label}`));
  out.push(
    dim(
      `${iso(p.since)} to ${iso(p.until)} (${p.timeZone}), compared with ${iso(p.previous.since)} to ${iso(p.previous.until)}`,
    ),
  );

  h('Totals');
  const row = (label: string, ch: Change, paint?: Paint) =>
    `  ${label.padEnd(17)} ${(paint && ch.current > 0 ? paint : (s: string) => s)(fmt(ch.current).padStart(9))}  ${dim(changeText(ch))}`;
  out.push(row('events', report.change.totalEvents));
  out.push(row('high-risk events', report.change.highRiskEvents, red));
  out.push(row('error events', report.change.errorEvents, yellow));
  out.push(row('principals', report.change.principals));
  out.push(row('findings', report.change.findings));
  out.push(
    `  ${[...SEVERITIES]
      .reverse()
      .map((s) => sev[s](`${s.toLowerCase()} ${report.findingsBySeverity[s]}`))
      .join('  ')}`,
  );

  if (report.insights) {
    const ins = report.insights;
    h(`Executive summary ${dim(`(${ins.provider}${ins.model ? ` ${ins.model}` : ''})`)}`);
    if (ins.fallbackReason) out.push(yellow(`  ${t(ins.fallbackReason, 300)}`));
    out.push(...wrap(t(ins.executiveSummary, 4000), 96).map((l) => `  ${l}`));
    if (ins.recommendations.length) {
      h('Recommendations');
      for (const r of ins.recommendations)
        out.push(
          `  ${r.priority === 'high' ? red('●') : r.priority === 'medium' ? yellow('●') : cyan('●')} ${t(r.action, 300)}`,
        );
    }
  }

  if (report.anomalies.length) {
    h('Anomalies (severity = base + log10(count))');
    for (const a of report.anomalies) {
      out.push(
        `  ${sev[a.severity](a.severity.padEnd(8))} ${a.type.padEnd(22)} ${fmt(a.count).padStart(7)}  ${dim(`score ${a.score.toFixed(2)}`)}`,
      );
    }
  }

  if (report.findings.length) {
    const max = options.maxFindings ?? 15;
    h(`Findings (${fmt(report.totalFindings)})`);
    for (const f of report.findings.slice(0, max)) {
      out.push(
        `  ${sev[f.severity](f.severity.padEnd(8))} ${String(f.riskScore).padStart(4)}  ${bold(t(f.title))} ${dim(`[${t(f.ruleId, 60)}] ${iso(f.time)}`)}`,
      );
      out.push(`                 ${dim(t(f.explanation, 150))}`);
    }
    if (report.totalFindings > max)
      out.push(
        dim(
          `  … ${fmt(report.totalFindings - Math.min(max, report.findings.length))} more (--format html or json lists them)`,
        ),
      );
  }

  if (report.findingsByTactic.length) {
    h('MITRE ATT&CK tactics');
    for (const tc of report.findingsByTactic)
      out.push(
        `  ${fmt(tc.findings).padStart(7)}  ${tc.name} ${dim(`${tc.tactic} ${tc.techniques.join(' ')}`)}`,
      );
    if (report.unmappedFindings)
      out.push(dim(`  ${fmt(report.unmappedFindings).padStart(7)}  without a mapping`));
  }

  if (report.riskiestPrincipals.length) {
    h('Riskiest principals');
    for (const pr of report.riskiestPrincipals) {
      const findings = pr.findings ? `${pr.findings} findings (${pr.maxSeverity})` : 'no findings';
      out.push(
        `  ${String(pr.maxRisk).padStart(4)}  ${t(pr.name, 70)}  ${dim(`${findings}${pr.highRiskEvents !== undefined ? `, ${fmt(pr.highRiskEvents)} high-risk events` : ''}`)}`,
      );
    }
  }

  h('Top principals');
  out.push(...ranked(report.userActivity, cyan, dim));
  h('Top services');
  out.push(...ranked(report.serviceActivity, cyan, dim));
  h('Top actions');
  out.push(...ranked(report.actionActivity, cyan, dim));
  if (report.errorActivity.length) {
    h('Top errors');
    out.push(...ranked(report.errorActivity, cyan, dim));
  }
  h(`Activity by hour (${p.timeZone})`);
  const peak = Math.max(1, ...report.hourlyDistribution);
  const blocks = ' ▁▂▃▄▅▆▇█';
  out.push(
    `  ${cyan(report.hourlyDistribution.map((n) => (n === 0 ? '·' : blocks[Math.max(1, Math.round((n / peak) * 8))])).join(''))}  peak ${fmt(peak)}/h`,
  );
  out.push(dim('  0     6     12    18   23'));
  return `${out.join('\n')}\n`;
}

/** "+12 (+4.3%)" / "−3" / "new" against the previous period. */
export function changeText(ch: Change): string {
  if (ch.previous === 0) return ch.current === 0 ? 'no change' : 'none in previous period';
  const sign = ch.delta > 0 ? '+' : ch.delta < 0 ? '−' : '±';
  return `${sign}${fmt(Math.abs(ch.delta))} (${sign}${Math.abs(ch.percent ?? 0)}%) vs previous`;
}

function ranked(list: Ranked[], bar: Paint, dim: Paint): string[] {
  if (list.length === 0) return [dim('  (none)')];
  const max = list[0].count;
  return list.map(
    (r) =>
      `  ${fmt(r.count).padStart(7)} ${bar('█'.repeat(Math.max(1, Math.round((r.count / max) * 20))).padEnd(20))} ${oneLine(r.name, 70)}`,
  );
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}
