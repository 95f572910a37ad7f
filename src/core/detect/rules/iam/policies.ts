import type { ProcessedEvent } from '../../../event.ts';
import { actor, allowStatements, defineRule, list, mitre, req, str, succeeded, TACTIC } from '../helpers.ts';

const IAM = ['iam.amazonaws.com'];

/** AWS managed policies that give full or near-full control. */
const ADMIN_POLICY = /:policy\/(AdministratorAccess|IAMFullAccess|PowerUserAccess)$/;

/** True when a policy document allows every action on every resource. */
export function grantsEverything(document: unknown): boolean {
  return allowStatements(document).some((s) => {
    const actions = list<string>(s.Action);
    const resources = list<string>(s.Resource);
    return actions.some((a) => a === '*' || a === '*:*') && resources.includes('*');
  });
}

/** Full-admin managed policy attached to a user, role or group. */
export const adminPolicyAttached = defineRule({
  id: 'iam.admin-policy-attached',
  title: 'Administrator policy attached',
  description:
    'An AWS managed policy that grants full administrative rights (AdministratorAccess, IAMFullAccess or PowerUserAccess) was attached to a user, role or group.',
  severity: 'HIGH',
  mitre: [mitre(TACTIC.privilegeEscalation, 'T1098.003'), mitre(TACTIC.persistence, 'T1098.003')],
  appliesTo: { eventSource: IAM, eventName: ['AttachUserPolicy', 'AttachRolePolicy', 'AttachGroupPolicy'] },
  evaluate: (e) => {
    if (!succeeded(e)) return false;
    const r = req(e);
    const policy = str(r.policyArn) ?? '';
    if (!ADMIN_POLICY.test(policy)) return false;
    const target = str(r.userName) ?? str(r.roleName) ?? str(r.groupName) ?? 'an identity';
    return { explanation: `${actor(e)} attached ${policy.split('/').pop()} to ${target}.` };
  },
  equivalents: ['panther:AWS.IAM.AttachAdminRolePolicy', 'panther:AWS.IAM.AttachAdminUserPolicy'],
});

/** Inline policy allowing *:* on *. */
export const inlineAdminPolicy = defineRule({
  id: 'iam.inline-admin-policy',
  title: 'Inline policy grants every action on every resource',
  description: 'An inline policy allowing all actions on all resources was put on a user, role or group.',
  severity: 'HIGH',
  mitre: [mitre(TACTIC.privilegeEscalation, 'T1098.003')],
  appliesTo: { eventSource: IAM, eventName: ['PutUserPolicy', 'PutRolePolicy', 'PutGroupPolicy'] },
  evaluate: (e) => succeeded(e) && grantsEverything(req(e).policyDocument),
});

/** A new default version of a managed policy that grants everything (privilege escalation path). */
export const adminPolicyVersion = defineRule({
  id: 'iam.policy-version-grants-admin',
  title: 'Managed policy version grants every action',
  description:
    'A new default version of a customer managed policy allows every action on every resource; anyone holding the policy becomes an administrator.',
  severity: 'HIGH',
  mitre: [mitre(TACTIC.privilegeEscalation, 'T1098.003')],
  appliesTo: { eventSource: IAM, eventName: ['CreatePolicyVersion'] },
  evaluate: (e) => succeeded(e) && req(e).setAsDefault === true && grantsEverything(req(e).policyDocument),
});

const POLICY_CHANGES = [
  'AttachGroupPolicy',
  'AttachRolePolicy',
  'AttachUserPolicy',
  'CreatePolicy',
  'CreatePolicyVersion',
  'DeleteGroupPolicy',
  'DeletePolicy',
  'DeletePolicyVersion',
  'DeleteRolePolicy',
  'DeleteUserPolicy',
  'DetachGroupPolicy',
  'DetachRolePolicy',
  'DetachUserPolicy',
  'PutGroupPolicy',
  'PutRolePolicy',
  'PutUserPolicy',
  'SetDefaultPolicyVersion',
  'PutRolePermissionsBoundary',
  'PutUserPermissionsBoundary',
  'DeleteRolePermissionsBoundary',
  'DeleteUserPermissionsBoundary',
];

