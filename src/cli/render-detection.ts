import pc from 'picocolors';
import type { DetectorDiagnostics } from '../core/detect/detector.ts';

/** The detection block of the terminal summary: rule errors (never hidden) and suppressed findings. */
export function renderDetection(d: DetectorDiagnostics): string {
  const out: string[] = [];
  if (d.suppressed > 0) {
    const by = Object.entries(d.suppressedByRule)
      .sort((a, b) => b[1] - a[1])
      .map(([rule, n]) => `${rule} ${n}`)
      .join(', ');
    out.push(
      '',
      `${pc.bold('Suppressed findings')} ${d.suppressed} ${pc.dim(`(${by}; counted, not shown)`)}`,
    );
  }
  if (d.ruleErrorCount > 0) {
    out.push(
      '',
      pc.red(pc.bold(`Rule errors (${d.ruleErrorCount})`)) +
        pc.dim(' — these rules threw and did not judge the events below'),
    );
    for (const e of d.ruleErrors.slice(0, 10)) {
      out.push(`  ${e.ruleId} on event ${e.eventId} (${new Date(e.time).toISOString()}): ${e.message}`);
    }
    if (d.ruleErrors.length > 10 || d.ruleErrorCount > d.ruleErrors.length) {
      out.push(
        pc.dim(`  … ${d.ruleErrorCount - Math.min(10, d.ruleErrors.length)} more (--format json lists them)`),
      );
    }
  }
  return out.length ? `${out.join('\n')}\n` : '';
}

/** The detection part of `analyze --format json`. */
export function detectionJson(d: DetectorDiagnostics) {
  return {
    ruleErrorCount: d.ruleErrorCount,
    ruleErrorsByRule: d.ruleErrorsByRule,
    ruleErrors: d.ruleErrors.map((e) => ({ ...e, time: new Date(e.time).toISOString() })),
    suppressed: d.suppressed,
    suppressedByRule: d.suppressedByRule,
  };
}
