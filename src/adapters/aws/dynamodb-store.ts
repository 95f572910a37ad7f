import { gunzipSync, gzipSync } from 'node:zlib';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { PrincipalProfile } from '../../core/detect/baseline/profile.ts';
import type { InputError, ProcessedEvent } from '../../core/event.ts';
import { type Finding, SEVERITIES, severityRank } from '../../core/finding.ts';
import type {
  EventStore,
  FindingQuery,
  IngestBatch,
  IngestedFile,
  NotificationLedger,
  StoredCounts,
  SummaryQuery,
} from '../../core/ports.ts';
import { emptySeverityCounts, type Summary } from '../../core/report/summary.ts';
import {
  batchGet,
  batchWrite,
  DEFAULT_RETRY,
  type DocumentSender,
  emptyWriteStats,
  type RetryPolicy,
  type WriteStats,
} from './dynamodb-batch.ts';
import {
  BUCKET_MS,
  type BucketCounts,
  dayStart,
  type FileRollup,
  mergeBucket,
  rollupEvents,
  rollupFlows,
  summaryFromBuckets,
  utcDay,
} from './event-rollup.ts';

const DAY_MS = 86_400_000;
/** Compressed rollup bytes per summary item; DynamoDB items are at most 400 KB. */
const PART_BYTES = 350_000;
/** Larger JSON attributes (finding bodies, state, errors) are stored gzip-compressed. */
const INLINE_JSON_CHARS = 64_000;
/** A file's first input errors are kept for re-runs; the count is always exact. */
const MAX_KEPT_ERRORS = 1_000;

export interface DynamoDbEventStoreOptions {
  tableName: string;
  /** IANA zone of the hourly distribution; default UTC. */
  timeZone?: string;
  /** Items expire this many days after their day (summaries, findings) or ingestion (files); unset = never. */
  retentionDays?: number;
  /** Files buffered before they are written (a flush also happens on every query and on close). */
  flushFiles?: number;
  retry?: RetryPolicy;
  /** Strongly consistent reads (default true: a report right after ingestion sees everything). */
  consistentReads?: boolean;
  /**
   * Receives each new file's processed events before the file is recorded (the Lambda functions
   * write them to S3 as NDJSON.gz); a failure leaves the file un-ingested, so a retry redoes it.
   */
  archive?: { write(file: IngestedFile, events: readonly ProcessedEvent[]): Promise<unknown> };
  /** Wraps the document client's `send` (fault injection in tests). */
  wrapSender?: (sender: DocumentSender) => DocumentSender;
}

interface PendingFile {
  file: IngestedFile;
  errors: InputError[];
  rollup: FileRollup;
  events: number;
  findings: Finding[];
}

interface FileMarker {
  fileId: string;
  summaries: { day: string; parts: number }[];
  findingDays: string[];
  errors?: Uint8Array;
  errorsJson?: string;
}

/**
 * The AWS store: DynamoDB single-table design with one summary item per ingested file and day,
 * findings as items, and a file record written last as the commit marker. Same port, same figures
 * as the DuckDB store; processed events themselves go to S3 (see `S3ProcessedEventWriter`).
 *
 * Differences a reader should know: summaries have 15-minute resolution (a window not aligned to
 * 15 minutes is widened to whole buckets; findings stay exact), events are de-duplicated by id within a file (not across files), and
 * at most 1,000 input errors per file are kept for re-runs. Flow aggregates are not stored row by
 * row: each bucket keeps their totals and the maps the flow top lists rank (bytes per talker pair,
 * rejects per source, records per port), which gives the same `sources` figures as the rows.
 *
 * Item layout of the single table (partition key `pk`, sort key `sk`, TTL attribute `expiresAt`):
 *
 * | item          | pk                   | sk                  | holds |
 * |---------------|----------------------|---------------------|-------|
 * | file summary  | `SUM#<UTC day>`      | `<fileId>#<part>`   | the file's events and flow aggregates counted per 15-minute bucket (gzip JSON) |
 * | finding       | `FND#<UTC day>`      | `<finding id>`      | the finding, with its severity, risk, time and principal as attributes |
 * | ingested file | `FILE#<fileId>`      | `FILE`              | uri, size, counts, input errors, which days it wrote; written last |
 * | catalog       | `CATALOG`            | `<year>`            | string set of the days that hold data (for queries without a time range) |
 * | detector state| `STATE#<key>`        | `STATE`             | JSON state |
 * | profile       | `PROFILE#<key>`      | `PROFILE`           | a principal's baseline profile (gzip JSON) |
 * | notified      | `NOTE#<channel>#<finding id>` | `NOTE`     | when a finding was sent on a channel |
 *
 * Reports Query the day partitions of their period (paginated), never Scan. Keys derive from the
 * content hash of the file and the finding ids, so a retried file overwrites the same items.
 */
