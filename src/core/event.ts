import type { AddressKind } from './net.ts';
import type { IpLocation } from './ports.ts';

/** Where a normalized event came from. */
export type SourceType = 'cloudtrail' | 'vpc-flow' | 'cloudwatch-logs' | 'app-log';

/** The kinds of identity CloudTrail reports in `userIdentity.type`, plus values of other sources. */
export type PrincipalType =
  | 'IAMUser'
  | 'AssumedRole'
  | 'Root'
  | 'AWSService'
  | 'AWSAccount'
  | 'FederatedUser'
  | 'IdentityCenterUser'
  | 'SAMLUser'
  | 'WebIdentityUser'
  | 'Unknown'
  | (string & {});

/** Who made a call. `name` is the short, human-readable label used in reports. */
export interface Principal {
  type: PrincipalType;
  /** Stable identifier: the principalId, or the ARN / invoking service when there is none. */
  id: string;
  arn?: string;
  name: string;
  accountId?: string;
  accessKeyId?: string;
  /** Role or user that issued the temporary credentials of an assumed-role session. */
  sessionIssuer?: string;
  /** Whether the session was authenticated with MFA, when CloudTrail says so. */
  mfa?: boolean;
}

/** One log record in the shape every detector, store and report works on. */
export interface NormalizedEvent {
  /** CloudTrail eventID, or a stable hash of the record for sources without one. */
  id: string;
  /** Epoch milliseconds, UTC. */
  time: number;
  source: SourceType;
  account: string;
  region: string;
  /** eventSource, e.g. `iam.amazonaws.com`. */
  service: string;
  /** eventName, e.g. `CreateAccessKey`. */
  action: string;
  principal: Principal;
  /** An IP address, or an AWS service hostname such as `cloudtrail.amazonaws.com`. */
  sourceIp: string;
  userAgent: string;
  errorCode?: string;
  errorMessage?: string;
  readOnly?: boolean;
  /** Where `sourceIp` is, filled in by the engine's enrichment step before flags and detectors. */
  geo?: GeoInfo;
  /** The original record, for rules and evidence. */
  raw: Record<string, unknown>;
}

/**
 * What enrichment knows about a source address. `kind` is always set; location and network only
 * for public IPs found in the geo databases.
 */
export interface GeoInfo extends IpLocation {
  kind: AddressKind;
}

/** The seed's five anomaly flags. */
export const ANOMALY_FLAGS = [
  'UNUSUAL_TIME',
  'UNUSUAL_LOCATION',
  'HIGH_RISK_ACTION',
  'ROOT_USER_ACTIVITY',
  'FAILED_AUTHENTICATION',
] as const;
export type AnomalyFlag = (typeof ANOMALY_FLAGS)[number];

/** A normalized event after flagging and scoring (the seed's processed-event shape). */
export interface ProcessedEvent extends NormalizedEvent {
  anomalyFlags: AnomalyFlag[];
  /** 0–10. */
  riskScore: number;
}

/** A per-record problem: a value, never an exception, so the good records beside it go on. */
export interface InputError {
  /** File path or object URI. */
  path: string;
  /** Index of the record in the file, or line number for line-oriented files, where known. */
  record?: number;
  reason: string;
}

/** The outcome of reading one record. */
export type RecordResult<T> = { ok: true; value: T } | { ok: false; error: InputError };
