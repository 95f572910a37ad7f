import pc from 'picocolors';
import type { SourceSummary } from '../core/report/source-summary.ts';
import type { Ranked } from '../core/report/summary.ts';

const LABEL: Record<string, string> = {
  cloudtrail: 'CloudTrail',
  'vpc-flow': 'VPC Flow Logs',
  'cloudwatch-logs': 'CloudWatch Logs',
  'app-log': 'Application logs',
};

const fmt = (n: number) => n.toLocaleString('en-US');
const iso = (t: number) => new Date(t).toISOString().replace('.000Z', 'Z');

/** Human bytes: 1.2 GiB. */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

function inline(list: Ranked[], max = 5, value: (n: number) => string = fmt): string {
  return list
    .slice(0, max)
    .map((r) => `${r.name} ${pc.dim(value(r.count))}`)
    .join(', ');
}

/** A section per source type present in the summary (terminal lines). */
export function renderSources(sources: readonly SourceSummary[] | undefined): string[] {
  if (!sources || sources.length === 0) return [];
  const out: string[] = ['', pc.bold('Sources')];
  for (const s of sources) {
    const span =
      s.first !== undefined && s.last !== undefined ? pc.dim(`  ${iso(s.first)} → ${iso(s.last)}`) : '';
    if (s.flow) {
      const f = s.flow;
      out.push(
        `  ${pc.bold(LABEL[s.source] ?? s.source)}: ${fmt(s.records)} records in ${fmt(f.storedRows)} stored aggregates${span}`,
      );
      out.push(
        `    accepted ${fmt(f.accepted)}   rejected ${f.rejected ? pc.yellow(fmt(f.rejected)) : '0'}   ${formatBytes(f.bytes)} in ${fmt(f.packets)} packets` +
          (f.noData || f.skipData ? pc.dim(`   nodata ${fmt(f.noData)}  skipdata ${fmt(f.skipData)}`) : ''),
      );
      if (f.topTalkers.length) out.push(`    top talkers: ${inline(f.topTalkers, 3, formatBytes)}`);
      if (f.topPorts.length) out.push(`    top ports: ${inline(f.topPorts)}`);
      if (f.topRejectedSources.length) out.push(`    most rejected: ${inline(f.topRejectedSources)}`);
      continue;
    }
    out.push(
      `  ${pc.bold(LABEL[s.source] ?? s.source)}: ${fmt(s.records)} events, ${s.errors ? pc.yellow(fmt(s.errors)) : '0'} with errors${span}`,
    );
    if (s.topServices.length) out.push(`    services: ${inline(s.topServices)}`);
    if (s.topErrors.length) out.push(`    errors: ${inline(s.topErrors)}`);
  }
  return out;
}
