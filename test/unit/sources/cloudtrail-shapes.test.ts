import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import type { NormalizedEvent } from '../../../src/core/event.ts';
import { parseCloudTrail } from '../../../src/core/sources/cloudtrail.ts';
import { lakeRowToRecord } from '../../../src/core/sources/cloudtrail-lake.ts';
import { splitJsonValues } from '../../../src/core/sources/json-values.ts';
import { parseLogFile } from '../../../src/core/sources/parse.ts';
import { sniffFormat } from '../../../src/core/sources/sniff.ts';
import { EXAMPLES, ROOT } from '../../helpers/fixtures.ts';

const SHAPES = join(ROOT, 'test/fixtures/cloudtrail-shapes');
const SOURCES = [
  '218007301253_CloudTrail_us-east-1_20230710T1225Z_4iD2boYSOwmb6sWd.json',
  '218007301253_CloudTrail_us-east-1_20230710T1230Z_AvIajGd5rkz6vTy4.json',
];

function text(path: string): string {
  const bytes = readFileSync(path);
  return (bytes[0] === 0x1f ? gunzipSync(bytes) : bytes).toString('utf8');
}

/** What a detector sees of an event, without the raw record. */
function essence(e: NormalizedEvent) {
  return {
    id: e.id,
    time: e.time,
    account: e.account,
    region: e.region,
    service: e.service,
    action: e.action,
    principal: e.principal,
    sourceIp: e.sourceIp,
    userAgent: e.userAgent,
    errorCode: e.errorCode,
    errorMessage: e.errorMessage,
    readOnly: e.readOnly,
  };
}

const byId = (events: NormalizedEvent[]) => new Map(events.map((e) => [e.id, e] as const));

// The same 75 real records (two delivery files of the bundled sample) in every other shape.
const delivered = SOURCES.flatMap((f) => parseCloudTrail(f, readFileSync(join(EXAMPLES, f), 'utf8')).events);

const cases: { file: string; format: string; events: number; rawKept: boolean }[] = [
  { file: 'lookup-events/lookup-events.json', format: 'cloudtrail lookup-events', events: 50, rawKept: true },
  {
    file: 'lookup-events/lookup-events-pages.json',
    format: 'cloudtrail lookup-events',
    events: 75,
    rawKept: true,
  },
  { file: 'lake/get-query-results.json', format: 'cloudtrail lake results', events: 75, rawKept: false },
  {
    file: 'lake/AWSLogs/218007301253/CloudTrail-Lake/Query/2023/07/10/8c6b5a1e-0b5f-4c1e-9a63-2f0c1e3d4b5a/result_1.csv.gz',
    format: 'cloudtrail lake csv export',
    events: 75,
    rawKept: false,
  },
  {
    file: 'eventbridge/cloudtrail-events.jsonl',
    format: 'cloudtrail eventbridge',
    events: 75,
    rawKept: true,
  },
  {
    file: 'eventbridge/firehose/2023/07/10/12/cloudtrail-stream-1-2023-07-10-12-25-00-3f2a9c4e.gz',
    format: 'cloudtrail eventbridge',
    events: 75,
    rawKept: true,
  },
  { file: 'siem/logstash.jsonl', format: 'cloudtrail siem export', events: 75, rawKept: false },
  { file: 'siem/opensearch-search.json', format: 'cloudtrail siem export', events: 75, rawKept: false },
  { file: 'siem/elasticdump.ndjson', format: 'cloudtrail siem export', events: 75, rawKept: false },
  { file: 'siem/elastic-agent-ecs.ndjson', format: 'cloudtrail siem export', events: 75, rawKept: false },
  { file: 'siem/splunk-export.json', format: 'cloudtrail siem export', events: 75, rawKept: true },
];

