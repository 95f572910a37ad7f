import {
  actor,
  at,
  defineRule,
  fromPublicIp,
  mitre,
  req,
  sessionName,
  str,
  succeeded,
  TACTIC,
} from '../helpers.ts';

const STS = ['sts.amazonaws.com'];

/** GetFederationToken from an IAM user mints console-capable credentials that outlive key rotation. */
export const federationToken = defineRule({
  id: 'sts.federation-token-issued',
  title: 'Federation token issued to an IAM user',
  description:
    'An IAM user obtained a federation token. The temporary credentials it returns stay valid (up to 36 hours) even after the user or its key is disabled, and can open a console session: a known persistence trick.',
  severity: 'MEDIUM',
  mitre: [mitre(TACTIC.persistence, 'T1078.004'), mitre(TACTIC.defenseEvasion, 'T1550.001')],
  appliesTo: { eventSource: STS, eventName: ['GetFederationToken'] },
  evaluate: (e) => succeeded(e) && e.principal.type === 'IAMUser',
});

/** GetSessionToken turns long-term keys into short-term ones, often to get around IP conditions. */
export const sessionTokenByUser = defineRule({
  id: 'sts.session-token-by-iam-user',
  title: 'Session token obtained with long-term IAM user keys',
  description:
    'An IAM user called GetSessionToken. Attackers with stolen long-term keys do this to get session credentials that some IP- and key-based controls do not cover.',
  severity: 'LOW',
  mitre: [mitre(TACTIC.lateralMovement, 'T1550.001'), mitre(TACTIC.privilegeEscalation, 'T1548')],
  appliesTo: { eventSource: STS, eventName: ['GetSessionToken'] },
  evaluate: (e) => succeeded(e) && e.principal.type === 'IAMUser',
  equivalents: ['panther:AWS.STS.GetSessionToken.Misuse', 'sigma:b45ab1d2-712f-4f01-a751-df3826969807'],
});

/** TruffleHog verifies found keys with GetCallerIdentity. */
export const truffleHogKeyCheck = defineRule({
  id: 'sts.trufflehog-key-verification',
  title: 'Leaked credentials checked by TruffleHog',
  description:
    'GetCallerIdentity was called with a TruffleHog user agent: someone found these credentials (in code, a paste, a breach) and is testing whether they work.',
  severity: 'MEDIUM',
  mitre: [mitre(TACTIC.discovery, 'T1087.004'), mitre(TACTIC.credentialAccess, 'T1552.001')],
  appliesTo: { eventSource: STS, eventName: ['GetCallerIdentity'] },
  evaluate: (e) => /trufflehog/i.test(e.userAgent),
  equivalents: ['panther:AWS.STS.GetCallerIdentity.TruffleHog', 'sigma:9b1b8e9b-0a5d-4af1-9d2f-4c4b6e7c2c9d'],
});

/** Credential scanners and offensive frameworks announce themselves in the user agent. */
export const offensiveToolUserAgent = defineRule({
  id: 'sts.offensive-tool-user-agent',
  title: 'Call made by a credential scanner or attack framework',
  description:
    'The user agent names a credential scanner or AWS attack framework (TruffleHog, Pacu, ScoutSuite, Prowler, CloudFox, WeirdAAL). Expected only during sanctioned tests.',
  severity: 'MEDIUM',
  mitre: [mitre(TACTIC.discovery, 'T1580'), mitre(TACTIC.reconnaissance, 'T1595')],
  appliesTo: {},
  evaluate: (e) => {
    const m = /(trufflehog|pacu|scoutsuite|prowler|cloudfox|weirdaal|cloudsploit)/i.exec(e.userAgent);
    return m
      ? {
          explanation: `${actor(e)} called ${e.action} with a ${m[1]} user agent.`,
          dedupeKey: `${m[1].toLowerCase()}|${e.principal.id}|${Math.floor(e.time / 3_600_000)}`,
        }
      : false;
  },
  equivalents: ['sigma:a840e606-7c8c-4684-9bc1-eb6b6155127f'],
});

const SSM_SERVICES = new Set(['ssm.amazonaws.com', 'ssmmessages.amazonaws.com', 'ec2messages.amazonaws.com']);

