import * as crypto from 'node:crypto';

/**
 * One-shot SHA-256 where the runtime has it (Node ≥ 20.12): no Hash object per call, which matters
 * when every finding needs an id. Same bytes in, same digest out as the streaming form.
 */
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'hex') => string }).hash;

/** A short, stable identifier derived from its parts (deterministic across runs and runtimes). */
export function stableId(...parts: readonly (string | number | undefined)[]): string {
  // Hashing the parts joined (each closed by NUL) equals hashing them one update at a time.
  let text = '';
  for (const part of parts) text += `${part ?? ''}\u0000`;
  if (oneShot) return oneShot('sha256', text, 'hex').slice(0, 32);
  return crypto.createHash('sha256').update(text).digest('hex').slice(0, 32);
}
