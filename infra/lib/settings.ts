import { z } from 'zod';

/** CloudWatch Logs accepts only these retention periods (days). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** CDK context values arrive as strings from `-c key=value` and as JSON values from cdk.json. */
const flag = z.preprocess((v) => (v === 'true' ? true : v === 'false' ? false : v), z.boolean());
const positiveInt = z.preprocess((v) => (typeof v === 'string' ? Number(v) : v), z.number().int().positive());
const stringList = z.preprocess(
  (v) =>
    typeof v === 'string'
      ? v.trim().startsWith('[')
        ? JSON.parse(v)
        : v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
      : v,
  z.array(z.string().min(1)),
);

const scheduleExpression = z
  .string()
  .regex(/^(cron|rate)\(.+\)$/, 'must be an EventBridge expression such as cron(0 6 * * ? *) or rate(1 day)');

/** A key prefix under which CloudTrail writes log files (never digests) for one account. */
const trailPrefix = z
  .string()
  .regex(
    /^AWSLogs\/(o-[a-z0-9]{10,32}\/)?\d{12}\/CloudTrail\/$/,
    'must look like AWSLogs/<account>/CloudTrail/ or AWSLogs/<org-id>/<account>/CloudTrail/',
  );

/**
 * Every deployment setting, read from CDK context (`cdk.json` or `-c key=value`).
 * Unknown keys are ignored because CDK itself keeps feature flags in the same context.
 */
export const deploySettingsSchema = z
  .object({
    /** E-mail address subscribed to the alert topic (confirm the subscription mail). */
    alertEmail: z.email().optional(),
    /** SES identity (verified e-mail address or domain) reports are sent from; no SES when unset. */
    sesIdentity: z.string().min(3).optional(),
    /** When the scheduled report runs (UTC). */
    schedule: scheduleExpression.default('cron(0 6 * * ? *)'),
    /** What the scheduled run asks for. */
    analysisType: z.enum(['daily', 'weekly', 'monthly']).default('daily'),
    includeAI: flag.default(true),
    notificationLevel: z.enum(['all', 'high_risk_only', 'critical_only']).default('high_risk_only'),
    /** Bedrock model or inference-profile id used through the Converse API. */
    modelId: z
      .string()
      .regex(/^[a-z0-9.:-]+$/i, 'must be a Bedrock model id such as amazon.nova-lite-v1:0')
      .default('amazon.nova-lite-v1:0'),
    /** Create a multi-region CloudTrail trail that writes into the log bucket. */
    createTrail: flag.default(false),
    /** Read logs from this existing bucket instead of creating one (its policy stays yours). */
    existingBucket: z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name')
      .optional(),
    /** CloudTrail key prefixes that trigger processing; defaults to this account's `AWSLogs/<account>/CloudTrail/`. */
    trailPrefixes: stringList.pipe(z.array(trailPrefix)).optional(),
    /** Days processed events, findings and summaries are kept (DynamoDB TTL, processed/ expiry). */
    retentionDays: positiveInt.default(90),
    /** Days the functions' and state machine's CloudWatch log groups keep their logs. */
    logRetentionDays: positiveInt
      .refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), {
        message: `must be one of ${LOG_RETENTION_DAYS.join(', ')}`,
      })
      .default(30),
    /** Existing CloudWatch log groups whose events stream to Kinesis for near-real-time analysis. */
    logGroups: stringList.default([]),
    /** Core configuration for the functions (the keys of logwarden.config.yaml), as an object or JSON text. */
    logwardenConfig: z
      .preprocess((v) => (typeof v === 'string' ? JSON.parse(v) : v), z.record(z.string(), z.unknown()))
      .optional(),
    /** Create an OpenSearch Serverless collection and index findings into it (costs ~1 OCU hour-rate). */
    opensearch: flag.default(false),
  })
  .refine((s) => !(s.createTrail && s.existingBucket), {
    message:
      'createTrail and existingBucket exclude each other: a new trail writes into the bucket this stack creates',
    path: ['createTrail'],
  });

export type DeploySettings = z.infer<typeof deploySettingsSchema>;

/** The context keys the schema knows, so that `readSettings` picks only them out of CDK's context. */
const KEYS = [
  'alertEmail',
  'sesIdentity',
  'schedule',
  'analysisType',
  'includeAI',
  'notificationLevel',
  'modelId',
  'createTrail',
  'existingBucket',
  'trailPrefixes',
  'retentionDays',
  'logRetentionDays',
  'logGroups',
  'opensearch',
  'logwardenConfig',
] as const;

/**
 * Validates deployment settings from a context lookup; throws one error naming every bad key.
 * @param lookup returns the raw context value of a key (`app.node.tryGetContext`).
 */
export function readSettings(lookup: (key: string) => unknown): DeploySettings {
  const raw: Record<string, unknown> = {};
  for (const key of KEYS) {
    const value = lookup(key);
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const result = deploySettingsSchema.safeParse(raw);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${i.path.join('.') || '(settings)'}: ${i.message}`);
  throw new Error(`invalid CDK context for logwarden:\n  - ${problems.join('\n  - ')}`);
}
