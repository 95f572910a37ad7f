import { SEVERITIES } from '../finding.ts';
import { changeText } from './render-terminal.ts';
import type { Report } from './report.ts';
import type { Ranked } from './summary.ts';
import { fmt, iso, oneLine } from './text.ts';

/** Log-derived text as inert Markdown: one line, Markdown and HTML punctuation escaped. */
export function mdText(value: string, max = 160): string {
  return oneLine(value, max)
    .replace(/&/g, '&amp;')
    .replace(/[\\`*_{}[\]()#+!|<>~]/g, (c) => `\\${c}`);
}

/** Renders the report as GitHub-flavoured Markdown. */
export function renderMarkdown(report: Report): string {
  const p = report.period;
  const out: string[] = [];
  out.push(`# logwarden ${p.type} report — ${mdText(p.label)}`, '');
  out.push(
    `${iso(p.since)} to ${iso(p.until)} (${mdText(p.timeZone)}); compared with ${iso(p.previous.since)} to ${iso(p.previous.until)}. Generated ${iso(report.generatedAt)}.`,
    '',
  );

  out.push('## Totals', '', '| | this period | change |', '|---|---:|---|');
  const rows: [string, keyof Report['change']][] = [
    ['Events', 'totalEvents'],
    ['High-risk events', 'highRiskEvents'],
    ['Error events', 'errorEvents'],
    ['Principals', 'principals'],
    ['Findings', 'findings'],
  ];
  for (const [label, key] of rows)
    out.push(`| ${label} | ${fmt(report.change[key].current)} | ${changeText(report.change[key])} |`);
  out.push(
    '',
    `Findings by severity: ${[...SEVERITIES]
      .reverse()
      .map((s) => `**${s}** ${report.findingsBySeverity[s]}`)
      .join(' · ')}`,
    '',
  );

  if (report.insights) {
    const ins = report.insights;
    out.push(
      `## Executive summary`,
      '',
      `_Written by ${mdText(ins.provider)}${ins.model ? ` (${mdText(ins.model)})` : ''}._`,
      '',
    );
    if (ins.fallbackReason) out.push(`> **Note:** ${mdText(ins.fallbackReason, 400)}`, '');
    out.push(mdText(ins.executiveSummary, 4000), '');
    if (ins.insights.length) {
      out.push('### Insights', '');
      for (const i of ins.insights)
        out.push(
          `- **${mdText(i.title)}**${i.severity ? ` (${i.severity})` : ''} — ${mdText(i.detail, 600)} ${cite(i.findingIds)}`,
        );
      out.push('');
    }
    if (ins.recommendations.length) {
      out.push('### Recommendations', '');
      for (const r of ins.recommendations)
        out.push(
          `- **[${r.priority}]** ${mdText(r.action, 400)} — ${mdText(r.rationale, 400)} ${cite(r.findingIds)}`,
        );
      out.push('');
    }
  }

  if (report.anomalies.length) {
    out.push('## Anomalies', '', '| type | count | score | severity |', '|---|---:|---:|---|');
    for (const a of report.anomalies)
      out.push(`| ${a.type} | ${fmt(a.count)} | ${a.score.toFixed(2)} | ${a.severity} |`);
    out.push('', '_Severity = the flag’s base points + log10(count)._', '');
  }

  out.push(`## Findings (${fmt(report.totalFindings)})`, '');
  if (report.findings.length === 0) out.push('No findings in this period.', '');
  else {
    out.push('| severity | risk | time | title | principal | rule | id |', '|---|---:|---|---|---|---|---|');
    for (const f of report.findings.slice(0, 200)) {
      out.push(
        `| ${f.severity} | ${f.riskScore} | ${iso(f.time)} | ${mdText(f.title, 120)} | ${mdText(f.principal?.name ?? '', 60)} | ${mdText(f.ruleId, 60)} | \`${f.id.replace(/`/g, '')}\` |`,
      );
    }
    const omitted = report.totalFindings - Math.min(200, report.findings.length);
    if (omitted > 0) out.push('', `_${fmt(omitted)} more findings are in the JSON and HTML reports._`);
    out.push('');
  }

  if (report.findingsByTactic.length) {
    out.push('## MITRE ATT&CK tactics', '', '| tactic | findings | techniques |', '|---|---:|---|');
    for (const t of report.findingsByTactic)
      out.push(`| ${t.tactic} ${mdText(t.name)} | ${t.findings} | ${t.techniques.map(mdText).join(', ')} |`);
    if (report.unmappedFindings) out.push(`| (no mapping) | ${report.unmappedFindings} | |`);
    out.push('');
  }

  if (report.riskiestPrincipals.length) {
    out.push(
      '## Riskiest principals',
      '',
      '| principal | max risk | findings | high-risk events |',
      '|---|---:|---|---:|',
    );
    for (const pr of report.riskiestPrincipals) {
      out.push(
        `| ${mdText(pr.name, 80)} | ${pr.maxRisk} | ${pr.findings ? `${pr.findings} (worst ${pr.maxSeverity})` : '0'} | ${pr.highRiskEvents ?? ''} |`,
      );
    }
    out.push('');
  }

  const table = (title: string, list: Ranked[]) => {
    out.push(`## ${title}`, '', '| name | events |', '|---|---:|');
    for (const r of list) out.push(`| ${mdText(r.name, 100)} | ${fmt(r.count)} |`);
    if (list.length === 0) out.push('| (none) | |');
    out.push('');
  };
  table('Top principals', report.userActivity);
  table('Top services', report.serviceActivity);
  table('Top actions', report.actionActivity);
  if (report.errorActivity.length) table('Top errors', report.errorActivity);

  out.push(`## Activity by hour (${mdText(p.timeZone)})`, '', '| hour | events |', '|---:|---:|');
  report.hourlyDistribution.forEach((n, h) => {
    if (n > 0) out.push(`| ${String(h).padStart(2, '0')}:00 | ${fmt(n)} |`);
  });
  out.push('');
  return out.join('\n');
}

const cite = (ids: string[]) =>
  ids.length ? `_(findings: ${ids.map((id) => `\`${id.replace(/`/g, '')}\``).join(', ')})_` : '';
