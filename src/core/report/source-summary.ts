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
