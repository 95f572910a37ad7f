import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pantherCases, pantherEvent, STRATUS_DIR } from '../../../bench/detection/figures-lib.ts';
import { RuleEngine } from '../../../src/core/detect/engine.ts';
import { BUILTIN_RULES } from '../../../src/core/detect/rules/index.ts';
import type { ProcessedEvent } from '../../../src/core/event.ts';

const engine = new RuleEngine(BUILTIN_RULES, { knownAccounts: ['111122223333'] });

type Raw = Record<string, unknown>;

/** The first record of a Stratus technique file with this eventName. */
function stratusRecord(technique: string, eventName: string): Raw {
  const doc = JSON.parse(readFileSync(join(STRATUS_DIR, `${technique}.json`), 'utf8'));
  const records = (Array.isArray(doc) ? doc : doc.Records) as Raw[];
  const found = records.find((r) => r.eventName === eventName);
  assert.ok(found, `${technique} has a ${eventName} record`);
  return found;
}

/** The log of a Panther test case, by rule and test name. */
function pantherRecord(ruleId: string, testName: string): Raw {
  const c = pantherCases().find((x) => x.rule_id === ruleId && x.test_name === testName);
  assert.ok(c, `panther case ${ruleId} / ${testName}`);
  return c.log;
}

function toEvent(record: Raw): ProcessedEvent {
  const event = pantherEvent(record, 0);
  assert.ok(event, 'the record normalizes');
  return event;
}

const fires = (record: Raw) => new Set(engine.firingRules(toEvent(record)));

/** A copy of a record with some fields changed (dotted paths; undefined deletes). */
function mutate(record: Raw, changes: Record<string, unknown>): Raw {
  const copy = structuredClone(record);
  for (const [path, value] of Object.entries(changes)) {
    const keys = path.split('.');
    let cur = copy as Raw;
    for (const k of keys.slice(0, -1)) {
      if (typeof cur[k] !== 'object' || cur[k] === null) cur[k] = {};
      cur = cur[k] as Raw;
    }
    if (value === undefined) delete cur[keys[keys.length - 1]];
    else cur[keys[keys.length - 1]] = value;
  }
  return copy;
}

interface Pair {
  area: string;
  rule: string;
  positive: Raw;
  negative: Raw;
}

const S = stratusRecord;
const P = pantherRecord;
const denied = { errorCode: 'AccessDenied', errorMessage: 'not authorized' };

