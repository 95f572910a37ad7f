import type { InputError } from '../event.ts';

/** How a flow log field's text is read: integers become numbers, the rest stays text. */
type FieldKind = 'int' | 'text';

/** One field of the VPC / Transit Gateway flow log record formats, by its documented name. */
interface FieldSpec {
  /** The property of `FlowRecord` it fills. */
  key: keyof FlowRecord;
  kind: FieldKind;
  /** The flow log version that introduced it (Transit Gateway fields: the TGW log version). */
  version: number;
}

/**
 * Every documented field of VPC Flow Logs versions 2–8 and of Transit Gateway flow logs, keyed by
 * the name used in the `${field}` format and in the header line of S3 delivery files.
 */
export const FLOW_FIELDS: Readonly<Record<string, FieldSpec>> = {
  version: { key: 'version', kind: 'int', version: 2 },
  'account-id': { key: 'accountId', kind: 'text', version: 2 },
  'interface-id': { key: 'interfaceId', kind: 'text', version: 2 },
  srcaddr: { key: 'srcaddr', kind: 'text', version: 2 },
  dstaddr: { key: 'dstaddr', kind: 'text', version: 2 },
  srcport: { key: 'srcport', kind: 'int', version: 2 },
  dstport: { key: 'dstport', kind: 'int', version: 2 },
  protocol: { key: 'protocol', kind: 'int', version: 2 },
  packets: { key: 'packets', kind: 'int', version: 2 },
  bytes: { key: 'bytes', kind: 'int', version: 2 },
  start: { key: 'start', kind: 'int', version: 2 },
  end: { key: 'end', kind: 'int', version: 2 },
  action: { key: 'action', kind: 'text', version: 2 },
  'log-status': { key: 'logStatus', kind: 'text', version: 2 },
  'vpc-id': { key: 'vpcId', kind: 'text', version: 3 },
  'subnet-id': { key: 'subnetId', kind: 'text', version: 3 },
  'instance-id': { key: 'instanceId', kind: 'text', version: 3 },
  'tcp-flags': { key: 'tcpFlags', kind: 'int', version: 3 },
  type: { key: 'type', kind: 'text', version: 3 },
  'pkt-srcaddr': { key: 'pktSrcaddr', kind: 'text', version: 3 },
  'pkt-dstaddr': { key: 'pktDstaddr', kind: 'text', version: 3 },
  region: { key: 'region', kind: 'text', version: 4 },
  'az-id': { key: 'azId', kind: 'text', version: 4 },
  'sublocation-type': { key: 'sublocationType', kind: 'text', version: 4 },
  'sublocation-id': { key: 'sublocationId', kind: 'text', version: 4 },
  'pkt-src-aws-service': { key: 'pktSrcAwsService', kind: 'text', version: 5 },
  'pkt-dst-aws-service': { key: 'pktDstAwsService', kind: 'text', version: 5 },
  'flow-direction': { key: 'flowDirection', kind: 'text', version: 5 },
  'traffic-path': { key: 'trafficPath', kind: 'int', version: 5 },
  'ecs-cluster-arn': { key: 'ecsClusterArn', kind: 'text', version: 7 },
  'ecs-cluster-name': { key: 'ecsClusterName', kind: 'text', version: 7 },
  'ecs-container-instance-arn': { key: 'ecsContainerInstanceArn', kind: 'text', version: 7 },
  'ecs-container-instance-id': { key: 'ecsContainerInstanceId', kind: 'text', version: 7 },
  'ecs-container-id': { key: 'ecsContainerId', kind: 'text', version: 7 },
  'ecs-second-container-id': { key: 'ecsSecondContainerId', kind: 'text', version: 7 },
  'ecs-service-name': { key: 'ecsServiceName', kind: 'text', version: 7 },
  'ecs-task-definition-arn': { key: 'ecsTaskDefinitionArn', kind: 'text', version: 7 },
  'ecs-task-arn': { key: 'ecsTaskArn', kind: 'text', version: 7 },
  'ecs-task-id': { key: 'ecsTaskId', kind: 'text', version: 7 },
  'reject-reason': { key: 'rejectReason', kind: 'text', version: 8 },
  // Transit Gateway flow logs.
  'resource-type': { key: 'resourceType', kind: 'text', version: 2 },
  'tgw-id': { key: 'tgwId', kind: 'text', version: 2 },
  'tgw-attachment-id': { key: 'tgwAttachmentId', kind: 'text', version: 2 },
  'tgw-src-vpc-account-id': { key: 'tgwSrcVpcAccountId', kind: 'text', version: 2 },
  'tgw-dst-vpc-account-id': { key: 'tgwDstVpcAccountId', kind: 'text', version: 2 },
  'tgw-src-vpc-id': { key: 'tgwSrcVpcId', kind: 'text', version: 2 },
  'tgw-dst-vpc-id': { key: 'tgwDstVpcId', kind: 'text', version: 2 },
  'tgw-src-subnet-id': { key: 'tgwSrcSubnetId', kind: 'text', version: 2 },
  'tgw-dst-subnet-id': { key: 'tgwDstSubnetId', kind: 'text', version: 2 },
  'tgw-src-eni': { key: 'tgwSrcEni', kind: 'text', version: 2 },
  'tgw-dst-eni': { key: 'tgwDstEni', kind: 'text', version: 2 },
  'tgw-src-az-id': { key: 'tgwSrcAzId', kind: 'text', version: 2 },
  'tgw-dst-az-id': { key: 'tgwDstAzId', kind: 'text', version: 2 },
  'tgw-pair-attachment-id': { key: 'tgwPairAttachmentId', kind: 'text', version: 2 },
  'packets-lost-no-route': { key: 'packetsLostNoRoute', kind: 'int', version: 2 },
  'packets-lost-blackhole': { key: 'packetsLostBlackhole', kind: 'int', version: 2 },
  'packets-lost-mtu-exceeded': { key: 'packetsLostMtuExceeded', kind: 'int', version: 2 },
  'packets-lost-ttl-expired': { key: 'packetsLostTtlExpired', kind: 'int', version: 2 },
};

