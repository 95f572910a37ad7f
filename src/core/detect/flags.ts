import type { Config } from '../config.ts';
import type { AnomalyFlag, NormalizedEvent } from '../event.ts';
import { CidrSet, classifyAddress } from '../net.ts';
import { HIGH_RISK_ACTIONS } from './high-risk-actions.ts';

/** The seed's points per flag; an event with an error gets ERROR_POINTS more; the total caps at 10. */
export const FLAG_POINTS: Record<AnomalyFlag, number> = {
  UNUSUAL_TIME: 2,
  UNUSUAL_LOCATION: 4,
  HIGH_RISK_ACTION: 5,
  ROOT_USER_ACTIVITY: 6,
  FAILED_AUTHENTICATION: 3,
};
export const ERROR_POINTS = 3;
export const MAX_RISK = 10;
const QUARTER_HOUR = 15 * 60_000;

/** Error codes that mean a credential or signature was rejected (not an authorization decision). */
const AUTH_FAILURE_CODES = new Set([
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
  'IncompleteSignature',
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidAccessKeyId',
  'AuthFailure',
  'UnrecognizedClientException',
]);

/** The seed's five flags, computed with its bugs fixed (UTC/time zone, real login failures, trusted networks). */
export class FlagEvaluator {
  private readonly trusted: CidrSet;
  private readonly highRisk: Set<string>;
  /** Names the user added: flagged even when CloudTrail marks the call read-only. */
  private readonly userAdded: Set<string>;
  private readonly workingHour: (time: number) => boolean;

  constructor(config: Pick<Config, 'trustedCidrs' | 'highRiskActions' | 'timeZone' | 'businessHours'>) {
    this.trusted = new CidrSet(config.trustedCidrs);
    this.highRisk = new Set(HIGH_RISK_ACTIONS);
    this.userAdded = new Set(config.highRiskActions.add);
    for (const name of config.highRiskActions.add) this.highRisk.add(name);
    for (const name of config.highRiskActions.remove) this.highRisk.delete(name);
    this.workingHour = businessHoursTest(config.timeZone, config.businessHours);
  }

  /** The flags an event earns. */
  flags(event: NormalizedEvent): AnomalyFlag[] {
    if (event.source !== 'cloudtrail' && event.source !== 'vpc-flow') return this.appFlags(event);
    const flags: AnomalyFlag[] = [];
    if (!this.workingHour(event.time)) flags.push('UNUSUAL_TIME');
    if (this.isUnusualLocation(event)) flags.push('UNUSUAL_LOCATION');
    if (this.highRisk.has(event.action) && (event.readOnly !== true || this.userAdded.has(event.action))) {
      flags.push('HIGH_RISK_ACTION');
    }
    if (isRootActivity(event)) flags.push('ROOT_USER_ACTIVITY');
    if (isFailedAuthentication(event)) flags.push('FAILED_AUTHENTICATION');
    return flags;
  }

  /**
   * Application lines are not calls on the account: web clients are public by nature and one failed
   * login is no incident (the burst detectors judge those). Only successful logins carry the time
   * and location flags; failed ones carry FAILED_AUTHENTICATION.
   */
  private appFlags(event: NormalizedEvent): AnomalyFlag[] {
    const flags: AnomalyFlag[] = [];
    if (event.action === 'auth.success') {
      if (!this.workingHour(event.time)) flags.push('UNUSUAL_TIME');
      if (this.isUnusualLocation(event)) flags.push('UNUSUAL_LOCATION');
    } else if (event.action === 'auth.failure') {
      flags.push('FAILED_AUTHENTICATION');
    }
    return flags;
  }

  private isUnusualLocation(event: NormalizedEvent): boolean {
    // AWS services acting for a principal (invokedBy, service hostnames, "AWS Internal") are not a place.
    if (event.principal.type === 'AWSService') return false;
    // The engine's enrichment step has classified the address already (and caches it per address).
    const kind = event.geo?.kind ?? classifyAddress(event.sourceIp);
    if (kind !== 'public') return false;
    return !this.trusted.contains(event.sourceIp);
  }
}

/** The seed's risk score: error +3, the points of each flag, capped at 10. */
export function riskScore(event: NormalizedEvent, flags: readonly AnomalyFlag[]): number {
  let score = event.errorCode ? ERROR_POINTS : 0;
  for (const flag of flags) score += FLAG_POINTS[flag];
  return Math.min(MAX_RISK, score);
}

/** Root acting in person (not an AWS service acting with root's identity). */
export function isRootActivity(event: NormalizedEvent): boolean {
  if (event.principal.type !== 'Root') return false;
  const identity = event.raw.userIdentity as Record<string, unknown> | undefined;
  return !identity?.invokedBy;
}

/** Console sign-in failures (`responseElements.ConsoleLogin = "Failure"`) and rejected credentials. */
export function isFailedAuthentication(event: NormalizedEvent): boolean {
  if (event.action === 'ConsoleLogin') {
    const response = event.raw.responseElements as Record<string, unknown> | null | undefined;
    return response?.ConsoleLogin === 'Failure' || event.errorMessage === 'Failed authentication';
  }
  return event.errorCode !== undefined && AUTH_FAILURE_CODES.has(event.errorCode);
}

/**
 * A fast test of "inside business hours" in a time zone. The local time is looked up once per
 * quarter hour (every zone's UTC offset is a multiple of 15 minutes), not once per event.
 */
export function businessHoursTest(
  timeZone: string,
  hours: { start: number; end: number; days: readonly number[] },
): (time: number) => boolean {
  const days = new Set(hours.days);
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    weekday: 'short',
    hour: '2-digit',
  });
  const weekdays: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };
  const cache = new Map<number, boolean>();
  return (time: number) => {
    const bucket = Math.floor(time / QUARTER_HOUR);
    let inside = cache.get(bucket);
    if (inside === undefined) {
      const { day, hour } = localDayHour(format, weekdays, bucket * QUARTER_HOUR);
      inside = days.has(day) && hour >= hours.start && hour < hours.end;
      if (cache.size > 100_000) cache.clear();
      cache.set(bucket, inside);
    }
    return inside;
  };
}

function localDayHour(
  format: Intl.DateTimeFormat,
  weekdays: Record<string, number>,
  time: number,
): { day: number; hour: number } {
  let day = 0;
  let hour = 0;
  for (const part of format.formatToParts(time)) {
    if (part.type === 'weekday') day = weekdays[part.value] ?? 0;
    else if (part.type === 'hour') hour = Number(part.value);
  }
  return { day, hour };
}
