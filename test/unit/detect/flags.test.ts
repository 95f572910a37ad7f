import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfig } from '../../../src/core/config.ts';
import { FlagEvaluator, riskScore } from '../../../src/core/detect/flags.ts';
import type { NormalizedEvent } from '../../../src/core/event.ts';
import { normalizeCloudTrailRecord } from '../../../src/core/sources/cloudtrail.ts';
import { EXAMPLES, jsonFiles, recordsOf, STRATUS } from '../../helpers/fixtures.ts';

const all = recordsOf(...jsonFiles(EXAMPLES), ...jsonFiles(STRATUS));
/** A real record by eventName (and an optional extra test), normalized, with changes applied. */
function real(
  eventName: string,
  change: (r: Record<string, unknown>) => void = () => {},
  pick = (_: Record<string, unknown>) => true,
): NormalizedEvent {
  const found = all.find((r) => r.eventName === eventName && pick(r));
  assert.ok(found, `no real ${eventName} record`);
  const record = structuredClone(found);
  change(record);
  const result = normalizeCloudTrailRecord(record, 'test', 0);
  assert.ok(result.ok);
  return result.value;
}
const at = (iso: string) => (r: Record<string, unknown>) => {
  r.eventTime = iso;
};
const flagsOf = (event: NormalizedEvent, config = {}) => new FlagEvaluator(parseConfig(config)).flags(event);

describe('UNUSUAL_TIME (seed bug 1: host time zone)', () => {
  it('reads business hours in UTC by default, whatever the host time zone is', () => {
    const weekdayNoon = real('GetCallerIdentity', at('2023-07-10T12:00:00Z')); // a Monday
    const weekdayNight = real('GetCallerIdentity', at('2023-07-10T03:00:00Z'));
    const saturday = real('GetCallerIdentity', at('2023-07-08T12:00:00Z'));
    assert.ok(!flagsOf(weekdayNoon).includes('UNUSUAL_TIME'));
    assert.ok(flagsOf(weekdayNight).includes('UNUSUAL_TIME'));
    assert.ok(flagsOf(saturday).includes('UNUSUAL_TIME'));
  });

  it('uses the configured time zone and hours, including half-hour offsets', () => {
    const event = real('GetCallerIdentity', at('2023-07-10T03:45:00Z')); // 09:15 in Kolkata (+05:30)
    assert.ok(flagsOf(event).includes('UNUSUAL_TIME'));
    assert.ok(!flagsOf(event, { timeZone: 'Asia/Kolkata' }).includes('UNUSUAL_TIME'));
    const early = real('GetCallerIdentity', at('2023-07-10T02:15:00Z')); // 07:45 in Kolkata
    assert.ok(flagsOf(early, { timeZone: 'Asia/Kolkata' }).includes('UNUSUAL_TIME'));
    assert.ok(
      !flagsOf(early, { timeZone: 'Asia/Kolkata', businessHours: { start: 7, end: 19 } }).includes(
        'UNUSUAL_TIME',
      ),
    );
  });
});

describe('FAILED_AUTHENTICATION (seed bug 2: console failures are not errorCodes)', () => {
  it('flags ConsoleLogin with responseElements.ConsoleLogin = Failure', () => {
    const failure = real('ConsoleLogin', (r) => {
      r.responseElements = { ConsoleLogin: 'Failure' };
      r.errorMessage = 'Failed authentication';
    });
    assert.equal(failure.errorCode, undefined, 'a console failure carries no errorCode');
    assert.ok(flagsOf(failure).includes('FAILED_AUTHENTICATION'));
  });

  it('does not flag a successful ConsoleLogin', () => {
    const success = real('ConsoleLogin', (r) => {
      r.responseElements = { ConsoleLogin: 'Success' };
    });
    assert.ok(!flagsOf(success).includes('FAILED_AUTHENTICATION'));
  });

  it('flags rejected credentials but not an authorization decision', () => {
    const rejected = real('GetCallerIdentity', (r) => {
      r.errorCode = 'InvalidClientTokenId';
    });
    const denied = real('GetCallerIdentity', (r) => {
      r.errorCode = 'AccessDenied';
    });
    assert.ok(flagsOf(rejected).includes('FAILED_AUTHENTICATION'));
    assert.ok(!flagsOf(denied).includes('FAILED_AUTHENTICATION'));
  });
});

