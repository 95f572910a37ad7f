import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import {
  fsLogLocator,
  IntegrityCollector,
  readIntegrityInputs,
} from '../../../src/adapters/integrity-reader.ts';
import { FsObjectSource } from '../../../src/adapters/local/fs-source.ts';
import { ruleCatalog } from '../../../src/core/detect/catalog.ts';
import { checkIntegrity, type IntegrityReport } from '../../../src/core/integrity/check-integrity.ts';
import { integrityFindings, LOG_TAMPERING_RULE } from '../../../src/core/integrity/integrity-findings.ts';
import type { PublicKey } from '../../../src/core/integrity/public-key.ts';
import { RsaSha256Verifier } from '../../../src/core/integrity/rsa-verifier.ts';
import { tempDir } from '../../helpers/cli.ts';
import {
  buildTrail,
  type DigestDoc,
  digestObject,
  makeSigningKey,
  type SigningKey,
  signDigest,
  type TrailObject,
  writeTrailDir,
} from '../../helpers/cloudtrail-digests.ts';

const ACCOUNT = '111122223333';
const START = Date.UTC(2026, 10, 1, 10, 0, 31);
const HOURS = 5;

let aws: SigningKey;
let attacker: SigningKey;

/** Two regions, five hours each, two log files an hour. */
function chain(key = aws, extra: Partial<Parameters<typeof buildTrail>[0]> = {}): TrailObject[] {
  return ['us-east-1', 'eu-west-1'].flatMap((region) =>
    buildTrail({
      account: ACCOUNT,
      region,
      trail: 'main',
      bucket: 'trail-bucket',
      start: START,
      hours: HOURS,
      key,
      ...extra,
    }),
  );
}

