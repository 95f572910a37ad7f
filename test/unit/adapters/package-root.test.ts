import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { vendoredSigmaDir } from '../../../src/adapters/local/sigma-loader.ts';
import { packageRoot } from '../../../src/adapters/package-root.ts';
import { ROOT } from '../../helpers/fixtures.ts';

const work = mkdtempSync(join(tmpdir(), 'logwarden-root-'));
after(() => rmSync(work, { recursive: true, force: true }));

describe('assets are found from the package root, whatever the depth of the module asking', () => {
  it('finds the checkout from a source module and from a deeper one', () => {
    assert.equal(packageRoot(pathToFileURL(join(ROOT, 'src/cli/main.ts')).href), ROOT);
    assert.equal(packageRoot(pathToFileURL(join(ROOT, 'src/adapters/local/geo/x.ts')).href), ROOT);
  });

  it('finds an installed package from its flat dist/, skipping package.json files of other names', () => {
    const installed = join(work, 'app/node_modules/logwarden');
    mkdirSync(join(installed, 'dist'), { recursive: true });
    mkdirSync(join(installed, 'rules/sigma/rules'), { recursive: true });
    writeFileSync(join(work, 'app/package.json'), '{"name":"app"}');
    writeFileSync(join(installed, 'package.json'), '{"name":"logwarden"}');
    // A nested package.json of another name (as a build tool might leave) is walked past.
    mkdirSync(join(installed, 'dist/sub'), { recursive: true });
    writeFileSync(join(installed, 'dist/sub/package.json'), '{"type":"module"}');
    const chunk = pathToFileURL(join(installed, 'dist/sub/chunk-ABC.js')).href;
    assert.equal(packageRoot(chunk), installed);
    assert.equal(vendoredSigmaDir(chunk), join(installed, 'rules/sigma/rules'));
  });

  it('is undefined where no logwarden package.json is above (a Lambda bundle)', () => {
    mkdirSync(join(work, 'asset'), { recursive: true });
    assert.equal(packageRoot(pathToFileURL(join(work, 'asset/index.mjs')).href), undefined);
  });
});
