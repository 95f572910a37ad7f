import type { ProcessedEvent } from '../../../event.ts';
import { defineThreshold, HOUR, MINUTE } from '../../threshold/threshold-rule.ts';
import { denied, mitre, req, str, succeeded, TACTIC, viaAwsService } from '../helpers.ts';

/** A List, Describe or Get call (prefix tests: this runs for every event). */
const isRead = (action: string) =>
  action.startsWith('List') || action.startsWith('Describe') || action.startsWith('Get');
const principalKey = (e: ProcessedEvent) => e.principal.arn ?? e.principal.id;
/** `ec2` of `ec2.amazonaws.com` (what split('.')[0] gives, without the array: this runs per read call). */
const serviceName = (service: string) => {
  const dot = service.indexOf('.');
  return dot < 0 ? service : service.slice(0, dot);
};

/** Many different read calls in a short time: enumeration. */
export const enumerationBurst = defineThreshold({
  id: 'api.enumeration-burst',
  title: 'Enumeration: many different List/Describe/Get calls',
  description:
    'One principal made 30 or more different List, Describe or Get calls within 10 minutes. People rarely browse that widely; tools that map an account after a compromise do.',
  severity: 'MEDIUM',
  mitre: [mitre(TACTIC.discovery, 'T1526'), mitre(TACTIC.discovery, 'T1580')],
  appliesTo: {},
  matches: (e) => isRead(e.action) && !viaAwsService(e),
  groupBy: principalKey,
  distinct: (e) => `${serviceName(e.service)}:${e.action}`,
  threshold: 30,
  windowMs: 10 * MINUTE,
  explain: (_who, count, sample, e) =>
    `${e.principal.name} made ${count} different read calls within 10 minutes (e.g. ${sample.slice(0, 6).join(', ')}).`,
});

/** Security tooling enumerated: what defences are there? */
const SECURITY_DISCOVERY = new Set([
  'DescribeSecurityGroups',
  'DescribeTrails',
  'GetTrailStatus',
  'GetEventSelectors',
  'ListDetectors',
  'GetDetector',
  'DescribeConfigurationRecorders',
  'DescribeConfigurationRecorderStatus',
  'DescribeHub',
  'GetEnabledStandards',
  'DescribeFlowLogs',
  'ListWebACLs',
  'GetMacieSession',
  'ListAnalyzers',
  'DescribeAlarms',
  'ListFindings',
  'GetFindings',
  'DescribeNetworkAcls',
]);

export const securityToolingDiscovery = defineThreshold({
  id: 'api.security-tooling-discovery',
  title: 'Security tooling enumerated',
  description:
    'One principal listed security controls (trails, detectors, recorders, security groups, flow logs, WAF, alarms) 20 or more times within 10 minutes.',
  severity: 'LOW',
  mitre: [mitre(TACTIC.discovery, 'T1518.001')],
  appliesTo: {},
  matches: (e) => SECURITY_DISCOVERY.has(e.action) && !viaAwsService(e),
  groupBy: principalKey,
  threshold: 20,
  windowMs: 10 * MINUTE,
  explain: (_who, count, _s, e) =>
    `${e.principal.name} made ${count} calls that list security controls within 10 minutes.`,
  equivalents: ['panther:AWS.Software.Discovery'],
});

/** IAM group reads in bulk. */
export const iamGroupReads = defineThreshold({
  id: 'iam.group-enumeration',
  title: 'IAM groups enumerated',
  description:
    'One principal read IAM groups, their members or policies five or more times within 10 minutes.',
  severity: 'LOW',
  mitre: [mitre(TACTIC.discovery, 'T1069.003')],
  appliesTo: {
    eventSource: ['iam.amazonaws.com'],
    eventName: [
      'GetGroup',
      'GetGroupPolicy',
      'ListAttachedGroupPolicies',
      'ListGroupPolicies',
      'ListGroups',
      'ListGroupsForUser',
    ],
  },
  matches: (e) => succeeded(e),
  groupBy: principalKey,
  threshold: 5,
  windowMs: 10 * MINUTE,
  explain: (_who, count, _s, e) => `${e.principal.name} read IAM groups ${count} times within 10 minutes.`,
  equivalents: ['panther:AWS.IAM.Group.Read.Only.Events'],
});

/** Password policy read or changed repeatedly. */
export const passwordPolicyDiscovery = defineThreshold({
  id: 'iam.password-policy-discovery',
  title: 'Account password policy probed',
  description:
    'The account password policy was read or changed twice or more by one principal within 10 minutes: learning what passwords to guess.',
  severity: 'LOW',
  mitre: [mitre(TACTIC.discovery, 'T1201')],
  appliesTo: {
    eventSource: ['iam.amazonaws.com'],
    eventName: ['GetAccountPasswordPolicy', 'UpdateAccountPasswordPolicy', 'DeleteAccountPasswordPolicy'],
  },
  matches: (e) => !viaAwsService(e),
  groupBy: principalKey,
  threshold: 2,
  windowMs: 10 * MINUTE,
  explain: (_who, count, _s, e) =>
    `${e.principal.name} touched the password policy ${count} times within 10 minutes.`,
  equivalents: ['panther:AWS.CloudTrail.Password.Policy.Discovery'],
});

/** Instance user data read for many calls: user data often holds secrets. */
export const userDataDownload = defineThreshold({
  id: 'ec2.user-data-read-burst',
  title: 'Instance user data read repeatedly',
  description:
    'One principal asked for the user data of EC2 instances five or more times within 10 minutes. User data often carries passwords and keys; attackers pull it from every instance.',
  severity: 'MEDIUM',
  mitre: [mitre(TACTIC.discovery, 'T1580'), mitre(TACTIC.credentialAccess, 'T1552.005')],
  appliesTo: { eventSource: ['ec2.amazonaws.com'], eventName: ['DescribeInstanceAttribute'] },
  matches: (e) => str(req(e).attribute) === 'userData' && !viaAwsService(e),
  groupBy: principalKey,
  threshold: 5,
  windowMs: 10 * MINUTE,
  explain: (_who, count, _s, e) =>
    `${e.principal.name} asked for instance user data ${count} times within 10 minutes${denied(e) ? ' (some were denied)' : ''}.`,
  equivalents: ['panther:AWS.EC2.DownloadInstanceUserData'],
});

/** RDS/EC2 password data attempts. */
export const passwordDataReads = defineThreshold({
  id: 'ec2.password-data-read-burst',
  title: 'Windows instance passwords requested repeatedly',
  description:
    'One principal called GetPasswordData ten or more times within an hour. Retrieving Windows administrator passwords of many instances is credential theft.',
  severity: 'MEDIUM',
  mitre: [mitre(TACTIC.credentialAccess, 'T1555')],
  appliesTo: { eventSource: ['ec2.amazonaws.com'], eventName: ['GetPasswordData'] },
  matches: (e) => !viaAwsService(e),
  groupBy: principalKey,
  threshold: 10,
  windowMs: HOUR,
  explain: (_who, count, _s, e) =>
    `${e.principal.name} requested instance passwords ${count} times within an hour.`,
  equivalents: ['panther:AWS.EC2.ManyPasswordReadAttempts'],
});

export const thresholds = [
  enumerationBurst,
  securityToolingDiscovery,
  iamGroupReads,
  passwordPolicyDiscovery,
  userDataDownload,
  passwordDataReads,
];
