import type { ProcessedEvent } from '../../../event.ts';
import { at, defineRule, mitre, req, str, succeeded, TACTIC } from '../helpers.ts';

const S3 = ['s3.amazonaws.com'];
const SECURITY_CONTROLS = 'panther:AWS.S3.SecurityControlDisabling';

/** The versioning configuration of a PutBucketVersioning call. */
function versioning(e: ProcessedEvent): { status?: string; mfaDelete?: string } {
  const v = at(req(e), 'VersioningConfiguration') as Record<string, unknown> | undefined;
  return { status: str(v?.Status), mfaDelete: str(v?.MfaDelete) };
}

/** Versioning suspended: overwritten and deleted objects can no longer be recovered. */
export const versioningSuspended = defineRule({
  id: 's3.versioning-suspended',
  title: 'S3 bucket versioning suspended',
  description:
    'Versioning of a bucket was suspended, so later overwrites and deletions cannot be undone: a common step before ransomware or destruction.',
  severity: 'MEDIUM',
  mitre: [mitre(TACTIC.impact, 'T1490'), mitre(TACTIC.defenseEvasion, 'T1562')],
  appliesTo: { eventSource: S3, eventName: ['PutBucketVersioning'] },
  evaluate: (e) => succeeded(e) && ['Suspended', 'Disabled'].includes(versioning(e).status ?? ''),
  equivalents: [
    'panther:AWS.S3.SuspendVersioning',
    SECURITY_CONTROLS,
    'sigma:a136ac98-b2bc-4189-a14d-f0d0388e57a7',
  ],
});

/** MFA delete turned off. */
export const mfaDeleteDisabled = defineRule({
  id: 's3.mfa-delete-disabled',
  title: 'S3 MFA delete disabled',
  description: 'MFA delete was turned off for a bucket, so versions can be deleted without a second factor.',
  severity: 'MEDIUM',
  mitre: [mitre(TACTIC.impact, 'T1485'), mitre(TACTIC.defenseEvasion, 'T1562')],
  appliesTo: { eventSource: S3, eventName: ['PutBucketVersioning'] },
  evaluate: (e) => succeeded(e) && versioning(e).mfaDelete === 'Disabled',
  equivalents: ['panther:AWS.S3.DisableMfaDelete', SECURITY_CONTROLS],
});

/** Server access logging switched off. */
export const loggingDisabled = defineRule({
  id: 's3.access-logging-disabled',
  title: 'S3 server access logging disabled',
  description:
    'Server access logging was turned off for a bucket, removing the record of who read and wrote its objects.',
  severity: 'MEDIUM',
  mitre: [mitre(TACTIC.defenseEvasion, 'T1562.008')],
  appliesTo: { eventSource: S3, eventName: ['PutBucketLogging'] },
  evaluate: (e) => succeeded(e) && at(req(e), 'BucketLoggingStatus.LoggingEnabled') === undefined,
  equivalents: ['panther:AWS.S3.DisableBucketLogging', SECURITY_CONTROLS],
});

/** Default encryption removed. */
export const encryptionDeleted = defineRule({
  id: 's3.default-encryption-deleted',
  title: 'S3 bucket default encryption deleted',
  description: 'The default encryption configuration of a bucket was deleted.',
  severity: 'MEDIUM',
  mitre: [mitre(TACTIC.impact, 'T1486'), mitre(TACTIC.defenseEvasion, 'T1562')],
  appliesTo: { eventSource: S3, eventName: ['DeleteBucketEncryption'] },
  evaluate: (e) => succeeded(e),
  equivalents: ['panther:AWS.S3.DeleteBucketEncryption'],
});

/** Replication removed: the backup copy stops. */
export const replicationDeleted = defineRule({
  id: 's3.replication-deleted',
  title: 'S3 bucket replication deleted',
  description:
    'The replication configuration of a bucket was deleted, so its copy in another bucket or region stops being updated.',
  severity: 'MEDIUM',
  mitre: [mitre(TACTIC.impact, 'T1490'), mitre(TACTIC.defenseEvasion, 'T1562')],
  appliesTo: { eventSource: S3, eventName: ['DeleteBucketReplication'] },
  evaluate: (e) => succeeded(e),
  equivalents: ['panther:AWS.S3.DeleteBucketReplication'],
});

/** Bucket, bucket policy or website deleted. */
export const bucketDeleted = defineRule({
  id: 's3.bucket-deleted',
  title: 'S3 bucket, bucket policy or website deleted',
  description: 'An S3 bucket, its policy or its website configuration was deleted.',
  severity: 'LOW',
  mitre: [mitre(TACTIC.impact, 'T1485')],
  appliesTo: { eventSource: S3, eventName: ['DeleteBucket', 'DeleteBucketPolicy', 'DeleteBucketWebsite'] },
  evaluate: (e) => succeeded(e) && { severity: e.action === 'DeleteBucket' ? 'MEDIUM' : 'LOW' },
  equivalents: ['panther:AWS.S3.BucketDeleted', 'sigma:39c9f26d-6e3b-4dbb-9c7a-4154b0281112'],
});

/** Object Lock retention shortened or governance bypassed. */
export const objectLockBypassed = defineRule({
  id: 's3.object-lock-weakened',
  title: 'S3 Object Lock weakened',
  description:
    'Object Lock settings of a bucket were changed or governance retention was bypassed, which allows protected objects to be deleted.',
  severity: 'MEDIUM',
  mitre: [mitre(TACTIC.impact, 'T1490')],
  appliesTo: { eventSource: S3, eventName: ['PutObjectLockConfiguration', 'PutObjectRetention'] },
  evaluate: (e) =>
    succeeded(e) &&
    (e.action === 'PutObjectLockConfiguration' || req(e)['x-amz-bypass-governance-retention'] !== undefined),
});

export const rules = [
  versioningSuspended,
  mfaDeleteDisabled,
  loggingDisabled,
  encryptionDeleted,
  replicationDeleted,
  bucketDeleted,
  objectLockBypassed,
];
