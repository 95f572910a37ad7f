import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { CfnTrail } from 'aws-cdk-lib/aws-cloudtrail';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type IBucket,
  ObjectOwnership,
  StorageClass,
} from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledge } from '../nag.ts';

/** Seven years of audit logs, counted with leap days. */
export const LOG_EXPIRY_DAYS = 2557;

export interface LogStorageProps {
  /** Use this bucket for incoming logs instead of creating one. */
  existingBucket?: string;
  /** Create a multi-region trail writing into the log bucket. */
  createTrail: boolean;
  /** Accounts whose trails may write `AWSLogs/<account>/…` into the log bucket. */
  trailAccounts: string[];
  /** Days processed events stay under `processed/`. */
  retentionDays: number;
}

/**
 * The buckets: incoming logs (kept seven years, moving to colder storage as they age, never deleted
 * with the stack), processed data for Athena, and the access-log bucket both log into.
 */
export class LogStorage extends Construct {
  /** Where CloudTrail and Firehose write; S3 events on it start processing. */
  readonly logBucket: IBucket;
  /** `processed/dt=YYYY-MM-DD/` NDJSON.gz, `reports/`, `athena-results/`. */
  readonly dataBucket: Bucket;
  readonly accessLogBucket: Bucket;
  readonly trail?: CfnTrail;

  constructor(scope: Construct, id: string, props: LogStorageProps) {
    super(scope, id);
    this.accessLogBucket = new Bucket(this, 'AccessLogs', {
      encryption: BucketEncryption.S3_MANAGED, // server access logging accepts SSE-S3 targets only
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(365) }],
    });
    acknowledge(this.accessLogBucket, {
      id: 'AwsSolutions-S1',
      reason:
        'This is the server access log target; logging it into itself would log its own log writes forever.',
    });

    if (props.existingBucket) {
      this.logBucket = Bucket.fromBucketName(this, 'Logs', props.existingBucket);
    } else {
      const bucket = new Bucket(this, 'Logs', {
        encryption: BucketEncryption.S3_MANAGED,
        enforceSSL: true,
        versioned: true, // an overwritten or deleted log file stays recoverable as evidence
        blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
        objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
        serverAccessLogsBucket: this.accessLogBucket,
        serverAccessLogsPrefix: 'logs-bucket/',
        removalPolicy: RemovalPolicy.RETAIN,
        autoDeleteObjects: false,
        lifecycleRules: [
          {
            id: 'age-audit-logs',
            transitions: [
              { storageClass: StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(30) },
              { storageClass: StorageClass.GLACIER, transitionAfter: Duration.days(90) },
              { storageClass: StorageClass.DEEP_ARCHIVE, transitionAfter: Duration.days(365) },
            ],
            expiration: Duration.days(LOG_EXPIRY_DAYS),
            noncurrentVersionExpiration: Duration.days(90),
            abortIncompleteMultipartUploadAfter: Duration.days(7),
          },
        ],
      });
      this.allowCloudTrail(bucket, props.trailAccounts);
      this.logBucket = bucket;
    }

    this.dataBucket = new Bucket(this, 'Data', {
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.accessLogBucket,
      serverAccessLogsPrefix: 'data-bucket/',
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        { id: 'expire-processed', prefix: 'processed/', expiration: Duration.days(props.retentionDays) },
        { id: 'expire-athena-results', prefix: 'athena-results/', expiration: Duration.days(30) },
        {
          id: 'age-reports',
          prefix: 'reports/',
          transitions: [{ storageClass: StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(30) }],
          expiration: Duration.days(LOG_EXPIRY_DAYS),
        },
      ],
    });

    if (props.createTrail) {
      if (!(this.logBucket instanceof Bucket))
        throw new Error('createTrail needs the log bucket this stack creates');
      this.trail = new CfnTrail(this, 'Trail', {
        isLogging: true,
        isMultiRegionTrail: true,
        includeGlobalServiceEvents: true,
        enableLogFileValidation: true,
        s3BucketName: this.logBucket.bucketName,
        eventSelectors: [{ includeManagementEvents: true, readWriteType: 'All' }],
      });
      // CloudTrail checks the bucket policy when the trail is created.
      if (this.logBucket.policy) this.trail.node.addDependency(this.logBucket.policy);
    }
  }

  /**
   * The bucket policy CloudTrail needs to deliver: read the bucket ACL, and put objects under
   * `AWSLogs/<account>/` with the owner-full-control ACL, only for trails of the listed accounts
   * (aws:SourceAccount guards against other accounts' trails using this bucket).
   */
  private allowCloudTrail(bucket: Bucket, accounts: string[]): void {
    if (accounts.length === 0) return;
    const cloudtrail = new ServicePrincipal('cloudtrail.amazonaws.com');
    const sourceAccount = accounts.length === 1 ? accounts[0] : accounts;
    bucket.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudTrailAclCheck',
        principals: [cloudtrail],
        actions: ['s3:GetBucketAcl'],
        resources: [bucket.bucketArn],
        conditions: { StringEquals: { 'aws:SourceAccount': sourceAccount } },
      }),
    );
    bucket.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudTrailWrite',
        principals: [cloudtrail],
        actions: ['s3:PutObject'],
        resources: accounts.map((account) => bucket.arnForObjects(`AWSLogs/${account}/*`)),
        conditions: {
          StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceAccount': sourceAccount },
        },
      }),
    );
  }
}
