import type { ProcessedEvent } from '../../event.ts';
import type { MitreRef } from '../../finding.ts';
import { classifyAddress } from '../../net.ts';
import type { Rule, RuleContext } from '../rule.ts';

/** What a built-in rule file declares; `defineRule` fills in the origin. */
export type RuleSpec = Omit<Rule, 'origin'>;

/** A built-in rule. */
export function defineRule(spec: RuleSpec): Rule {
  return { origin: 'builtin', ...spec };
}

/** Shorthand for an ATT&CK reference. */
export const mitre = (tactic: string, technique: string): MitreRef => ({ tactic, technique });

/** ATT&CK tactic ids by name, so rule files read as words. */
export const TACTIC = {
  initialAccess: 'TA0001',
  execution: 'TA0002',
  persistence: 'TA0003',
  privilegeEscalation: 'TA0004',
  defenseEvasion: 'TA0005',
  credentialAccess: 'TA0006',
  discovery: 'TA0007',
  lateralMovement: 'TA0008',
  collection: 'TA0009',
  exfiltration: 'TA0010',
  impact: 'TA0040',
  reconnaissance: 'TA0043',
} as const;

/** ATT&CK tactic names by id, for reports. */
export const TACTIC_NAMES: Record<string, string> = {
  TA0001: 'Initial Access',
  TA0002: 'Execution',
  TA0003: 'Persistence',
  TA0004: 'Privilege Escalation',
  TA0005: 'Defense Evasion',
  TA0006: 'Credential Access',
  TA0007: 'Discovery',
  TA0008: 'Lateral Movement',
  TA0009: 'Collection',
  TA0010: 'Exfiltration',
  TA0011: 'Command and Control',
  TA0040: 'Impact',
  TA0042: 'Resource Development',
  TA0043: 'Reconnaissance',
};

type Obj = Record<string, unknown>;

const asObj = (v: unknown): Obj | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : undefined;

/** The event's `requestParameters` (an empty object when absent). */
export function req(event: ProcessedEvent): Obj {
  return asObj(event.raw.requestParameters) ?? {};
}

/** The event's `responseElements` (an empty object when absent). */
export function resp(event: ProcessedEvent): Obj {
  return asObj(event.raw.responseElements) ?? {};
}

/** The event's `additionalEventData` (an empty object when absent). */
export function extra(event: ProcessedEvent): Obj {
  return asObj(event.raw.additionalEventData) ?? {};
}

/** The value at a dotted path inside an object, or undefined. */
export function at(value: unknown, path: string): unknown {
  let cur: unknown = value;
  for (const key of path.split('.')) {
    const o = asObj(cur);
    if (!o) return undefined;
    cur = o[key];
  }
  return cur;
}

/** A string at a path, or undefined. */
export function str(value: unknown, path?: string): string | undefined {
  const v = path === undefined ? value : at(value, path);
  return typeof v === 'string' ? v : undefined;
}

/** True when the call was accepted (no errorCode; S3 may log "Success"). */
export function succeeded(event: ProcessedEvent): boolean {
  return event.errorCode === undefined || event.errorCode === 'Success';
}

/** True when the call was rejected for lack of permission. */
export function denied(event: ProcessedEvent): boolean {
  const code = event.errorCode;
  if (!code) return false;
  return /AccessDenied|UnauthorizedOperation|Unauthorized|Forbidden/i.test(code);
}

/** The session name of an assumed-role principal (last ARN segment). */
export function sessionName(event: ProcessedEvent): string | undefined {
  const arn = event.principal.arn;
  if (!arn?.includes(':assumed-role/')) return undefined;
  const parts = arn.split('/');
  return parts.length >= 3 ? parts[parts.length - 1] : undefined;
}

/** The IAM user name (for IAM users) or session name (for roles) that made the call. */
export function callerName(event: ProcessedEvent): string | undefined {
  const identity = asObj(event.raw.userIdentity) ?? {};
  if (event.principal.type === 'IAMUser') return str(identity.userName) ?? event.principal.name;
  if (event.principal.type === 'AssumedRole') return sessionName(event);
  return undefined;
}

/** True for AWS Identity Center (SSO) role sessions: people signing in through the access portal. */
export function isSsoSession(event: ProcessedEvent): boolean {
  const issuer = event.principal.sessionIssuer ?? '';
  return (
    event.principal.type === 'AssumedRole' && /AWSReservedSSO_/.test(issuer || event.principal.arn || '')
  );
}

