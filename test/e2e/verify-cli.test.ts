import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import { S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { runCli, tempDir } from '../helpers/cli.ts';
import {
  buildTrail,
  makeSigningKey,
  publicKeyListJson,
  putTrailObjects,
  type SigningKey,
  type TrailObject,
  writeTrailDir,
} from '../helpers/cloudtrail-digests.ts';

const ACCOUNT = '111122223333';
const START = Date.UTC(2026, 10, 1, 10, 0, 31);
const REGIONS = ['us-east-1', 'eu-west-1'];

/** CloudTrail's JSON protocol (awsJson1.1) for ListPublicKeys, two pages, on 127.0.0.1. */
function cloudTrailServer(keys: SigningKey[]) {
  const requests: { target: string; body: Record<string, unknown> }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => {
      body += d;
    });
    req.on('end', () => {
      const parsed = JSON.parse(body || '{}') as Record<string, unknown>;
      requests.push({ target: String(req.headers['x-amz-target']), body: parsed });
      if (!String(req.headers['x-amz-target']).endsWith('.ListPublicKeys')) {
        res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify({ __type: 'UnknownOperationException', message: 'no' }));
        return;
      }
      const page = parsed.NextToken === 'page-2' ? 1 : 0;
      const k = keys[page].publicKey;
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(
        JSON.stringify({
          PublicKeyList: [
            {
              Value: Buffer.from(k.der).toString('base64'),
              ValidityStartTime: Date.UTC(2026, 0, 1) / 1000,
              ValidityEndTime: Date.UTC(2027, 0, 1) / 1000,
              Fingerprint: k.fingerprint,
            },
          ],
          ...(page === 0 && { NextToken: 'page-2' }),
        }),
      );
    });
  });
  return { server, requests };
}