/** One flow log record. Fields the format lacks, or that hold `-`, are absent. */
export interface FlowRecord {
  version?: number;
  accountId?: string;
  interfaceId?: string;
  srcaddr?: string;
  dstaddr?: string;
  srcport?: number;
  dstport?: number;
  /** IANA protocol number (6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6). */
  protocol?: number;
  packets?: number;
  bytes?: number;
  /** Epoch seconds of the first packet in the aggregation interval. */
  start?: number;
  /** Epoch seconds of the last packet. */
  end?: number;
  action?: 'ACCEPT' | 'REJECT' | (string & {});
  logStatus?: 'OK' | 'NODATA' | 'SKIPDATA' | (string & {});
  vpcId?: string;
  subnetId?: string;
  instanceId?: string;
  tcpFlags?: number;
  /** IPv4, IPv6 or EFA. */
  type?: string;
  pktSrcaddr?: string;
  pktDstaddr?: string;
  region?: string;
  azId?: string;
  sublocationType?: string;
  sublocationId?: string;
  pktSrcAwsService?: string;
  pktDstAwsService?: string;
  /** ingress or egress. */
  flowDirection?: string;
  /** 1–8: the path egress traffic took (8 = through a Transit Gateway, 1 = within the VPC …). */
  trafficPath?: number;
  ecsClusterArn?: string;
  ecsClusterName?: string;
  ecsContainerInstanceArn?: string;
  ecsContainerInstanceId?: string;
  ecsContainerId?: string;
  ecsSecondContainerId?: string;
  ecsServiceName?: string;
  ecsTaskDefinitionArn?: string;
  ecsTaskArn?: string;
  ecsTaskId?: string;
  /** Why traffic was rejected, e.g. `BPA` (VPC Block Public Access). */
  rejectReason?: string;
  resourceType?: string;
  tgwId?: string;
  tgwAttachmentId?: string;
  tgwSrcVpcAccountId?: string;
  tgwDstVpcAccountId?: string;
  tgwSrcVpcId?: string;
  tgwDstVpcId?: string;
  tgwSrcSubnetId?: string;
  tgwDstSubnetId?: string;
  tgwSrcEni?: string;
  tgwDstEni?: string;
  tgwSrcAzId?: string;
  tgwDstAzId?: string;
  tgwPairAttachmentId?: string;
  packetsLostNoRoute?: number;
  packetsLostBlackhole?: number;
  packetsLostMtuExceeded?: number;
  packetsLostTtlExpired?: number;
  /** Fields of a custom format this reader does not know (newer versions), as text. */
  extra?: Record<string, string>;
}

