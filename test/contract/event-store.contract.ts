/**
 * The EventStore port's contract, run against every store (DuckDB locally, DynamoDB in AWS).
 * Figures are checked against a reference computed here, directly from the engine's output for the
 * same files, so two stores that pass agree with each other. The input is mixed: the CloudTrail
 * examples, then flow logs, application logs and CloudWatch Logs payloads, so the per-source
 * sections (flow traffic figures included) are compared too.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { FsObjectSource } from '../../src/adapters/local/fs-source.ts';
import { defaultConfig } from '../../src/core/config.ts';
import { defaultDetectors } from '../../src/core/detect/default-detectors.ts';
import type { AnomalyFlag, ProcessedEvent } from '../../src/core/event.ts';
import { type Finding, SEVERITIES, severityRank } from '../../src/core/finding.ts';
import { Engine, type RunResult, runIngest } from '../../src/core/pipeline.ts';
import type { EventStore, FindingQuery, NotificationLedger, ObjectSource } from '../../src/core/ports.ts';
import type { SourceSummary } from '../../src/core/report/source-summary.ts';
import {
  emptySeverityCounts,
  type Summary,
  summarizeAnomalies,
  topN,
} from '../../src/core/report/summary.ts';
import { aggregateFlows, type FlowAggregate } from '../../src/core/sources/flow-aggregate.ts';
import { parseLogFile } from '../../src/core/sources/parse.ts';

export const EXAMPLES = fileURLToPath(new URL('../../examples/cloudtrail', import.meta.url));
/** Files of the other source types, ingested after the examples (all on 2024-03-05 around 12:00 UTC, but auth.log: no year, so 2023). */
const MIXED = ['vpc-flow', 'app-logs', 'cloudwatch-logs'].map((dir) =>
  fileURLToPath(new URL(`../fixtures/${dir}`, import.meta.url)),
);
const EXAMPLE_FILES = 55;
const MAX_BYTES = 64 * 2 ** 20;
const INGESTED_AT = Date.parse('2024-01-01T00:00:00Z');

/** Opens a new, empty store; the suite closes it. */
export type StoreFactory = () => Promise<EventStore>;

interface Reference {
  files: { id: string; events: ProcessedEvent[]; flows: FlowAggregate[] }[];
  findings: { finding: Finding; fileId: string }[];
}

/** The examples, then every file of the other source types' fixture directories. */
function mixedSource(): ObjectSource {
  const sources = [EXAMPLES, ...MIXED].map((dir) => new FsObjectSource(dir, MAX_BYTES));
  return {
    async *list() {
      for (const s of sources) yield* s.list();
    },
  };
}

/** The engine's output for the input files, file by file, as `runIngest` produces it. */
async function reference(): Promise<Reference> {
  const config = defaultConfig();
  const engine = new Engine(config, defaultDetectors(config));
  const files: Reference['files'] = [];
  const findings: Reference['findings'] = [];
  const seen = new Set<string>();
  for await (const object of mixedSource().list()) {
    const { text, sha256 } = await object.read();
    const parsed = parseLogFile(object.uri, text, {
      flowFormat: config.flowLogs.format,
      referenceTime: INGESTED_AT,
    });
    const out = engine.process(parsed.events, parsed.flows);
    files.push({
      id: sha256,
      events: out.events.map((e) => ({ ...e, anomalyFlags: [...e.anomalyFlags] })),
      flows: aggregateFlows(parsed.flows ?? []),
    });
    for (const f of out.findings) {
      if (seen.has(f.id)) continue;
      seen.add(f.id);
      findings.push({ finding: f, fileId: sha256 });
    }
  }
  return { files, findings };
}

function ranked(counts: Map<string, number>, top: number) {
  const cut = [...counts]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, top);
  return topN(cut, top);
}

function bump(map: Map<string, number>, key: string, by = 1): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

/** Count descending, then name in code-point order (the order of the per-source top lists). */
function byCount(counts: Map<string, number>, top: number) {
  return [...counts]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, top)
    .map(([name, count]) => ({ name, count }));
}

const PROTOCOL_NAMES: Record<number, string> = { 6: 'tcp', 17: 'udp' };

