import { createHash } from 'node:crypto';

/** A short, stable identifier derived from its parts (deterministic across runs and runtimes). */
export function stableId(...parts: readonly (string | number | undefined)[]): string {
  const h = createHash('sha256');
  for (const part of parts) h.update(`${part ?? ''}\u0000`);
  return h.digest('hex').slice(0, 32);
}
