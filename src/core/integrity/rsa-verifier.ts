import { createPublicKey, type KeyObject, verify } from 'node:crypto';
import type { PublicKey, SignatureVerifier } from './public-key.ts';

/**
 * SHA256withRSA (PKCS #1 v1.5) verification with node:crypto, the same computation the AWS CLI
 * does. Keys are DER PKCS #1 as CloudTrail serves them (SPKI is accepted too); parsed keys are
 * cached by fingerprint.
 */
export class RsaSha256Verifier implements SignatureVerifier {
  private readonly keys = new Map<string, KeyObject | null>();

  verify(data: string, signatureHex: string, key: PublicKey): boolean {
    const publicKey = this.keyObject(key);
    if (!publicKey || !/^(?:[0-9a-f]{2})+$/i.test(signatureHex)) return false;
    return verify('sha256', Buffer.from(data, 'utf8'), publicKey, Buffer.from(signatureHex, 'hex'));
  }

  private keyObject(key: PublicKey): KeyObject | null {
    const cached = this.keys.get(key.fingerprint);
    if (cached !== undefined) return cached;
    let parsed: KeyObject | null = null;
    for (const type of ['pkcs1', 'spki'] as const) {
      try {
        parsed = createPublicKey({ key: Buffer.from(key.der), format: 'der', type });
        break;
      } catch {
        // Try the other encoding.
      }
    }
    this.keys.set(key.fingerprint, parsed);
    return parsed;
  }
}
