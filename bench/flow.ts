import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DuckDbEventStore } from '../src/adapters/local/duckdb-store.ts';
import { FsObjectSource } from '../src/adapters/local/fs-source.ts';
import { defaultConfig } from '../src/core/config.ts';
import { defaultDetectors } from '../src/core/detect/default-detectors.ts';
import { Engine, runIngest } from '../src/core/pipeline.ts';
import { parseVpcFlow } from '../src/core/sources/vpc-flow.ts';
import { generateFlowDay } from './flow-generator.ts';

/**
 * Flow log throughput: generates a day of default-format flow logs in the S3 delivery layout
 * (288 gzip files), then runs `analyze`'s pipeline over it (read, gunzip, parse, flow detectors,
 * aggregation, DuckDB) and prints records per second and what the store holds.
 * Usage: npm run bench:flow [-- <records per day>]
 */
async function main(): Promise<void> {
  const records = Number(process.argv[2] ?? 1_000_000);
  const work = mkdtempSync(join(tmpdir(), 'logwarden-flow-bench-'));
  try {
    let t = performance.now();
    const day = generateFlowDay({ root: work, records });
    const genMs = performance.now() - t;
    console.log(
      `generated ${day.records.toLocaleString('en-US')} flow records in ${day.files.length} files, ${(day.bytes / 2 ** 20).toFixed(1)} MiB gzip (${(genMs / 1000).toFixed(1)} s)`,
    );

    // Parse only: the reader's own speed.
    t = performance.now();
    let parsed = 0;
    for (const f of day.files)
      parsed += parseVpcFlow(f, gunzipSync(readFileSync(f)).toString('utf8')).records.length;
    const parseS = (performance.now() - t) / 1000;
    console.log(
      `parse only:      ${Math.round(parsed / parseS).toLocaleString('en-US')} records/s (${parseS.toFixed(2)} s)`,
    );

    const config = defaultConfig();
    const store = await DuckDbEventStore.open(join(work, 'bench.duckdb'));
    const engine = new Engine(config, defaultDetectors(config));
    const rssBefore = process.memoryUsage().rss;
    t = performance.now();
    const run = await runIngest(new FsObjectSource(join(work, 'AWSLogs'), 512 * 2 ** 20), engine, {
      store,
      now: Date.now,
    });
    const s = (performance.now() - t) / 1000;
    const [rows] = await store.query('SELECT count(*) AS n, sum(flows) AS flows FROM flow_aggregates');
    const [events] = await store.query('SELECT count(*) AS n FROM events');
    const rss = process.memoryUsage().rss;
    await store.close();
    console.log(
      `full pipeline:   ${Math.round(run.flowRecordsRead / s).toLocaleString('en-US')} records/s (${s.toFixed(2)} s for ${run.flowRecordsRead.toLocaleString('en-US')} records, read + gunzip + parse + detect + aggregate + store)`,
    );
    console.log(
      `stored:          ${Number(rows.n).toLocaleString('en-US')} flow aggregate rows for ${Number(rows.flows).toLocaleString('en-US')} records (${(Number(rows.flows) / Number(rows.n)).toFixed(1)} records per row), ${Number(events.n)} events`,
    );
    console.log(
      `findings:        ${run.findings.length} (${[...new Set(run.findings.map((f) => f.ruleId))].join(', ') || 'none'})`,
    );
    console.log(
      `rss:             ${(rssBefore / 2 ** 20).toFixed(0)} MiB before the run, ${(rss / 2 ** 20).toFixed(0)} MiB after`,
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
