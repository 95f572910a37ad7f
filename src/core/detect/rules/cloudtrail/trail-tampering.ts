import { at, defineRule, items, list, mitre, req, succeeded, TACTIC } from '../helpers.ts';

const CT = ['cloudtrail.amazonaws.com'];
const SECURITY_CHANGE = 'panther:AWS.CloudTrail.SecurityConfigurationChange';
const SIGMA_DISABLE_LOGGING = 'sigma:4db60cc0-36fb-42b7-9b58-a5b53019fb74';

/** StopLogging: the trail keeps existing but records nothing. */
export const trailLoggingStopped = defineRule({
  id: 'cloudtrail.logging-stopped',
  title: 'CloudTrail logging stopped',
  description:
    'A trail was told to stop logging. Nothing done in the account after this is recorded by that trail; attackers do this first to work unseen.',
  severity: 'HIGH',
  mitre: [mitre(TACTIC.defenseEvasion, 'T1562.008')],
  appliesTo: { eventSource: CT, eventName: ['StopLogging'] },
  evaluate: (e) => succeeded(e),
  references: ['https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_StopLogging.html'],
  equivalents: ['panther:AWS.CloudTrail.Stopped', SECURITY_CHANGE, SIGMA_DISABLE_LOGGING],
});

/** DeleteTrail: the trail and its configuration are gone. */
export const trailDeleted = defineRule({
  id: 'cloudtrail.trail-deleted',
  title: 'CloudTrail trail deleted',
  description:
    'A trail was deleted, so the activity it recorded is no longer delivered. This blinds audit and detection.',
  severity: 'HIGH',
  mitre: [mitre(TACTIC.defenseEvasion, 'T1562.008')],
  appliesTo: { eventSource: CT, eventName: ['DeleteTrail'] },
  evaluate: (e) => succeeded(e),
  equivalents: ['panther:AWS.CloudTrail.Stopped', SECURITY_CHANGE, SIGMA_DISABLE_LOGGING],
});

/** UpdateTrail can redirect delivery to another bucket or drop regions and global events. */
export const trailUpdated = defineRule({
  id: 'cloudtrail.trail-updated',
  title: 'CloudTrail trail settings changed',
  description:
    'A trail was updated. An update can move delivery to another bucket, turn off multi-region or global service events, or drop log file validation.',
  severity: 'MEDIUM',
  mitre: [mitre(TACTIC.defenseEvasion, 'T1562.008')],
  appliesTo: { eventSource: CT, eventName: ['UpdateTrail'] },
  evaluate: (e) => {
    if (!succeeded(e)) return false;
    const r = req(e);
    const weakened =
      r.isMultiRegionTrail === false ||
      r.includeGlobalServiceEvents === false ||
      r.enableLogFileValidation === false;
    return weakened ? { severity: 'HIGH', evidence: { weakenedSettings: true } } : true;
  },
  equivalents: [SIGMA_DISABLE_LOGGING],
});

/** True when a trail's selectors leave out management events (basic or advanced selectors). */
function dropsManagementEvents(r: Record<string, unknown>): boolean {
  for (const selector of list<Record<string, unknown>>(r.eventSelectors)) {
    if (selector && selector.includeManagementEvents === false) return true;
    if (selector && list(selector.excludeManagementEventSources).length > 0) return true;
  }
  for (const selector of list<Record<string, unknown>>(r.advancedEventSelectors)) {
    for (const field of list<Record<string, unknown>>(selector?.fieldSelectors)) {
      if (field?.field === 'eventCategory' && list(field.notEquals).includes('Management')) return true;
    }
  }
  return false;
}

/** PutEventSelectors that stops recording management events (what stratus and real attackers do). */
export const eventSelectorsReduced = defineRule({
  id: 'cloudtrail.event-selectors-exclude-management',
  title: 'CloudTrail stopped recording management events',
  description:
    'Event selectors were changed so the trail no longer records management events (or excludes some of their sources). API calls that change the account stop being logged.',
  severity: 'HIGH',
  mitre: [mitre(TACTIC.defenseEvasion, 'T1562.008')],
  appliesTo: { eventSource: CT, eventName: ['PutEventSelectors'] },
  evaluate: (e) => succeeded(e) && dropsManagementEvents(req(e)),
  equivalents: ['panther:AWS.CloudTrail.EventSelectorsDisabled'],
});

/** A trail created, updated or started: a change to what is recorded (low: usually setup). */
export const trailCreatedOrStarted = defineRule({
  id: 'cloudtrail.trail-created-or-started',
  title: 'CloudTrail trail created or logging started',
  description:
    'A trail was created or logging was started. Usually setup work; worth a look when it appears next to other logging changes or sends logs to an unknown bucket.',
  severity: 'LOW',
  mitre: [mitre(TACTIC.discovery, 'T1538')],
  appliesTo: { eventSource: CT, eventName: ['CreateTrail', 'StartLogging'] },
  evaluate: (e) => succeeded(e),
  equivalents: ['panther:AWS.CloudTrail.Created'],
});

/** Buckets whose name says they hold audit logs. */
const LOG_BUCKET = /cloudtrail|trail|audit|(^|[-_.])logs?([-_.]|$)/i;

/** Days after which a lifecycle rule deletes objects, when it is enabled. */
function expirationDays(rule: Record<string, unknown>): number | undefined {
  if (rule.Status !== 'Enabled') return undefined;
  const days = [at(rule, 'Expiration.Days'), at(rule, 'NoncurrentVersionExpiration.NoncurrentDays')]
    .map(Number)
    .filter((n) => Number.isFinite(n) && n > 0);
  return days.length ? Math.min(...days) : undefined;
}

/** A lifecycle rule that deletes audit logs within days destroys the evidence trail. */
export const logBucketShortLifecycle = defineRule({
  id: 'cloudtrail.log-bucket-short-lifecycle',
  title: 'Audit log bucket set to delete logs within days',
  description:
    'A lifecycle rule on a bucket that holds CloudTrail or other audit logs now deletes objects within 30 days, so evidence disappears quickly.',
  severity: 'MEDIUM',
  mitre: [mitre(TACTIC.defenseEvasion, 'T1562.008'), mitre(TACTIC.defenseEvasion, 'T1070')],
  appliesTo: {
    eventSource: ['s3.amazonaws.com'],
    eventName: ['PutBucketLifecycle', 'PutBucketLifecycleConfiguration'],
  },
  evaluate: (e) => {
    if (!succeeded(e)) return false;
    const r = req(e);
    const bucket = String(r.bucketName ?? '');
    if (!LOG_BUCKET.test(bucket)) return false;
    const rules = [
      ...list<Record<string, unknown>>(at(r, 'LifecycleConfiguration.Rule')),
      ...items(at(r, 'LifecycleConfiguration')),
    ];
    const shortest = Math.min(...rules.map((x) => expirationDays(x) ?? Number.POSITIVE_INFINITY));
    if (!(shortest <= 30)) return false;
    return {
      explanation: `${e.principal.name} set a lifecycle rule on log bucket ${bucket} that deletes objects after ${shortest} day(s).`,
    };
  },
  equivalents: ['panther:AWS.CloudTrail.ShortLifecycle'],
});

export const rules = [
  trailLoggingStopped,
  trailDeleted,
  trailUpdated,
  eventSelectorsReduced,
  trailCreatedOrStarted,
  logBucketShortLifecycle,
];
