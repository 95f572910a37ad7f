/**
 * The CDK stack as `cdk synth` builds it from cdk.json's defaults: synthesized once, offline, with
 * the Lambda code bundled by the local esbuild; then its resources, IAM statements and the cdk-nag
 * AwsSolutions pack are checked.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { Match } from 'aws-cdk-lib/assertions';
import { REPO_ROOT } from '../../../infra/lib/constructs/handler-function.ts';
import { LOG_EXPIRY_DAYS } from '../../../infra/lib/constructs/log-storage.ts';
import { DynamoDbEventStore } from '../../../src/adapters/aws/dynamodb-store.ts';
import { bundledGeoFiles } from '../../../src/adapters/local/geo/offline-geo-lookup.ts';
import { BulkReceiver } from '../../helpers/bulk-receiver.ts';
import { createEventTable, dynamoClient, s3Client, startDynalite, startS3rver } from '../aws/emulators.ts';
import { sqsS3Event } from '../aws/lambda-env.ts';
import { assetDir, runBundledHandler, treeBytes } from './processor-bundle.ts';
import {
  ACCOUNT,
  asList,
  nagViolations,
  policyStatements,
  REGION,
  type Synthesized,
  synthStack,
} from './synth.ts';

// biome-ignore lint/suspicious/noExplicitAny: synthesized CloudFormation is untyped JSON
type Json = any;
type Resource = {
  Type: string;
  Properties: Record<string, Json>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
};

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;

describe('LogAnalysisStack (cdk.json defaults, bundled)', () => {
  let synth: Synthesized;
  let resources: Record<string, Resource>;
  const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
  const logicalId = (construct: { node: { defaultChild?: unknown } }) =>
    synth.stack.getLogicalId(construct.node.defaultChild as never);

  const handlers = () => [
    synth.stack.objectIngest.processor,
    synth.stack.streamIngest.processor,
    synth.stack.workflow.report,
    synth.stack.workflow.insights,
    synth.stack.workflow.notify,
  ];

  before(() => {
    synth = synthStack({}, { bundle: true });
    resources = synth.template.toJSON().Resources;
    console.log(`# synth with esbuild bundling of 5 functions: ${Math.round(synth.ms)} ms`);
  });
  after(() => synth?.dispose());

  it('runs every handler on Node.js 22 (arm64, traced, own log group with retention)', () => {
    const ours = handlers().map((h) => logicalId(h.fn));
    const functions = ofType('AWS::Lambda::Function').filter(([id]) => ours.includes(id));
    assert.equal(functions.length, 5);
    for (const [id, fn] of functions) {
      assert.equal(fn.Properties.Runtime, 'nodejs22.x', id);
      assert.deepEqual(fn.Properties.Architectures, ['arm64'], id);
      assert.deepEqual(fn.Properties.TracingConfig, { Mode: 'Active' }, id);
      assert.ok(fn.Properties.LoggingConfig?.LogGroup, `${id} logs to its own group`);
      assert.equal(fn.Properties.Environment.Variables.TABLE_NAME.Ref, logicalId(synth.stack.table.table));
    }
    for (const [, group] of ofType('AWS::Logs::LogGroup')) assert.ok(group.Properties.RetentionInDays > 0);
  });

  it('bundles each handler with the local esbuild into one ESM file', () => {
    const assets = readdirSync(synth.outdir).filter((d) => d.startsWith('asset.'));
    const bundles = assets.filter((d) => existsSync(join(synth.outdir, d, 'index.mjs')));
    assert.equal(bundles.length, 5);
    for (const dir of bundles) {
      const code = readFileSync(join(synth.outdir, dir, 'index.mjs'), 'utf8');
      assert.match(code, /export\s*\{[^}]*handler/, `${dir} exports handler as ESM`);
      assert.doesNotMatch(
        code,
        /from\s*["']@aws-sdk\/client-s3["'][\s\S]*class S3Client/,
        'AWS SDK left to the runtime',
      );
    }
  });

  it('bundles that load and run under Node.js: the report function refuses an S3 event', async () => {
    const code = resources[logicalId(synth.stack.workflow.report.fn)].Properties.Code;
    const dir = `asset.${String(code.S3Key).replace(/\.zip$/, '')}`;
    assert.ok(existsSync(join(synth.outdir, dir, 'index.mjs')), 'the report function’s bundle');
    const saved = { ...process.env };
    Object.assign(process.env, { TABLE_NAME: 'logwarden-smoke', AWS_REGION: REGION });
    try {
      const bundle = await import(pathToFileURL(join(synth.outdir, dir, 'index.mjs')).href);
      await assert.rejects(
        bundle.handler({ Records: [{ eventSource: 'aws:s3' }] }),
        /expects a report request/,
      );
    } finally {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    }
    for (const d of readdirSync(synth.outdir).filter((x) => existsSync(join(synth.outdir, x, 'index.mjs')))) {
      const mod = await import(pathToFileURL(join(synth.outdir, d, 'index.mjs')).href);
      assert.equal(typeof mod.handler, 'function', `${d} exports a handler`);
    }
  });

  it('copies the Sigma rules and GeoIP databases beside both processor bundles, within Lambda’s 250 MB', () => {
    const geoFiles = Object.values(bundledGeoFiles());
    for (const fn of [synth.stack.objectIngest.processor, synth.stack.streamIngest.processor]) {
      const dir = assetDir(synth, fn);
      const rules = readdirSync(join(dir, 'rules/sigma/rules')).filter((f) => f.endsWith('.yml'));
      assert.equal(rules.length, 57, `${fn.handlerName}: the vendored Sigma rules`);
      assert.ok(existsSync(join(dir, 'rules/sigma/LICENSE')), 'with their licence');
      for (const file of geoFiles) {
        const inBundle = join(dir, relative(REPO_ROOT, file));
        assert.equal(statSync(inBundle).size, statSync(file).size, `${fn.handlerName}: ${inBundle}`);
        assert.ok(existsSync(join(dirname(inBundle), 'package.json')), 'resolvable as a package');
        assert.ok(existsSync(join(dirname(inBundle), 'DBIP-LICENSE')), 'with the attribution licence');
      }
      const code = statSync(join(dir, 'index.mjs')).size + statSync(join(dir, 'index.mjs.map')).size;
      const sigma = treeBytes(join(dir, 'rules'));
      const geo = treeBytes(join(dir, 'node_modules'));
      const total = treeBytes(dir);
      console.log(
        `# ${fn.handlerName} asset: code+map ${mb(code)}, rules/sigma ${mb(sigma)}, GeoIP ${mb(geo)}, total ${mb(total)} unzipped`,
      );
      assert.ok(total < 250 * 2 ** 20, `${fn.handlerName} fits Lambda's 250 MB unzipped limit`);
    }
    for (const fn of [
      synth.stack.workflow.report,
      synth.stack.workflow.insights,
      synth.stack.workflow.notify,
    ]) {
      const dir = assetDir(synth, fn);
      assert.ok(!existsSync(join(dir, 'rules')) && !existsSync(join(dir, 'node_modules')), fn.handlerName);
    }
  });

  it('runs the bundled S3 processor outside the checkout: Sigma and GeoIP from the files beside it, OpenSearch', async () => {
    const [s3, dynalite] = await Promise.all([startS3rver(['logs']), startDynalite()]);
    const search = new BulkReceiver();
    try {
      const ddb = dynamoClient(dynalite.endpoint);
      await createEventTable(ddb, 'bundle-smoke');
      const key = 'AWSLogs/111122223333/CloudTrail/us-east-1/2024/07/31/stop.json.gz';
      const records = readFileSync(
        new URL(
          '../../fixtures/cloudtrail/stratus/aws.defense-evasion.cloudtrail-stop.json',
          import.meta.url,
        ),
      );
      const s3c = s3Client(s3.endpoint);
      await s3c.send(
        new PutObjectCommand({ Bucket: 'logs', Key: key, Body: gzipSync(`{"Records":${records}}`) }),
      );
      s3c.destroy();
      const event = JSON.parse(
        sqsS3Event([{ messageId: 'm', bucket: 'logs', key, size: 1 }]).Records[0].body,
      );
      const { result, logs } = await runBundledHandler(
        assetDir(synth, synth.stack.objectIngest.processor),
        event,
        {
          AWS_REGION: REGION,
          AWS_ACCESS_KEY_ID: 'S3RVER',
          AWS_SECRET_ACCESS_KEY: 'S3RVER',
          AWS_ENDPOINT_URL_S3: s3.endpoint,
          AWS_ENDPOINT_URL_DYNAMODB: dynalite.endpoint,
          TABLE_NAME: 'bundle-smoke',
          OPENSEARCH_ENDPOINT: await search.start(),
        },
      );
      assert.equal((result as { objects: number }).objects, 1);
      const loaded = logs.find((l) => l.message === 'detection loaded');
      assert.equal(loaded?.sigmaRules, 57);
      assert.equal(loaded?.geo, 'offline GeoIP/ASN');
      console.log(`# bundled processor cold start: Sigma rules and GeoIP loaded in ${loaded?.loadMs} ms`);
      const findings = await new DynamoDbEventStore(ddb, { tableName: 'bundle-smoke' }).findings({});
      ddb.destroy();
      assert.ok(
        findings.some((f) => f.ruleId === 'sigma:4db60cc0-36fb-42b7-9b58-a5b53019fb74'),
        'Sigma finding stored',
      );
      const events = search.docs('logwarden-events-');
      const located = events.find((e) => e.doc.sourceIp === '86.245.153.234');
      assert.equal(
        (located?.doc.geo as { asn?: number })?.asn,
        3215,
        'GeoIP/ASN enrichment in the indexed event',
      );
      assert.equal(search.docs('logwarden-findings-').length, findings.length, 'findings indexed');
    } finally {
      await Promise.all([s3.stop(), dynalite.stop(), search.stop()]);
    }
  });

  it('keeps the log bucket seven years, aging through IA, Glacier and Deep Archive, and never deletes it', () => {
    const id = logicalId(synth.stack.storage.logBucket as never);
    const bucket = resources[id];
    assert.equal(bucket.DeletionPolicy, 'Retain');
    assert.equal(bucket.UpdateReplacePolicy, 'Retain');
    const rule = bucket.Properties.LifecycleConfiguration.Rules[0];
    assert.deepEqual(rule.Transitions, [
      { StorageClass: 'STANDARD_IA', TransitionInDays: 30 },
      { StorageClass: 'GLACIER', TransitionInDays: 90 },
      { StorageClass: 'DEEP_ARCHIVE', TransitionInDays: 365 },
    ]);
    assert.equal(rule.ExpirationInDays, LOG_EXPIRY_DAYS);
    assert.ok(LOG_EXPIRY_DAYS >= 7 * 365);
    assert.deepEqual(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration, [
      { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
    ]);
    assert.equal(bucket.Properties.VersioningConfiguration.Status, 'Enabled');
    assert.deepEqual(bucket.Properties.LoggingConfiguration.DestinationBucketName, {
      Ref: logicalId(synth.stack.storage.accessLogBucket),
    });
    assert.equal(ofType('Custom::S3AutoDeleteObjects').length, 0, 'no autoDeleteObjects anywhere');
    for (const [bucketId, b] of ofType('AWS::S3::Bucket')) assert.equal(b.DeletionPolicy, 'Retain', bucketId);
  });

  it('lets CloudTrail of this account write the log bucket, and nobody use plain HTTP', () => {
    const bucketId = logicalId(synth.stack.storage.logBucket as never);
    const [, policy] = ofType('AWS::S3::BucketPolicy').find(([, p]) => p.Properties.Bucket.Ref === bucketId)!;
    const statements: Record<string, Json>[] = policy.Properties.PolicyDocument.Statement;
    const acl = statements.find((s) => s.Sid === 'CloudTrailAclCheck')!;
    assert.deepEqual(acl.Principal, { Service: 'cloudtrail.amazonaws.com' });
    assert.equal(acl.Action, 's3:GetBucketAcl');
    assert.deepEqual(acl.Condition, { StringEquals: { 'aws:SourceAccount': ACCOUNT } });
    const write = statements.find((s) => s.Sid === 'CloudTrailWrite')!;
    assert.equal(write.Action, 's3:PutObject');
    assert.deepEqual(write.Condition.StringEquals, {
      's3:x-amz-acl': 'bucket-owner-full-control',
      'aws:SourceAccount': ACCOUNT,
    });
    assert.deepEqual(write.Resource['Fn::Join'][1].slice(-1), [`/AWSLogs/${ACCOUNT}/*`]);
    for (const [id, p] of ofType('AWS::S3::BucketPolicy')) {
      const deny = p.Properties.PolicyDocument.Statement.find(
        (s: Record<string, Json>) => s.Effect === 'Deny',
      );
      assert.deepEqual(deny?.Condition, { Bool: { 'aws:SecureTransport': 'false' } }, `${id} enforces SSL`);
    }
  });

  it('sends log files, never digests, from S3 to the queue (bug 10)', () => {
    const [[, notifications]] = ofType('Custom::S3BucketNotifications');
    const configs = notifications.Properties.NotificationConfiguration.QueueConfigurations;
    assert.equal(configs.length, 1);
    assert.deepEqual(configs[0].QueueArn['Fn::GetAtt'][0], logicalId(synth.stack.objectIngest.queue));
    const rules: { Name: string; Value: string }[] = configs[0].Filter.Key.FilterRules;
    const matches = (key: string) =>
      rules.every((r) => (r.Name === 'prefix' ? key.startsWith(r.Value) : key.endsWith(r.Value)));
    const day = `${REGION}/2024/05/01`;
    assert.ok(
      matches(
        `AWSLogs/${ACCOUNT}/CloudTrail/${day}/${ACCOUNT}_CloudTrail_${REGION}_20240501T0005Z_a1b2.json.gz`,
      ),
    );
    assert.ok(
      !matches(
        `AWSLogs/${ACCOUNT}/CloudTrail-Digest/${day}/${ACCOUNT}_CloudTrail-Digest_${REGION}_trail_${REGION}_20240501T010203Z.json.gz`,
      ),
    );
    assert.ok(!matches(`AWSLogs/${ACCOUNT}/CloudTrail/${day}/notes.txt`));
  });

  it('processes S3 events from SQS with partial batch failures and a dead-letter queue', () => {
    const queue = resources[logicalId(synth.stack.objectIngest.queue)];
    assert.deepEqual(queue.Properties.RedrivePolicy, {
      deadLetterTargetArn: { 'Fn::GetAtt': [logicalId(synth.stack.objectIngest.deadLetterQueue), 'Arn'] },
      maxReceiveCount: 5,
    });
    assert.equal(queue.Properties.SqsManagedSseEnabled, true);
    synth.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [logicalId(synth.stack.objectIngest.queue), 'Arn'] },
      FunctionName: { Ref: logicalId(synth.stack.objectIngest.processor.fn) },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    for (const [id, p] of ofType('AWS::SQS::QueuePolicy')) {
      const deny = p.Properties.PolicyDocument.Statement.find(
        (s: Record<string, Json>) => s.Effect === 'Deny',
      );
      assert.deepEqual(deny?.Condition, { Bool: { 'aws:SecureTransport': 'false' } }, `${id} enforces SSL`);
    }
  });

  it('reads CloudWatch Logs from an encrypted Kinesis stream (bisect, partial failures) and archives it with Firehose', () => {
    synth.template.hasResourceProperties('AWS::Kinesis::Stream', {
      StreamEncryption: { EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' },
    });
    synth.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: logicalId(synth.stack.streamIngest.processor.fn) },
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: {
        OnFailure: {
          Destination: { 'Fn::GetAtt': [logicalId(synth.stack.streamIngest.deadLetterQueue), 'Arn'] },
        },
      },
    });
    synth.template.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
      DeliveryStreamType: 'KinesisStreamAsSource',
      ExtendedS3DestinationConfiguration: Match.objectLike({
        Prefix: 'raw/cloudwatch-logs/!{timestamp:yyyy/MM/dd}/',
      }),
    });
  });

  it('stores in an on-demand, TTL, point-in-time-recoverable, encrypted table with the adapter’s keys', () => {
    const table = resources[logicalId(synth.stack.table.table)];
    assert.equal(table.DeletionPolicy, 'Retain');
    assert.equal(table.Properties.BillingMode, 'PAY_PER_REQUEST');
    assert.deepEqual(table.Properties.KeySchema, [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    assert.deepEqual(table.Properties.TimeToLiveSpecification, { AttributeName: 'expiresAt', Enabled: true });
    assert.deepEqual(table.Properties.Replicas[0].PointInTimeRecoverySpecification, {
      PointInTimeRecoveryEnabled: true,
    });
    assert.equal(table.Properties.SSESpecification.SSEEnabled, true);
  });

  it('catalogs processed/dt=YYYY-MM-DD/ for Athena with partition projection', () => {
    const [[, table]] = ofType('AWS::Glue::Table');
    const input = table.Properties.TableInput;
    assert.equal(input.Parameters['projection.enabled'], 'true');
    assert.equal(input.Parameters['projection.dt.format'], 'yyyy-MM-dd');
    const placeholder = ['$', '{dt}'].join(''); // Athena's projection placeholder, not a JS template
    assert.deepEqual(input.Parameters['storage.location.template']['Fn::Join'][1].slice(-1), [
      `/processed/dt=${placeholder}/`,
    ]);
    assert.equal(
      input.StorageDescriptor.SerdeInfo.SerializationLibrary,
      'org.openx.data.jsonserde.JsonSerDe',
    );
    const columns = input.StorageDescriptor.Columns.map((c: { Name: string }) => c.Name);
    for (const c of ['id', 'time', 'action', 'principal', 'riskscore', 'anomalyflags'])
      assert.ok(columns.includes(c), c);
    synth.template.hasResourceProperties('AWS::Athena::WorkGroup', {
      WorkGroupConfiguration: Match.objectLike({
        EnforceWorkGroupConfiguration: true,
        ResultConfiguration: Match.objectLike({ EncryptionConfiguration: { EncryptionOption: 'SSE_S3' } }),
      }),
    });
  });

  it('alerts through a KMS-encrypted topic, with the Slack webhook in Secrets Manager', () => {
    synth.template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [logicalId(synth.stack.alerting.key), 'Arn'] },
    });
    synth.template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    synth.template.resourceCountIs('AWS::SecretsManager::Secret', 1);
    synth.template.resourceCountIs('AWS::SES::EmailIdentity', 0); // no sesIdentity in cdk.json
  });

  it('runs the report daily at 06:00 UTC with the seed’s orchestration input, into the state machine', () => {
    const [[, rule]] = ofType('AWS::Events::Rule');
    assert.equal(rule.Properties.ScheduleExpression, 'cron(0 6 * * ? *)');
    const [target] = rule.Properties.Targets;
    assert.deepEqual(target.Arn, { Ref: logicalId(synth.stack.workflow.stateMachine) });
    assert.deepEqual(JSON.parse(target.Input), {
      analysisType: 'daily',
      includeAI: true,
      notificationLevel: 'high_risk_only',
    });
  });

  it('never hands the orchestration input to the S3 processor (bug 9)', () => {
    const machine = resources[logicalId(synth.stack.workflow.stateMachine)];
    const referenced = JSON.stringify(machine.Properties.DefinitionString);
    for (const fn of [
      synth.stack.workflow.report,
      synth.stack.workflow.insights,
      synth.stack.workflow.notify,
    ]) {
      assert.ok(referenced.includes(logicalId(fn.fn)), `${fn.handlerName} is a task`);
    }
    assert.ok(!referenced.includes(logicalId(synth.stack.objectIngest.processor.fn)));
    assert.ok(!referenced.includes(logicalId(synth.stack.streamIngest.processor.fn)));
  });

  it('grants Bedrock InvokeModel for the configured model only, to the insights function only', () => {
    const bedrock = policyStatements(synth.template).filter(({ statement }) =>
      asList(statement.Action as string[]).some((a) => a.startsWith('bedrock:')),
    );
    assert.equal(bedrock.length, 1);
    const insightsPolicy = logicalId(
      synth.stack.workflow.insights.role.node.findChild('DefaultPolicy') as never,
    );
    assert.equal(bedrock[0].policy, insightsPolicy);
    assert.deepEqual(bedrock[0].statement.Action, 'bedrock:InvokeModel');
    assert.deepEqual(bedrock[0].statement.Resource, {
      'Fn::Join': [
        '',
        ['arn:', { Ref: 'AWS::Partition' }, `:bedrock:${REGION}::foundation-model/amazon.nova-lite-v1:0`],
      ],
    });
  });

  it('uses no wildcard actions, "*" resources only for X-Ray and log delivery, and never Scan', () => {
    const allowedOnStar =
      /^(xray:|logs:(CreateLogDelivery|GetLogDelivery|UpdateLogDelivery|DeleteLogDelivery|ListLogDeliveries|PutResourcePolicy|DescribeResourcePolicies|DescribeLogGroups)$|s3:PutBucketNotification$)/;
    for (const { policy, statement } of policyStatements(synth.template)) {
      const actions = asList(statement.Action as string | string[]);
      for (const action of actions) {
        assert.ok(!action.includes('*'), `${policy} has wildcard action ${action}`);
        assert.notEqual(action, 'dynamodb:Scan', `${policy} may Scan (bug 7)`);
      }
      if (asList(statement.Resource as unknown).includes('*')) {
        for (const action of actions) assert.match(action, allowedOnStar, `${policy}: ${action} on "*"`);
      }
    }
  });

  it('alarms on every function’s errors, both dead-letter queues and failed reports, into the topic', () => {
    const alarms = ofType('AWS::CloudWatch::Alarm');
    assert.equal(alarms.length, 5 + 2 + 1);
    const topic = { Ref: logicalId(synth.stack.alerting.topic) };
    for (const [id, alarm] of alarms) assert.deepEqual(alarm.Properties.AlarmActions, [topic], id);
    const dlqAlarms = alarms.filter(
      ([, a]) => a.Properties.MetricName === 'ApproximateNumberOfMessagesVisible',
    );
    assert.deepEqual(
      dlqAlarms.map(([, a]) => a.Properties.Dimensions[0].Value['Fn::GetAtt'][0]).sort(),
      [
        logicalId(synth.stack.objectIngest.deadLetterQueue),
        logicalId(synth.stack.streamIngest.deadLetterQueue),
      ].sort(),
    );
  });

  it('outputs what the seed’s stack outputs, and where to query', () => {
    const outputs = Object.keys(synth.template.toJSON().Outputs);
    for (const name of [
      'LogBucketName',
      'ProcessedBucketName',
      'TableName',
      'AlertTopicArn',
      'StateMachineArn',
      'AthenaWorkGroup',
      'DashboardUrl',
    ]) {
      assert.ok(outputs.includes(name), name);
    }
  });

  it('passes cdk-nag AwsSolutions with every exception acknowledged with a reason', () => {
    assert.deepEqual(nagViolations(synth.stack), []);
  });
});
