import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { runCli, tempDir } from '../helpers/cli.ts';
import { EXAMPLES, ROOT } from '../helpers/fixtures.ts';

const SHAPES = join(ROOT, 'test/fixtures/cloudtrail-shapes');
const INCIDENT = '218007301253_CloudTrail_us-east-1_20230710T1225Z_4iD2boYSOwmb6sWd.json';

/** A minimal ustar archive of the given files (names under 100 bytes). */
function tar(files: { name: string; data: Buffer }[]): Buffer {
  const blocks: Buffer[] = [];
  for (const f of files) {
    const h = Buffer.alloc(512);
    h.write(f.name, 0);
    h.write('0000644\0', 100);
    h.write(`${f.data.length.toString(8).padStart(11, '0')}\0`, 124);
    h.write('00000000000\0', 136);
    h.write('        ', 148);
    h.write('0', 156);
    h.write('ustar\0', 257);
    h.write('00', 263);
    let sum = 0;
    for (const b of h) sum += b;
    h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    blocks.push(h, f.data, Buffer.alloc((512 - (f.data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

describe('analyze reads CloudTrail in every shape users have it', () => {
  let dir: string;
  // biome-ignore lint/suspicious/noExplicitAny: the CLI's JSON document, read field by field
  let out: Record<string, any>;
  let stderr: string;
  let code: number | null;

  before(async () => {
    dir = tempDir('logwarden-shapes-');
    cpSync(SHAPES, join(dir, 'evidence'), {
      recursive: true,
      filter: (p) => !/make-fixtures|LICENSE/.test(p),
    });
    // What a colleague's script left beside them: a JSON document of no shape logwarden knows.
    writeFileSync(
      join(dir, 'evidence/ddb-scan.json'),
      `${JSON.stringify({ Items: [{ id: 1 }], Count: 1 }, null, 2)}\n`,
    );
    const db = join(tempDir(), 'x.duckdb');
    const r = await runCli(['analyze', dir, '--format', 'json', '--db', db, '--verbose', '--no-progress']);
    ({ code, stderr } = r);
    out = JSON.parse(r.stdout);
  });

  it('stores each real event once, whatever the shapes it came in', () => {
    // 75 records in every shape, plus a third delivery file (2 events) only in the archives.
    assert.equal(out.run.eventsStored, 77);
    assert.equal(out.totalEvents, 77);
    assert.equal(out.run.alreadyIngested, 3);
  });

  it('names the shape every file was read as, in the summary and per file with --verbose', () => {
    const readAs = Object.fromEntries(
      out.readAs.map((r: { shape: string; files: number; events: number }) => [r.shape, [r.files, r.events]]),
    );
    assert.deepEqual(readAs, {
      // The zip holds the tar.gz's files: the same content, recognised and not read twice.
      cloudtrail: [3, 77],
      'cloudtrail lookup-events': [2, 125],
      'cloudtrail lake results': [1, 75],
      'cloudtrail lake csv export': [1, 75],
      'cloudtrail eventbridge': [2, 150],
      'cloudtrail siem export': [5, 375],
      unknown: [1, 0],
    });
    assert.match(
      stderr,
      /evidence\/archives\/incident-trail\.tar\.gz!\/AWSLogs\/218007301253\/CloudTrail\/us-east-1\/2023\/07\/10\/218007301253_CloudTrail_us-east-1_20230710T1225Z_4iD2boYSOwmb6sWd\.json\.gz: cloudtrail, 12 events/,
    );
    assert.match(
      stderr,
      /incident-trail\.tar\.gz!\/AWSLogs\/.*_9dKPuRzdLzqZRjqm\.json\.gz: cloudtrail, 2 events/,
    );
    assert.match(stderr, /lookup-events-pages\.json: cloudtrail lookup-events, 75 events/);
    assert.match(stderr, /elastic-agent-ecs\.ndjson: cloudtrail siem export, 75 events/);
  });

  it('an unknown JSON shape is an input error that lists the shapes understood; exit 2', () => {
    assert.equal(code, 2);
    assert.equal(out.inputErrors.length, 1);
    assert.equal(out.inputErrors[0].path, join(dir, 'evidence/ddb-scan.json'));
    assert.match(
      out.inputErrors[0].reason,
      /^unknown JSON shape \(top-level keys: "Items", "Count"\); understood: /,
    );
  });

  it('runs the detections on events from every shape (a console sign-in came through EventBridge too)', () => {
    assert.ok(out.findings.length > 0);
    assert.ok(out.topActions.some((a: { name: string }) => a.name === 'ConsoleLogin'));
  });
});

describe('analyze on archives', () => {
  it('reads a zip given as the input, entry by entry, with the terminal summary naming the shape', async () => {
    const db = join(tempDir(), 'x.duckdb');
    const r = await runCli([
      'analyze',
      join(SHAPES, 'archives/incident-trail.zip'),
      '--db',
      db,
      '--no-progress',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /3 files read, 77 new events stored/);
    assert.match(r.stdout, /read as: cloudtrail 3 files \(77 events\)/);
  });

  it('bounds every entry by maxFileMiB and names the entry; the entries beside it are read', async () => {
    const dir = tempDir('logwarden-archive-');
    const big = Buffer.alloc(2 * 2 ** 20 + 10, 0x20); // 2 MiB of spaces: over a 1 MiB limit
    const bomb = gzipSync(Buffer.alloc(3 * 2 ** 20, 0x20)); // small stored, 3 MiB inflated
    const entries = [
      {
        name: 'AWSLogs/1/CloudTrail/us-east-1/a.json.gz',
        data: gzipSync(readFileSync(join(EXAMPLES, INCIDENT))),
      },
      { name: 'AWSLogs/1/CloudTrail/us-east-1/big.json', data: big },
      { name: 'AWSLogs/1/CloudTrail/us-east-1/bomb.json.gz', data: bomb },
      { name: 'README.md', data: Buffer.from('not a log') },
      { name: 'nested/inner.zip', data: Buffer.from('PK') },
    ];
    writeFileSync(join(dir, 'evidence.tgz'), gzipSync(tar(entries)));
    writeFileSync(join(dir, 'logwarden.config.yaml'), 'maxFileMiB: 1\n');
    mkdirSync(join(dir, 'db'));
    const r = await runCli(
      [
        'analyze',
        join(dir, 'evidence.tgz'),
        '--db',
        join(dir, 'db/x.duckdb'),
        '--format',
        'json',
        '--no-progress',
      ],
      { cwd: dir },
    );
    assert.equal(r.code, 2, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.run.eventsStored, 12);
    const archive = join(dir, 'evidence.tgz');
    assert.deepEqual(
      out.inputErrors.map((e: { path: string; reason: string }) => [e.path, e.reason]),
      [
        [
          `${archive}!/AWSLogs/1/CloudTrail/us-east-1/big.json`,
          `size ${big.length} bytes exceeds the limit of 1 MiB (maxFileMiB)`,
        ],
        [
          `${archive}!/AWSLogs/1/CloudTrail/us-east-1/bomb.json.gz`,
          'decompressed size exceeds the limit of 1 MiB (maxFileMiB)',
        ],
        [`${archive}!/nested/inner.zip`, 'an archive inside an archive is not read (extract it first)'],
      ],
    );
  });

  it('a truncated archive is reported by name; what came before the damage is kept', async () => {
    const dir = tempDir('logwarden-archive-');
    const whole = readFileSync(join(SHAPES, 'archives/incident-trail.tar.gz'));
    writeFileSync(join(dir, 'cut.tar.gz'), whole.subarray(0, Math.floor(whole.length * 0.6)));
    const r = await runCli([
      'analyze',
      join(dir, 'cut.tar.gz'),
      '--db',
      join(dir, 'x.duckdb'),
      '--format',
      'json',
      '--no-progress',
    ]);
    assert.equal(r.code, 2, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.inputErrors.length, 1);
    assert.match(out.inputErrors[0].path, /cut\.tar\.gz/);
    assert.match(out.inputErrors[0].reason, /^(cannot read the archive|truncated tar entry)/);
    assert.ok(out.run.eventsStored >= 2, `events before the cut are stored (${out.run.eventsStored})`);
  });
});

describe('analyze on archives in S3 (s3rver on 127.0.0.1)', () => {
  const work = tempDir();
  let server: S3rver;
  let env: Record<string, string>;

  before(async () => {
    server = new S3rver({
      address: '127.0.0.1',
      port: 0,
      silent: true,
      directory: join(work, 's3'),
      configureBuckets: [{ name: 'evidence', configs: [] }],
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
    for (const name of ['incident-trail.zip', 'incident-trail.tar.gz'])
      await client.send(
        new PutObjectCommand({
          Bucket: 'evidence',
          Key: `case-42/${name}`,
          Body: readFileSync(join(SHAPES, 'archives', name)),
        }),
      );
    client.destroy();
  });

  after(async () => {
    await server?.close();
  });

  it('reads zip and tar.gz objects entry by entry, named s3://bucket/key!/entry', async () => {
    const r = await runCli(
      [
        'analyze',
        's3://evidence/case-42/',
        '--db',
        join(work, 'x.duckdb'),
        '--format',
        'json',
        '--verbose',
        '--no-progress',
      ],
      { env },
    );
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.run.files, 6);
    assert.equal(out.run.eventsStored, 77);
    assert.equal(out.run.alreadyIngested, 3, 'the zip holds the same files as the tar.gz');
    assert.match(
      r.stderr,
      /s3:\/\/evidence\/case-42\/incident-trail\.tar\.gz!\/AWSLogs\/218007301253\/CloudTrail\/us-east-1\/2023\/07\/10\/218007301253_CloudTrail_us-east-1_20230710T1230Z_AvIajGd5rkz6vTy4\.json\.gz: cloudtrail, 63 events/,
    );
  });
});