const pairs: Pair[] = [
  // CloudTrail, Config, GuardDuty, logging
  {
    area: 'cloudtrail',
    rule: 'cloudtrail.logging-stopped',
    positive: S('aws.defense-evasion.cloudtrail-stop', 'StopLogging'),
    negative: mutate(S('aws.defense-evasion.cloudtrail-stop', 'StopLogging'), denied),
  },
  {
    area: 'cloudtrail',
    rule: 'cloudtrail.trail-deleted',
    positive: S('aws.defense-evasion.cloudtrail-delete', 'DeleteTrail'),
    negative: mutate(S('aws.defense-evasion.cloudtrail-delete', 'DeleteTrail'), {
      errorCode: 'TrailNotFoundException',
    }),
  },
  {
    area: 'cloudtrail',
    rule: 'cloudtrail.event-selectors-exclude-management',
    positive: S('aws.defense-evasion.cloudtrail-event-selectors', 'PutEventSelectors'),
    negative: mutate(S('aws.defense-evasion.cloudtrail-event-selectors', 'PutEventSelectors'), {
      'requestParameters.eventSelectors': [
        {
          includeManagementEvents: true,
          readWriteType: 'All',
          dataResources: [],
          excludeManagementEventSources: [],
        },
      ],
    }),
  },
  {
    area: 'logging',
    rule: 'vpc.flow-logs-deleted',
    positive: S('aws.defense-evasion.vpc-remove-flow-logs', 'DeleteFlowLogs'),
    negative: mutate(S('aws.defense-evasion.vpc-remove-flow-logs', 'DeleteFlowLogs'), {
      errorCode: 'Client.InvalidFlowLogId.NotFound',
    }),
  },
  {
    area: 'logging',
    rule: 'route53resolver.query-logging-deleted',
    positive: S('aws.defense-evasion.dns-delete-logs', 'DeleteResolverQueryLogConfig'),
    negative: mutate(S('aws.defense-evasion.dns-delete-logs', 'DeleteResolverQueryLogConfig'), {
      eventName: 'ListResolverQueryLogConfigs',
    }),
  },
  {
    area: 'config',
    rule: 'config.recording-disabled',
    positive: P('AWS.ConfigService.DisabledDeleted', 'Config Recorder Deleted'),
    negative: P('AWS.ConfigService.DisabledDeleted', 'Error Deleting Config Recorder'),
  },
  {
    area: 'guardduty',
    rule: 'guardduty.trusted-ip-list-changed',
    positive: P('AWS.IPSet.Modified', 'CreateIPSet Event'),
    negative: P('AWS.IPSet.Modified', 'NotIPSet'),
  },
  // IAM
  {
    area: 'iam',
    rule: 'iam.access-key-created-for-other-user',
    positive: S('aws.persistence.iam-backdoor-user', 'CreateAccessKey'),
    negative: P('AWS.IAM.Backdoor.User.Keys', 'user1 create keys for user1'),
  },
  {
    area: 'iam',
    rule: 'iam.admin-policy-attached',
    positive: S('aws.persistence.iam-create-admin-user', 'AttachUserPolicy'),
    negative: P('AWS.IAM.AttachAdminUserPolicy', 'IAM User Policy Attached without Administrator Access'),
  },
  {
    area: 'iam',
    rule: 'iam.role-trusts-external-account',
    positive: S('aws.persistence.iam-backdoor-role', 'UpdateAssumeRolePolicy'),
    negative: P('AWS.IAM.BackdoorRole', 'IAM Role Policy Updated Without Internet Access'),
  },
  {
    area: 'iam',
    rule: 'iam.login-profile-created-for-other-user',
    positive: S('aws.persistence.iam-create-user-login-profile', 'CreateLoginProfile'),
    negative: mutate(S('aws.persistence.iam-create-user-login-profile', 'CreateLoginProfile'), {
      'requestParameters.userName': 'christophe',
    }),
  },
  {
    area: 'iam',
    rule: 'iam.login-profile-changed-for-other-user',
    positive: P('AWS.CloudTrail.LoginProfileCreatedOrModified', 'User changed password for other'),
    negative: P('AWS.CloudTrail.LoginProfileCreatedOrModified', 'ChangeOwnPassword'),
  },
  {
    area: 'iam',
    rule: 'rolesanywhere.trust-anchor-created',
    positive: S('aws.persistence.rolesanywhere-create-trust-anchor', 'CreateTrustAnchor'),
    negative: mutate(S('aws.persistence.rolesanywhere-create-trust-anchor', 'CreateTrustAnchor'), denied),
  },
  // STS and sign-in
  {
    area: 'sts',
    rule: 'sts.federation-token-issued',
    positive: S('aws.persistence.sts-federation-token', 'GetFederationToken'),
    negative: mutate(S('aws.persistence.sts-federation-token', 'GetFederationToken'), {
      'userIdentity.type': 'AssumedRole',
    }),
  },
  {
    area: 'sts',
    rule: 'sts.trufflehog-key-verification',
    positive: P('AWS.STS.GetCallerIdentity.TruffleHog', 'TruffleHog GetCallerIdentity'),
    negative: P('AWS.STS.GetCallerIdentity.TruffleHog', 'Normal GetCallerIdentity'),
  },
  {
    area: 'sts',
    rule: 'sts.instance-credentials-used-outside',
    positive: S('aws.credential-access.ec2-steal-instance-credentials', 'DescribeInstances'),
    negative: mutate(S('aws.credential-access.ec2-steal-instance-credentials', 'DescribeInstances'), {
      sourceIPAddress: '10.0.1.5',
    }),
  },
  {
    area: 'signin',
    rule: 'signin.console-login-without-mfa',
    positive: S('aws.initial-access.console-login-without-mfa', 'ConsoleLogin'),
    negative: mutate(S('aws.initial-access.console-login-without-mfa', 'ConsoleLogin'), {
      'additionalEventData.MFAUsed': 'Yes',
    }),
  },
  {
    area: 'signin',
    rule: 'signin.root-password-changed',
    positive: P('AWS.CloudTrail.RootPasswordChanged', 'Root Password Changed'),
    negative: P('AWS.CloudTrail.RootPasswordChanged', 'Root Password Change Failed'),
  },
  {
    area: 'root',
    rule: 'root.account-change',
    positive: P('AWS.Root.Activity', 'Root Activity'),
    negative: P('AWS.Root.Activity', 'Root Read-Only Enumeration'),
  },
  // EC2, EBS, AMI, network
  {
    area: 'ec2',
    rule: 'ec2.snapshot-shared-with-external-account',
    positive: S('aws.exfiltration.ec2-share-ebs-snapshot', 'ModifySnapshotAttribute'),
    negative: mutate(S('aws.exfiltration.ec2-share-ebs-snapshot', 'ModifySnapshotAttribute'), {
      'requestParameters.createVolumePermission.add.items': [{ userId: '111122223333' }],
    }),
  },
  {
    area: 'ec2',
    rule: 'ec2.ami-shared-with-external-account',
    positive: S('aws.exfiltration.ec2-share-ami', 'ModifyImageAttribute'),
    negative: mutate(S('aws.exfiltration.ec2-share-ami', 'ModifyImageAttribute'), {
      'requestParameters.launchPermission': { remove: { items: [{ userId: '846424999548' }] } },
    }),
  },
  {
    area: 'ec2',
    rule: 'ec2.snapshot-made-public',
    positive: P('AWS.CloudTrail.SnapshotMadePublic', 'Snapshot Made Publicly Accessible'),
    negative: P('AWS.CloudTrail.SnapshotMadePublic', 'Snapshot Not Made Publicly Accessible'),
  },
  {
    area: 'ec2',
    rule: 'ec2.security-group-open-to-internet',
    positive: S('aws.exfiltration.ec2-security-group-open-port-22-ingress', 'AuthorizeSecurityGroupIngress'),
    negative: mutate(
      S('aws.exfiltration.ec2-security-group-open-port-22-ingress', 'AuthorizeSecurityGroupIngress'),
      { 'requestParameters.cidrIp': '10.0.0.0/16' },
    ),
  },
  {
    area: 'ec2',
    rule: 'ec2.user-data-changed',
    positive: S('aws.execution.ec2-user-data', 'ModifyInstanceAttribute'),
    negative: P('AWS.EC2.Startup.Script.Change', 'ModifyInstanceAttribute-NoUserData'),
  },
  {
    area: 'ec2',
    rule: 'ec2.unusual-instance-type-launched',
    positive: S('aws.execution.ec2-launch-unusual-instances', 'RunInstances'),
    negative: mutate(S('aws.execution.ec2-launch-unusual-instances', 'RunInstances'), {
      'requestParameters.instanceType': 't3.micro',
    }),
  },
  {
    area: 'ec2',
    rule: 'ec2.network-acl-allows-internet',
    positive: P('AWS.CloudTrail.NetworkACLPermissiveEntry', 'Overly Permissive Entry Added'),
    negative: P('AWS.CloudTrail.NetworkACLPermissiveEntry', 'Not Overly Permissive Entry Added'),
  },
  // S3
  {
    area: 's3',
    rule: 's3.bucket-policy-public',
    positive: P('AWS.CloudTrail.ResourceMadePublic', 'S3 Made Publicly Accessible'),
    negative: P('AWS.CloudTrail.ResourceMadePublic', 'S3 Not Made Publicly Accessible'),
  },
  {
    area: 's3',
    rule: 's3.versioning-suspended',
    positive: P('AWS.S3.SuspendVersioning', 'Versioning Disabled Successfully'),
    negative: P('AWS.S3.SuspendVersioning', 'Versioning Enabled'),
  },
  {
    area: 's3',
    rule: 's3.access-logging-disabled',
    positive: P('AWS.S3.DisableBucketLogging', 'Bucket Logging Disabled Successfully'),
    negative: P('AWS.S3.DisableBucketLogging', 'Bucket Logging Enabled'),
  },
  {
    area: 's3',
    rule: 's3.object-encrypted-with-external-kms-key',
    positive: P('AWS.S3.CopyObject.CrossAccount.Encryption.KMS', 'In-Place Copy with KMS Key Change'),
    negative: P('AWS.S3.CopyObject.CrossAccount.Encryption.KMS', 'Copy with Same Account Owner'),
  },
  {
    area: 's3',
    rule: 's3.ransom-note-uploaded',
    positive: P('AWS.S3.RansomwareNoteUpload', 'Ransomware Note - HOW_TO_DECRYPT_FILES.txt'),
    negative: P('AWS.S3.RansomwareNoteUpload', 'Normal File Upload - quarterly_report.pdf'),
  },
  // KMS
  {
    area: 'kms',
    rule: 'kms.key-disabled-or-scheduled-for-deletion',
    positive: P('AWS.KMS.CustomerManagedKeyLoss', 'KMS Key Scheduled For Deletion'),
    negative: P('AWS.KMS.CustomerManagedKeyLoss', 'KMS Key Non Deletion Event'),
  },
  {
    area: 'kms',
    rule: 'resource-policy.made-public',
    positive: P('AWS.CloudTrail.ResourceMadePublic', 'Wildcard Principal No Conditions (Should Alert)'),
    negative: P('AWS.CloudTrail.ResourceMadePublic', 'KMS Key Restricted Access (Should Not Alert)'),
  },
  // Lambda
  {
    area: 'lambda',
    rule: 'lambda.permission-added',
    positive: S('aws.persistence.lambda-backdoor-function', 'AddPermission20150331v2'),
    negative: P('AWS.Potential.Backdoor.Lambda', 'Lambda Remove Permission Event'),
  },
  {
    area: 'lambda',
    rule: 'lambda.code-updated-by-person',
    positive: S('aws.persistence.lambda-overwrite-code', 'UpdateFunctionCode20150331v2'),
    negative: P('AWS.Lambda.UpdateFunctionCode', 'AssumedRole Updates Lambda Code (Normal CI/CD)'),
  },
  {
    area: 'lambda',
    rule: 'lambda.layer-added-by-person',
    positive: S('aws.persistence.lambda-layer-extension', 'UpdateFunctionConfiguration20150331v2'),
    negative: P(
      'AWS.Lambda.UpdateFunctionConfiguration',
      'Lambda Update Function Configuration without Layers',
    ),
  },
  // SSM, Secrets Manager
  {
    area: 'ssm',
    rule: 'ssm.command-sent-to-instances',
    positive: S('aws.execution.ssm-send-command', 'SendCommand'),
    negative: mutate(S('aws.execution.ssm-send-command', 'SendCommand'), denied),
  },
  {
    area: 'ssm',
    rule: 'ssm.session-started',
    positive: S('aws.execution.ssm-start-session', 'StartSession'),
    negative: S('aws.execution.ssm-start-session', 'TerminateSession'),
  },
  {
    area: 'secretsmanager',
    rule: 'secretsmanager.batch-retrieval-catch-all',
    positive: P('AWS.SecretsManager.BatchRetrieveSecretsCatchAll', 'BatchGetSecretValue Catch-All'),
    negative: P(
      'AWS.SecretsManager.BatchRetrieveSecretsCatchAll',
      'BatchGetSecretValue Catch-All with other filters',
    ),
  },
  // RDS
  {
    area: 'rds',
    rule: 'rds.snapshot-shared',
    positive: S('aws.exfiltration.rds-share-snapshot', 'ModifyDBSnapshotAttribute'),
    negative: P('AWS.RDS.SnapshotShared', 'Snapshot shared with no accounts'),
  },
  {
    area: 'rds',
    rule: 'rds.instance-made-public',
    positive: P('AWS.RDS.InstanceMadePublic', 'RDS Instance Made Public'),
    negative: P('AWS.RDS.InstanceMadePublic', 'RDS Instance Made Private - No Alert'),
  },
  {
    area: 'rds',
    rule: 'rds.deletion-protection-disabled',
    positive: P(
      'AWS.RDS.DeletionProtectionDisabled',
      'RDS Cluster Deletion Protection Disabled with Backup Changes - Critical',
    ),
    negative: P('AWS.RDS.DeletionProtectionDisabled', 'RDS Deletion Protection Enabled - No Alert'),
  },
  // Organizations, Bedrock
  {
    area: 'organizations',
    rule: 'organizations.leave-organization',
    positive: S('aws.defense-evasion.organizations-leave', 'LeaveOrganization'),
    negative: mutate(S('aws.defense-evasion.organizations-leave', 'LeaveOrganization'), {
      eventName: 'DescribeOrganization',
    }),
  },
  {
    area: 'bedrock',
    rule: 'bedrock.model-access-enabled',
    positive: S('aws.impact.bedrock-invoke-model', 'PutUseCaseForModelAccess'),
    negative: S('aws.impact.bedrock-invoke-model', 'GetFoundationModelAvailability'),
  },
  {
    area: 'bedrock',
    rule: 'bedrock.guardrail-deleted',
    positive: P('AWS.Bedrock.GuardrailUpdateDelete', 'Guardrail Deleted'),
    negative: P('AWS.Bedrock.GuardrailUpdateDelete', 'List Guardrails'),
  },
];

