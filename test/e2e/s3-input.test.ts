import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { runCli, tempDir } from '../helpers/cli.ts';
import { EXAMPLES, jsonFiles, recordsOf } from '../helpers/fixtures.ts';

describe('logwarden analyze s3://bucket/prefix (s3rver on 127.0.0.1)', () => {
  const work = tempDir();
  let server: S3rver;
  let env: Record<string, string>;
  const files = jsonFiles(EXAMPLES).slice(0, 6);
  const expected = recordsOf(...files).length;

  before(async () => {
    server = new S3rver({
      address: '127.0.0.1',
      port: 0,
      silent: true,
      directory: join(work, 's3'),
      configureBuckets: [{ name: 'trail-bucket', configs: [] }],
    });
    const { port } = await server.run();
    env = {
      AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${port}`,
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
    const prefix = 'AWSLogs/218007301253/CloudTrail/us-east-1/2023/07/10';
    for (const file of files) {
      await client.send(
        new PutObjectCommand({
          Bucket: 'trail-bucket',
          Key: `${prefix}/${basename(file)}.gz`,
          Body: gzipSync(readFileSync(file)),
        }),
      );
    }
    await client.send(
      new PutObjectCommand({
        Bucket: 'trail-bucket',
        Key: 'AWSLogs/218007301253/CloudTrail-Digest/us-east-1/2023/07/10/digest.json.gz',
        Body: gzipSync('{"digestStartTime":"x","digestEndTime":"y"}'),
      }),
    );
    await client.send(new PutObjectCommand({ Bucket: 'trail-bucket', Key: 'elsewhere/x.json', Body: '{}' }));
    client.destroy();
  });

  after(async () => {
    await server?.close();
  });

  it('reads every object under the prefix, skips digest files, and stores the events', async () => {
    const run = await runCli(
      ['analyze', 's3://trail-bucket/AWSLogs/', '--db', join(work, 'db.duckdb'), '--format', 'json'],
      { env },
    );
    assert.equal(run.code, 0, run.stderr);
    const doc = JSON.parse(run.stdout);
    assert.equal(doc.run.files, 7);
    assert.deepEqual(doc.run.skipped, { digest: 1 });
    assert.equal(doc.totalEvents, expected);
    assert.equal(doc.run.eventsStored, expected);
    assert.deepEqual(doc.inputErrors, []);
  });

  it('says which bucket is missing, exit 2', async () => {
    const run = await runCli(['analyze', 's3://no-such-bucket/x', '--db', join(work, 'db2.duckdb')], { env });
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /no-such-bucket/);
  });
});
