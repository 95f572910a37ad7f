import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { aggregateFlows, FLOW_WINDOW_MS, servicePort } from '../../../src/core/sources/flow-aggregate.ts';
import { parseLogFile } from '../../../src/core/sources/parse.ts';
import {
  FLOW_FIELDS,
  isFlowHeader,
  parseFlowFormat,
  parseVpcFlow,
} from '../../../src/core/sources/vpc-flow.ts';
import { ROOT } from '../../helpers/fixtures.ts';

const dir = join(ROOT, 'test/fixtures/vpc-flow');
const read = (name: string) => readFileSync(join(dir, name), 'utf8');

describe('VPC flow logs: default format (v2)', () => {
  const p = parseVpcFlow('default-v2.log', read('default-v2.log'));

  it('reads every field of an accepted IPv4 record', () => {
    assert.equal(p.formatOrigin, 'default');
    assert.deepEqual(p.records[0], {
      version: 2,
      accountId: '123456789012',
      interfaceId: 'eni-0a1b2c3d4e5f60718',
      srcaddr: '10.0.1.25',
      dstaddr: '10.0.2.40',
      srcport: 49152,
      dstport: 443,
      protocol: 6,
      packets: 12,
      bytes: 5120,
      start: 1709640000,
      end: 1709640060,
      action: 'ACCEPT',
      logStatus: 'OK',
    });
  });

  it('reads REJECT, NODATA, SKIPDATA and IPv6 records', () => {
    assert.equal(p.records[1].action, 'REJECT');
    assert.equal(p.records[1].dstport, 3389);
    assert.deepEqual(p.records[2], {
      version: 2,
      accountId: '123456789012',
      interfaceId: 'eni-0a1b2c3d4e5f60718',
      start: 1709640100,
      end: 1709640160,
      logStatus: 'NODATA',
    });
    assert.equal(p.records[3].logStatus, 'SKIPDATA');
    assert.equal(p.records[3].srcaddr, undefined);
    assert.equal(p.records[4].srcaddr, '2001:db8:1234:a100::25');
    assert.equal(p.records[4].dstaddr, '2001:db8:1234:a102::40');
    assert.equal(p.records[5].protocol, 17);
  });

  it('reports the bad line with its line number and keeps the others', () => {
    assert.equal(p.records.length, 6);
    assert.deepEqual(
      p.errors.map((e) => [e.path, e.record]),
      [['default-v2.log', 7]],
    );
    assert.match(p.errors[0].reason, /expected 14 fields/);
  });
});

