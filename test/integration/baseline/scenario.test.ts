import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DuckDbEventStore } from '../../../src/adapters/local/duckdb-store.ts';
import { OfflineGeoLookup } from '../../../src/adapters/local/geo/offline-geo-lookup.ts';
import { parseConfig } from '../../../src/core/config.ts';
import { BaselineDetector } from '../../../src/core/detect/baseline/baseline-detector.ts';
import { rebuildProfiles } from '../../../src/core/detect/baseline/rebuild-profiles.ts';
import { defaultDetectors } from '../../../src/core/detect/default-detectors.ts';
import { GeoEnricher } from '../../../src/core/enrich/geo-enricher.ts';
import type { Finding } from '../../../src/core/finding.ts';
import { atLeast } from '../../../src/core/finding.ts';
import { Engine, runIngest } from '../../../src/core/pipeline.ts';
import type { GeoLookup } from '../../../src/core/ports.ts';
import {
  ACCOUNT,
  type Caller,
  DAY,
  deliveryFile,
  IP,
  type MemoryFile,
  memorySource,
  record,
  T0,
  UA,
  workdayCalls,
} from '../../helpers/baseline-history.ts';

/*
 * Thirty days of real CloudTrail calls re-stamped for six fixed users, a clean 31st day, then a day
 * on which each baseline detection has something to find. The history and the clean day are
 * ingested by one store instance; the attack day by a new instance on the same DuckDB file, so the
 * detections rest on profiles that survived the restart.
 */
const alice: Caller = { user: 'alice', ip: IP.homeUs, ua: UA.cli, key: 'AKIAALICE00000000001' };
const aliceConsole: Caller = { user: 'alice', ip: IP.homeUs, ua: UA.firefox };
const bob: Caller = { user: 'bob', ip: IP.homeUs2, ua: UA.cli, key: 'AKIABOB0000000000001' };
const carol: Caller = { user: 'carol', ip: IP.homeUs, ua: UA.boto3, key: 'AKIACAROL00000000001' };
const dave: Caller = { user: 'dave', ip: IP.homeUs2, ua: UA.cli, key: 'AKIADAVE000000000001' };
const daveOldKey: Caller = { ...dave, key: 'AKIADAVE000000000002' };
const erin: Caller = { user: 'erin', ip: IP.homeUs, ua: UA.terraform, key: 'AKIAERIN000000000001' };
const frank: Caller = { user: 'frank', ip: IP.homeUs2, ua: UA.cli, key: 'AKIAFRANK00000000001' };

const HOUR = 3_600_000;
const CLEAN_DAY = 30;
const ATTACK_DAY = 31;

function normalDay(day: number) {
  const records = [
    record('ConsoleLogin', aliceConsole, T0 + day * DAY + 9 * HOUR + 2 * 60_000, 0),
    ...workdayCalls(alice, day, 40),
    ...workdayCalls(bob, day, 30),
    ...workdayCalls(carol, day, 38 + (day % 5)),
    ...workdayCalls(dave, day, 30),
    ...workdayCalls(erin, day, 30),
  ];
  if (day === 0) records.push(...workdayCalls(daveOldKey, day, 5), ...workdayCalls(frank, day, 10));
  return deliveryFile(`mem://history/day-${String(day).padStart(2, '0')}.json`, records);
}

function attackDay(): MemoryFile {
  const at = (h: number, m: number) => T0 + ATTACK_DAY * DAY + h * HOUR + m * 60_000;
  const records = [
    // alice: a console sign-in from Romania at 03:07, then a look around from there.
    record('ConsoleLogin', { ...aliceConsole, ip: IP.romania }, at(3, 7), 0),
    record('GetUser', { ...alice, ip: IP.romania }, at(3, 9), 1),
    // bob: Ashburn at 10:00, Sydney at 10:30.
    record('GetUser', bob, at(10, 0), 0),
    record('GetUser', { ...bob, ip: IP.australia }, at(10, 30), 1),
    // carol: twenty times her usual volume.
    ...workdayCalls(carol, ATTACK_DAY, 800),
    // dave: the key last used on day 0.
    record('GetUser', daveOldKey, at(11, 0), 0),
    // erin: boto3 instead of Terraform.
    record('DescribeVpcs', { ...erin, ua: UA.boto3 }, at(10, 15), 0),
    // frank: back after 31 days.
    record('GetUser', frank, at(12, 0), 0),
  ];
  return deliveryFile('mem://attack/day-31.json', records);
}

