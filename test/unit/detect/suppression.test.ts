import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, parseConfig } from '../../../src/core/config.ts';
import { defaultDetectors } from '../../../src/core/detect/default-detectors.ts';
import { collectDiagnostics } from '../../../src/core/detect/detector.ts';
import { Engine } from '../../../src/core/pipeline.ts';
import { ctEvent } from './helpers.ts';

const stop = (time: string, ip = '198.51.100.7', region = 'us-east-1') =>
  ctEvent({
    eventTime: time,
    eventSource: 'cloudtrail.amazonaws.com',
    eventName: 'StopLogging',
    sourceIPAddress: ip,
    awsRegion: region,
  });

function analyze(detection: unknown, events: ReturnType<typeof stop>[]) {
  const config = parseConfig({ detection });
  const engine = new Engine(config, defaultDetectors(config));
  const { findings } = engine.process(events);
  return {
    shown: findings.filter((f) => f.ruleId === 'cloudtrail.logging-stopped'),
    diag: collectDiagnostics(engine.detectors),
  };
}

describe('suppressions', () => {
  it('hides a rule for a principal and a CIDR, and counts what it hid', () => {
    const { shown, diag } = analyze(
      {
        suppressions: [
          {
            rule: 'cloudtrail.logging-stopped',
            principal: 'alice',
            sourceIp: '198.51.100.0/24',
            reason: 'maintenance window tooling',
          },
        ],
      },
      [stop('2024-05-01T10:00:00Z'), stop('2024-05-01T10:05:00Z', '203.0.113.1')],
    );
    assert.equal(shown.length, 1, 'the call from outside the CIDR is still shown');
    assert.equal(shown[0].sourceIp, '203.0.113.1');
    assert.equal(diag.suppressedByRule['cloudtrail.logging-stopped'], 1);
  });

  it('stops applying after its expiry, judged by the event time (not the clock)', () => {
    const suppression = {
      rule: 'cloudtrail.*',
      account: '123456789012',
      region: 'us-east-1',
      reason: 'trail migration',
      expires: '2024-05-01',
    };
    const { shown, diag } = analyze({ suppressions: [suppression] }, [
      stop('2024-05-01T23:00:00Z'),
      stop('2024-05-02T00:00:01Z'),
    ]);
    assert.equal(shown.length, 1);
    assert.equal(shown[0].time, Date.parse('2024-05-02T00:00:01Z'));
    assert.ok(diag.suppressed >= 1);
  });

  it('does not hide findings of another region or account', () => {
    const { shown } = analyze(
      { suppressions: [{ rule: 'cloudtrail.logging-stopped', region: 'eu-west-1', reason: 'lab region' }] },
      [stop('2024-05-01T10:00:00Z')],
    );
    assert.equal(shown.length, 1);
  });

  it('requires a reason and a valid expiry', () => {
    assert.throws(() => parseConfig({ detection: { suppressions: [{ rule: 'x' }] } }), ConfigError);
    assert.throws(
      () => parseConfig({ detection: { suppressions: [{ rule: 'x', reason: '  ' }] } }),
      /reason/,
    );
    assert.throws(
      () => parseConfig({ detection: { suppressions: [{ rule: 'x', reason: 'y', expires: 'soon' }] } }),
      /ISO-8601/,
    );
  });
});

describe('suppressions of the seed finding', () => {
  it('hide the generic high-risk-event finding too, and count it', () => {
    // An event no specific rule explains (the seed finding stands alone), made high-risk by its flags.
    const risky = ctEvent({
      eventTime: '2024-05-04T02:00:00Z',
      eventSource: 's3.amazonaws.com',
      eventName: 'PutBucketLifecycle',
      sourceIPAddress: '198.51.100.7',
      errorCode: 'AccessDenied',
    });
    const run = (suppressions: unknown[]) => {
      const config = parseConfig({ detection: { suppressions } });
      const engine = new Engine(config, []);
      const { findings } = engine.process([structuredClone(risky)]);
      return { findings, diag: collectDiagnostics(engine.detectors) };
    };
    const open = run([]);
    assert.deepEqual(
      open.findings.map((f) => f.ruleId),
      ['seed.high-risk-event'],
    );
    const hidden = run([{ rule: 'seed.high-risk-event', principal: 'alice', reason: 'lifecycle tooling' }]);
    assert.deepEqual(hidden.findings, []);
    assert.equal(hidden.diag.suppressedByRule['seed.high-risk-event'], 1);
  });
});
