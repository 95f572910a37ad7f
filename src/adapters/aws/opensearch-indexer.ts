import { Client } from '@opensearch-project/opensearch';
import { AwsSigv4Signer } from '@opensearch-project/opensearch/aws-v3';
import type { ProcessedEvent } from '../../core/event.ts';
import type { Finding } from '../../core/finding.ts';

/** The two kinds of document logwarden indexes. */
export type IndexKind = 'findings' | 'events';

/** Index names start with this prefix; the stack's access policy allows `logwarden-*` only. */
export const DEFAULT_INDEX_PREFIX = 'logwarden';

/** One day per index: `logwarden-findings-2024.05.01` (UTC), so old days can be dropped whole. */
export function indexName(kind: IndexKind, time: number, prefix = DEFAULT_INDEX_PREFIX): string {
  const day = new Date(time).toISOString().slice(0, 10).replaceAll('-', '.');
  return `${prefix}-${kind}-${day}`;
}

const keyword = { type: 'keyword' } as const;
const principalMapping = {
  properties: {
    type: keyword,
    id: keyword,
    arn: keyword,
    name: keyword,
    accountId: keyword,
    accessKeyId: keyword,
  },
};

/**
 * The composable index templates for both kinds: explicit mappings so ids, names and severities are
 * keywords (exact match, aggregations) and times are dates. No shard settings: OpenSearch Serverless
 * rejects them, and a managed domain's defaults suit one index per day.
 */
export function indexTemplates(prefix = DEFAULT_INDEX_PREFIX): Record<string, Record<string, unknown>> {
  return {
    [`${prefix}-findings`]: {
      index_patterns: [`${prefix}-findings-*`],
      priority: 100,
      template: {
        mappings: {
          dynamic: false,
          properties: {
            '@timestamp': { type: 'date' },
            id: keyword,
            ruleId: keyword,
            title: { type: 'text', fields: { raw: keyword } },
            severity: keyword,
            riskScore: { type: 'float' },
            flags: keyword,
            mitre: { properties: { tactic: keyword, technique: keyword } },
            eventIds: keyword,
            principal: principalMapping,
            account: keyword,
            region: keyword,
            sourceIp: keyword,
            explanation: { type: 'text' },
          },
        },
      },
      _meta: { managedBy: 'logwarden' },
    },
    [`${prefix}-events`]: {
      index_patterns: [`${prefix}-events-*`],
      priority: 100,
      template: {
        mappings: {
          dynamic: false,
          properties: {
            '@timestamp': { type: 'date' },
            id: keyword,
            source: keyword,
            account: keyword,
            region: keyword,
            service: keyword,
            action: keyword,
            principal: principalMapping,
            sourceIp: keyword,
            userAgent: { type: 'text', fields: { raw: { type: 'keyword', ignore_above: 512 } } },
            errorCode: keyword,
            errorMessage: { type: 'text' },
            readOnly: { type: 'boolean' },
            anomalyFlags: keyword,
            riskScore: { type: 'float' },
          },
        },
      },
      _meta: { managedBy: 'logwarden' },
    },
  };
}

/** A finding as indexed: the finding plus `@timestamp` for dashboards. */
export function findingDocument(finding: Finding): Record<string, unknown> {
  return { '@timestamp': new Date(finding.time).toISOString(), ...finding };
}

/** An event as indexed: without `raw` (the original record stays in S3), plus `@timestamp`. */
export function eventDocument(event: ProcessedEvent): Record<string, unknown> {
  const { raw: _raw, ...rest } = event;
  return { '@timestamp': new Date(event.time).toISOString(), ...rest };
}

/** A document the cluster refused, after retries. */
export interface BulkFailure {
  index: string;
  id: string;
  status: number;
  reason: string;
}

export interface BulkResult {
  indexed: number;
  failed: BulkFailure[];
  /** Bulk requests sent, retries included. */
  requests: number;
}

export interface OpenSearchIndexerOptions {
  prefix?: string;
  /** Most documents in one bulk request. */
  maxDocsPerRequest?: number;
  /** Rough upper bound of one bulk body, in bytes (the services accept 10 MiB or more). */
  maxBytesPerRequest?: number;
  /** Further attempts for documents rejected with 429 or a 5xx status. */
  maxRetries?: number;
  /** Waits between retries; tests pass a no-op. */
  sleep?: (ms: number) => Promise<void>;
}

