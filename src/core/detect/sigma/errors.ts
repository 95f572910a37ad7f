import { LogwardenError } from '../../errors.ts';

/** Why a Sigma rule cannot run: it uses a feature the evaluator lacks, or it is not valid Sigma. */
export type SigmaProblemKind = 'unsupported' | 'invalid' | 'other-logsource';

/**
 * Raised while compiling a Sigma rule the evaluator cannot run. The compiler catches it and lists the
 * rule with the message: such rules are reported, never silently dropped.
 */
export class SigmaRuleProblem extends LogwardenError {
  constructor(
    /** Why the rule cannot run: the evaluator lacks a feature, or the rule is not valid Sigma. */
    readonly problem: SigmaProblemKind,
    message: string,
  ) {
    super('config', message);
  }
}

/** Shorthand for an unsupported feature. */
export function unsupported(message: string): SigmaRuleProblem {
  return new SigmaRuleProblem('unsupported', message);
}

/** Shorthand for a rule that is not valid Sigma. */
export function invalid(message: string): SigmaRuleProblem {
  return new SigmaRuleProblem('invalid', message);
}
