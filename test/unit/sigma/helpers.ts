import type { Rule } from '../../../src/core/detect/rule.ts';
import type { ProcessedEvent } from '../../../src/core/event.ts';

/** The event as the pipeline hands it to rules; Sigma rules read only `raw`. */
export function asEvent(raw: Record<string, unknown>): ProcessedEvent {
  return {
    id: String(raw.eventID),
    time: Date.parse(String(raw.eventTime)),
    source: 'cloudtrail',
    account: String(raw.recipientAccountId ?? ''),
    region: String(raw.awsRegion ?? ''),
    service: String(raw.eventSource),
    action: String(raw.eventName),
    principal: { type: 'IAMUser', id: 'x', name: 'x' },
    sourceIp: String(raw.sourceIPAddress ?? ''),
    userAgent: String(raw.userAgent ?? ''),
    raw,
    anomalyFlags: [],
    riskScore: 0,
  };
}

/** Whether the rule's appliesTo lets the engine's index route this record to it (names may carry a version suffix). */
export function admits(rule: Rule, raw: Record<string, unknown>): boolean {
  const { eventSource, eventName } = rule.appliesTo;
  if (eventSource && !eventSource.includes(String(raw.eventSource))) return false;
  const name = String(raw.eventName);
  const plain = name.replace(/\d{8}(v\d+)?$/, '');
  return !eventName || eventName.includes(name) || eventName.includes(plain);
}
