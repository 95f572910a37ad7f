import { z } from 'zod';

/** A CloudTrail public key as `ListPublicKeys` returns it. */
export interface PublicKey {
  /** Hex fingerprint; a digest names the key that signed it by this value. */
  fingerprint: string;
  /** The key itself: DER (PKCS #1 RSAPublicKey). */
  der: Uint8Array;
  /** Epoch ms of the time range the key signs digests in. */
  validFrom?: number;
  validTo?: number;
}

const TIME = z.union([z.string(), z.number()]);
const KEY_LIST = z.object({
  PublicKeyList: z.array(
    z.object({
      Value: z.string(),
      Fingerprint: z.string(),
      ValidityStartTime: TIME.optional(),
      ValidityEndTime: TIME.optional(),
    }),
  ),
});

/**
 * Keys from the JSON the AWS CLI prints for `aws cloudtrail list-public-keys` (Value in base64;
 * times as ISO text or epoch seconds). Throws with what was wrong.
 */
export function parsePublicKeyList(text: string, source: string): PublicKey[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new Error(`${source}: not JSON (${(err as Error).message})`);
  }
  const parsed = KEY_LIST.safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `${source}: not the output of "aws cloudtrail list-public-keys": ${issue.path.join('.') || 'document'}: ${issue.message}`,
    );
  }
  return parsed.data.PublicKeyList.map((k) => ({
    fingerprint: k.Fingerprint.toLowerCase(),
    der: new Uint8Array(Buffer.from(k.Value, 'base64')),
    ...(k.ValidityStartTime !== undefined && { validFrom: timeOf(k.ValidityStartTime) }),
    ...(k.ValidityEndTime !== undefined && { validTo: timeOf(k.ValidityEndTime) }),
  }));
}

function timeOf(t: string | number): number {
  return typeof t === 'number' ? t * 1000 : Date.parse(t);
}

/** Verifies RSA signatures; injected so the check itself stays free of any crypto library's API. */
export interface SignatureVerifier {
  /** True when `signatureHex` is a valid SHA256withRSA signature of `data` by `key`. */
  verify(data: string, signatureHex: string, key: PublicKey): boolean;
}
