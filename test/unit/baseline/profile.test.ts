import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BASELINE_DEFAULTS } from '../../../src/core/detect/baseline/baseline-config.ts';
import { utcDay } from '../../../src/core/detect/baseline/hour-of-week.ts';
import {
  callsAroundHour,
  createProfile,
  type EventFeatures,
  isWarm,
  learn,
} from '../../../src/core/detect/baseline/profile.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 2, 2);
const cfg = { ...BASELINE_DEFAULTS, maxValuesPerDimension: 8, historyDays: 14 };

function call(time: number, over: Partial<EventFeatures> = {}): EventFeatures {
  return {
    time,
    day: utcDay(time),
    hourOfWeek: ((utcDay(time) + 4) % 7) * 24 + new Date(time).getUTCHours(),
    service: 'iam.amazonaws.com',
    actionClass: 'read',
    region: 'us-east-1',
    country: 'US',
    asn: 'AS16509',
    uaFamily: 'aws-cli',
    ...over,
  };
}

describe('PrincipalProfile', () => {
  it('counts the active days a value was seen on, not its calls', () => {
    const p = createProfile({ key: 'k', name: 'user-0042' }, T0);
    for (let d = 0; d < 5; d++)
      for (let i = 0; i < 10; i++) learn(p, call(T0 + d * DAY + 9 * 3_600_000 + i * 60_000), cfg);
    assert.equal(p.events, 50);
    assert.equal(p.activeDays, 5);
    assert.deepEqual(p.dims.country.US.slice(0, 2), [5, 50]);
    assert.deepEqual(
      p.daily.map(([, n]) => n),
      [10, 10, 10, 10, 10],
    );
    assert.equal(callsAroundHour(p, 9, 0), 50);
    assert.equal(callsAroundHour(p, 3, 1), 0);
  });

  it('stays bounded: values per dimension, days of history and access keys are capped', () => {
    const p = createProfile({ key: 'k', name: 'busy' }, T0);
    for (let d = 0; d < 200; d++) {
      const t = T0 + d * DAY;
      learn(
        p,
        call(t, {
          service: `svc-${d}.amazonaws.com`,
          region: `r-${d}`,
          accessKey: `AKIA${String(d).padStart(16, '0')}`,
        }),
        cfg,
      );
    }
    assert.equal(Object.keys(p.dims.service).length, 8);
    assert.equal(Object.keys(p.dims.region).length, 8);
    // The most recently seen values are kept.
    assert.ok(p.dims.service['svc-199.amazonaws.com']);
    assert.equal(p.dims.service['svc-0.amazonaws.com'], undefined);
    assert.ok(p.daily.length <= 14);
    assert.ok(Object.keys(p.keys).length <= 16);
    assert.equal(p.activeDays, 200);
    assert.ok(JSON.stringify(p).length < 8_000, `profile is ${JSON.stringify(p).length} bytes`);
  });

  it('survives a JSON round trip unchanged', () => {
    const p = createProfile({ key: 'arn:aws:iam::1:user/a', name: 'a' }, T0);
    learn(
      p,
      call(T0, {
        geo: { lat: 1.5, lon: 2.5, country: 'US', asn: 16509, ip: '52.94.236.248', city: 'Ashburn' },
      }),
      cfg,
    );
    assert.deepEqual(JSON.parse(JSON.stringify(p)), p);
  });

  it('counts a late (out-of-order) call in its own day', () => {
    const p = createProfile({ key: 'k', name: 'late' }, T0);
    learn(p, call(T0 + 2 * DAY), cfg);
    learn(p, call(T0), cfg);
    learn(p, call(T0 + 2 * DAY + 1000), cfg);
    assert.deepEqual(p.daily, [
      [utcDay(T0), 1],
      [utcDay(T0) + 2, 2],
    ]);
    assert.equal(p.activeDays, 2);
    assert.equal(p.firstSeen, T0);
  });

  it('is warm only with enough days and calls', () => {
    const p = createProfile({ key: 'k', name: 'new' }, T0);
    for (let d = 0; d < 7; d++) learn(p, call(T0 + d * DAY), cfg);
    assert.equal(isWarm(p, { minDays: 7, minEvents: 50 }), false);
    for (let i = 0; i < 43; i++) learn(p, call(T0 + 6 * DAY + i), cfg);
    assert.equal(isWarm(p, { minDays: 7, minEvents: 50 }), true);
  });
});
