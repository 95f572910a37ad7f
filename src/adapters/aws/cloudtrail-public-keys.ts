import { type CloudTrailClient, paginateListPublicKeys } from '@aws-sdk/client-cloudtrail';
import type { PublicKey } from '../../core/integrity/public-key.ts';

/**
 * CloudTrail's public keys for a time range, as `ListPublicKeys` returns them (one regional call
 * per client, every page). The SDK has already decoded each key's base64 value to its DER bytes.
 */
export async function listCloudTrailPublicKeys(
  client: CloudTrailClient,
  range: { start: number; end: number },
): Promise<PublicKey[]> {
  const keys: PublicKey[] = [];
  const pages = paginateListPublicKeys(
    { client },
    { StartTime: new Date(range.start), EndTime: new Date(range.end) },
  );
  for await (const page of pages) {
    for (const k of page.PublicKeyList ?? []) {
      if (!k.Fingerprint || !k.Value) continue;
      keys.push({
        fingerprint: k.Fingerprint.toLowerCase(),
        der: k.Value,
        ...(k.ValidityStartTime && { validFrom: k.ValidityStartTime.getTime() }),
        ...(k.ValidityEndTime && { validTo: k.ValidityEndTime.getTime() }),
      });
    }
  }
  return keys;
}