/** A person rather than automation: IAM users, federated users, root, and SSO sessions. */
export function isPerson(event: ProcessedEvent): boolean {
  const t = event.principal.type;
  return (
    t === 'IAMUser' ||
    t === 'FederatedUser' ||
    t === 'Root' ||
    t === 'IdentityCenterUser' ||
    isSsoSession(event)
  );
}

/** True when the call came from an AWS service acting for the account (not a person or script). */
export function viaAwsService(event: ProcessedEvent): boolean {
  if (event.principal.type === 'AWSService') return true;
  const identity = asObj(event.raw.userIdentity) ?? {};
  if (typeof identity.invokedBy === 'string' && identity.invokedBy.endsWith('.amazonaws.com')) return true;
  const kind = classifyAddress(event.sourceIp);
  return kind === 'aws-service';
}

/** True for a public (routable) source address. */
export function fromPublicIp(event: ProcessedEvent): boolean {
  return classifyAddress(event.sourceIp) === 'public';
}

/** Parses a JSON string, returning the value itself when it is already an object; undefined when invalid. */
export function jsonValue(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

/** A value as an array (a single value becomes one element; nothing becomes none). */
export function list<T = unknown>(value: unknown): T[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]) as T[];
}

/** The `items` of CloudTrail's EC2-style `{ items: [...] }` lists. */
export function items(value: unknown): Obj[] {
  return list(at(value, 'items')).filter((x): x is Obj => asObj(x) !== undefined);
}

/** Condition keys that tie a wildcard principal to an organization, network, account or source. */
const RESTRICTING_CONDITION_KEYS =
  /^aws:(PrincipalOrgID|PrincipalOrgPaths|PrincipalAccount|SourceAccount|SourceArn|SourceOwner|SourceVpc|SourceVpce|SourceIp|VpcSourceIp|PrincipalArn|userid|username|ResourceAccount)$|^kms:(CallerAccount|ViaService)$|^s3:DataAccessPointAccount$|^sts:ExternalId$/i;

/** Principals a policy statement grants: `*`, account ids/ARNs, services. */
export function statementPrincipals(statement: Obj): {
  wildcard: boolean;
  aws: string[];
  services: string[];
} {
  const p = statement.Principal;
  if (p === '*') return { wildcard: true, aws: [], services: [] };
  const o = asObj(p) ?? {};
  const aws = list<string>(o.AWS).filter((x) => typeof x === 'string');
  const services = list<string>(o.Service).filter((x) => typeof x === 'string');
  const federated = list<string>(o.Federated).filter((x) => typeof x === 'string');
  return { wildcard: aws.includes('*') || federated.includes('*'), aws, services };
}

/** True when a condition block narrows who can use the grant (org, account, network or source). */
export function conditionRestricts(condition: unknown): boolean {
  const c = asObj(condition);
  if (!c) return false;
  for (const operator of Object.values(c)) {
    const keys = asObj(operator);
    if (!keys) continue;
    for (const key of Object.keys(keys)) if (RESTRICTING_CONDITION_KEYS.test(key)) return true;
  }
  return false;
}

/** The Allow statements of a policy document (string or object); empty when it does not parse. */
export function allowStatements(document: unknown): Obj[] {
  const doc = asObj(jsonValue(document));
  if (!doc) return [];
  return list(doc.Statement)
    .map(asObj)
    .filter((s): s is Obj => s !== undefined && s.Effect === 'Allow');
}

/** True when a resource policy lets anyone (a wildcard principal with no restricting condition) in. */
export function policyIsPublic(document: unknown): boolean {
  return allowStatements(document).some(
    (s) => statementPrincipals(s).wildcard && !conditionRestricts(s.Condition),
  );
}

/** The 12-digit account ids a policy's Allow statements grant to. */
export function grantedAccounts(document: unknown): string[] {
  const out = new Set<string>();
  for (const s of allowStatements(document)) {
    for (const p of statementPrincipals(s).aws) {
      const m = /^(?:arn:aws[\w-]*:iam::)?(\d{12})(?::|$)/.exec(p);
      if (m) out.add(m[1]);
    }
  }
  return [...out];
}

/** True when an account is neither the event's own nor one the user declared as theirs. */
export function isForeignAccount(account: string, event: ProcessedEvent, ctx: RuleContext): boolean {
  return (
    account !== event.account && account !== event.principal.accountId && !ctx.knownAccounts.has(account)
  );
}

/** A short "who did what from where" phrase for explanations. */
export function actor(event: ProcessedEvent): string {
  const where = event.sourceIp ? ` from ${event.sourceIp}` : '';
  return `${event.principal.name} (${event.principal.type})${where}`;
}

/** The API call as `service:Action`. */
export function call(event: ProcessedEvent): string {
  return `${event.service.split('.')[0]}:${event.action}`;
}
