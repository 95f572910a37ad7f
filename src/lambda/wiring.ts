/**
 * Clients, configuration and observability for every logwarden Lambda function, built once per
 * execution environment (container) and shared by its invocations.
 *
 * Environment variables (the CDK stack sets them; validated with zod on first use):
 *
 * | variable                    | used by                          | meaning |
 * |-----------------------------|----------------------------------|---------|
 * | `TABLE_NAME`                | all                              | DynamoDB table: partition key `pk` (S), sort key `sk` (S), TTL attribute `expiresAt` |
 * | `PROCESSED_BUCKET`          | s3-processor, stream-processor   | bucket for processed events (NDJSON.gz); unset = not written |
 * | `PROCESSED_PREFIX`          | s3-processor, stream-processor   | key prefix, default `processed/` → `processed/dt=YYYY-MM-DD/<file>.ndjson.gz` |
 * | `ALERT_TOPIC_ARN`           | s3-processor, stream-processor, notify | SNS topic for immediate alerts and report notifications; unset = no alerts |
 * | `RETENTION_DAYS`            | s3-processor, stream-processor   | TTL of DynamoDB items in days (default 400) |
 * | `LOGWARDEN_CONFIG`          | all                              | core configuration (the keys of logwarden.config.yaml) as JSON; defaults when unset |
 * | `BEDROCK_MODEL_ID`          | insights                         | Bedrock model id or inference profile for report insights |
 * | `SES_FROM_ADDRESS`          | notify                           | verified SES sender; with `REPORT_EMAIL_TO`, reports are e-mailed |
 * | `REPORT_EMAIL_TO`           | notify                           | comma-separated recipients of report e-mails |
 * | `SLACK_WEBHOOK_SECRET_ARN`  | notify                           | Secrets Manager secret holding the Slack incoming-webhook URL |
 * | `OPENSEARCH_ENDPOINT`       | s3-processor, stream-processor   | OpenSearch Serverless collection or domain endpoint; new findings and events are indexed there after each store flush; unset = not indexed |
 * | `POWERTOOLS_SERVICE_NAME`   | all                              | Powertools service name (default `logwarden`) |
 * | `POWERTOOLS_METRICS_NAMESPACE` | all                           | CloudWatch metrics namespace (default `Logwarden`) |
 * | `POWERTOOLS_LOG_LEVEL`      | all                              | DEBUG, INFO (default), WARN, ERROR |
 *
 * Endpoints are not configured here: the AWS SDK v3 reads `AWS_ENDPOINT_URL` and
 * `AWS_ENDPOINT_URL_<SERVICE>` (`AWS_ENDPOINT_URL_DYNAMODB`, `AWS_ENDPOINT_URL_S3`,
 * `AWS_ENDPOINT_URL_SNS` …) itself; that is how the tests point the handlers at local emulators.
 */

import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SNSClient } from '@aws-sdk/client-sns';
import { z } from 'zod';
import { type Config, parseConfig } from '../core/config.ts';
import { LogwardenError } from '../core/errors.ts';

/** The environment every function validates on first use (see the table at the top of this file). */
export const lambdaEnvSchema = z.object({
  TABLE_NAME: z.string().min(1),
  PROCESSED_BUCKET: z.string().min(1).optional(),
  PROCESSED_PREFIX: z
    .string()
    .regex(/^([^/].*\/)?$/, 'must be empty, or end with "/" and not start with "/"')
    .default('processed/'),
  ALERT_TOPIC_ARN: z.string().startsWith('arn:', 'must be an SNS topic ARN').optional(),
  RETENTION_DAYS: z.coerce.number().int().positive().default(400),
  LOGWARDEN_CONFIG: z.string().optional(),
  BEDROCK_MODEL_ID: z.string().min(1).optional(),
  SES_FROM_ADDRESS: z.string().min(3).optional(),
  REPORT_EMAIL_TO: z.string().min(3).optional(),
  SLACK_WEBHOOK_SECRET_ARN: z.string().startsWith('arn:', 'must be a Secrets Manager secret ARN').optional(),
  OPENSEARCH_ENDPOINT: z
    .string()
    .regex(
      /^(https?:\/\/)?[^\s/]+\/?$/,
      'must be an endpoint such as https://abc123.us-east-1.aoss.amazonaws.com',
    )
    .optional(),
});

export type LambdaEnv = z.infer<typeof lambdaEnvSchema>;

/** Raised when a function's environment is incomplete or invalid (a deployment bug, not bad input). */
export class EnvironmentError extends LogwardenError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('config', message, options);
  }
}

/** Validates the environment; the message names every bad variable and what it must be. */
export function readLambdaEnv(env: NodeJS.ProcessEnv = process.env): { env: LambdaEnv; config: Config } {
  const parsed = lambdaEnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new EnvironmentError(`Lambda environment is invalid:\n  - ${problems.join('\n  - ')}`);
  }
  let doc: unknown = {};
  if (parsed.data.LOGWARDEN_CONFIG) {
    try {
      doc = JSON.parse(parsed.data.LOGWARDEN_CONFIG);
    } catch (err) {
      throw new EnvironmentError(`LOGWARDEN_CONFIG is not valid JSON: ${(err as Error).message}`);
    }
  }
  return { env: parsed.data, config: parseConfig(doc, 'LOGWARDEN_CONFIG') };
}

/** What the handlers share within one execution environment. */
export interface Wiring {
  env: LambdaEnv;
  config: Config;
  dynamodb: DynamoDBClient;
  s3: S3Client;
  sns: SNSClient;
  ses: SESv2Client;
  bedrock: BedrockRuntimeClient;
  secrets: SecretsManagerClient;
  logger: Logger;
  metrics: Metrics;
}

let current: Wiring | undefined;

/** The shared wiring, built on first use from `process.env`. */
export function wiring(): Wiring {
  if (current) return current;
  const { env, config } = readLambdaEnv();
  const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? 'logwarden';
  current = {
    env,
    config,
    dynamodb: new DynamoDBClient({}),
    // Path-style requests work against every S3 endpoint, emulators included.
    s3: new S3Client({
      forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL),
    }),
    sns: new SNSClient({}),
    ses: new SESv2Client({}),
    bedrock: new BedrockRuntimeClient({}),
    secrets: new SecretsManagerClient({}),
    logger: new Logger({ serviceName }),
    metrics: new Metrics({
      serviceName,
      namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'Logwarden',
    }),
  };
  return current;
}

/** Drops the shared wiring so the next invocation rebuilds it from `process.env` (tests change it). */
export function resetWiring(): void {
  if (current) {
    current.dynamodb.destroy();
    current.s3.destroy();
    current.sns.destroy();
    current.ses.destroy();
    current.bedrock.destroy();
    current.secrets.destroy();
  }
  current = undefined;
}
