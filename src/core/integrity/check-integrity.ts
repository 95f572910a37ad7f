import {
  type DigestKey,
  type LogKey,
  parseDigestKey,
  parseLogKey,
  placeOf,
  relativeKey,
} from './cloudtrail-keys.ts';
import {
  DIGEST_SIGNATURE_ALGORITHM,
  type DigestFile,
  digestSigningString,
  parseDigestFile,
} from './digest-file.ts';
import type { PublicKey, SignatureVerifier } from './public-key.ts';

/** A digest file as read: its uncompressed text and that text's SHA-256, or why it could not be read. */
export interface DigestObject {
  uri: string;
  /** The bucket it was read from (S3 input); a downloaded copy has none. */
  bucket?: string;
  content?: { text: string; sha256: string };
  error?: string;
  /** Its S3 object metadata (`signature`, `signature-algorithm`); only an S3 input has it. */
  metadata?: Record<string, string>;
}

/** A digest file parsed, with its place. */
export interface ParsedDigest {
  uri: string;
  bucket?: string;
  key: DigestKey;
  sha256?: string;
  digest?: DigestFile;
  error?: string;
  metadata?: Record<string, string>;
}

/** What reading a listed log file gave: the SHA-256 of its uncompressed content, or why not. */
export type LogHash = { sha256: string; uri: string } | { error: string; uri: string };

/** What kind of tampering (or loss) a problem shows. */
export type IntegrityProblemKind =
  | 'log-missing'
  | 'log-modified'
  | 'log-unlisted'
  | 'digest-bad-signature'
  | 'digest-unknown-key'
  | 'digest-missing'
  | 'digest-chain-mismatch'
  | 'digest-gap'
  | 'digest-malformed'
  | 'digest-moved';

/** One problem: the file, what the signed record expected and what was found. */
export interface IntegrityProblem {
  kind: IntegrityProblemKind;
  account: string;
  region: string;
  trail?: string;
  /** The file the problem is about (URI or path). */
  file: string;
  expected: string;
  found: string;
  /** Epoch ms the problem dates from (the digest's end, the file's delivery, the gap's start). */
  time: number;
  /** The digest that shows it, when one does. */
  digest?: string;
  message: string;
}

/** A file whose integrity could not be established either way, and why. */
export interface Unverifiable {
  file: string;
  reason: string;
}

/** Counts for one trail in one region. */
export interface TrailIntegrity {
  account: string;
  region: string;
  trail: string;
  digests: number;
  digestsVerified: number;
  digestsUnverifiable: number;
  digestsFailed: number;
  logFiles: number;
  /** Epoch ms of the first digest's start and the last one's end. */
  from?: number;
  to?: number;
}

export interface IntegrityCounts {
  verified: number;
  unverifiable: number;
  failed: number;
}

/** Everything one integrity check found. */
export interface IntegrityReport {
  trails: TrailIntegrity[];
  digests: IntegrityCounts;
  logFiles: IntegrityCounts;
  problems: IntegrityProblem[];
  /** Digests that could not be verified, each with the reason. */
  unverifiableDigests: Unverifiable[];
  /** Why log files could not be verified, with how many. */
  unverifiableLogFiles: Record<string, number>;
}

export interface IntegrityInput {
  digests: readonly ParsedDigest[];
  /** Every CloudTrail log file in the input, by its key from `AWSLogs/` on. */
  logs: ReadonlyMap<string, LogKey & { uri: string }>;
  /** Listed log files, by key: their hash, or why they could not be read; absent = not found. */
  hashes: ReadonlyMap<string, LogHash>;
  /** Public keys; undefined when none could be had (then `keysUnavailable` says why). */
  keys?: readonly PublicKey[];
  keysUnavailable?: string;
  verifier: SignatureVerifier;
}

/** How late a log file may be named after the last digest's end and still be unlisted without blame. */
const DELIVERY_SLACK_MS = 10 * 60_000;
/** A log file delivered this long after the newest digest's end means digests stopped. */
const MISSING_DIGEST_AFTER_MS = 75 * 60_000;

/** Parses digest objects; those whose name is not a digest's are left out (reported by the caller's listing). */
export function parseDigests(objects: readonly DigestObject[]): ParsedDigest[] {
  const out: ParsedDigest[] = [];
  for (const o of objects) {
    const key = parseDigestKey(o.uri);
    if (!key) continue;
    const base = {
      uri: o.uri,
      key,
      ...(o.bucket && { bucket: o.bucket }),
      ...(o.metadata && { metadata: o.metadata }),
    };
    if (!o.content) {
      out.push({ ...base, error: o.error ?? 'not read' });
      continue;
    }
    const parsed = parseDigestFile(o.content.text);
    out.push(
      parsed.ok
        ? { ...base, sha256: o.content.sha256, digest: parsed.digest }
        : { ...base, sha256: o.content.sha256, error: parsed.reason },
    );
  }
  return out;
}