describe('built-in rules: compliant / non-compliant pairs on real events', () => {
  for (const pair of pairs) {
    it(`${pair.area}: ${pair.rule} fires on the attack event and not on its benign twin`, () => {
      assert.ok(
        BUILTIN_RULES.some((r) => r.id === pair.rule),
        `rule ${pair.rule} exists`,
      );
      assert.ok(fires(pair.positive).has(pair.rule), `${pair.rule} should fire`);
      assert.ok(!fires(pair.negative).has(pair.rule), `${pair.rule} should not fire`);
    });
  }

  it('every rule has an id, title, description, severity, MITRE reference and a scope', () => {
    for (const r of BUILTIN_RULES) {
      assert.match(r.id, /^[a-z0-9-]+\.[a-z0-9.-]+$/, r.id);
      assert.ok(r.title && r.description.length > 20, r.id);
      assert.ok(
        r.mitre.length > 0 &&
          r.mitre.every((m) => /^TA\d{4}$/.test(m.tactic) && /^T\d{4}(\.\d{3})?$/.test(m.technique)),
        r.id,
      );
      for (const eq of r.equivalents ?? [])
        assert.match(eq, /^(panther:[\w.-]+|sigma:[0-9a-f-]{36})$/, `${r.id}: ${eq}`);
    }
    assert.ok(BUILTIN_RULES.length > 100, `${BUILTIN_RULES.length} rules`);
  });
});
