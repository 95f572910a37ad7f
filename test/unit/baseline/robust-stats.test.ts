import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { distanceKm } from '../../../src/core/detect/baseline/geo-distance.ts';
import { hourOfWeekIn, utcDay } from '../../../src/core/detect/baseline/hour-of-week.ts';
import { median, medianAbsoluteDeviation } from '../../../src/core/detect/baseline/robust-stats.ts';

describe('median and MAD', () => {
  it('are not moved by one outlier day', () => {
    const days = [40, 41, 39, 40, 42, 38, 40];
    assert.equal(median(days), 40);
    assert.equal(medianAbsoluteDeviation(days), 1);
    assert.equal(median([...days, 5000]), 40);
    assert.equal(medianAbsoluteDeviation([...days, 5000]), 1);
  });

  it('handle even lengths and empty input', () => {
    assert.equal(median([1, 2, 3, 4]), 2.5);
    assert.ok(Number.isNaN(median([])));
  });
});

describe('distanceKm', () => {
  it('gives great-circle distances between known cities', () => {
    // Ashburn VA ↔ Sydney ≈ 15,700 km; Amsterdam ↔ Bucharest ≈ 1,780 km.
    assert.ok(Math.abs(distanceKm(39.0438, -77.4874, -33.8688, 151.209) - 15_700) < 150);
    assert.ok(Math.abs(distanceKm(52.3676, 4.9041, 44.4268, 26.1025) - 1_780) < 30);
    assert.equal(distanceKm(10, 20, 10, 20), 0);
  });
});

describe('hourOfWeekIn', () => {
  it('counts from Sunday 00h in the configured zone', () => {
    const utc = hourOfWeekIn('UTC');
    const mondayNine = Date.UTC(2026, 2, 2, 9, 30); // Monday
    assert.equal(utc(mondayNine), 24 + 9);
    assert.equal(utc(Date.UTC(2026, 2, 1, 0, 0)), 0); // Sunday
    assert.equal(utc(Date.UTC(2026, 2, 7, 23, 59)), 167); // Saturday
    // Amsterdam is UTC+1 in March before the switch: 09:30 UTC is 10:30 there.
    assert.equal(hourOfWeekIn('Europe/Amsterdam')(mondayNine), 24 + 10);
    // Tokyo (UTC+9): Monday 20:00 UTC is Tuesday 05:00.
    assert.equal(hourOfWeekIn('Asia/Tokyo')(Date.UTC(2026, 2, 2, 20)), 48 + 5);
    assert.equal(utcDay(mondayNine), 20_514);
  });
});
