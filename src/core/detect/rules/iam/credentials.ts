import type { ProcessedEvent } from '../../../event.ts';
import { actor, at, callerName, defineRule, mitre, req, resp, str, succeeded, TACTIC } from '../helpers.ts';

const IAM = ['iam.amazonaws.com'];

/** The IAM user a credential call targets (request, else response). */
function targetUser(e: ProcessedEvent): string | undefined {
  return str(req(e).userName) ?? str(at(resp(e), 'accessKey.userName'));
}

/** True when the call targets a user other than the caller. */
function forAnotherUser(e: ProcessedEvent): boolean {
  const target = targetUser(e);
  if (!target) return false;
  if (e.principal.type === 'Root') return true;
  return target !== callerName(e);
}

/** Access keys minted for someone else: a classic persistence backdoor. */
export const accessKeyForOtherUser = defineRule({
  id: 'iam.access-key-created-for-other-user',
  title: 'Access key created for another IAM user',
  description:
    'An access key was created for a different IAM user than the caller. Attackers add keys to existing users to keep access that survives a password reset.',
  severity: 'MEDIUM',
  mitre: [mitre(TACTIC.persistence, 'T1098.001')],
  appliesTo: { eventSource: IAM, eventName: ['CreateAccessKey'] },
  evaluate: (e) =>
    succeeded(e) &&
    forAnotherUser(e) && {
      explanation: `${actor(e)} created access key ${str(at(resp(e), 'accessKey.accessKeyId')) ?? ''} for IAM user ${targetUser(e)}, not for itself.`,
    },
  equivalents: [
    'panther:AWS.IAM.Backdoor.User.Keys',
    'panther:AWS.IAM.CredentialsUpdated',
    'sigma:0a5177f4-6ca9-44c2-aacf-d3f3d8b6e4d2',
  ],
});

/** Root access keys should never exist. */
export const rootAccessKeyCreated = defineRule({
  id: 'iam.root-access-key-created',
  title: 'Access key created for the root user',
  description:
    'The root user created an access key for itself. Root keys cannot be limited by any policy; AWS advises never to have them.',
  severity: 'CRITICAL',
  mitre: [mitre(TACTIC.persistence, 'T1098.001')],
  appliesTo: { eventSource: IAM, eventName: ['CreateAccessKey'] },
  evaluate: (e) => succeeded(e) && e.principal.type === 'Root' && !str(req(e).userName),
  equivalents: ['panther:AWS.CloudTrail.RootAccessKeyCreated', 'panther:AWS.IAM.CredentialsUpdated'],
});

/** Any new credential for a user (password set or changed, key created): low, for the timeline. */
export const credentialsChanged = defineRule({
  id: 'iam.credentials-created-or-changed',
  title: 'IAM user credentials created or changed',
  description: 'A console password or access key was created or changed for an IAM user.',
  severity: 'LOW',
  mitre: [mitre(TACTIC.persistence, 'T1098')],
  appliesTo: {
    eventSource: IAM,
    eventName: ['ChangePassword', 'CreateAccessKey', 'CreateLoginProfile', 'UpdateLoginProfile'],
  },
  evaluate: (e) => succeeded(e),
  equivalents: ['panther:AWS.IAM.CredentialsUpdated'],
});

/** A console password set for another user gives console access to whoever set it. */
export const loginProfileForOtherUser = defineRule({
  id: 'iam.login-profile-created-for-other-user',
  title: 'Console password created for another IAM user',
  description:
    'A console login profile (password) was created for another IAM user. Whoever set it can now sign in to the console as that user.',
  severity: 'MEDIUM',
  mitre: [mitre(TACTIC.persistence, 'T1098'), mitre(TACTIC.privilegeEscalation, 'T1098')],
  appliesTo: { eventSource: IAM, eventName: ['CreateLoginProfile'] },
  evaluate: (e) =>
    succeeded(e) &&
    forAnotherUser(e) && { explanation: `${actor(e)} set a console password for IAM user ${targetUser(e)}.` },
  equivalents: ['panther:AWS.CloudTrail.LoginProfileCreatedOrModified', 'panther:AWS.IAM.CredentialsUpdated'],
});

/** Changing another user's password without forcing a reset lets the changer sign in as them. */
export const loginProfileChangedForOtherUser = defineRule({
  id: 'iam.login-profile-changed-for-other-user',
  title: "Another IAM user's console password changed",
  description:
    'The console password of another IAM user was changed without requiring a reset at next sign-in, so whoever changed it can sign in as that user (privilege escalation through iam:UpdateLoginProfile).',
  severity: 'MEDIUM',
  mitre: [mitre(TACTIC.privilegeEscalation, 'T1098'), mitre(TACTIC.persistence, 'T1098')],
  appliesTo: { eventSource: IAM, eventName: ['UpdateLoginProfile'] },
  evaluate: (e) =>
    succeeded(e) &&
    forAnotherUser(e) &&
    req(e).passwordResetRequired !== true && {
      explanation: `${actor(e)} changed the console password of IAM user ${targetUser(e)} without requiring a reset.`,
    },
  equivalents: [
    'panther:AWS.CloudTrail.LoginProfileCreatedOrModified',
    'panther:AWS.User.Login.Profile.Modified',
    'panther:AWS.IAM.CredentialsUpdated',
    'sigma:055fb148-60f8-462d-ad16-26926ce050f1',
  ],
});

