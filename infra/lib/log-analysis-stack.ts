import { Aws, CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { Dashboard, GraphWidget, Metric } from 'aws-cdk-lib/aws-cloudwatch';
import { type IRole, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { parseConfig } from '../../src/core/config.ts';
import { bedrockInvokeStatement } from './bedrock-model.ts';
import { Alerting } from './constructs/alerting.ts';
import { EventCatalog, PROCESSED_PREFIX } from './constructs/event-catalog.ts';
import { EventTable } from './constructs/event-table.ts';
import type { HandlerFunction } from './constructs/handler-function.ts';
import { LogStorage } from './constructs/log-storage.ts';
import { Monitoring } from './constructs/monitoring.ts';
import { ObjectIngest } from './constructs/object-ingest.ts';
import { processorBundleFiles } from './constructs/processor-files.ts';
import { ReportWorkflow } from './constructs/report-workflow.ts';
import { SearchCollection } from './constructs/search-collection.ts';
import { StreamIngest } from './constructs/stream-ingest.ts';
import { acknowledge, wildcardResourceFinding } from './nag.ts';
import type { DeploySettings } from './settings.ts';

export interface LogAnalysisStackProps extends StackProps {
  settings: DeploySettings;
}

/** The metrics the processors publish (embedded metric format), as the seed names them. */
export const PIPELINE_METRICS = [
  'EventsProcessed',
  'ProcessingLatency',
  'ProcessingErrors',
  'CriticalAnomalies',
  'HighRiskAnomalies',
] as const;
export const METRICS_NAMESPACE = 'Logwarden';

/**
 * logwarden on AWS: CloudTrail files in S3 and CloudWatch Logs through Kinesis are analyzed by the
 * same engine as the CLI, stored in DynamoDB (summaries, findings) and S3 (processed events for
 * Athena), alerted on at once when critical, and reported on a schedule through Step Functions.
 */
export class LogAnalysisStack extends Stack {
  readonly storage: LogStorage;
  readonly table: EventTable;
  readonly alerting: Alerting;
  readonly objectIngest: ObjectIngest;
  readonly streamIngest: StreamIngest;
  readonly catalog: EventCatalog;
  readonly workflow: ReportWorkflow;
  readonly monitoring: Monitoring;
  readonly search?: SearchCollection;

  constructor(scope: Construct, id: string, props: LogAnalysisStackProps) {
    super(scope, id, props);
    const s = props.settings;
    // Fail at synth, not at 3 a.m.
    const config = parseConfig(s.logwardenConfig ?? {}, 'CDK context logwardenConfig');
    const localOnly = [
      ...(config.sigma.paths.length > 0 ? ['sigma.paths'] : []),
      ...(config.geo.cityDb ? ['geo.cityDb'] : []),
      ...(config.geo.asnDb ? ['geo.asnDb'] : []),
    ];
    if (localOnly.length > 0)
      throw new Error(
        `logwardenConfig: ${localOnly.join(', ')} name local files, which the Lambda bundles do not carry; the functions use the vendored Sigma rules and the shipped GeoIP databases`,
      );
    const bundleFiles = processorBundleFiles({ sigma: config.sigma.vendored, geo: config.geo.enabled });

    const prefixes = s.trailPrefixes ?? [`AWSLogs/${this.account}/CloudTrail/`];
    // Accounts whose own trails may write here. Organization trails (AWSLogs/o-…/) are written by
    // the management account's trail, which this stack cannot name: their bucket statement is the user's.
    const trailAccounts = s.trailPrefixes
      ? [
          ...new Set(
            s.trailPrefixes.flatMap((p) => {
              const account = /^AWSLogs\/(\d{12})\/CloudTrail\/$/.exec(p);
              return account ? [account[1]] : [];
            }),
          ),
        ]
      : [this.account];
    const logRetention = s.logRetentionDays as RetentionDays;

    this.storage = new LogStorage(this, 'Storage', {
      existingBucket: s.existingBucket,
      createTrail: s.createTrail,
      trailAccounts,
      retentionDays: s.retentionDays,
    });
    this.table = new EventTable(this, 'Events');
    this.alerting = new Alerting(this, 'Alerting', { alertEmail: s.alertEmail, sesIdentity: s.sesIdentity });

    const environment: Record<string, string> = {
      TABLE_NAME: this.table.table.tableName,
      PROCESSED_BUCKET: this.storage.dataBucket.bucketName,
      PROCESSED_PREFIX,
      ALERT_TOPIC_ARN: this.alerting.topic.topicArn,
      RETENTION_DAYS: String(s.retentionDays),
      BEDROCK_MODEL_ID: s.modelId,
      SLACK_WEBHOOK_SECRET_ARN: this.alerting.slackWebhook.secretArn,
      ...(s.sesIdentity ? { SES_FROM_ADDRESS: sesFromAddress(s.sesIdentity) } : {}),
      ...(s.alertEmail ? { REPORT_EMAIL_TO: s.alertEmail } : {}),
      ...(s.logwardenConfig ? { LOGWARDEN_CONFIG: JSON.stringify(s.logwardenConfig) } : {}),
    };

    this.objectIngest = new ObjectIngest(this, 'ObjectIngest', {
      logBucket: this.storage.logBucket,
      prefixes,
      environment,
      logRetention,
      bundleFiles,
    });
    this.streamIngest = new StreamIngest(this, 'StreamIngest', {
      logGroups: s.logGroups,
      rawBucket: this.storage.logBucket,
      environment,
      logRetention,
      bundleFiles,
    });
    this.catalog = new EventCatalog(this, 'Catalog', { dataBucket: this.storage.dataBucket });
    this.workflow = new ReportWorkflow(this, 'Report', {
      schedule: s.schedule,
      scheduledInput: {
        analysisType: s.analysisType,
        includeAI: s.includeAI,
        notificationLevel: s.notificationLevel,
      },
      environment,
      logRetention,
    });

    this.grantAccess(s);

    if (s.opensearch) {
      const writers: IRole[] = [this.objectIngest.processor.role, this.streamIngest.processor.role];
      this.search = new SearchCollection(this, 'Search', { writers });
      for (const fn of [this.objectIngest.processor, this.streamIngest.processor]) {
        fn.fn.addEnvironment('OPENSEARCH_ENDPOINT', this.search.endpoint);
      }
      new CfnOutput(this, 'SearchEndpoint', {
        value: this.search.endpoint,
        description: 'OpenSearch Serverless endpoint',
      });
    }

    this.monitoring = new Monitoring(this, 'Monitoring', {
      topic: this.alerting.topic,
      functions: {
        S3Processor: this.objectIngest.processor.fn,
        StreamProcessor: this.streamIngest.processor.fn,
        Report: this.workflow.report.fn,
        Insights: this.workflow.insights.fn,
        Notify: this.workflow.notify.fn,
      },
      deadLetterQueues: {
        ObjectDlq: this.objectIngest.deadLetterQueue,
        StreamDlq: this.streamIngest.deadLetterQueue,
      },
      stateMachine: this.workflow.stateMachine,
    });
    const dashboard = this.dashboard();

    this.suppressGeneratedFindings();

    const out = (name: string, value: string, description: string) =>
      new CfnOutput(this, name, { value, description });
    out('LogBucketName', this.storage.logBucket.bucketName, 'bucket CloudTrail delivers to (AWSLogs/…)');
    out(
      'ProcessedBucketName',
      this.storage.dataBucket.bucketName,
      'processed events, reports, Athena results',
    );
    out('TableName', this.table.table.tableName, 'DynamoDB table: summaries, findings, state');
    out('AlertTopicArn', this.alerting.topic.topicArn, 'SNS topic for alerts and reports');
    out('StateMachineArn', this.workflow.stateMachine.stateMachineArn, 'report workflow');
    out('IngestQueueUrl', this.objectIngest.queue.queueUrl, 'S3 event queue');
    out('KinesisStreamName', this.streamIngest.stream.streamName, 'CloudWatch Logs subscription destination');
    out('AthenaWorkGroup', this.catalog.workGroup.ref, 'Athena workgroup for the events table');
    out(
      'GlueTable',
      `${this.catalog.databaseName}.${this.catalog.tableName}`,
      'Athena table of processed events',
    );
    out('SlackWebhookSecretArn', this.alerting.slackWebhook.secretArn, 'put the Slack webhook URL here');
    out(
      'DashboardUrl',
      `https://${Aws.REGION}.console.aws.amazon.com/cloudwatch/home?region=${Aws.REGION}#dashboards:name=${dashboard.dashboardName}`,
      'CloudWatch dashboard of the pipeline metrics',
    );
  }

  /** Each function gets the actions it calls on the resources it touches, nothing more. */
  private grantAccess(s: DeploySettings): void {
    const table = this.table.table;
    const data = this.storage.dataBucket;
    const key = this.alerting.key;
    const topic = this.alerting.topic;
    const allow = (fn: HandlerFunction, actions: string[], resources: string[]) =>
      fn.role.addToPolicy(new PolicyStatement({ actions, resources }));
    /** Object actions under one prefix of the data bucket: keys are generated, the prefix is the bound. */
    const allowPrefix = (fn: HandlerFunction, actions: string[], prefix: string) => {
      const arn = data.arnForObjects(`${prefix}*`);
      allow(fn, actions, [arn]);
      acknowledge(fn.role, {
        id: wildcardResourceFinding(this, arn),
        reason: `Object keys under ${prefix} are generated per file or report; access is limited to that prefix.`,
      });
    };
    const tableArns = [table.tableArn];
    const READ = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'];
    const WRITE = ['dynamodb:UpdateItem', 'dynamodb:BatchWriteItem'];
    const publish = (fn: HandlerFunction) => {
      allow(fn, ['sns:Publish'], [topic.topicArn]);
      allow(fn, ['kms:GenerateDataKey', 'kms:Decrypt'], [key.keyArn]);
    };

    for (const fn of [this.objectIngest.processor, this.streamIngest.processor]) {
      allow(fn, [...READ, ...WRITE], tableArns);
      allowPrefix(fn, ['s3:PutObject'], PROCESSED_PREFIX);
      publish(fn);
    }
    const { report, insights, notify } = this.workflow;
    allow(report, READ, tableArns);
    const bedrock = bedrockInvokeStatement(this, s.modelId);
    insights.role.addToPolicy(bedrock);
    for (const arn of bedrock.resources.filter((r) => r.includes('*'))) {
      acknowledge(insights.role, {
        id: wildcardResourceFinding(this, arn),
        reason:
          'A cross-region inference profile routes to this one model in regions AWS chooses; only the region is a wildcard.',
      });
    }
    allow(notify, [...READ, ...WRITE], tableArns); // the notification ledger: each finding is sent once
    publish(notify);
    allow(notify, ['secretsmanager:GetSecretValue'], [this.alerting.slackWebhook.secretArn]);
    if (this.alerting.sesIdentityArn) allow(notify, ['ses:SendEmail'], [this.alerting.sesIdentityArn]);
  }

  private dashboard(): Dashboard {
    const dashboard = new Dashboard(this, 'Dashboard', { dashboardName: `${this.stackName}-logwarden` });
    const metric = (metricName: string, statistic = 'Sum') =>
      new Metric({
        namespace: METRICS_NAMESPACE,
        metricName,
        dimensionsMap: { service: 'logwarden' },
        statistic,
        period: Duration.minutes(5),
      });
    dashboard.addWidgets(
      new GraphWidget({ title: 'Events processed', left: [metric('EventsProcessed')], width: 12 }),
      new GraphWidget({
        title: 'Processing latency (ms, p90)',
        left: [metric('ProcessingLatency', 'p90')],
        width: 12,
      }),
      new GraphWidget({
        title: 'Anomalies',
        left: [metric('CriticalAnomalies'), metric('HighRiskAnomalies')],
        width: 12,
      }),
      new GraphWidget({ title: 'Processing errors', left: [metric('ProcessingErrors')], width: 12 }),
      // A rule that throws is counted, never silently skipped; suppressions show what was muted.
      new GraphWidget({
        title: 'Detection rule errors and suppressed findings',
        left: [metric('RuleErrors'), metric('FindingsSuppressed')],
        width: 12,
      }),
    );
    if (this.search) {
      dashboard.addWidgets(
        new GraphWidget({
          title: 'OpenSearch documents (indexed, not indexed)',
          left: [metric('OpenSearchIndexed'), metric('OpenSearchFailures')],
          width: 12,
        }),
      );
    }
    return dashboard;
  }

  /** Findings on resources CDK generates for us, each with the reason it is acceptable. */
  private suppressGeneratedFindings(): void {
    // S3 bucket notifications are configured by a CDK-provided custom resource during deployment.
    const handler = this.node.tryFindChild('BucketNotificationsHandler050a0587b7544547bf325f094a3db834');
    if (handler) {
      acknowledge(handler, {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason:
          'CDK’s bucket-notification custom resource writes its own logs with the basic execution policy; it runs only while deploying.',
      });
    }
  }
}

/** The sender address for an SES identity: the address itself, or `logwarden@<domain>`. */
export function sesFromAddress(identity: string): string {
  return identity.includes('@') ? identity : `logwarden@${identity}`;
}
