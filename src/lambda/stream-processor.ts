/**
 * Kinesis → CloudWatch Logs subscription payloads (CloudTrail delivered to CloudWatch Logs,
 * application logs, flow logs) → the shared pipeline, with `ReportBatchItemFailures`.
 *
 * Each Kinesis record is one file to the pipeline, identified by the hash of its data, so a record
 * Kinesis delivers again (retries re-send everything after the first failure) is not counted twice.
 */
import { createHash } from 'node:crypto';
import type { KinesisStreamBatchResponse } from 'aws-lambda';
import { z } from 'zod';
import type { SourceObject } from '../core/ports.ts';
import { decodeSubscriptionData, subscriptionPayloadSchema } from '../core/sources/cloudwatch-logs.ts';
import { type IngestItem, ingestItems } from './ingest.ts';
import { UnsupportedEventError } from './s3-event.ts';
import { wiring } from './wiring.ts';

/** A Kinesis event as Lambda receives it (only what the processor uses). */
export const kinesisEventSchema = z.object({
  Records: z
    .array(
      z.object({
        eventSource: z.literal('aws:kinesis'),
        eventSourceARN: z.string().optional(),
        kinesis: z.object({
          data: z.string(),
          sequenceNumber: z.string().min(1),
          partitionKey: z.string().optional(),
        }),
      }),
    )
    .min(1),
});

type KinesisRecord = z.infer<typeof kinesisEventSchema>['Records'][number];

/**
 * Decodes one record: base64 → gzip → a subscription payload. Throws (the record fails) when the
 * data is not one; returns undefined for CONTROL_MESSAGE payloads, which only test the subscription.
 */
export function decodeKinesisRecord(record: KinesisRecord, maxBytes: number): SourceObject | undefined {
  const bytes = Buffer.from(record.kinesis.data, 'base64');
  const text = decodeSubscriptionData(bytes, maxBytes);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new Error('payload is not JSON');
  }
  const payload = subscriptionPayloadSchema.safeParse(doc);
  if (!payload.success) {
    throw new Error(
      `payload is not a CloudWatch Logs subscription message (${payload.error.issues[0]?.message})`,
    );
  }
  if (payload.data.messageType === 'CONTROL_MESSAGE') return undefined;
  const stream = record.eventSourceARN?.split('/').pop() ?? 'stream';
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  return {
    uri: `kinesis://${stream}/${payload.data.logGroup}/${record.kinesis.sequenceNumber}`,
    size: bytes.length,
    read: async () => ({ text, sha256 }),
  };
}

/** Lambda entry point. */
export const handler = async (event: unknown): Promise<KinesisStreamBatchResponse> => {
  const w = wiring();
  const parsed = kinesisEventSchema.safeParse(event);
  if (!parsed.success) {
    throw new UnsupportedEventError(
      `the stream processor expects a Kinesis event; received ${JSON.stringify(event)?.slice(0, 200)}`,
    );
  }
  try {
    const failures = new Set<string>();
    const todo: IngestItem[] = [];
    for (const record of parsed.data.Records) {
      const itemId = record.kinesis.sequenceNumber;
      try {
        const object = decodeKinesisRecord(record, w.config.maxFileMiB * 2 ** 20);
        if (object) todo.push({ itemId, object });
      } catch (err) {
        // Reported, not swallowed: after its retries the event source mapping sends it to the DLQ.
        w.logger.error('bad Kinesis record', { sequenceNumber: itemId, error: (err as Error).message });
        failures.add(itemId);
      }
    }
    const outcome = await ingestItems(w, todo);
    for (const id of outcome.failed) failures.add(id);
    return { batchItemFailures: [...failures].map((itemIdentifier) => ({ itemIdentifier })) };
  } finally {
    w.metrics.publishStoredMetrics();
  }
};