export class DynamoDbEventStore implements EventStore, NotificationLedger {
  /** What this store instance wrote, for the cost figures. */
  readonly writeStats: WriteStats = emptyWriteStats();
  private readonly doc: DocumentSender;
  private readonly table: string;
  private readonly timeZone: string;
  private readonly retry: RetryPolicy;
  private readonly consistent: boolean;
  private pending = new Map<string, PendingFile>();
  /** Serialized state as last read or written, so unchanged state is not written again. */
  private readonly stateSeen = new Map<string, string>();
  /** Changed state, written with the next flush (one batch instead of a PutItem per detector). */
  private pendingState = new Map<string, string>();

  constructor(
    client: DynamoDBClient,
    private readonly options: DynamoDbEventStoreOptions,
  ) {
    const doc = DynamoDBDocumentClient.from(client, {
      marshallOptions: { removeUndefinedValues: true },
    });
    this.doc = options.wrapSender ? options.wrapSender(doc) : doc;
    this.table = options.tableName;
    this.timeZone = options.timeZone ?? 'UTC';
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.consistent = options.consistentReads ?? true;
  }

  async isIngested(fileId: string): Promise<boolean> {
    if (this.pending.has(fileId)) return true;
    return (await this.marker(fileId)) !== undefined;
  }

  async fileErrors(fileId: string): Promise<InputError[]> {
    const pending = this.pending.get(fileId);
    if (pending) return pending.errors;
    const marker = await this.marker(fileId);
    if (!marker) return [];
    if (marker.errors) return JSON.parse(gunzipSync(marker.errors).toString('utf8')) as InputError[];
    return marker.errorsJson ? (JSON.parse(marker.errorsJson) as InputError[]) : [];
  }

  async ingest(batch: IngestBatch): Promise<StoredCounts> {
    // Events encoded for another store would be lost here: refuse them loudly.
    if (batch.encoded)
      throw new Error(`the DynamoDB store cannot take events encoded as "${batch.encoded.encoding}"`);
    if (await this.isIngested(batch.file.id)) return { eventsStored: 0, findingsStored: 0 };
    await this.options.archive?.write(batch.file, batch.events);
    const { rollup, events } = rollupEvents(batch.events);
    // Flow aggregates are rolled up into the same per-file summary items: no extra items to write.
    if (batch.flowAggregates?.length) rollupFlows(rollup, batch.flowAggregates);
    this.pending.set(batch.file.id, {
      file: batch.file,
      errors: batch.errors,
      rollup,
      events,
      findings: batch.findings,
    });
    if (this.pending.size >= (this.options.flushFiles ?? 100)) return this.flush();
    return { eventsStored: 0, findingsStored: 0 };
  }

