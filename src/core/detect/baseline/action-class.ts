/** What kind of call an eventName is, coarse enough to profile (a principal that only reads, suddenly administering). */
export type ActionClass = 'read' | 'list' | 'write' | 'admin' | 'auth';

/** Sign-in and credential exchange: how a principal gets a session. */
const AUTH_ACTIONS = new Set([
  'ConsoleLogin',
  'CheckMfa',
  'SwitchRole',
  'ExitRole',
  'RenewRole',
  'GetSessionToken',
  'GetFederationToken',
  'AssumeRole',
  'AssumeRoleWithSAML',
  'AssumeRoleWithWebIdentity',
  'GetRoleCredentials',
  'Authenticate',
  'Federate',
  'CreateToken',
  'PasswordRecoveryRequested',
  'PasswordRecoveryCompleted',
]);

/** Services whose mutating calls change who may do what, or what is watched: administration. */
const ADMIN_SERVICES = new Set([
  'iam.amazonaws.com',
  'organizations.amazonaws.com',
  'sso.amazonaws.com',
  'sso-directory.amazonaws.com',
  'identitystore.amazonaws.com',
  'kms.amazonaws.com',
  'cloudtrail.amazonaws.com',
  'config.amazonaws.com',
  'guardduty.amazonaws.com',
  'securityhub.amazonaws.com',
  'access-analyzer.amazonaws.com',
  'account.amazonaws.com',
  'rolesanywhere.amazonaws.com',
]);

const READ =
  /^(Get|Describe|Head|Lookup|Search|Select|Query|Scan|BatchGet|Download|Filter|Check|Validate|Estimate|Test|Preview|Simulate|Retrieve|Detect|View|Read|Discover|Export)/;

/** Classifies a call by its eventName (and service for administration). */
export function actionClass(service: string, action: string, readOnly?: boolean): ActionClass {
  if (AUTH_ACTIONS.has(action)) return 'auth';
  if (action.startsWith('List')) return 'list';
  if (readOnly === true || (readOnly === undefined && READ.test(action))) return 'read';
  if (ADMIN_SERVICES.has(service)) return 'admin';
  return 'write';
}