describe('VPC flow logs: custom formats', () => {
  it('reads every field of versions 2–8 from a header line', () => {
    const p = parseVpcFlow('custom.log', read('custom-v2-v8.log'));
    assert.equal(p.formatOrigin, 'header');
    assert.equal(p.errors.length, 0);
    assert.deepEqual(p.records[0], {
      version: 8,
      accountId: '123456789012',
      interfaceId: 'eni-0a1b2c3d4e5f60718',
      srcaddr: '10.0.1.25',
      dstaddr: '52.94.133.131',
      srcport: 49200,
      dstport: 443,
      protocol: 6,
      packets: 40,
      bytes: 36000,
      start: 1709640000,
      end: 1709640060,
      action: 'ACCEPT',
      logStatus: 'OK',
      vpcId: 'vpc-0abc1234def567890',
      subnetId: 'subnet-0abc1234def567890',
      instanceId: 'i-0abc1234def567890',
      tcpFlags: 19,
      type: 'IPv4',
      pktSrcaddr: '10.0.1.25',
      pktDstaddr: '52.94.133.131',
      region: 'us-east-1',
      azId: 'use1-az4',
      pktDstAwsService: 'S3',
      flowDirection: 'egress',
      trafficPath: 7,
      ecsClusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/web',
      ecsClusterName: 'web',
      ecsContainerInstanceArn: 'arn:aws:ecs:us-east-1:123456789012:container-instance/web/0f1e2d3c4b5a69788',
      ecsContainerInstanceId: '0f1e2d3c4b5a69788',
      ecsContainerId: '3d1e2f4a5b6c7d8e9f001122',
      ecsServiceName: 'web-svc',
      ecsTaskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:12',
      ecsTaskArn: 'arn:aws:ecs:us-east-1:123456789012:task/web/5a6b7c8d9e0f1a2b3c',
      ecsTaskId: '5a6b7c8d9e0f1a2b3c',
    });
    const rejected = p.records[1];
    assert.equal(rejected.rejectReason, 'BPA');
    assert.equal(rejected.flowDirection, 'ingress');
    assert.equal(rejected.sublocationType, 'outpost');
    assert.equal(rejected.sublocationId, 'op-0123456789abcdef0');
    assert.equal(rejected.trafficPath, undefined);
  });

  it('follows the header order of a subset of fields', () => {
    const p = parseVpcFlow('subset.log', read('custom-v5-subset.log'));
    assert.deepEqual(p.fields, [
      'start',
      'srcaddr',
      'dstaddr',
      'dstport',
      'action',
      'flow-direction',
      'traffic-path',
      'pkt-dst-aws-service',
      'bytes',
    ]);
    assert.deepEqual(p.records[0], {
      start: 1709640000,
      srcaddr: '10.0.3.7',
      dstaddr: '54.239.28.85',
      dstport: 443,
      action: 'ACCEPT',
      flowDirection: 'egress',
      trafficPath: 1,
      pktDstAwsService: 'DYNAMODB',
      bytes: 9120,
    });
  });

  it('uses the configured format (${field} syntax) for files without a header', () => {
    const format = '${srcaddr} ${dstaddr} ${dstport} ${action} ${start} ${flow-direction}';
    const p = parseVpcFlow('cw.log', '10.0.0.5 81.2.69.142 443 ACCEPT 1709640000 egress\n', { format });
    assert.equal(p.formatOrigin, 'config');
    assert.deepEqual(p.records, [
      {
        srcaddr: '10.0.0.5',
        dstaddr: '81.2.69.142',
        dstport: 443,
        action: 'ACCEPT',
        start: 1709640000,
        flowDirection: 'egress',
      },
    ]);
  });

  it('a header in the file wins over the configured format', () => {
    const p = parseVpcFlow('h.log', 'srcaddr dstaddr start\n10.0.0.1 10.0.0.2 1709640000\n', {
      format: '${version} ${srcaddr}',
    });
    assert.equal(p.formatOrigin, 'header');
    assert.deepEqual(p.records, [{ srcaddr: '10.0.0.1', dstaddr: '10.0.0.2', start: 1709640000 }]);
  });

  it('keeps fields newer than this reader as text, and rejects non-numbers in numeric fields', () => {
    const p = parseVpcFlow(
      'n.log',
      'srcaddr dstaddr start encryption-status\n10.0.0.1 10.0.0.2 1709640000 1\n10.0.0.1 10.0.0.2 soon 1\n',
    );
    assert.deepEqual(p.records[0].extra, { 'encryption-status': '1' });
    assert.deepEqual(
      p.errors.map((e) => [e.record, e.reason]),
      [[3, 'start "soon" is not a non-negative integer']],
    );
  });

  it('recognises header lines and rejects formats that are not field lists', () => {
    assert.equal(isFlowHeader('version account-id interface-id srcaddr dstaddr'), true);
    assert.equal(isFlowHeader('GET /index.html HTTP/1.1'), false);
    assert.deepEqual(parseFlowFormat('${version} ${srcaddr}'), ['version', 'srcaddr']);
    assert.throws(() => parseFlowFormat('${version} $srcaddr!'), /not a list of field names/);
    assert.equal(
      Object.keys(FLOW_FIELDS).length,
      58,
      '40 VPC fields of versions 2–8 and 18 Transit Gateway-only fields',
    );
  });
});