const config = parseConfig({});
let dir: string;
let dbPath: string;
let geo: GeoLookup;
let historyFindings: Finding[];
let cleanFindings: Finding[];
let attackFindings: Finding[];
let countsAfterHistory: { principals: number; warm: number; warmingUp: number };

async function ingest(files: MemoryFile[]) {
  const store = await DuckDbEventStore.open(dbPath, { timeZone: config.timeZone });
  try {
    const engine = new Engine(config, defaultDetectors(config), { geo });
    const run = await runIngest(memorySource(files), engine, { store, now: () => T0 });
    return { run, counts: await store.profileCounts(config.baseline) };
  } finally {
    await store.close();
  }
}

const baselineOnly = (fs: Finding[]) => fs.filter((f) => f.ruleId.startsWith('baseline.'));
const byRule = (fs: Finding[], rule: string, who: string) =>
  fs.filter((f) => f.ruleId === rule && f.principal?.name === who);

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'logwarden-baseline-'));
  dbPath = join(dir, 'store.duckdb');
  geo = OfflineGeoLookup.fromConfig({});
  const history = [];
  for (let day = 0; day < CLEAN_DAY; day++) history.push(normalDay(day));
  const h = await ingest(history);
  historyFindings = baselineOnly(h.run.findings);
  countsAfterHistory = h.counts;
  cleanFindings = baselineOnly((await ingest([normalDay(CLEAN_DAY)])).run.findings);
  attackFindings = baselineOnly((await ingest([attackDay()])).run.findings);
});

after(() => rmSync(dir, { recursive: true, force: true }));

describe('baseline scenario: 30 days of history, a clean day, an attack day', () => {
  it('counts the principals still warming up', () => {
    // frank was active on one day only; everyone else on 30.
    assert.deepEqual(countsAfterHistory, { principals: 6, warm: 5, warmingUp: 1 });
  });

  it('raises nothing of MEDIUM or higher during a steady history', () => {
    assert.deepEqual(
      historyFindings.filter((f) => atLeast(f.severity, 'MEDIUM')).map((f) => f.explanation),
      [],
    );
  });

  it('raises no baseline finding of MEDIUM or higher on the clean 31st day', () => {
    assert.deepEqual(
      cleanFindings.filter((f) => atLeast(f.severity, 'MEDIUM')).map((f) => f.explanation),
      [],
    );
  });

  it('reports a console sign-in from a new country at 03:00, with where alice always came from', () => {
    const [login] = byRule(attackFindings, 'baseline.console-login-new-network', 'alice');
    assert.ok(login, 'console-login-new-network finding');
    assert.equal(login.severity, 'HIGH');
    assert.deepEqual(login.mitre, [{ tactic: 'TA0001', technique: 'T1078.004' }]);
    assert.match(login.explanation, /US \/ AS16509 on 31 of 31 active days/);
    assert.match(login.explanation, /RO \/ AS9009 \(M247 Europe SRL\), 86\.105\.9\.1/);
    const [hour] = byRule(attackFindings, 'baseline.unusual-hour', 'alice');
    assert.ok(hour, 'unusual-hour finding');
    assert.match(hour.explanation, /no call between 02:00 and 04:59 \(UTC\) on any of its 31 active days/);
    assert.match(hour.explanation, /09:00–16:59/);
    assert.match(hour.explanation, /03:07 UTC/);
  });

  it('reports impossible travel between Ashburn and Sydney', () => {
    const [travel] = byRule(attackFindings, 'baseline.impossible-travel', 'bob');
    assert.ok(travel, 'impossible-travel finding');
    assert.equal(travel.severity, 'HIGH');
    assert.match(travel.explanation, /Ashburn, US \(AS16509, 54\.239\.28\.85\) at 10:00 UTC/);
    assert.match(travel.explanation, /, AU \(AS1221, 139\.130\.4\.5\) at 10:30 UTC/);
    const km = (travel.evidence.baseline as { distanceKm: number }).distanceKm;
    assert.ok(km > 15_000 && km < 16_500, `Ashburn–Sydney is ~15,700 km, got ${km}`);
    assert.match(travel.explanation, /in 30 min/);
    assert.equal(byRule(attackFindings, 'baseline.new-country', 'bob').length, 1);
  });

  it('reports a 20x call-volume spike against the median and MAD of carol’s days', () => {
    const [spike] = byRule(attackFindings, 'baseline.volume-spike', 'carol');
    assert.ok(spike, 'volume-spike finding');
    assert.equal(spike.severity, 'MEDIUM');
    const b = spike.evidence.baseline as { medianDaily: number; threshold: number; daysCompared: number };
    assert.equal(b.medianDaily, 40);
    assert.equal(b.threshold, 400);
    assert.equal(b.daysCompared, 31);
    assert.match(spike.explanation, /carol made 401 calls on 2026-04-02 by 13:00 UTC, 10× its median day/);
    assert.match(spike.explanation, /median was 40 calls \(MAD 1\)/);
    assert.equal(byRule(attackFindings, 'baseline.volume-spike', 'carol').length, 1, 'once a day');
  });

  it('reports a dormant access key used again', () => {
    const [key] = byRule(attackFindings, 'baseline.dormant-access-key', 'dave');
    assert.ok(key, 'dormant-access-key finding');
    assert.equal(key.severity, 'MEDIUM');
    assert.match(
      key.explanation,
      /Access key AKIADAVE000000000002 of dave was last used on 2026-03-02, 30 days before/,
    );
    assert.equal(
      byRule(attackFindings, 'baseline.dormant-principal', 'dave').length,
      0,
      'dave himself was active',
    );
  });

  it('reports a dormant principal even before it is warm', () => {
    const [dormant] = byRule(attackFindings, 'baseline.dormant-principal', 'frank');
    assert.ok(dormant, 'dormant-principal finding');
    assert.match(
      dormant.explanation,
      /frank was last active on 2026-03-02, 30 days before.*active on 1 day since 2026-03-02/,
    );
  });

  it('reports a new user-agent family with the families erin used', () => {
    const [ua] = byRule(attackFindings, 'baseline.new-user-agent-family', 'erin');
    assert.ok(ua, 'new-user-agent-family finding');
    assert.equal(ua.severity, 'LOW');
    assert.match(
      ua.explanation,
      /erin called with terraform \(31 of 31 active days\); this call \(ec2:DescribeVpcs\) came from boto3/,
    );
  });

  it('gives every finding an id, an event, a principal and an ATT&CK mapping', () => {
    for (const f of [...attackFindings, ...cleanFindings]) {
      assert.equal(f.eventIds.length, 1);
      assert.ok(f.principal?.arn?.startsWith(`arn:aws:iam::${ACCOUNT}:user/`));
      assert.ok(
        f.mitre.length > 0 && f.mitre.every((m) => /^TA\d{4}$/.test(m.tactic) && /^T\d{4}/.test(m.technique)),
      );
    }
  });
});

