import { z } from 'zod';
import { LogwardenError } from '../core/errors.ts';
import type { ReportInsights } from '../core/report/insights.ts';
import type { Report } from '../core/report/report.ts';

/** A report as the report function returned it (the fields the later steps rely on are checked). */
export const reportPayloadSchema = z
  .object({
    schemaVersion: z.literal(1),
    period: z
      .object({ since: z.number(), until: z.number(), label: z.string(), type: z.string() })
      .passthrough(),
    notificationLevel: z.enum(['all', 'high_risk_only', 'critical_only']),
    findings: z.array(
      z.object({ id: z.string(), severity: z.string(), riskScore: z.number() }).passthrough(),
    ),
  })
  .passthrough();

/** The insights step's input: which writer, the report, and why Bedrock was abandoned (fallback). */
export const insightsInputSchema = z.object({
  mode: z.enum(['bedrock', 'offline']),
  report: reportPayloadSchema,
  fallbackReason: z.string().optional(),
});

/** The notify step's input. */
export const notifyInputSchema = z.object({
  report: reportPayloadSchema,
  insights: z.object({}).passthrough().optional(),
});

/** Raised when a workflow step receives input that is not what the state machine sends. */
export class WorkflowInputError extends LogwardenError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('input', message, options);
  }
}

/** Validates a step's input with `schema`; the message names the step and every bad field. */
export function parseStepInput<T extends z.ZodType>(step: string, schema: T, input: unknown): z.infer<T> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`);
  throw new WorkflowInputError(`${step} input is invalid: ${problems.join('; ')}`);
}

export type { Report, ReportInsights };