/** Writes the objects as a downloaded copy and checks it with the given keys. */
async function check(
  objects: readonly TrailObject[],
  keys: PublicKey[] | null = [aws.publicKey],
): Promise<IntegrityReport> {
  const dir = tempDir('logwarden-integrity-');
  try {
    writeTrailDir(dir, objects);
    const collector = new IntegrityCollector();
    for await (const o of new FsObjectSource(dir, 2 ** 26).list()) collector.observe(o);
    const reads = await readIntegrityInputs(collector.inventory, fsLogLocator, 2 ** 26);
    return checkIntegrity({
      digests: reads.digests,
      logs: collector.inventory.logs,
      hashes: reads.hashes,
      ...(keys ? { keys } : { keysUnavailable: 'none given' }),
      verifier: new RsaSha256Verifier(),
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const digestsOf = (objects: readonly TrailObject[], region: string) =>
  objects.filter((o) => o.key.includes(`/CloudTrail-Digest/${region}/`));
const logsOf = (objects: readonly TrailObject[], region: string) =>
  objects.filter((o) => o.key.includes(`/CloudTrail/${region}/`));
const docOf = (o: TrailObject) => JSON.parse(gunzipSync(o.body).toString()) as DigestDoc;
const kinds = (r: IntegrityReport) => r.problems.map((p) => `${p.kind} ${p.region}`);

describe('CloudTrail log-file integrity over a downloaded copy', () => {
  before(() => {
    aws = makeSigningKey();
    attacker = makeSigningKey();
  });

  it('a clean chain verifies with no problem; each newest digest is unverifiable (signature only in S3 metadata)', async () => {
    const r = await check(chain());
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.digests, { verified: 8, unverifiable: 2, failed: 0 });
    assert.deepEqual(r.logFiles, { verified: 16, unverifiable: 4, failed: 0 });
    assert.equal(r.unverifiableDigests.length, 2);
    for (const u of r.unverifiableDigests) assert.match(u.reason, /signature only in S3 metadata/);
    assert.deepEqual(
      r.trails.map((t) => [t.region, t.digests, t.digestsVerified, t.logFiles]),
      [
        ['eu-west-1', 5, 4, 10],
        ['us-east-1', 5, 4, 10],
      ],
    );
  });

  it('without keys every digest is unverifiable, and nothing is a problem', async () => {
    const r = await check(chain(), null);
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.digests, { verified: 0, unverifiable: 10, failed: 0 });
    assert.equal(r.logFiles.unverifiable, 20);
  });

  it('detects a deleted log file', async () => {
    const objects = chain();
    const gone = logsOf(objects, 'us-east-1')[3];
    const r = await check(objects.filter((o) => o !== gone));
    assert.deepEqual(kinds(r), ['log-missing us-east-1']);
    assert.equal(r.problems[0].file, `s3://trail-bucket/${gone.key}`);
    assert.equal(r.problems[0].found, 'no such file');
    assert.equal(r.logFiles.failed, 1);
  });

  it('detects an edited log file, with both hashes', async () => {
    const objects = chain();
    const victim = logsOf(objects, 'eu-west-1')[2];
    const original = gunzipSync(victim.body);
    const edited = Buffer.from(original.toString().replace('198.51.100.7', '203.0.113.9'));
    victim.body = gzipSync(edited);
    const r = await check(objects);
    assert.deepEqual(kinds(r), ['log-modified eu-west-1']);
    const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    assert.equal(r.problems[0].expected, `SHA-256 ${sha(original)}`);
    assert.equal(r.problems[0].found, `SHA-256 ${sha(edited)}`);
  });

  it('detects a forged digest (a log file deleted and its line removed from the digest)', async () => {
    const objects = chain();
    const digest = digestsOf(objects, 'us-east-1')[2];
    const doc = docOf(digest);
    const removed = doc.logFiles.shift()!;
    digest.body = gzipSync(JSON.stringify(doc));
    const r = await check(objects.filter((o) => o.key !== removed.s3Object));
    assert.deepEqual(kinds(r).sort(), ['digest-bad-signature us-east-1', 'digest-chain-mismatch us-east-1']);
    for (const p of r.problems) assert.ok(p.file.endsWith(digest.key));
    assert.equal(r.digests.failed, 1);
  });

  it('detects a deleted digest (broken chain) and the log files it alone listed', async () => {
    const objects = chain();
    const digest = digestsOf(objects, 'eu-west-1')[2];
    const listed = docOf(digest).logFiles.map((f) => f.s3Object);
    const r = await check(objects.filter((o) => o !== digest));
    assert.deepEqual(kinds(r).sort(), [
      'digest-missing eu-west-1',
      'log-unlisted eu-west-1',
      'log-unlisted eu-west-1',
    ]);
    const missing = r.problems.find((p) => p.kind === 'digest-missing')!;
    assert.ok(missing.expected.startsWith(`digest file ${digest.key} `));
    assert.deepEqual(
      r.problems
        .filter((p) => p.kind === 'log-unlisted')
        .map((p) => p.file.slice(p.file.indexOf('AWSLogs/'))),
      listed,
    );
  });

  it('detects a gap in hourly digests and says when', async () => {
    const objects = ['us-east-1'].flatMap((region) =>
      buildTrail({
        account: ACCOUNT,
        region,
        trail: 'main',
        bucket: 'trail-bucket',
        start: START,
        hours: 6,
        key: aws,
        stoppedHours: [2, 3],
      }),
    );
    const r = await check(objects);
    assert.deepEqual(kinds(r), ['digest-gap us-east-1']);
    assert.equal(r.problems[0].time, START + 2 * 3_600_000);
    assert.match(r.problems[0].message, /stopped between 2026-11-01T12:00:31Z and 2026-11-01T14:00:31Z/);
  });

  it('detects deleted newest digests when log files kept coming', async () => {
    const objects = chain();
    const lastTwo = digestsOf(objects, 'us-east-1').slice(-2);
    const r = await check(objects.filter((o) => !lastTwo.includes(o)));
    assert.deepEqual(kinds(r), ['digest-gap us-east-1']);
    assert.match(r.problems[0].message, /stopped after 2026-11-01T13:00:31Z/);
  });

  it('detects a chain signed by a key CloudTrail does not list', async () => {
    const r = await check(chain(attacker));
    assert.deepEqual(kinds(r).sort(), [
      ...Array(4).fill('digest-unknown-key eu-west-1'),
      ...Array(4).fill('digest-unknown-key us-east-1'),
    ]);
    assert.equal(r.digests.failed, 8);
    assert.equal(r.logFiles.verified, 0);
  });

  it("detects a digest signed with the wrong key under CloudTrail's key fingerprint", async () => {
    const objects = chain();
    const digests = digestsOf(objects, 'us-east-1');
    // Re-sign hour 1 with another key (same fingerprint claimed) and fix the chain after it.
    const i = 1;
    const doc = docOf(digests[i]);
    const forged = signDigest(doc, attacker);
    Object.assign(digests[i], digestObject(digests[i].key, forged.text, forged.signature));
    const nextDoc = docOf(digests[i + 1]);
    nextDoc.previousDigestSignature = forged.signature;
    const next = signDigest(nextDoc, aws);
    Object.assign(digests[i + 1], digestObject(digests[i + 1].key, next.text, next.signature));
    const r = await check(objects);
    // The re-chained next digest (hour 2) fails too: it is not what hour 3 recorded and signed for.
    assert.deepEqual(r.problems.map((p) => `${p.kind} ${p.file.slice(p.file.indexOf('AWSLogs/'))}`).sort(), [
      `digest-bad-signature ${digests[1].key}`,
      `digest-bad-signature ${digests[2].key}`,
      `digest-chain-mismatch ${digests[2].key}`,
    ]);
  });

  it('turns problems into CRITICAL cloudtrail.log-tampering findings with file, expected and found', async () => {
    const objects = chain();
    const gone = logsOf(objects, 'us-east-1')[0];
    const r = await check(objects.filter((o) => o !== gone));
    const [f] = integrityFindings(r.problems);
    assert.equal(f.ruleId, LOG_TAMPERING_RULE);
    assert.equal(f.severity, 'CRITICAL');
    assert.equal(f.account, ACCOUNT);
    assert.equal(f.region, 'us-east-1');
    assert.deepEqual(
      { file: f.evidence.file, found: f.evidence.found },
      { file: `s3://trail-bucket/${gone.key}`, found: 'no such file' },
    );
    assert.match(String(f.evidence.expected), /^log file with SHA-256 [0-9a-f]{64}$/);
    assert.equal(integrityFindings(r.problems)[0].id, f.id);
    const entry = ruleCatalog().find((x) => x.id === LOG_TAMPERING_RULE);
    assert.deepEqual([entry?.severity, entry?.kind], ['CRITICAL', 'integrity']);
  });

  it('log files past the newest digest are unverifiable (no digest yet), not problems', async () => {
    const objects = chain();
    const [late] = buildTrail({
      account: ACCOUNT,
      region: 'us-east-1',
      trail: 'main',
      bucket: 'trail-bucket',
      start: START + HOURS * 3_600_000,
      hours: 1,
      logsPerHour: 1,
      key: aws,
    });
    const r = await check([...objects, late]);
    assert.deepEqual(r.problems, []);
    assert.equal(r.unverifiableLogFiles['no digest yet'], 1);
  });
});
