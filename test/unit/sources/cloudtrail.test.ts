import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  normalizeCloudTrailRecord,
  normalizeIdentity,
  parseCloudTrail,
} from '../../../src/core/sources/cloudtrail.ts';
import { EXAMPLES, jsonFiles, pantherLogs, recordsOf, STRATUS } from '../../helpers/fixtures.ts';

describe('CloudTrail reader on real logs', () => {
  it('reads every bundled Invictus and Stratus file with no input errors', () => {
    let events = 0;
    const files = [...jsonFiles(EXAMPLES), ...jsonFiles(STRATUS)];
    assert.equal(files.length, 55 + 35);
    for (const file of files) {
      const parsed = parseCloudTrail(file, readFileSync(file, 'utf8'));
      assert.deepEqual(parsed.errors, [], file);
      assert.ok(parsed.events.length > 0, file);
      events += parsed.events.length;
    }
    assert.equal(events, 2900 + 310);
  });

  it('normalizes every Panther CloudTrail test log that has an eventName and a real eventTime', () => {
    const logs = pantherLogs().filter(
      (c) => c.log.eventName && !Number.isNaN(Date.parse(String(c.log.eventTime))),
    );
    assert.ok(logs.length > 250);
    for (const { log } of logs) {
      const result = normalizeCloudTrailRecord(log, 'panther', 0);
      assert.ok(result.ok, JSON.stringify(log).slice(0, 200));
    }
  });

  it('keeps eventID, time in UTC epoch ms, and the record as raw', () => {
    const [record] = recordsOf(jsonFiles(EXAMPLES)[0]);
    const result = normalizeCloudTrailRecord(record, 'f', 0);
    assert.ok(result.ok);
    assert.equal(result.value.id, record.eventID);
    assert.equal(result.value.time, Date.parse(String(record.eventTime)));
    assert.equal(result.value.raw, record);
    assert.equal(result.value.service, record.eventSource);
  });
});

describe('CloudTrail file shapes', () => {
  const records = recordsOf(jsonFiles(STRATUS)[0]).slice(0, 3);

  it('reads a delivery file, a JSON array, JSON lines and a single record alike', () => {
    const shapes = {
      delivery: JSON.stringify({ Records: records }),
      array: JSON.stringify(records),
      lines: records.map((r) => JSON.stringify(r)).join('\n'),
      single: JSON.stringify(records[0]),
    };
    for (const [shape, text] of Object.entries(shapes)) {
      const parsed = parseCloudTrail(`x.${shape}`, text);
      assert.deepEqual(parsed.errors, [], shape);
      assert.equal(parsed.events.length, shape === 'single' ? 1 : 3, shape);
    }
  });

  it('recognises digest files by path and by content, and skips them', () => {
    const digest = JSON.stringify({
      digestStartTime: '2023-07-10T11:00:00Z',
      digestEndTime: '2023-07-10T12:00:00Z',
      logFiles: [],
    });
    assert.equal(
      parseCloudTrail('AWSLogs/1/CloudTrail-Digest/us-east-1/2023/07/10/x.json.gz', '{}').skipped,
      'digest',
    );
    assert.equal(parseCloudTrail('somewhere/x.json', digest).skipped, 'digest');
  });

  it('reports bad records with their index and keeps the good ones', () => {
    const text = JSON.stringify({
      Records: [
        records[0],
        { eventTime: '2023-07-10T11:00:00Z' },
        42,
        { ...records[1], eventTime: 'yesterday' },
        records[2],
      ],
    });
    const parsed = parseCloudTrail('f.json', text);
    assert.equal(parsed.events.length, 2);
    assert.deepEqual(
      parsed.errors.map((e) => [e.record, e.reason]),
      [
        [1, 'missing eventName'],
        [2, 'record is not a JSON object'],
        [3, 'eventTime "yesterday" is not an ISO-8601 time'],
      ],
    );
  });

  it('reports bad JSON lines by line number', () => {
    const text = `${JSON.stringify(records[0])}\n{"eventName": broken\n\n${JSON.stringify(records[1])}\n`;
    const parsed = parseCloudTrail('f.jsonl', text);
    assert.equal(parsed.events.length, 2);
    assert.equal(parsed.errors.length, 1);
    assert.equal(parsed.errors[0].record, 2);
    assert.match(parsed.errors[0].reason, /invalid JSON/);
  });

  it('names what is wrong with a file that holds no CloudTrail records', () => {
    assert.match(
      parseCloudTrail('f.json', '{"hello": "world"}').errors[0].reason,
      /unknown JSON shape \(top-level keys: "hello"\); understood: CloudTrail delivery files/,
    );
    assert.match(parseCloudTrail('f.json', '{"Records": {}}').errors[0].reason, /not an array/);
    assert.match(parseCloudTrail('f.json', '').errors[0].reason, /empty file/);
    assert.match(parseCloudTrail('f.json', '{"Records": [').errors[0].reason, /invalid JSON/);
  });

  it('accepts records from eventVersion 1.0x to 1.11 and without optional fields', () => {
    for (const eventVersion of ['1.01', '1.02', '1.05', '1.08', '1.09', '1.10', '1.11']) {
      const minimal = { eventVersion, eventTime: '2023-07-10T11:00:00Z', eventName: 'GetCallerIdentity' };
      const result = normalizeCloudTrailRecord(minimal, 'f', 0);
      assert.ok(result.ok, eventVersion);
      assert.equal(result.value.principal.type, 'Unknown');
      assert.equal(result.value.service, 'unknown');
      assert.equal(result.value.sourceIp, '');
      assert.match(result.value.id, /^[0-9a-f]{32}$/, 'a stable id stands in for a missing eventID');
    }
  });
});

