import type { ProcessedEvent } from '../../../event.ts';
import {
  actor,
  at,
  defineRule,
  list,
  mitre,
  policyIsPublic,
  req,
  str,
  succeeded,
  TACTIC,
} from '../helpers.ts';

const S3 = ['s3.amazonaws.com'];
const PUBLIC_GRANTEES = /acs\.amazonaws\.com\/groups\/global\/(AllUsers|AuthenticatedUsers)/;
const PUBLIC_CANNED = new Set(['public-read', 'public-read-write', 'authenticated-read']);

/** True when an ACL call grants the world or all AWS users access. */
function aclIsPublic(e: ProcessedEvent): boolean {
  const r = req(e);
  const canned = list<string>(r['x-amz-acl']);
  if (canned.some((c) => PUBLIC_CANNED.has(c))) return true;
  for (const header of [
    'x-amz-grant-read',
    'x-amz-grant-write',
    'x-amz-grant-read-acp',
    'x-amz-grant-write-acp',
    'x-amz-grant-full-control',
  ]) {
    if (list<string>(r[header]).some((g) => PUBLIC_GRANTEES.test(String(g)))) return true;
  }
  return PUBLIC_GRANTEES.test(JSON.stringify(r.AccessControlPolicy ?? ''));
}

/** A bucket policy that lets anyone in. */
export const bucketPolicyPublic = defineRule({
  id: 's3.bucket-policy-public',
  title: 'S3 bucket policy allows public access',
  description:
    'A bucket policy was set that grants access to any principal without a restricting condition: the bucket is public.',
  severity: 'HIGH',
  mitre: [mitre(TACTIC.exfiltration, 'T1537'), mitre(TACTIC.collection, 'T1530')],
  appliesTo: { eventSource: S3, eventName: ['PutBucketPolicy'] },
  evaluate: (e) =>
    succeeded(e) &&
    policyIsPublic(req(e).bucketPolicy) && {
      explanation: `${actor(e)} made bucket ${str(req(e).bucketName) ?? ''} public through its bucket policy.`,
    },
  equivalents: ['panther:AWS.CloudTrail.ResourceMadePublic'],
});

/** A bucket or object ACL granting AllUsers / AuthenticatedUsers. */
export const aclPublic = defineRule({
  id: 's3.acl-public',
  title: 'S3 bucket or object ACL grants public access',
  description:
    'A bucket or object ACL was set that grants access to all users or all authenticated AWS users.',
  severity: 'HIGH',
  mitre: [mitre(TACTIC.exfiltration, 'T1537'), mitre(TACTIC.collection, 'T1530')],
  appliesTo: { eventSource: S3, eventName: ['PutBucketAcl', 'PutObjectAcl', 'CreateBucket'] },
  evaluate: (e) => succeeded(e) && aclIsPublic(e),
  equivalents: ['panther:AWS.CloudTrail.ResourceMadePublic'],
});

/** Block Public Access removed from a bucket or the account. */
export const publicAccessBlockDeleted = defineRule({
  id: 's3.public-access-block-removed',
  title: 'S3 Block Public Access removed',
  description:
    'The Block Public Access configuration of a bucket or of the whole account was deleted, so a public policy or ACL would now take effect.',
  severity: 'MEDIUM',
  mitre: [mitre(TACTIC.defenseEvasion, 'T1562'), mitre(TACTIC.initialAccess, 'T1190')],
  appliesTo: {
    eventSource: ['s3.amazonaws.com', 's3control.amazonaws.com'],
    eventName: ['DeleteBucketPublicAccessBlock', 'DeleteAccountPublicAccessBlock', 'DeletePublicAccessBlock'],
  },
  evaluate: (e) => succeeded(e),
  equivalents: ['panther:AWS.S3.DeletePublicAccessBlock'],
});

/** Block Public Access re-written with its protections off. */
export const publicAccessBlockWeakened = defineRule({
  id: 's3.public-access-block-weakened',
  title: 'S3 Block Public Access turned off',
  description: 'Block Public Access was re-configured with one or more of its protections set to false.',
  severity: 'MEDIUM',
  mitre: [mitre(TACTIC.defenseEvasion, 'T1562')],
  appliesTo: {
    eventSource: ['s3.amazonaws.com', 's3control.amazonaws.com'],
    eventName: ['PutBucketPublicAccessBlock', 'PutAccountPublicAccessBlock', 'PutPublicAccessBlock'],
  },
  evaluate: (e) => {
    if (!succeeded(e)) return false;
    const config = (at(req(e), 'PublicAccessBlockConfiguration') ??
      at(req(e), 'publicAccessBlockConfiguration')) as Record<string, unknown> | undefined;
    if (!config) return false;
    return ['BlockPublicAcls', 'IgnorePublicAcls', 'BlockPublicPolicy', 'RestrictPublicBuckets'].some(
      (k) =>
        config[k] === false ||
        config[k] === 'false' ||
        config[k.charAt(0).toLowerCase() + k.slice(1)] === false,
    );
  },
});

/** Any bucket access policy or ACL change (low: history). */
export const bucketPolicyChanged = defineRule({
  id: 's3.bucket-access-changed',
  title: 'S3 bucket policy, ACL or configuration changed',
  description:
    'A bucket policy, ACL, CORS, lifecycle, replication or encryption setting was changed or deleted.',
  severity: 'LOW',
  mitre: [mitre(TACTIC.exfiltration, 'T1567')],
  appliesTo: {
    eventSource: S3,
    eventName: [
      'PutBucketAcl',
      'PutBucketPolicy',
      'PutBucketCors',
      'PutBucketLifecycle',
      'PutBucketReplication',
      'DeleteBucketPolicy',
      'DeleteBucketCors',
      'DeleteBucketLifecycle',
      'DeleteBucketReplication',
    ],
  },
  evaluate: (e) => succeeded(e),
  equivalents: ['panther:AWS.S3.BucketPolicyModified'],
});

export const rules = [
  bucketPolicyPublic,
  aclPublic,
  publicAccessBlockDeleted,
  publicAccessBlockWeakened,
  bucketPolicyChanged,
];