  /**
   * Writes buffered files: summaries and new findings first, the catalog, then the file records.
   * A crash before the file records leaves the files un-ingested; the retry overwrites the same
   * summary items, so totals never double.
   */
  async flush(): Promise<StoredCounts> {
    if (this.pending.size === 0) {
      await this.writeState([]);
      return { eventsStored: 0, findingsStored: 0 };
    }
    const files = [...this.pending.values()];
    const expires = this.expiry.bind(this);
    const requests: { PutRequest: { Item: Record<string, unknown> } }[] = [];
    const markers = new Map<string, FileMarker>();
    const days = new Set<string>();
    let eventsStored = 0;
    for (const p of files) {
      eventsStored += p.events;
      const marker: FileMarker = { fileId: p.file.id, summaries: [], findingDays: [] };
      markers.set(p.file.id, marker);
      for (const [day, buckets] of Object.entries(p.rollup)) {
        days.add(day);
        const bytes = gzipSync(JSON.stringify(buckets));
        const parts = Math.max(1, Math.ceil(bytes.length / PART_BYTES));
        marker.summaries.push({ day, parts });
        for (let i = 0; i < parts; i++) {
          requests.push({
            PutRequest: {
              Item: {
                pk: `SUM#${day}`,
                sk: `${p.file.id}#${String(i).padStart(3, '0')}`,
                fileId: p.file.id,
                part: i,
                data: bytes.subarray(i * PART_BYTES, (i + 1) * PART_BYTES),
                expiresAt: expires(dayStart(day) + DAY_MS),
              },
            },
          });
        }
      }
    }
    // Findings keep the first file that stored them; ids already in the table are not rewritten.
    const candidates = new Map<string, { finding: Finding; fileId: string }>();
    for (const p of files) {
      for (const f of p.findings)
        if (!candidates.has(f.id)) candidates.set(f.id, { finding: f, fileId: p.file.id });
    }
    const existing = await batchGet(
      this.doc,
      this.table,
      [...candidates.values()].map(({ finding }) => ({ pk: `FND#${utcDay(finding.time)}`, sk: finding.id })),
      { projection: 'sk', consistent: true },
      this.retry,
    );
    for (const item of existing) candidates.delete(String(item.sk));
    for (const { finding, fileId } of candidates.values()) {
      const day = utcDay(finding.time);
      days.add(day);
      const marker = markers.get(fileId);
      if (marker && !marker.findingDays.includes(day)) marker.findingDays.push(day);
      requests.push({
        PutRequest: { Item: { ...findingItem(finding, fileId), expiresAt: expires(dayStart(day) + DAY_MS) } },
      });
    }
    await this.addCatalogDays(days);
    await batchWrite(this.doc, this.table, requests, this.writeStats, this.retry);
    const markerRequests = files.map((p) => {
      const m = markers.get(p.file.id) as FileMarker;
      const kept = p.errors.slice(0, MAX_KEPT_ERRORS);
      const errorsJson = kept.length ? JSON.stringify(kept) : undefined;
      return {
        PutRequest: {
          Item: {
            pk: `FILE#${p.file.id}`,
            sk: 'FILE',
            fileId: p.file.id,
            uri: p.file.uri,
            size: p.file.size,
            events: p.file.events,
            errorCount: p.errors.length,
            ingestedAt: p.file.ingestedAt,
            summaries: m.summaries,
            findingDays: m.findingDays,
            ...(errorsJson && errorsJson.length > INLINE_JSON_CHARS
              ? { errors: gzipSync(errorsJson) }
              : errorsJson
                ? { errorsJson }
                : {}),
            expiresAt: expires(p.file.ingestedAt),
          },
        },
      };
    });
    await this.writeState(markerRequests);
    this.pending = new Map();
    return { eventsStored, findingsStored: candidates.size };
  }

