import { Duration } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { EventType, type IBucket } from 'aws-cdk-lib/aws-s3';
import { SqsDestination } from 'aws-cdk-lib/aws-s3-notifications';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledge, wildcardResourceFinding } from '../nag.ts';
import { type BundledFile, HandlerFunction } from './handler-function.ts';

/** CloudTrail log files end in `.json.gz`; so do digests, which the prefixes keep out. */
export const LOG_FILE_SUFFIX = '.json.gz';

export interface ObjectIngestProps {
  logBucket: IBucket;
  /**
   * Key prefixes that trigger processing, one notification each: `AWSLogs/<account>/CloudTrail/`.
   * A single `AWSLogs/` prefix would also match `AWSLogs/<account>/CloudTrail-Digest/…json.gz`
   * (the seed's bug 10); S3 filters allow one prefix and one suffix, so the account path is spelled out.
   */
  prefixes: string[];
  environment: Record<string, string>;
  logRetention: RetentionDays;
  /** Data the processor reads at run time (Sigma rules, GeoIP databases), copied into its bundle. */
  bundleFiles?: readonly BundledFile[];
  functionTimeout?: Duration;
}

/**
 * S3 object-created events → SQS (with a dead-letter queue) → the processor Lambda, which reports
 * partial batch failures so one bad object is retried alone and lands in the DLQ after five tries.
 */
export class ObjectIngest extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly processor: HandlerFunction;

  constructor(scope: Construct, id: string, props: ObjectIngestProps) {
    super(scope, id);
    const timeout = props.functionTimeout ?? Duration.minutes(5);

    this.deadLetterQueue = new Queue(this, 'DeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.SQS_MANAGED, // S3 can deliver to SSE-SQS queues without a key grant
      enforceSSL: true,
      // AWS advises six times the function timeout so in-flight messages are not redelivered.
      visibilityTimeout: Duration.seconds(timeout.toSeconds() * 6),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: 5 },
    });

    this.processor = new HandlerFunction(this, 'Processor', {
      handler: 's3-processor',
      description: 'logwarden: reads CloudTrail files named by S3 events, stores events and findings, alerts',
      memorySize: 1024,
      timeout,
      environment: props.environment,
      logRetention: props.logRetention,
      bundleFiles: props.bundleFiles,
    });
    this.processor.fn.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: 10,
        maxBatchingWindow: Duration.seconds(10),
        reportBatchItemFailures: true,
        maxConcurrency: 20,
      }),
    );

    const destination = new SqsDestination(this.queue);
    for (const prefix of props.prefixes) {
      props.logBucket.addEventNotification(EventType.OBJECT_CREATED, destination, {
        prefix,
        suffix: LOG_FILE_SUFFIX,
      });
    }
    // Only objects under the prefixes that produce events can be read (no List, no bucket-level actions).
    const readable = props.prefixes.map((prefix) => props.logBucket.arnForObjects(`${prefix}*`));
    this.processor.role.addToPolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources: readable }));
    for (const arn of readable) {
      acknowledge(this.processor.role, {
        id: wildcardResourceFinding(this, arn),
        reason:
          'CloudTrail names log files by time and a random suffix; reads are limited to one account’s CloudTrail/ prefix.',
      });
    }
  }
}
