import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolvePeriod } from '../../../src/core/report/period.ts';
import { parseReportRequest, ReportRequestError } from '../../../src/core/report/report-request.ts';

const iso = (t: number) => new Date(t).toISOString();
const NOW = Date.parse('2024-03-13T06:00:00Z'); // a Wednesday

describe('report request schema (the seed orchestration input)', () => {
  it('applies the defaults of the seed input', () => {
    assert.deepEqual(parseReportRequest({}), {
      analysisType: 'daily',
      includeAI: false,
      notificationLevel: 'high_risk_only',
    });
    const r = parseReportRequest({
      timeframe: '24h',
      analysisType: 'custom',
      includeAI: true,
      notificationLevel: 'critical_only',
    });
    assert.equal(r.timeframe, '24h');
  });

  it('rejects bad input with a message naming the field', () => {
    assert.throws(
      () => parseReportRequest({ analysisType: 'hourly' }),
      (e: Error) => e instanceof ReportRequestError && /analysisType/.test(e.message),
    );
    assert.throws(
      () => parseReportRequest({ analysisType: 'custom' }),
      /needs timeframe, or since and until/,
    );
    assert.throws(
      () =>
        parseReportRequest({
          analysisType: 'custom',
          since: '2024-01-02T00:00:00Z',
          until: '2024-01-01T00:00:00Z',
        }),
      /must be before/,
    );
    assert.throws(
      () => parseReportRequest({ analysisType: 'daily', since: '2024-01-01T00:00:00Z' }),
      /belong to custom reports/,
    );
    assert.throws(() => parseReportRequest({ notificationLevel: 'everything' }), /notificationLevel/);
    assert.throws(() => parseReportRequest({ extra: 1 }), /extra|Unrecognized/i);
  });
});

describe('resolvePeriod', () => {
  it('daily is the last complete day in UTC, compared with the day before', () => {
    const p = resolvePeriod(parseReportRequest({ analysisType: 'daily' }), 'UTC', NOW);
    assert.equal(iso(p.since), '2024-03-12T00:00:00.000Z');
    assert.equal(iso(p.until), '2024-03-13T00:00:00.000Z');
    assert.equal(iso(p.previous.since), '2024-03-11T00:00:00.000Z');
    assert.equal(p.previous.until, p.since);
    assert.equal(p.label, '2024-03-12');
  });

  it('daily follows the configured zone, including a 23-hour DST day', () => {
    // Europe/Amsterdam moved to summer time on 2024-03-31.
    const p = resolvePeriod(
      parseReportRequest({ analysisType: 'daily', at: '2024-03-31T12:00:00Z' }),
      'Europe/Amsterdam',
      NOW,
    );
    assert.equal(iso(p.since), '2024-03-30T23:00:00.000Z');
    assert.equal(iso(p.until), '2024-03-31T22:00:00.000Z');
    assert.equal(p.until - p.since, 23 * 3_600_000);
    assert.equal(
      p.previous.until - p.previous.since,
      23 * 3_600_000,
      'the previous period has the same length',
    );
  });

  it('weekly is the last complete ISO week (Monday first); monthly the last complete month', () => {
    const w = resolvePeriod(parseReportRequest({ analysisType: 'weekly' }), 'UTC', NOW);
    assert.equal(iso(w.since), '2024-03-04T00:00:00.000Z');
    assert.equal(iso(w.until), '2024-03-11T00:00:00.000Z');
    assert.equal(w.label, 'week of 2024-03-04');
    const m = resolvePeriod(parseReportRequest({ analysisType: 'monthly' }), 'America/New_York', NOW);
    assert.equal(iso(m.since), '2024-02-01T05:00:00.000Z');
    assert.equal(iso(m.until), '2024-03-01T05:00:00.000Z');
    assert.equal(m.label, '2024-02');
    const jan = resolvePeriod(
      parseReportRequest({ analysisType: 'monthly' }),
      'UTC',
      Date.parse('2024-01-05T00:00:00Z'),
    );
    assert.equal(jan.label, '2023-12', 'the month before January is last December');
  });

  it('at selects the period containing a time', () => {
    const w = resolvePeriod(
      parseReportRequest({ analysisType: 'weekly', at: '2023-07-10T12:00:00Z' }),
      'UTC',
      NOW,
    );
    assert.equal(iso(w.since), '2023-07-10T00:00:00.000Z');
  });

  it('custom takes since/until, a duration back from now, or an interval', () => {
    const a = resolvePeriod(
      parseReportRequest({
        analysisType: 'custom',
        since: '2023-07-10T11:00:00Z',
        until: '2023-07-10T13:00:00Z',
      }),
      'UTC',
      NOW,
    );
    assert.equal(a.until - a.since, 2 * 3_600_000);
    assert.equal(iso(a.previous.since), '2023-07-10T09:00:00.000Z');
    const b = resolvePeriod(parseReportRequest({ analysisType: 'custom', timeframe: '24h' }), 'UTC', NOW);
    assert.equal(b.until, NOW);
    assert.equal(b.since, NOW - 86_400_000);
    const c = resolvePeriod(
      parseReportRequest({ analysisType: 'custom', timeframe: '2024-01-01T00:00:00Z/2024-01-08T00:00:00Z' }),
      'UTC',
      NOW,
    );
    assert.equal(c.until - c.since, 7 * 86_400_000);
  });
});