/** The per-source sections, computed naively from the events and flow aggregates in scope. */
function expectedSources(events: ProcessedEvent[], flows: FlowAggregate[], top: number): SourceSummary[] {
  const sections: SourceSummary[] = [];
  for (const source of new Set(events.map((e) => e.source))) {
    const mine = events.filter((e) => e.source === source);
    const services = new Map<string, number>();
    const errors = new Map<string, number>();
    for (const e of mine) {
      bump(services, e.service);
      if (e.errorCode !== undefined) bump(errors, e.errorCode);
    }
    sections.push({
      source,
      records: mine.length,
      errors: mine.filter((e) => e.errorCode !== undefined).length,
      first: Math.min(...mine.map((e) => e.time)),
      last: Math.max(...mine.map((e) => e.time)),
      topServices: byCount(services, top),
      topErrors: byCount(errors, top),
    });
  }
  if (flows.length > 0) {
    const sum = (list: FlowAggregate[], value: (a: FlowAggregate) => number) =>
      list.reduce((n, a) => n + value(a), 0);
    const withAction = (action: string) =>
      sum(
        flows.filter((a) => a.action === action),
        (a) => a.flows,
      );
    const talkers = new Map<string, number>();
    const rejected = new Map<string, number>();
    const ports = new Map<string, { port: number; protocol: number; count: number }>();
    for (const a of flows) {
      if (a.srcaddr !== '') bump(talkers, `${a.srcaddr} → ${a.dstaddr}`, a.bytes);
      if (a.action === 'REJECT') bump(rejected, a.srcaddr, a.flows);
      if (a.srcaddr !== '' && a.port > 0) {
        const key = `${a.port}/${a.protocol}`;
        const p = ports.get(key) ?? { port: a.port, protocol: a.protocol, count: 0 };
        p.count += a.flows;
        ports.set(key, p);
      }
    }
    sections.push({
      source: 'vpc-flow',
      records: sum(flows, (a) => a.flows),
      errors: 0,
      first: Math.min(...flows.map((a) => a.firstSeen)),
      last: Math.max(...flows.map((a) => a.lastSeen)),
      topServices: [],
      topErrors: [],
      flow: {
        accepted: withAction('ACCEPT'),
        rejected: withAction('REJECT'),
        noData: withAction('NODATA'),
        skipData: withAction('SKIPDATA'),
        bytes: sum(flows, (a) => a.bytes),
        packets: sum(flows, (a) => a.packets),
        storedRows: flows.length,
        topTalkers: byCount(talkers, top),
        topRejectedSources: byCount(rejected, top),
        topPorts: [...ports.values()]
          .sort((a, b) => b.count - a.count || a.port - b.port || a.protocol - b.protocol)
          .slice(0, top)
          .map((p) => ({ name: `${p.port}/${PROTOCOL_NAMES[p.protocol] ?? p.protocol}`, count: p.count })),
      },
    });
  }
  return sections.sort((a, b) => b.records - a.records || (a.source < b.source ? -1 : 1));
}

