import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Config } from '../../../core/config.ts';
import {
  collectDiagnostics,
  type Detector,
  type DetectorDiagnostics,
  type DetectorInput,
} from '../../../core/detect/detector.ts';
import {
  type FilePreparer,
  type PreparedObject,
  READ_AHEAD_BUDGET_BYTES,
} from '../../../core/file-preparer.ts';
import { InflateBudget, type InflateTicket, inflateEstimate } from '../../../core/inflate-budget.ts';
import type { SourceObject } from '../../../core/ports.ts';
import { isDigestPath } from '../../../core/sources/cloudtrail.ts';
import { type ParseOptions, parseLogFile } from '../../../core/sources/parse.ts';
import { isGzip } from '../../decode.ts';
import { vendoredSigmaDir } from '../sigma-loader.ts';
import type { PrepareTask, WorkerMessage, WorkerSetup } from './messages.ts';

export interface WorkerPreparerOptions {
  /** Where workers write encoded event rows for the store (DuckDbEventStore.stage.path). */
  stageDir: string;
  /** How many worker threads decode, parse and run the stateless detectors. */
  workers: number;
  config: Config;
  maxBytes: number;
  parse: ParseOptions;
  /** Content hashes already stored. */
  known: Iterable<string>;
  /** The detectors the main thread's engine runs (the stateful ones). */
  mainDetectors: readonly Detector[];
}

/** Files handed to each worker before the first is taken back: enough to keep it busy, no more. */
const IN_FLIGHT_PER_WORKER = 3;

/**
 * Young generation of a worker: a file's records die young in it. 48 MB bought no speed on the
 * 1M-event benchmark and cost about 100 MB more RSS for two workers.
 */
const WORKER_YOUNG_GENERATION_MB = 16;

/**
 * Prepares files on worker threads (see prepare-worker.ts) and yields them in listing order. The
 * main thread only reads bytes (transferred, not copied) and parses again the files its stateful
 * detectors need to see.
 */
export class WorkerPreparer implements FilePreparer {
  private collected: DetectorDiagnostics[] = [];

  constructor(private readonly options: WorkerPreparerOptions) {}

  /** Rule errors and suppressions counted in the workers (complete once `prepare` has finished). */
  diagnostics(): DetectorDiagnostics {
    return collectDiagnostics(this.collected.map((d) => ({ diagnostics: () => d })));
  }

  async *prepare(objects: AsyncIterable<SourceObject>): AsyncIterable<PreparedObject> {
    const script = await workerScript();
    const setup = this.setup();
    const pool: PoolWorker[] = [];
    const pending: { prepared: Promise<PreparedObject>; ticket: InflateTicket }[] = [];
    const limit = this.options.workers * IN_FLIGHT_PER_WORKER;
    const budget = new InflateBudget(READ_AHEAD_BUDGET_BYTES);
    // Taken in order: the file the pipeline waits for next always gets its bytes.
    const next = async () => {
      const { prepared, ticket } = pending.shift()!;
      try {
        return await prepared;
      } finally {
        ticket.close();
      }
    };
    try {
      for (let i = 0; i < this.options.workers; i++) pool.push(new PoolWorker(script.url, setup));
      for await (const object of objects) {
        const ticket = budget.ticket();
        const prepared = this.dispatch(object, pool, ticket);
        prepared.catch(() => {}); // awaited in order below; never an unhandled rejection meanwhile
        pending.push({ prepared, ticket });
        if (pending.length >= limit) yield await next();
      }
      while (pending.length) yield await next();
      this.collected = await Promise.all(pool.map((w) => w.close()));
    } finally {
      await Promise.all(pool.map((w) => w.terminate()));
      await script.dispose();
    }
  }

  private setup(): WorkerSetup {
    const { config, maxBytes, parse, known, mainDetectors, stageDir } = this.options;
    return {
      stageDir,
      config,
      maxBytes,
      parse,
      sigmaDir: vendoredSigmaDir(),
      known: [...known],
      mainSees: mainThreadSees(mainDetectors),
    };
  }

  /**
   * Reads a file and has a worker prepare it, holding its bytes on `ticket`: the stored bytes while
   * they are read, then what the gzip trailer claims inflated, four times more each time the
   * content turns out larger (up to maxBytes), then only what comes back to this thread.
   */
  private async dispatch(
    object: SourceObject,
    pool: PoolWorker[],
    ticket: InflateTicket,
  ): Promise<PreparedObject> {
    const { uri, size } = object;
    if (isDigestPath(uri)) return { uri, size, kind: 'digest' };
    if (!object.readBytes) throw new Error(`${uri}: this source cannot hand raw bytes to a worker`);
    const { maxBytes } = this.options;
    let bytes: Uint8Array;
    try {
      bytes = await object.readBytes(ticket);
    } catch (err) {
      return { uri, size, kind: 'unreadable', reason: (err as Error).message };
    }
    let reserved = bytes.length;
    if (isGzip(bytes)) {
      reserved = inflateEstimate(bytes, maxBytes);
      await ticket.grow(reserved);
    }
    let result: Prepared;
    for (;;) {
      const worker = pool.reduce((a, b) => (b.busy < a.busy ? b : a));
      result = await worker.prepare(uri, bytes, reserved);
      if (result.kind !== 'over-reservation') break;
      bytes = result.bytes;
      const more = Math.min(maxBytes, reserved * 4);
      await ticket.grow(more - reserved);
      reserved = more;
    }
    ticket.shrinkTo(result.kind === 'text' ? result.text.length : 0);
    if (result.kind === 'text') {
      const { sha256, text, findings } = result;
      return {
        uri,
        size,
        kind: 'parsed',
        sha256,
        parsed: parseLogFile(uri, text, this.options.parse),
        findings,
      };
    }
    if (result.kind === 'unreadable') return { uri, size, kind: 'unreadable', reason: result.reason };
    if (result.kind === 'known') return { uri, size, kind: 'known', sha256: result.sha256 };
    return { uri, size, kind: 'staged', sha256: result.sha256, staged: result.staged };
  }
}