describe('baseline persistence', () => {
  it('keeps profiles across store instances and changes nothing when the same files are read again', async () => {
    const snapshot = async () => {
      const store = await DuckDbEventStore.open(dbPath);
      try {
        return {
          profiles: await store.query(
            'SELECT key, body::VARCHAR AS body FROM principal_profiles ORDER BY key',
          ),
          findings: await store.query('SELECT count(*)::INTEGER AS n FROM findings'),
          events: await store.query('SELECT count(*)::INTEGER AS n FROM events'),
        };
      } finally {
        await store.close();
      }
    };
    const before = await snapshot();
    assert.equal(before.profiles.length, 6);
    const alice = JSON.parse(String(before.profiles.find((p) => String(p.key).endsWith('user/alice'))?.body));
    assert.equal(alice.activeDays, 32);
    assert.equal(alice.events, 31 * 41 + 2);
    const rerun = await ingest([normalDay(5), normalDay(CLEAN_DAY), attackDay()]);
    assert.equal(rerun.run.alreadyIngested, 3);
    assert.equal(rerun.run.eventsStored, 0);
    assert.deepEqual(await snapshot(), before);
  });

  it('rebuilds from stored history the same profiles analyze learned file by file', async () => {
    const store = await DuckDbEventStore.open(dbPath);
    try {
      const strip = (rows: Record<string, unknown>[]) =>
        rows.map((r) => {
          const p = JSON.parse(String(r.body));
          // Which findings fired is not learned from history: only analyze records it.
          delete p.reported;
          delete p.threshold;
          return p;
        });
      const learned = strip(
        await store.query('SELECT body::VARCHAR AS body FROM principal_profiles ORDER BY key'),
      );
      await store.resetProfiles();
      const status = await rebuildProfiles(
        store.storedEvents(500),
        new BaselineDetector(config.baseline, config.timeZone),
        new GeoEnricher(geo),
        store,
      );
      assert.equal(status.principals, 6);
      const [{ n }] = await store.query('SELECT count(*)::INTEGER AS n FROM events');
      assert.equal(status.events, n);
      const rebuilt = strip(
        await store.query('SELECT body::VARCHAR AS body FROM principal_profiles ORDER BY key'),
      );
      assert.deepEqual(rebuilt, learned);
    } finally {
      await store.close();
    }
  });
});
