import {
  fsLogLocator,
  type IntegrityCollector,
  type LogLocator,
  readIntegrityInputs,
} from '../adapters/integrity-reader.ts';
import { readPublicKeyFiles } from '../adapters/local/public-key-files.ts';
import { stableId } from '../core/hash.ts';
import {
  checkIntegrity,
  type IntegrityReport,
  type ParsedDigest,
} from '../core/integrity/check-integrity.ts';
import { integrityFindings } from '../core/integrity/integrity-findings.ts';
import type { PublicKey } from '../core/integrity/public-key.ts';
import { RsaSha256Verifier } from '../core/integrity/rsa-verifier.ts';
import type { EventStore } from '../core/ports.ts';

/** What an integrity run did, beside the check's report. */
export interface IntegrityRun {
  report: IntegrityReport;
  /** Where the keys came from: the files given, ListPublicKeys, or why there are none. */
  keys: string;
  /** The pseudo-file the findings were stored under (for a run's summary), when there were any. */
  fileId?: string;
  findingsStored: number;
  logBytesRead: number;
}

/**
 * Where to find listed log files the listing did not hold: the digest's bucket, or beside the
 * digest on disk. The S3 client is loaded only for an S3 input.
 */
export async function logLocatorFor(input: string): Promise<LogLocator> {
  if (!input.startsWith('s3://')) return fsLogLocator;
  const [{ S3Client }, { s3LogLocator }] = await Promise.all([
    import('@aws-sdk/client-s3'),
    import('../adapters/aws/s3-log-locator.ts'),
  ]);
  const client = new S3Client({
    forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL),
  });
  return s3LogLocator(client);
}

/**
 * Reads the digests a listing held and the log files they list, gets the public keys (files given,
 * else ListPublicKeys per region with the standard credential chain), checks, and stores each
 * problem as a CRITICAL `cloudtrail.log-tampering` finding.
 */
export async function runIntegrityCheck(
  input: string,
  collector: IntegrityCollector,
  options: { publicKeys?: string[]; maxBytes: number; store: EventStore; now: number },
): Promise<IntegrityRun> {
  const given = options.publicKeys?.length ? readPublicKeyFiles(options.publicKeys) : undefined;
  const reads = await readIntegrityInputs(collector.inventory, await logLocatorFor(input), options.maxBytes);
  let keys: readonly PublicKey[] | undefined = given;
  let keySource = given ? `${given.length} keys from ${options.publicKeys!.join(', ')}` : 'none needed';
  let keysUnavailable: string | undefined;
  if (!given && reads.digests.some((d) => d.digest)) {
    try {
      keys = await fetchKeys(reads.digests);
      keySource = `${keys.length} keys from CloudTrail ListPublicKeys`;
    } catch (err) {
      const e = err as Error;
      keysUnavailable = `no --public-keys and ListPublicKeys failed: ${e.name}: ${e.message.split('\n')[0]}`;
      keySource = keysUnavailable;
    }
  }
  const report = checkIntegrity({
    digests: reads.digests,
    logs: collector.inventory.logs,
    hashes: reads.hashes,
    ...(keys && { keys }),
    ...(keysUnavailable && { keysUnavailable }),
    verifier: new RsaSha256Verifier(),
  });
  const findings = integrityFindings(report.problems);
  let fileId: string | undefined;
  let findingsStored = 0;
  if (findings.length > 0) {
    // Findings are stored with a file record of their own, named by what they are: the same
    // problems found again store nothing new.
    fileId = stableId('integrity-check', ...findings.map((f) => f.id).sort());
    await options.store.ingest({
      file: {
        id: fileId,
        uri: `integrity-check:${input}`,
        size: 0,
        events: 0,
        errors: 0,
        ingestedAt: options.now,
      },
      events: [],
      findings,
      errors: [],
    });
    findingsStored = (await options.store.flush()).findingsStored;
  }
  return {
    report,
    keys: keySource,
    ...(fileId && { fileId }),
    findingsStored,
    logBytesRead: reads.bytesRead,
  };
}

/** ListPublicKeys in every region digests were signed in, over the digests' time range. */
async function fetchKeys(digests: readonly ParsedDigest[]): Promise<PublicKey[]> {
  const regions = new Set<string>();
  let start = Number.POSITIVE_INFINITY;
  let end = 0;
  for (const d of digests) {
    if (!d.digest) continue;
    regions.add(d.key.region);
    start = Math.min(start, Date.parse(d.digest.digestStartTime));
    end = Math.max(end, Date.parse(d.digest.digestEndTime));
  }
  const [{ CloudTrailClient }, { listCloudTrailPublicKeys }] = await Promise.all([
    import('@aws-sdk/client-cloudtrail'),
    import('../adapters/aws/cloudtrail-public-keys.ts'),
  ]);
  const byFingerprint = new Map<string, PublicKey>();
  for (const region of [...regions].sort()) {
    const client = new CloudTrailClient({ region, maxAttempts: 2 });
    try {
      for (const k of await listCloudTrailPublicKeys(client, { start, end }))
        byFingerprint.set(k.fingerprint, k);
    } finally {
      client.destroy();
    }
  }
  return [...byFingerprint.values()];
}
