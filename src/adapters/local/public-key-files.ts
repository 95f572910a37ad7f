import { readFileSync } from 'node:fs';
import { LogwardenError } from '../../core/errors.ts';
import { type PublicKey, parsePublicKeyList } from '../../core/integrity/public-key.ts';

/** Keys from files saved from `aws cloudtrail list-public-keys --output json`; a bad file is a usage error. */
export function readPublicKeyFiles(paths: readonly string[]): PublicKey[] {
  const keys: PublicKey[] = [];
  for (const path of paths) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      throw new LogwardenError('input', `--public-keys ${path}: cannot read (${(err as Error).message})`);
    }
    try {
      keys.push(...parsePublicKeyList(text, path));
    } catch (err) {
      throw new LogwardenError('input', `--public-keys ${(err as Error).message}`);
    }
  }
  return keys;
}