/** The log files the digests list, by key from `AWSLogs/` on, with the bucket and key they name. */
export function listedLogFiles(
  digests: readonly ParsedDigest[],
): Map<string, { s3Bucket: string; s3Object: string }> {
  const listed = new Map<string, { s3Bucket: string; s3Object: string }>();
  for (const d of digests)
    for (const f of d.digest?.logFiles ?? []) {
      const rel = relativeKey(f.s3Object) ?? f.s3Object;
      if (!listed.has(rel)) listed.set(rel, { s3Bucket: f.s3Bucket, s3Object: f.s3Object });
    }
  return listed;
}

type LogStatus = 'verified' | 'unverifiable' | 'failed';

/**
 * Checks CloudTrail log-file integrity the way CloudTrail documents it: every digest's signature
 * against the key its fingerprint names, the chain of previous digests (hash and signature), and
 * the SHA-256 of every log file a digest lists; then what no digest explains: gaps in the hourly
 * digests and log files no digest lists.
 *
 * A digest's own signature lives in its S3 object metadata and again in the next digest's
 * `previousDigestSignature`. Over a downloaded copy the newest digest of each chain therefore
 * cannot be verified; that is said per digest, and is not a problem.
 */
export function checkIntegrity(input: IntegrityInput): IntegrityReport {
  const problems: IntegrityProblem[] = [];
  const unverifiableDigests: Unverifiable[] = [];
  const digestCounts: IntegrityCounts = { verified: 0, unverifiable: 0, failed: 0 };
  const logStatus = new Map<string, LogStatus>();
  const logReason = new Map<string, string>();
  const setLog = (rel: string, status: LogStatus, reason?: string) => {
    const prev = logStatus.get(rel);
    if (prev === 'failed' || (prev === 'verified' && status === 'unverifiable')) return;
    logStatus.set(rel, status);
    if (reason) logReason.set(rel, reason);
    else logReason.delete(rel);
  };
  const keysByFingerprint = new Map<string, PublicKey>();
  for (const k of input.keys ?? []) keysByFingerprint.set(k.fingerprint.toLowerCase(), k);

  // Every digest by the key it has from AWSLogs/ on, and each one's successor in its chain.
  const byRel = new Map<string, ParsedDigest>();
  for (const d of input.digests) byRel.set(d.key.relKey, d);
  const successor = new Map<string, ParsedDigest>();
  for (const d of input.digests) {
    const prev = d.digest?.previousDigestS3Object;
    if (prev) successor.set(relativeKey(prev) ?? prev, d);
  }

  const trails = new Map<string, TrailIntegrity>();
  const trailOf = (d: ParsedDigest): TrailIntegrity => {
    const id = `${placeOf(d.key)}/${d.key.trail}`;
    let t = trails.get(id);
    if (!t) {
      t = {
        account: d.key.account,
        region: d.key.region,
        trail: d.key.trail,
        digests: 0,
        digestsVerified: 0,
        digestsUnverifiable: 0,
        digestsFailed: 0,
        logFiles: 0,
      };
      trails.set(id, t);
    }
    return t;
  };
  const problem = (d: ParsedDigest, p: Omit<IntegrityProblem, 'account' | 'region' | 'trail' | 'digest'>) =>
    problems.push({ account: d.key.account, region: d.key.region, trail: d.key.trail, digest: d.uri, ...p });

  for (const d of input.digests) {
    const trail = trailOf(d);
    trail.digests++;
    const doc = d.digest;
    if (!doc || d.sha256 === undefined) {
      trail.digestsFailed++;
      digestCounts.failed++;
      problem(d, {
        kind: 'digest-malformed',
        file: d.uri,
        expected: 'a readable CloudTrail digest (gzip JSON in the documented format)',
        found: d.error ?? 'nothing',
        time: d.key.endTime,
        message: `digest file unreadable or not in CloudTrail's format: ${d.error}`,
      });
      continue;
    }
    const start = Date.parse(doc.digestStartTime);
    const end = Date.parse(doc.digestEndTime);
    trail.from = Math.min(trail.from ?? start, start);
    trail.to = Math.max(trail.to ?? end, end);
    let failed = false;

    // Where CloudTrail wrote it is part of what it signed: a digest moved elsewhere is not trusted.
    const claimed = relativeKey(doc.digestS3Object) ?? doc.digestS3Object;
    if (claimed !== d.key.relKey || (d.bucket !== undefined && d.bucket !== doc.digestS3Bucket)) {
      failed = true;
      problem(d, {
        kind: 'digest-moved',
        file: d.uri,
        expected: `s3://${doc.digestS3Bucket}/${doc.digestS3Object}`,
        found: d.bucket ? `s3://${d.bucket}/${d.key.relKey}` : d.key.relKey,
        time: end,
        message: 'digest file is not where CloudTrail delivered it',
      });
    }

    // Its signature: from S3 metadata, or repeated in the next digest of the chain.
    const next = successor.get(d.key.relKey);
    const fromMetadata = d.metadata?.signature?.toLowerCase();
    const fromNext = next?.digest?.previousDigestSignature?.toLowerCase() ?? undefined;
    if (
      next?.digest &&
      next.digest.previousDigestHashValue &&
      next.digest.previousDigestHashValue.toLowerCase() !== d.sha256
    ) {
      failed = true;
      problem(d, {
        kind: 'digest-chain-mismatch',
        file: d.uri,
        expected: `SHA-256 ${next.digest.previousDigestHashValue} (previousDigestHashValue in ${next.uri})`,
        found: `SHA-256 ${d.sha256}`,
        time: end,
        message: 'digest file differs from the one the next digest of the chain recorded',
      });
    }
    if (fromMetadata && fromNext && fromMetadata !== fromNext) {
      failed = true;
      problem(d, {
        kind: 'digest-chain-mismatch',
        file: d.uri,
        expected: `signature ${short(fromNext)} (previousDigestSignature in ${next?.uri})`,
        found: `signature ${short(fromMetadata)} (S3 metadata)`,
        time: end,
        message: "digest's signature differs from the one the next digest of the chain recorded",
      });
    }
    const signature = fromMetadata ?? fromNext;
    let authentic = false;
    let unverifiable: string | undefined;
    if (!signature) {
      unverifiable = 'signature only in S3 metadata (the newest digest of a downloaded copy)';
    } else if (doc.digestSignatureAlgorithm !== DIGEST_SIGNATURE_ALGORITHM) {
      unverifiable = `signature algorithm "${doc.digestSignatureAlgorithm}" is not ${DIGEST_SIGNATURE_ALGORITHM}`;
    } else if (!input.keys) {
      unverifiable = `no public key (${input.keysUnavailable ?? 'none given'})`;
    } else {
      const fingerprint = doc.digestPublicKeyFingerprint.toLowerCase();
      const key = keysByFingerprint.get(fingerprint);
      if (!key) {
        failed = true;
        problem(d, {
          kind: 'digest-unknown-key',
          file: d.uri,
          expected: `a CloudTrail public key valid at ${doc.digestEndTime}`,
          found: `fingerprint ${fingerprint}, not among the ${keysByFingerprint.size} known keys`,
          time: end,
          message: 'digest signed by a key CloudTrail does not list',
        });
      } else if (
        (key.validFrom !== undefined && end < key.validFrom) ||
        (key.validTo !== undefined && end > key.validTo)
      ) {
        failed = true;
        problem(d, {
          kind: 'digest-unknown-key',
          file: d.uri,
          expected: `a key valid at ${doc.digestEndTime}`,
          found: `key ${fingerprint} valid ${iso(key.validFrom)} to ${iso(key.validTo)}`,
          time: end,
          message: 'digest signed by a key that was not valid at its time',
        });
      } else if (input.verifier.verify(digestSigningString(doc, d.sha256), signature, key)) {
        authentic = true;
      } else {
        failed = true;
        problem(d, {
          kind: 'digest-bad-signature',
          file: d.uri,
          expected: `a valid ${DIGEST_SIGNATURE_ALGORITHM} signature by key ${fingerprint}`,
          found: `signature ${short(signature)} does not verify (${fromMetadata ? 'S3 metadata' : `previousDigestSignature in ${next?.uri}`})`,
          time: end,
          message: 'digest file forged or modified: its signature does not verify',
        });
      }
    }
    if (failed) {
      trail.digestsFailed++;
      digestCounts.failed++;
    } else if (authentic) {
      trail.digestsVerified++;
      digestCounts.verified++;
    } else {
      trail.digestsUnverifiable++;
      digestCounts.unverifiable++;
      unverifiableDigests.push({ file: d.uri, reason: unverifiable ?? 'unverified' });
    }

    // Its chain: the previous digest it names must be there (unless the chain starts before the input).
    const prevRel = doc.previousDigestS3Object
      ? (relativeKey(doc.previousDigestS3Object) ?? doc.previousDigestS3Object)
      : undefined;
    if (prevRel && !byRel.has(prevRel) && hasEarlierDigest(input.digests, d)) {
      problem(d, {
        kind: 'digest-missing',
        file: `${doc.previousDigestS3Bucket}/${doc.previousDigestS3Object}`,
        expected: `digest file ${prevRel} (previousDigestS3Object of ${d.key.relKey})`,
        found: 'no such file',
        time: start,
        message: 'digest file deleted: the chain of digests is broken',
      });
    }

    // The log files it lists.
    for (const f of doc.logFiles) {
      const rel = relativeKey(f.s3Object) ?? f.s3Object;
      trail.logFiles++;
      const read = input.hashes.get(rel);
      const deliveredAt = (input.logs.get(rel) ?? parseLogKey(rel))?.deliveredAt ?? end;
      if (!read) {
        setLog(rel, 'failed');
        problem(d, {
          kind: 'log-missing',
          file: `s3://${f.s3Bucket}/${f.s3Object}`,
          expected: `log file with SHA-256 ${f.hashValue}`,
          found: 'no such file',
          time: deliveredAt,
          message: `log file deleted: listed in digest ${d.key.relKey} but missing`,
        });
      } else if ('error' in read) {
        setLog(rel, 'failed');
        problem(d, {
          kind: 'log-modified',
          file: read.uri,
          expected: `log file with SHA-256 ${f.hashValue}`,
          found: `unreadable: ${read.error}`,
          time: deliveredAt,
          message: 'log file listed in a digest cannot be read',
        });
      } else if (read.sha256 !== f.hashValue.toLowerCase()) {
        setLog(rel, 'failed');
        problem(d, {
          kind: 'log-modified',
          file: read.uri,
          expected: `SHA-256 ${f.hashValue}`,
          found: `SHA-256 ${read.sha256}`,
          time: deliveredAt,
          message: 'log file modified: its SHA-256 differs from the one in the digest',
        });
      } else if (authentic) {
        setLog(rel, 'verified');
      } else {
        setLog(
          rel,
          'unverifiable',
          failed ? 'its digest failed verification' : `its digest is unverifiable: ${unverifiable}`,
        );
      }
    }
  }

  checkGaps(input, problems);
  checkUnlisted(input, logStatus, setLog, problems);

  const logCounts: IntegrityCounts = { verified: 0, unverifiable: 0, failed: 0 };
  const unverifiableLogFiles: Record<string, number> = {};
  for (const [rel, status] of logStatus) {
    logCounts[status]++;
    if (status === 'unverifiable') {
      const reason = logReason.get(rel) ?? 'unverified';
      unverifiableLogFiles[reason] = (unverifiableLogFiles[reason] ?? 0) + 1;
    }
  }
  return {
    trails: [...trails.values()].sort((a, b) =>
      `${a.account}/${a.region}/${a.trail}`.localeCompare(`${b.account}/${b.region}/${b.trail}`),
    ),
    digests: digestCounts,
    logFiles: logCounts,
    problems: problems.sort((a, b) => a.time - b.time || a.file.localeCompare(b.file)),
    unverifiableDigests,
    unverifiableLogFiles,
  };
}

