import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { PublishCommand } from '@aws-sdk/client-sns';
import { DynamoDbEventStore } from '../adapters/aws/dynamodb-store.ts';
import { S3ProcessedEventWriter } from '../adapters/aws/s3-processed-writer.ts';
import { collectDiagnostics } from '../core/detect/detector.ts';
import type { Finding } from '../core/finding.ts';
import { immediateAlertSubject, immediateAlertText, needsImmediateAlert } from '../core/immediate-alert.ts';
import { type RunResult, runIngest } from '../core/pipeline.ts';
import type { ObjectSource, SourceObject } from '../core/ports.ts';
import { processorEngine } from './processor-engine.ts';
import {
  type EventArchive,
  EventCollector,
  indexNewDocuments,
  type SearchOutcome,
} from './search-indexing.ts';
import type { Wiring } from './wiring.ts';

/** The ledger channel of immediate alerts: the SNS channel, so a report never re-sends them. */
export const IMMEDIATE_ALERT_CHANNEL = 'sns';

/** One object to ingest, with the batch item it came from (SQS message id, Kinesis sequence number). */
export interface IngestItem {
  itemId: string;
  object: SourceObject;
}

/** What one invocation did. */
export interface IngestOutcome {
  /** Batch items to retry: their object could not be read, or the store failed. */
  failed: Set<string>;
  run?: RunResult;
  alerted: number;
  /** What OpenSearch indexing did, when `OPENSEARCH_ENDPOINT` is set. */
  search?: SearchOutcome;
}

/**
 * The store every processing function writes to, archiving processed events to S3 when configured
 * (and through `archive`, when given, which receives each new file's events first).
 */
export function processingStore(
  w: Wiring,
  archive?: (next?: EventArchive) => EventArchive,
): DynamoDbEventStore {
  const { env, config } = w;
  const s3 = env.PROCESSED_BUCKET
    ? new S3ProcessedEventWriter(w.s3, env.PROCESSED_BUCKET, env.PROCESSED_PREFIX)
    : undefined;
  return new DynamoDbEventStore(w.dynamodb, {
    tableName: env.TABLE_NAME,
    timeZone: config.timeZone,
    retentionDays: env.RETENTION_DAYS,
    archive: archive ? archive(s3) : s3,
  });
}

/**
 * Runs the shared pipeline over the objects of one invocation with the DynamoDB store (one store,
 * one flush), then sends immediate alerts and records metrics. An object that cannot be read marks
 * its item failed (SQS/Kinesis retries it, then dead-letters it); bad records inside a file are
 * input errors, logged, not retried. A store failure fails every item: ingestion is idempotent.
 */
