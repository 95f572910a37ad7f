import type { PrincipalProfile } from './detect/baseline/profile.ts';
import type { InputError, ProcessedEvent } from './event.ts';
import type { Finding, Severity } from './finding.ts';
import type { ReportInsights } from './report/insights.ts';
import type { Notification } from './report/notify.ts';
import type { Report } from './report/report.ts';
import type { Summary } from './report/summary.ts';
import type { FlowAggregate } from './sources/flow-aggregate.ts';

/** One input file or object, read on demand so listing never holds file contents. */
export interface SourceObject {
  /** Path or `s3://bucket/key`. */
  uri: string;
  /** Size in bytes as stored (compressed). */
  size: number;
  /**
   * Reads and decompresses; `sha256` is of the stored bytes and identifies the content. With a
   * ticket, the bytes read and inflated are held against the read-ahead's shared budget.
   */
  read(ticket?: ByteTicket): Promise<{ text: string; sha256: string }>;
  /** The stored bytes as they are (compressed or not), for a reader that decodes them elsewhere. */
  readBytes?(ticket?: ByteTicket): Promise<Uint8Array>;
  /** Reads and hashes; decompresses only when `isKnown` says the content is new (no `text` then). */
  readIfNew?(
    isKnown: (sha256: string) => Promise<boolean>,
    ticket?: ByteTicket,
  ): Promise<{ sha256: string; text?: string }>;
  /** The object's user metadata where the store keeps it (S3: a CloudTrail digest's `signature`). */
  metadata?(): Promise<Record<string, string>>;
}

/**
 * One file's share of a byte budget shared by everything read ahead (`core/inflate-budget.ts`):
 * a reader grows it before holding more bytes (it may wait) and shrinks it when it holds fewer.
 */
export interface ByteTicket {
  grow(bytes: number): Promise<void>;
  shrinkTo(bytes: number): void;
}

/** Where log files come from: a directory tree, an S3 prefix … */
export interface ObjectSource {
  /** Lists objects lazily; memory does not grow with the number of objects. */
  list(): AsyncIterable<SourceObject>;
}

/** A file that was read, with what came of it. */
export interface IngestedFile {
  /** sha256 of the stored bytes: the same content is never ingested twice. */
  id: string;
  uri: string;
  size: number;
  events: number;
  errors: number;
  /** Epoch ms. */
  ingestedAt: number;
}

/** Everything one file produced, written atomically. */
export interface IngestBatch {
  file: IngestedFile;
  events: ProcessedEvent[];
  findings: Finding[];
  errors: InputError[];
  /**
   * Flow log records of the file, summed per 5-minute window and conversation (flow records are
   * never stored one by one). Stores keep them with the file and count them in `Summary.sources`.
   */
  flowAggregates?: FlowAggregate[];
  /** The file's events as the store's own encoder wrote them off the main thread (then `events` is empty). */
  encoded?: EncodedEvents;
}

/**
 * A file's events encoded for one store by that store's encoder, so the encoding can run on another
 * thread. A store refuses an `encoding` it does not know rather than lose events.
 */
export interface EncodedEvents {
  encoding: string;
  /** The file the encoder wrote the rows to, one per line; line `i` is the event `ids[i]`. The store owns it now. */
  file: string;
  ids: string[];
  /** Epoch ms of the earliest and latest event. */
  minTime: number;
  maxTime: number;
}

export interface StoredCounts {
  eventsStored: number;
  findingsStored: number;
}

/** What a summary covers: the files of a run, a time window, or both. */
export interface SummaryQuery {
  fileIds?: readonly string[];
  /** Epoch ms, inclusive. */
  since?: number;
  /** Epoch ms, exclusive. */
  until?: number;
  /** How many entries the top-N lists hold. */
  top?: number;
  /** Risk score at which an event counts as high-risk. */
  highRiskThreshold?: number;
}

