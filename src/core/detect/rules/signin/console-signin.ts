import type { ProcessedEvent } from '../../../event.ts';
import { actor, defineRule, extra, mitre, resp, str, TACTIC } from '../helpers.ts';

const SIGNIN = ['signin.amazonaws.com'];

const loginResult = (e: ProcessedEvent) => str(resp(e).ConsoleLogin);
const mfaUsed = (e: ProcessedEvent) => str(extra(e).MFAUsed);
const viaSaml = (e: ProcessedEvent) => str(extra(e).SamlProviderArn) !== undefined;

/** Console sign-in with a password alone. */
export const loginWithoutMfa = defineRule({
  id: 'signin.console-login-without-mfa',
  title: 'Console sign-in without MFA',
  description:
    'An IAM user or the root user signed in to the console with a password and no MFA. A stolen password is then enough to take over the account.',
  severity: 'HIGH',
  mitre: [mitre(TACTIC.initialAccess, 'T1078.004')],
  appliesTo: { eventSource: SIGNIN, eventName: ['ConsoleLogin'] },
  evaluate: (e) =>
    loginResult(e) === 'Success' &&
    (e.principal.type === 'IAMUser' || e.principal.type === 'Root') &&
    mfaUsed(e)?.toLowerCase() === 'no' &&
    !viaSaml(e) && { explanation: `${actor(e)} signed in to the console without MFA.` },
  equivalents: ['panther:AWS.Console.LoginWithoutMFA', 'sigma:77caf516-34e5-4df9-b4db-20744fea0a60'],
});

/** IAM user password sign-in where the organization expects SSO. */
export const loginWithoutSaml = defineRule({
  id: 'signin.console-login-without-sso',
  title: 'Console sign-in with an IAM user password instead of SSO',
  description:
    'An IAM user signed in to the console with its own password rather than through a SAML/SSO identity provider.',
  severity: 'LOW',
  mitre: [mitre(TACTIC.initialAccess, 'T1078.004')],
  appliesTo: { eventSource: SIGNIN, eventName: ['ConsoleLogin'] },
  evaluate: (e) => loginResult(e) === 'Success' && e.principal.type === 'IAMUser' && !viaSaml(e),
  equivalents: ['panther:AWS.Console.LoginWithoutSAML'],
});

/** Root console sign-in. */
export const rootLogin = defineRule({
  id: 'signin.root-console-login',
  title: 'Root user signed in to the console',
  description:
    'The root user signed in to the console. Root should be used almost never; every sign-in deserves a look.',
  severity: 'HIGH',
  mitre: [mitre(TACTIC.privilegeEscalation, 'T1078.004'), mitre(TACTIC.initialAccess, 'T1078.004')],
  appliesTo: { eventSource: SIGNIN, eventName: ['ConsoleLogin'] },
  evaluate: (e) => loginResult(e) === 'Success' && e.principal.type === 'Root',
  equivalents: ['panther:AWS.Console.RootLogin'],
});

/** Root console sign-in that failed. */
export const rootLoginFailed = defineRule({
  id: 'signin.root-console-login-failed',
  title: 'Failed root console sign-in',
  description: 'A console sign-in as root failed: someone may be guessing the root password.',
  severity: 'MEDIUM',
  mitre: [mitre(TACTIC.credentialAccess, 'T1110')],
  appliesTo: { eventSource: SIGNIN, eventName: ['ConsoleLogin'] },
  evaluate: (e) => loginResult(e) === 'Failure' && e.principal.type === 'Root',
  equivalents: ['panther:AWS.Console.RootLoginFailed'],
});

/** Any failed console sign-in (bursts are a threshold rule). */
export const loginFailed = defineRule({
  id: 'signin.console-login-failed',
  title: 'Failed console sign-in',
  description:
    'A console sign-in failed (wrong password or user). Many in a row are a separate, threshold finding.',
  severity: 'LOW',
  mitre: [mitre(TACTIC.credentialAccess, 'T1110')],
  appliesTo: { eventSource: SIGNIN, eventName: ['ConsoleLogin'] },
  evaluate: (e) => loginResult(e) === 'Failure' || e.errorMessage === 'Failed authentication',
  equivalents: ['sigma:6393e346-1977-46ef-8987-ad414a145fad'],
});

/** Right password, wrong MFA code: the password is probably known to someone else. */
export const mfaFailure = defineRule({
  id: 'signin.mfa-failure',
  title: 'Console sign-in failed at the MFA step',
  description:
    'A console sign-in with MFA failed. When the password step passed and MFA did not, someone else may know the password.',
  severity: 'MEDIUM',
  mitre: [mitre(TACTIC.credentialAccess, 'T1621')],
  appliesTo: { eventSource: SIGNIN, eventName: ['ConsoleLogin'] },
  evaluate: (e) => loginResult(e) === 'Failure' && mfaUsed(e)?.toLowerCase() === 'yes',
  equivalents: ['panther:AWS.Unsuccessful.MFA.attempt'],
});

/** Root password changed through the console. */
export const rootPasswordChanged = defineRule({
  id: 'signin.root-password-changed',
  title: 'Root password changed',
  description:
    'The root user password was changed. If nobody on the team did this, the account may be taken over.',
  severity: 'HIGH',
  mitre: [mitre(TACTIC.persistence, 'T1098')],
  appliesTo: { eventSource: SIGNIN, eventName: ['PasswordUpdated'] },
  evaluate: (e) => e.principal.type === 'Root' && str(resp(e).PasswordUpdated) === 'Success',
  equivalents: ['panther:AWS.CloudTrail.RootPasswordChanged'],
});

/** Root password recovery requested. */
export const rootPasswordRecovery = defineRule({
  id: 'signin.root-password-recovery',
  title: 'Root password recovery requested',
  description: 'Someone asked for a root password reset e-mail.',
  severity: 'MEDIUM',
  mitre: [mitre(TACTIC.credentialAccess, 'T1098')],
  appliesTo: { eventSource: SIGNIN, eventName: ['PasswordRecoveryRequested'] },
  evaluate: (e) => e.principal.type === 'Root',
});

export const rules = [
  loginWithoutMfa,
  loginWithoutSaml,
  rootLogin,
  rootLoginFailed,
  loginFailed,
  mfaFailure,
  rootPasswordChanged,
  rootPasswordRecovery,
];
