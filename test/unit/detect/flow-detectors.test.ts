import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultConfig, parseConfig } from '../../../src/core/config.ts';
import { defaultDetectors } from '../../../src/core/detect/default-detectors.ts';
import { BadRangeDetector } from '../../../src/core/detect/flow/bad-range.ts';
import { ExposedPortDetector } from '../../../src/core/detect/flow/exposed-port.ts';
import type { FlowDetector } from '../../../src/core/detect/flow/flow-detector.ts';
import { NewDestinationEgressDetector } from '../../../src/core/detect/flow/new-destination-egress.ts';
import { PortScanDetector } from '../../../src/core/detect/flow/port-scan.ts';
import { RejectSpikeDetector } from '../../../src/core/detect/flow/reject-spike.ts';
import type { Finding } from '../../../src/core/finding.ts';
import { Engine } from '../../../src/core/pipeline.ts';
import type { FlowRecord } from '../../../src/core/sources/vpc-flow.ts';

const T0 = 1709640000; // 2024-03-05T12:00:00Z, seconds
const INTERNET = '81.2.69.142';
const HOST = '10.0.1.25';

function flow(over: Partial<FlowRecord>): FlowRecord {
  return {
    version: 2,
    accountId: '123456789012',
    interfaceId: 'eni-0a1b2c3d4e5f60718',
    srcaddr: INTERNET,
    dstaddr: HOST,
    srcport: 50000,
    dstport: 443,
    protocol: 6,
    packets: 10,
    bytes: 1000,
    start: T0,
    end: T0 + 60,
    action: 'ACCEPT',
    logStatus: 'OK',
    ...over,
  };
}

function run(d: FlowDetector, records: FlowRecord[]): Finding[] {
  return records.flatMap((r) => d.observeFlow(r));
}

const scanConfig = { windowMinutes: 5, ports: 20, hosts: 20 };

describe('flow.port-scan', () => {
  it('fires once when one source reaches 20 distinct ports in 5 minutes', () => {
    const probes = Array.from({ length: 40 }, (_, i) =>
      flow({ dstport: 1000 + i, action: 'REJECT', start: T0 + i }),
    );
    const found = run(new PortScanDetector(scanConfig), probes);
    assert.equal(found.length, 1);
    assert.equal(found[0].ruleId, 'flow.port-scan');
    assert.equal(
      found[0].severity,
      'LOW',
      'an external scan whose probes were all rejected is background noise',
    );
    assert.equal(found[0].sourceIp, INTERNET);
    assert.deepEqual(found[0].mitre, [{ tactic: 'TA0007', technique: 'T1046' }]);
  });

  it('is HIGH for an internal source sweeping many hosts', () => {
    const sweep = Array.from({ length: 25 }, (_, i) =>
      flow({ srcaddr: '10.0.9.9', dstaddr: `10.0.2.${i}`, dstport: 22, start: T0 + i }),
    );
    const found = run(new PortScanDetector(scanConfig), sweep);
    assert.deepEqual(
      found.map((f) => f.severity),
      ['HIGH'],
    );
  });

  it('does not fire for ports spread over windows or for replies to ephemeral ports', () => {
    const slow = Array.from({ length: 40 }, (_, i) => flow({ dstport: 1000 + i, start: T0 + i * 60 }));
    assert.equal(run(new PortScanDetector(scanConfig), slow).length, 0);
    const replies = Array.from({ length: 40 }, (_, i) =>
      flow({ srcaddr: HOST, dstaddr: INTERNET, srcport: 443, dstport: 40000 + i }),
    );
    assert.equal(run(new PortScanDetector(scanConfig), replies).length, 0);
  });
});

describe('flow.exposed-port-accepted', () => {
  const detector = () => new ExposedPortDetector({ ports: [22, 3389, 5432], trustedCidrs: ['81.2.69.0/24'] });

  it('fires for SSH accepted from the internet, once per host, port and day', () => {
    const found = run(detector(), [
      flow({ srcaddr: '185.199.108.1', dstport: 22 }),
      flow({ srcaddr: '185.199.108.2', dstport: 22, start: T0 + 9 }),
    ]);
    assert.equal(found.length, 1);
    assert.equal(found[0].severity, 'HIGH');
    assert.match(found[0].title, /^SSH on 10\.0\.1\.25 accepted traffic from the internet/);
    assert.deepEqual(found[0].mitre, [{ tactic: 'TA0001', technique: 'T1133' }]);
  });

  it('does not fire for rejected traffic, trusted networks, private sources or egress', () => {
    const found = run(detector(), [
      flow({ srcaddr: '185.199.108.1', dstport: 22, action: 'REJECT' }),
      flow({ srcaddr: '81.2.69.10', dstport: 3389 }),
      flow({ srcaddr: '10.0.5.5', dstport: 5432 }),
      flow({ srcaddr: '185.199.108.1', dstport: 22, flowDirection: 'egress' }),
      flow({ srcaddr: '185.199.108.1', dstport: 443 }),
    ]);
    assert.equal(found.length, 0);
  });
});

