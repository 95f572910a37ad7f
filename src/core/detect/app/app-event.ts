import type { NormalizedEvent, ProcessedEvent } from '../../event.ts';
import { type Finding, type MitreRef, SEVERITY_RISK, type Severity } from '../../finding.ts';
import { stableId } from '../../hash.ts';
import { isErrorLevel } from '../../sources/app-log.ts';

/** The sources application-log events come from (files, CloudWatch Logs). */
export const APP_EVENT_SOURCES = ['app-log', 'cloudwatch-logs'] as const;

/** True for application-log events (files or CloudWatch Logs). */
export function isAppEvent(e: NormalizedEvent): boolean {
  return e.source === 'app-log' || e.source === 'cloudwatch-logs';
}

/** The HTTP status of an app event, when it has one. */
export function httpStatus(e: NormalizedEvent): number | undefined {
  const s = e.raw.status;
  return typeof s === 'number' ? s : undefined;
}

/** An error-level line that is not an HTTP response (those are counted by status). */
export function isErrorLine(e: NormalizedEvent): boolean {
  return httpStatus(e) === undefined && isErrorLevel(e.raw.level as string | undefined);
}

/** A failed login: sshd/PAM/sudo/app failures, and HTTP 401 responses. */
export function isAuthFailure(e: NormalizedEvent): boolean {
  return e.action === 'auth.failure' || httpStatus(e) === 401;
}

/** The evidence of an app event: the line and what was read from it. */
export function appEvidence(e: ProcessedEvent): Record<string, unknown> {
  const ev: Record<string, unknown> = {
    time: new Date(e.time).toISOString(),
    service: e.service,
    action: e.action,
    line: e.raw.line,
  };
  if (e.sourceIp) ev.sourceIp = e.sourceIp;
  if (e.principal.type !== 'Unknown') ev.user = e.principal.name;
  if (e.raw.logGroup) ev.logGroup = e.raw.logGroup;
  return ev;
}

/** Builds an app finding with a deterministic id. */
export function appFinding(input: {
  ruleId: string;
  key: readonly (string | number)[];
  title: string;
  severity: Severity;
  mitre: MitreRef[];
  event: ProcessedEvent;
  eventIds: string[];
  explanation: string;
  evidence: Record<string, unknown>;
  sourceIp?: string;
  user?: string;
}): Finding {
  const e = input.event;
  const f: Finding = {
    id: stableId(input.ruleId, ...input.key),
    ruleId: input.ruleId,
    title: input.title,
    severity: input.severity,
    riskScore: SEVERITY_RISK[input.severity],
    flags: [],
    mitre: input.mitre,
    eventIds: input.eventIds,
    time: e.time,
    explanation: input.explanation,
    evidence: input.evidence,
  };
  if (input.user) f.principal = { type: 'AppUser', id: `${e.service}:${input.user}`, name: input.user };
  if (e.account) f.account = e.account;
  if (input.sourceIp) f.sourceIp = input.sourceIp;
  return f;
}
