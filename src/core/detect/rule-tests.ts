import { z } from 'zod';

/**
 * A user's rule test: events and the rule ids that must (and must not) fire on them. Events come
 * from a file next to the test (a CloudTrail delivery file, a JSON array of records, or one record)
 * or inline under `records`.
 */
export const ruleTestSchema = z
  .object({
    /** What the test shows, printed with its result. */
    name: z.string().min(1),
    /** Path of an event file, relative to the test file. */
    events: z.string().min(1).optional(),
    /** CloudTrail records written in the test itself. */
    records: z.array(z.record(z.string(), z.unknown())).optional(),
    expect: z
      .object({
        /** Rule ids that must produce at least one finding. */
        fire: z.array(z.string().min(1)).default([]),
        /** Rule ids that must produce none. */
        notFire: z.array(z.string().min(1)).default([]),
      })
      .strict(),
  })
  .strict()
  .refine((t) => t.events !== undefined || t.records !== undefined, {
    message: 'give `events` (a file) or `records` (inline)',
  })
  .refine((t) => t.expect.fire.length + t.expect.notFire.length > 0, {
    message: 'expect.fire or expect.notFire must name a rule',
  });

export type RuleTest = z.infer<typeof ruleTestSchema>;

/** The outcome of one rule test. */
export interface RuleTestResult {
  file: string;
  name: string;
  passed: boolean;
  /** Rule ids that fired, sorted. */
  fired: string[];
  /** Expected to fire but did not. */
  missing: string[];
  /** Expected not to fire but did. */
  unexpected: string[];
  /** Expected ids no loaded rule has (a typo is a failure, not a silent pass). */
  unknownRules: string[];
  /** Set when the test could not run (bad file, bad events). */
  error?: string;
}

/** Compares what fired with what a test expects. */
export function judgeRuleTest(
  test: RuleTest,
  file: string,
  fired: ReadonlySet<string>,
  knownRules: ReadonlySet<string>,
): RuleTestResult {
  const missing = test.expect.fire.filter((id) => !fired.has(id));
  const unexpected = test.expect.notFire.filter((id) => fired.has(id));
  const unknownRules = [...test.expect.fire, ...test.expect.notFire].filter((id) => !knownRules.has(id));
  return {
    file,
    name: test.name,
    passed: missing.length === 0 && unexpected.length === 0 && unknownRules.length === 0,
    fired: [...fired].sort(),
    missing,
    unexpected,
    unknownRules,
  };
}