/** Any IAM permission change (low: for the timeline of who changed access). */
export const policyChanged = defineRule({
  id: 'iam.policy-changed',
  title: 'IAM permissions changed',
  description: 'An IAM policy was created, changed, attached, detached or deleted.',
  severity: 'LOW',
  mitre: [mitre(TACTIC.privilegeEscalation, 'T1548')],
  appliesTo: { eventSource: IAM, eventName: POLICY_CHANGES },
  evaluate: (e) => succeeded(e),
  equivalents: ['panther:AWS.IAM.PolicyModified'],
});

const READ_PREFIX = /^(Get|List|Describe|Generate|Simulate)/;

/** Any successful IAM write (low: shows how dynamic IAM is, and the full change history). */
export const iamChanged = defineRule({
  id: 'iam.configuration-changed',
  title: 'IAM configuration changed',
  description:
    'An IAM resource (user, role, group, policy, provider, credential) was created, changed or deleted.',
  severity: 'LOW',
  mitre: [mitre(TACTIC.persistence, 'T1098')],
  appliesTo: { eventSource: IAM },
  evaluate: (e) => succeeded(e) && e.readOnly !== true && !READ_PREFIX.test(e.action),
  equivalents: ['panther:AWS.CloudTrail.IAMAnythingChanged'],
});

/** A new IAM user. */
export const userCreated = defineRule({
  id: 'iam.user-created',
  title: 'IAM user created',
  description: 'A new IAM user was created. New users are a common way to keep access to an account.',
  severity: 'LOW',
  mitre: [mitre(TACTIC.persistence, 'T1136.003')],
  appliesTo: { eventSource: IAM, eventName: ['CreateUser'] },
  evaluate: (e) =>
    succeeded(e) && { explanation: `${actor(e)} created IAM user ${str(req(e).userName) ?? ''}.` },
  equivalents: [
    'panther:AWS.IAM.CreateUser',
    'panther:Standard.NewUserAccountCreated',
    'panther:AWS.IAM.CredentialsUpdated',
  ],
});

/** A new IAM role. */
export const roleCreated = defineRule({
  id: 'iam.role-created',
  title: 'IAM role created',
  description: 'A new IAM role was created.',
  severity: 'LOW',
  mitre: [mitre(TACTIC.persistence, 'T1136.003')],
  appliesTo: { eventSource: IAM, eventName: ['CreateRole'] },
  evaluate: (e) => succeeded(e),
  equivalents: ['panther:AWS.IAM.CreateRole'],
});

/** The role trust policy document of CreateRole / UpdateAssumeRolePolicy. */
function trustPolicy(e: ProcessedEvent): unknown {
  const r = req(e);
  return r.assumeRolePolicyDocument ?? r.policyDocument;
}

/** Principals in a trust policy that are outside the account (or anyone). */
function outsiders(e: ProcessedEvent, known: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (const s of allowStatements(trustPolicy(e))) {
    const p = s.Principal;
    if (p === '*') out.push('*');
    const aws = list<string>((p as Record<string, unknown> | undefined)?.AWS);
    for (const a of aws) {
      if (a === '*') out.push('*');
      const m = /^(?:arn:aws[\w-]*:iam::)?(\d{12})(?::|$)/.exec(a);
      if (m && m[1] !== e.account && m[1] !== e.principal.accountId && !known.has(m[1])) out.push(a);
    }
  }
  return out;
}

/** A role that a foreign account (or anyone) may assume: a backdoor. */
export const roleTrustsOutsider = defineRule({
  id: 'iam.role-trusts-external-account',
  title: 'Role made assumable from another account or by anyone',
  description:
    'A role trust policy was created or changed so that an AWS account outside yours, or any principal, can assume the role. This is a standard persistence backdoor.',
  severity: 'HIGH',
  mitre: [mitre(TACTIC.persistence, 'T1098.003'), mitre(TACTIC.privilegeEscalation, 'T1098')],
  appliesTo: { eventSource: IAM, eventName: ['CreateRole', 'UpdateAssumeRolePolicy'] },
  evaluate: (e, ctx) => {
    if (!succeeded(e)) return false;
    const found = outsiders(e, ctx.knownAccounts);
    if (found.length === 0) return false;
    return {
      severity: found.includes('*') ? 'CRITICAL' : 'HIGH',
      explanation: `${actor(e)} let ${found.join(', ')} assume role ${str(req(e).roleName) ?? ''} (${e.action}).`,
      evidence: { trustedPrincipals: found },
    };
  },
  equivalents: ['panther:AWS.IAM.BackdoorRole'],
});

