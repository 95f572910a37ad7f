import type { ProcessedEvent } from '../../../src/core/event.ts';
import { normalizeCloudTrailRecord } from '../../../src/core/sources/cloudtrail.ts';

let counter = 0;

/** A processed CloudTrail event built from a minimal real-shaped record. */
export function ctEvent(fields: Record<string, unknown>): ProcessedEvent {
  counter++;
  const record = {
    eventVersion: '1.08',
    eventID: `evt-${counter}`,
    eventTime: '2024-05-01T10:00:00Z',
    awsRegion: 'us-east-1',
    sourceIPAddress: '198.51.100.7',
    userAgent: 'aws-cli/2.15.0',
    recipientAccountId: '123456789012',
    eventType: 'AwsApiCall',
    userIdentity: {
      type: 'IAMUser',
      principalId: 'AIDAEXAMPLE',
      arn: 'arn:aws:iam::123456789012:user/alice',
      accountId: '123456789012',
      accessKeyId: 'AKIAEXAMPLE',
      userName: 'alice',
    },
    ...fields,
  };
  const r = normalizeCloudTrailRecord(record, 'test', counter);
  if (!r.ok) throw new Error(r.error.reason);
  return Object.assign(r.value, { anomalyFlags: [], riskScore: 0 }) as ProcessedEvent;
}

/** Epoch-ms ISO time `minutes` after 2024-05-01T10:00:00Z. */
export const at = (minutes: number) =>
  new Date(Date.parse('2024-05-01T10:00:00Z') + minutes * 60_000).toISOString();
