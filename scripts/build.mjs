// Compiles the CLI to dist/ (run by `npm ci` through the `prepare` script, and by `npm pack`).
// One ES-module bundle per entry — the CLI and the prepare worker — with the code each command
// loads on demand split into chunks beside them; dependencies stay in node_modules. Nothing is
// compiled at run time.
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const outdir = join(root, 'dist');
rmSync(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: {
    cli: 'src/cli/main.ts',
    // Found by the worker pool as ./prepare-worker.js beside the chunk that starts it (all flat in dist/).
    'prepare-worker': 'src/adapters/local/parallel/prepare-worker.ts',
  },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  chunkNames: 'chunk-[hash]',
  legalComments: 'none',
  logLevel: 'warning',
});
