/**
 * The profile half of the EventStore port (`loadProfiles` / `saveProfiles`), run against every
 * store: DuckDB locally, DynamoDB in AWS. Profiles are plain JSON; a store keeps one record per
 * `profile.key`, returns exactly what was saved, and handles batches larger than any per-request
 * limit of its backend.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BASELINE_DEFAULTS } from '../../src/core/detect/baseline/baseline-config.ts';
import {
  createProfile,
  DIMENSIONS,
  learn,
  type PrincipalProfile,
} from '../../src/core/detect/baseline/profile.ts';
import type { EventStore } from '../../src/core/ports.ts';

export type ProfileStoreFactory = () => Promise<EventStore>;

const T0 = Date.UTC(2026, 2, 2);
const DAY = 86_400_000;

/** A profile with every part filled in: days of calls, many values per dimension, keys and a place. */
export function fullProfile(key: string, days = 40): PrincipalProfile {
  const p = createProfile({ key, name: key.split('/').pop() ?? key }, T0);
  for (let d = 0; d < days; d++) {
    for (let i = 0; i < 3; i++) {
      const time = T0 + d * DAY + (9 + i) * 3_600_000;
      learn(
        p,
        {
          time,
          day: Math.floor(time / DAY),
          hourOfWeek: (((Math.floor(time / DAY) + 4) % 7) * 24 + 9 + i) % 168,
          service: `service-${d % 60}.amazonaws.com`,
          actionClass: i === 0 ? 'read' : 'list',
          region: `region-${d % 20}`,
          country: d % 2 ? 'US' : 'DE',
          asn: `AS${16509 + (d % 55)}`,
          uaFamily: i ? 'aws-cli' : 'terraform',
          loginNetwork: i === 0 ? 'AS16509' : undefined,
          accessKey: `AKIA${String(d % 20).padStart(16, '0')}`,
          geo: { lat: 39.04, lon: -77.49, country: 'US', asn: 16509, ip: '52.94.236.248', city: 'Ashburn' },
        },
        BASELINE_DEFAULTS,
      );
    }
  }
  p.reported = { hourDay: 20_500, spikeDay: 20_501 };
  p.threshold = [20_501, 400];
  return p;
}

export function profileStoreContract(name: string, open: ProfileStoreFactory): void {
  describe(`ProfileStore contract: ${name}`, () => {
    let store: EventStore;
    before(async () => {
      store = await open();
    });
    after(async () => {
      await store.close();
    });

    test('has both profile methods', () => {
      assert.equal(typeof store.loadProfiles, 'function');
      assert.equal(typeof store.saveProfiles, 'function');
    });

    test('returns nothing for keys it never saw', async () => {
      assert.deepEqual(await store.loadProfiles?.(['arn:aws:iam::123456789012:user/nobody']), []);
      assert.deepEqual(await store.loadProfiles?.([]), []);
    });

    test('returns a saved profile exactly, every dimension included', async () => {
      const p = fullProfile('arn:aws:iam::123456789012:user/full');
      for (const d of DIMENSIONS) if (d !== 'loginNetwork') assert.ok(Object.keys(p.dims[d]).length > 1, d);
      assert.ok(JSON.stringify(p).length < 100_000, 'a full profile fits a DynamoDB item (400 KB)');
      await store.saveProfiles?.([p]);
      assert.deepEqual(await store.loadProfiles?.([p.key]), [p]);
    });

    test('keeps one record per key: saving again replaces', async () => {
      const key = 'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Admin_0123/jane@example.com';
      const p = fullProfile(key, 3);
      await store.saveProfiles?.([p]);
      p.events += 100;
      p.name = 'renamed';
      await store.saveProfiles?.([p]);
      const loaded = (await store.loadProfiles?.([key, key])) ?? [];
      assert.equal(loaded.length, 1);
      assert.equal(loaded[0].events, p.events);
      assert.equal(loaded[0].name, 'renamed');
    });

    test('the last copy of a key wins within one save', async () => {
      const a = fullProfile('role:123456789012:deployer', 2);
      const b = structuredClone(a);
      b.events = 12_345;
      await store.saveProfiles?.([a, b]);
      assert.equal((await store.loadProfiles?.([a.key]))?.[0].events, 12_345);
    });

    test('saves and loads batches of 1,500 profiles', async () => {
      const many = Array.from({ length: 1_500 }, (_, i) =>
        fullProfile(`arn:aws:iam::123456789012:user/user-${String(i).padStart(5, '0')}`, 2),
      );
      await store.saveProfiles?.(many);
      const keys = many.map((p) => p.key);
      const loaded = (await store.loadProfiles?.([...keys, 'arn:aws:iam::123456789012:user/missing'])) ?? [];
      assert.equal(loaded.length, 1_500);
      const byKey = new Map(loaded.map((p) => [p.key, p]));
      for (const p of many) assert.deepEqual(byKey.get(p.key), p);
    });
  });
}