/** The summary, computed naively from the events and findings in scope. */
function expectedSummary(
  ref: Reference,
  scope: { fileIds?: string[]; since?: number; until?: number; top?: number; highRiskThreshold?: number },
): Summary {
  const top = scope.top ?? 10;
  const threshold = scope.highRiskThreshold ?? 7;
  const inFile = (id: string) => !scope.fileIds || scope.fileIds.includes(id);
  const inTime = (t: number) =>
    (scope.since === undefined || t >= scope.since) && (scope.until === undefined || t < scope.until);
  const events = ref.files.filter((f) => inFile(f.id)).flatMap((f) => f.events.filter((e) => inTime(e.time)));
  const flows = ref.files.filter((f) => inFile(f.id)).flatMap((f) => f.flows.filter((a) => inTime(a.time)));
  const users = new Map<string, number>();
  const services = new Map<string, number>();
  const actions = new Map<string, number>();
  const errors = new Map<string, number>();
  const sources = new Map<string, number>();
  const flags = new Map<string, number>();
  const principals = new Set<string>();
  const hourly = new Array<number>(24).fill(0);
  const risky = new Map<string, { events: number; flagged: number; high: number; max: number }>();
  for (const e of events) {
    bump(users, e.principal.name);
    bump(services, e.service);
    bump(actions, e.action);
    bump(sources, e.source);
    if (e.errorCode !== undefined) bump(errors, e.errorCode);
    for (const f of e.anomalyFlags) bump(flags, f);
    principals.add(e.principal.id);
    hourly[new Date(e.time).getUTCHours()]++;
    const r = risky.get(e.principal.name) ?? { events: 0, flagged: 0, high: 0, max: 0 };
    r.events++;
    if (e.anomalyFlags.length) r.flagged++;
    if (e.riskScore >= threshold) r.high++;
    r.max = Math.max(r.max, e.riskScore);
    risky.set(e.principal.name, r);
  }
  const findingsBySeverity = emptySeverityCounts();
  for (const { finding, fileId } of ref.findings)
    if (inFile(fileId) && inTime(finding.time)) findingsBySeverity[finding.severity]++;
  const times = events.map((e) => e.time);
  return {
    totalEvents: events.length,
    highRiskEvents: events.filter((e) => e.riskScore >= threshold).length,
    errorEvents: events.filter((e) => e.errorCode !== undefined).length,
    principals: principals.size,
    firstEvent: times.length ? Math.min(...times) : undefined,
    lastEvent: times.length ? Math.max(...times) : undefined,
    anomalies: summarizeAnomalies(Object.fromEntries(flags) as Partial<Record<AnomalyFlag, number>>),
    topUsers: ranked(users, top),
    topServices: ranked(services, top),
    topActions: ranked(actions, top),
    topErrors: ranked(errors, top),
    hourly,
    findingsBySeverity,
    riskyPrincipals: [...risky]
      .filter(([, r]) => r.max > 0)
      .map(([name, r]) => ({
        name,
        events: r.events,
        flaggedEvents: r.flagged,
        highRiskEvents: r.high,
        maxRisk: r.max,
      }))
      .sort(
        (a, b) =>
          b.highRiskEvents - a.highRiskEvents ||
          b.maxRisk - a.maxRisk ||
          b.flaggedEvents - a.flaggedEvents ||
          b.events - a.events ||
          (a.name < b.name ? -1 : 1),
      )
      .slice(0, top),
    topSources: ranked(sources, top),
    sources: expectedSources(events, flows, top),
  };
}

/**
 * Optional summary fields are compared only when the store provides them; the per-source sections
 * (flow figures included) are required: every store reports them.
 */
function assertSummary(actual: Summary, expected: Summary): void {
  const wanted: Summary = { ...expected };
  if (actual.riskyPrincipals === undefined) delete wanted.riskyPrincipals;
  if (actual.topSources === undefined) delete wanted.topSources;
  // Findings per tactic are not part of this reference (yet): compared only when it has them.
  const got: Summary = { ...actual };
  if (wanted.findingsByTactic === undefined) delete got.findingsByTactic;
  assert.deepEqual(got, wanted);
}

function expectedFindings(ref: Reference, q: FindingQuery): string[] {
  const allowed = q.minSeverity ? SEVERITIES.slice(SEVERITIES.indexOf(q.minSeverity)) : SEVERITIES;
  const out = ref.findings
    .filter(
      ({ finding: f, fileId }) =>
        allowed.includes(f.severity) &&
        (!q.fileIds || q.fileIds.includes(fileId)) &&
        (q.since === undefined || f.time >= q.since) &&
        (q.until === undefined || f.time < q.until) &&
        (!q.ruleId || f.ruleId === q.ruleId) &&
        (!q.principal || [f.principal?.name, f.principal?.id, f.principal?.arn].includes(q.principal)),
    )
    .map(({ finding }) => finding)
    .sort(
      (a, b) =>
        severityRank(b.severity) - severityRank(a.severity) ||
        b.riskScore - a.riskScore ||
        b.time - a.time ||
        (a.id < b.id ? -1 : 1),
    );
  return (q.limit ? out.slice(0, q.limit) : out).map((f) => f.id);
}

function isLedger(store: EventStore): store is EventStore & NotificationLedger {
  return typeof (store as Partial<NotificationLedger>).notified === 'function';
}

