import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, it } from 'node:test';
import { loadVendoredSigmaRules, vendoredSigmaDir } from '../../../src/adapters/local/sigma-loader.ts';
import { RuleEngine } from '../../../src/core/detect/engine.ts';
import type { Rule } from '../../../src/core/detect/rule.ts';
import { asEvent } from './helpers.ts';
import { VENDORED_CASES } from './vendored-cases.ts';

const set = loadVendoredSigmaRules();
const files = readdirSync(vendoredSigmaDir()).filter((f) => f.endsWith('.yml'));
const ruleByFile = new Map<string, Rule>();
for (const rule of set.rules) ruleByFile.set(basename(set.pathById.get(rule.id)!), rule);
const ctx = { knownAccounts: new Set<string>() };
const engine = new RuleEngine(set.rules);

describe('vendored SigmaHQ rules', () => {
  it('every file compiles or is listed with a reason', () => {
    const unrunnable = set.unrunnable.map((u) => `${u.path}: ${u.kind}: ${u.reason}`);
    console.log(
      `vendored Sigma rules: ${files.length} files, ${set.rules.length} compiled, ${set.unrunnable.length} unsupported`,
    );
    for (const line of unrunnable) console.log(`  unsupported ${line}`);
    assert.equal(set.files, files.length);
    assert.equal(set.rules.length + set.unrunnable.length, files.length);
    for (const u of set.unrunnable) assert.ok(u.reason.length > 0);
    // All 57 SigmaHQ CloudTrail rules run natively.
    assert.equal(set.rules.length, 57);
  });

  it('every rule keeps its SigmaHQ id, an origin and a MITRE tactic', () => {
    for (const rule of set.rules) {
      assert.match(rule.id, /^sigma:[0-9a-f-]{36}$/);
      assert.equal(rule.origin, 'sigma');
      assert.ok(rule.mitre.length > 0 && rule.mitre.every((m) => /^TA\d{4}$/.test(m.tactic)), rule.id);
    }
  });

  it('every vendored file has a must-match and a must-not-match case', () => {
    assert.deepEqual(Object.keys(VENDORED_CASES).sort(), [...files].sort());
  });

  for (const file of files) {
    const c = VENDORED_CASES[file];
    it(`${file}: fires on its case and not on the near miss`, () => {
      const rule = ruleByFile.get(file);
      assert.ok(rule, `${file} did not compile`);
      assert.ok(c, `${file} has no case`);
      assert.ok(rule.evaluate(asEvent(c.match), ctx), `${file} should fire on its case`);
      // Through the engine too: appliesTo must route the event to the rule.
      assert.ok(
        engine.firingRules(asEvent(c.match)).includes(rule.id),
        `${file}: the engine did not run it (appliesTo ${JSON.stringify(rule.appliesTo)})`,
      );
      assert.ok(
        !rule.evaluate(asEvent(c.miss), ctx),
        `${file} must not fire on the near miss${c.note ? ` (${c.note})` : ''}`,
      );
    });
  }
});