// Identity blocks as the CloudTrail userIdentity documentation shows them.
describe('userIdentity types', () => {
  const cases: [string, Record<string, unknown>, string, Record<string, unknown>?][] = [
    [
      'IAMUser',
      {
        type: 'IAMUser',
        principalId: 'AIDAJ45Q7YFFAREXAMPLE',
        arn: 'arn:aws:iam::123456789012:user/Alice',
        accountId: '123456789012',
        accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
        userName: 'Alice',
      },
      'Alice',
    ],
    [
      'AssumedRole',
      {
        type: 'AssumedRole',
        principalId: 'AROAIDPPEZS35WEXAMPLE:AssumedRoleSessionName',
        arn: 'arn:aws:sts::123456789012:assumed-role/RoleToBeAssumed/MySessionName',
        accountId: '123456789012',
        accessKeyId: 'ASIAIOSFODNN7EXAMPLE',
        sessionContext: {
          sessionIssuer: {
            type: 'Role',
            principalId: 'AROAIDPPEZS35WEXAMPLE',
            arn: 'arn:aws:iam::123456789012:role/RoleToBeAssumed',
            accountId: '123456789012',
            userName: 'RoleToBeAssumed',
          },
          attributes: { creationDate: '2019-06-10T19:04:24Z', mfaAuthenticated: 'true' },
        },
      },
      'RoleToBeAssumed/MySessionName',
      { mfa: true, sessionIssuer: 'arn:aws:iam::123456789012:role/RoleToBeAssumed' },
    ],
    [
      'Root',
      {
        type: 'Root',
        principalId: '123456789012',
        arn: 'arn:aws:iam::123456789012:root',
        accountId: '123456789012',
      },
      'root',
    ],
    ['AWSService', { type: 'AWSService', invokedBy: 'cloudtrail.amazonaws.com' }, 'cloudtrail.amazonaws.com'],
    [
      'AWSAccount',
      { type: 'AWSAccount', principalId: 'AIDAJ45Q7YFFAREXAMPLE', accountId: '111122223333' },
      '111122223333',
    ],
    [
      'FederatedUser',
      {
        type: 'FederatedUser',
        principalId: '123456789012:Mary',
        arn: 'arn:aws:sts::123456789012:federated-user/Mary',
        accountId: '123456789012',
        sessionContext: {
          sessionIssuer: { type: 'IAMUser', userName: 'Bob', arn: 'arn:aws:iam::123456789012:user/Bob' },
        },
      },
      'Mary',
    ],
    [
      'IdentityCenterUser',
      {
        type: 'IdentityCenterUser',
        accountId: '123456789012',
        onBehalfOf: {
          userId: '544894e8-80c1-707f-60e3-3ba6510dfac1',
          identityStoreArn: 'arn:aws:identitystore::123456789012:identitystore/d-9067642ac7',
        },
        credentialId: 'EXAMPLEVHULjJdTUdPJfofVa1sufHDoj7aYcOYcxFVllWR_Whr1fEXAMPLE',
      },
      '544894e8-80c1-707f-60e3-3ba6510dfac1',
    ],
    [
      'SAMLUser',
      {
        type: 'SAMLUser',
        principalId: 'SampleUkh1i4+ExamplexL/jEvs=:SamlExample',
        userName: 'SamlExample',
        identityProvider: 'bdGOnTesti4+ExamplexL/jEvs=',
      },
      'SamlExample',
    ],
    [
      'WebIdentityUser',
      {
        type: 'WebIdentityUser',
        principalId: 'accounts.google.com:application-id.apps.googleusercontent.com:user-id',
        userName: 'user-id',
        identityProvider: 'accounts.google.com',
      },
      'user-id',
    ],
    [
      'Unknown',
      {
        type: 'Unknown',
        principalId: 'AIDACKCEVSQ6C2EXAMPLE',
        accountId: '123456789012',
        userName: 'alice@example.com',
      },
      'alice@example.com',
    ],
  ];
  for (const [type, identity, name, extra] of cases) {
    it(`${type} gets a readable name and a stable id`, () => {
      const principal = normalizeIdentity(identity);
      assert.equal(principal.type, type);
      assert.equal(principal.name, name);
      assert.ok(principal.id.length > 0);
      for (const [k, v] of Object.entries(extra ?? {}))
        assert.deepEqual(principal[k as keyof typeof principal], v, k);
    });
  }

  it('reads MFA use of a console sign-in from additionalEventData', () => {
    const principal = normalizeIdentity(
      { type: 'IAMUser', userName: 'Alice', principalId: 'AIDA' },
      { eventName: 'ConsoleLogin', additionalEventData: { MFAUsed: 'No' } },
    );
    assert.equal(principal.mfa, false);
  });
});
