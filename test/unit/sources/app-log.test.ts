import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  parseAppLog,
  readAccessLine,
  readApacheErrorLine,
  readJsonEntry,
  readLambdaLine,
  readNginxErrorLine,
  readSyslogLine,
} from '../../../src/core/sources/app-log.ts';
import { parseLogFile } from '../../../src/core/sources/parse.ts';
import { sniffFormat } from '../../../src/core/sources/sniff.ts';
import { ROOT } from '../../helpers/fixtures.ts';

const dir = join(ROOT, 'test/fixtures/app-logs');
const lines = (name: string) => readFileSync(join(dir, name), 'utf8').split('\n');
const REF = Date.UTC(2024, 2, 6);

describe('application logs: access logs', () => {
  it('reads a combined line with request time field for field', () => {
    assert.deepEqual(readAccessLine(lines('access.log')[1]), {
      format: 'access',
      time: Date.UTC(2024, 2, 5, 12, 0, 2),
      message: 'POST /api/login HTTP/1.1',
      status: 401,
      sourceIp: '203.0.113.11',
      user: 'alice',
      method: 'POST',
      path: '/api/login',
      userAgent: 'curl/8.5.0',
      latencyMs: 104,
      level: 'warn',
    });
  });

  it('applies the time zone offset and reads common-format lines without referer/agent', () => {
    assert.equal(readAccessLine(lines('access.log')[2])?.time, Date.UTC(2024, 2, 5, 12, 0, 3));
    const common = readAccessLine(lines('access.log')[3]);
    assert.equal(common?.status, 200);
    assert.equal(common?.userAgent, undefined);
    assert.equal(common?.latencyMs, undefined);
  });
});

describe('application logs: error logs', () => {
  it('reads Apache 2.4 and 2.2 error lines', () => {
    const [a24, a22] = lines('error.log');
    assert.deepEqual(readApacheErrorLine(a24), {
      format: 'apache-error',
      time: Date.UTC(2024, 2, 5, 12, 0, 5, 123),
      level: 'error',
      message: 'AH00037: Symbolic link not allowed or link target not accessible: /var/www/html/link',
      service: 'apache',
      action: 'apache.core',
      sourceIp: '198.51.100.7',
    });
    assert.equal(readApacheErrorLine(a22)?.sourceIp, '192.0.2.8');
    assert.equal(readApacheErrorLine(a22)?.level, 'error');
  });

  it('reads nginx error lines with client and request', () => {
    const e = readNginxErrorLine(lines('error.log')[2]);
    assert.equal(e?.time, Date.UTC(2024, 2, 5, 12, 0, 7));
    assert.equal(e?.level, 'error');
    assert.equal(e?.sourceIp, '203.0.113.10');
    assert.equal(e?.method, 'GET');
    assert.equal(e?.path, '/api/orders');
  });
});

describe('application logs: syslog and auth', () => {
  it('reads sshd failures, invalid users, max attempts and accepted logins', () => {
    const l = lines('auth.log');
    assert.deepEqual(readSyslogLine(l[1], REF), {
      format: 'syslog',
      time: Date.UTC(2024, 2, 5, 12, 1, 1),
      message: 'Failed password for invalid user admin from 203.0.113.50 port 40022 ssh2',
      service: 'sshd',
      host: 'bastion',
      auth: 'failure',
      user: 'admin',
      sourceIp: '203.0.113.50',
      level: 'warn',
    });
    assert.equal(readSyslogLine(l[0], REF)?.auth, 'invalid-user');
    assert.equal(readSyslogLine(l[2], REF)?.auth, 'pam-failure', 'sshd PAM lines are not counted twice');
    assert.equal(readSyslogLine(l[4], REF)?.auth, 'failure');
    const ok = readSyslogLine(l[5], REF);
    assert.deepEqual([ok?.auth, ok?.user, ok?.sourceIp], ['success', 'deploy', '192.0.2.20']);
  });

  it('reads sudo commands and sudo PAM failures', () => {
    const l = lines('auth.log');
    assert.deepEqual(
      [readSyslogLine(l[6], REF)?.action, readSyslogLine(l[6], REF)?.user],
      ['sudo.command', 'deploy'],
    );
    assert.deepEqual([readSyslogLine(l[7], REF)?.auth, readSyslogLine(l[7], REF)?.user], ['failure', 'bob']);
  });

  it('infers the year of BSD syslog lines from the reference time, and reads RFC 5424 and ISO lines', () => {
    assert.equal(
      readSyslogLine('Dec 31 23:59:00 h cron[1]: x', Date.UTC(2025, 0, 1, 0, 5))?.time,
      Date.UTC(2024, 11, 31, 23, 59),
    );
    const r5424 = readSyslogLine(
      '<38>1 2024-03-05T12:00:00.5Z web sshd 99 - - Accepted password for eve from 81.2.69.142 port 5 ssh2',
      REF,
    );
    assert.deepEqual(
      [r5424?.time, r5424?.level, r5424?.auth, r5424?.user],
      [Date.parse('2024-03-05T12:00:00.5Z'), 'info', 'success', 'eve'],
    );
    const iso = readSyslogLine('2024-03-05T12:00:00+01:00 web app[7]: hello', REF);
    assert.equal(iso?.time, Date.UTC(2024, 2, 5, 11));
  });

  it('turns a file into events and reports the unreadable line with its number', () => {
    const p = parseAppLog('logs/auth.log', lines('auth.log').join('\n'), { referenceTime: REF });
    assert.equal(p.format, 'syslog');
    assert.equal(p.events.length, 8);
    assert.deepEqual(
      p.errors.map((e) => [e.path, e.record]),
      [['logs/auth.log', 9]],
    );
    const failure = p.events[1];
    assert.deepEqual(
      [failure.source, failure.action, failure.errorCode, failure.principal.name],
      ['app-log', 'auth.failure', 'AuthFailure', 'admin'],
    );
  });
});