describe('Transit Gateway flow logs', () => {
  it('reads every field of the default Transit Gateway format', () => {
    const p = parseVpcFlow('tgw.log', read('transit-gateway.log'));
    assert.equal(p.errors.length, 0);
    assert.deepEqual(p.records[0], {
      version: 6,
      resourceType: 'TransitGateway',
      accountId: '123456789012',
      tgwId: 'tgw-0123456789abcdef0',
      tgwAttachmentId: 'tgw-attach-0a1b2c3d4e5f60718',
      tgwSrcVpcAccountId: '123456789012',
      tgwDstVpcAccountId: '210987654321',
      tgwSrcVpcId: 'vpc-0aaa1111bbbb22223',
      tgwDstVpcId: 'vpc-0ccc3333dddd44445',
      tgwSrcSubnetId: 'subnet-0aaa1111bbbb22223',
      tgwDstSubnetId: 'subnet-0ccc3333dddd44445',
      tgwSrcEni: 'eni-0aaa1111bbbb22223',
      tgwDstEni: 'eni-0ccc3333dddd44445',
      tgwSrcAzId: 'use1-az1',
      tgwDstAzId: 'use1-az2',
      tgwPairAttachmentId: 'tgw-attach-0f0e0d0c0b0a09080',
      srcaddr: '10.1.0.10',
      dstaddr: '10.2.0.20',
      srcport: 41234,
      dstport: 5432,
      protocol: 6,
      packets: 120,
      bytes: 98000,
      start: 1709640000,
      end: 1709640060,
      logStatus: 'OK',
      type: 'IPv4',
      packetsLostNoRoute: 0,
      packetsLostBlackhole: 0,
      packetsLostMtuExceeded: 0,
      packetsLostTtlExpired: 0,
      tcpFlags: 3,
      region: 'us-east-1',
      flowDirection: 'egress',
    });
  });

  it('recognises a header-less Transit Gateway line by its resource type', () => {
    const line = read('transit-gateway.log').split('\n')[1];
    const p = parseLogFile('tgw-nohdr.log', `${line}\n`);
    assert.match(p.format, /^transit-gateway-flow \(default format\)/);
    assert.equal(p.flows?.[0].tgwId, 'tgw-0123456789abcdef0');
  });
});

describe('flow aggregates', () => {
  it('sums records per 5-minute window and conversation, folding the ephemeral side of replies', () => {
    const base = { version: 2, accountId: '1', protocol: 6, action: 'ACCEPT', logStatus: 'OK' };
    const records = [
      {
        ...base,
        srcaddr: '81.2.69.142',
        dstaddr: '10.0.0.5',
        srcport: 50000,
        dstport: 443,
        packets: 2,
        bytes: 100,
        start: 1709640000,
      },
      {
        ...base,
        srcaddr: '81.2.69.142',
        dstaddr: '10.0.0.5',
        srcport: 50001,
        dstport: 443,
        packets: 3,
        bytes: 200,
        start: 1709640100,
      },
      {
        ...base,
        srcaddr: '10.0.0.5',
        dstaddr: '81.2.69.142',
        srcport: 443,
        dstport: 50000,
        packets: 4,
        bytes: 400,
        start: 1709640010,
      },
      {
        ...base,
        srcaddr: '81.2.69.142',
        dstaddr: '10.0.0.5',
        srcport: 50002,
        dstport: 443,
        packets: 1,
        bytes: 50,
        start: 1709640000 + 300,
      },
      { version: 2, accountId: '1', start: 1709640000, logStatus: 'NODATA' },
    ];
    const rows = aggregateFlows(records);
    assert.equal(rows.length, 4);
    const first = rows[0];
    assert.equal(first.time % FLOW_WINDOW_MS, 0);
    assert.deepEqual(
      { flows: first.flows, packets: first.packets, bytes: first.bytes, port: first.port },
      { flows: 2, packets: 5, bytes: 300, port: 443 },
    );
    assert.equal(rows[1].port, 0, 'a reply to an ephemeral port is keyed by port 0');
    assert.equal(rows[2].srcaddr, '*', 'a public peer with one small record in its window is folded');
    assert.equal(rows[3].action, 'NODATA');
    assert.equal(servicePort(443, 50000), 0);
    assert.equal(servicePort(50000, 443), 443);
    assert.equal(servicePort(40000, 8080), 8080);
  });
});
