import { z } from 'zod';

/**
 * A CloudTrail digest file as AWS documents it ("CloudTrail digest file structure"). Fields the
 * check does not use are kept loose: AWS may add fields.
 */
const DIGEST_FILE = z.looseObject({
  awsAccountId: z.string(),
  digestStartTime: z.string(),
  digestEndTime: z.string(),
  digestS3Bucket: z.string(),
  digestS3Object: z.string(),
  digestPublicKeyFingerprint: z.string(),
  digestSignatureAlgorithm: z.string(),
  newestEventTime: z.string().nullish(),
  oldestEventTime: z.string().nullish(),
  previousDigestS3Bucket: z.string().nullable(),
  previousDigestS3Object: z.string().nullable(),
  previousDigestHashValue: z.string().nullable(),
  previousDigestHashAlgorithm: z.string().nullable(),
  previousDigestSignature: z.string().nullable(),
  logFiles: z.array(
    z.looseObject({
      s3Bucket: z.string(),
      s3Object: z.string(),
      hashValue: z.string(),
      hashAlgorithm: z.string(),
      newestEventTime: z.string().nullish(),
      oldestEventTime: z.string().nullish(),
    }),
  ),
});

export type DigestFile = z.infer<typeof DIGEST_FILE>;

/** The one signature algorithm CloudTrail documents for digests. */
export const DIGEST_SIGNATURE_ALGORITHM = 'SHA256withRSA';

/** A digest's JSON, checked against the documented shape; the reason names what was wrong. */
export function parseDigestFile(
  text: string,
): { ok: true; digest: DigestFile } | { ok: false; reason: string } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    return { ok: false, reason: `not JSON (${(err as Error).message})` };
  }
  const parsed = DIGEST_FILE.safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      reason: `not a CloudTrail digest: ${issue.path.join('.') || 'document'}: ${issue.message}`,
    };
  }
  for (const t of [parsed.data.digestStartTime, parsed.data.digestEndTime])
    if (Number.isNaN(Date.parse(t)))
      return { ok: false, reason: `not a CloudTrail digest: "${t}" is not a time` };
  return { ok: true, digest: parsed.data };
}

/**
 * The string CloudTrail signs for a digest (AWS docs, "Custom implementations of CloudTrail log
 * file integrity validation"; the AWS CLI's `validate-logs` builds the same): the end time, the
 * digest's S3 path, the hex SHA-256 of its uncompressed content and the previous digest's hex
 * signature (`null` for the first digest of a chain), one per line.
 */
export function digestSigningString(digest: DigestFile, uncompressedSha256Hex: string): string {
  return [
    digest.digestEndTime,
    `${digest.digestS3Bucket}/${digest.digestS3Object}`,
    uncompressedSha256Hex,
    digest.previousDigestSignature ?? 'null',
  ].join('\n');
}