/** The default VPC flow log format (version 2), used when a file has no header and config none. */
export const DEFAULT_VPC_FORMAT = [
  'version',
  'account-id',
  'interface-id',
  'srcaddr',
  'dstaddr',
  'srcport',
  'dstport',
  'protocol',
  'packets',
  'bytes',
  'start',
  'end',
  'action',
  'log-status',
] as const;

/** The default Transit Gateway flow log format. */
export const DEFAULT_TGW_FORMAT = [
  'version',
  'resource-type',
  'account-id',
  'tgw-id',
  'tgw-attachment-id',
  'tgw-src-vpc-account-id',
  'tgw-dst-vpc-account-id',
  'tgw-src-vpc-id',
  'tgw-dst-vpc-id',
  'tgw-src-subnet-id',
  'tgw-dst-subnet-id',
  'tgw-src-eni',
  'tgw-dst-eni',
  'tgw-src-az-id',
  'tgw-dst-az-id',
  'tgw-pair-attachment-id',
  'srcaddr',
  'dstaddr',
  'srcport',
  'dstport',
  'protocol',
  'packets',
  'bytes',
  'start',
  'end',
  'log-status',
  'type',
  'packets-lost-no-route',
  'packets-lost-blackhole',
  'packets-lost-mtu-exceeded',
  'packets-lost-ttl-expired',
  'tcp-flags',
  'region',
  'flow-direction',
  'pkt-src-aws-service',
  'pkt-dst-aws-service',
] as const;

const FIELD_NAME = /^[a-z][a-z0-9-]*$/;

/**
 * Reads a flow log format: `${version} ${srcaddr} …` as written in the flow log's LogFormat, or the
 * bare names of a header line. Throws (a misconfiguration) when it is not a list of field names.
 */
export function parseFlowFormat(format: string): string[] {
  const names = format
    .trim()
    .split(/\s+/)
    .map((t) => (t.startsWith('${') && t.endsWith('}') ? t.slice(2, -1) : t));
  const bad = names.filter((n) => !FIELD_NAME.test(n));
  if (names.length === 0 || bad.length > 0) {
    throw new Error(
      `flow log format "${format.slice(0, 80)}" is not a list of field names like "\${version} \${srcaddr}" (bad: ${bad.slice(0, 3).join(', ')})`,
    );
  }
  return names;
}

/** True when a line is a flow log header: known field names only, with the addresses among them. */
export function isFlowHeader(line: string): boolean {
  const tokens = line.trim().split(/\s+/);
  if (tokens.length < 3) return false;
  let known = 0;
  for (const t of tokens) {
    if (!FIELD_NAME.test(t)) return false;
    if (t in FLOW_FIELDS) known++;
  }
  // Newer versions add fields this reader does not know yet: most must still be known ones.
  const enough = known >= Math.max(2, Math.ceil(tokens.length * 0.6));
  return enough && (tokens.includes('srcaddr') || tokens.includes('dstaddr'));
}

const DEFAULT_V2_LINE =
  /^2 \S+ \S+ \S+ \S+ \S+ \S+ \S+ \S+ \S+ \d+ \d+ (ACCEPT|REJECT|-) (OK|NODATA|SKIPDATA)$/;
const TGW_LINE = /^\d+ TransitGateway \S+ tgw-/;

/** True when a line without a header looks like a default-format VPC or Transit Gateway record. */
export function looksLikeDefaultFlowLine(line: string): boolean {
  const t = line.trim();
  return DEFAULT_V2_LINE.test(t) || TGW_LINE.test(t);
}

/** The default format a header-less line is in (VPC v2 or Transit Gateway). */
export function defaultFormatFor(line: string): readonly string[] {
  return TGW_LINE.test(line.trim()) ? DEFAULT_TGW_FORMAT : DEFAULT_VPC_FORMAT;
}

