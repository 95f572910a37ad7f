/**
 * The stack under other CDK context settings (bundling skipped: these tests look at resources, not
 * code): a new trail with OpenSearch, SES and subscribed log groups; an existing bucket of an
 * organization; and settings that must be refused.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readSettings } from '../../../infra/lib/settings.ts';
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
type Resource = { Type: string; Properties: Record<string, Json>; DependsOn?: string[] };

function resourcesOf(synth: Synthesized): Record<string, Resource> {
  return synth.template.toJSON().Resources;
}

describe('stack with a new trail, OpenSearch, SES, subscriptions and an inference profile', () => {
  let synth: Synthesized;
  let resources: Record<string, Resource>;
  const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
  const logicalId = (c: { node: { defaultChild?: unknown } }) =>
    synth.stack.getLogicalId(c.node.defaultChild as never);

  before(() => {
    // Values as `-c key=value` passes them: strings.
    synth = synthStack(
      {
        createTrail: 'true',
        opensearch: 'true',
        sesIdentity: 'alerts@example.com',
        alertEmail: 'secops@example.com',
        logGroups: 'app-logs,/aws/lambda/payments',
        modelId: 'us.anthropic.claude-3-5-haiku-20241022-v1:0',
        schedule: 'cron(30 7 ? * MON *)',
        analysisType: 'weekly',
        includeAI: 'false',
        notificationLevel: 'critical_only',
        retentionDays: '30',
      },
      { bundle: false },
    );
    resources = resourcesOf(synth);
  });
  after(() => synth?.dispose());

  it('creates a multi-region, validated trail after the bucket policy that lets it write', () => {
    const [[, trail]] = ofType('AWS::CloudTrail::Trail');
    assert.equal(trail.Properties.IsMultiRegionTrail, true);
    assert.equal(trail.Properties.EnableLogFileValidation, true);
    assert.equal(trail.Properties.IsLogging, true);
    const bucketId = synth.stack.getLogicalId(synth.stack.storage.logBucket.node.defaultChild as never);
    assert.deepEqual(trail.Properties.S3BucketName, { Ref: bucketId });
    const [[policyId]] = ofType('AWS::S3::BucketPolicy').filter(
      ([, p]) => p.Properties.Bucket.Ref === bucketId,
    );
    assert.ok(trail.DependsOn?.includes(policyId), 'trail waits for the bucket policy');
  });

  it('adds an OpenSearch Serverless collection the processors can write to', () => {
    const [[collectionId, collection]] = ofType('AWS::OpenSearchServerless::Collection');
    assert.equal(collection.Properties.Type, 'SEARCH');
    const policies = ofType('AWS::OpenSearchServerless::SecurityPolicy')
      .map(([, p]) => p.Properties.Type)
      .sort();
    assert.deepEqual(policies, ['encryption', 'network']);
    const [[, access]] = ofType('AWS::OpenSearchServerless::AccessPolicy');
    const accessText = JSON.stringify(access.Properties.Policy);
    for (const fn of [synth.stack.objectIngest.processor, synth.stack.streamIngest.processor]) {
      assert.ok(
        accessText.includes(synth.stack.getLogicalId(fn.role.node.defaultChild as never)),
        fn.handlerName,
      );
      const env = resources[logicalId(fn.fn)].Properties.Environment.Variables;
      assert.deepEqual(env.OPENSEARCH_ENDPOINT, { 'Fn::GetAtt': [collectionId, 'CollectionEndpoint'] });
    }
    const aoss = policyStatements(synth.template).filter(
      ({ statement }) => statement.Action === 'aoss:APIAccessAll',
    );
    assert.equal(aoss.length, 2);
    for (const { statement } of aoss)
      assert.deepEqual(statement.Resource, { 'Fn::GetAtt': [collectionId, 'Arn'] });
  });

  it('sends e-mail from the SES identity, scoped to it, and subscribes the alert address', () => {
    synth.template.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'alerts@example.com' });
    synth.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'secops@example.com',
    });
    const ses = policyStatements(synth.template).filter(
      ({ statement }) => statement.Action === 'ses:SendEmail',
    );
    assert.equal(ses.length, 1);
    assert.match(JSON.stringify(ses[0].statement.Resource), /identity\//);
    const env = resources[logicalId(synth.stack.workflow.notify.fn)].Properties.Environment.Variables;
    assert.equal(env.SES_FROM_ADDRESS, 'alerts@example.com');
    assert.equal(env.REPORT_EMAIL_TO, 'secops@example.com');
  });

  it('subscribes each named log group to the Kinesis stream', () => {
    const filters = ofType('AWS::Logs::SubscriptionFilter');
    assert.deepEqual(filters.map(([, f]) => f.Properties.LogGroupName).sort(), [
      '/aws/lambda/payments',
      'app-logs',
    ]);
    const streamId = logicalId(synth.stack.streamIngest.stream);
    for (const [, f] of filters)
      assert.deepEqual(f.Properties.DestinationArn, { 'Fn::GetAtt': [streamId, 'Arn'] });
  });

  it('scopes Bedrock to the inference profile and its one underlying model', () => {
    const [bedrock] = policyStatements(synth.template).filter(
      ({ statement }) => statement.Action === 'bedrock:InvokeModel',
    );
    const resourcesText = JSON.stringify(bedrock.statement.Resource);
    assert.match(
      resourcesText,
      new RegExp(`:bedrock:${REGION}:${ACCOUNT}:inference-profile/us\\.anthropic\\.claude-3-5-haiku`),
    );
    assert.match(resourcesText, /:bedrock:\*::foundation-model\/anthropic\.claude-3-5-haiku-20241022-v1:0/);
    assert.equal(asList(bedrock.statement.Resource).length, 2);
  });

  it('schedules the configured report and keeps processed events for retentionDays', () => {
    const [[, rule]] = ofType('AWS::Events::Rule');
    assert.equal(rule.Properties.ScheduleExpression, 'cron(30 7 ? * MON *)');
    assert.deepEqual(JSON.parse(rule.Properties.Targets[0].Input), {
      analysisType: 'weekly',
      includeAI: false,
      notificationLevel: 'critical_only',
    });
    const data = resources[logicalId(synth.stack.storage.dataBucket)];
    const processed = data.Properties.LifecycleConfiguration.Rules.find(
      (r: { Prefix?: string }) => r.Prefix === 'processed/',
    );
    assert.equal(processed.ExpirationInDays, 30);
    const env = resources[logicalId(synth.stack.objectIngest.processor.fn)].Properties.Environment.Variables;
    assert.equal(env.RETENTION_DAYS, '30');
  });

  it('passes cdk-nag AwsSolutions', () => {
    assert.deepEqual(nagViolations(synth.stack), []);
  });
});

describe('stack on an existing organization bucket', () => {
  let synth: Synthesized;
  let resources: Record<string, Resource>;
  const prefixes = ['AWSLogs/111111111111/CloudTrail/', 'AWSLogs/o-abc123def4/222222222222/CloudTrail/'];

  before(() => {
    synth = synthStack(
      { existingBucket: 'acme-org-cloudtrail', trailPrefixes: prefixes.join(',') },
      { bundle: false },
    );
    resources = resourcesOf(synth);
  });
  after(() => synth?.dispose());

  it('creates no log bucket and no trail, and configures notifications on the existing bucket per prefix', () => {
    const buckets = Object.values(resources).filter((r) => r.Type === 'AWS::S3::Bucket');
    assert.equal(buckets.length, 2, 'access-log and data buckets only');
    assert.equal(Object.values(resources).filter((r) => r.Type === 'AWS::CloudTrail::Trail').length, 0);
    const [notifications] = Object.values(resources).filter(
      (r) => r.Type === 'Custom::S3BucketNotifications',
    );
    assert.equal(notifications.Properties.BucketName, 'acme-org-cloudtrail');
    assert.equal(notifications.Properties.Managed, false, 'existing notifications of the bucket are kept');
    const configured = notifications.Properties.NotificationConfiguration.QueueConfigurations.map(
      (c: { Filter: { Key: { FilterRules: { Name: string; Value: string }[] } } }) =>
        Object.fromEntries(c.Filter.Key.FilterRules.map((r) => [r.Name, r.Value])),
    );
    assert.deepEqual(
      configured,
      prefixes.map((prefix) => ({ prefix, suffix: '.json.gz' })),
    );
  });

  it('reads only those prefixes of the existing bucket', () => {
    const reads = policyStatements(synth.template).filter(
      ({ statement }) => statement.Action === 's3:GetObject',
    );
    const text = JSON.stringify(reads.map((r) => r.statement.Resource));
    for (const prefix of prefixes) assert.ok(text.includes(`:s3:::acme-org-cloudtrail/${prefix}*`), prefix);
  });

  it('passes cdk-nag AwsSolutions', () => {
    assert.deepEqual(nagViolations(synth.stack), []);
  });
});

describe('stack whose new bucket receives other accounts’ trails', () => {
  it('admits each listed account’s own trail, and leaves organization trails to the user', () => {
    const synth = synthStack(
      { trailPrefixes: 'AWSLogs/111111111111/CloudTrail/,AWSLogs/o-abc123def4/222222222222/CloudTrail/' },
      { bundle: false },
    );
    try {
      const bucketId = synth.stack.getLogicalId(synth.stack.storage.logBucket.node.defaultChild as never);
      const policy = Object.values(resourcesOf(synth)).find(
        (r) => r.Type === 'AWS::S3::BucketPolicy' && r.Properties.Bucket.Ref === bucketId,
      )!;
      const write = policy.Properties.PolicyDocument.Statement.find(
        (x: { Sid?: string }) => x.Sid === 'CloudTrailWrite',
      );
      assert.equal(write.Condition.StringEquals['aws:SourceAccount'], '111111111111');
      assert.deepEqual(write.Resource['Fn::Join'][1].slice(-1), ['/AWSLogs/111111111111/*']);
      const [notifications] = Object.values(resourcesOf(synth)).filter(
        (r) => r.Type === 'Custom::S3BucketNotifications',
      );
      assert.equal(notifications.Properties.NotificationConfiguration.QueueConfigurations.length, 2);
    } finally {
      synth.dispose();
    }
  });
});

describe('deployment settings', () => {
  const settings = (ctx: Record<string, unknown>) => readSettings((k) => ctx[k]);

  it('applies the defaults of the seed', () => {
    const s = settings({});
    assert.equal(s.schedule, 'cron(0 6 * * ? *)');
    assert.equal(s.createTrail, false);
    assert.equal(s.opensearch, false);
    assert.equal(s.modelId, 'amazon.nova-lite-v1:0');
  });

  it('refuses contradictory or malformed settings, naming each key', () => {
    assert.throws(
      () => settings({ createTrail: true, existingBucket: 'acme-logs' }),
      /createTrail: createTrail and existingBucket exclude each other/,
    );
    assert.throws(() => settings({ schedule: '0 6 * * *' }), /schedule: must be an EventBridge expression/);
    assert.throws(() => settings({ logRetentionDays: '17' }), /logRetentionDays: must be one of 1, 3, 5/);
    assert.throws(
      () => settings({ alertEmail: 'not-an-address', retentionDays: '-1' }),
      (err: Error) => {
        assert.match(err.message, /alertEmail/);
        assert.match(err.message, /retentionDays/);
        return true;
      },
    );
  });

  it('refuses the seed’s bare AWSLogs/ prefix, which also matches digest files (bug 10)', () => {
    assert.throws(
      () => settings({ trailPrefixes: 'AWSLogs/' }),
      /trailPrefixes\.0: must look like AWSLogs\/<account>\/CloudTrail\//,
    );
    assert.deepEqual(settings({ trailPrefixes: '["AWSLogs/123456789012/CloudTrail/"]' }).trailPrefixes, [
      'AWSLogs/123456789012/CloudTrail/',
    ]);
  });

  it('validates the functions’ logwarden configuration at synth time', () => {
    assert.throws(
      () => synthStack({ logwardenConfig: '{"highRiskTreshold": 6}' }, { bundle: false }),
      /logwardenConfig is invalid[\s\S]*highRiskTreshold: unknown key/,
    );
  });
});
