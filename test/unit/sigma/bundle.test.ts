import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { build } from 'esbuild';

const ROOT = resolve(import.meta.dirname, '../../..');
const out = mkdtempSync(join(tmpdir(), 'logwarden-sigma-bundle-'));
after(() => rmSync(out, { recursive: true, force: true }));

describe('the vendored Sigma rules in a bundle (the Lambda layout)', () => {
  it('load from rules/sigma copied next to the bundled entry file', async () => {
    const entry = join(out, 'entry.ts');
    writeFileSync(
      entry,
      `import { loadVendoredSigmaRules } from ${JSON.stringify(join(ROOT, 'src/adapters/local/sigma-loader.ts'))};
const set = loadVendoredSigmaRules();
console.log(JSON.stringify({ rules: set.rules.length, unrunnable: set.unrunnable.length }));
`,
    );
    await build({
      entryPoints: [entry],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outfile: join(out, 'asset/index.mjs'),
      banner: {
        js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
      },
      logLevel: 'silent',
    });
    // What the CDK bundling hook does: copy rules/sigma beside index.mjs.
    cpSync(join(ROOT, 'rules/sigma'), join(out, 'asset/rules/sigma'), { recursive: true });
    const printed = execFileSync(process.execPath, [join(out, 'asset/index.mjs')], {
      cwd: out,
      encoding: 'utf8',
    });
    assert.deepEqual(JSON.parse(printed), { rules: 57, unrunnable: 0 });
  });
});
