/**
 * S3 object events → the shared pipeline → DynamoDB, processed events to S3, immediate alerts.
 * Triggered through SQS (with a DLQ; partial batch failures) or directly by S3.
 */
import type { SQSBatchResponse } from 'aws-lambda';
import { S3ObjectSource } from '../adapters/aws/s3-source.ts';
import { isDigestPath } from '../core/sources/cloudtrail.ts';
import { type IngestItem, ingestItems } from './ingest.ts';
import { classifyProcessorEvent, objectsOfS3Event, objectsOfSqsBody, type S3ObjectRef } from './s3-event.ts';
import { type Wiring, wiring } from './wiring.ts';

/** What a direct S3 invocation returns (SQS invocations return `batchItemFailures`). */
export interface DirectResult {
  objects: number;
  events: number;
  findings: number;
  alerted: number;
}

function items(w: Wiring, itemId: string, refs: readonly S3ObjectRef[]): IngestItem[] {
  const out: IngestItem[] = [];
  for (const ref of refs) {
    // CloudTrail digest files are signatures, not events (the seed's bug 10): never read.
    if (isDigestPath(ref.key) || ref.key.endsWith('/')) {
      w.logger.debug('skipped', { bucket: ref.bucket, key: ref.key });
      continue;
    }
    const source = new S3ObjectSource(w.s3, `s3://${ref.bucket}/`, w.config.maxFileMiB * 2 ** 20);
    out.push({ itemId, object: source.object(ref.key, ref.size) });
  }
  return out;
}

/** Lambda entry point. */
export const handler = async (event: unknown): Promise<SQSBatchResponse | DirectResult> => {
  const w = wiring();
  const classified = classifyProcessorEvent(event);
  try {
    if (classified.kind === 's3') {
      const todo = items(w, 'direct', objectsOfS3Event(classified.event));
      const outcome = await ingestItems(w, todo);
      // Direct (asynchronous) invocations are retried by Lambda when they throw.
      if (outcome.failed.size > 0)
        throw new Error(`could not process ${todo.map((t) => t.object.uri).join(', ')}`);
      return {
        objects: todo.length,
        events: outcome.run?.eventsRead ?? 0,
        findings: outcome.run?.findings.length ?? 0,
        alerted: outcome.alerted,
      };
    }
    const failures = new Set<string>();
    const todo: IngestItem[] = [];
    for (const record of classified.event.Records) {
      try {
        todo.push(...items(w, record.messageId, objectsOfSqsBody(record.body)));
      } catch (err) {
        // A message that is not an S3 event will never succeed: fail it alone, SQS dead-letters it.
        w.logger.error('unusable SQS message', {
          messageId: record.messageId,
          error: (err as Error).message,
        });
        failures.add(record.messageId);
      }
    }
    const outcome = await ingestItems(w, todo);
    for (const id of outcome.failed) failures.add(id);
    return { batchItemFailures: [...failures].map((itemIdentifier) => ({ itemIdentifier })) };
  } finally {
    w.metrics.publishStoredMetrics();
  }
};
