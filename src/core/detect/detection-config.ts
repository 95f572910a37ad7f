import { z } from 'zod';

const accountId = z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id');
const ipOrCidr = z
  .string()
  .regex(/^[0-9a-fA-F:.]+(\/\d{1,3})?$/, 'must be an IP address or a CIDR such as 203.0.113.0/24');

/**
 * One suppression: findings of `rule` (an id, `*` wildcards allowed) that also match every other
 * field given are counted, not shown. A reason is required; `expires` ends it (compared with the
 * finding's event time, so re-running old logs behaves the same every time).
 */
export const suppressionSchema = z
  .object({
    /** Rule id, e.g. `iam.access-key-created-for-other-user`; `*` matches any run of characters. */
    rule: z.string().min(1),
    /** Principal name, id or ARN (`*` wildcards allowed). */
    principal: z.string().min(1).optional(),
    /** Source IP address or CIDR. */
    sourceIp: ipOrCidr.optional(),
    account: accountId.optional(),
    region: z.string().min(1).optional(),
    /** Why this is expected: shown in `rules list` and kept for audit. */
    reason: z.string().trim().min(1, 'a suppression needs a reason'),
    /** ISO-8601 date or time after which the suppression no longer applies. */
    expires: z
      .string()
      .refine((s) => !Number.isNaN(Date.parse(s)), { message: 'must be an ISO-8601 date such as 2026-01-31' })
      .optional(),
  })
  .strict();

export type Suppression = z.infer<typeof suppressionSchema>;

/** Settings of the detection library (rules, suppressions). */
export const detectionConfigSchema = z
  .object({
    /** Findings to count but not show. */
    suppressions: z.array(suppressionSchema).default([]),
    /** Your own accounts: sharing with them is not reported as cross-account exposure. */
    knownAccounts: z.array(accountId).default([]),
    /** Built-in or Sigma rule ids not to run at all. */
    disabledRules: z.array(z.string().min(1)).default([]),
  })
  .strict();

export type DetectionConfig = z.infer<typeof detectionConfigSchema>;
