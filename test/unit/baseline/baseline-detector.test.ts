import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BaselineDetector } from '../../../src/core/detect/baseline/baseline-detector.ts';
import type { PrincipalProfile } from '../../../src/core/detect/baseline/profile.ts';
import type { AnomalyFlag, NormalizedEvent, ProcessedEvent } from '../../../src/core/event.ts';
import type { EventStore } from '../../../src/core/ports.ts';
import { normalizeCloudTrailRecord } from '../../../src/core/sources/cloudtrail.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 2, 2);

/** A real-shaped CloudTrail record for user `user` at `time`. */
function event(user: string, time: number, over: Record<string, unknown> = {}): ProcessedEvent {
  const r = normalizeCloudTrailRecord(
    {
      eventVersion: '1.08',
      eventTime: new Date(time).toISOString(),
      eventSource: 'iam.amazonaws.com',
      eventName: 'GetUser',
      awsRegion: 'us-east-1',
      sourceIPAddress: '10.0.0.1',
      userAgent: 'aws-cli/2.13.4 Python/3.11.4',
      readOnly: true,
      eventID: `${user}-${time}-${JSON.stringify(over)}`,
      recipientAccountId: '123456789012',
      userIdentity: {
        type: 'IAMUser',
        principalId: `AIDA${user.toUpperCase()}`,
        arn: `arn:aws:iam::123456789012:user/${user}`,
        accountId: '123456789012',
        userName: user,
        accessKeyId: 'AKIAEXAMPLE000000001',
      },
      ...over,
    },
    'test',
    0,
  );
  assert.ok(r.ok);
  const e = r.value as ProcessedEvent;
  e.anomalyFlags = [];
  e.riskScore = 0;
  return e;
}

/** The profile methods of a store, kept in a Map: the port's behaviour, in memory. */
function mapStore(): EventStore & { rows: Map<string, string>; saves: number } {
  const rows = new Map<string, string>();
  const store = {
    rows,
    saves: 0,
    async loadProfiles(keys: readonly string[]) {
      return keys
        .filter((k) => rows.has(k))
        .map((k) => JSON.parse(rows.get(k) as string) as PrincipalProfile);
    },
    async saveProfiles(profiles: readonly PrincipalProfile[]) {
      store.saves++;
      for (const p of profiles) rows.set(p.key, JSON.stringify(p));
    },
  };
  return store as unknown as EventStore & { rows: Map<string, string>; saves: number };
}

describe('BaselineDetector', () => {
  it('raises no learned-baseline finding while a principal warms up', () => {
    const d = new BaselineDetector({ minDays: 5, minEvents: 20 });
    const findings = [];
    for (let day = 0; day < 4; day++) {
      for (let i = 0; i < 10; i++)
        findings.push(...d.observe(event('dana', T0 + day * DAY + 10 * 3_600_000 + i)));
      // A new service, region and tool every day: all first-seen, none reported yet.
      findings.push(
        ...d.observe(
          event('dana', T0 + day * DAY + 11 * 3_600_000, {
            eventSource: `svc${day}.amazonaws.com`,
            awsRegion: `eu-west-${day}`,
            userAgent: 'curl/8.0',
          }),
        ),
      );
    }
    assert.deepEqual(findings, []);
    assert.deepEqual(d.status(), { principals: 1, warm: 0, warmingUp: 1, minDays: 5, minEvents: 20 });
    for (let i = 0; i < 10; i++) d.observe(event('dana', T0 + 4 * DAY + 10 * 3_600_000 + i));
    assert.equal(d.status().warm, 1);
    const late = d.observe(
      event('dana', T0 + 5 * DAY + 10 * 3_600_000, { eventSource: 'lambda.amazonaws.com' }),
    );
    assert.deepEqual(
      late.map((f) => f.ruleId),
      ['baseline.new-service'],
    );
    assert.match(late[0].explanation, /its first call to lambda \(GetUser\)/);
  });

  it('redefines UNUSUAL_TIME for a warm principal by its own hours', () => {
    const d = new BaselineDetector({ minDays: 3, minEvents: 3 });
    // A night job: active 02:00 UTC every day.
    for (let day = 0; day < 4; day++) d.observe(event('nightly', T0 + day * DAY + 2 * 3_600_000));
    const flags: AnomalyFlag[] = ['UNUSUAL_TIME', 'UNUSUAL_LOCATION'];
    const night = event('nightly', T0 + 4 * DAY + 2 * 3_600_000 + 60_000);
    assert.deepEqual(d.refineFlags(night, flags), ['UNUSUAL_LOCATION'], 'its usual hour is not unusual');
    const noon = event('nightly', T0 + 4 * DAY + 12 * 3_600_000);
    assert.deepEqual(
      d.refineFlags(noon, ['UNUSUAL_LOCATION']),
      ['UNUSUAL_TIME', 'UNUSUAL_LOCATION'],
      'noon is',
    );
    // A principal without history keeps the global business-hours rule.
    const stranger = event('stranger', T0 + 4 * DAY + 2 * 3_600_000);
    assert.deepEqual(d.refineFlags(stranger, flags), flags);
  });

  it('keeps at most cacheSize profiles in memory, writing evicted ones to the store and reading them back', async () => {
    const store = mapStore();
    const d = new BaselineDetector({ cacheSize: 100 });
    for (let batch = 0; batch < 10; batch++) {
      const events: NormalizedEvent[] = [];
      for (let u = 0; u < 50; u++) events.push(event(`user-${batch * 50 + u}`, T0 + batch * 1000 + u));
      await d.prepare(events, store);
      for (const e of events) d.observe(e as ProcessedEvent);
      assert.ok((d as unknown as { cache: { size: number } }).cache.size <= 100);
    }
    await d.persist(store);
    assert.equal(store.rows.size, 500);
    // user-0 was evicted long ago; a call a day later loads its profile and it has one call before.
    const again = event('user-0', T0 + DAY);
    await d.prepare([again], store);
    d.observe(again);
    await d.persist(store);
    const stored = JSON.parse(
      store.rows.get('arn:aws:iam::123456789012:user/user-0') as string,
    ) as PrincipalProfile;
    assert.equal(stored.events, 2);
    assert.equal(stored.activeDays, 2);
  });

  it('never overwrites a stored profile with one learned without loading it first', async () => {
    const store = mapStore();
    const first = new BaselineDetector();
    const e = event('erik', T0);
    await first.prepare([e], store);
    for (let i = 0; i < 5; i++) first.observe(event('erik', T0 + i));
    await first.persist(store);
    const second = new BaselineDetector();
    second.observe(event('erik', T0 + DAY)); // no prepare: a fresh profile with one call
    await second.persist(store);
    const stored = JSON.parse(
      store.rows.get('arn:aws:iam::123456789012:user/erik') as string,
    ) as PrincipalProfile;
    assert.equal(stored.events, 5);
  });

  it('does not profile AWS services acting for you', () => {
    const d = new BaselineDetector();
    const e = event('x', T0, {
      userIdentity: { type: 'AWSService', invokedBy: 'cloudtrail.amazonaws.com' },
      sourceIPAddress: 'cloudtrail.amazonaws.com',
    });
    d.observe(e);
    assert.equal(d.status().principals, 0);
  });
});