/** Password reset for another user with a forced change at next sign-in: usually helpdesk work. */
export const loginProfileResetForOtherUser = defineRule({
  id: 'iam.login-profile-reset-for-other-user',
  title: "Another IAM user's console password reset",
  description:
    "Another IAM user's console password was reset with a change required at next sign-in (usually an administrator's reset).",
  severity: 'LOW',
  mitre: [mitre(TACTIC.persistence, 'T1098')],
  appliesTo: { eventSource: IAM, eventName: ['UpdateLoginProfile'] },
  evaluate: (e) => succeeded(e) && forAnotherUser(e) && req(e).passwordResetRequired === true,
  equivalents: ['sigma:055fb148-60f8-462d-ad16-26926ce050f1'],
});

/** MFA removed from a user. */
export const mfaRemoved = defineRule({
  id: 'iam.mfa-device-removed',
  title: 'MFA device deactivated or deleted',
  description: 'An MFA device was deactivated or deleted, so the user can sign in with a password alone.',
  severity: 'MEDIUM',
  mitre: [mitre(TACTIC.defenseEvasion, 'T1556.006'), mitre(TACTIC.credentialAccess, 'T1556.006')],
  appliesTo: { eventSource: IAM, eventName: ['DeactivateMFADevice', 'DeleteVirtualMFADevice'] },
  evaluate: (e) => succeeded(e),
});

/** AWS attached its quarantine policy: AWS found the key exposed in public. */
export const keyQuarantined = defineRule({
  id: 'iam.access-key-quarantined-by-aws',
  title: 'AWS quarantined an exposed access key',
  description:
    'AWS attached its compromised-key quarantine policy to an IAM user: one of its access keys was found exposed publicly (for example on GitHub). Treat the key as stolen.',
  severity: 'HIGH',
  mitre: [mitre(TACTIC.credentialAccess, 'T1552.001'), mitre(TACTIC.initialAccess, 'T1078.004')],
  appliesTo: { eventSource: IAM, eventName: ['AttachUserPolicy', 'PutUserPolicy'] },
  evaluate: (e) => {
    if (!succeeded(e)) return false;
    const r = req(e);
    const name = `${str(r.policyArn) ?? ''} ${str(r.policyName) ?? ''}`;
    return (
      /AWSCompromisedKeyQuarantine|AWSExposedCredentialPolicy/.test(name) && {
        explanation: `AWS quarantined IAM user ${str(r.userName) ?? e.principal.name}: policy ${name.trim()} was attached because a key of that user was exposed.`,
      }
    );
  },
  equivalents: ['panther:AWS.CloudTrail.IAMCompromisedKeyQuarantine', 'panther:AWS.IAM.AccessKeyCompromised'],
});

/** The account password policy weakened or removed. */
export const passwordPolicyWeakened = defineRule({
  id: 'iam.password-policy-weakened',
  title: 'Account password policy deleted or weakened',
  description:
    'The account password policy was deleted, or updated to allow passwords shorter than 14 characters.',
  severity: 'MEDIUM',
  mitre: [mitre(TACTIC.defenseEvasion, 'T1556')],
  appliesTo: { eventSource: IAM, eventName: ['DeleteAccountPasswordPolicy', 'UpdateAccountPasswordPolicy'] },
  evaluate: (e) => {
    if (!succeeded(e)) return false;
    if (e.action === 'DeleteAccountPasswordPolicy') return true;
    const min = Number(req(e).minimumPasswordLength);
    return Number.isFinite(min) && min < 14;
  },
});

/** Tools that create users and keys with a recognisable user agent (S3 Browser). */
export const s3BrowserIdentityActivity = defineRule({
  id: 'iam.s3-browser-identity-activity',
  title: 'S3 Browser used to create IAM users, keys, passwords or policies',
  description:
    'The S3 Browser client created IAM users, access keys, console passwords or inline policies. Attackers use it with stolen keys to create their own users.',
  severity: 'HIGH',
  mitre: [mitre(TACTIC.persistence, 'T1136.003'), mitre(TACTIC.persistence, 'T1098.001')],
  appliesTo: {
    eventSource: IAM,
    eventName: ['CreateUser', 'CreateAccessKey', 'CreateLoginProfile', 'GetLoginProfile', 'PutUserPolicy'],
  },
  evaluate: (e) => e.userAgent.includes('S3 Browser'),
  equivalents: [
    'sigma:db014773-d9d9-4792-91e5-133337c0ffee',
    'sigma:db014773-b1d3-46bd-ba26-133337c0ffee',
    'sigma:db014773-7375-4f4e-b83b-133337c0ffee',
  ],
});

export const rules = [
  accessKeyForOtherUser,
  rootAccessKeyCreated,
  credentialsChanged,
  loginProfileForOtherUser,
  loginProfileChangedForOtherUser,
  loginProfileResetForOtherUser,
  mfaRemoved,
  keyQuarantined,
  passwordPolicyWeakened,
  s3BrowserIdentityActivity,
];
