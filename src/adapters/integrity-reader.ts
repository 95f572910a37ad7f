import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import {
  type DigestObject,
  type LogHash,
  listedLogFiles,
  type ParsedDigest,
  parseDigests,
} from '../core/integrity/check-integrity.ts';
import { type LogKey, parseDigestKey, parseLogKey, relativeKey } from '../core/integrity/cloudtrail-keys.ts';
import type { ObjectSource, SourceObject } from '../core/ports.ts';
import { sha256Hex } from './decode.ts';

const gunzipAsync = promisify(gunzip);

/** Reads a log file a digest lists but the listing did not hold; undefined when it does not exist. */
export type LogLocator = (
  ref: { s3Bucket: string; s3Object: string; relKey: string },
  digest: ParsedDigest,
) => Promise<Uint8Array | undefined>;

/** What an integrity check reads: the digests and every CloudTrail log file seen in a listing. */
export interface IntegrityInventory {
  digests: SourceObject[];
  logs: Map<string, LogKey & { uri: string; object: SourceObject }>;
}

/**
 * Remembers the digests and CloudTrail log files of a listing as it goes by (the `analyze`
 * pipeline lists once; the integrity check reads what it needs afterwards).
 */
export class IntegrityCollector {
  readonly inventory: IntegrityInventory = { digests: [], logs: new Map() };

  observe(object: SourceObject): void {
    if (parseDigestKey(object.uri)) {
      this.inventory.digests.push(object);
      return;
    }
    const log = parseLogKey(object.uri);
    if (log) this.inventory.logs.set(log.relKey, { ...log, uri: object.uri, object });
  }

  /** The source, observed. */
  wrap(source: ObjectSource): ObjectSource {
    const collector = this;
    return {
      async *list() {
        for await (const object of source.list()) {
          collector.observe(object);
          yield object;
        }
      },
    };
  }
}

/** Digest and log contents read and hashed for `checkIntegrity`. */
export interface IntegrityReads {
  digests: ParsedDigest[];
  hashes: Map<string, LogHash>;
  /** Bytes of log files read (compressed, as stored). */
  bytesRead: number;
}

/**
 * Reads every digest (with its S3 metadata where there is one) and every log file the digests
 * list, and hashes their uncompressed content, a few at a time. A listed file that the listing did
 * not hold is looked for where the digest says it is (`locate`).
 */
export async function readIntegrityInputs(
  inventory: IntegrityInventory,
  locate: LogLocator,
  maxBytes: number,
  concurrency = 4,
): Promise<IntegrityReads> {
  let bytesRead = 0;
  const objects = await mapLimited(inventory.digests, concurrency, async (o): Promise<DigestObject> => {
    const bucket = /^s3:\/\/([^/]+)\//.exec(o.uri)?.[1];
    try {
      const stored = await readStored(o);
      const inflated = await inflate(stored, maxBytes);
      const metadata = o.metadata ? await o.metadata() : undefined;
      return {
        uri: o.uri,
        ...(bucket && { bucket }),
        content: { text: new TextDecoder().decode(inflated), sha256: sha256Hex(inflated) },
        ...(metadata && { metadata }),
      };
    } catch (err) {
      return { uri: o.uri, ...(bucket && { bucket }), error: (err as Error).message };
    }
  });
  const digests = parseDigests(objects);
  const listed = [...listedLogFiles(digests)];
  const firstDigest = new Map<string, ParsedDigest>();
  for (const d of digests)
    for (const f of d.digest?.logFiles ?? []) {
      const rel = relativeKey(f.s3Object) ?? f.s3Object;
      if (!firstDigest.has(rel)) firstDigest.set(rel, d);
    }
  const hashes = new Map<string, LogHash>();
  await mapLimited(listed, concurrency, async ([relKey, ref]) => {
    const known = inventory.logs.get(relKey);
    let stored: Uint8Array | undefined;
    const uri = known?.uri ?? `s3://${ref.s3Bucket}/${ref.s3Object}`;
    try {
      stored = known
        ? await readStored(known.object)
        : await locate({ ...ref, relKey }, firstDigest.get(relKey)!);
      if (!stored) return;
      bytesRead += stored.length;
      hashes.set(relKey, { uri, sha256: sha256Hex(await inflate(stored, maxBytes)) });
    } catch (err) {
      hashes.set(relKey, { uri, error: (err as Error).message });
    }
  });
  return { digests, hashes, bytesRead };
}

async function readStored(object: SourceObject): Promise<Uint8Array> {
  if (object.readBytes) return object.readBytes();
  // Sources without raw bytes hand out text: its UTF-8 is the content.
  return new TextEncoder().encode((await object.read()).text);
}

/** Gunzips gzip content (CloudTrail's hashes are of the uncompressed bytes), bounded. */
async function inflate(bytes: Uint8Array, maxBytes: number): Promise<Uint8Array> {
  if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  try {
    return await gunzipAsync(bytes, { maxOutputLength: maxBytes });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError)
      throw new Error(
        `decompressed size exceeds the limit of ${Math.round(maxBytes / 2 ** 20)} MiB (maxFileMiB)`,
      );
    throw new Error(`corrupt or truncated gzip (${e.message})`);
  }
}

async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/**
 * Finds listed log files in a downloaded copy: beside the digest, under the same root the
 * digest's own `AWSLogs/…` path hangs from.
 */
export const fsLogLocator: LogLocator = async (ref, digest) => {
  const root = digest.uri.slice(0, digest.uri.length - digest.key.relKey.length);
  try {
    return await readFile(`${root}${ref.relKey}`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
};
