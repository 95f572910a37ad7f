import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultConfig } from '../../../src/core/config.ts';
import { AuthFailureBurstDetector } from '../../../src/core/detect/app/auth-failure-burst.ts';
import { ErrorBurstDetector } from '../../../src/core/detect/app/error-burst.ts';
import { Http5xxSpikeDetector } from '../../../src/core/detect/app/http-5xx-spike.ts';
import { defaultDetectors } from '../../../src/core/detect/default-detectors.ts';
import type { Detector } from '../../../src/core/detect/detector.ts';
import type { ProcessedEvent } from '../../../src/core/event.ts';
import type { Finding } from '../../../src/core/finding.ts';
import { Engine } from '../../../src/core/pipeline.ts';
import { parseAppLog } from '../../../src/core/sources/app-log.ts';

const T0 = Date.UTC(2024, 2, 5, 12);
let n = 0;

function ev(over: Partial<ProcessedEvent> & { raw?: Record<string, unknown> }): ProcessedEvent {
  n++;
  return {
    id: `e${n}`,
    time: T0,
    source: 'app-log',
    account: '',
    region: '',
    service: 'shop',
    action: 'log.info',
    principal: { type: 'Unknown', id: 'unknown', name: 'unknown' },
    sourceIp: '',
    userAgent: '',
    anomalyFlags: [],
    riskScore: 0,
    ...over,
    raw: { level: 'info', ...over.raw },
  };
}
const run = (d: Detector, events: ProcessedEvent[]): Finding[] => events.flatMap((e) => d.observe(e));
const minutes = (m: number) => T0 + m * 60_000;

describe('app.error-burst', () => {
  const quietHour = () =>
    Array.from({ length: 60 }, (_, m) =>
      ev({ time: minutes(m), raw: { level: m % 10 === 0 ? 'error' : 'info' } }),
    );

  it('fires when a service logs many more errors than in the hour before', () => {
    const burst = Array.from({ length: 30 }, (_, i) =>
      ev({ time: minutes(61) + i * 1000, raw: { level: 'error' } }),
    );
    const found = run(new ErrorBurstDetector({ minErrors: 20, factor: 5 }), [...quietHour(), ...burst]);
    assert.deepEqual(
      found.map((f) => [f.ruleId, f.severity, f.evidence.errors]),
      [['app.error-burst', 'MEDIUM', 20]],
    );
  });

  it('does not fire for a service that always errs at that rate, nor for HTTP responses', () => {
    const steady = Array.from({ length: 120 }, (_, m) =>
      Array.from({ length: 6 }, (_, i) => ev({ time: minutes(m) + i * 1000, raw: { level: 'error' } })),
    ).flat();
    assert.equal(run(new ErrorBurstDetector({ minErrors: 20, factor: 5 }), steady).length, 0);
    const http = Array.from({ length: 30 }, (_, i) =>
      ev({ time: minutes(61) + i, raw: { level: 'error', status: 500 } }),
    );
    assert.equal(
      run(new ErrorBurstDetector({ minErrors: 20, factor: 5 }), [...quietHour(), ...http]).length,
      0,
    );
  });
});

describe('app.http-5xx-spike', () => {
  const okHour = () => Array.from({ length: 60 }, (_, m) => ev({ time: minutes(m), raw: { status: 200 } }));

  it('fires for a new spike of 5xx responses', () => {
    const spike = Array.from({ length: 15 }, (_, i) =>
      ev({ time: minutes(62) + i * 1000, raw: { status: 502 } }),
    );
    const found = run(new Http5xxSpikeDetector({ minCount: 10, factor: 5 }), [...okHour(), ...spike]);
    assert.equal(found.length, 1);
    assert.equal(found[0].ruleId, 'app.http-5xx-spike');
    assert.equal(found[0].evidence.baseline, 0);
  });

  it('does not fire for 4xx, nor for a service that has failed this way all along', () => {
    const notFound = Array.from({ length: 30 }, (_, i) =>
      ev({ time: minutes(62) + i, raw: { status: 404 } }),
    );
    assert.equal(
      run(new Http5xxSpikeDetector({ minCount: 10, factor: 5 }), [...okHour(), ...notFound]).length,
      0,
    );
    const chronic = Array.from({ length: 120 }, (_, m) =>
      Array.from({ length: 3 }, (_, i) => ev({ time: minutes(m) + i * 1000, raw: { status: 503 } })),
    ).flat();
    assert.equal(run(new Http5xxSpikeDetector({ minCount: 10, factor: 5 }), chronic).length, 0);
  });
});