  /**
   * Summaries have 15-minute resolution: a window whose ends are not multiples of 15 minutes is
   * widened to the buckets it touches (reports use whole days in any time zone, which always align).
   */
  async summarize(input: SummaryQuery): Promise<Summary> {
    const query: SummaryQuery = {
      ...input,
      since: input.since === undefined ? undefined : Math.floor(input.since / BUCKET_MS) * BUCKET_MS,
      until: input.until === undefined ? undefined : Math.ceil(input.until / BUCKET_MS) * BUCKET_MS,
    };
    await this.flush();
    const items: Record<string, unknown>[] = [];
    if (query.fileIds) {
      const markers = await this.markers(query.fileIds);
      const keys: Record<string, string>[] = [];
      for (const m of markers) {
        for (const { day, parts } of m.summaries) {
          if (!dayOverlaps(day, query.since, query.until)) continue;
          for (let i = 0; i < parts; i++)
            keys.push({ pk: `SUM#${day}`, sk: `${m.fileId}#${String(i).padStart(3, '0')}` });
        }
      }
      items.push(
        ...(await batchGet(this.doc, this.table, keys, { consistent: this.consistent }, this.retry)),
      );
    } else {
      for (const day of await this.daysIn(query.since, query.until)) {
        for await (const item of this.queryPartition(`SUM#${day}`)) items.push(item);
      }
    }
    const buckets = new Map<number, BucketCounts>();
    for (const rollup of decodeSummaries(items)) {
      for (const [index, counts] of Object.entries(rollup)) {
        const start = Number(index) * BUCKET_MS;
        if (query.since !== undefined && start < query.since) continue;
        if (query.until !== undefined && start >= query.until) continue;
        const into = buckets.get(Number(index));
        if (into) mergeBucket(into, counts);
        else buckets.set(Number(index), counts);
      }
    }
    const findingsBySeverity = emptySeverityCounts();
    for (const item of await this.findingItems(query))
      findingsBySeverity[item.severity as Finding['severity']]++;
    return summaryFromBuckets(buckets, {
      top: query.top ?? 10,
      highRiskThreshold: query.highRiskThreshold ?? 7,
      timeZone: this.timeZone,
      findingsBySeverity,
    });
  }

  async findings(query: FindingQuery): Promise<Finding[]> {
    await this.flush();
    const allowed = query.minSeverity
      ? new Set(SEVERITIES.slice(SEVERITIES.indexOf(query.minSeverity)))
      : undefined;
    const items = (await this.findingItems(query)).filter(
      (item) =>
        (!allowed || allowed.has(item.severity as Finding['severity'])) &&
        (!query.ruleId || item.ruleId === query.ruleId) &&
        (!query.principal ||
          item.principalName === query.principal ||
          item.principalId === query.principal ||
          item.principalArn === query.principal),
    );
    // Same order as every store: severity, then risk, then newest first.
    items.sort(
      (a, b) =>
        severityRank(b.severity as Finding['severity']) - severityRank(a.severity as Finding['severity']) ||
        (b.risk as number) - (a.risk as number) ||
        (b.time as number) - (a.time as number) ||
        (String(a.sk) < String(b.sk) ? -1 : String(a.sk) > String(b.sk) ? 1 : 0),
    );
    const limited = query.limit ? items.slice(0, query.limit) : items;
    return limited.map(findingFromItem);
  }

