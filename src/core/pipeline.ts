import type { Config } from './config.ts';
import type { Detector } from './detect/detector.ts';
import { FlagEvaluator, riskScore } from './detect/flags.ts';
import { isFlowDetector } from './detect/flow/flow-detector.ts';
import { HIGH_RISK_EVENT_RULE, HighRiskEventDetector } from './detect/high-risk-event.ts';
import { SuppressedDetector, Suppressor } from './detect/suppression.ts';
import { GeoEnricher } from './enrich/geo-enricher.ts';
import type { InputError, NormalizedEvent, ProcessedEvent } from './event.ts';
import type { Finding } from './finding.ts';
import type { EventStore, GeoLookup, ObjectSource, ProgressListener, SourceObject } from './ports.ts';
import { isDigestPath } from './sources/cloudtrail.ts';
import { aggregateFlows } from './sources/flow-aggregate.ts';
import { type ParsedFile, parseLogFile } from './sources/parse.ts';
import type { FlowRecord } from './sources/vpc-flow.ts';

/** Optional engine parts beside the detectors. */
export interface EngineOptions {
  /** Offline GeoIP/ASN lookup for the enrichment step; without it events get only the address kind. */
  geo?: GeoLookup;
}

/** What processing a batch of normalized events produced. */
export interface ProcessedBatch {
  events: ProcessedEvent[];
  findings: Finding[];
}

/**
 * The engine both runtimes share: flags and scores events, runs the detectors, and raises an
 * event's risk to that of the findings it supports.
 */
export class Engine {
  private readonly flags: FlagEvaluator;
  readonly detectors: Detector[];
  /** Labels source addresses and adds GeoIP/ASN before flags and detectors see an event. */
  readonly enricher: GeoEnricher;

  constructor(
    readonly config: Config,
    detectors: Detector[] = [],
    options: EngineOptions = {},
  ) {
    this.flags = new FlagEvaluator(config);
    // The seed's own finding honours the user's suppressions like every other detector's.
    const seed = new HighRiskEventDetector(config.highRiskThreshold);
    const suppressions = config.detection.suppressions;
    this.detectors = [
      ...detectors,
      suppressions.length ? new SuppressedDetector(seed, new Suppressor(suppressions)) : seed,
    ];
    this.enricher = new GeoEnricher(options.geo, config.geo.cacheSize);
  }

  /** Loads what the detectors need for these events (per-principal profiles); call before `process`. */
  async prepare(events: readonly NormalizedEvent[], store: EventStore): Promise<void> {
    for (const d of this.detectors) if (d.prepare) await d.prepare(events, store);
  }

  /** Flags, scores and runs detectors over events (in the order given); flow records go to flow detectors. */
  process(events: readonly NormalizedEvent[], flows: readonly FlowRecord[] = []): ProcessedBatch {
    const processed: ProcessedEvent[] = new Array(events.length);
    const findings: Finding[] = [];
    const byId = new Map<string, ProcessedEvent>();
    for (let i = 0; i < events.length; i++) {
      const event = events[i];
      this.enricher.enrich(event);
      let anomalyFlags = this.flags.flags(event);
      for (const d of this.detectors) if (d.refineFlags) anomalyFlags = d.refineFlags(event, anomalyFlags);
      const p = event as ProcessedEvent;
      p.anomalyFlags = anomalyFlags;
      p.riskScore = riskScore(event, anomalyFlags);
      processed[i] = p;
      byId.set(p.id, p);
      for (const detector of this.detectors) {
        const found = detector.observe(p);
        for (const f of found) findings.push(f);
      }
    }
    if (flows.length > 0) {
      const flowDetectors = this.detectors.filter(isFlowDetector);
      for (const r of flows)
        for (const d of flowDetectors) for (const f of d.observeFlow(r)) findings.push(f);
    }
    for (const detector of this.detectors) {
      if (detector.flush) for (const f of detector.flush()) findings.push(f);
    }
    // Findings feed the risk score: an event is at least as risky as what it evidences.
    for (const finding of findings) {
      for (const id of finding.eventIds) {
        const e = byId.get(id);
        if (e && e.riskScore < finding.riskScore) e.riskScore = finding.riskScore;
      }
    }
    return { events: processed, findings: withoutRedundantSeedFindings(dedupe(findings)) };
  }

  async loadState(store: EventStore): Promise<void> {
    for (const d of this.detectors) {
      if (!d.importState) continue;
      const state = await store.loadState(d.id);
      if (state !== undefined) d.importState(state);
    }
  }

  async saveState(store: EventStore): Promise<void> {
    for (const d of this.detectors) {
      if (d.exportState) await store.saveState(d.id, d.exportState());
      if (d.persist) await d.persist(store);
    }
  }
}

/**
 * The seed's generic "high-risk event" finding stays only where no specific finding (a rule, a
 * baseline) already explains the same event: a responder should read "CloudTrail logging stopped",
 * not that and "high-risk StopLogging" twice over.
 */
function withoutRedundantSeedFindings(findings: Finding[]): Finding[] {
  const explained = new Set<string>();
  for (const f of findings)
    if (f.ruleId !== HIGH_RISK_EVENT_RULE) for (const id of f.eventIds) explained.add(id);
  return findings.filter(
    (f) => f.ruleId !== HIGH_RISK_EVENT_RULE || !f.eventIds.every((id) => explained.has(id)),
  );
}

