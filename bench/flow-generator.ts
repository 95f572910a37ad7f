import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** What a generated day of flow logs looks like. */
export interface FlowDayOptions {
  /** Directory the `AWSLogs/<account>/vpcflowlogs/…` tree is written under. */
  root: string;
  /** Flow records in the day (spread evenly over 288 five-minute files). */
  records: number;
  /** UTC day, e.g. 2024-03-05. */
  day?: string;
  account?: string;
  /** Internal hosts (10.0.x.y). */
  hosts?: number;
  /** External peers. */
  peers?: number;
  seed?: number;
}

export const FLOW_HEADER =
  'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status';

/** A small deterministic PRNG (mulberry32), so every run generates the same day. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SERVICE_PORTS = [443, 443, 443, 80, 22, 5432, 6379, 53, 123];

/**
 * Writes a day of default-format VPC flow logs in the S3 delivery layout (gzip, header line):
 * inbound web traffic from many peers and its replies, east-west service traffic, egress to a
 * fixed set of destinations, internet background probes that are rejected, and NODATA records.
 * Returns the files written and the number of records.
 */
export function generateFlowDay(o: FlowDayOptions): { files: string[]; records: number; bytes: number } {
  const day = o.day ?? '2024-03-05';
  const account = o.account ?? '123456789012';
  const hosts = o.hosts ?? 200;
  const peers = o.peers ?? 5000;
  const rand = rng(o.seed ?? 7);
  const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)];
  const int = (n: number) => Math.floor(rand() * n);
  const host = (i: number) => `10.0.${Math.floor(i / 250)}.${(i % 250) + 1}`;
  const peer = (i: number) => `${34 + (i % 60)}.${(i * 7) % 250}.${(i * 13) % 250}.${(i % 240) + 1}`;
  const egressTargets = Array.from({ length: 300 }, (_, i) => peer(100_000 + i));
  const start = Date.parse(`${day}T00:00:00Z`) / 1000;
  const [y, m, d] = day.split('-');
  const dir = join(o.root, 'AWSLogs', account, 'vpcflowlogs', 'us-east-1', y, m, d);
  mkdirSync(dir, { recursive: true });
  const perFile = Math.ceil(o.records / 288);
  const files: string[] = [];
  let written = 0;
  let bytes = 0;
  for (let f = 0; f < 288 && written < o.records; f++) {
    const t0 = start + f * 300;
    const lines: string[] = [FLOW_HEADER];
    const n = Math.min(perFile, o.records - written);
    // A conversation lasts a few one-minute aggregation intervals; each interval yields a record per
    // direction, and east-west traffic is logged on both interfaces, as real flow logs are.
    let made = 0;
    while (made < n) {
      const t = t0 + int(240);
      const eni = `eni-${(int(hosts) + 0x10000).toString(16).padStart(17, '0')}`;
      const kind = rand();
      const h = int(hosts);
      // Clients are heavy-tailed (a few return often, most once) and sticky to one host.
      const clientIndex = Math.floor(peers * rand() ** 3);
      let src: string;
      let dst: string;
      const sport = 32768 + int(28000);
      let dport: number;
      let action = 'ACCEPT';
      let proto = 6;
      let copies = 1;
      if (kind < 0.6) {
        src = peer(clientIndex);
        dst = host(clientIndex % hosts);
        dport = rand() < 0.9 ? 443 : 80;
      } else if (kind < 0.85) {
        src = host(h);
        dst = host(int(10));
        dport = SERVICE_PORTS[(h + int(2)) % SERVICE_PORTS.length];
        if (dport === 53 || dport === 123) proto = 17;
        copies = 2;
      } else if (kind < 0.95) {
        src = host(h);
        dst = egressTargets[(h * 7 + int(5)) % egressTargets.length];
        dport = 443;
      } else if (kind < 0.995) {
        // Background probes: random sources hitting admin ports, one record each.
        src = peer(int(peers * 4));
        dst = host(int(hosts));
        dport = pick([22, 23, 3389, 445, 1433, 8080, 8443, 5900]);
        action = 'REJECT';
      } else {
        lines.push(`2 ${account} ${eni} - - - - - - - ${t} ${t + 60} - NODATA`);
        made++;
        continue;
      }
      const intervals = action === 'REJECT' ? 1 : 1 + int(4);
      for (let j = 0; j < intervals && made < n; j++) {
        const at = t + j * 60;
        const packets = 1 + int(action === 'REJECT' ? 2 : 200);
        const size = packets * (40 + int(1400));
        for (let c = 0; c < copies; c++) {
          lines.push(
            `2 ${account} ${eni} ${src} ${dst} ${sport} ${dport} ${proto} ${packets} ${size} ${at} ${at + 59} ${action} OK`,
          );
          made++;
          if (action === 'ACCEPT') {
            lines.push(
              `2 ${account} ${eni} ${dst} ${src} ${dport} ${sport} ${proto} ${packets} ${size * 4} ${at} ${at + 59} ${action} OK`,
            );
            made++;
          }
        }
      }
    }
    written += made;
    const stamp = `${y}${m}${d}T${String(Math.floor(f / 12)).padStart(2, '0')}${String((f % 12) * 5).padStart(2, '0')}Z`;
    const path = join(
      dir,
      `${account}_vpcflowlogs_us-east-1_fl-0123456789abcdef0_${stamp}_${f.toString(16).padStart(8, '0')}.log.gz`,
    );
    const data = gzipSync(`${lines.join('\n')}\n`);
    writeFileSync(path, data);
    bytes += data.length;
    files.push(path);
  }
  return { files, records: written, bytes };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [root = 'flow-day', records = '1000000'] = process.argv.slice(2);
  const r = generateFlowDay({ root, records: Number(records) });
  console.log(
    `wrote ${r.records.toLocaleString('en-US')} flow records in ${r.files.length} files (${(r.bytes / 2 ** 20).toFixed(1)} MiB gzip) under ${root}`,
  );
}