  async loadState(key: string): Promise<unknown | undefined> {
    const pending = this.pendingState.get(key);
    if (pending !== undefined) return JSON.parse(pending);
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.table,
        Key: { pk: `STATE#${key}`, sk: 'STATE' },
        ConsistentRead: true,
      }),
    );
    if (!out.Item) return undefined;
    const json = out.Item.gz ? gunzipSync(out.Item.gz as Uint8Array).toString('utf8') : String(out.Item.json);
    this.stateSeen.set(key, json);
    return JSON.parse(json);
  }

  /**
   * Keeps state that changed since it was read or last written (most files change nothing); it is
   * written with the next `flush` or `close`, in one batch with the file records.
   */
  async saveState(key: string, value: unknown): Promise<void> {
    const json = JSON.stringify(value);
    if (this.stateSeen.get(key) === json) {
      this.pendingState.delete(key);
      return;
    }
    this.pendingState.set(key, json);
  }

  /** Writes `requests` (file records) together with the pending state items. */
  private async writeState(requests: { PutRequest: { Item: Record<string, unknown> } }[]): Promise<void> {
    const state = this.pendingState;
    this.pendingState = new Map();
    for (const [key, json] of state) {
      const body = json.length > INLINE_JSON_CHARS ? { gz: gzipSync(json) } : { json };
      requests.push({ PutRequest: { Item: { pk: `STATE#${key}`, sk: 'STATE', ...body } } });
    }
    if (requests.length === 0) return;
    try {
      await batchWrite(this.doc, this.table, requests, this.writeStats, this.retry);
    } catch (err) {
      for (const [key, json] of state) if (!this.pendingState.has(key)) this.pendingState.set(key, json);
      throw err;
    }
    for (const [key, json] of state) this.stateSeen.set(key, json);
  }

  async loadProfiles(keys: readonly string[]): Promise<PrincipalProfile[]> {
    const items = await batchGet(
      this.doc,
      this.table,
      [...new Set(keys)].map((key) => ({ pk: `PROFILE#${key}`, sk: 'PROFILE' })),
      { consistent: true },
      this.retry,
    );
    return items.map(
      (item) => JSON.parse(gunzipSync(item.gz as Uint8Array).toString('utf8')) as PrincipalProfile,
    );
  }

  /** One item per profile, overwritten; it expires `retentionDays` after the principal was last seen. */
  async saveProfiles(profiles: readonly PrincipalProfile[]): Promise<void> {
    const latest = new Map(profiles.map((p) => [p.key, p]));
    const requests = [...latest.values()].map((p) => ({
      PutRequest: {
        Item: {
          pk: `PROFILE#${p.key}`,
          sk: 'PROFILE',
          gz: gzipSync(JSON.stringify(p)),
          expiresAt: this.expiry(p.lastSeen),
        },
      },
    }));
    await batchWrite(this.doc, this.table, requests, this.writeStats, this.retry);
  }

  async notified(channel: string, findingIds: readonly string[]): Promise<Set<string>> {
    const keys = [...new Set(findingIds)].map((id) => ({ pk: `NOTE#${channel}#${id}`, sk: 'NOTE' }));
    const found = await batchGet(
      this.doc,
      this.table,
      keys,
      { projection: 'findingId', consistent: true },
      this.retry,
    );
    return new Set(found.map((item) => String(item.findingId)));
  }

  /** Records sends (a repeated record overwrites the time; the set of notified ids is what counts). */
  async recordNotified(channel: string, findingIds: readonly string[], at: number): Promise<void> {
    const requests = [...new Set(findingIds)].map((id) => ({
      PutRequest: {
        Item: {
          pk: `NOTE#${channel}#${id}`,
          sk: 'NOTE',
          channel,
          findingId: id,
          at,
          expiresAt: this.expiry(at),
        },
      },
    }));
    await batchWrite(this.doc, this.table, requests, this.writeStats, this.retry);
  }

  async close(): Promise<void> {
    await this.flush();
  }

  private count(capacityUnits: number | undefined, items = 1): void {
    this.writeStats.requests++;
    this.writeStats.items += items;
    this.writeStats.capacityUnits += capacityUnits ?? 0;
  }

  private expiry(from: number): number | undefined {
    const days = this.options.retentionDays;
    return days === undefined ? undefined : Math.floor(from / 1000) + days * 86_400;
  }

  private async marker(fileId: string): Promise<FileMarker | undefined> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.table,
        Key: { pk: `FILE#${fileId}`, sk: 'FILE' },
        ConsistentRead: true,
      }),
    );
    return out.Item as FileMarker | undefined;
  }

  private async markers(fileIds: readonly string[]): Promise<FileMarker[]> {
    const keys = [...new Set(fileIds)].map((id) => ({ pk: `FILE#${id}`, sk: 'FILE' }));
    return (await batchGet(
      this.doc,
      this.table,
      keys,
      { consistent: true },
      this.retry,
    )) as unknown as FileMarker[];
  }

  /** Every item of a partition, page by page (through `doc.send`, so a wrapped sender sees queries too). */
  private async *queryPartition(pk: string): AsyncIterable<Record<string, unknown>> {
    const input: QueryCommandInput = {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk },
      ConsistentRead: this.consistent,
    };
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
      for (const item of page.Items ?? []) yield item;
      start = page.LastEvaluatedKey;
    } while (start);
  }

  /** Days holding data, from the catalog: the partitions a query without file ids reads. */
  private async catalogDays(): Promise<Set<string>> {
    const days = new Set<string>();
    for await (const item of this.queryPartition('CATALOG')) {
      for (const day of (item.days as Set<string> | undefined) ?? []) days.add(day);
    }
    return days;
  }

  private async addCatalogDays(days: ReadonlySet<string>): Promise<void> {
    if (days.size === 0) return;
    const known = await this.catalogDays();
    const byYear = new Map<string, Set<string>>();
    for (const day of days) {
      if (known.has(day)) continue;
      const year = day.slice(0, 4);
      if (!byYear.has(year)) byYear.set(year, new Set());
      byYear.get(year)?.add(day);
    }
    for (const [year, newDays] of byYear) {
      // ADD to a string set is atomic and idempotent; the set is never empty (DynamoDB rejects that).
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: 'CATALOG', sk: year },
          UpdateExpression: 'ADD #days :days',
          ExpressionAttributeNames: { '#days': 'days' },
          ExpressionAttributeValues: { ':days': newDays },
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      this.count(out.ConsumedCapacity?.CapacityUnits);
    }
  }

  private async daysIn(since: number | undefined, until: number | undefined): Promise<string[]> {
    return [...(await this.catalogDays())].filter((d) => dayOverlaps(d, since, until)).sort();
  }

  /** Finding items matching the file and time filters (other filters apply afterwards). */
  private async findingItems(query: {
    fileIds?: readonly string[];
    since?: number;
    until?: number;
  }): Promise<Record<string, unknown>[]> {
    let days: string[];
    let files: Set<string> | undefined;
    if (query.fileIds) {
      files = new Set(query.fileIds);
      const set = new Set<string>();
      for (const m of await this.markers(query.fileIds)) for (const d of m.findingDays ?? []) set.add(d);
      days = [...set].filter((d) => dayOverlaps(d, query.since, query.until)).sort();
    } else {
      days = await this.daysIn(query.since, query.until);
    }
    const out: Record<string, unknown>[] = [];
    for (const day of days) {
      for await (const item of this.queryPartition(`FND#${day}`)) {
        const time = item.time as number;
        if (files && !files.has(String(item.fileId))) continue;
        if (query.since !== undefined && time < query.since) continue;
        if (query.until !== undefined && time >= query.until) continue;
        out.push(item);
      }
    }
    return out;
  }
}