describe('CloudTrail from where users have it: every shape gives the delivery files’ events', () => {
  for (const c of cases) {
    it(`${c.file} is read as ${c.format}`, () => {
      const path = join(SHAPES, c.file);
      const content = text(path);
      assert.equal(sniffFormat(path, content).kind, 'cloudtrail');
      const parsed = parseLogFile(path, content);
      assert.equal(parsed.format, c.format);
      assert.deepEqual(parsed.errors, []);
      assert.equal(parsed.events.length, c.events);
      const expected = byId(delivered);
      for (const e of parsed.events) {
        const want = expected.get(e.id);
        assert.ok(want, `${e.id} is one of the delivered events`);
        assert.deepEqual(essence(e), essence(want), `${c.file}: event ${e.id} (${e.action})`);
        if (c.rawKept) assert.deepEqual(e.raw, want.raw);
        else {
          assert.equal(e.raw.eventName, want.raw.eventName);
          assert.equal(Date.parse(String(e.raw.eventTime)), Date.parse(String(want.raw.eventTime)));
        }
      }
    });
  }

  it('keeps requestParameters of SIEM and Logstash exports as objects, as the rules read them', () => {
    const parsed = parseLogFile('x', text(join(SHAPES, 'siem/elastic-agent-ecs.ndjson')));
    const want = byId(delivered);
    const withParams = parsed.events.filter((e) => e.raw.requestParameters);
    assert.ok(withParams.length > 20);
    for (const e of withParams)
      assert.deepEqual(e.raw.requestParameters, want.get(e.id)?.raw.requestParameters);
  });

  it('reads Lake struct columns (userIdentity rendered as {type=…, sessioncontext={…}}) back to camelCase', () => {
    const record = lakeRowToRecord([
      { eventtime: '2023-07-10 12:23:15.000' },
      { eventname: 'AssumeRole' },
      {
        useridentity:
          '{type=AssumedRole, principalid=AROA:x, arn=arn:aws:sts::1:assumed-role/r/x, accountid=1, accesskeyid=ASIA1, username=null, sessioncontext={attributes={creationdate=2023-07-10 12:00:00.000, mfaauthenticated=true}, sessionissuer={type=Role, principalid=AROA, arn=arn:aws:iam::1:role/r, accountid=1, username=r}}, invokedby=null}',
      },
      { useragent: 'aws-cli/2.13.0 Python/3.11.4 Linux/6.1, botocore/2.0' },
      { requestparameters: '{roleArn=arn:aws:iam::1:role/r, tags=[{"key":"a","value":"b"}]}' },
      { readonly: 'false' },
    ]);
    assert.deepEqual(record, {
      eventTime: '2023-07-10T12:23:15.000Z',
      eventName: 'AssumeRole',
      userIdentity: {
        type: 'AssumedRole',
        principalId: 'AROA:x',
        arn: 'arn:aws:sts::1:assumed-role/r/x',
        accountId: '1',
        accessKeyId: 'ASIA1',
        sessionContext: {
          attributes: { creationDate: '2023-07-10 12:00:00.000', mfaAuthenticated: 'true' },
          sessionIssuer: {
            type: 'Role',
            principalId: 'AROA',
            arn: 'arn:aws:iam::1:role/r',
            accountId: '1',
            userName: 'r',
          },
        },
      },
      userAgent: 'aws-cli/2.13.0 Python/3.11.4 Linux/6.1, botocore/2.0',
      requestParameters: { roleArn: 'arn:aws:iam::1:role/r', tags: [{ key: 'a', value: 'b' }] },
      readOnly: false,
    });
  });

  it('names bad entries of a lookup-events page and keeps the good ones', () => {
    const page = JSON.parse(text(join(SHAPES, 'lookup-events/lookup-events.json')));
    page.Events[3].CloudTrailEvent = '{"eventName": "Truncat';
    page.Events[7].CloudTrailEvent = 42;
    const parsed = parseLogFile('page.json', JSON.stringify(page));
    assert.equal(parsed.events.length, 48);
    assert.deepEqual(
      parsed.errors.map((e) => [e.record, e.reason.replace(/:.*$/, '')]),
      [
        [3, 'CloudTrailEvent is not valid JSON'],
        [7, 'CloudTrailEvent is not a string'],
      ],
    );
  });

  it('reports a broken page among appended pages and still reads the pages around it', () => {
    const pages = text(join(SHAPES, 'lookup-events/lookup-events-pages.json'));
    const [first, second, third] = pages.split(/\n(?=\{)/);
    const broken = `${first}\n${second.replace('"NextToken"', '"NextToken" oops')}\n${third}`;
    const parsed = parseLogFile('pages.json', broken);
    assert.equal(parsed.events.length, 45);
    assert.equal(parsed.errors.length, 1);
    assert.match(parsed.errors[0].reason, /^invalid JSON/);
    assert.equal(parsed.errors[0].record, first.split('\n').length + 1);
  });

  it('tells EventBridge events that carry no CloudTrail record apart', () => {
    const line = JSON.stringify({
      version: '0',
      id: '1',
      'detail-type': 'EC2 Instance State-change Notification',
      source: 'aws.ec2',
      detail: { state: 'running' },
    });
    const envelope = text(join(SHAPES, 'eventbridge/cloudtrail-events.jsonl')).split('\n')[0];
    const parsed = parseLogFile('bus.jsonl', `${envelope}\n${line}\n`);
    assert.equal(parsed.events.length, 1);
    assert.deepEqual(parsed.errors, [
      {
        path: 'bus.jsonl',
        record: 2,
        reason:
          'EventBridge event of detail-type "EC2 Instance State-change Notification" carries no CloudTrail record',
      },
    ]);
  });

  it('an unknown JSON shape says which shapes are understood', () => {
    const doc = JSON.stringify({ Items: [{ id: 1 }], Count: 1 }, null, 2);
    const parsed = parseLogFile('scan.json', doc);
    assert.equal(parsed.events.length, 0);
    assert.equal(parsed.errors.length, 1);
    assert.match(
      parsed.errors[0].reason,
      /^unknown JSON shape \(top-level keys: "Items", "Count"\); understood: CloudTrail delivery files .*lookup-events.*QueryResultRows.*EventBridge.*SIEM exports/,
    );
    // The same document on one line (as an SDK writes it) is not taken for an application log.
    assert.match(
      parseLogFile('scan.json', JSON.stringify(JSON.parse(doc))).errors[0].reason,
      /^unknown JSON shape/,
    );
  });

  it('leaves other sources’ ECS documents and app logs with an event_name to the application-log reader', () => {
    const windows = JSON.stringify({
      '@timestamp': '2023-07-10T12:00:00.000Z',
      event: { action: 'logged-in', provider: 'Microsoft-Windows-Security-Auditing', code: '4624' },
      host: { name: 'dc01' },
    });
    const app = JSON.stringify({ '@timestamp': '2023-07-10T12:00:00Z', event_name: 'checkout', user_id: 7 });
    for (const line of [windows, app]) assert.equal(sniffFormat('x.jsonl', `${line}\n`).kind, 'app-log', line);
  });

  it('splits documents written one after another with no separator', () => {
    const values = splitJsonValues('{"a":"}{"}{"b":[1,{"c":2}]}\n\n[3]  x\n{"d":');
    assert.deepEqual(values, [
      { line: 1, value: { a: '}{' } },
      { line: 1, value: { b: [1, { c: 2 }] } },
      { line: 3, value: [3] },
      { line: 3, error: 'not a JSON document: "x"' },
      { line: 4, error: 'invalid JSON: truncated document (its brackets never close)' },
    ]);
  });
});