describe('application logs: JSON lines', () => {
  it('reads common field names, nested ones and numeric times', () => {
    const [a, b, c, d] = lines('app.jsonl')
      .filter(Boolean)
      .map((l) => readJsonEntry(JSON.parse(l)));
    assert.deepEqual(a, {
      format: 'json',
      message: 'order placed',
      time: Date.parse('2024-03-05T12:00:00.250Z'),
      level: 'info',
      status: 201,
      user: 'u-1001',
      sourceIp: '203.0.113.10',
      latencyMs: 42,
      service: 'checkout',
      method: 'POST',
      path: '/orders',
    });
    assert.deepEqual([b.level, b.status, b.latencyMs, b.service], ['error', 503, 1200, 'checkout']);
    assert.deepEqual(
      [c.time, c.level, c.auth, c.user, c.sourceIp, c.service],
      [1709640002500, 'warn', 'failure', 'bob', '198.51.100.9', 'auth'],
    );
    assert.deepEqual([d.time, d.level, d.message, d.service], [1709640003000, 'debug', 'tick', 'worker']);
  });

  it('reads Lambda runtime lines and their JSON messages', () => {
    const l = readLambdaLine('2024-03-05T12:00:00.000Z\tabc-123\tERROR\t{"message":"boom","user":"zed"}');
    assert.deepEqual([l?.level, l?.message.startsWith('{'), l?.user], ['error', true, 'zed']);
    const report = readLambdaLine('REPORT RequestId: abc\tDuration: 12.5 ms\tBilled Duration: 13 ms');
    assert.deepEqual([report?.action, report?.latencyMs], ['lambda.report', 12.5]);
  });
});

describe('format sniffing', () => {
  it('picks a reader by content', () => {
    const kinds = ['access.log', 'error.log', 'auth.log', 'app.jsonl'].map((f) =>
      sniffFormat(f, readFileSync(join(dir, f), 'utf8'), { referenceTime: REF }),
    );
    assert.deepEqual(
      kinds.map((k) => [k.kind, k.appFormat]),
      [
        ['app-log', 'access'],
        ['app-log', 'apache-error'],
        ['app-log', 'syslog'],
        ['app-log', 'json'],
      ],
    );
    assert.equal(sniffFormat('x', '{"Records":[{"eventVersion":"1.08"}]}').kind, 'cloudtrail');
    assert.equal(
      sniffFormat('x', '{"eventVersion":"1.08","eventName":"A","eventTime":"2024-01-01T00:00:00Z"}\n').kind,
      'cloudtrail',
    );
    assert.equal(sniffFormat('x', 'H4sIAAAAAAAA\n').kind, 'cloudwatch-subscription');
    assert.equal(sniffFormat('x', '2024-03-05T12:00:00.000Z hello\n').kind, 'cloudwatch-export');
    assert.equal(sniffFormat('x', 'version srcaddr dstaddr\n').kind, 'vpc-flow');
  });

  it('falls back on the file name, and calls anything else an input error', () => {
    const byName = sniffFormat('AWSLogs/1/vpcflowlogs/us-east-1/f.log', 'x y z\n');
    assert.deepEqual([byName.kind, byName.by], ['vpc-flow', 'name']);
    const p = parseLogFile('notes.txt', 'just some words\n');
    assert.equal(p.format, 'unknown');
    assert.match(p.errors[0].reason, /cannot tell the log format: first line is no known log format/);
  });
});
