import { defineRule, mitre, succeeded, TACTIC } from '../helpers.ts';

const ORG = ['organizations.amazonaws.com'];

/** Leaving the organization drops SCPs, central trails and GuardDuty administration. */
export const leaveOrganization = defineRule({
  id: 'organizations.leave-organization',
  title: 'Account tried to leave its AWS Organization',
  description:
    'An account tried to leave its organization. Leaving removes the organization’s guardrails (SCPs), central CloudTrail and security tooling; even a refused attempt shows intent.',
  severity: 'HIGH',
  mitre: [mitre(TACTIC.defenseEvasion, 'T1562.008'), mitre(TACTIC.defenseEvasion, 'T1666')],
  appliesTo: { eventSource: ORG, eventName: ['LeaveOrganization'] },
  evaluate: (e) => (succeeded(e) ? true : { severity: 'MEDIUM' }),
  equivalents: ['panther:AWS.CloudTrail.AttemptToLeaveOrg'],
});

/** Accounts removed from the organization. */
export const accountRemoved = defineRule({
  id: 'organizations.account-removed',
  title: 'Account removed from the organization',
  description: 'A member account was removed from the organization, taking it out of central controls.',
  severity: 'HIGH',
  mitre: [mitre(TACTIC.defenseEvasion, 'T1666')],
  appliesTo: { eventSource: ORG, eventName: ['RemoveAccountFromOrganization'] },
  evaluate: (e) => succeeded(e),
});

/** Guardrails (SCPs) detached or disabled. */
export const guardrailsRemoved = defineRule({
  id: 'organizations.policy-detached-or-disabled',
  title: 'Organization policy detached, deleted or disabled',
  description:
    'A service control policy (or other organization policy) was detached, deleted, or its policy type disabled, lifting guardrails.',
  severity: 'MEDIUM',
  mitre: [mitre(TACTIC.defenseEvasion, 'T1562')],
  appliesTo: { eventSource: ORG, eventName: ['DetachPolicy', 'DeletePolicy', 'DisablePolicyType'] },
  evaluate: (e) => succeeded(e),
});

/** New accounts created inside the organization. */
export const accountCreated = defineRule({
  id: 'organizations.account-created',
  title: 'New AWS account created in the organization',
  description: 'A new member account was created in the organization.',
  severity: 'LOW',
  mitre: [mitre(TACTIC.persistence, 'T1136.003')],
  appliesTo: {
    eventSource: ORG,
    eventName: ['CreateAccount', 'CreateAccountResult', 'CreateGovCloudAccount'],
  },
  evaluate: (e) => succeeded(e),
  equivalents: ['panther:Standard.NewAWSAccountCreated'],
});

/** Reading account details and contacts. */
export const accountDiscovery = defineRule({
  id: 'organizations.account-discovery',
  title: 'Account details or contacts read',
  description:
    'Account details or contact information were read (organizations, billing or account APIs): discovery of who owns the account.',
  severity: 'LOW',
  mitre: [mitre(TACTIC.discovery, 'T1087.004')],
  appliesTo: {
    eventSource: ['organizations.amazonaws.com', 'billingconsole.amazonaws.com', 'account.amazonaws.com'],
    eventName: ['DescribeAccount', 'GetAlternateContact', 'GetContactInformation', 'ListAccounts'],
  },
  evaluate: (e) => succeeded(e),
  equivalents: ['panther:AWS.CloudTrail.Account.Discovery'],
});

/** Opt-in regions enabled: new places to run unseen. */
export const regionEnabled = defineRule({
  id: 'account.region-enabled',
  title: 'Opt-in AWS region enabled',
  description:
    'An opt-in region was enabled for the account. Unused regions are rarely monitored, which makes them a place to hide resources.',
  severity: 'MEDIUM',
  mitre: [mitre(TACTIC.defenseEvasion, 'T1535')],
  appliesTo: { eventSource: ['account.amazonaws.com'], eventName: ['EnableRegion'] },
  evaluate: (e) => succeeded(e),
  equivalents: ['panther:AWS.CloudTrail.EnableRegion', 'sigma:a5ffb6ea-c784-4e01-b30a-deb6e58ca2ab'],
});

export const rules = [
  leaveOrganization,
  accountRemoved,
  guardrailsRemoved,
  accountCreated,
  accountDiscovery,
  regionEnabled,
];