/** A compiled format: the setter of each column, made once per file. */
export class FlowLineReader {
  private readonly specs: ({ spec: FieldSpec } | { unknown: string })[];

  constructor(readonly fields: readonly string[]) {
    this.specs = fields.map((name) => {
      const spec = FLOW_FIELDS[name];
      return spec ? { spec } : { unknown: name };
    });
  }

  /** Parses one record line; a value, never an exception, for a bad line. */
  read(line: string): FlowRecord | string {
    const tokens = line.split(' ');
    if (tokens.length !== this.specs.length) {
      // Tolerate runs of spaces or tabs, which a hand-edited file may have.
      const loose = line.trim().split(/\s+/);
      if (loose.length !== this.specs.length) {
        return `expected ${this.specs.length} fields (${this.fields.slice(0, 4).join(' ')} …), found ${loose.length}`;
      }
      return this.fill(loose);
    }
    return this.fill(tokens);
  }

  private fill(tokens: string[]): FlowRecord | string {
    const record: Record<string, unknown> = {};
    for (let i = 0; i < tokens.length; i++) {
      const value = tokens[i];
      if (value === '-' || value === '') continue;
      const s = this.specs[i];
      if ('unknown' in s) {
        record.extra ??= {};
        (record.extra as Record<string, string>)[s.unknown] = value;
        continue;
      }
      if (s.spec.kind === 'int') {
        const n = Number(value);
        if (!Number.isInteger(n) || n < 0)
          return `${this.fields[i]} "${value.slice(0, 40)}" is not a non-negative integer`;
        record[s.spec.key] = n;
      } else {
        record[s.spec.key] = value;
      }
    }
    return record as FlowRecord;
  }
}

/** What a flow log file held. */
export interface FlowParse {
  records: FlowRecord[];
  errors: InputError[];
  /** The field list used, and where it came from. */
  fields: readonly string[];
  formatOrigin: 'header' | 'config' | 'default' | 'transit-gateway-default';
}

/**
 * Parses a flow log file (S3 delivery files start with a header line naming the fields; CloudWatch
 * exports and hand-made files may not). Without a header the configured format applies, else the
 * default VPC or Transit Gateway format. Bad lines are errors with their line number.
 */
export function parseVpcFlow(path: string, text: string, options: { format?: string } = {}): FlowParse {
  const lines = text.split('\n');
  let first = 0;
  while (first < lines.length && lines[first].trim() === '') first++;
  const records: FlowRecord[] = [];
  const errors: InputError[] = [];
  if (first >= lines.length)
    return {
      records,
      errors: [{ path, reason: 'empty file: no records' }],
      fields: [],
      formatOrigin: 'default',
    };
  let fields: readonly string[];
  let origin: FlowParse['formatOrigin'];
  let start = first;
  const head = lines[first].trim();
  if (isFlowHeader(head)) {
    fields = head.split(/\s+/);
    origin = 'header';
    start = first + 1;
  } else if (options.format) {
    fields = parseFlowFormat(options.format);
    origin = 'config';
  } else {
    fields = defaultFormatFor(head);
    origin = fields === DEFAULT_TGW_FORMAT ? 'transit-gateway-default' : 'default';
  }
  const reader = new FlowLineReader(fields);
  for (let i = start; i < lines.length; i++) {
    let line = lines[i];
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line.length === 0) continue;
    const r = reader.read(line);
    if (typeof r === 'string') errors.push({ path, record: i + 1, reason: r });
    else records.push(r);
  }
  return { records, errors, fields, formatOrigin: origin };
}

/** The record's time in epoch ms (its interval start), or undefined when it has none. */
export function flowTime(r: FlowRecord): number | undefined {
  if (r.start !== undefined) return r.start * 1000;
  if (r.end !== undefined) return r.end * 1000;
  return undefined;
}

/** True for records that describe traffic (not NODATA / SKIPDATA markers). */
export function isTraffic(r: FlowRecord): boolean {
  return (
    (r.logStatus === undefined || r.logStatus === 'OK') && r.srcaddr !== undefined && r.dstaddr !== undefined
  );
}
