// The benchmark's yardstick, run as its own process: DuckDB counting the CloudTrail records of every
// .json.gz file under a directory (read_json, unnest(Records)) — a bare count, no processing.
// Prints {"events": N, "seconds": S} (S: the query alone; the caller also times the process).
//
//   node bench/duckdb-count.mjs DIR
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node bench/duckdb-count.mjs DIR');
  process.exit(2);
}
const started = performance.now();
const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
const glob = join(dir, '**', '*.json.gz').replaceAll("'", "''");
const reader = await connection.runAndReadAll(
  `SELECT count(*) AS events FROM (SELECT unnest(Records) FROM read_json('${glob}', columns = {Records: 'JSON[]'}, format = 'auto', maximum_object_size = 536870912))`,
);
const events = Number(reader.getRowObjects()[0].events);
connection.closeSync();
console.log(JSON.stringify({ events, seconds: (performance.now() - started) / 1000 }));
