import {
  BatchGetCommand,
  type BatchGetCommandInput,
  type BatchGetCommandOutput,
  BatchWriteCommand,
  type BatchWriteCommandInput,
  type BatchWriteCommandOutput,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';

/** BatchWriteItem takes at most 25 requests; BatchGetItem at most 100 keys. */
export const MAX_BATCH_WRITE = 25;
export const MAX_BATCH_GET = 100;

/** What the store sent to DynamoDB, for the cost figures (write requests per 1,000 events). */
export interface WriteStats {
  /** Write API calls (BatchWriteItem, PutItem, UpdateItem, DeleteItem), retries included. */
  requests: number;
  /** Items written or deleted. */
  items: number;
  /** Write capacity units DynamoDB reported consumed (1 per KiB of each item written). */
  capacityUnits: number;
}

export function emptyWriteStats(): WriteStats {
  return { requests: 0, items: 0, capacityUnits: 0 };
}

/** Retry policy for unprocessed items and keys: exponential backoff with full jitter. */
export interface RetryPolicy {
  attempts: number;
  baseMs: number;
  maxMs: number;
  sleep?: (ms: number) => Promise<void>;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 8, baseMs: 50, maxMs: 5_000 };

/** Only the `send` of a document client, so callers can wrap the real client (fault injection in tests). */
export type DocumentSender = Pick<DynamoDBDocumentClient, 'send'>;

type WriteRequest = NonNullable<BatchWriteCommandInput['RequestItems']>[string][number];
type KeysAndAttributes = NonNullable<BatchGetCommandInput['RequestItems']>[string];

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function backoff(policy: RetryPolicy, attempt: number): number {
  const cap = Math.min(policy.maxMs, policy.baseMs * 2 ** attempt);
  return Math.random() * cap;
}

/**
 * Writes put/delete requests in batches of 25, retrying what DynamoDB leaves unprocessed with
 * exponential backoff; throws when items remain unprocessed after the last attempt.
 */
export async function batchWrite(
  client: DocumentSender,
  table: string,
  requests: readonly WriteRequest[],
  stats: WriteStats,
  policy: RetryPolicy = DEFAULT_RETRY,
): Promise<void> {
  const sleep = policy.sleep ?? defaultSleep;
  for (let i = 0; i < requests.length; i += MAX_BATCH_WRITE) {
    let pending: WriteRequest[] = requests.slice(i, i + MAX_BATCH_WRITE);
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) {
        if (attempt > policy.attempts) {
          throw new Error(
            `DynamoDB left ${pending.length} batch-write items unprocessed after ${policy.attempts} retries (table ${table})`,
          );
        }
        await sleep(backoff(policy, attempt));
      }
      const out: BatchWriteCommandOutput = await client.send(
        new BatchWriteCommand({ RequestItems: { [table]: pending }, ReturnConsumedCapacity: 'TOTAL' }),
      );
      stats.requests++;
      const left = out.UnprocessedItems?.[table] ?? [];
      stats.items += pending.length - left.length;
      for (const c of out.ConsumedCapacity ?? []) stats.capacityUnits += c.CapacityUnits ?? 0;
      pending = left as WriteRequest[];
    }
  }
}

/**
 * Reads items by key in batches of 100, retrying unprocessed keys with backoff; returns the items
 * found (in no particular order).
 */
export async function batchGet(
  client: DocumentSender,
  table: string,
  keys: readonly Record<string, unknown>[],
  options: { projection?: string; names?: Record<string, string>; consistent?: boolean } = {},
  policy: RetryPolicy = DEFAULT_RETRY,
): Promise<Record<string, unknown>[]> {
  const sleep = policy.sleep ?? defaultSleep;
  const found: Record<string, unknown>[] = [];
  for (let i = 0; i < keys.length; i += MAX_BATCH_GET) {
    let pending: KeysAndAttributes = {
      Keys: keys.slice(i, i + MAX_BATCH_GET),
      ConsistentRead: options.consistent ?? true,
      ...(options.projection ? { ProjectionExpression: options.projection } : {}),
      ...(options.names ? { ExpressionAttributeNames: options.names } : {}),
    };
    for (let attempt = 0; pending.Keys && pending.Keys.length > 0; attempt++) {
      if (attempt > 0) {
        if (attempt > policy.attempts) {
          throw new Error(
            `DynamoDB left ${pending.Keys.length} batch-get keys unprocessed after ${policy.attempts} retries`,
          );
        }
        await sleep(backoff(policy, attempt));
      }
      const out: BatchGetCommandOutput = await client.send(
        new BatchGetCommand({ RequestItems: { [table]: pending } }),
      );
      for (const item of out.Responses?.[table] ?? []) found.push(item);
      const left = out.UnprocessedKeys?.[table];
      pending = left ?? { Keys: [] };
    }
  }
  return found;
}
