/**
 * Builds CloudTrail log files and signed digest files in the format and layout CloudTrail
 * documents ("CloudTrail digest file structure", "Custom implementations of CloudTrail log file
 * integrity validation"), signed with a key pair made here, for tests and the benchmark.
 */
import { createHash, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { digestSigningString } from '../../src/core/integrity/digest-file.ts';
import type { PublicKey } from '../../src/core/integrity/public-key.ts';

export interface SigningKey {
  privateKey: KeyObject;
  publicKey: PublicKey;
}

/** A fresh 2048-bit RSA key pair; the public half as CloudTrail serves it (DER PKCS #1, hex fingerprint). */
export function makeSigningKey(validFrom?: number, validTo?: number): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const der = new Uint8Array(publicKey.export({ format: 'der', type: 'pkcs1' }));
  return {
    privateKey,
    publicKey: {
      fingerprint: createHash('md5').update(der).digest('hex'),
      der,
      ...(validFrom !== undefined && { validFrom }),
      ...(validTo !== undefined && { validTo }),
    },
  };
}

/** The JSON `aws cloudtrail list-public-keys` prints for these keys. */
export function publicKeyListJson(keys: readonly PublicKey[]): string {
  return JSON.stringify({
    PublicKeyList: keys.map((k) => ({
      Value: Buffer.from(k.der).toString('base64'),
      ValidityStartTime: new Date(k.validFrom ?? Date.UTC(2014, 0, 1)).toISOString(),
      ValidityEndTime: new Date(k.validTo ?? Date.UTC(2099, 0, 1)).toISOString(),
      Fingerprint: k.fingerprint,
    })),
  });
}

/** One object as it lies in the bucket: key, stored (gzip) bytes, S3 user metadata. */
export interface TrailObject {
  key: string;
  body: Buffer;
  metadata?: Record<string, string>;
}