/** Any trust policy change. */
export const roleTrustChanged = defineRule({
  id: 'iam.role-trust-policy-changed',
  title: 'Role trust policy changed',
  description: 'The trust policy of a role (who may assume it) was changed.',
  severity: 'MEDIUM',
  mitre: [mitre(TACTIC.persistence, 'T1098')],
  appliesTo: { eventSource: IAM, eventName: ['UpdateAssumeRolePolicy'] },
  evaluate: (e) => succeeded(e),
});

/** SAML/OIDC identity providers decide who can federate in. */
export const identityProviderChanged = defineRule({
  id: 'iam.identity-provider-changed',
  title: 'SAML or OIDC identity provider changed',
  description:
    'A SAML or OpenID Connect identity provider was created, updated or deleted. A rogue provider lets an attacker federate into roles that trust it.',
  severity: 'MEDIUM',
  mitre: [mitre(TACTIC.persistence, 'T1484.002'), mitre(TACTIC.defenseEvasion, 'T1484.002')],
  appliesTo: {
    eventSource: IAM,
    eventName: [
      'CreateSAMLProvider',
      'UpdateSAMLProvider',
      'DeleteSAMLProvider',
      'CreateOpenIDConnectProvider',
      'DeleteOpenIDConnectProvider',
      'UpdateOpenIDConnectProviderThumbprint',
      'AddClientIDToOpenIDConnectProvider',
    ],
  },
  evaluate: (e) => {
    if (!succeeded(e)) return false;
    // IAM Identity Center manages its own provider; its changes are not a person's.
    const name = str(req(e).name) ?? str(req(e).sAMLProviderArn) ?? '';
    return !(
      name.includes('AWSSSO_') &&
      (e.sourceIp === 'sso.amazonaws.com' || e.userAgent === 'sso.amazonaws.com')
    );
  },
  equivalents: [
    'panther:AWS.Suspicious.SAML.Activity',
    'sigma:ccd6a6c8-bb4e-4a91-9d2a-07e632819374',
    'sigma:f43f5d2f-3f2a-4cc8-b1af-81fde7dbaf0e',
  ],
});

/** Users added to an admin-looking group. */
export const addedToAdminGroup = defineRule({
  id: 'iam.user-added-to-admin-group',
  title: 'User added to an administrators group',
  description: 'An IAM user was added to a group whose name marks it as administrative.',
  severity: 'MEDIUM',
  mitre: [mitre(TACTIC.privilegeEscalation, 'T1098')],
  appliesTo: { eventSource: IAM, eventName: ['AddUserToGroup'] },
  evaluate: (e) => succeeded(e) && /admin|root|superuser|power/i.test(str(req(e).groupName) ?? ''),
});

/** IAM Roles Anywhere trust anchors let outside certificates get role credentials. */
export const rolesAnywhereTrustAnchor = defineRule({
  id: 'rolesanywhere.trust-anchor-created',
  title: 'IAM Roles Anywhere trust anchor or profile created',
  description:
    'An IAM Roles Anywhere trust anchor or profile was created or changed. Whoever holds a certificate from that anchor can obtain role credentials from outside AWS.',
  severity: 'HIGH',
  mitre: [mitre(TACTIC.persistence, 'T1098')],
  appliesTo: {
    eventSource: ['rolesanywhere.amazonaws.com'],
    eventName: ['CreateTrustAnchor', 'UpdateTrustAnchor', 'CreateProfile', 'UpdateProfile'],
  },
  evaluate: (e) => succeeded(e) && { severity: e.action.includes('TrustAnchor') ? 'HIGH' : 'MEDIUM' },
});

export const rules = [
  adminPolicyAttached,
  inlineAdminPolicy,
  adminPolicyVersion,
  policyChanged,
  iamChanged,
  userCreated,
  roleCreated,
  roleTrustsOutsider,
  roleTrustChanged,
  identityProviderChanged,
  addedToAdminGroup,
  rolesAnywhereTrustAnchor,
];
