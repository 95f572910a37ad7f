/**
 * OpenSearch indexing for the processing functions (when the stack sets `OPENSEARCH_ENDPOINT`):
 * after the store has flushed a batch, its new findings and processed events are bulk-indexed.
 * The store is the source of truth, so OpenSearch trouble never fails a batch: it is logged and
 * counted (`OpenSearchFailures`), and the documents stay in DynamoDB and the processed S3 objects.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import {
  type BulkResult,
  createOpenSearchClient,
  OpenSearchIndexer,
} from '../adapters/aws/opensearch-indexer.ts';
import type { ProcessedEvent } from '../core/event.ts';
import type { Finding } from '../core/finding.ts';
import type { IngestedFile } from '../core/ports.ts';
import type { Wiring } from './wiring.ts';

/** What the DynamoDB store hands each new file's events to before recording the file. */
export interface EventArchive {
  write(file: IngestedFile, events: readonly ProcessedEvent[]): Promise<unknown>;
}

/**
 * Keeps each new file's processed events for indexing after the flush, and passes them on to the
 * S3 archive when there is one. The store holds the same events until it flushes, so keeping the
 * references costs no copies.
 */
export class EventCollector implements EventArchive {
  private readonly files: (readonly ProcessedEvent[])[] = [];
  count = 0;

  constructor(private readonly next?: EventArchive) {}

  async write(file: IngestedFile, events: readonly ProcessedEvent[]): Promise<unknown> {
    const written = await this.next?.write(file, events);
    this.files.push(events);
    this.count += events.length;
    return written;
  }

  /** The collected events, file by file. */
  all(): ProcessedEvent[] {
    return this.files.flat();
  }
}

/** One request may take this long; a hanging endpoint must not eat the function's timeout. */
const REQUEST_TIMEOUT_MS = 10_000;

interface SearchTarget {
  endpoint: string;
  indexer: OpenSearchIndexer;
  /** Index templates are put once per container, before the first documents. */
  templatesReady: boolean;
}

let target: SearchTarget | undefined;

/** OpenSearch Serverless endpoints sign as `aoss`; managed domains as `es`. */
export function searchService(endpoint: string): 'aoss' | 'es' {
  const host = endpoint.replace(/^https?:\/\//, '').replace(/[/:].*$/, '');
  return /\.aoss\.amazonaws\.com$/i.test(host) ? 'aoss' : 'es';
}

function searchTarget(w: Wiring): SearchTarget | undefined {
  const endpoint = w.env.OPENSEARCH_ENDPOINT;
  if (!endpoint) return undefined;
  if (target?.endpoint === endpoint) return target;
  const region = process.env.AWS_REGION;
  if (!region) throw new Error('AWS_REGION is not set: cannot sign OpenSearch requests');
  const client = createOpenSearchClient({
    endpoint,
    region,
    service: searchService(endpoint),
    requestTimeout: REQUEST_TIMEOUT_MS,
    maxRetries: 1,
  });
  target = { endpoint, indexer: new OpenSearchIndexer(client), templatesReady: false };
  return target;
}

/**
 * The gist of a client error: its name, message and HTTP status with OpenSearch's reason. The
 * client's own error carries the whole request (a bulk body of megabytes), which must not be logged.
 */
export function describeError(err: unknown): Record<string, unknown> {
  const e = err as Error & { meta?: { statusCode?: number; body?: unknown } };
  const body = e?.meta?.body as { error?: { type?: string; reason?: string } | string } | undefined;
  const reason =
    typeof body?.error === 'string'
      ? body.error
      : [body?.error?.type, body?.error?.reason].filter(Boolean).join(': ') || undefined;
  return {
    name: e?.name ?? 'Error',
    message: String(e?.message ?? err).slice(0, 500),
    ...(typeof e?.meta?.statusCode === 'number' ? { statusCode: e.meta.statusCode } : {}),
    ...(reason ? { reason: reason.slice(0, 500) } : {}),
  };
}

/** What indexing did (undefined from {@link indexNewDocuments} when OpenSearch is not configured). */
export interface SearchOutcome {
  indexed: number;
  /** Documents not indexed: refused by the cluster, or not sent because a request failed. */
  failed: number;
  error?: string;
}

/**
 * Indexes the batch's new findings, then its new events. Never throws: a failure is logged with
 * what was not indexed and counted in the `OpenSearchFailures` metric; indexing stops at the first
 * failed request so an unreachable cluster costs one timeout, not one per document kind.
 */
export async function indexNewDocuments(
  w: Wiring,
  findings: readonly Finding[],
  events: readonly ProcessedEvent[],
): Promise<SearchOutcome | undefined> {
  if (!w.env.OPENSEARCH_ENDPOINT) return undefined;
  const started = Date.now();
  const total = findings.length + events.length;
  const outcome: SearchOutcome = { indexed: 0, failed: 0 };
  const refused: BulkResult['failed'] = [];
  let attempted = 0;
  try {
    const t = searchTarget(w) as SearchTarget;
    if (total > 0 && !t.templatesReady) {
      await t.indexer.ensureTemplates();
      t.templatesReady = true;
    }
    for (const [kind, run] of [
      ['findings', () => t.indexer.indexFindings(findings)],
      ['events', () => t.indexer.indexEvents(events)],
    ] as const) {
      const size = kind === 'findings' ? findings.length : events.length;
      if (size === 0) continue;
      const result = await run();
      attempted += size;
      outcome.indexed += result.indexed;
      outcome.failed += result.failed.length;
      refused.push(...result.failed.slice(0, 5 - Math.min(5, refused.length)));
    }
  } catch (err) {
    outcome.error = String((err as Error)?.message ?? err);
    outcome.failed += total - attempted;
    w.logger.error('OpenSearch indexing failed; the store keeps these findings and events', {
      endpoint: w.env.OPENSEARCH_ENDPOINT,
      notIndexed: total - attempted,
      findings: findings.length,
      events: events.length,
      error: describeError(err),
    });
  }
  if (refused.length > 0) {
    w.logger.warn('OpenSearch refused documents', { failed: outcome.failed, first: refused });
  }
  w.metrics.addMetric('OpenSearchIndexed', MetricUnit.Count, outcome.indexed);
  w.metrics.addMetric('OpenSearchFailures', MetricUnit.Count, outcome.failed);
  w.logger.debug('indexed in OpenSearch', { ...outcome, ms: Date.now() - started });
  return outcome;
}
