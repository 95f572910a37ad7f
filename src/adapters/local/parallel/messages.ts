import type { Config } from '../../../core/config.ts';
import type { DetectorDiagnostics, DetectorInput } from '../../../core/detect/detector.ts';
import type { StagedFile } from '../../../core/file-preparer.ts';
import type { Finding } from '../../../core/finding.ts';
import type { ParseOptions } from '../../../core/sources/parse.ts';

/** What every prepare worker starts with. */
export interface WorkerSetup {
  config: Config;
  /** Largest decompressed size of one file, in bytes. */
  maxBytes: number;
  parse: ParseOptions;
  /** Where to write the store's staged event rows (the store loads and deletes them). */
  stageDir: string;
  /** Where the vendored Sigma rules are (the worker may run from a bundle elsewhere). */
  sigmaDir: string;
  /** Content hashes already stored when the run began: such files are not decoded. */
  known: string[];
  /**
   * What the main thread's stateful detectors look at ('all' for every event): a file holding any
   * of it goes back as text for the main thread to finish; any other file is finished here.
   */
  mainSees: readonly DetectorInput[] | 'all';
}

/** main → worker: prepare one file (its bytes are transferred, not copied). */
export interface PrepareTask {
  type: 'prepare';
  seq: number;
  uri: string;
  bytes: Uint8Array;
  /**
   * Inflated bytes the main thread reserved for this file in the read-ahead budget: a gzip that
   * inflates to more (but within maxBytes) comes back as `over-reservation`.
   */
  reserved: number;
}

/** main → worker: no more files; answer with the diagnostics and exit. */
export interface CloseTask {
  type: 'close';
}

/** worker → main: what became of one file. */
export type PrepareResult = { type: 'prepared'; seq: number } & (
  | { kind: 'unreadable'; reason: string }
  | { kind: 'known'; sha256: string }
  /** Inflates to more than `reserved`: the bytes come back for a larger reservation. */
  | { kind: 'over-reservation'; bytes: Uint8Array }
  | { kind: 'staged'; sha256: string; staged: StagedFile }
  /** For the main thread to parse again and finish; `findings` are the stateless rules' already. */
  | { kind: 'text'; sha256: string; text: string; findings: Finding[] }
);

/** worker → main: the worker's detectors' rule errors and suppression counts, at close. */
export interface ClosedResult {
  type: 'closed';
  diagnostics: DetectorDiagnostics;
}

/** worker → main: a file made the worker fail (a bug, not bad input). */
export interface FailedResult {
  type: 'failed';
  seq: number;
  message: string;
}

export type WorkerMessage = PrepareResult | ClosedResult | FailedResult;