describe('app.auth-failure-burst', () => {
  const options = { threshold: 10, windowMinutes: 10 };
  const failure = (i: number, over: Partial<ProcessedEvent> = {}) =>
    ev({
      time: minutes(0) + i * 5000,
      service: 'sshd',
      action: 'auth.failure',
      errorCode: 'AuthFailure',
      sourceIp: '185.199.108.1',
      ...over,
    });

  it('fires for an sshd brute force from one address (read from real auth.log lines)', () => {
    const text = Array.from(
      { length: 12 },
      (_, i) =>
        `Mar  5 12:0${Math.floor(i / 6)}:${String((i % 6) * 10).padStart(2, '0')} bastion sshd[${100 + i}]: Failed password for user${i} from 185.199.108.1 port ${40000 + i} ssh2`,
    ).join('\n');
    const events = parseAppLog('auth.log', text, { referenceTime: Date.UTC(2024, 2, 6) })
      .events as ProcessedEvent[];
    const found = run(new AuthFailureBurstDetector(options), events);
    assert.equal(found.length, 1);
    assert.equal(found[0].severity, 'HIGH');
    assert.equal(found[0].sourceIp, '185.199.108.1');
    assert.equal(found[0].eventIds.length, 10);
    assert.deepEqual(found[0].mitre, [{ tactic: 'TA0006', technique: 'T1110' }]);
  });

  it('fires per user too (failures from many addresses), and counts HTTP 401', () => {
    const spread = Array.from({ length: 10 }, (_, i) =>
      ev({
        time: minutes(i),
        action: 'HTTP POST',
        sourceIp: `185.199.108.${i}`,
        principal: { type: 'AppUser', id: 'shop:alice', name: 'alice' },
        raw: { status: 401 },
      }),
    );
    const found = run(new AuthFailureBurstDetector(options), spread);
    assert.equal(found.length, 1);
    assert.equal(found[0].principal?.name, 'alice');
  });

  it('raises a CRITICAL finding when the bursting address then logs in', () => {
    const events = [
      ...Array.from({ length: 10 }, (_, i) => failure(i)),
      ev({
        time: minutes(3),
        service: 'sshd',
        action: 'auth.success',
        sourceIp: '185.199.108.1',
        principal: { type: 'AppUser', id: 'sshd:root', name: 'root' },
      }),
    ];
    const found = run(new AuthFailureBurstDetector(options), events);
    assert.deepEqual(
      found.map((f) => [f.ruleId, f.severity]),
      [
        ['app.auth-failure-burst', 'HIGH'],
        ['app.brute-force-success', 'CRITICAL'],
      ],
    );
  });

  it('does not fire for failures spread beyond the window, or for a login without a burst', () => {
    const slow = Array.from({ length: 20 }, (_, i) => failure(0, { time: minutes(i * 2) }));
    assert.equal(run(new AuthFailureBurstDetector(options), slow).length, 0);
    const login = ev({ service: 'sshd', action: 'auth.success', sourceIp: '185.199.108.1' });
    assert.equal(run(new AuthFailureBurstDetector(options), [login]).length, 0);
  });

  it('is one of the default detectors, and single failures are not high-risk events', () => {
    const config = defaultConfig();
    const engine = new Engine(config, defaultDetectors(config));
    const { events, findings } = engine.process(Array.from({ length: 10 }, (_, i) => failure(i)));
    assert.ok(findings.some((f) => f.ruleId === 'app.auth-failure-burst'));
    assert.deepEqual(events[0].anomalyFlags, ['FAILED_AUTHENTICATION']);
    assert.ok(!findings.some((f) => f.ruleId === 'seed.high-risk-event'));
  });
});
