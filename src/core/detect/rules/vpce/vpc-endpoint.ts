import type { ProcessedEvent } from '../../../event.ts';
import { actor, at, defineRule, fromPublicIp, mitre, str, TACTIC } from '../helpers.ts';

/** Network activity events: calls that went through a VPC endpoint. */
const isVpceEvent = (e: ProcessedEvent) => e.raw.eventType === 'AwsVpceEvent';

/** Denied by a VPC endpoint policy. */
export const vpceDenied = defineRule({
  id: 'vpce.access-denied',
  title: 'Call denied by a VPC endpoint policy',
  description:
    'A call through a VPC endpoint was denied by the endpoint policy: something inside the network tried to reach resources it may not.',
  severity: 'MEDIUM',
  mitre: [mitre(TACTIC.defenseEvasion, 'T1599'), mitre(TACTIC.discovery, 'T1526')],
  appliesTo: {},
  evaluate: (e) => isVpceEvent(e) && e.errorCode === 'VpceAccessDenied',
  equivalents: ['panther:AWS.CloudTrail.VPCE.AccessDenied'],
});

/** A principal of another account using your VPC endpoint. */
export const vpceExternalPrincipal = defineRule({
  id: 'vpce.external-principal',
  title: 'Principal from another account used a VPC endpoint',
  description:
    'A principal of another AWS account made calls through this account’s VPC endpoint: possible lateral movement between accounts.',
  severity: 'MEDIUM',
  mitre: [mitre(TACTIC.defenseEvasion, 'T1599'), mitre(TACTIC.exfiltration, 'T1048')],
  appliesTo: {},
  evaluate: (e, ctx) => {
    if (!isVpceEvent(e)) return false;
    const caller = str(at(e.raw, 'userIdentity.accountId'));
    const owner = str(e.raw.vpcEndpointAccountId);
    return caller !== undefined && owner !== undefined && caller !== owner && !ctx.knownAccounts.has(caller);
  },
  equivalents: ['panther:AWS.CloudTrail.VPCE.ExternalPrincipal'],
});

const S3_DATA = new Set([
  'GetObject',
  'PutObject',
  'CopyObject',
  'DeleteObject',
  'DeleteObjects',
  'ListObjects',
  'ListObjectsV2',
  'UploadPart',
  'CompleteMultipartUpload',
]);

/** S3 data read through a VPC endpoint from a public address. */
export const vpceS3ExternalIp = defineRule({
  id: 'vpce.s3-access-from-public-ip',
  title: 'S3 data accessed through a VPC endpoint from a public address',
  description:
    'S3 object data was accessed through a VPC endpoint with a public source address, which should not happen for traffic from inside the VPC.',
  severity: 'MEDIUM',
  mitre: [mitre(TACTIC.exfiltration, 'T1048')],
  appliesTo: { eventSource: ['s3.amazonaws.com'] },
  evaluate: (e) =>
    isVpceEvent(e) &&
    S3_DATA.has(e.action) &&
    fromPublicIp(e) && { explanation: `${actor(e)} called s3:${e.action} through a VPC endpoint.` },
  equivalents: ['panther:AWS.CloudTrail.VPCE.S3ExternalIP'],
});

const SENSITIVE: Record<string, readonly string[]> = {
  'cloudtrail.amazonaws.com': ['StopLogging', 'DeleteTrail', 'UpdateTrail', 'PutEventSelectors'],
  'ec2.amazonaws.com': [
    'CreateSnapshot',
    'ModifySnapshotAttribute',
    'ModifyImageAttribute',
    'AuthorizeSecurityGroupIngress',
    'GetPasswordData',
    'ModifyInstanceAttribute',
  ],
  'kms.amazonaws.com': ['ScheduleKeyDeletion', 'DisableKey', 'PutKeyPolicy', 'CreateGrant'],
  's3.amazonaws.com': [
    'PutBucketPolicy',
    'DeleteBucketPolicy',
    'PutBucketAcl',
    'DeleteBucketPublicAccessBlock',
    'PutBucketLogging',
  ],
  'secretsmanager.amazonaws.com': [
    'GetSecretValue',
    'BatchGetSecretValue',
    'PutResourcePolicy',
    'DeleteSecret',
  ],
};

/** Sensitive control-plane calls made through a VPC endpoint. */
export const vpceSensitiveCall = defineRule({
  id: 'vpce.sensitive-api-call',
  title: 'Sensitive API call through a VPC endpoint',
  description:
    'A sensitive call (logging changes, key and snapshot sharing, secret reads, bucket policy changes) was made through a VPC endpoint.',
  severity: 'MEDIUM',
  mitre: [mitre(TACTIC.discovery, 'T1526'), mitre(TACTIC.defenseEvasion, 'T1599')],
  appliesTo: { eventSource: Object.keys(SENSITIVE) },
  evaluate: (e) => isVpceEvent(e) && (SENSITIVE[e.service] ?? []).includes(e.action),
  equivalents: ['panther:AWS.CloudTrail.VPCE.SensitiveAPICalls'],
});

export const rules = [vpceDenied, vpceExternalPrincipal, vpceS3ExternalIp, vpceSensitiveCall];
