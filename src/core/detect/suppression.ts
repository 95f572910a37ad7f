import type { ProcessedEvent } from '../event.ts';
import type { Finding } from '../finding.ts';
import { CidrSet } from '../net.ts';
import type { FlowRecord } from '../sources/vpc-flow.ts';
import type { Suppression } from './detection-config.ts';
import type { Detector, DetectorDiagnostics, DetectorInput } from './detector.ts';
import type { FlowDetector } from './flow/flow-detector.ts';

interface CompiledSuppression {
  source: Suppression;
  rule: RegExp;
  principal?: RegExp;
  network?: CidrSet;
  expiresAt?: number;
}

/** Turns `a*b` into an anchored, case-sensitive pattern. */
function glob(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*');
  return new RegExp(`^${escaped}$`);
}

/** An ISO date without a time means "through the end of that day" (UTC). */
function expiryTime(value: string): number {
  const t = Date.parse(value);
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? t + 86_400_000 : t;
}

/** Decides which findings the user's suppressions hide, and counts them. */
export class Suppressor {
  private readonly list: CompiledSuppression[];
  private count = 0;
  private readonly byRule = new Map<string, number>();

  constructor(suppressions: readonly Suppression[]) {
    this.list = suppressions.map((s) => ({
      source: s,
      rule: glob(s.rule),
      principal: s.principal ? glob(s.principal) : undefined,
      network: s.sourceIp
        ? new CidrSet([
            s.sourceIp.includes('/') ? s.sourceIp : `${s.sourceIp}/${s.sourceIp.includes(':') ? 128 : 32}`,
          ])
        : undefined,
      expiresAt: s.expires ? expiryTime(s.expires) : undefined,
    }));
  }

  get size(): number {
    return this.list.length;
  }

  /** The suppression that hides a finding, if any (expiry compared with the finding's event time). */
  match(finding: Finding): Suppression | undefined {
    for (const s of this.list) {
      if (!s.rule.test(finding.ruleId)) continue;
      if (s.expiresAt !== undefined && finding.time >= s.expiresAt) continue;
      if (s.principal) {
        const p = finding.principal;
        if (
          !p ||
          !(
            s.principal.test(p.name) ||
            s.principal.test(p.id) ||
            (p.arn !== undefined && s.principal.test(p.arn))
          )
        )
          continue;
      }
      if (s.network && !(finding.sourceIp && s.network.contains(finding.sourceIp))) continue;
      if (s.source.account && finding.account !== s.source.account) continue;
      if (s.source.region && finding.region !== s.source.region) continue;
      return s.source;
    }
    return undefined;
  }

  /** The findings no suppression hides; the others are counted. */
  filter(findings: Finding[]): Finding[] {
    if (this.list.length === 0 || findings.length === 0) return findings;
    const kept: Finding[] = [];
    for (const f of findings) {
      if (this.match(f)) {
        this.count++;
        this.byRule.set(f.ruleId, (this.byRule.get(f.ruleId) ?? 0) + 1);
      } else kept.push(f);
    }
    return kept;
  }

  counts(): { suppressed: number; suppressedByRule: Record<string, number> } {
    return { suppressed: this.count, suppressedByRule: Object.fromEntries(this.byRule) };
  }
}

/**
 * Wraps a detector so its findings pass through the suppressions (state and id are the inner's).
 * Give each wrapper its own Suppressor so the counts add up without double counting.
 */
export class SuppressedDetector implements Detector {
  readonly id: string;

  constructor(
    readonly inner: Detector,
    private readonly suppressor: Suppressor,
  ) {
    this.id = inner.id;
  }

  get stateless(): boolean | undefined {
    return this.inner.stateless;
  }

  get sees(): readonly DetectorInput[] | undefined {
    return this.inner.sees;
  }

  observe(event: ProcessedEvent): Finding[] {
    return this.suppressor.filter(this.inner.observe(event));
  }

  flush(): Finding[] {
    return this.inner.flush ? this.suppressor.filter(this.inner.flush()) : [];
  }

  /** Flow records reach a wrapped flow detector too (see detect/flow/flow-detector.ts). */
  get observeFlow(): ((record: FlowRecord) => Finding[]) | undefined {
    const inner = this.inner as Partial<FlowDetector>;
    if (typeof inner.observeFlow !== 'function') return undefined;
    return (record) => this.suppressor.filter((inner as FlowDetector).observeFlow(record));
  }

  exportState(): unknown {
    return this.inner.exportState?.();
  }

  importState(state: unknown): void {
    this.inner.importState?.(state);
  }

  diagnostics(): DetectorDiagnostics {
    const base = this.inner.diagnostics?.() ?? {
      ruleErrors: [],
      ruleErrorCount: 0,
      ruleErrorsByRule: {},
      suppressed: 0,
      suppressedByRule: {},
    };
    const { suppressed, suppressedByRule } = this.suppressor.counts();
    const byRule = { ...base.suppressedByRule };
    for (const [k, v] of Object.entries(suppressedByRule)) byRule[k] = (byRule[k] ?? 0) + v;
    return { ...base, suppressed: base.suppressed + suppressed, suppressedByRule: byRule };
  }
}
