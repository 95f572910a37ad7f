import { gzipSync } from 'node:zlib';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ProcessedEvent } from '../../core/event.ts';
import type { IngestedFile } from '../../core/ports.ts';
import { utcDay } from './event-rollup.ts';

/**
 * One processed event as an NDJSON line for Athena: the event model without `raw` (the original
 * record stays in the log bucket). Keys match the Glue table's columns case-insensitively: id, time
 * (epoch ms), source, account, region, service, action, principal{…}, sourceIp, userAgent,
 * errorCode, errorMessage, readOnly, anomalyFlags, riskScore.
 */
export function processedLine(e: ProcessedEvent): string {
  const { raw: _raw, ...rest } = e;
  return JSON.stringify(rest);
}

/**
 * Writes a file's processed events as gzip NDJSON, one object per UTC day of its events, under
 * `<prefix>dt=YYYY-MM-DD/<file id>.ndjson.gz`. The key derives from the source content's hash, so
 * a retried file overwrites its own objects and never adds a copy.
 */
export class S3ProcessedEventWriter {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    private readonly prefix = 'processed/',
  ) {}

  /** The object key of a file's events of one day. */
  key(fileId: string, day: string): string {
    return `${this.prefix}dt=${day}/${fileId}.ndjson.gz`;
  }

  /** Writes the events (nothing for a file without events); returns the keys written. */
  async write(file: IngestedFile, events: readonly ProcessedEvent[]): Promise<string[]> {
    const byDay = new Map<string, string[]>();
    for (const e of events) {
      const day = utcDay(e.time);
      const lines = byDay.get(day);
      if (lines) lines.push(processedLine(e));
      else byDay.set(day, [processedLine(e)]);
    }
    const keys: string[] = [];
    for (const [day, lines] of byDay) {
      const key = this.key(file.id, day);
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: gzipSync(`${lines.join('\n')}\n`),
          ContentType: 'application/x-ndjson',
          ContentEncoding: 'gzip',
          Metadata: { 'source-uri': encodeURIComponent(file.uri).slice(0, 1024) },
        }),
      );
      keys.push(key);
    }
    return keys;
  }
}
