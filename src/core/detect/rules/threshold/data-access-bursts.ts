import type { ProcessedEvent } from '../../../event.ts';
import { defineThreshold, HOUR, MINUTE } from '../../threshold/threshold-rule.ts';
import { list, mitre, req, str, succeeded, TACTIC, viaAwsService } from '../helpers.ts';

const principalKey = (e: ProcessedEvent) => e.principal.arn ?? e.principal.id;

/** Many different secrets read. */
export const secretsHarvest = defineThreshold({
  id: 'secretsmanager.many-secrets-read',
  title: 'Many secrets read by one principal',
  description:
    'One principal read the values of ten or more different secrets within 10 minutes: secret harvesting.',
  severity: 'MEDIUM',
  mitre: [mitre(TACTIC.credentialAccess, 'T1555.006')],
  appliesTo: { eventSource: ['secretsmanager.amazonaws.com'], eventName: ['GetSecretValue'] },
  matches: (e) => !viaAwsService(e),
  groupBy: principalKey,
  distinct: (e) => str(req(e).secretId),
  threshold: 10,
  windowMs: 10 * MINUTE,
  explain: (_w, count, sample, e) =>
    `${e.principal.name} read ${count} different secrets within 10 minutes (${sample.slice(0, 5).join(', ')}).`,
  equivalents: ['panther:AWS.SecretsManager.RetrieveSecrets'],
});

/** Batch retrieval across regions. */
export const batchSecretsMultiRegion = defineThreshold({
  id: 'secretsmanager.batch-retrieval-multi-region',
  title: 'Secrets retrieved in bulk across several regions',
  description:
    'One principal used BatchGetSecretValue in three or more regions within an hour, sweeping secrets region by region.',
  severity: 'HIGH',
  mitre: [mitre(TACTIC.credentialAccess, 'T1555.006')],
  appliesTo: { eventSource: ['secretsmanager.amazonaws.com'], eventName: ['BatchGetSecretValue'] },
  matches: (e) => succeeded(e),
  groupBy: (e) => principalKey(e) || e.account,
  distinct: (e) => e.region || 'unknown',
  threshold: 3,
  windowMs: HOUR,
  explain: (_w, count, sample) =>
    `Bulk secret retrieval in ${count} regions within an hour (${sample.join(', ')}).`,
  equivalents: ['panther:AWS.SecretsManager.RetrieveSecretsMultiRegion'],
});

/** Names of parameters a Get call decrypts. */
function decryptedParameters(e: ProcessedEvent): string[] | undefined {
  const r = req(e);
  if (r.withDecryption !== true) return undefined;
  const names = [...list<string>(r.names), ...list<string>(r.name)].filter((n) => typeof n === 'string');
  return names.length ? names : undefined;
}

/** Many SecureString parameters decrypted. */
export const ssmParameterHarvest = defineThreshold({
  id: 'ssm.many-parameters-decrypted',
  title: 'Many SSM parameters decrypted by one principal',
  description:
    'One principal decrypted ten or more different SSM parameters within an hour: collecting SecureString secrets.',
  severity: 'MEDIUM',
  mitre: [mitre(TACTIC.credentialAccess, 'T1555.006')],
  appliesTo: {
    eventSource: ['ssm.amazonaws.com'],
    eventName: ['GetParameter', 'GetParameters', 'GetParametersByPath'],
  },
  matches: (e) => succeeded(e) && decryptedParameters(e) !== undefined && !viaAwsService(e),
  groupBy: principalKey,
  distinct: (e) => decryptedParameters(e),
  threshold: 10,
  windowMs: HOUR,
  explain: (_w, count, sample, e) =>
    `${e.principal.name} decrypted ${count} different SSM parameters within an hour (${sample.slice(0, 5).join(', ')}).`,
  equivalents: ['panther:AWS.SSM.DecryptSSMParams'],
});

/** Commands sent to many instances. */
export const ssmCommandFanOut = defineThreshold({
  id: 'ssm.command-on-many-instances',
  title: 'SSM commands sent to many instances',
  description: 'One principal ran SSM commands on five or more different instances within an hour.',
  severity: 'MEDIUM',
  mitre: [mitre(TACTIC.execution, 'T1651')],
  appliesTo: { eventSource: ['ssm.amazonaws.com'], eventName: ['SendCommand'] },
  matches: (e) => succeeded(e),
  groupBy: principalKey,
  distinct: (e) => list<string>(req(e).instanceIds),
  threshold: 5,
  windowMs: HOUR,
  explain: (_w, count, sample, e) =>
    `${e.principal.name} ran commands on ${count} instances within an hour (${sample.slice(0, 5).join(', ')}).`,
  equivalents: ['panther:AWS.SSM.DistributedCommand'],
});

