import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package's own name, as its package.json spells it. */
const PACKAGE_NAME = 'logwarden';

/**
 * The directory holding logwarden's package.json, found by walking up from `moduleUrl`: the same
 * answer from the TypeScript sources (src/…), the compiled build (dist/…) and an installed package
 * (node_modules/logwarden/dist/…), whatever the depth of the module asking. Undefined when no
 * such package.json is above it (a Lambda bundle carries none).
 */
export function packageRoot(moduleUrl: string = import.meta.url): string | undefined {
  let dir = dirname(fileURLToPath(moduleUrl));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && readName(manifest) === PACKAGE_NAME) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function readName(manifest: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name;
  } catch {
    return undefined;
  }
}
