import type { ProcessedEvent } from '../../../event.ts';
import type { RuleContext } from '../../rule.ts';
import { actor, defineRule, isForeignAccount, list, mitre, req, str, succeeded, TACTIC } from '../helpers.ts';

const S3 = ['s3.amazonaws.com'];

/** The account of the KMS key a copy re-encrypts with, when it is given as an ARN. */
function kmsKeyAccount(e: ProcessedEvent): string | undefined {
  const key = str(req(e)['x-amz-server-side-encryption-aws-kms-key-id']) ?? '';
  return /^arn:aws[\w-]*:kms:[\w-]+:(\d{12}):/.exec(key)?.[1];
}

/** Objects re-encrypted with a key from another account: the owner can no longer read them. */
export const copyWithForeignKey = defineRule({
  id: 's3.object-encrypted-with-external-kms-key',
  title: 'S3 object re-encrypted with another account’s KMS key',
  description:
    'An object was copied (often onto itself) with server-side encryption under a KMS key owned by another account. The bucket owner loses the ability to decrypt it: S3 ransomware.',
  severity: 'HIGH',
  mitre: [mitre(TACTIC.impact, 'T1486')],
  appliesTo: { eventSource: S3, eventName: ['CopyObject', 'PutObject', 'CreateMultipartUpload'] },
  evaluate: (e, ctx) => {
    if (!succeeded(e)) return false;
    const account = kmsKeyAccount(e);
    return (
      account !== undefined &&
      isForeignAccount(account, e, ctx) && {
        explanation: `${actor(e)} encrypted ${str(req(e).bucketName) ?? ''}/${str(req(e).key) ?? ''} with a KMS key of account ${account}.`,
      }
    );
  },
  equivalents: ['panther:AWS.S3.CopyObject.CrossAccount.Encryption.KMS'],
});

/** Accounts of the buckets a CopyObject event lists in `resources`. */
function bucketAccounts(e: ProcessedEvent, ctx: RuleContext): string[] {
  return list<Record<string, unknown>>(e.raw.resources)
    .filter((r) => r && r.type === 'AWS::S3::Bucket' && typeof r.accountId === 'string')
    .map((r) => r.accountId as string)
    .filter((a) => isForeignAccount(a, e, ctx));
}

/** Objects copied between your bucket and another account's. */
export const copyToExternalBucket = defineRule({
  id: 's3.object-copied-to-external-account',
  title: 'S3 object copied across accounts',
  description:
    'An object was copied between a bucket of this account and a bucket owned by another account: possible exfiltration.',
  severity: 'MEDIUM',
  mitre: [mitre(TACTIC.exfiltration, 'T1537'), mitre(TACTIC.impact, 'T1486')],
  appliesTo: { eventSource: S3, eventName: ['CopyObject', 'UploadPartCopy'] },
  evaluate: (e, ctx) => {
    if (!succeeded(e)) return false;
    const accounts = bucketAccounts(e, ctx);
    return accounts.length > 0 && { evidence: { externalAccounts: accounts } };
  },
  equivalents: ['panther:AWS.S3.CopyObjectToExternalAccountBucket'],
});

/** SSE-C: the attacker holds the key; S3 keeps only its hash. */
export const customerKeyEncryption = defineRule({
  id: 's3.object-encrypted-with-customer-key',
  title: 'S3 object written with a customer-provided key (SSE-C)',
  description:
    'An object was written or copied with SSE-C, where the caller supplies the key and AWS never stores it. Ransomware crews re-encrypt buckets this way.',
  severity: 'LOW',
  mitre: [mitre(TACTIC.impact, 'T1486')],
  appliesTo: { eventSource: S3, eventName: ['CopyObject', 'PutObject'] },
  evaluate: (e) => succeeded(e) && req(e)['x-amz-server-side-encryption-customer-algorithm'] !== undefined,
});

const NOTE_NAME =
  /(^|\/)[^/]*(how[_\- ]?to[_\- ]?(decrypt|restore|recover)|ransom|decrypt[_\- ]?(files|instructions)|files[_\- ]?encrypted|read[_\- ]?me[_\- ]?(now|to[_\- ]?decrypt)|restore[_\- ]?files|your[_\- ]?files|recover[_\- ]?your)[^/]*\.(txt|html?|md|hta|url)$/i;

/** A file named like a ransom note written to a bucket. */
export const ransomNote = defineRule({
  id: 's3.ransom-note-uploaded',
  title: 'Ransom note uploaded to S3',
  description:
    'An object whose name looks like a ransom note (HOW_TO_DECRYPT, RANSOM_NOTE, FILES_ENCRYPTED …) was uploaded.',
  severity: 'HIGH',
  mitre: [mitre(TACTIC.impact, 'T1486')],
  appliesTo: { eventSource: S3, eventName: ['PutObject', 'CopyObject', 'CompleteMultipartUpload'] },
  evaluate: (e) => succeeded(e) && NOTE_NAME.test(str(req(e).key) ?? ''),
  equivalents: ['panther:AWS.S3.RansomwareNoteUpload'],
});

/** DeleteObjects: one call deleting many objects. */
export const batchDelete = defineRule({
  id: 's3.batch-object-deletion',
  title: 'S3 objects deleted in a batch',
  description: 'Objects were deleted with one multi-object DeleteObjects call.',
  severity: 'LOW',
  mitre: [mitre(TACTIC.impact, 'T1485')],
  appliesTo: { eventSource: S3, eventName: ['DeleteObjects'] },
  evaluate: (e) => succeeded(e),
  equivalents: ['panther:AWS.S3.DeleteObjects'],
});

export const rules = [
  copyWithForeignKey,
  copyToExternalBucket,
  customerKeyEncryption,
  ransomNote,
  batchDelete,
];
