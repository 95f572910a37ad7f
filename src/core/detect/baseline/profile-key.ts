import type { Principal } from '../../event.ts';

/** Whom a profile describes: its storage key and the label explanations use. */
export interface ProfileIdentity {
  key: string;
  name: string;
}

const ASSUMED_ROLE_ARN = /^arn:aws[a-z-]*:sts::(\d*):assumed-role\/([^/]+)\/(.+)$/;

/**
 * The profile a call belongs to, or undefined for calls that have no behaviour of their own to
 * learn (AWS services acting for you, service-linked roles, unidentified callers).
 *
 * Assumed-role sessions are profiled per role, since session names are often random or per
 * instance; IAM Identity Center roles (`AWSReservedSSO_…`) per role and session, because there the
 * session name is the person. Only fields the event store keeps are used, so `logwarden baseline`
 * derives the same keys from stored events as `analyze` does from live ones.
 */
export function profileIdentity(
  principal: Pick<Principal, 'type' | 'id' | 'arn' | 'name'>,
): ProfileIdentity | undefined {
  switch (principal.type) {
    case 'AWSService':
    case 'AWSAccount':
      return undefined;
    case 'AssumedRole': {
      const m = principal.arn ? ASSUMED_ROLE_ARN.exec(principal.arn) : null;
      if (m) {
        const [, account, role, session] = m;
        if (role.startsWith('AWSServiceRoleFor')) return undefined;
        if (role.startsWith('AWSReservedSSO_'))
          return { key: `role:${account}:${role}/${session}`, name: `${session} (${role})` };
        return { key: `role:${account}:${role}`, name: role };
      }
      // No ARN: the role's unique id is the part of principalId before the session name.
      const roleId = principal.id.split(':')[0];
      return roleId && roleId !== 'unknown' ? { key: `roleid:${roleId}`, name: principal.name } : undefined;
    }
    default: {
      const key = principal.arn ?? principal.id;
      if (!key || key === 'unknown') return undefined;
      return { key, name: principal.name };
    }
  }
}
