import type { ProcessedEvent } from '../../event.ts';
import type { Finding, MitreRef, Severity } from '../../finding.ts';
import { SEVERITY_RISK } from '../../finding.ts';
import { stableId } from '../../hash.ts';
import { type AddressKind, classifyAddress } from '../../net.ts';
import type { FlowRecord } from '../../sources/vpc-flow.ts';
import type { Detector } from '../detector.ts';

/**
 * A detector over flow log records. Flow records never become events (a day of them would be
 * millions): the engine hands them to `observeFlow` one by one, in file order.
 */
export interface FlowDetector extends Detector {
  observeFlow(record: FlowRecord): Finding[];
}

/** True for detectors that read flow records. */
export function isFlowDetector(d: Detector): d is FlowDetector {
  return typeof (d as Partial<FlowDetector>).observeFlow === 'function';
}

/** Base for flow detectors: they see no events. */
export abstract class FlowOnlyDetector implements FlowDetector {
  abstract readonly id: string;
  readonly sees = ['flow'] as const;
  abstract observeFlow(record: FlowRecord): Finding[];
  observe(_event: ProcessedEvent): Finding[] {
    return [];
  }
}

/** The fields of a flow record a responder needs, as finding evidence. */
export function flowEvidence(r: FlowRecord): Record<string, unknown> {
  const e: Record<string, unknown> = {
    srcaddr: r.srcaddr,
    dstaddr: r.dstaddr,
    srcport: r.srcport,
    dstport: r.dstport,
    protocol: r.protocol,
    action: r.action,
    packets: r.packets,
    bytes: r.bytes,
    start: r.start === undefined ? undefined : new Date(r.start * 1000).toISOString(),
  };
  for (const k of [
    'interfaceId',
    'instanceId',
    'vpcId',
    'flowDirection',
    'pktSrcAwsService',
    'pktDstAwsService',
    'rejectReason',
    'tgwId',
  ] as const) {
    if (r[k] !== undefined) e[k] = r[k];
  }
  for (const k of Object.keys(e)) if (e[k] === undefined) delete e[k];
  return e;
}

/** Builds a flow finding: deterministic id from the rule and its key, no event ids. */
export function flowFinding(input: {
  ruleId: string;
  key: readonly (string | number)[];
  title: string;
  severity: Severity;
  mitre: MitreRef[];
  time: number;
  record: FlowRecord;
  sourceIp?: string;
  explanation: string;
  evidence: Record<string, unknown>;
}): Finding {
  const f: Finding = {
    id: stableId(input.ruleId, ...input.key),
    ruleId: input.ruleId,
    title: input.title,
    severity: input.severity,
    riskScore: SEVERITY_RISK[input.severity],
    flags: [],
    mitre: input.mitre,
    eventIds: [],
    time: input.time,
    explanation: input.explanation,
    evidence: input.evidence,
  };
  if (input.record.accountId) f.account = input.record.accountId;
  if (input.record.region) f.region = input.record.region;
  const ip = input.sourceIp ?? input.record.srcaddr;
  if (ip) f.sourceIp = ip;
  return f;
}

/** UTC day number of an epoch-ms time, for once-a-day findings. */
export const utcDay = (time: number): number => Math.floor(time / 86_400_000);

const kinds = new Map<string, AddressKind>();

/**
 * `classifyAddress`, remembered: flow logs repeat the same few thousand addresses millions of
 * times, and parsing each one again would dominate the detectors' cost. Bounded.
 */
export function addressKind(addr: string): AddressKind {
  let k = kinds.get(addr);
  if (k === undefined) {
    k = classifyAddress(addr);
    if (kinds.size >= 200_000) kinds.clear();
    kinds.set(addr, k);
  }
  return k;
}
