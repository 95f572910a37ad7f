import { AccountClient } from '@aws-sdk/client-account';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { CloudTrailLookup, type LookupPage } from '../../adapters/aws/cloudtrail-lookup.ts';
import { enabledRegions } from '../../adapters/aws/enabled-regions.ts';
import { decodeLogBytes } from '../../adapters/decode.ts';
import { DuckDbEventStore } from '../../adapters/local/duckdb-store.ts';
import { loadSigmaRules } from '../../adapters/local/sigma-loader.ts';
import { type CollectCheckpoint, checkpointKey, planCollect } from '../../core/collect/collect-plan.ts';
import { defaultDetectors } from '../../core/detect/default-detectors.ts';
import { LogwardenError } from '../../core/errors.ts';
import { InThreadPreparer } from '../../core/file-preparer.ts';
import { atLeast, parseSeverity, type Severity } from '../../core/finding.ts';
import { Engine, type RunResult, runIngest } from '../../core/pipeline.ts';
import type { SourceObject } from '../../core/ports.ts';
import { countFindingsByTactic } from '../../core/report/summary.ts';
import { loadConfig } from '../config-file.ts';
import { EXIT } from '../exit-codes.ts';
import { geoLookupFor } from '../geo.ts';
import { readAsTally, renderReadAs } from '../read-as.ts';
import { analyzeJson, renderTerminalSummary } from '../render-summary.ts';
import { parseTime } from '../time.ts';
import type { CollectOptions } from './collect.ts';

/** Runs `logwarden collect`; returns the exit code (errors a user can fix are LogwardenErrors). */
export async function collect(options: CollectOptions): Promise<number> {
  const commitEvery = Number(options.commitEvery);
  if (!Number.isInteger(commitEvery) || commitEvery < 1)
    throw new LogwardenError(
      'usage',
      `--commit-every "${options.commitEvery}" must be a whole number of pages, 1 or more`,
    );
  const now = Date.now();
  const requested = {
    start: timeOption('--since', options.since, now),
    end: options.until ? timeOption('--until', options.until, now) : now,
  };
  if (requested.start >= requested.end)
    throw new LogwardenError(
      'usage',
      `--since (${iso(requested.start)}) must be before --until (${iso(requested.end)})`,
    );
  const config = loadConfig(options.config);
  const failOn: Severity | undefined = options.failOn ? parseSeverity(options.failOn) : config.failOn;
  const clientConfig = {
    ...(options.profile && { profile: options.profile }),
    ...(options.endpointUrl && { endpoint: options.endpointUrl }),
    maxAttempts: 8,
  };
  const regions = options.regions
    ? options.regions
        .split(',')
        .map((r) => r.trim())
        .filter(Boolean)
    : await awsCall('listing the enabled regions (account:ListRegions; or name them with --regions)', () =>
        enabledRegions(new AccountClient({ ...clientConfig, region: 'us-east-1' })),
      );
  const sigma = loadSigmaRules(config.sigma);
  const store = await DuckDbEventStore.open(options.db, { timeZone: config.timeZone });
  const run = emptyRun();
  const readAs = readAsTally();
  try {
    const engine = new Engine(config, defaultDetectors(config, sigma.rules), { geo: geoLookupFor(config) });
    const maxBytes = config.maxFileMiB * 2 ** 20;
    const ingest = async (pages: SourceObject[]) => {
      const r = await runIngest(
        { list: () => iterate(pages) },
        engine,
        { store, now: Date.now, keepFindings: false, onFile: (_uri, p) => readAs.add(p.format, p.events) },
        new InThreadPreparer((sha256) => store.isIngested(sha256), { referenceTime: now }),
      );
      addRun(run, r);
    };
    for (const region of regions) {
      const lookup = new CloudTrailLookup(new CloudTrailClient({ ...clientConfig, region }));
      const plan = planCollect(requested, await store.loadState(checkpointKey(region)));
      await collectRegion(region, lookup, plan, {
        commitEvery,
        maxBytes,
        verbose: options.verbose,
        save: (cp) => store.saveState(checkpointKey(region), cp),
        ingest,
      });
    }
    const summary = await store.summarize({
      fileIds: run.fileIds,
      top: 10,
      highRiskThreshold: config.highRiskThreshold,
    });
    const findings = await store.findings({
      fileIds: run.fileIds,
      limit: options.format === 'json' ? 1000 : 5000,
    });
    summary.findingsByTactic ??= countFindingsByTactic(findings);
    const input = `Event history (${regions.join(', ')}) ${iso(requested.start)} → ${iso(requested.end)}`;
    if (options.format === 'json') {
      process.stdout.write(
        `${JSON.stringify({ ...analyzeJson(input, run, summary, findings), regions, readAs: readAs.entries() }, null, 2)}\n`,
      );
    } else {
      process.stdout.write(
        renderTerminalSummary(input, run, summary, findings, {
          timeZone: config.timeZone,
          readAs: renderReadAs(readAs.entries()),
        }),
      );
    }
    if (run.inputErrors.length > 0) return EXIT.inputErrors;
    const severities = Object.entries(summary.findingsBySeverity) as [Severity, number][];
    if (failOn && severities.some(([s, n]) => n > 0 && atLeast(s, failOn))) return EXIT.findings;
    return EXIT.ok;
  } finally {
    await store.close();
  }
}