export interface TrailOptions {
  account: string;
  region: string;
  trail: string;
  homeRegion?: string;
  bucket: string;
  /** Epoch ms of the first digest's start. */
  start: number;
  hours: number;
  logsPerHour?: number;
  eventsPerLog?: number;
  key: SigningKey;
  /** Hours for which CloudTrail delivered nothing (logging stopped): the chain restarts after them. */
  stoppedHours?: readonly number[];
  /** Log files to list instead of generated ones, per hour: keys from AWSLogs/ on, uncompressed content. */
  logsFor?: (hour: number) => { key: string; content: Buffer }[];
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const ymd = (d: Date) => `${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}`;
const compact = (d: Date, seconds: boolean) =>
  `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${seconds ? pad(d.getUTCSeconds()) : ''}Z`;
const isoSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The key CloudTrail delivers a log file under. */
export function logFileKey(account: string, region: string, deliveredAt: number, unique: string): string {
  const d = new Date(deliveredAt);
  return `AWSLogs/${account}/CloudTrail/${region}/${ymd(d)}/${account}_CloudTrail_${region}_${compact(d, false)}_${unique}.json.gz`;
}

/** The key CloudTrail delivers a digest file under. */
export function digestFileKey(
  o: Pick<TrailOptions, 'account' | 'region' | 'trail' | 'homeRegion'>,
  end: number,
): string {
  const d = new Date(end);
  return `AWSLogs/${o.account}/CloudTrail-Digest/${o.region}/${ymd(d)}/${o.account}_CloudTrail-Digest_${o.region}_${o.trail}_${o.homeRegion ?? o.region}_${compact(d, true)}.json.gz`;
}

/** A small CloudTrail log file: `{"Records": [...]}` with `n` events at `at`. */
export function logFileContent(account: string, region: string, at: number, n: number, seed: string): Buffer {
  const records = Array.from({ length: n }, (_, i) => ({
    eventVersion: '1.08',
    userIdentity: {
      type: 'IAMUser',
      arn: `arn:aws:iam::${account}:user/alice`,
      accountId: account,
      userName: 'alice',
    },
    eventTime: isoSeconds(at - 60_000 + i * 1000),
    eventSource: 's3.amazonaws.com',
    eventName: 'ListBuckets',
    awsRegion: region,
    sourceIPAddress: '198.51.100.7',
    userAgent: 'aws-cli/2.15.0',
    requestParameters: null,
    responseElements: null,
    eventID: createHash('sha256').update(`${seed}/${i}`).digest('hex').slice(0, 32),
    readOnly: true,
    eventType: 'AwsApiCall',
    recipientAccountId: account,
  }));
  return Buffer.from(JSON.stringify({ Records: records }));
}

/** Signs a digest document as CloudTrail does: SHA256withRSA over the signing string, hex. */
export function signDigest(doc: DigestDoc, key: SigningKey): { text: string; signature: string } {
  const text = JSON.stringify(doc);
  const sha = createHash('sha256').update(text).digest('hex');
  const signature = sign('sha256', Buffer.from(digestSigningString(doc, sha)), key.privateKey).toString(
    'hex',
  );
  return { text, signature };
}

export type DigestDoc = Parameters<typeof digestSigningString>[0];

/** Stored form of a digest: gzip JSON with its signature in the S3 metadata. */
export function digestObject(key: string, text: string, signature: string): TrailObject {
  return {
    key,
    body: gzipSync(text),
    metadata: { signature, 'signature-algorithm': 'SHA256withRSA' },
  };
}

/**
 * One trail in one region over `hours` hours: log files and an hourly chain of digests listing
 * them, each signed and chained to the one before (the first of a chain, and the first after a
 * stop, has no previous digest).
 */
export function buildTrail(o: TrailOptions): TrailObject[] {
  const out: TrailObject[] = [];
  const stopped = new Set(o.stoppedHours ?? []);
  const perHour = o.logsPerHour ?? 2;
  let previous: { key: string; sha256: string; signature: string } | undefined;
  for (let h = 0; h < o.hours; h++) {
    const start = o.start + h * 3_600_000;
    const end = start + 3_600_000;
    if (stopped.has(h)) {
      previous = undefined;
      continue;
    }
    const logs =
      o.logsFor?.(h) ??
      Array.from({ length: perHour }, (_, i) => {
        const at = start + (5 + (i * 50) / perHour) * 60_000;
        const unique = createHash('sha1')
          .update(`${o.trail}/${o.region}/${h}/${i}`)
          .digest('hex')
          .slice(0, 16);
        return {
          key: logFileKey(o.account, o.region, at, unique),
          content: logFileContent(o.account, o.region, at, o.eventsPerLog ?? 3, `${o.region}/${h}/${i}`),
        };
      });
    for (const l of logs) out.push({ key: l.key, body: gzipSync(l.content) });
    const key = digestFileKey(o, end);
    const doc: DigestDoc = {
      awsAccountId: o.account,
      digestStartTime: isoSeconds(start),
      digestEndTime: isoSeconds(end),
      digestS3Bucket: o.bucket,
      digestS3Object: key,
      digestPublicKeyFingerprint: o.key.publicKey.fingerprint,
      digestSignatureAlgorithm: 'SHA256withRSA',
      newestEventTime: isoSeconds(end - 120_000),
      oldestEventTime: isoSeconds(start + 60_000),
      previousDigestS3Bucket: previous ? o.bucket : null,
      previousDigestS3Object: previous?.key ?? null,
      previousDigestHashValue: previous?.sha256 ?? null,
      previousDigestHashAlgorithm: previous ? 'SHA-256' : null,
      previousDigestSignature: previous?.signature ?? null,
      logFiles: logs.map((l) => ({
        s3Bucket: o.bucket,
        s3Object: l.key,
        hashValue: createHash('sha256').update(l.content).digest('hex'),
        hashAlgorithm: 'SHA-256',
        newestEventTime: isoSeconds(start + 50 * 60_000),
        oldestEventTime: isoSeconds(start + 60_000),
      })),
    };
    const { text, signature } = signDigest(doc, o.key);
    out.push(digestObject(key, text, signature));
    previous = { key, sha256: createHash('sha256').update(text).digest('hex'), signature };
  }
  return out;
}

/** Writes objects under a directory as `aws s3 sync` would (metadata is lost, as it is there). */
export function writeTrailDir(root: string, objects: readonly TrailObject[]): void {
  for (const o of objects) {
    const path = join(root, o.key);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, o.body);
  }
}

/** Puts objects into a bucket with their metadata. */
export async function putTrailObjects(
  client: S3Client,
  bucket: string,
  objects: readonly TrailObject[],
): Promise<void> {
  for (const o of objects)
    await client.send(
      new PutObjectCommand({ Bucket: bucket, Key: o.key, Body: o.body, Metadata: o.metadata }),
    );
}