interface PendingDoc {
  index: string;
  id: string;
  /** The serialized action and document lines. */
  lines: [Record<string, unknown>, Record<string, unknown>];
  bytes: number;
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Indexes findings and processed events into OpenSearch (a managed domain or a Serverless SEARCH
 * collection) with the bulk API. Documents carry their own ids (finding id, event id), so indexing
 * the same file twice overwrites instead of duplicating. Documents rejected as overloaded (429, 5xx)
 * are retried alone; others are returned as failures, never thrown, so one bad document does not
 * cost the batch.
 */
export class OpenSearchIndexer {
  private readonly prefix: string;
  private readonly maxDocs: number;
  private readonly maxBytes: number;
  private readonly maxRetries: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly client: Client,
    options: OpenSearchIndexerOptions = {},
  ) {
    this.prefix = options.prefix ?? DEFAULT_INDEX_PREFIX;
    this.maxDocs = options.maxDocsPerRequest ?? 500;
    this.maxBytes = options.maxBytesPerRequest ?? 5 * 2 ** 20;
    this.maxRetries = options.maxRetries ?? 3;
    this.sleep = options.sleep ?? delay;
  }

  /** Creates or updates the index templates; call once per deployment or cold start. */
  async ensureTemplates(): Promise<void> {
    for (const [name, body] of Object.entries(indexTemplates(this.prefix))) {
      await this.client.indices.putIndexTemplate({ name, body });
    }
  }

  async indexFindings(findings: readonly Finding[]): Promise<BulkResult> {
    return this.index(
      findings.map((f) => this.pending(indexName('findings', f.time, this.prefix), f.id, findingDocument(f))),
    );
  }

  async indexEvents(events: readonly ProcessedEvent[]): Promise<BulkResult> {
    return this.index(
      events.map((e) => this.pending(indexName('events', e.time, this.prefix), e.id, eventDocument(e))),
    );
  }

  private pending(index: string, id: string, doc: Record<string, unknown>): PendingDoc {
    const action = { index: { _index: index, _id: id } };
    return { index, id, lines: [action, doc], bytes: JSON.stringify(doc).length + 80 };
  }

  private async index(docs: PendingDoc[]): Promise<BulkResult> {
    const result: BulkResult = { indexed: 0, failed: [], requests: 0 };
    let todo = docs;
    for (let attempt = 0; todo.length > 0; attempt++) {
      const retry: PendingDoc[] = [];
      for (const chunk of this.chunks(todo)) {
        result.requests++;
        const response = await this.client.bulk({ body: chunk.flatMap((d) => d.lines) });
        const items = response.body.items ?? [];
        if (items.length !== chunk.length) {
          throw new Error(`bulk response has ${items.length} items for ${chunk.length} documents`);
        }
        items.forEach((item, i) => {
          const outcome = Object.values(item)[0] as {
            status: number;
            error?: { type?: string; reason?: string };
          };
          const doc = chunk[i];
          if (outcome.status < 300) result.indexed++;
          else if ((outcome.status === 429 || outcome.status >= 500) && attempt < this.maxRetries)
            retry.push(doc);
          else {
            const reason =
              [outcome.error?.type, outcome.error?.reason].filter(Boolean).join(': ') || 'rejected';
            result.failed.push({ index: doc.index, id: doc.id, status: outcome.status, reason });
          }
        });
      }
      todo = retry;
      if (todo.length > 0) await this.sleep(200 * 2 ** attempt);
    }
    return result;
  }

  /** Splits documents into bulk requests bounded by count and approximate size. */
  private *chunks(docs: PendingDoc[]): Generator<PendingDoc[]> {
    let chunk: PendingDoc[] = [];
    let bytes = 0;
    for (const doc of docs) {
      if (chunk.length > 0 && (chunk.length >= this.maxDocs || bytes + doc.bytes > this.maxBytes)) {
        yield chunk;
        chunk = [];
        bytes = 0;
      }
      chunk.push(doc);
      bytes += doc.bytes;
    }
    if (chunk.length > 0) yield chunk;
  }
}

export interface OpenSearchClientOptions {
  /** `https://…` endpoint of the domain or collection. */
  endpoint: string;
  region: string;
  /** `aoss` for OpenSearch Serverless, `es` for a managed domain. */
  service: 'aoss' | 'es';
  /** Milliseconds one request may take (the client's default is 30 s). */
  requestTimeout?: number;
  /** Retries of a request that failed to connect or timed out (the client's default is 3). */
  maxRetries?: number;
}

/** A client that signs every request with the Lambda's (or CLI's) AWS credentials. */
export function createOpenSearchClient(options: OpenSearchClientOptions): Client {
  const endpoint = options.endpoint.startsWith('http') ? options.endpoint : `https://${options.endpoint}`;
  return new Client({
    ...AwsSigv4Signer({ region: options.region, service: options.service }),
    node: endpoint,
    // Only what is set: an undefined key would replace the client's default.
    ...(options.requestTimeout === undefined ? {} : { requestTimeout: options.requestTimeout }),
    ...(options.maxRetries === undefined ? {} : { maxRetries: options.maxRetries }),
  });
}