interface RegionPorts {
  commitEvery: number;
  maxBytes: number;
  verbose?: boolean;
  save(checkpoint: CollectCheckpoint): Promise<void>;
  ingest(pages: SourceObject[]): Promise<void>;
}

/**
 * One region's tasks, page by page. Pages are stored `commitEvery` at a time and the checkpoint
 * (the token of the next page) is saved only after they are: an interruption loses at most the
 * pages not yet stored, and the next run fetches exactly those again. A failed call stores what
 * was fetched, saves the checkpoint and stops the run with a message that says what to do.
 */
async function collectRegion(
  region: string,
  lookup: CloudTrailLookup,
  plan: CollectCheckpoint,
  ports: RegionPorts,
): Promise<void> {
  const tasks = [...plan.tasks];
  let pending: SourceObject[] = [];
  const commit = async () => {
    // LookupEvents pages come newest first: a batch is stored oldest page first.
    if (pending.length) await ports.ingest([...pending].reverse());
    pending = [];
    await ports.save({ range: plan.range, tasks });
  };
  let pageNo = 0;
  while (tasks.length) {
    const task = tasks[0];
    const failure = await awsCall(`LookupEvents in ${region}`, async () => {
      for await (const page of lookup.pages(task.start, task.end, task.nextToken)) {
        pageNo++;
        pending.push(await pageObject(region, task, pageNo, page, ports.maxBytes));
        if (ports.verbose) process.stderr.write(`${region}: page ${pageNo}, ${page.events} events\n`);
        task.nextToken = page.nextToken;
        if (!page.nextToken) tasks.shift();
        if (pending.length >= ports.commitEvery) await commit();
      }
      return undefined;
    }).catch((err: unknown) => err);
    if (failure) {
      await commit();
      throw failure;
    }
  }
  await commit();
}

async function pageObject(
  region: string,
  task: { start: number; end: number },
  n: number,
  page: LookupPage,
  maxBytes: number,
): Promise<SourceObject> {
  const bytes = new TextEncoder().encode(page.text);
  const decoded = decodeLogBytes(bytes, maxBytes);
  return {
    uri: `lookup-events://${region}/${iso(task.start)}..${iso(task.end)}/page-${n}`,
    size: bytes.length,
    readBytes: async () => bytes,
    read: () => decoded,
  };
}

/** Runs an AWS call; what the user can fix (credentials, permissions, endpoint) becomes a clear error. */
async function awsCall<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    const e = err as Error & { $metadata?: unknown };
    if (e instanceof LogwardenError) throw e;
    const name = e?.name ?? 'Error';
    const hint =
      name === 'ExpiredTokenException' || name === 'ExpiredToken'
        ? 'the AWS credentials have expired: refresh them (aws sso login, or new session keys) and run the same command again; collection resumes where it stopped'
        : name === 'AccessDeniedException' || name === 'UnauthorizedOperation'
          ? 'permission denied: the identity needs cloudtrail:LookupEvents (and account:ListRegions unless --regions is given)'
          : name === 'CredentialsProviderError'
            ? 'no AWS credentials found: set AWS_PROFILE or pass --profile, or configure the standard credential chain'
            : 'run the same command again to resume where it stopped';
    throw new LogwardenError(
      'dependency',
      `${what} failed (${name}: ${e?.message ?? String(err)}); ${hint}`,
      {
        cause: err,
      },
    );
  }
}

/** ISO-8601 date-times only: `2023-07-10`, `2023-07-10T12:00:00Z`, `…T12:00:00.5+02:00`. */
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2}))?$/;

/** `--since`/`--until`: a duration ago (24h, 7d) or a strict ISO-8601 time (`2023-02-30` is refused). */
function timeOption(flag: string, value: string, now: number): number {
  const m = ISO.exec(value);
  if (!/^\d+[mhdw]$/.test(value)) {
    const valid =
      m &&
      Number(m[2]) >= 1 &&
      Number(m[2]) <= 12 &&
      Number(m[3]) >= 1 &&
      Number(m[3]) <= new Date(Date.UTC(Number(m[1]), Number(m[2]), 0)).getUTCDate() &&
      Number(m[4] ?? 0) <= 23 &&
      Number(m[5] ?? 0) <= 59 &&
      Number(m[6] ?? 0) <= 59;
    if (!valid)
      throw new LogwardenError(
        'usage',
        `${flag} "${value}" is not a time: use ISO-8601 (2024-05-01T00:00:00Z) or a duration such as 24h or 7d`,
      );
  }
  try {
    return parseTime(value, now);
  } catch (err) {
    throw new LogwardenError('usage', `${flag} ${(err as Error).message}`);
  }
}

async function* iterate<T>(items: T[]): AsyncIterable<T> {
  for (const item of items) yield item;
}

const iso = (t: number) => new Date(t).toISOString().replace('.000Z', 'Z');

function emptyRun(): RunResult {
  return {
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
}

function addRun(total: RunResult, r: RunResult): void {
  total.files += r.files;
  total.alreadyIngested += r.alreadyIngested;
  for (const [k, v] of Object.entries(r.skipped)) total.skipped[k] = (total.skipped[k] ?? 0) + v;
  total.eventsRead += r.eventsRead;
  total.flowRecordsRead += r.flowRecordsRead;
  total.eventsStored += r.eventsStored;
  total.findingsStored += r.findingsStored;
  for (const id of r.fileIds) total.fileIds.push(id);
  for (const e of r.inputErrors) total.inputErrors.push(e);
  total.bytes += r.bytes;
}
