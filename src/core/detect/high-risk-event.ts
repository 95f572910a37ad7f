import type { ProcessedEvent } from '../event.ts';
import { type Finding, SEVERITY_RISK, type Severity } from '../finding.ts';
import { stableId } from '../hash.ts';
import type { Detector } from './detector.ts';

export const HIGH_RISK_EVENT_RULE = 'seed.high-risk-event';

/**
 * The seed's alerting behaviour as a finding: every event whose own risk score reaches the
 * high-risk threshold (seed: 7) is reported, with the flags that put it there.
 */
export class HighRiskEventDetector implements Detector {
  readonly id = HIGH_RISK_EVENT_RULE;
  readonly stateless = true;

  constructor(private readonly threshold: number) {}

  observe(event: ProcessedEvent): Finding[] {
    if (event.riskScore < this.threshold) return [];
    const severity: Severity = event.riskScore >= SEVERITY_RISK.CRITICAL ? 'CRITICAL' : 'HIGH';
    const reasons = event.anomalyFlags.map((f) => f.toLowerCase().replaceAll('_', ' '));
    if (event.errorCode) reasons.push(`error ${event.errorCode}`);
    return [
      {
        id: stableId(HIGH_RISK_EVENT_RULE, event.id),
        ruleId: HIGH_RISK_EVENT_RULE,
        title: `High-risk ${event.action} by ${event.principal.name}`,
        severity,
        riskScore: event.riskScore,
        flags: [...event.anomalyFlags],
        mitre: [],
        eventIds: [event.id],
        principal: pickPrincipal(event),
        time: event.time,
        account: event.account,
        region: event.region,
        sourceIp: event.sourceIp,
        explanation: `${event.principal.name} (${event.principal.type}) called ${serviceName(event.service)}:${event.action} from ${event.sourceIp || 'an unknown address'}; risk ${event.riskScore}/10 from ${reasons.join(', ')}.`,
        evidence: eventEvidence(event),
      },
    ];
  }
}

/** `ec2` of `ec2.amazonaws.com`: what `split('.')[0]` gives, without the array. */
export function serviceName(service: string): string {
  const dot = service.indexOf('.');
  return dot < 0 ? service : service.slice(0, dot);
}

/** The identifying part of an event's principal, as findings carry it. */
export function pickPrincipal(event: ProcessedEvent): Finding['principal'] {
  const { type, id, name, arn } = event.principal;
  return arn ? { type, id, name, arn } : { type, id, name };
}

let lastTime = Number.NaN;
let lastIso = '';

/** `toISOString` of an event time, remembered for the last time: an event's findings share it. */
export function isoTime(time: number): string {
  if (time !== lastTime) {
    lastIso = new Date(time).toISOString();
    lastTime = time;
  }
  return lastIso;
}

/** The fields of an event a responder needs to see, not the whole record. */
export function eventEvidence(event: ProcessedEvent): Record<string, unknown> {
  const raw = event.raw;
  const evidence: Record<string, unknown> = {
    eventID: event.id,
    eventTime: isoTime(event.time),
    eventSource: event.service,
    eventName: event.action,
    sourceIPAddress: event.sourceIp,
    userAgent: event.userAgent,
  };
  if (event.errorCode) evidence.errorCode = event.errorCode;
  if (raw.requestParameters) evidence.requestParameters = raw.requestParameters;
  if (raw.responseElements) evidence.responseElements = raw.responseElements;
  return evidence;
}
