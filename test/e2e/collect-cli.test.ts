import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { runCli, tempDir } from '../helpers/cli.ts';
import { CloudTrailTestServer, type Fault } from '../helpers/cloudtrail-server.ts';
import { EXAMPLES, ROOT } from '../helpers/fixtures.ts';

// us-east-1: the 75 real records of the lookup-events fixture. eu-west-1: six more real records
// of the bundled sample, as if made there.
const usEast1 = readFileSync(
  join(ROOT, 'test/fixtures/cloudtrail-shapes/lookup-events/lookup-events-pages.json'),
  'utf8',
)
  .split(/\n(?=\{)/)
  .flatMap((page) =>
    JSON.parse(page).Events.map((e: { CloudTrailEvent: string }) => JSON.parse(e.CloudTrailEvent)),
  );
const euWest1 = [
  '218007301253_CloudTrail_us-east-1_20230710T1230Z_9dKPuRzdLzqZRjqm.json',
  '218007301253_CloudTrail_us-east-1_20230710T1225Z_qWyTCPHzELqDMshA.json',
].flatMap((f) =>
  JSON.parse(readFileSync(join(EXAMPLES, f), 'utf8')).Records.map((r: Record<string, unknown>) => ({
    ...r,
    awsRegion: 'eu-west-1',
  })),
);
const EVENTS = { 'us-east-1': usEast1, 'eu-west-1': euWest1 };
const ALL_IDS = [...usEast1, ...euWest1].map((r) => r.eventID as string).sort();
const RANGE = ['--since', '2023-07-10T00:00:00Z', '--until', '2023-07-11T00:00:00Z'];

/** The environment of a user with credentials and no AWS config, pointed nowhere but the test server. */
const ENV = {
  AWS_ACCESS_KEY_ID: 'AKIDLOGWARDENTEST',
  AWS_SECRET_ACCESS_KEY: 'secret',
  AWS_REGION: 'us-east-1',
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_CONFIG_FILE: '/nonexistent',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
};

const servers: CloudTrailTestServer[] = [];
async function server(options: ConstructorParameters<typeof CloudTrailTestServer>[1] = {}) {
  const s = new CloudTrailTestServer(EVENTS, {
    pageSize: 10,
    regionStatus: { 'us-east-1': 'ENABLED_BY_DEFAULT', 'eu-west-1': 'ENABLED', 'ap-east-1': 'DISABLED' },
    ...options,
  });
  servers.push(s);
  return { s, url: await s.start() };
}
after(async () => {
  for (const s of servers) await s.stop();
});

async function storedIds(db: string): Promise<string[]> {
  const instance = await DuckDBInstance.create(db);
  const c = await instance.connect();
  const rows = (await c.runAndReadAll('SELECT id FROM events ORDER BY id')).getRowObjects();
  c.closeSync();
  instance.closeSync();
  return rows.map((r) => String(r.id));
}

const faults = (entries: [number, Fault][]) => new Map(entries);

describe('logwarden collect (LookupEvents against a local CloudTrail endpoint)', () => {
  it('pages through every enabled region and stores and analyzes the events like analyze does', async () => {
    const { s, url } = await server();
    const db = join(tempDir(), 'x.duckdb');
    const r = await runCli(['collect', ...RANGE, '--endpoint-url', url, '--db', db, '--format', 'json'], {
      env: ENV,
    });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(out.regions, ['eu-west-1', 'us-east-1'], 'the disabled ap-east-1 is left out');
    assert.equal(out.run.eventsStored, 81);
    assert.deepEqual(out.readAs, [{ shape: 'cloudtrail lookup-events', files: 9, events: 81 }]);
    assert.deepEqual(await storedIds(db), ALL_IDS);
    // 6 events in eu-west-1 (one page), 75 in us-east-1 (8 pages of 10, followed by tokens).
    assert.deepEqual(
      s.requests.map((q) => [q.region, Boolean(q.nextToken)]),
      [['eu-west-1', false], ['us-east-1', false], ...Array(7).fill(['us-east-1', true])],
    );
    assert.ok(out.findings.length > 0);
  });

  it('keeps to 2 requests per second per region and retries a ThrottlingException with backoff', async () => {
    const { s, url } = await server({
      faults: faults([
        [2, 'throttle'],
        [3, 'throttle'],
      ]),
    });
    const db = join(tempDir(), 'x.duckdb');
    const r = await runCli(['collect', ...RANGE, '--regions', 'us-east-1', '--db', db, '--format', 'json'], {
      env: { ...ENV, AWS_ENDPOINT_URL_CLOUDTRAIL: url },
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).run.eventsStored, 75);
    assert.deepEqual(
      s.requests.map((q) => q.answered),
      ['page', 'throttle', 'throttle', ...Array(7).fill('page')],
    );
    const pages = s.requests.filter((q) => q.answered === 'page');
    for (let i = 1; i < pages.length; i++)
      assert.ok(
        pages[i].at - pages[i - 1].at >= 480,
        `request ${i + 1} came ${pages[i].at - pages[i - 1].at} ms after the one before`,
      );
  });

  it('an expired token is a clear error (exit 2); the same command then resumes and misses nothing', async () => {
    const db = join(tempDir(), 'x.duckdb');
    const first = await server({ faults: faults([[5, 'expired-token']]) });
    const args = ['collect', ...RANGE, '--regions', 'us-east-1', '--db', db, '--commit-every', '2'];
    const r1 = await runCli(args, { env: { ...ENV, AWS_ENDPOINT_URL_CLOUDTRAIL: first.url } });
    assert.equal(r1.code, 2);
    assert.match(
      r1.stderr,
      /error: LookupEvents in us-east-1 failed \(ExpiredTokenException: The security token included in the request is expired\); the AWS credentials have expired: refresh them .* and run the same command again; collection resumes where it stopped/,
    );
    assert.deepEqual((await storedIds(db)).length, 40, 'the 4 pages fetched before the failure are stored');
    const second = await server();
    const r2 = await runCli(args, { env: { ...ENV, AWS_ENDPOINT_URL_CLOUDTRAIL: second.url } });
    assert.equal(r2.code, 0, r2.stderr);
    assert.equal(second.s.requests.length, 4, 'resumed at page 5 of 8');
    assert.ok(second.s.requests[0].nextToken, 'with the token of the first page not stored');
    assert.deepEqual(await storedIds(db), usEast1.map((r) => r.eventID).sort());
  });

  it('killed mid-run, the next run gives the same events and findings as one uninterrupted run', async () => {
    const clean = await server();
    const cleanDb = join(tempDir(), 'clean.duckdb');
    const args = (url: string, db: string) => [
      'collect',
      ...RANGE,
      '--endpoint-url',
      url,
      '--db',
      db,
      '--commit-every',
      '2',
      '--format',
      'json',
    ];
    const r0 = await runCli(args(clean.url, cleanDb), { env: ENV });
    assert.equal(r0.code, 0, r0.stderr);

    const db = join(tempDir(), 'killed.duckdb');
    const hanging = await server({ faults: faults([[6, 'hang']]) });
    const child = spawn(process.execPath, [join(ROOT, 'bin/logwarden.js'), ...args(hanging.url, db)], {
      cwd: ROOT,
      env: { ...process.env, ...ENV, NO_COLOR: '1' },
      stdio: 'ignore',
      // Its own process group: the CLI re-spawns itself, and the kill must reach both.
      detached: true,
    });
    const closed = new Promise((resolve) => child.on('close', resolve));
    await hanging.s.whenHung();
    process.kill(-child.pid!, 'SIGKILL');
    await closed;
    await waitForUnlock(db);
    const stored = await storedIds(db);
    assert.ok(
      stored.length > 0 && stored.length < ALL_IDS.length,
      `part was stored before the kill (${stored.length})`,
    );

    const resumed = await server();
    const r2 = await runCli(args(resumed.url, db), { env: ENV });
    assert.equal(r2.code, 0, r2.stderr);
    assert.ok(
      resumed.s.requests.length < clean.s.requests.length,
      'the resumed run fetched only what was missing',
    );
    assert.deepEqual(await storedIds(db), await storedIds(cleanDb));
    assert.deepEqual(await findingIds(db), await findingIds(cleanDb));
  });

  it('signs with the keys of the --profile named, from the shared config files', async () => {
    const { s, url } = await server();
    const dir = tempDir();
    writeFileSync(
      join(dir, 'credentials'),
      '[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = x\n\n[audit]\naws_access_key_id = AKIDAUDITPROFILE\naws_secret_access_key = y\n',
    );
    writeFileSync(join(dir, 'config'), '[profile audit]\nregion = eu-west-1\n');
    const env = {
      ...ENV,
      AWS_ACCESS_KEY_ID: '',
      AWS_SECRET_ACCESS_KEY: '',
      AWS_CONFIG_FILE: join(dir, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
    };
    const r = await runCli(
      [
        'collect',
        ...RANGE,
        '--profile',
        'audit',
        '--regions',
        'eu-west-1',
        '--endpoint-url',
        url,
        '--db',
        join(dir, 'x.duckdb'),
      ],
      { env },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /1 files read, 6 new events stored/);
    assert.deepEqual(
      s.requests.map((q) => [q.region, q.accessKeyId]),
      [['eu-west-1', 'AKIDAUDITPROFILE']],
    );
  });

  it('bad time options are usage errors (exit 2)', async () => {
    const r = await runCli(
      ['collect', '--since', '2023-02-30', '--regions', 'us-east-1', '--db', join(tempDir(), 'x.duckdb')],
      {
        env: { ...ENV, AWS_ENDPOINT_URL_CLOUDTRAIL: 'http://127.0.0.1:9' },
      },
    );
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--since "2023-02-30" is not a time/);
  });
});

/** The killed CLI's own child may take a moment to go; the store is free once it has. */
async function waitForUnlock(db: string): Promise<void> {
  for (let i = 0; i < 50; i++) {
    try {
      (await DuckDBInstance.create(db)).closeSync();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

async function findingIds(db: string): Promise<string[]> {
  const instance = await DuckDBInstance.create(db);
  const c = await instance.connect();
  const rows = (await c.runAndReadAll('SELECT id FROM findings ORDER BY id')).getRowObjects();
  c.closeSync();
  instance.closeSync();
  return rows.map((r) => String(r.id));
}