describe('logwarden verify (s3rver, a CloudTrail ListPublicKeys server on 127.0.0.1)', () => {
  const work = tempDir();
  let s3: S3rver;
  let cloudTrail: ReturnType<typeof cloudTrailServer>;
  let env: Record<string, string>;
  let aws: SigningKey;
  let objects: TrailObject[];

  before(async () => {
    aws = makeSigningKey();
    const older = makeSigningKey();
    objects = REGIONS.flatMap((region) =>
      buildTrail({
        account: ACCOUNT,
        region,
        trail: 'main',
        bucket: 'trail-bucket',
        start: START,
        hours: 4,
        key: aws,
      }),
    );
    s3 = new S3rver({
      address: '127.0.0.1',
      port: 0,
      silent: true,
      directory: join(work, 's3'),
      configureBuckets: [
        { name: 'trail-bucket', configs: [] },
        { name: 'tampered', configs: [] },
      ],
    });
    const { port } = await s3.run();
    cloudTrail = cloudTrailServer([older, aws]);
    await new Promise<void>((resolve) => cloudTrail.server.listen(0, '127.0.0.1', resolve));
    env = {
      AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${port}`,
      AWS_ENDPOINT_URL_CLOUDTRAIL: `http://127.0.0.1:${(cloudTrail.server.address() as AddressInfo).port}`,
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      AWS_REGION: 'us-east-1',
      AWS_EC2_METADATA_DISABLED: 'true',
    };
    const client = new S3Client({
      endpoint: env.AWS_ENDPOINT_URL_S3,
      forcePathStyle: true,
      region: 'us-east-1',
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
    await putTrailObjects(client, 'trail-bucket', objects);
    // The tampered bucket: its first log file deleted, the newest us-east-1 digest edited to drop
    // its last log file (its S3 metadata signature kept).
    const tampered = REGIONS.flatMap((region) =>
      buildTrail({
        account: ACCOUNT,
        region,
        trail: 'main',
        bucket: 'tampered',
        start: START,
        hours: 4,
        key: aws,
      }),
    ).filter((o, i, all) => o !== all.find((x) => x.key.includes('/CloudTrail/us-east-1/')));
    const newest = tampered.filter((o) => o.key.includes('CloudTrail-Digest/us-east-1/')).at(-1)!;
    const doc = JSON.parse(gunzipSync(newest.body).toString());
    doc.logFiles.pop();
    newest.body = gzipSync(JSON.stringify(doc));
    await putTrailObjects(client, 'tampered', tampered);
    client.destroy();
  });

  after(async () => {
    await s3?.close();
    await new Promise((resolve) => cloudTrail?.server.close(resolve));
  });

  it('verifies every digest of an untouched bucket, the newest too (signature from S3 metadata), keys from ListPublicKeys', async () => {
    const run = await runCli(
      ['verify', 's3://trail-bucket/AWSLogs/', '--db', join(work, 'a.duckdb'), '--format', 'json'],
      {
        env,
      },
    );
    assert.equal(run.code, 0, run.stderr);
    const doc = JSON.parse(run.stdout);
    assert.deepEqual(doc.digests, { verified: 8, unverifiable: 0, failed: 0 });
    assert.deepEqual(doc.logFiles, { verified: 16, unverifiable: 0, failed: 0 });
    assert.deepEqual(doc.problems, []);
    assert.equal(doc.keys, '2 keys from CloudTrail ListPublicKeys');
    // One paginated call per region, over the digests' time range.
    const calls = cloudTrail.requests.filter((r) => r.target.endsWith('ListPublicKeys'));
    assert.equal(calls.length, 4);
    assert.deepEqual(calls[0].body, { StartTime: START / 1000, EndTime: (START + 4 * 3_600_000) / 1000 });
    assert.equal(calls[1].body.NextToken, 'page-2');
  });

  it('finds the deleted log file and the edited newest digest in a tampered bucket: exit 1, CRITICAL findings stored', async () => {
    const db = join(work, 'b.duckdb');
    const run = await runCli(['verify', 's3://tampered/', '--db', db, '--format', 'json'], { env });
    assert.equal(run.code, 1, run.stderr);
    const doc = JSON.parse(run.stdout);
    assert.deepEqual(
      doc.problems.map((p: { kind: string; region: string }) => `${p.kind} ${p.region}`).sort(),
      ['digest-bad-signature us-east-1', 'log-missing us-east-1', 'log-unlisted us-east-1'],
    );
    assert.deepEqual(doc.logFiles, { verified: 13, unverifiable: 1, failed: 2 });
    assert.equal(doc.findingsStored, 3);
    const findings = await runCli([
      'findings',
      '--db',
      db,
      '--rule',
      'cloudtrail.log-tampering',
      '--format',
      'json',
    ]);
    const stored = JSON.parse(findings.stdout);
    assert.equal(stored.length, 3);
    assert.ok(stored.every((f: { severity: string }) => f.severity === 'CRITICAL'));
    assert.ok(stored.some((f: { evidence: { found: string } }) => f.evidence.found === 'no such file'));
  });

  it('over a downloaded copy with --public-keys: the newest digests are unverifiable, not failures', async () => {
    const dir = join(work, 'copy');
    writeTrailDir(dir, objects);
    const keys = join(work, 'keys.json');
    writeFileSync(keys, publicKeyListJson([aws.publicKey]));
    const run = await runCli(['verify', dir, '--public-keys', keys, '--db', join(work, 'c.duckdb')], { env });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /log files: 12 verified, 4 unverifiable, 0 failed/);
    assert.match(run.stdout, /signature only in S3 metadata/);
    assert.match(run.stdout, /no tampering found/);
  });

  it('analyze checks the digests it meets and says so; --no-verify skips the check', async () => {
    const run = await runCli(
      ['analyze', 's3://tampered/', '--db', join(work, 'd.duckdb'), '--format', 'json', '--workers', '0'],
      { env },
    );
    assert.equal(run.code, 0, run.stderr);
    const doc = JSON.parse(run.stdout);
    assert.deepEqual(doc.integrity.logFiles, { verified: 13, unverifiable: 1, failed: 2 });
    assert.equal(doc.findingsBySeverity.CRITICAL, 3);
    assert.ok(doc.findings.some((f: { ruleId: string }) => f.ruleId === 'cloudtrail.log-tampering'));
    const skipped = await runCli(
      [
        'analyze',
        's3://tampered/',
        '--db',
        join(work, 'e.duckdb'),
        '--format',
        'json',
        '--no-verify',
        '--workers',
        '0',
      ],
      { env },
    );
    const plain = JSON.parse(skipped.stdout);
    assert.equal(plain.integrity, undefined);
    assert.equal(plain.findingsBySeverity.CRITICAL, 0);
  });

  it('names a --public-keys file that is not list-public-keys output, exit 2', async () => {
    const bad = join(work, 'bad-keys.json');
    writeFileSync(bad, '{"Keys": []}');
    const run = await runCli(
      ['verify', join(work, 'copy'), '--public-keys', bad, '--db', join(work, 'f.duckdb')],
      { env },
    );
    assert.equal(run.code, 2);
    assert.match(
      run.stderr,
      /bad-keys\.json: not the output of "aws cloudtrail list-public-keys": PublicKeyList/,
    );
  });
});
