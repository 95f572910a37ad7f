import { availableParallelism } from 'node:os';
import { IntegrityCollector } from '../../adapters/integrity-reader.ts';
import { DuckDbEventStore } from '../../adapters/local/duckdb-store.ts';
import { mainThreadSees, WorkerPreparer } from '../../adapters/local/parallel/worker-preparer.ts';
import { loadSigmaRules } from '../../adapters/local/sigma-loader.ts';
import { BaselineDetector } from '../../core/detect/baseline/baseline-detector.ts';
import { defaultDetectors } from '../../core/detect/default-detectors.ts';
import { collectDiagnostics, type Detector } from '../../core/detect/detector.ts';
import { InThreadPreparer } from '../../core/file-preparer.ts';
import { atLeast, type Severity } from '../../core/finding.ts';
import { Engine, runIngest } from '../../core/pipeline.ts';
import { countFindingsByTactic } from '../../core/report/summary.ts';
import { loadConfig } from '../config-file.ts';
import { EXIT } from '../exit-codes.ts';
import { geoLookupFor } from '../geo.ts';
import { type IntegrityRun, runIntegrityCheck } from '../integrity.ts';
import { terminalProgress } from '../progress.ts';
import { readAsTally, renderReadAs } from '../read-as.ts';
import { renderBaselineStatus } from '../render-baseline.ts';
import { detectionJson, renderDetection } from '../render-detection.ts';
import { integrityJson, integritySummaryLine } from '../render-integrity.ts';
import { analyzeJson, renderTerminalSummary } from '../render-summary.ts';
import { sourceFor } from '../sources.ts';
import { UsageError } from '../usage-error.ts';
import type { AnalyzeOptions } from './analyze.ts';

/** How many findings the terminal summary groups (most severe first). */
const TERMINAL_FINDINGS = 5000;

