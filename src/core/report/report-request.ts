import { z } from 'zod';
import { LogwardenError } from '../errors.ts';

/** Which findings reach the notification channels (the seed's `notificationLevel`). */
export const NOTIFICATION_LEVELS = ['all', 'high_risk_only', 'critical_only'] as const;
export type NotificationLevel = (typeof NOTIFICATION_LEVELS)[number];

/** The kinds of period a report covers (the seed's `analysisType`). */
export const ANALYSIS_TYPES = ['daily', 'weekly', 'monthly', 'custom'] as const;
export type AnalysisType = (typeof ANALYSIS_TYPES)[number];

const isoTime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), {
  message: 'must be an ISO-8601 time such as 2024-05-01T00:00:00Z',
});

/** A duration such as `24h`, `7d`, `90m` or `2w`. */
export const DURATION_PATTERN = /^(\d+)([mhdw])$/;

/**
 * The orchestration input of the seed's state machine, shared by the CLI, the report Lambda and
 * Step Functions: `{timeframe, analysisType, includeAI, notificationLevel}`.
 *
 * - `daily` / `weekly` / `monthly`: the last complete calendar day, ISO week (Monday first) or month
 *   in the configured time zone, or the one containing `at` when given.
 * - `custom`: `since`/`until`, or `timeframe` — a duration back from now (`24h`, `7d`) or an
 *   ISO interval `start/end`.
 */
export const reportRequestSchema = z
  .object({
    analysisType: z.enum(ANALYSIS_TYPES).default('daily'),
    timeframe: z
      .string()
      .refine((s) => DURATION_PATTERN.test(s) || isInterval(s), {
        message: 'must be a duration such as 24h or 7d, or an ISO interval start/end',
      })
      .optional(),
    since: isoTime.optional(),
    until: isoTime.optional(),
    /** An instant inside the daily/weekly/monthly period to report (default: the last complete one). */
    at: isoTime.optional(),
    includeAI: z.boolean().default(false),
    notificationLevel: z.enum(NOTIFICATION_LEVELS).default('high_risk_only'),
  })
  .strict()
  .superRefine((r, ctx) => {
    if (r.analysisType === 'custom' && !r.timeframe && !(r.since && r.until)) {
      ctx.addIssue({ code: 'custom', message: 'a custom report needs timeframe, or since and until' });
    }
    if (r.analysisType !== 'custom' && (r.since || r.until || r.timeframe)) {
      ctx.addIssue({
        code: 'custom',
        message: `since, until and timeframe belong to custom reports, not ${r.analysisType}`,
      });
    }
    if (r.since && r.until && Date.parse(r.since) >= Date.parse(r.until)) {
      ctx.addIssue({ code: 'custom', message: `since (${r.since}) must be before until (${r.until})` });
    }
  });

export type ReportRequest = z.infer<typeof reportRequestSchema>;
export type ReportRequestInput = z.input<typeof reportRequestSchema>;

function isInterval(s: string): boolean {
  const parts = s.split('/');
  return (
    parts.length === 2 &&
    parts.every((p) => !Number.isNaN(Date.parse(p))) &&
    Date.parse(parts[0]) < Date.parse(parts[1])
  );
}

/** Validates an orchestration input; the error names every bad field. */
export function parseReportRequest(input: unknown): ReportRequest {
  const result = reportRequestSchema.safeParse(input ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`);
  throw new ReportRequestError(`report request is invalid: ${problems.join('; ')}`);
}

/** A report request that does not validate. */
export class ReportRequestError extends LogwardenError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('usage', message, options);
  }
}
