import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import {
  loadSigmaRules,
  loadVendoredSigmaRules,
  SigmaLoadError,
  vendoredSigmaDir,
} from '../../../src/adapters/local/sigma-loader.ts';
import { parseConfig } from '../../../src/core/config.ts';

const root = mkdtempSync(join(tmpdir(), 'logwarden-sigma-'));
after(() => rmSync(root, { recursive: true, force: true }));

const ruleYaml = (id: string, title: string, eventName: string, extra = '') => `title: ${title}
id: ${id}
status: experimental
description: Detects ${eventName} in my account.
author: Me
logsource:
    product: aws
    service: cloudtrail
detection:
    selection:
        eventName: ${eventName}
    condition: selection${extra}
level: medium
`;

function dir(name: string, files: Record<string, string>): string {
  const d = join(root, name);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(join(d, file, '..'), { recursive: true });
    writeFileSync(join(d, file), text);
  }
  return d;
}

describe('sigma config', () => {
  it('defaults to the vendored rules and no own paths', () => {
    assert.deepEqual(parseConfig({}).sigma, { paths: [], vendored: true });
  });
  it('is strict', () => {
    assert.throws(() => parseConfig({ sigma: { path: 'x' } }), /sigma\.path: unknown key/);
  });
});

describe('loadSigmaRules', () => {
  it('loads the vendored rules plus a user directory, recursively', () => {
    const mine = dir('mine', {
      'a.yml': ruleYaml('aaaaaaaa-0000-4000-8000-000000000001', 'Mine A', 'DeleteTrail'),
      'nested/b.yaml': ruleYaml('aaaaaaaa-0000-4000-8000-000000000002', 'Mine B', 'StopLogging'),
      'notes.txt': 'not a rule',
    });
    const set = loadSigmaRules({ paths: [mine], vendored: true });
    assert.equal(set.files, 57 + 2);
    assert.equal(set.rules.length, 59);
    assert.equal(set.pathById.get('sigma:aaaaaaaa-0000-4000-8000-000000000002'), join(mine, 'nested/b.yaml'));
    assert.equal(set.unrunnable.length, 0);
  });
  it('can leave the vendored rules out', () => {
    const mine = dir('only', {
      'a.yml': ruleYaml('aaaaaaaa-0000-4000-8000-000000000003', 'Only', 'DeleteTrail'),
    });
    const set = loadSigmaRules({ paths: [mine], vendored: false });
    assert.deepEqual(
      set.rules.map((r) => r.id),
      ['sigma:aaaaaaaa-0000-4000-8000-000000000003'],
    );
  });
  it('lists rules it cannot run, with the reason', () => {
    const mine = dir('mixed', {
      'agg.yml': ruleYaml(
        'aaaaaaaa-0000-4000-8000-000000000004',
        'Burst',
        'ConsoleLogin',
        ' | count() by sourceIPAddress > 10',
      ),
      'win.yml': ruleYaml('aaaaaaaa-0000-4000-8000-000000000005', 'Windows', 'x').replace(
        'product: aws',
        'product: windows',
      ),
    });
    const set = loadSigmaRules({ paths: [mine], vendored: false });
    assert.equal(set.rules.length, 0);
    assert.deepEqual(
      set.unrunnable.map((u) => [u.id, u.kind]),
      [
        ['sigma:aaaaaaaa-0000-4000-8000-000000000004', 'unsupported'],
        ['sigma:aaaaaaaa-0000-4000-8000-000000000005', 'other-logsource'],
      ],
    );
    assert.match(set.unrunnable[0].reason, /aggregation/);
  });
  it('reads every document of a multi-document file', () => {
    const mine = dir('multi', {
      'two.yml': `${ruleYaml('aaaaaaaa-0000-4000-8000-000000000006', 'One', 'A')}---\n${ruleYaml('aaaaaaaa-0000-4000-8000-000000000007', 'Two', 'B')}`,
    });
    const set = loadSigmaRules({ paths: [mine], vendored: false });
    assert.equal(set.rules.length, 2);
    assert.equal(
      set.pathById.get('sigma:aaaaaaaa-0000-4000-8000-000000000007'),
      `${join(mine, 'two.yml')}#2`,
    );
  });
  it('names every file with invalid YAML and every missing path', () => {
    const mine = dir('broken', {
      'good.yml': ruleYaml('aaaaaaaa-0000-4000-8000-000000000008', 'Good', 'A'),
      'bad.yml': 'title: [unclosed\ndetection: {',
      'tabs.yml': 'title: x\n\tdetection: y\n',
    });
    const missing = join(root, 'does-not-exist');
    let error: unknown;
    try {
      loadSigmaRules({ paths: [mine, missing], vendored: false });
    } catch (err) {
      error = err;
    }
    assert.ok(error instanceof SigmaLoadError);
    const paths = error.problems.map((p) => p.path);
    assert.deepEqual(paths, [join(mine, 'bad.yml'), join(mine, 'tabs.yml'), missing]);
    assert.match(error.message, /bad\.yml: invalid YAML/);
    assert.match(error.message, /does-not-exist: does not exist/);
  });
  it('refuses an empty directory', () => {
    const empty = dir('empty', { 'README.md': '# nothing' });
    assert.throws(() => loadSigmaRules({ paths: [empty], vendored: false }), /holds no \.yml or \.yaml file/);
  });
});

describe('loadVendoredSigmaRules', () => {
  it('reads the rules from a directory given by the runtime (e.g. a Lambda bundle)', () => {
    const copy = dir('bundle/rules/sigma', {
      'one.yml': ruleYaml('aaaaaaaa-0000-4000-8000-000000000009', 'Bundled', 'StopLogging'),
    });
    const set = loadVendoredSigmaRules(copy);
    assert.deepEqual(
      set.rules.map((r) => r.title),
      ['Bundled'],
    );
  });
  it('finds rules/sigma copied next to a bundled entry file', () => {
    const bundle = dir('asset', {
      'rules/sigma/rules/one.yml': ruleYaml('aaaaaaaa-0000-4000-8000-000000000010', 'Asset', 'X'),
    });
    const entry = pathToFileURL(join(bundle, 'index.mjs')).href;
    assert.equal(vendoredSigmaDir(entry), join(bundle, 'rules/sigma/rules'));
    assert.equal(loadVendoredSigmaRules(vendoredSigmaDir(entry)).rules.length, 1);
  });
});
