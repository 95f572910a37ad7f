import type { Config } from './config.ts';
import type { Detector } from './detect/detector.ts';
import { FlagEvaluator, riskScore } from './detect/flags.ts';
import { isFlowDetector } from './detect/flow/flow-detector.ts';
import { HIGH_RISK_EVENT_RULE, HighRiskEventDetector } from './detect/high-risk-event.ts';
import { SuppressedDetector, Suppressor } from './detect/suppression.ts';
import { GeoEnricher } from './enrich/geo-enricher.ts';
import type { InputError, NormalizedEvent, ProcessedEvent } from './event.ts';
import { type FilePreparer, InThreadPreparer } from './file-preparer.ts';
import { type Finding, SEVERITY_RISK } from './finding.ts';
import type { EventStore, GeoLookup, IngestBatch, ObjectSource, ProgressListener } from './ports.ts';
import { aggregateFlows } from './sources/flow-aggregate.ts';
import type { ParsedFile } from './sources/parse.ts';
import type { FlowRecord } from './sources/vpc-flow.ts';

/** Optional engine parts beside the detectors. */
export interface EngineOptions {
  /** Offline GeoIP/ASN lookup for the enrichment step; without it events get only the address kind. */
  geo?: GeoLookup;
  /** Run the seed's high-risk-event finding (default true); off where another engine runs it. */
  seed?: boolean;
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
    this.detectors = [...detectors];
    if (options.seed !== false)
      this.detectors.push(
        suppressions.length ? new SuppressedDetector(seed, new Suppressor(suppressions)) : seed,
      );
    this.enricher = new GeoEnricher(options.geo, config.geo.cacheSize);
  }

  /** Loads what the detectors need for these events (per-principal profiles); call before `process`. */
  async prepare(events: readonly NormalizedEvent[], store: EventStore): Promise<void> {
    for (const d of this.detectors) if (d.prepare) await d.prepare(events, store);
  }

  /**
   * Flags, scores and runs detectors over events (in the order given); flow records go to flow
   * detectors. `earlier` are findings stateless detectors made from these same events elsewhere
   * (another thread, which knew no baseline): they are merged in, their flags and score taken
   * again from the events as flagged here.
   */
  process(
    events: readonly NormalizedEvent[],
    flows: readonly FlowRecord[] = [],
    earlier: readonly Finding[] = [],
  ): ProcessedBatch {
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
    for (const f of earlier) {
      const e = f.eventIds.length === 1 ? byId.get(f.eventIds[0]) : undefined;
      if (e) {
        f.flags = [...e.anomalyFlags];
        f.riskScore = Math.max(SEVERITY_RISK[f.severity], e.riskScore);
      }
      findings.push(f);
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
      // A wrapper (suppressions) exports its inner detector's state, which may be none.
      const state = d.exportState?.();
      if (state !== undefined) await store.saveState(d.id, state);
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
 * become input errors while the rest goes on. `preparer` may do the file-local work elsewhere
 * (worker threads); by default it is done here.
 */
export async function runIngest(
  source: ObjectSource,
  engine: Engine,
  ports: RunPorts,
  preparer: FilePreparer = new InThreadPreparer((sha256) => ports.store.isIngested(sha256), {
    flowFormat: engine.config.flowLogs.format,
    referenceTime: ports.now(),
  }),
): Promise<RunResult> {
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
  for await (const object of preparer.prepare(source.list())) {
    result.files++;
    if (object.kind === 'digest') {
      result.skipped.digest = (result.skipped.digest ?? 0) + 1;
      continue;
    }
    ports.progress?.fileStarted?.(object.uri);
    const done = () =>
      ports.progress?.fileDone({ files: result.files, events: result.eventsRead, bytes: result.bytes });
    if (object.kind === 'unreadable') {
      result.inputErrors.push({ path: object.uri, reason: object.reason });
      done();
      continue;
    }
    result.bytes += object.size;
    result.fileIds.push(object.sha256);
    if (object.kind === 'known' || (await ports.store.isIngested(object.sha256))) {
      result.alreadyIngested++;
      for (const e of await ports.store.fileErrors(object.sha256)) result.inputErrors.push(e);
      done();
      continue;
    }
    const file = { id: object.sha256, uri: object.uri, size: object.size, ingestedAt: ports.now() };
    let batch: IngestBatch;
    let format: string;
    let skipped: string | undefined;
    let flowCount: number;
    if (object.kind === 'staged') {
      const staged = object.staged;
      ({ format, skipped } = staged);
      flowCount = staged.flows;
      batch = {
        file: { ...file, events: staged.events, errors: staged.errors.length },
        events: [],
        ...(staged.encoded && { encoded: staged.encoded }),
        findings: staged.findings,
        errors: staged.errors,
        ...(staged.flowAggregates && { flowAggregates: staged.flowAggregates }),
      };
    } else {
      const parsed = object.parsed;
      ({ format, skipped } = parsed);
      const flows = parsed.flows ?? [];
      flowCount = flows.length;
      // Per-principal profiles for this file's events come from the store before processing.
      await engine.prepare(parsed.events, ports.store);
      const { events, findings } = engine.process(parsed.events, flows, object.findings);
      batch = {
        file: { ...file, events: events.length, errors: parsed.errors.length },
        events,
        findings,
        errors: parsed.errors,
        ...(flows.length > 0 && { flowAggregates: aggregateFlows(flows) }),
      };
    }
    ports.onFile?.(object.uri, { format, skipped, events: batch.file.events, flows: flowCount });
    if (skipped) result.skipped[skipped] = (result.skipped[skipped] ?? 0) + 1;
    result.eventsRead += batch.file.events;
    result.flowRecordsRead += flowCount;
    const stored = await ports.store.ingest(batch);
    result.eventsStored += stored.eventsStored;
    result.findingsStored += stored.findingsStored;
    if (ports.keepFindings !== false) for (const f of batch.findings) result.findings.push(f);
    for (const e of batch.errors) result.inputErrors.push(e);
    done();
  }
  const last = await ports.store.flush();
  result.eventsStored += last.eventsStored;
  result.findingsStored += last.findingsStored;
  await engine.saveState(ports.store);
  return result;
}
