import { z } from 'zod';
import { LogwardenError } from '../core/errors.ts';

/** One record of an S3 event notification (only what the processor uses). */
const s3RecordSchema = z.object({
  eventSource: z.literal('aws:s3'),
  eventName: z.string(),
  s3: z.object({
    bucket: z.object({ name: z.string().min(1) }),
    object: z.object({ key: z.string().min(1), size: z.number().nonnegative().optional() }),
  }),
});

/** An S3 event notification, as S3 sends it to Lambda, SQS or SNS. */
export const s3EventSchema = z.object({ Records: z.array(s3RecordSchema) });

/** The test message S3 sends when a notification is configured; nothing to process. */
const s3TestEventSchema = z.object({ Event: z.literal('s3:TestEvent') });

/** An SNS notification delivered to SQS without raw message delivery. */
const snsEnvelopeSchema = z.object({ Type: z.literal('Notification'), Message: z.string() });

/** An SQS event as Lambda receives it. */
export const sqsEventSchema = z.object({
  Records: z
    .array(
      z.object({
        messageId: z.string().min(1),
        body: z.string(),
        eventSource: z.literal('aws:sqs'),
      }),
    )
    .min(1),
});

/** An object an S3 event names, with its key decoded. */
export interface S3ObjectRef {
  bucket: string;
  key: string;
  size: number;
}

/**
 * S3 URL-encodes object keys in event notifications, with `+` for a space (the seed's bug 11):
 * `AWSLogs/my+folder/a%2Bb.json.gz` is the key `AWSLogs/my folder/a+b.json.gz`.
 */
export function decodeS3Key(key: string): string {
  try {
    return decodeURIComponent(key.replace(/\+/g, ' '));
  } catch {
    throw new Error(`S3 event key "${key}" is not valid URL encoding`);
  }
}

/** Created objects only: deletions and restores name objects there is nothing to read in. */
function isCreated(eventName: string): boolean {
  return eventName.startsWith('ObjectCreated:');
}

/** The objects an S3 event notification names (created objects only). */
export function objectsOfS3Event(event: z.infer<typeof s3EventSchema>): S3ObjectRef[] {
  return event.Records.filter((r) => isCreated(r.eventName)).map((r) => ({
    bucket: r.s3.bucket.name,
    key: decodeS3Key(r.s3.object.key),
    size: r.s3.object.size ?? 0,
  }));
}

/**
 * The objects one SQS message body names: an S3 event notification, the same wrapped in an SNS
 * envelope, or S3's test event (no objects). Throws with what the body held otherwise.
 */
export function objectsOfSqsBody(body: string): S3ObjectRef[] {
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch {
    throw new Error(`SQS message body is not JSON: ${body.slice(0, 120)}`);
  }
  const envelope = snsEnvelopeSchema.safeParse(doc);
  if (envelope.success) return objectsOfSqsBody(envelope.data.Message);
  if (s3TestEventSchema.safeParse(doc).success) return [];
  const event = s3EventSchema.safeParse(doc);
  if (!event.success) {
    throw new Error(
      `SQS message body is not an S3 event notification (${event.error.issues[0]?.path.join('.')}: ${event.error.issues[0]?.message})`,
    );
  }
  return objectsOfS3Event(event.data);
}

/** Keys of the seed's orchestration input; they mean a report request was sent to the wrong function. */
const REPORT_REQUEST_KEYS = ['analysisType', 'timeframe', 'includeAI', 'notificationLevel'];

/** Raised for an event the processor does not handle; Lambda reports it as the invocation's error. */
export class UnsupportedEventError extends LogwardenError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('input', message, options);
  }
}

/** Tells which kind of event arrived; throws a clear error for anything else (the seed's bug 9). */
export function classifyProcessorEvent(
  event: unknown,
):
  | { kind: 'sqs'; event: z.infer<typeof sqsEventSchema> }
  | { kind: 's3'; event: z.infer<typeof s3EventSchema> } {
  const sqs = sqsEventSchema.safeParse(event);
  if (sqs.success) return { kind: 'sqs', event: sqs.data };
  const s3 = s3EventSchema.safeParse(event);
  if (s3.success) return { kind: 's3', event: s3.data };
  if (event && typeof event === 'object' && REPORT_REQUEST_KEYS.some((k) => k in event)) {
    throw new UnsupportedEventError(
      `the S3 processor received a report request (${JSON.stringify(event).slice(0, 200)}); it processes S3 object events (directly or through SQS). Report requests {timeframe, analysisType, includeAI, notificationLevel} go to the report function.`,
    );
  }
  throw new UnsupportedEventError(
    `the S3 processor expects an SQS event carrying S3 notifications, or an S3 event; received ${JSON.stringify(event)?.slice(0, 200)}`,
  );
}
