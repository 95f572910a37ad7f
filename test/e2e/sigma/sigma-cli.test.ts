import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli, tempDir } from '../../helpers/cli.ts';
import { STRATUS } from '../../helpers/fixtures.ts';

const OWN_ID = '0f0f0f0f-1111-4222-8333-555555555555';
const BURST_ID = '0f0f0f0f-1111-4222-8333-444444444444';
/** The vendored SigmaHQ rule "AWS IAM Backdoor Users Keys". */
const VENDORED_BACKDOOR = 'sigma:0a5177f4-6ca9-44c2-aacf-d3f3d8b6e4d2';

/** A working directory with a config naming one Sigma directory of the user's. */
function workspace(rules: Record<string, string>, sigma = '{ paths: [./my-sigma] }'): string {
  const dir = tempDir('logwarden-sigma-e2e-');
  mkdirSync(join(dir, 'my-sigma'));
  for (const [name, text] of Object.entries(rules)) writeFileSync(join(dir, 'my-sigma', name), text);
  writeFileSync(join(dir, 'logwarden.config.yaml'), `sigma: ${sigma}\n`);
  copyFileSync(join(STRATUS, 'aws.persistence.iam-backdoor-user.json'), join(dir, 'backdoor.json'));
  return dir;
}

const OWN_RULE = `title: Access key made for a stratus user
id: ${OWN_ID}
status: experimental
description: An IAM user created an access key for a user whose name starts with stratus.
author: logwarden tests
tags: [attack.persistence, attack.t1098.001]
logsource: { product: aws, service: cloudtrail }
detection:
  selection:
    eventName: CreateAccessKey
    userIdentity.type: IAMUser
    requestParameters.userName|startswith: stratus-
  condition: selection
level: high
`;

const BURST_RULE = `title: Console login burst
id: ${BURST_ID}
logsource: { product: aws, service: cloudtrail }
detection:
  selection: { eventName: ConsoleLogin }
  condition: selection | count() by sourceIPAddress > 10
level: high
`;

describe('Sigma rules from the CLI', () => {
  it('analyze runs vendored and own Sigma rules and says which cannot run', async () => {
    const dir = workspace({ 'own.yml': OWN_RULE, 'burst.yml': BURST_RULE });
    const r = await runCli(
      ['analyze', 'backdoor.json', '--db', 'x.duckdb', '--format', 'json', '--no-progress'],
      { cwd: dir },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /1 Sigma rule\(s\) cannot run; see: logwarden rules list --unsupported/);
    const findings = (
      JSON.parse(r.stdout) as {
        findings: { ruleId: string; severity: string; evidence: { sigma?: { author?: string } } }[];
      }
    ).findings;
    const own = findings.find((f) => f.ruleId === `sigma:${OWN_ID}`);
    assert.ok(own, `no finding from the own rule in ${findings.map((f) => f.ruleId).join(', ')}`);
    assert.equal(own.severity, 'HIGH');
    assert.equal(own.evidence.sigma?.author, 'logwarden tests');
    assert.ok(findings.some((f) => f.ruleId === VENDORED_BACKDOOR));
  });

  it('vendored: false leaves the SigmaHQ rules out', async () => {
    const dir = workspace({ 'own.yml': OWN_RULE }, '{ paths: [./my-sigma], vendored: false }');
    const r = await runCli(
      ['analyze', 'backdoor.json', '--db', 'x.duckdb', '--format', 'json', '--no-progress'],
      { cwd: dir },
    );
    assert.equal(r.code, 0, r.stderr);
    const ids = (JSON.parse(r.stdout) as { findings: { ruleId: string }[] }).findings.map((f) => f.ruleId);
    assert.ok(ids.includes(`sigma:${OWN_ID}`));
    assert.ok(!ids.includes(VENDORED_BACKDOOR));
  });

  it('rules list --unsupported names the rule, its file and the reason', async () => {
    const dir = workspace({ 'own.yml': OWN_RULE, 'burst.yml': BURST_RULE });
    const r = await runCli(['rules', 'list', '--unsupported'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /1 Sigma rule cannot run/);
    assert.match(r.stdout, new RegExp(`unsupported +sigma:${BURST_ID} Console login burst`));
    assert.match(r.stdout, /my-sigma\/burst\.yml: condition .* aggregation/);
    const all = await runCli(['rules', 'list', '--format', 'json'], { cwd: dir });
    const doc = JSON.parse(all.stdout) as {
      rules: { id: string; origin: string }[];
      unrunnableSigma: { id: string }[];
    };
    assert.equal(doc.rules.filter((x) => x.origin === 'sigma').length, 57 + 1);
    assert.deepEqual(
      doc.unrunnableSigma.map((u) => u.id),
      [`sigma:${BURST_ID}`],
    );
  });

  it('a file that is not YAML stops the run with its name', async () => {
    const dir = workspace({ 'own.yml': OWN_RULE, 'broken.yml': 'title: [unclosed\n' });
    const r = await runCli(['analyze', 'backdoor.json', '--db', 'x.duckdb', '--no-progress'], { cwd: dir });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /cannot load Sigma rules:\n {2}- my-sigma\/broken\.yml: invalid YAML/);
    assert.doesNotMatch(r.stderr, /internal error|at .*\.ts:\d+/);
  });
});
