import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Stream, StreamEncryption, StreamMode } from 'aws-cdk-lib/aws-kinesis';
import { CfnDeliveryStream } from 'aws-cdk-lib/aws-kinesisfirehose';
import { StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { KinesisEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import {
  FilterPattern,
  LogGroup,
  LogStream,
  type RetentionDays,
  SubscriptionFilter,
} from 'aws-cdk-lib/aws-logs';
import { KinesisDestination } from 'aws-cdk-lib/aws-logs-destinations';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledge, wildcardResourceFinding } from '../nag.ts';
import { type BundledFile, HandlerFunction } from './handler-function.ts';

/** Where Firehose writes the raw subscription payloads in the log bucket. */
export const RAW_PREFIX = 'raw/cloudwatch-logs/';

export interface StreamIngestProps {
  /** Existing CloudWatch log groups to subscribe (all their events). */
  logGroups: string[];
  rawBucket: IBucket;
  environment: Record<string, string>;
  logRetention: RetentionDays;
  /** Data the processor reads at run time (Sigma rules, GeoIP databases), copied into its bundle. */
  bundleFiles?: readonly BundledFile[];
}

/**
 * CloudWatch Logs subscriptions → an encrypted Kinesis stream, read by two consumers: the stream
 * Lambda (partial batch failures, bisect on error, failures to a DLQ) and Kinesis Data Firehose,
 * which keeps the raw payloads in the log bucket.
 */
export class StreamIngest extends Construct {
  readonly stream: Stream;
  readonly processor: HandlerFunction;
  readonly deadLetterQueue: Queue;
  readonly deliveryStream: CfnDeliveryStream;

  constructor(scope: Construct, id: string, props: StreamIngestProps) {
    super(scope, id);
    const stack = Stack.of(this);

    this.stream = new Stream(this, 'Stream', {
      streamMode: StreamMode.PROVISIONED,
      shardCount: 1, // about 1 MB/s of log payloads; raise it (or switch to on-demand) for more
      retentionPeriod: Duration.hours(24),
      // The AWS-managed key: no key policy to keep, and CloudWatch Logs can write without a grant.
      encryption: StreamEncryption.MANAGED,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    props.logGroups.forEach((name, i) => {
      new SubscriptionFilter(this, `Subscription${i}`, {
        logGroup: LogGroup.fromLogGroupName(this, `SubscribedGroup${i}`, name),
        destination: new KinesisDestination(this.stream),
        filterPattern: FilterPattern.allEvents(),
      });
    });

    this.deadLetterQueue = new Queue(this, 'DeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledge(this.deadLetterQueue, {
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the failure destination of the Kinesis event source mapping.',
    });

    this.processor = new HandlerFunction(this, 'Processor', {
      handler: 'stream-processor',
      description: 'logwarden: analyzes CloudWatch Logs subscription payloads from Kinesis',
      memorySize: 1024,
      timeout: Duration.minutes(2),
      environment: props.environment,
      logRetention: props.logRetention,
      bundleFiles: props.bundleFiles,
    });
    this.processor.fn.addEventSource(
      new KinesisEventSource(this.stream, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: 100,
        maxBatchingWindow: Duration.seconds(5),
        bisectBatchOnError: true,
        reportBatchItemFailures: true,
        retryAttempts: 3,
        maxRecordAge: Duration.hours(6),
        onFailure: new SqsDlq(this.deadLetterQueue),
      }),
    );

    this.deliveryStream = this.firehose(stack, props.rawBucket);
  }

  /** Firehose from the stream into `raw/cloudwatch-logs/` with a role limited to that prefix. */
  private firehose(stack: Stack, bucket: IBucket): CfnDeliveryStream {
    const logGroup = new LogGroup(this, 'FirehoseLogs', { removalPolicy: RemovalPolicy.DESTROY });
    const logStream = new LogStream(this, 'FirehoseLogStream', { logGroup, logStreamName: 'S3Delivery' });

    const role = new Role(this, 'FirehoseRole', {
      assumedBy: new ServicePrincipal('firehose.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
      description: 'logwarden Firehose: read the log stream, write raw payloads to the log bucket',
    });
    role.addToPolicy(
      new PolicyStatement({
        actions: [
          'kinesis:DescribeStream',
          'kinesis:GetShardIterator',
          'kinesis:GetRecords',
          'kinesis:ListShards',
        ],
        resources: [this.stream.streamArn],
      }),
    );
    role.addToPolicy(
      new PolicyStatement({
        actions: ['s3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads'],
        resources: [bucket.bucketArn],
      }),
    );
    const rawObjects = bucket.arnForObjects('raw/*');
    role.addToPolicy(
      new PolicyStatement({
        actions: ['s3:PutObject', 's3:GetObject', 's3:AbortMultipartUpload'],
        resources: [rawObjects],
      }),
    );
    acknowledge(role, {
      id: wildcardResourceFinding(this, rawObjects),
      reason:
        'Firehose names its objects itself (date path and random suffix); writes are limited to the raw/ prefix.',
    });
    role.addToPolicy(
      new PolicyStatement({ actions: ['logs:PutLogEvents'], resources: [logGroup.logGroupArn] }),
    );

    const delivery = new CfnDeliveryStream(this, 'Firehose', {
      deliveryStreamType: 'KinesisStreamAsSource',
      kinesisStreamSourceConfiguration: { kinesisStreamArn: this.stream.streamArn, roleArn: role.roleArn },
      extendedS3DestinationConfiguration: {
        bucketArn: bucket.bucketArn,
        roleArn: role.roleArn,
        prefix: `${RAW_PREFIX}!{timestamp:yyyy/MM/dd}/`,
        errorOutputPrefix: 'raw/firehose-errors/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd}/',
        // Subscription payloads are gzip members already; concatenated they still gunzip as one file.
        compressionFormat: 'UNCOMPRESSED',
        bufferingHints: { intervalInSeconds: 300, sizeInMBs: 64 },
        cloudWatchLoggingOptions: {
          enabled: true,
          logGroupName: logGroup.logGroupName,
          logStreamName: logStream.logStreamName,
        },
      },
    });
    delivery.node.addDependency(role);
    acknowledge(delivery, {
      id: 'AwsSolutions-KDF1',
      reason:
        'Firehose server-side encryption applies to Direct PUT only; this source stream is KMS-encrypted and the bucket uses SSE-S3.',
    });
    return delivery;
  }
}
