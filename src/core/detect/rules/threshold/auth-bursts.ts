import type { ProcessedEvent } from '../../../event.ts';
import { classifyAddress } from '../../../net.ts';
import { defineThreshold, MINUTE } from '../../threshold/threshold-rule.ts';
import { denied, mitre, resp, str, TACTIC } from '../helpers.ts';

const SIGNIN = ['signin.amazonaws.com'];
const failedLogin = (e: ProcessedEvent) =>
  e.action === 'ConsoleLogin' &&
  (str(resp(e).ConsoleLogin) === 'Failure' || e.errorMessage === 'Failed authentication');
/** The user name a sign-in was for (the identity is often only partly filled for failures). */
const loginUser = (e: ProcessedEvent) => {
  const identity = (e.raw.userIdentity ?? {}) as Record<string, unknown>;
  return str(identity.userName) ?? (e.principal.type === 'Root' ? 'root' : e.principal.name);
};

/** Many failed sign-ins for one user. */
export const failedLoginsPerUser = defineThreshold({
  id: 'signin.failed-logins-per-user',
  title: 'Repeated failed console sign-ins for one user',
  description: 'Five or more console sign-ins for the same user failed within 15 minutes: password guessing.',
  severity: 'HIGH',
  mitre: [mitre(TACTIC.credentialAccess, 'T1110.001')],
  appliesTo: { eventSource: SIGNIN, eventName: ['ConsoleLogin'] },
  matches: failedLogin,
  groupBy: (e) => `${e.account}|${loginUser(e)}`,
  threshold: 5,
  windowMs: 15 * MINUTE,
  explain: (group, count, _s, e) =>
    `${count} failed console sign-ins for ${group.split('|')[1]} in 15 minutes (last from ${e.sourceIp || 'unknown'}).`,
  equivalents: ['panther:Standard.BruteForceByUser'],
});

/** Many failed sign-ins from one address. */
export const failedLoginsPerIp = defineThreshold({
  id: 'signin.failed-logins-per-ip',
  title: 'Repeated failed console sign-ins from one address',
  description:
    'Five or more console sign-ins from the same IP address failed within 15 minutes: brute force from one source.',
  severity: 'HIGH',
  mitre: [mitre(TACTIC.credentialAccess, 'T1110')],
  appliesTo: { eventSource: SIGNIN, eventName: ['ConsoleLogin'] },
  matches: failedLogin,
  groupBy: (e) => e.sourceIp || undefined,
  threshold: 5,
  windowMs: 15 * MINUTE,
  explain: (ip, count) => `${count} failed console sign-ins from ${ip} in 15 minutes.`,
  equivalents: ['panther:Standard.BruteForceByIP'],
});

/** Failures spread over many user names: password spraying. */
export const passwordSpray = defineThreshold({
  id: 'signin.password-spraying',
  title: 'Password spraying: failed sign-ins for many users',
  description:
    'Failed console sign-ins for ten or more different user names in one account and region within an hour: one password tried against many users.',
  severity: 'HIGH',
  mitre: [mitre(TACTIC.credentialAccess, 'T1110.003'), mitre(TACTIC.initialAccess, 'T1078')],
  appliesTo: { eventSource: SIGNIN, eventName: ['ConsoleLogin'] },
  matches: failedLogin,
  groupBy: (e) => `${e.account}|${e.region}`,
  distinct: loginUser,
  threshold: 10,
  windowMs: 60 * MINUTE,
  explain: (group, count, sample) =>
    `Failed console sign-ins for ${count} different users in ${group.replace('|', ' / ')} within an hour (${sample.join(', ')}).`,
  equivalents: ['panther:AWS.CloudTrail.PasswordSpraying'],
});

/** Bursts of AccessDenied / UnauthorizedOperation: probing what a credential may do. */
export const accessDeniedBurst = defineThreshold({
  id: 'api.access-denied-burst',
  title: 'Burst of access-denied errors from one principal',
  description:
    'Ten or more calls by the same principal were refused for lack of permission within 10 minutes. Stolen credentials are probed this way to learn what they allow.',
  severity: 'MEDIUM',
  mitre: [mitre(TACTIC.discovery, 'T1526'), mitre(TACTIC.discovery, 'T1580')],
  appliesTo: {},
  // Calls made by AWS services for the principal, and the console's own probing, are not the principal probing.
  matches: (e) =>
    denied(e) && classifyAddress(e.sourceIp) !== 'aws-service' && !e.userAgent.startsWith('aws-internal'),
  groupBy: (e) => e.principal.arn ?? e.principal.id,
  threshold: 10,
  windowMs: 10 * MINUTE,
  explain: (who, count, _s, e) =>
    `${count} calls by ${e.principal.name} (${who}) were denied within 10 minutes; the last was ${e.service.split('.')[0]}:${e.action} (${e.errorCode}).`,
  equivalents: ['panther:AWS.CloudTrail.UnauthorizedAPICall', 'panther:AWS.IAMUser.ReconAccessDenied'],
});

export const thresholds = [failedLoginsPerUser, failedLoginsPerIp, passwordSpray, accessDeniedBurst];
