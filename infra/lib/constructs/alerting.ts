import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { EmailIdentity, Identity } from 'aws-cdk-lib/aws-ses';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { acknowledge } from '../nag.ts';

export interface AlertingProps {
  alertEmail?: string;
  sesIdentity?: string;
}

/**
 * Where alerts go: an SNS topic encrypted with a customer-managed key (CloudWatch alarms cannot
 * publish to a topic under the AWS-managed SNS key), an optional SES sender identity, and the Slack
 * incoming-webhook URL in Secrets Manager.
 */
export class Alerting extends Construct {
  readonly key: Key;
  readonly topic: Topic;
  readonly slackWebhook: Secret;
  readonly sesIdentity?: EmailIdentity;
  /** The SES identity's ARN, for a `ses:SendEmail` grant scoped to it. */
  readonly sesIdentityArn?: string;

  constructor(scope: Construct, id: string, props: AlertingProps) {
    super(scope, id);
    const stack = Stack.of(this);

    this.key = new Key(this, 'Key', {
      description: 'logwarden alert topic encryption',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
      pendingWindow: Duration.days(30),
    });
    // Alarms publish through the CloudWatch service principal, which must be able to use the key.
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToPublish',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'], // in a key policy "*" means this key
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    );

    this.topic = new Topic(this, 'Topic', {
      displayName: 'logwarden alerts',
      masterKey: this.key,
      enforceSSL: true,
    });
    if (props.alertEmail) this.topic.addSubscription(new EmailSubscription(props.alertEmail));

    if (props.sesIdentity) {
      const identity = props.sesIdentity.includes('@')
        ? Identity.email(props.sesIdentity)
        : Identity.domain(props.sesIdentity);
      this.sesIdentity = new EmailIdentity(this, 'SesIdentity', { identity });
      this.sesIdentityArn = stack.formatArn({
        service: 'ses',
        resource: 'identity',
        resourceName: this.sesIdentity.emailIdentityName,
      });
    }

    this.slackWebhook = new Secret(this, 'SlackWebhook', {
      description:
        'Slack incoming-webhook URL for logwarden notifications; replace the generated placeholder with the https://hooks.slack.com/... URL',
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(this.slackWebhook, {
      id: 'AwsSolutions-SMG4',
      reason:
        'A Slack incoming-webhook URL is issued by Slack and cannot be rotated by a Lambda; it is replaced by hand when revoked.',
    });
  }
}