/** Runs `logwarden analyze`; resolves to the exit code. */
export async function analyze(input: string, options: AnalyzeOptions): Promise<number> {
  const config = loadConfig(options.config);
  const failOn: Severity | undefined = (options.failOn as Severity | undefined) ?? config.failOn;
  const sigma = loadSigmaRules(config.sigma);
  if (sigma.unrunnable.length > 0) {
    process.stderr.write(
      `${sigma.unrunnable.length} Sigma rule(s) cannot run; see: logwarden rules list --unsupported\n`,
    );
  }
  const asked = options.workers === 'auto' ? undefined : Number(options.workers);
  if (asked !== undefined && (!Number.isInteger(asked) || asked < 0 || asked > 64))
    throw new UsageError(`--workers "${options.workers}" must be auto or a whole number from 0 to 64`);
  const store = await DuckDbEventStore.open(options.db, { timeZone: config.timeZone });
  try {
    const detectors = defaultDetectors(config, sigma.rules);
    const workers = asked ?? autoWorkers(detectors);
    const maxBytes = config.maxFileMiB * 2 ** 20;
    const parse = { flowFormat: config.flowLogs.format, referenceTime: Date.now() };
    // With workers, the stateless detectors run there and the main thread keeps the stateful ones.
    const engine = new Engine(config, workers > 0 ? detectors.filter((d) => !d.stateless) : detectors, {
      geo: geoLookupFor(config),
    });
    const preparer =
      workers > 0
        ? new WorkerPreparer({
            workers,
            stageDir: store.stage.path,
            config,
            maxBytes,
            parse,
            known: await store.knownFileIds(),
            mainDetectors: engine.detectors,
          })
        : undefined;
    const baseline = engine.detectors.find((d) => d instanceof BaselineDetector);
    // Every principal the store has a profile for, not only this run's: the report's warm-up figure.
    const baselineCounts = async () =>
      baseline && {
        ...(await store.profileCounts(baseline.config)),
        minDays: baseline.config.minDays,
        minEvents: baseline.config.minEvents,
      };
    const progress = options.progress ? terminalProgress() : undefined;
    const readAs = readAsTally();
    // The integrity check sees the listing as it goes by and reads what it needs after the run.
    const collector = options.verify ? new IntegrityCollector() : undefined;
    const source = await sourceFor(input, maxBytes);
    let run: Awaited<ReturnType<typeof runIngest>>;
    try {
      run = await runIngest(
        collector ? collector.wrap(source) : source,
        engine,
        {
          store,
          progress,
          now: Date.now,
          keepFindings: false,
          onFile: (uri, p) => {
            if (!p.skipped) readAs.add(p.format, p.events);
            if (options.verbose)
              process.stderr.write(
                `${uri}: ${p.skipped ? `skipped (${p.skipped})` : `${p.format}, ${p.events} events${p.flows ? `, ${p.flows} flow records` : ''}`}\n`,
              );
          },
        },
        preparer ?? new InThreadPreparer((sha256) => store.isIngested(sha256), parse),
      );
    } finally {
      progress?.stop();
    }
    let integrity: IntegrityRun | undefined;
    if (collector) {
      integrity = await runIntegrityCheck(input, collector, {
        publicKeys: options.publicKeys,
        maxBytes,
        store,
        now: Date.now(),
      });
      if (integrity.fileId) run.fileIds.push(integrity.fileId);
      run.findingsStored += integrity.findingsStored;
    }
    const summary = await store.summarize({
      fileIds: run.fileIds,
      top: 10,
      highRiskThreshold: config.highRiskThreshold,
    });
    // Most severe first, bounded: a run over an attack-heavy corpus can hold 100,000s of findings;
    // `logwarden findings` lists them all.
    const shown = options.format === 'json' ? Number(options.maxFindings) : TERMINAL_FINDINGS;
    const findings = await store.findings({ fileIds: run.fileIds, limit: shown > 0 ? shown : undefined });
    const findingsTotal = Object.values(summary.findingsBySeverity).reduce((a, b) => a + b, 0);
    summary.findingsByTactic ??= countFindingsByTactic(findings);
    const detection = collectDiagnostics([...engine.detectors, ...(preparer ? [preparer] : [])]);
    if (options.format === 'json') {
      const doc = {
        ...analyzeJson(input, run, summary, findings),
        readAs: readAs.entries(),
        findingsTotal,
        detection: detectionJson(detection),
        baseline: await baselineCounts(),
        ...(integrity && { integrity: integrityJson(integrity) }),
      };
      process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
    } else {
      process.stdout.write(
        renderTerminalSummary(input, run, summary, findings, {
          timeZone: config.timeZone,
          readAs: renderReadAs(readAs.entries()),
        }),
      );
      if (integrity) process.stdout.write(integritySummaryLine(integrity));
      process.stdout.write(renderDetection(detection));
      const counts = await baselineCounts();
      if (counts) process.stdout.write(renderBaselineStatus(counts, 'profiled'));
    }
    if (run.inputErrors.length > 0) return EXIT.inputErrors;
    const severities = Object.entries(summary.findingsBySeverity) as [Severity, number][];
    if (failOn && severities.some(([severity, n]) => n > 0 && atLeast(severity, failOn)))
      return EXIT.findings;
    return EXIT.ok;
  } finally {
    await store.close();
  }
}

/**
 * Workers for `--workers auto`. When some files can be finished on a worker (no stateful detector
 * sees every event), one per core: the main thread mostly waits. When every file must come back
 * to the main thread, that thread and DuckDB already keep two cores busy; on the 2-core benchmark
 * machine workers then only added memory (full detection: 48 s without, 42–51 s with two).
 * At most four: more was never measured.
 */
function autoWorkers(detectors: readonly Detector[]): number {
  const cores = Math.min(4, availableParallelism());
  return mainThreadSees(detectors) === 'all' ? Math.max(0, cores - 2) : cores;
}