/** True when the input holds an earlier hourly digest of the same trail (so a missing predecessor was deleted, not left out). */
function hasEarlierDigest(digests: readonly ParsedDigest[], d: ParsedDigest): boolean {
  return digests.some(
    (o) =>
      o !== d &&
      !o.key.backfill &&
      o.key.trail === d.key.trail &&
      placeOf(o.key) === placeOf(d.key) &&
      o.key.endTime < d.key.endTime,
  );
}

/**
 * Hours without a digest: a chain that restarts (a digest with no previous digest after earlier
 * ones), and log files delivered long after a trail's newest digest.
 */
function checkGaps(input: IntegrityInput, problems: IntegrityProblem[]): void {
  const chains = new Map<string, ParsedDigest[]>();
  for (const d of input.digests) {
    if (d.key.backfill || !d.digest) continue;
    const id = `${placeOf(d.key)}/${d.key.trail}`;
    const list = chains.get(id) ?? [];
    list.push(d);
    chains.set(id, list);
  }
  const newestByPlace = new Map<string, number>();
  for (const chain of chains.values()) {
    chain.sort((a, b) => Date.parse(a.digest!.digestEndTime) - Date.parse(b.digest!.digestEndTime));
    for (let i = 1; i < chain.length; i++) {
      const d = chain[i];
      const p = chain[i - 1];
      if (d.digest!.previousDigestS3Object) continue;
      problems.push({
        kind: 'digest-gap',
        account: d.key.account,
        region: d.key.region,
        trail: d.key.trail,
        file: d.uri,
        expected: `an hourly digest chained to ${p.key.relKey}`,
        found: `no digest between ${p.digest!.digestEndTime} and ${d.digest!.digestStartTime}; the chain restarts here`,
        time: Date.parse(p.digest!.digestEndTime),
        digest: d.uri,
        message: `CloudTrail digest delivery stopped between ${p.digest!.digestEndTime} and ${d.digest!.digestStartTime}`,
      });
    }
    const last = chain[chain.length - 1];
    const place = placeOf(last.key);
    newestByPlace.set(place, Math.max(newestByPlace.get(place) ?? 0, Date.parse(last.digest!.digestEndTime)));
  }
  // Log files delivered well after the newest digest: digests stopped (or the newest were deleted).
  const latestLog = new Map<string, LogKey & { uri: string }>();
  for (const log of input.logs.values()) {
    const place = placeOf(log);
    const seen = latestLog.get(place);
    if (!seen || log.deliveredAt > seen.deliveredAt) latestLog.set(place, log);
  }
  for (const [place, newest] of newestByPlace) {
    const log = latestLog.get(place);
    if (!log || log.deliveredAt - newest < MISSING_DIGEST_AFTER_MS) continue;
    problems.push({
      kind: 'digest-gap',
      account: log.account,
      region: log.region,
      file: log.uri,
      expected: `hourly digests after ${iso(newest)}`,
      found: `no digest after ${iso(newest)}, log files delivered until ${iso(log.deliveredAt)}`,
      time: newest,
      message: `CloudTrail digest delivery stopped after ${iso(newest)} while log files kept coming`,
    });
  }
}