/** Registers the contract tests for one store implementation. */
export function eventStoreContract(name: string, open: StoreFactory): void {
  describe(`EventStore contract: ${name}`, () => {
    let ref: Reference;
    let store: EventStore;
    let run: RunResult;
    const config = defaultConfig();

    before(async () => {
      ref = await reference();
      store = await open();
      run = await runIngest(mixedSource(), new Engine(config, defaultDetectors(config)), {
        store,
        now: () => INGESTED_AT,
      });
    });
    after(async () => {
      await store?.close();
    });

    test('ingesting the mixed files stores every event once and every new finding', () => {
      const events = ref.files.reduce((n, f) => n + f.events.length, 0);
      assert.equal(run.files, ref.files.length);
      assert.ok(run.files > EXAMPLE_FILES && run.flowRecordsRead > 0, 'the mixed files were read');
      assert.equal(run.eventsRead, events);
      assert.equal(run.eventsStored, events);
      assert.equal(run.findingsStored, ref.findings.length);
      assert.deepEqual(
        run.fileIds,
        ref.files.map((f) => f.id),
      );
    });

    test("summarize over the run's files equals the reference", async () => {
      const summary = await store.summarize({ fileIds: run.fileIds, top: 10, highRiskThreshold: 7 });
      assert.ok(summary.totalEvents > 2000);
      assertSummary(summary, expectedSummary(ref, { fileIds: run.fileIds }));
    });

    test('summarize without filters, and over a 15-minute-aligned window, equals the reference', async () => {
      assertSummary(await store.summarize({}), expectedSummary(ref, {}));
      const since = Date.parse('2023-07-10T12:00:00Z');
      const until = Date.parse('2023-07-10T12:30:00Z');
      const windowed = await store.summarize({ since, until });
      const expected = expectedSummary(ref, { since, until });
      assert.ok(expected.totalEvents > 0 && expected.totalEvents < run.eventsRead);
      assertSummary(windowed, expected);
    });

    test('summarize over some files with other top/threshold settings equals the reference', async () => {
      const some = run.fileIds.slice(3, 20);
      const summary = await store.summarize({ fileIds: some, top: 3, highRiskThreshold: 4 });
      assertSummary(summary, expectedSummary(ref, { fileIds: some, top: 3, highRiskThreshold: 4 }));
      const since = Date.parse('2023-07-10T11:45:00Z');
      assertSummary(
        await store.summarize({ fileIds: some, since }),
        expectedSummary(ref, { fileIds: some, since }),
      );
      const empty = await store.summarize({ fileIds: [] });
      assert.equal(empty.totalEvents, 0);
      assert.equal(empty.firstEvent, undefined);
      assert.deepEqual(empty.hourly, new Array(24).fill(0));
    });

    test('per-source sections, flow traffic figures included, equal the reference over files, windows and top', async () => {
      const all = await store.summarize({});
      const bySource = new Map((all.sources ?? []).map((s) => [s.source, s]));
      assert.deepEqual([...bySource.keys()].sort(), ['app-log', 'cloudtrail', 'cloudwatch-logs', 'vpc-flow']);
      const flow = bySource.get('vpc-flow');
      assert.equal(flow?.records, run.flowRecordsRead, 'every flow record read is counted');
      assert.ok(
        flow?.flow && flow.flow.rejected > 0 && flow.flow.noData > 0 && flow.flow.topPorts.length > 0,
      );
      // The flow files overlap in time, so their figures merge across files; top 2 cuts ties.
      const mixed = ref.files.slice(EXAMPLE_FILES).map((f) => f.id);
      assertSummary(
        await store.summarize({ fileIds: mixed, top: 2 }),
        expectedSummary(ref, { fileIds: mixed, top: 2 }),
      );
      const flowFiles = ref.files.filter((f) => f.flows.length > 0).map((f) => f.id);
      assertSummary(
        await store.summarize({ fileIds: flowFiles }),
        expectedSummary(ref, { fileIds: flowFiles }),
      );
      for (const [since, until] of [
        ['2024-03-05T12:00:00Z', '2024-03-05T12:15:00Z'],
        ['2024-03-05T12:15:00Z', '2024-03-06T00:00:00Z'],
      ]) {
        const scope = { since: Date.parse(since), until: Date.parse(until), top: 3 };
        assertSummary(await store.summarize(scope), expectedSummary(ref, scope));
      }
    });

    test('findings honour every filter, sorted by severity, risk, then newest, then id', async () => {
      assert.ok(ref.findings.length > 0, 'the examples produce findings');
      const first = ref.findings[0].finding;
      const queries: FindingQuery[] = [
        {},
        { fileIds: run.fileIds },
        { fileIds: run.fileIds.slice(0, 10) },
        { minSeverity: 'HIGH' },
        { minSeverity: 'CRITICAL' },
        { ruleId: first.ruleId },
        { principal: first.principal?.name ?? 'nobody' },
        { principal: first.principal?.arn ?? 'nobody' },
        { since: Date.parse('2023-07-10T12:00:00Z'), until: Date.parse('2023-07-10T12:20:00Z') },
        { since: first.time, until: first.time + 1 },
        { limit: 3 },
      ];
      for (const q of queries) {
        const got = (await store.findings(q)).map((f) => f.id);
        assert.deepEqual(got, expectedFindings(ref, q), `query ${JSON.stringify(q)}`);
      }
      const [stored] = await store.findings({
        ruleId: first.ruleId,
        since: first.time,
        until: first.time + 1,
      });
      assert.deepEqual(stored, first, 'a finding comes back exactly as stored');
    });

    test('ingesting the same files again stores nothing and changes no figure', async () => {
      const again = await runIngest(mixedSource(), new Engine(config, defaultDetectors(config)), {
        store,
        now: () => INGESTED_AT + 1,
      });
      assert.equal(again.alreadyIngested, ref.files.length);
      assert.equal(again.eventsStored, 0);
      assert.equal(again.findingsStored, 0);
      assertSummary(
        await store.summarize({ fileIds: again.fileIds }),
        expectedSummary(ref, { fileIds: run.fileIds }),
      );
      assert.equal((await store.findings({})).length, ref.findings.length);
    });

    test('detector state round-trips, is replaced on save, and is undefined when never saved', async () => {
      assert.equal(await store.loadState('contract/never-saved'), undefined);
      const value = { windows: { 'arn:aws:iam::1:user/a': [1, 2, 3] }, note: 'ü → ✓', n: 1.5, empty: [] };
      await store.saveState('contract/state', value);
      assert.deepEqual(await store.loadState('contract/state'), value);
      await store.saveState('contract/state', { replaced: true });
      assert.deepEqual(await store.loadState('contract/state'), { replaced: true });
      const big = {
        profiles: Array.from({ length: 3000 }, (_, i) => ({ id: `principal-${i}`, seen: [i, i * 2] })),
      };
      await store.saveState('contract/big', big);
      assert.deepEqual(await store.loadState('contract/big'), big);
    });

    test('file errors are kept with the file and returned on a re-run; a file without errors has none', async () => {
      const s = await open();
      try {
        const errors = [
          { path: 's3://b/k.json.gz', record: 3, reason: 'record is not an object' },
          { path: 's3://b/k.json.gz', record: 9, reason: 'eventTime "yesterday" is not a timestamp' },
        ];
        const file = {
          id: 'f'.repeat(64),
          uri: 's3://b/k.json.gz',
          size: 10,
          events: 0,
          errors: 2,
          ingestedAt: INGESTED_AT,
        };
        assert.equal(await s.isIngested(file.id), false);
        assert.deepEqual(await s.fileErrors(file.id), []);
        await s.ingest({ file, events: [], findings: [], errors });
        assert.equal(await s.isIngested(file.id), true);
        assert.deepEqual(await s.fileErrors(file.id), errors);
        await s.flush();
        assert.deepEqual(await s.fileErrors(file.id), errors);
        const clean = { ...file, id: 'e'.repeat(64), errors: 0 };
        await s.ingest({ file: clean, events: [], findings: [], errors: [] });
        await s.flush();
        assert.deepEqual(await s.fileErrors(clean.id), []);
        assert.deepEqual(await s.ingest({ file, events: [], findings: [], errors }), {
          eventsStored: 0,
          findingsStored: 0,
        });
      } finally {
        await s.close();
      }
    });

    test('a finding produced again by a later file keeps its first file and is not stored twice', async () => {
      const s = await open();
      try {
        const [a, b] = ref.files.filter((f) => f.events.length > 0);
        const { finding } = ref.findings[0];
        const fileA = {
          id: a.id,
          uri: 'a',
          size: 1,
          events: a.events.length,
          errors: 0,
          ingestedAt: INGESTED_AT,
        };
        const fileB = {
          id: b.id,
          uri: 'b',
          size: 1,
          events: b.events.length,
          errors: 0,
          ingestedAt: INGESTED_AT,
        };
        let stored = await s.ingest({ file: fileA, events: a.events, findings: [finding], errors: [] });
        stored = add(stored, await s.flush());
        assert.deepEqual(stored, { eventsStored: a.events.length, findingsStored: 1 });
        stored = await s.ingest({ file: fileB, events: b.events, findings: [finding], errors: [] });
        stored = add(stored, await s.flush());
        assert.deepEqual(stored, { eventsStored: b.events.length, findingsStored: 0 });
        assert.deepEqual(
          (await s.findings({ fileIds: [a.id] })).map((f) => f.id),
          [finding.id],
        );
        assert.deepEqual(await s.findings({ fileIds: [b.id] }), []);
        const summary = await s.summarize({ fileIds: [a.id, b.id] });
        assert.equal(summary.totalEvents, a.events.length + b.events.length);
        assert.equal(summary.findingsBySeverity[finding.severity], 1);
      } finally {
        await s.close();
      }
    });

    test('events without flags are stored (no empty sets) and count as clean', async () => {
      const clean = ref.files.flatMap((f) => f.events).filter((e) => e.anomalyFlags.length === 0);
      assert.ok(clean.length > 1000, 'most example events carry no flag');
      const summary = await store.summarize({ fileIds: run.fileIds });
      const flagged = summary.anomalies.reduce((n, a) => n + a.count, 0);
      assert.ok(summary.totalEvents - clean.length >= 0 && flagged > 0);
      assert.equal(
        summary.totalEvents,
        ref.files.reduce((n, f) => n + f.events.length, 0),
      );
    });

    test('principal profiles round-trip by key, one record per key (when the store keeps them)', async (t) => {
      if (!store.loadProfiles || !store.saveProfiles) {
        t.skip('this store keeps no principal profiles');
        return;
      }
      const profile = (key: string, events: number) =>
        ({
          v: 1,
          key,
          name: key.split('/').pop(),
          firstSeen: 1,
          lastSeen: INGESTED_AT,
          events,
          activeDays: 1,
        }) as never;
      assert.deepEqual(await store.loadProfiles(['contract:nobody']), []);
      await store.saveProfiles([
        profile('contract:arn:aws:iam::1:user/a', 1),
        profile('contract:arn:aws:iam::1:user/b', 2),
      ]);
      await store.saveProfiles([profile('contract:arn:aws:iam::1:user/a', 5)]);
      const got = await store.loadProfiles([
        'contract:arn:aws:iam::1:user/a',
        'contract:arn:aws:iam::1:user/b',
        'contract:x',
      ]);
      assert.deepEqual(got.map((p) => [p.key, p.events]).sort(), [
        ['contract:arn:aws:iam::1:user/a', 5],
        ['contract:arn:aws:iam::1:user/b', 2],
      ]);
    });

    test('the notification ledger remembers what was sent, per channel (when the store keeps one)', async (t) => {
      if (!isLedger(store)) {
        t.skip('this store keeps no notification ledger');
        return;
      }
      const ids = ['finding-1', 'finding-2', 'finding-3'];
      assert.deepEqual(await store.notified('sns', ids), new Set());
      await store.recordNotified('sns', ['finding-1', 'finding-2'], INGESTED_AT);
      await store.recordNotified('sns', ['finding-2'], INGESTED_AT + 5);
      assert.deepEqual(await store.notified('sns', ids), new Set(['finding-1', 'finding-2']));
      assert.deepEqual(await store.notified('slack', ids), new Set());
      assert.deepEqual(await store.notified('sns', []), new Set());
    });
  });
}

function add(
  a: { eventsStored: number; findingsStored: number },
  b: { eventsStored: number; findingsStored: number },
) {
  return {
    eventsStored: a.eventsStored + b.eventsStored,
    findingsStored: a.findingsStored + b.findingsStored,
  };
}
