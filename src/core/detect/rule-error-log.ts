import type { ProcessedEvent } from '../event.ts';
import type { DetectorDiagnostics, RuleError } from './detector.ts';

/** How many rule errors are kept in full; the rest are counted. */
const KEPT_IN_FULL = 200;

/** The rule errors of one detector: the first ones in full, every one counted, per rule. */
export class RuleErrorLog {
  private readonly kept: RuleError[] = [];
  private readonly byRule = new Map<string, number>();
  private count = 0;

  record(ruleId: string, event: ProcessedEvent, err: unknown): void {
    this.count++;
    this.byRule.set(ruleId, (this.byRule.get(ruleId) ?? 0) + 1);
    if (this.kept.length < KEPT_IN_FULL) {
      this.kept.push({
        kind: 'rule-error',
        ruleId,
        eventId: event.id,
        time: event.time,
        message: err instanceof Error ? err.message : String(err),
      });
    }
  }

  /** The errors kept in full. */
  get errors(): readonly RuleError[] {
    return this.kept;
  }

  /** The rule-error part of a detector's diagnostics. */
  diagnostics(): Pick<DetectorDiagnostics, 'ruleErrors' | 'ruleErrorCount' | 'ruleErrorsByRule'> {
    return {
      ruleErrors: [...this.kept],
      ruleErrorCount: this.count,
      ruleErrorsByRule: Object.fromEntries(this.byRule),
    };
  }
}
