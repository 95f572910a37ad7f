import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import {
  decodeSubscriptionData,
  parseCloudWatchExport,
  parseCloudWatchSubscription,
  splitJsonValues,
} from '../../../src/core/sources/cloudwatch-logs.ts';
import { parseLogFile } from '../../../src/core/sources/parse.ts';
import { ROOT } from '../../helpers/fixtures.ts';

const real = (name: string) => readFileSync(join(ROOT, 'test/fixtures/cloudwatch', name), 'utf8');
const mine = (name: string) => readFileSync(join(ROOT, 'test/fixtures/cloudwatch-logs', name), 'utf8');
/** What Kinesis, Firehose and the Lambda `awslogs.data` field carry: base64 of gzip of the payload JSON. */
const encode = (json: string) => gzipSync(Buffer.from(json)).toString('base64');

describe('CloudWatch Logs subscription payloads (real payloads)', () => {
  it('decodes the base64+gzip data of the real payload and reads every log event', () => {
    const text = real('cloudwatch_logs.json');
    const expected = JSON.parse(text) as {
      logEvents: { id: string; timestamp: number; message: string }[];
      logGroup: string;
    };
    assert.equal(decodeSubscriptionData(encode(text)), text);
    const p = parseCloudWatchSubscription('kinesis.txt', `${encode(text)}\n`);
    assert.equal(p.errors.length, 0);
    assert.equal(p.events.length, expected.logEvents.length);
    const first = p.events[0];
    assert.equal(first.source, 'cloudwatch-logs');
    assert.equal(first.service, expected.logGroup);
    assert.equal(first.account, '601427279990');
    assert.equal(first.time, expected.logEvents[0].timestamp);
    assert.equal(first.raw.level, 'debug', 'the Lambda runtime line gives its level');
    assert.equal(first.raw.logStream, '2020/03/05/[$LATEST]20bddfd5a2dc4c6b97ac02800eae90d0');
  });

  it('reads the payloads inside Lambda, Kinesis and Firehose event documents', () => {
    const a = real('cloudwatch_logs_2.json');
    const b = real('cloudwatch_logs_ddtags.json');
    const lambda = parseCloudWatchSubscription(
      'lambda.json',
      JSON.stringify({ awslogs: { data: encode(a) } }),
    );
    assert.equal(lambda.events.length, 1);
    // This payload carries its timestamp in seconds: it is read as seconds, not as 1970.
    assert.equal(lambda.events[0].time, 1737735732000);
    assert.equal(lambda.events[0].service, '/aws/rds/cluster');
    assert.equal(lambda.events[0].raw.level, 'info');
    const kinesis = parseCloudWatchSubscription(
      'kinesis.json',
      JSON.stringify({ Records: [{ kinesis: { data: encode(a) } }, { kinesis: { data: encode(b) } }] }),
    );
    assert.deepEqual(
      kinesis.events.map((e) => e.service),
      ['/aws/rds/cluster', '/aws/lambda/testing-datadog'],
    );
    const firehose = parseCloudWatchSubscription(
      'firehose.json',
      JSON.stringify({ records: [{ recordId: '1', data: encode(b) }] }),
    );
    assert.equal(firehose.events.length, 1);
    assert.equal(firehose.events[0].raw.level, 'debug');
  });

  it('reads decoded payloads written back to back (Firehose delivery to S3) and as JSON lines', () => {
    const a = JSON.stringify(JSON.parse(real('cloudwatch_logs_2.json')));
    const b = JSON.stringify(JSON.parse(real('cloudwatch_logs_ddtags.json')));
    assert.equal(parseLogFile('firehose-object', `${a}${b}`).events.length, 2);
    assert.equal(parseLogFile('lines.jsonl', `${a}\n${b}\n`).events.length, 2);
    assert.equal(splitJsonValues('{"a":"}{"}{"b":[1,2]}').values.length, 2);
  });

  it('ignores CONTROL_MESSAGE payloads', () => {
    const p = parseLogFile('control.json', mine('control-payload.json'));
    assert.deepEqual([p.events.length, p.errors.length], [0, 0]);
    assert.match(p.format, /1 control messages ignored/);
  });

  it('routes CloudTrail events through the CloudTrail normalizer', () => {
    const p = parseCloudWatchSubscription('ct.txt', encode(mine('cloudtrail-payload.json')));
    assert.equal(p.routed.cloudtrail, 2);
    const [stop] = p.events;
    assert.equal(stop.source, 'cloudtrail');
    assert.equal(
      stop.id,
      '7c1e2d3f-4a5b-6c7d-8e9f-0a1b2c3d4e5f',
      'the eventID, so the same event from S3 is not stored twice',
    );
    assert.equal(stop.action, 'StopLogging');
    assert.equal(stop.principal.name, 'carol');
    assert.equal(stop.readOnly, false);
  });

  it('routes flow log lines to the flow reader, with the configured format where there is one', () => {
    const p = parseCloudWatchSubscription('flow.txt', encode(mine('flow-payload.json')));
    assert.deepEqual(p.routed, { cloudtrail: 0, flow: 3, app: 0 });
    assert.equal(p.flows[1].dstport, 22);
    assert.equal(p.flows[2].logStatus, 'NODATA');
    const custom = JSON.stringify({
      messageType: 'DATA_MESSAGE',
      owner: '123456789012',
      logGroup: '/network/custom',
      logStream: 's',
      logEvents: [
        { id: '1', timestamp: 1709640000000, message: '10.0.0.5 81.2.69.142 443 ACCEPT 1709640000' },
      ],
    });
    const c = parseCloudWatchSubscription('c.json', custom, {
      flowFormat: '${srcaddr} ${dstaddr} ${dstport} ${action} ${start}',
    });
    assert.equal(c.routed.flow, 1);
    assert.equal(
      c.flows[0].accountId,
      '123456789012',
      'the payload owner stands in for a missing account-id',
    );
  });

  it('reports a bad flow line in a flow log group with its event index and keeps the rest', () => {
    const doc = JSON.parse(mine('flow-payload.json'));
    doc.logEvents[1].message = 'garbage';
    const p = parseCloudWatchSubscription('bad.json', JSON.stringify(doc));
    assert.equal(p.flows.length, 2);
    assert.equal(p.errors.length, 1);
    assert.match(p.errors[0].reason, /flow log line in vpc-flow-logs/);
  });

  it('reports undecodable records and payloads that fail validation', () => {
    const p = parseCloudWatchSubscription('x.txt', `${encode(mine('flow-payload.json'))}\nH4sIAAAA\n`);
    assert.equal(p.flows.length, 3);
    assert.deepEqual(
      p.errors.map((e) => e.record),
      [2],
    );
    const invalid = parseCloudWatchSubscription('y.json', '{"messageType":"DATA_MESSAGE","owner":"1"}');
    assert.match(invalid.errors[0].reason, /not a CloudWatch Logs subscription payload: logGroup/);
  });
});

describe('aws logs exports', () => {
  it('reads an S3 export task file line by line, routing each message', () => {
    const p = parseCloudWatchExport('exports/task/stream-1/000000', mine('export-task.txt'));
    assert.deepEqual(p.routed, { cloudtrail: 0, flow: 1, app: 2 });
    assert.equal(p.events[0].action, 'lambda.start');
    assert.equal(p.events[1].errorCode, 'ERROR');
    assert.equal(p.events[1].service, 'orders');
    assert.equal(p.events[1].time, Date.parse('2024-03-05T12:00:00.120Z'));
    assert.deepEqual(
      p.errors.map((e) => e.record),
      [4],
    );
  });

  it('reads the JSON of get-log-events / filter-log-events', () => {
    const p = parseLogFile('events.json', mine('get-log-events.json'));
    assert.match(p.format, /^cloudwatch-logs export/);
    assert.equal(p.events[0].action, 'auth.failure');
    assert.equal(p.events[0].sourceIp, '203.0.113.50');
    assert.equal(p.events[0].time, 1709640000000);
    assert.equal(p.events[1].raw.line, 'plain text from a print statement');
  });
});
