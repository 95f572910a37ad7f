import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli, tempDir } from '../../helpers/cli.ts';
import { ROOT } from '../../helpers/fixtures.ts';

describe('logwarden rules', () => {
  it('lists every rule with severity, MITRE, origin and equivalents as JSON', async () => {
    const r = await runCli(['rules', 'list', '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as {
      rules: { id: string; origin: string; mitre: unknown[]; equivalents: string[]; kind: string }[];
    };
    const builtin = doc.rules.filter((x) => x.origin === 'builtin');
    assert.ok(builtin.length > 150);
    assert.ok(doc.rules.some((x) => x.origin === 'sigma'));
    const stop = doc.rules.find((x) => x.id === 'cloudtrail.logging-stopped');
    assert.ok(stop?.equivalents.includes('panther:AWS.CloudTrail.Stopped'));
    assert.ok(doc.rules.some((x) => x.kind === 'threshold') && doc.rules.some((x) => x.kind === 'sequence'));
  });

  it('runs rule tests: prints PASS/FAIL and exits 1 when one fails', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'events'));
    copyFileSync(
      join(ROOT, 'test/fixtures/cloudtrail/stratus/aws.defense-evasion.cloudtrail-stop.json'),
      join(dir, 'events/stop.json'),
    );
    writeFileSync(
      join(dir, 'stop-logging.yaml'),
      'name: stopping the trail is caught\nevents: events/stop.json\nexpect:\n  fire: [cloudtrail.logging-stopped]\n  notFire: [cloudtrail.trail-deleted]\n',
    );
    const good = await runCli(['rules', 'test', dir]);
    assert.equal(good.code, 0, good.stdout + good.stderr);
    assert.match(good.stdout, /PASS stopping the trail is caught/);
    assert.match(good.stdout, /1 passed, 0 failed/);

    writeFileSync(
      join(dir, 'wrong.json'),
      JSON.stringify({
        name: 'a test that expects the wrong rule',
        records: [
          {
            eventTime: '2024-05-01T10:00:00Z',
            eventSource: 'kms.amazonaws.com',
            eventName: 'Decrypt',
            eventID: 'e1',
            awsRegion: 'us-east-1',
            userIdentity: { type: 'IAMUser', userName: 'alice' },
          },
        ],
        expect: { fire: ['kms.key-disabled-or-scheduled-for-deletion'], notFire: ['no.such-rule'] },
      }),
    );
    const bad = await runCli(['rules', 'test', dir]);
    assert.equal(bad.code, 1);
    assert.match(bad.stdout, /FAIL a test that expects the wrong rule/);
    assert.match(bad.stdout, /expected to fire but did not: kms.key-disabled-or-scheduled-for-deletion/);
    assert.match(bad.stdout, /no such rule: no.such-rule/);
    assert.match(bad.stdout, /1 passed, 1 failed/);
  });
});