export async function ingestItems(w: Wiring, items: readonly IngestItem[]): Promise<IngestOutcome> {
  const started = Date.now();
  const failed = new Set<string>();
  if (items.length === 0) return { failed, alerted: 0 };
  const source: ObjectSource = {
    async *list() {
      for (const { itemId, object } of items) {
        yield {
          uri: object.uri,
          size: object.size,
          read: async () => {
            try {
              return await object.read();
            } catch (err) {
              failed.add(itemId);
              w.logger.error('cannot read object', {
                uri: object.uri,
                itemId,
                error: (err as Error).message,
              });
              throw err;
            }
          },
        };
      }
    },
  };
  // Sigma rules and geo databases load on the first invocation; a broken bundle throws here.
  const engine = processorEngine(w);
  let collected: EventCollector | undefined;
  const store = processingStore(
    w,
    w.env.OPENSEARCH_ENDPOINT ? (next) => (collected = new EventCollector(next)) : undefined,
  );
  let run: RunResult;
  try {
    run = await runIngest(source, engine, { store, now: Date.now });
    await store.close();
  } catch (err) {
    w.logger.error('ingestion failed; every item of the batch will be retried', { error: err as Error });
    w.metrics.addMetric('ProcessingErrors', MetricUnit.Count, items.length);
    for (const { itemId } of items) failed.add(itemId);
    return { failed, alerted: 0 };
  }
  const recordErrors = run.inputErrors.filter((e) => e.record !== undefined);
  if (recordErrors.length > 0) {
    w.logger.warn('records could not be read', {
      count: recordErrors.length,
      first: recordErrors.slice(0, 5),
    });
  }
  // After the flush: what OpenSearch shows is always in the store already.
  const search = await indexNewDocuments(w, run.findings, collected?.all() ?? []);
  const detection = collectDiagnostics(engine.detectors);
  if (detection.ruleErrorCount > 0) {
    w.logger.warn('detection rules failed on some events', {
      ruleErrors: detection.ruleErrorCount,
      byRule: detection.ruleErrorsByRule,
      first: detection.ruleErrors.slice(0, 5),
    });
  }
  let alerted = 0;
  try {
    alerted = await sendImmediateAlerts(w, store, run.fileIds);
  } catch (err) {
    // Nothing recorded as sent: retrying the items sends them (files are ingested, the ledger decides).
    w.logger.error('immediate alerts failed; the batch will be retried', { error: err as Error });
    for (const { itemId } of items) failed.add(itemId);
  }
  const highRisk = run.findings.filter((f) => f.riskScore >= w.config.highRiskThreshold).length;
  w.metrics.addMetric('EventsProcessed', MetricUnit.Count, run.eventsRead);
  w.metrics.addMetric('ProcessingLatency', MetricUnit.Milliseconds, Date.now() - started);
  w.metrics.addMetric('ProcessingErrors', MetricUnit.Count, run.inputErrors.length);
  w.metrics.addMetric(
    'CriticalAnomalies',
    MetricUnit.Count,
    run.findings.filter((f) => f.severity === 'CRITICAL').length,
  );
  w.metrics.addMetric('HighRiskAnomalies', MetricUnit.Count, highRisk);
  w.metrics.addMetric('RuleErrors', MetricUnit.Count, detection.ruleErrorCount);
  w.metrics.addMetric('FindingsSuppressed', MetricUnit.Count, detection.suppressed);
  w.logger.info('ingested', {
    objects: items.length,
    files: run.files,
    alreadyIngested: run.alreadyIngested,
    skipped: run.skipped,
    events: run.eventsRead,
    findings: run.findings.length,
    inputErrors: run.inputErrors.length,
    failedItems: failed.size,
    alerted,
    writeRequests: store.writeStats.requests,
    ruleErrors: detection.ruleErrorCount,
    suppressed: detection.suppressed,
    suppressedByRule: detection.suppressedByRule,
    ...(search && { searchIndexed: search.indexed, searchFailed: search.failed }),
  });
  return { failed, run, alerted, search };
}

/**
 * Publishes each alert-worthy finding of these files to SNS once: the ledger remembers what was
 * sent, so a retried or re-delivered object never alerts twice, and an alert that failed to send is
 * sent by the retry even though its file is already ingested.
 */
export async function sendImmediateAlerts(
  w: Wiring,
  store: DynamoDbEventStore,
  fileIds: readonly string[],
): Promise<number> {
  const topic = w.env.ALERT_TOPIC_ARN;
  if (!topic || fileIds.length === 0) return 0;
  const candidates = (await store.findings({ fileIds })).filter((f) =>
    needsImmediateAlert(f, w.config.alertThreshold),
  );
  if (candidates.length === 0) return 0;
  const sent = await store.notified(
    IMMEDIATE_ALERT_CHANNEL,
    candidates.map((f) => f.id),
  );
  const fresh: Finding[] = candidates.filter((f) => !sent.has(f.id));
  for (const finding of fresh) {
    await w.sns.send(
      new PublishCommand({
        TopicArn: topic,
        Subject: immediateAlertSubject(finding),
        Message: immediateAlertText(finding),
        MessageAttributes: {
          severity: { DataType: 'String', StringValue: finding.severity },
          findingId: { DataType: 'String', StringValue: finding.id },
          kind: { DataType: 'String', StringValue: 'immediate' },
        },
      }),
    );
    await store.recordNotified(IMMEDIATE_ALERT_CHANNEL, [finding.id], Date.now());
  }
  return fresh.length;
}