/** EC2 instance-role credentials (session name = instance id) used from an outside address. */
export const instanceCredentialsOutside = defineRule({
  id: 'sts.instance-credentials-used-outside',
  title: 'EC2 instance credentials used from an external address',
  description:
    "Temporary credentials of an EC2 instance role (read from the instance metadata service) were used from a public IP address. Stolen instance credentials are used from the attacker's own machine.",
  severity: 'HIGH',
  mitre: [mitre(TACTIC.credentialAccess, 'T1552.005'), mitre(TACTIC.defenseEvasion, 'T1078.004')],
  appliesTo: {},
  evaluate: (e) => {
    if (e.principal.type !== 'AssumedRole') return false;
    const session = sessionName(e) ?? '';
    const instanceRole =
      /^i-[0-9a-fA-F]{8,17}$/.test(session) ||
      at(e.raw, 'userIdentity.sessionContext.ec2RoleDelivery') !== undefined;
    if (!instanceRole) return false;
    if (SSM_SERVICES.has(e.service) || e.action === 'RegisterManagedInstance') return false;
    if (!fromPublicIp(e)) return false;
    return {
      explanation: `Credentials of instance ${session} (role ${e.principal.sessionIssuer?.split('/').pop() ?? ''}) called ${e.action} from public address ${e.sourceIp}.`,
      dedupeKey: `${session}|${e.sourceIp}|${Math.floor(e.time / 3_600_000)}`,
    };
  },
  equivalents: ['panther:AWS.CloudTrail.IMDSCredentialExfiltration'],
});

/** The user agent the SSO portal's own GetSigninToken calls carry (a literal, unexpanded placeholder). */
// biome-ignore lint/suspicious/noTemplateCurlyInString: the literal text AWS logs
const SSO_PORTAL_AGENT = 'Jersey/${project.version}';

/** GetSigninToken turns API credentials into a console session (aws_consoler and friends). */
export const signinTokenAbuse = defineRule({
  id: 'signin.signin-token-from-cli-credentials',
  title: 'Console session created from API credentials',
  description:
    'GetSigninToken was called outside the SSO portal: API credentials were exchanged for a console session (tools like aws_consoler), which hides the original key and skips MFA.',
  severity: 'MEDIUM',
  mitre: [mitre(TACTIC.lateralMovement, 'T1021.007'), mitre(TACTIC.defenseEvasion, 'T1550.001')],
  appliesTo: { eventSource: ['signin.amazonaws.com'], eventName: ['GetSigninToken'] },
  evaluate: (e) => succeeded(e) && !e.userAgent.includes(SSO_PORTAL_AGENT),
  equivalents: ['panther:AWS.Console.GetSigninToken.Abuse', 'sigma:f8103686-e3e8-46f3-be72-65f7fcb4aa53'],
});

/** OAuth device-code token for IAM Identity Center: the device-code phishing flow. */
export const ssoDeviceToken = defineRule({
  id: 'sso.device-code-token-issued',
  title: 'SSO access token issued through the device-code flow',
  description:
    'An IAM Identity Center access token was issued with the OAuth device-code grant. Attackers phish users into approving a device code to obtain their SSO session.',
  severity: 'LOW',
  mitre: [mitre(TACTIC.credentialAccess, 'T1528')],
  appliesTo: { eventSource: ['sso.amazonaws.com', 'sso-oauth.amazonaws.com'], eventName: ['CreateToken'] },
  evaluate: (e) => succeeded(e) && /device_code/.test(str(req(e).grantType) ?? ''),
  equivalents: ['panther:Retrieve.SSO.access.token'],
});

/** Identity Center's identity source changed. */
export const ssoIdentitySourceChanged = defineRule({
  id: 'sso.identity-source-changed',
  title: 'IAM Identity Center identity source changed',
  description:
    'The directory or external identity provider of IAM Identity Center was changed; whoever controls the new source controls sign-in.',
  severity: 'HIGH',
  mitre: [mitre(TACTIC.persistence, 'T1484.002')],
  appliesTo: {
    eventSource: ['sso-directory.amazonaws.com', 'sso.amazonaws.com'],
    eventName: [
      'AssociateDirectory',
      'DisassociateDirectory',
      'EnableExternalIdPConfigurationForDirectory',
      'DisableExternalIdPConfigurationForDirectory',
    ],
  },
  evaluate: (e) => succeeded(e),
  equivalents: ['sigma:d3adb3ef-b7e7-4003-9092-1924c797db35'],
});

export const rules = [
  federationToken,
  sessionTokenByUser,
  truffleHogKeyCheck,
  offensiveToolUserAgent,
  instanceCredentialsOutside,
  signinTokenAbuse,
  ssoDeviceToken,
  ssoIdentitySourceChanged,
];