function dayOverlaps(day: string, since: number | undefined, until: number | undefined): boolean {
  const start = dayStart(day);
  return (since === undefined || start + DAY_MS > since) && (until === undefined || start < until);
}

function findingItem(finding: Finding, fileId: string): Record<string, unknown> {
  const json = JSON.stringify(finding);
  return {
    pk: `FND#${utcDay(finding.time)}`,
    sk: finding.id,
    fileId,
    ruleId: finding.ruleId,
    severity: finding.severity,
    risk: finding.riskScore,
    time: finding.time,
    principalName: finding.principal?.name,
    principalId: finding.principal?.id,
    principalArn: finding.principal?.arn,
    // Compressed: evidence JSON shrinks to about half, which halves the write units of most findings.
    bodyGz: gzipSync(json),
  };
}

function findingFromItem(item: Record<string, unknown>): Finding {
  return JSON.parse(gunzipSync(item.bodyGz as Uint8Array).toString('utf8')) as Finding;
}

/** Reassembles each file-day's parts (in part order) and decodes its buckets. */
function decodeSummaries(items: readonly Record<string, unknown>[]): Record<string, BucketCounts>[] {
  const groups = new Map<string, Record<string, unknown>[]>();
  for (const item of items) {
    const key = `${item.pk}|${item.fileId}`;
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  const out: Record<string, BucketCounts>[] = [];
  for (const parts of groups.values()) {
    parts.sort((a, b) => (a.part as number) - (b.part as number));
    const bytes = Buffer.concat(parts.map((p) => p.data as Uint8Array));
    out.push(JSON.parse(gunzipSync(bytes).toString('utf8')) as Record<string, BucketCounts>);
  }
  return out;
}