/** SSH keys pushed to several instances. */
export const instanceConnectFanOut = defineThreshold({
  id: 'ec2.instance-connect-many-instances',
  title: 'SSH keys pushed to several instances',
  description:
    'One principal pushed SSH keys with EC2 Instance Connect to two or more instances within 10 minutes: moving between machines.',
  severity: 'MEDIUM',
  mitre: [mitre(TACTIC.lateralMovement, 'T1021.004')],
  appliesTo: { eventSource: ['ec2-instance-connect.amazonaws.com'], eventName: ['SendSSHPublicKey'] },
  matches: (e) => succeeded(e),
  groupBy: principalKey,
  distinct: (e) => str(req(e).instanceId),
  threshold: 2,
  windowMs: 10 * MINUTE,
  explain: (_w, count, sample, e) =>
    `${e.principal.name} pushed SSH keys to ${count} instances within 10 minutes (${sample.join(', ')}).`,
  equivalents: ['panther:AWS.EC2.MultiInstanceConnect'],
});

/** Mass object deletion. */
export const massDeletion = defineThreshold({
  id: 's3.mass-object-deletion',
  title: 'Mass deletion of S3 objects',
  description:
    'One principal deleted 50 or more objects in a bucket within 10 minutes (S3 data events): destruction or the clean-up after copying data out.',
  severity: 'HIGH',
  mitre: [mitre(TACTIC.impact, 'T1485')],
  appliesTo: { eventSource: ['s3.amazonaws.com'], eventName: ['DeleteObject', 'DeleteObjects'] },
  matches: (e) => succeeded(e),
  groupBy: (e) => `${principalKey(e)}|${str(req(e).bucketName) ?? ''}`,
  threshold: 50,
  windowMs: 10 * MINUTE,
  explain: (group, count, _s, e) =>
    `${e.principal.name} made ${count} object deletions in bucket ${group.split('|')[1]} within 10 minutes.`,
  equivalents: ['panther:AWS.S3.DeleteObject'],
});

/** SSE-C copies in bulk: ransomware re-encrypting a bucket. */
export const massCustomerKeyCopies = defineThreshold({
  id: 's3.mass-customer-key-encryption',
  title: 'Many S3 objects re-encrypted with customer-provided keys',
  description:
    'One principal copied or wrote 50 or more objects with SSE-C keys within 10 minutes: the pattern of S3 ransomware that locks data with its own key.',
  severity: 'HIGH',
  mitre: [mitre(TACTIC.impact, 'T1486')],
  appliesTo: { eventSource: ['s3.amazonaws.com'], eventName: ['CopyObject', 'PutObject'] },
  matches: (e) => succeeded(e) && req(e)['x-amz-server-side-encryption-customer-algorithm'] !== undefined,
  groupBy: (e) => `${principalKey(e)}|${str(req(e).bucketName) ?? ''}`,
  threshold: 50,
  windowMs: 10 * MINUTE,
  explain: (group, count) =>
    `${count} objects in bucket ${group.split('|')[1]} were re-encrypted with customer-provided keys within 10 minutes.`,
  equivalents: ['panther:AWS.S3.CopyObjectWithClientSideEncryption'],
});

const CONTROL_OFF: Record<string, (e: ProcessedEvent) => string[]> = {
  PutBucketLogging: (e) =>
    (req(e).BucketLoggingStatus as Record<string, unknown> | undefined)?.LoggingEnabled === undefined
      ? ['logging']
      : [],
  PutBucketVersioning: (e) => {
    const v = (req(e).VersioningConfiguration ?? {}) as Record<string, unknown>;
    const off: string[] = [];
    if (v.Status === 'Suspended' || v.Status === 'Disabled') off.push('versioning');
    if (v.MfaDelete === 'Disabled') off.push('mfa-delete');
    return off;
  },
};

/** Two or more protections of one bucket switched off by the same actor. */
export const bucketControlsDisabled = defineThreshold({
  id: 's3.security-controls-disabled',
  title: 'Several S3 bucket protections disabled',
  description:
    'Two or more of logging, versioning and MFA delete were switched off on the same bucket by the same principal within an hour: preparation for destroying or ransoming its data.',
  severity: 'HIGH',
  mitre: [mitre(TACTIC.defenseEvasion, 'T1562'), mitre(TACTIC.impact, 'T1485')],
  appliesTo: { eventSource: ['s3.amazonaws.com'], eventName: ['PutBucketLogging', 'PutBucketVersioning'] },
  matches: (e) => succeeded(e) && (CONTROL_OFF[e.action]?.(e).length ?? 0) > 0,
  groupBy: (e) => `${principalKey(e)}|${str(req(e).bucketName) ?? ''}`,
  distinct: (e) => CONTROL_OFF[e.action]?.(e) ?? [],
  threshold: 2,
  windowMs: HOUR,
  explain: (group, count, sample) =>
    `${count} protections (${sample.join(', ')}) of bucket ${group.split('|')[1]} were switched off within an hour.`,
  equivalents: ['panther:AWS.S3.SecurityControlDisabling'],
});

export const thresholds = [
  secretsHarvest,
  batchSecretsMultiRegion,
  ssmParameterHarvest,
  ssmCommandFanOut,
  instanceConnectFanOut,
  massDeletion,
  massCustomerKeyCopies,
  bucketControlsDisabled,
];