export interface FindingQuery {
  minSeverity?: Severity;
  /** Matches the principal's name, id or ARN. */
  principal?: string;
  since?: number;
  until?: number;
  ruleId?: string;
  fileIds?: readonly string[];
  limit?: number;
}

/** The storage every runtime writes to and reports read from (DuckDB locally, DynamoDB + S3 in AWS). */
export interface EventStore {
  /** True when a file with this content hash was already ingested. */
  isIngested(fileId: string): Promise<boolean>;
  /** Errors recorded when a file was first ingested, so a re-run still reports them. */
  fileErrors(fileId: string): Promise<InputError[]>;
  /**
   * Stores a file's events, findings and record; idempotent (existing ids are kept, not duplicated).
   * A store may buffer: what it returns counts what reached storage now; `flush` returns the rest.
   */
  ingest(batch: IngestBatch): Promise<StoredCounts>;
  /** Writes whatever is buffered. */
  flush(): Promise<StoredCounts>;
  /** Totals, anomalies, top lists and hourly distribution over the stored events. */
  summarize(query: SummaryQuery): Promise<Summary>;
  findings(query: FindingQuery): Promise<Finding[]>;
  /** Detector state that must survive across files and runs (JSON-serializable). */
  loadState(key: string): Promise<unknown | undefined>;
  saveState(key: string, value: unknown): Promise<void>;
  /** Per-principal baseline profiles by key; keys without a profile are left out. Without these two methods baselines live in memory only. */
  loadProfiles?(keys: readonly string[]): Promise<PrincipalProfile[]>;
  /** Upserts profiles, one record per `profile.key` (overwrites; never appends). */
  saveProfiles?(profiles: readonly PrincipalProfile[]): Promise<void>;
  close(): Promise<void>;
}

/** Progress of a run, for a progress bar or metrics. */
export interface ProgressListener {
  fileStarted?(uri: string): void;
  fileDone(progress: { files: number; events: number; bytes: number }): void;
}

/** Writes a report's insights: offline from its own figures, or a language model (Bedrock, OpenAI-compatible). */
export interface InsightModel {
  /** `offline`, `bedrock` or `openai`. */
  readonly provider: string;
  /**
   * Insights grounded in the report's findings. Throws on any failure (network, throttling,
   * unusable reply); the caller then falls back to offline insights.
   */
  generate(report: Report): Promise<ReportInsights>;
}

/** One notification channel (SNS, SES, Slack, webhook). */
export interface Notifier {
  /** Channel name, e.g. `sns`, `slack`: the key under which sent findings are remembered. */
  readonly channel: string;
  /** Sends the notification; throws when the channel refused or could not be reached. */
  send(notification: Notification): Promise<void>;
}

/** Remembers which findings were sent on which channel, so none is notified twice. */
export interface NotificationLedger {
  /** The ids among `findingIds` already sent on `channel`. */
  notified(channel: string, findingIds: readonly string[]): Promise<Set<string>>;
  /** Records that findings were sent on `channel` at epoch ms `at`; idempotent. */
  recordNotified(channel: string, findingIds: readonly string[], at: number): Promise<void>;
}

/** Where a public IP address is and which network announces it, from offline databases. */
export interface IpLocation {
  /** ISO 3166-1 alpha-2 country code. */
  country?: string;
  city?: string;
  lat?: number;
  lon?: number;
  /** Autonomous system number. */
  asn?: number;
  /** Organisation announcing the AS. */
  org?: string;
}

/** Offline IP geolocation and ASN lookup. Synchronous: enrichment runs inside the engine's per-event loop. */
export interface GeoLookup {
  /** What the databases know about an IP address; undefined when nothing. */
  lookup(ip: string): IpLocation | undefined;
}

/** Per-principal behavioural profiles, one record per principal, loaded and saved in batches. */
export interface ProfileStore {
  loadProfiles(keys: readonly string[]): Promise<PrincipalProfile[]>;
  saveProfiles(profiles: readonly PrincipalProfile[]): Promise<void>;
}
