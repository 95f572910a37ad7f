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