function dedupe(findings: Finding[]): Finding[] {
  const seen = new Map<string, Finding>();
  for (const f of findings) if (!seen.has(f.id)) seen.set(f.id, f);
  return [...seen.values()];
}

/** How many files are read (and decompressed) ahead of the one being processed. */
const READ_AHEAD = 4;

/**
 * Starts reading up to `depth` objects ahead and yields them in order with their pending content.
 * A failed read is kept as a rejected promise for the consumer (never an unhandled rejection).
 */
async function* readAhead(
  objects: AsyncIterable<SourceObject>,
  depth: number,
): AsyncIterable<{ object: SourceObject; content: Promise<{ text: string; sha256: string }> }> {
  const queue: { object: SourceObject; content: Promise<{ text: string; sha256: string }> }[] = [];
  for await (const object of objects) {
    const content = isDigestPath(object.uri) ? Promise.resolve({ text: '', sha256: '' }) : object.read();
    content.catch(() => {});
    queue.push({ object, content });
    if (queue.length > depth) yield queue.shift()!;
  }
  while (queue.length) yield queue.shift()!;
}

/** What a run did, for the CLI's summary line and exit code. */
export interface RunResult {
  files: number;
  /** Files whose content was already in the store. */
  alreadyIngested: number;
  /** Files passed over on purpose (digest files), by reason. */
  skipped: Record<string, number>;
  eventsRead: number;
  /** VPC / Transit Gateway flow log records read (stored as aggregates, not events). */
  flowRecordsRead: number;
  eventsStored: number;
  findingsStored: number;
  /** Every file id seen in this run (new and already ingested), for the run's summary. */
  fileIds: string[];
  /** New findings of this run (already-stored ones are not repeated). */
  findings: Finding[];
  inputErrors: InputError[];
  bytes: number;
}

export interface RunPorts {
  store: EventStore;
  progress?: ProgressListener;
  /** Keep this run's new findings in `RunResult.findings` (default true; a large local run reads them from the store instead). */
  keepFindings?: boolean;
  /** Epoch ms for `ingestedAt`; the only clock the pipeline reads. */
  now: () => number;
  /** Per-file hook for the verbose listing: which reader read a file. */
  onFile?: (
    uri: string,
    parsed: Pick<ParsedFile, 'format' | 'skipped'> & { events: number; flows?: number },
  ) => void;
}

/**
 * Reads every object of a source, processes it and stores it, one file at a time so memory stays
 * flat. A file already ingested (same content hash) is not processed again; bad files and records
 * become input errors while the rest goes on.
 */
export async function runIngest(source: ObjectSource, engine: Engine, ports: RunPorts): Promise<RunResult> {
  const result: RunResult = {
    files: 0,
    alreadyIngested: 0,
    skipped: {},
    eventsRead: 0,
    flowRecordsRead: 0,
    eventsStored: 0,
    findingsStored: 0,
    fileIds: [],
    findings: [],
    inputErrors: [],
    bytes: 0,
  };
  await engine.loadState(ports.store);
  // Reads run a few files ahead (decompression happens off the main thread) while this loop
  // processes and stores files strictly in listing order.
  for await (const { object, content } of readAhead(source.list(), READ_AHEAD)) {
    result.files++;
    if (isDigestPath(object.uri)) {
      result.skipped.digest = (result.skipped.digest ?? 0) + 1;
      continue;
    }
    ports.progress?.fileStarted?.(object.uri);
    const done = () =>
      ports.progress?.fileDone({ files: result.files, events: result.eventsRead, bytes: result.bytes });
    let text: string;
    let sha256: string;
    try {
      ({ text, sha256 } = await content);
    } catch (err) {
      result.inputErrors.push({ path: object.uri, reason: (err as Error).message });
      done();
      continue;
    }
    result.bytes += object.size;
    result.fileIds.push(sha256);
    if (await ports.store.isIngested(sha256)) {
      result.alreadyIngested++;
      for (const e of await ports.store.fileErrors(sha256)) result.inputErrors.push(e);
      done();
      continue;
    }
    const parsed = parseLogFile(object.uri, text, {
      flowFormat: engine.config.flowLogs.format,
      referenceTime: ports.now(),
    });
    const flows = parsed.flows ?? [];
    ports.onFile?.(object.uri, {
      format: parsed.format,
      skipped: parsed.skipped,
      events: parsed.events.length,
      flows: flows.length,
    });
    if (parsed.skipped) result.skipped[parsed.skipped] = (result.skipped[parsed.skipped] ?? 0) + 1;
    // Per-principal profiles for this file's events come from the store before processing.
    await engine.prepare(parsed.events, ports.store);
    const { events, findings } = engine.process(parsed.events, flows);
    result.eventsRead += events.length;
    result.flowRecordsRead += flows.length;
    const stored = await ports.store.ingest({
      file: {
        id: sha256,
        uri: object.uri,
        size: object.size,
        events: events.length,
        errors: parsed.errors.length,
        ingestedAt: ports.now(),
      },
      events,
      findings,
      errors: parsed.errors,
      ...(flows.length > 0 && { flowAggregates: aggregateFlows(flows) }),
    });
    result.eventsStored += stored.eventsStored;
    result.findingsStored += stored.findingsStored;
    if (ports.keepFindings !== false) for (const f of findings) result.findings.push(f);
    for (const e of parsed.errors) result.inputErrors.push(e);
    done();
  }
  const last = await ports.store.flush();
  result.eventsStored += last.eventsStored;
  result.findingsStored += last.findingsStored;
  await engine.saveState(ports.store);
  return result;
}
