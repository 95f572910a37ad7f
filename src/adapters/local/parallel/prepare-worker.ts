/**
 * A prepare worker: decodes, parses, flags and scores files and runs the stateless detectors (the
 * rule engine with Sigma, the seed's high-risk finding), so the main thread keeps only what needs
 * state across files. A file no stateful detector looks at leaves here encoded for the store.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parentPort, threadId, workerData } from 'node:worker_threads';
import { defaultDetectors } from '../../../core/detect/default-detectors.ts';
import { collectDiagnostics, type DetectorInput } from '../../../core/detect/detector.ts';
import type { StagedFile } from '../../../core/file-preparer.ts';
import { Engine } from '../../../core/pipeline.ts';
import { aggregateFlows } from '../../../core/sources/flow-aggregate.ts';
import { type ParsedFile, parseLogFile } from '../../../core/sources/parse.ts';
import { decodeLogBytesSync, OverReservation, sha256Hex } from '../../decode.ts';
import { EVENT_ROW_ENCODING, eventRow } from '../duckdb-event-row.ts';
import { loadSigmaRules } from '../sigma-loader.ts';
import type { PrepareResult, PrepareTask, WorkerMessage, WorkerSetup } from './messages.ts';

const setup = workerData as WorkerSetup;
const port = parentPort!;
const known = new Set(setup.known);
const sigma = loadSigmaRules(setup.config.sigma, { vendoredDir: setup.sigmaDir });
const stateless = defaultDetectors(setup.config, sigma.rules).filter((d) => d.stateless);
// Files finished here get the seed's finding from this engine; files the main thread finishes get
// it there, after the baseline has refined their flags.
const finishing = new Engine(setup.config, stateless);
const rulesOnly = new Engine(setup.config, stateless, { seed: false });

port.on('message', (task: PrepareTask | { type: 'close' }) => {
  if (task.type === 'close') {
    const message: WorkerMessage = { type: 'closed', diagnostics: collectDiagnostics(stateless) };
    port.postMessage(message);
    port.close();
    return;
  }
  let result: PrepareResult;
  try {
    result = prepare(task);
  } catch (err) {
    const message: WorkerMessage = {
      type: 'failed',
      seq: task.seq,
      message: `${task.uri}: ${(err as Error).stack ?? err}`,
    };
    port.postMessage(message);
    return;
  }
  port.postMessage(result, result.kind === 'over-reservation' ? [result.bytes.buffer as ArrayBuffer] : []);
});

function prepare({ seq, uri, bytes, reserved }: PrepareTask): PrepareResult {
  const sha256 = sha256Hex(bytes);
  if (known.has(sha256)) return { type: 'prepared', seq, kind: 'known', sha256 };
  let text: string;
  try {
    text = decodeLogBytesSync(bytes, setup.maxBytes, reserved);
  } catch (err) {
    if (err instanceof OverReservation) return { type: 'prepared', seq, kind: 'over-reservation', bytes };
    return { type: 'prepared', seq, kind: 'unreadable', reason: (err as Error).message };
  }
  const parsed = parseLogFile(uri, text, setup.parse);
  if (mainNeeds(parsed, setup.mainSees)) {
    const { findings } = rulesOnly.process(parsed.events);
    return { type: 'prepared', seq, kind: 'text', sha256, text, findings };
  }
  return { type: 'prepared', seq, kind: 'staged', sha256, staged: stage(parsed, sha256) };
}

/** Flags, scores, detects and encodes a file nothing on the main thread needs to see. */
function stage(parsed: ParsedFile, fileId: string): StagedFile {
  const { events, findings } = finishing.process(parsed.events);
  const rows = new Array<string>(events.length);
  const ids = new Array<string>(events.length);
  let minTime = Number.POSITIVE_INFINITY;
  let maxTime = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    rows[i] = eventRow(e, fileId);
    ids[i] = e.id;
    if (e.time < minTime) minTime = e.time;
    if (e.time > maxTime) maxTime = e.time;
  }
  const flows = parsed.flows ?? [];
  return {
    format: parsed.format,
    ...(parsed.skipped && { skipped: parsed.skipped }),
    errors: parsed.errors,
    events: events.length,
    flows: flows.length,
    findings,
    ...(events.length > 0 && {
      encoded: { encoding: EVENT_ROW_ENCODING, file: stageRows(rows), ids, minTime, maxTime },
    }),
    ...(flows.length > 0 && { flowAggregates: aggregateFlows(flows) }),
  };
}

let staged = 0;

/** Writes a file's rows where the store stages them; returns the file. */
function stageRows(rows: string[]): string {
  const file = join(setup.stageDir, `worker-${threadId}-${staged++}.tsv`);
  writeFileSync(file, `${rows.join('\n')}\n`);
  return file;
}

/** Whether a stateful detector on the main thread looks at anything this file holds. */
function mainNeeds(parsed: ParsedFile, sees: readonly DetectorInput[] | 'all'): boolean {
  if (sees === 'all') return parsed.events.length > 0 || (parsed.flows?.length ?? 0) > 0;
  if (parsed.flows?.length && sees.includes('flow')) return true;
  return parsed.events.some((e) => sees.includes(e.source));
}