describe('UNUSUAL_LOCATION (seed bug 3: every public IP and every service hostname)', () => {
  it('never flags AWS service hostnames, AWS Internal or AWSService identities', () => {
    const service = real(
      'Decrypt',
      () => {},
      (r) => String(r.sourceIPAddress).endsWith('amazonaws.com'),
    );
    assert.match(service.sourceIp, /amazonaws\.com$/);
    assert.ok(!flagsOf(service).includes('UNUSUAL_LOCATION'));
    const internal = real('GetCallerIdentity', (r) => {
      r.sourceIPAddress = 'AWS Internal';
    });
    assert.ok(!flagsOf(internal).includes('UNUSUAL_LOCATION'));
  });

  it('never flags private addresses', () => {
    const event = real('GetCallerIdentity', (r) => {
      r.sourceIPAddress = '192.168.10.20';
    });
    assert.ok(!flagsOf(event).includes('UNUSUAL_LOCATION'));
  });

  it('flags a public IP outside the trusted CIDRs and not one inside them (IPv4 and IPv6)', () => {
    const v4 = real('GetCallerIdentity', (r) => {
      r.sourceIPAddress = '185.220.101.7';
    });
    const v6 = real('GetCallerIdentity', (r) => {
      r.sourceIPAddress = '2600:1f18::1';
    });
    assert.ok(flagsOf(v4).includes('UNUSUAL_LOCATION'));
    assert.ok(!flagsOf(v4, { trustedCidrs: ['185.220.101.0/24'] }).includes('UNUSUAL_LOCATION'));
    assert.ok(flagsOf(v6, { trustedCidrs: ['185.220.101.0/24'] }).includes('UNUSUAL_LOCATION'));
    assert.ok(!flagsOf(v6, { trustedCidrs: ['2600:1f18::/32'] }).includes('UNUSUAL_LOCATION'));
  });
});

describe('HIGH_RISK_ACTION and ROOT_USER_ACTIVITY', () => {
  it('flags the responder list (StopLogging, CreateAccessKey …) and honours add/remove', () => {
    const stop = real('StopLogging');
    assert.ok(flagsOf(stop).includes('HIGH_RISK_ACTION'));
    assert.ok(!flagsOf(stop, { highRiskActions: { remove: ['StopLogging'] } }).includes('HIGH_RISK_ACTION'));
    const describe_ = real('DescribeInstances');
    assert.ok(!flagsOf(describe_).includes('HIGH_RISK_ACTION'));
    assert.ok(
      flagsOf(describe_, { highRiskActions: { add: ['DescribeInstances'] } }).includes('HIGH_RISK_ACTION'),
    );
    assert.ok(flagsOf(real('CreateAccessKey')).includes('HIGH_RISK_ACTION'));
  });

  it('flags root acting in person, not an AWS service acting with the root identity', () => {
    const root = real('GetCallerIdentity', (r) => {
      r.userIdentity = {
        type: 'Root',
        principalId: '123456789012',
        arn: 'arn:aws:iam::123456789012:root',
        accountId: '123456789012',
      };
    });
    const viaService = real('GetCallerIdentity', (r) => {
      r.userIdentity = {
        type: 'Root',
        arn: 'arn:aws:iam::123456789012:root',
        accountId: '123456789012',
        invokedBy: 'support.amazonaws.com',
      };
    });
    assert.ok(flagsOf(root).includes('ROOT_USER_ACTIVITY'));
    assert.ok(!flagsOf(viaService).includes('ROOT_USER_ACTIVITY'));
  });
});

describe('risk score (the seed: error +3, flags 2/4/5/6/3, cap 10)', () => {
  it('adds the points of each flag and the error', () => {
    const stop = real('StopLogging', (r) => {
      r.eventTime = '2023-07-10T12:00:00Z';
      r.sourceIPAddress = '10.0.0.1';
      delete r.errorCode;
    });
    assert.equal(riskScore(stop, ['HIGH_RISK_ACTION']), 5);
    stop.errorCode = 'TrailNotFoundException';
    assert.equal(riskScore(stop, ['HIGH_RISK_ACTION']), 8);
    assert.equal(riskScore(stop, ['UNUSUAL_TIME']), 5);
    assert.equal(riskScore(stop, ['UNUSUAL_LOCATION', 'FAILED_AUTHENTICATION']), 10);
  });

  it('caps at 10', () => {
    const event = real('StopLogging', (r) => {
      r.errorCode = 'AccessDenied';
    });
    assert.equal(
      riskScore(event, [
        'UNUSUAL_TIME',
        'UNUSUAL_LOCATION',
        'HIGH_RISK_ACTION',
        'ROOT_USER_ACTIVITY',
        'FAILED_AUTHENTICATION',
      ]),
      10,
    );
  });
});
