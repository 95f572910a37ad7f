import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BUILTIN_THRESHOLDS } from '../../../src/core/detect/rules/index.ts';
import { NewKeyUsedFromNewIpDetector } from '../../../src/core/detect/threshold/new-key-used-from-new-ip.ts';
import { ThresholdDetector } from '../../../src/core/detect/threshold/threshold-detector.ts';
import type { ProcessedEvent } from '../../../src/core/event.ts';
import { at, ctEvent } from './helpers.ts';

const run = (d: { observe(e: ProcessedEvent): { ruleId: string }[] }, events: ProcessedEvent[]) =>
  events.flatMap((e) => d.observe(e)).map((f) => f.ruleId);

const failedLogin = (minute: number, user = 'alice', ip = '203.0.113.9') =>
  ctEvent({
    eventTime: at(minute),
    eventSource: 'signin.amazonaws.com',
    eventName: 'ConsoleLogin',
    sourceIPAddress: ip,
    userIdentity: { type: 'IAMUser', accountId: '123456789012', userName: user, principalId: user },
    responseElements: { ConsoleLogin: 'Failure' },
    additionalEventData: { MFAUsed: 'No' },
  });

describe('threshold rules', () => {
  it('fires once when five console sign-ins for a user fail within 15 minutes', () => {
    const d = new ThresholdDetector(BUILTIN_THRESHOLDS);
    const fired = run(
      d,
      [0, 2, 4, 6, 8, 9, 10].map((m) => failedLogin(m)),
    );
    assert.equal(fired.filter((r) => r === 'signin.failed-logins-per-user').length, 1);
    assert.equal(fired.filter((r) => r === 'signin.failed-logins-per-ip').length, 1);
  });

  it('does not fire for failures spread beyond the window', () => {
    const d = new ThresholdDetector(BUILTIN_THRESHOLDS);
    const fired = run(
      d,
      [0, 20, 40, 60, 80, 100].map((m) => failedLogin(m)),
    );
    assert.deepEqual(fired, []);
  });

  it('counts in event time even when a file lists events out of order', () => {
    const d = new ThresholdDetector(BUILTIN_THRESHOLDS);
    const fired = run(
      d,
      [9, 1, 7, 3, 5].map((m) => failedLogin(m)),
    );
    assert.ok(fired.includes('signin.failed-logins-per-user'));
  });

  it('detects password spraying across ten user names, not one user failing ten times', () => {
    const spray = new ThresholdDetector(BUILTIN_THRESHOLDS);
    const users = Array.from({ length: 10 }, (_, i) => failedLogin(i * 3, `user${i}`, `203.0.113.${i}`));
    assert.ok(run(spray, users).includes('signin.password-spraying'));
    const single = new ThresholdDetector(BUILTIN_THRESHOLDS);
    const same = Array.from({ length: 10 }, (_, i) => failedLogin(i * 3, 'bob', `203.0.113.${i}`));
    assert.ok(!run(single, same).includes('signin.password-spraying'));
  });

  it('fires on an AccessDenied burst but not on the same errors made by an AWS service', () => {
    const deniedCall = (m: number, ip = '198.51.100.7') =>
      ctEvent({
        eventTime: at(m / 10),
        eventSource: 'iam.amazonaws.com',
        eventName: 'ListUsers',
        errorCode: 'AccessDenied',
        sourceIPAddress: ip,
      });
    const d = new ThresholdDetector(BUILTIN_THRESHOLDS);
    assert.ok(
      run(
        d,
        Array.from({ length: 12 }, (_, i) => deniedCall(i)),
      ).includes('api.access-denied-burst'),
    );
    const quiet = new ThresholdDetector(BUILTIN_THRESHOLDS);
    assert.ok(
      !run(
        quiet,
        Array.from({ length: 12 }, (_, i) => deniedCall(i, 'cloudformation.amazonaws.com')),
      ).includes('api.access-denied-burst'),
    );
  });

  it('fires on an enumeration burst of many different read calls, not on one call repeated', () => {
    const read = (i: number, name: string) =>
      ctEvent({ eventTime: at(i / 10), eventSource: 'ec2.amazonaws.com', eventName: name });
    const many = new ThresholdDetector(BUILTIN_THRESHOLDS);
    assert.ok(
      run(
        many,
        Array.from({ length: 35 }, (_, i) => read(i, `DescribeThing${i}`)),
      ).includes('api.enumeration-burst'),
    );
    const repeated = new ThresholdDetector(BUILTIN_THRESHOLDS);
    assert.ok(
      !run(
        repeated,
        Array.from({ length: 100 }, (_, i) => read(i, 'DescribeInstances')),
      ).includes('api.enumeration-burst'),
    );
  });

  it('fires on mass S3 object deletion in one bucket, not on deletions spread over buckets below the threshold', () => {
    const del = (i: number, bucket: string) =>
      ctEvent({
        eventTime: at(i / 20),
        eventSource: 's3.amazonaws.com',
        eventName: 'DeleteObject',
        requestParameters: { bucketName: bucket, key: `k${i}` },
      });
    const d = new ThresholdDetector(BUILTIN_THRESHOLDS);
    assert.ok(
      run(
        d,
        Array.from({ length: 60 }, (_, i) => del(i, 'data')),
      ).includes('s3.mass-object-deletion'),
    );
    const spread = new ThresholdDetector(BUILTIN_THRESHOLDS);
    assert.ok(
      !run(
        spread,
        Array.from({ length: 60 }, (_, i) => del(i, `b${i % 3}`)),
      ).includes('s3.mass-object-deletion'),
    );
  });

  it('keeps its windows across runs through exportState/importState (JSON), and bounds them', () => {
    const first = new ThresholdDetector(BUILTIN_THRESHOLDS);
    run(
      first,
      [0, 1, 2].map((m) => failedLogin(m)),
    );
    const state = JSON.parse(JSON.stringify(first.exportState()));
    const second = new ThresholdDetector(BUILTIN_THRESHOLDS);
    second.importState(state);
    assert.ok(
      run(
        second,
        [3, 4].map((m) => failedLogin(m)),
      ).includes('signin.failed-logins-per-user'),
    );
    const bounded = new ThresholdDetector(BUILTIN_THRESHOLDS, { maxGroups: 10, extraEntries: 5 });
    run(
      bounded,
      Array.from({ length: 50 }, (_, i) => failedLogin(i, `u${i}`, `203.0.113.${i}`)),
    );
    const exported = bounded.exportState() as { rules: Record<string, unknown[]> };
    for (const groups of Object.values(exported.rules)) assert.ok(groups.length <= 10);
  });
});