/** Log files in the input that no digest lists although digests cover their delivery time. */
function checkUnlisted(
  input: IntegrityInput,
  status: Map<string, LogStatus>,
  setLog: (rel: string, s: LogStatus, reason?: string) => void,
  problems: IntegrityProblem[],
): void {
  // A digest covers its hour; one that names a previous digest also covers back to the end of the
  // trail's earlier digest in the input (delivery went on: a deleted digest's hour stays covered).
  const covered = new Map<string, [number, number][]>();
  const byTrail = new Map<string, ParsedDigest[]>();
  for (const d of input.digests) {
    if (!d.digest) continue;
    const id = `${placeOf(d.key)}/${d.key.trail}`;
    byTrail.set(id, [...(byTrail.get(id) ?? []), d]);
  }
  for (const chain of byTrail.values()) {
    chain.sort((a, b) => Date.parse(a.digest!.digestEndTime) - Date.parse(b.digest!.digestEndTime));
    let previousEnd: number | undefined;
    for (const d of chain) {
      const place = placeOf(d.key);
      const start = Date.parse(d.digest!.digestStartTime);
      const end = Date.parse(d.digest!.digestEndTime);
      const from =
        d.digest!.previousDigestS3Object && previousEnd !== undefined ? Math.min(previousEnd, start) : start;
      covered.set(place, [...(covered.get(place) ?? []), [from, end]]);
      if (!d.key.backfill) previousEnd = end;
    }
  }
  for (const [rel, log] of input.logs) {
    if (status.has(rel)) continue;
    const spans = covered.get(placeOf(log));
    if (!spans) {
      setLog(rel, 'unverifiable', 'no digest for its account and region');
      continue;
    }
    const lastEnd = Math.max(...spans.map(([, e]) => e));
    const t = log.deliveredAt;
    // Names carry the delivery minute: a file may be named a minute before its digest starts.
    const inSpan = spans.some(([s, e]) => t >= s - 60_000 && t < e);
    if (!inSpan || t >= lastEnd - DELIVERY_SLACK_MS) {
      setLog(
        rel,
        'unverifiable',
        t >= lastEnd - DELIVERY_SLACK_MS ? 'no digest yet' : 'no digest covers its delivery time',
      );
      continue;
    }
    setLog(rel, 'failed');
    problems.push({
      kind: 'log-unlisted',
      account: log.account,
      region: log.region,
      file: log.uri,
      expected: 'listed in the digest of the hour it was delivered in',
      found: `listed in no digest (delivered ${iso(t)})`,
      time: t,
      message: 'log file that no digest lists: added or renamed after delivery',
    });
  }
}

function short(signature: string): string {
  return signature.length > 16 ? `${signature.slice(0, 16)}…` : signature;
}

function iso(ms: number | undefined): string {
  return ms === undefined || Number.isNaN(ms) ? '?' : new Date(ms).toISOString().replace('.000Z', 'Z');
}