/** What the stateful detectors among these look at, together ('all': every event). */
export function mainThreadSees(detectors: readonly Detector[]): readonly DetectorInput[] | 'all' {
  const sees = new Set<DetectorInput>();
  for (const d of detectors) {
    if (d.stateless) continue;
    if (!d.sees) return 'all';
    for (const input of d.sees) sees.add(input);
  }
  return [...sees];
}

type Prepared = Extract<WorkerMessage, { type: 'prepared' }>;

/** One worker thread and the answers it owes, by sequence number. */
class PoolWorker {
  private readonly worker: Worker;
  private readonly waiting = new Map<
    number,
    { resolve: (r: Prepared) => void; reject: (e: Error) => void }
  >();
  private closing?: { resolve: (d: DetectorDiagnostics) => void; reject: (e: Error) => void };
  private seq = 0;

  constructor(script: URL, setup: WorkerSetup) {
    this.worker = new Worker(script, {
      workerData: setup,
      resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
    });
    this.worker.on('message', (m: WorkerMessage) => this.receive(m));
    this.worker.on('error', (err) => this.failAll(err));
    this.worker.on('exit', (code) => {
      if (this.waiting.size > 0 || this.closing)
        this.failAll(new Error(`a prepare worker stopped (exit code ${code}) before answering`));
    });
  }

  get busy(): number {
    return this.waiting.size;
  }

  prepare(uri: string, bytes: Uint8Array, reserved: number): Promise<Prepared> {
    const seq = this.seq++;
    // Transfer the buffer when the bytes own all of it; copy a view into a shared (pooled) one.
    const owned = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
    const payload = owned ? bytes : bytes.slice();
    const task: PrepareTask = { type: 'prepare', seq, uri, bytes: payload, reserved };
    return new Promise((resolve, reject) => {
      this.waiting.set(seq, { resolve, reject });
      this.worker.postMessage(task, [payload.buffer as ArrayBuffer]);
    });
  }

  close(): Promise<DetectorDiagnostics> {
    return new Promise((resolve, reject) => {
      this.closing = { resolve, reject };
      this.worker.postMessage({ type: 'close' });
    });
  }

  async terminate(): Promise<void> {
    await this.worker.terminate();
  }

  private receive(m: WorkerMessage): void {
    if (m.type === 'closed') {
      const closing = this.closing;
      this.closing = undefined;
      closing?.resolve(m.diagnostics);
      return;
    }
    const waiter = this.waiting.get(m.seq);
    this.waiting.delete(m.seq);
    if (m.type === 'failed') waiter?.reject(new Error(m.message));
    else waiter?.resolve(m);
  }

  private failAll(err: Error): void {
    for (const w of this.waiting.values()) w.reject(err);
    this.waiting.clear();
    this.closing?.reject(err);
    this.closing = undefined;
  }
}

/**
 * The worker's script. In the compiled build it is `prepare-worker.js` beside the chunk holding
 * this code (dist/ is flat). Running from TypeScript source (tests, a checkout under tsx), the
 * worker module is bundled into one JavaScript file first: a worker would otherwise need tsx's
 * loader, which runs on a thread of its own in every worker and transforms each module again.
 */
async function workerScript(): Promise<{ url: URL; dispose: () => Promise<void> }> {
  if (!import.meta.url.endsWith('.ts'))
    return { url: new URL('./prepare-worker.js', import.meta.url), dispose: async () => {} };
  const module = new URL('./prepare-worker.ts', import.meta.url);
  const { build } = await import('esbuild');
  const dir = await mkdtemp(join(tmpdir(), 'logwarden-worker-'));
  const outfile = join(dir, 'prepare-worker.mjs');
  const dispose = () => rm(dir, { recursive: true, force: true });
  try {
    await build({
      entryPoints: [fileURLToPath(module)],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      logLevel: 'silent',
      // Bundled CommonJS dependencies may call require() for Node's built-ins.
      banner: {
        js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
      },
    });
  } catch (err) {
    await dispose();
    throw err;
  }
  return { url: pathToFileURL(outfile), dispose };
}