describe('flow.reject-spike', () => {
  const detector = () => new RejectSpikeDetector({ minRejects: 50, factor: 5 });
  const hourOfRejects = (perWindow: number) =>
    Array.from({ length: 12 }, (_, w) =>
      Array.from({ length: perWindow }, (_, i) =>
        flow({ action: 'REJECT', start: T0 + w * 300 + i, dstport: 23 }),
      ),
    ).flat();

  it('fires when a window has 5× the previous hour’s mean and at least the floor', () => {
    const spike = Array.from({ length: 80 }, (_, i) => flow({ action: 'REJECT', start: T0 + 3600 + i }));
    const found = run(detector(), [...hourOfRejects(5), ...spike]);
    assert.equal(found.length, 1);
    assert.equal(found[0].ruleId, 'flow.reject-spike');
    assert.equal(found[0].evidence.baseline, 5);
  });

  it('does not fire for a steady level, nor during the first hour', () => {
    assert.equal(
      run(detector(), [
        ...hourOfRejects(60),
        ...hourOfRejects(60).map((r) => ({ ...r, start: r.start! + 3600 })),
      ]).length,
      0,
    );
    const cold = Array.from({ length: 200 }, (_, i) => flow({ action: 'REJECT', start: T0 + i }));
    assert.equal(run(detector(), cold).length, 0);
  });
});

describe('flow.new-destination-egress', () => {
  const detector = () =>
    new NewDestinationEgressDetector({ minBytes: 100 * 2 ** 20, learningMinutes: 60, trustedCidrs: [] });
  const learn = [flow({ srcaddr: HOST, dstaddr: '151.101.1.1', bytes: 5000, start: T0 })];
  const big = (dst: string, at: number) =>
    Array.from({ length: 3 }, (_, i) =>
      flow({
        srcaddr: HOST,
        dstaddr: dst,
        srcport: 40000,
        dstport: 443,
        bytes: 40 * 2 ** 20,
        start: at + i * 60,
      }),
    );

  it('fires when a host sends 100 MiB to a public address it never sent to', () => {
    const found = run(detector(), [...learn, ...big('93.184.216.34', T0 + 7200)]);
    assert.equal(found.length, 1);
    assert.equal(found[0].severity, 'HIGH');
    assert.equal(found[0].evidence.bytes, 120 * 2 ** 20);
    assert.deepEqual(found[0].mitre, [{ tactic: 'TA0010', technique: 'T1048' }]);
  });

  it('does not fire for known destinations, AWS services, the learning hour or small transfers', () => {
    assert.equal(run(detector(), [...learn, ...big('151.101.1.1', T0 + 7200)]).length, 0);
    assert.equal(
      run(detector(), [
        ...learn,
        ...big('52.94.133.131', T0 + 7200).map((r) => ({ ...r, pktDstAwsService: 'S3' })),
      ]).length,
      0,
    );
    assert.equal(run(detector(), [...learn, ...big('93.184.216.34', T0 + 60)]).length, 0);
    const small = big('93.184.216.34', T0 + 7200).map((r) => ({ ...r, bytes: 1000 }));
    assert.equal(run(detector(), [...learn, ...small]).length, 0);
  });
});

describe('flow.bad-range', () => {
  const detector = () =>
    new BadRangeDetector(['45.155.205.0/24', { cidr: '2001:db8:bad::/48', label: 'lab' }]);

  it('fires for accepted traffic with a listed range (HIGH) and for rejected traffic (MEDIUM)', () => {
    const found = run(detector(), [
      flow({ srcaddr: HOST, dstaddr: '45.155.205.7', dstport: 4444 }),
      flow({ srcaddr: '45.155.205.9', dstaddr: HOST, action: 'REJECT' }),
      flow({ srcaddr: '2001:db8:bad::1', dstaddr: '2001:db8:1::5' }),
    ]);
    assert.deepEqual(
      found.map((f) => f.severity),
      ['HIGH', 'MEDIUM', 'HIGH'],
    );
    assert.match(found[2].title, /lab \(2001:db8:bad::\/48\)/);
  });

  it('does not fire for other addresses, nor twice for the same pair on a day', () => {
    assert.equal(run(detector(), [flow({}), flow({ srcaddr: '45.155.206.1' })]).length, 0);
    assert.equal(
      run(detector(), [flow({ srcaddr: '45.155.205.7' }), flow({ srcaddr: '45.155.205.7', start: T0 + 600 })])
        .length,
      1,
    );
  });

  it('comes from the flowLogs.badRanges config, which validates CIDRs', () => {
    const config = parseConfig({ flowLogs: { badRanges: ['45.155.205.0/24'] } });
    const engine = new Engine(config, defaultDetectors(config));
    const { findings } = engine.process([], [flow({ srcaddr: '45.155.205.7' })]);
    assert.deepEqual(
      findings.map((f) => f.ruleId),
      ['flow.bad-range'],
    );
    assert.throws(() => parseConfig({ flowLogs: { badRanges: ['not-a-cidr'] } }), /flowLogs.badRanges.0/);
    assert.equal(defaultConfig().flowLogs.portScan.ports, 20);
  });
});

describe('flow detector state', () => {
  it('survives export and import (a run continues where the last one stopped)', () => {
    const a = new PortScanDetector(scanConfig);
    run(
      a,
      Array.from({ length: 15 }, (_, i) => flow({ dstport: 1000 + i, start: T0 + i })),
    );
    const b = new PortScanDetector(scanConfig);
    b.importState(JSON.parse(JSON.stringify(a.exportState())));
    assert.equal(
      run(
        b,
        Array.from({ length: 5 }, (_, i) => flow({ dstport: 2000 + i, start: T0 + 20 + i })),
      ).length,
      1,
    );
  });
});