describe('sequence: access key created then used from a new address', () => {
  const create = ctEvent({
    eventTime: at(0),
    eventSource: 'iam.amazonaws.com',
    eventName: 'CreateAccessKey',
    sourceIPAddress: '198.51.100.7',
    requestParameters: { userName: 'bob' },
    responseElements: { accessKey: { accessKeyId: 'AKIANEWKEY', userName: 'bob', status: 'Active' } },
  });
  const use = (minute: number, ip: string) =>
    ctEvent({
      eventTime: at(minute),
      eventSource: 'sts.amazonaws.com',
      eventName: 'GetCallerIdentity',
      sourceIPAddress: ip,
      userIdentity: {
        type: 'IAMUser',
        userName: 'bob',
        principalId: 'AIDABOB',
        arn: 'arn:aws:iam::123456789012:user/bob',
        accessKeyId: 'AKIANEWKEY',
        accountId: '123456789012',
      },
    });

  it('fires when the new key is used from another IP within the hour', () => {
    const d = new NewKeyUsedFromNewIpDetector();
    const fired = run(d, [create, use(12, '203.0.113.50')]);
    assert.deepEqual(fired, ['sequence.access-key-created-then-used-from-new-ip']);
  });

  it('does not fire for use from the creating address, or long after', () => {
    assert.deepEqual(run(new NewKeyUsedFromNewIpDetector(), [create, use(5, '198.51.100.7')]), []);
    assert.deepEqual(run(new NewKeyUsedFromNewIpDetector(), [create, use(180, '203.0.113.50')]), []);
  });

  it('remembers created keys across runs', () => {
    const first = new NewKeyUsedFromNewIpDetector();
    run(first, [create]);
    const second = new NewKeyUsedFromNewIpDetector();
    second.importState(JSON.parse(JSON.stringify(first.exportState())));
    assert.equal(run(second, [use(20, '203.0.113.50')]).length, 1);
  });
});
