import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, parseConfig } from '../../../src/core/config.ts';

describe('configuration', () => {
  it('has working defaults: UTC, 08–18 on weekdays, thresholds 7 and 8', () => {
    const config = parseConfig({});
    assert.equal(config.timeZone, 'UTC');
    assert.deepEqual(config.businessHours, { start: 8, end: 18, days: [1, 2, 3, 4, 5] });
    assert.equal(config.highRiskThreshold, 7);
    assert.equal(config.alertThreshold, 8);
  });

  it('names an unknown key and lists the allowed ones', () => {
    assert.throws(
      () => parseConfig({ timezone: 'UTC' }, 'logwarden.config.yaml'),
      (err: Error) =>
        err instanceof ConfigError &&
        /logwarden\.config\.yaml is invalid/.test(err.message) &&
        /timezone: unknown key \(allowed: timeZone, /.test(err.message),
    );
    assert.throws(
      () => parseConfig({ businessHours: { start: 9, finish: 17 } }),
      /businessHours\.finish: unknown key \(allowed: start, end, days\)/,
    );
  });

  it('names a bad value and what is allowed', () => {
    assert.throws(() => parseConfig({ timeZone: 'Mars/Olympus' }), /timeZone: must be an IANA time zone/);
    assert.throws(() => parseConfig({ trustedCidrs: ['10.0.0.1'] }), /trustedCidrs\.0: must be a CIDR/);
    assert.throws(() => parseConfig({ businessHours: { start: 25 } }), /businessHours\.start: .*<=24/);
    assert.throws(() => parseConfig({ highRiskThreshold: 'high' }), /highRiskThreshold: .*number/);
  });
});
