import type { SourceType } from '../event.ts';
import type { Ranked } from './summary.ts';

/** One source type present in a period: each gets its own section in summaries and reports. */
export interface SourceSummary {
  source: SourceType;
  /** Events stored for the source; for `vpc-flow`, flow log records read (kept as aggregates). */
  records: number;
  /** Events with an error code (HTTP ≥ 400, error levels, failed logins, AWS API errors). */
  errors: number;
  /** Epoch ms of the first and last record. */
  first?: number;
  last?: number;
  /** Services (eventSource, application, log group) by events. */
  topServices: Ranked[];
  topErrors: Ranked[];
  /** Flow logs only. */
  flow?: FlowSourceSummary;
}

/** Traffic totals and top lists of the flow logs of a period. */
export interface FlowSourceSummary {
  accepted: number;
  rejected: number;
  /** Records of interfaces without traffic (NODATA) and of records AWS skipped (SKIPDATA). */
  noData: number;
  skipData: number;
  bytes: number;
  packets: number;
  /** Aggregate rows stored for these records. */
  storedRows: number;
  /** `src → dst` by bytes. */
  topTalkers: Ranked[];
  /** Sources by rejected flow records. */
  topRejectedSources: Ranked[];
  /** `port/protocol` by flow records. */
  topPorts: Ranked[];
}

const PROTOCOLS: Record<number, string> = {
  1: 'icmp',
  6: 'tcp',
  17: 'udp',
  47: 'gre',
  50: 'esp',
  58: 'icmpv6',
};

/** How `FlowSourceSummary.topPorts` names a service port: `443/tcp`, or the IANA number if unnamed. */
export function flowPortName(port: number, protocol: number): string {
  return `${port}/${PROTOCOLS[protocol] ?? protocol}`;
}

/** The order of summary sections in every store: most records first, then source name. */
export function sortSourceSections(sections: SourceSummary[]): SourceSummary[] {
  return sections.sort((a, b) => b.records - a.records || a.source.localeCompare(b.source));
}
