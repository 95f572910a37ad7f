import {
  GetObjectCommand,
  HeadObjectCommand,
  paginateListObjectsV2,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { ByteTicket, ObjectSource, SourceObject } from '../../core/ports.ts';
import { decodeLogBytes, decodeUnlessKnown } from '../decode.ts';
import { InputPathError } from '../input-path-error.ts';
import { ARCHIVE_FILE, archiveEntries } from '../local/archive-source.ts';
import { LOG_FILE } from '../local/fs-source.ts';

/** `s3://bucket/prefix` split into its parts; throws on anything else. */
export function parseS3Uri(uri: string): { bucket: string; prefix: string } {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!match) throw new InputPathError(`"${uri}" is not an S3 URI (expected s3://bucket/prefix)`);
  return { bucket: match[1], prefix: match[2] };
}

/** Objects under an S3 prefix, listed page by page (never all keys at once). */
export class S3ObjectSource implements ObjectSource {
  private readonly bucket: string;
  private readonly prefix: string;

  constructor(
    private readonly client: S3Client,
    uri: string,
    private readonly maxBytes: number,
  ) {
    ({ bucket: this.bucket, prefix: this.prefix } = parseS3Uri(uri));
  }

  async *list(): AsyncIterable<SourceObject> {
    const pages = paginateListObjectsV2(
      { client: this.client },
      { Bucket: this.bucket, Prefix: this.prefix },
    );
    let found = 0;
    try {
      for await (const page of pages) {
        for (const item of page.Contents ?? []) {
          if (!item.Key || item.Key.endsWith('/')) continue;
          found++;
          if (ARCHIVE_FILE.test(item.Key)) yield* this.archive(item.Key, item.Size ?? 0);
          else yield this.object(item.Key, item.Size ?? 0);
        }
      }
    } catch (err) {
      const e = err as Error;
      throw new InputPathError(
        `s3://${this.bucket}/${this.prefix}: cannot list objects (${e.name}: ${e.message})`,
      );
    }
    if (found === 0)
      throw new InputPathError(`s3://${this.bucket}/${this.prefix}: no objects under this prefix`);
  }

  /**
   * An archive object's log files, entry by entry (`s3://bucket/evidence.zip!/AWSLogs/…`). The
   * archive is fetched whole (a zip is read from its end), so it is bounded by maxFileMiB too.
   */
  private archive(key: string, size: number): AsyncIterable<SourceObject> {
    const uri = `s3://${this.bucket}/${key}`;
    const object = this.object(key, size);
    const maxBytes = this.maxBytes;
    return archiveEntries(
      uri,
      maxBytes,
      (name) => LOG_FILE.test(name),
      async () => {
        if (size > maxBytes)
          throw new Error(
            `size ${size} bytes exceeds the limit of ${Math.round(maxBytes / 2 ** 20)} MiB (maxFileMiB)`,
          );
        return object.readBytes!();
      },
    );
  }

  /** One object by key (the Lambda processor reads the object an S3 event names). */
  object(key: string, size: number): SourceObject {
    const { client, bucket, maxBytes } = this;
    const uri = `s3://${bucket}/${key}`;
    return {
      uri,
      size,
      readBytes,
      async read(ticket) {
        return decodeLogBytes(await readBytes(ticket), maxBytes, ticket);
      },
      async readIfNew(isKnown, ticket) {
        return decodeUnlessKnown(await readBytes(ticket), maxBytes, isKnown, ticket);
      },
      async metadata() {
        const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return head.Metadata ?? {};
      },
    };
    async function readBytes(ticket?: ByteTicket): Promise<Uint8Array> {
      await ticket?.grow(Math.min(size, maxBytes));
      try {
        const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        if (!response.Body) throw new Error('empty response body');
        return await response.Body.transformToByteArray();
      } catch (err) {
        ticket?.shrinkTo(0);
        throw err;
      }
    }
  }
}
