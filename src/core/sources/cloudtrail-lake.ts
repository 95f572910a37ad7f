/**
 * CloudTrail Lake query results back into CloudTrail records. Lake returns every column as a
 * string under its lower-case SQL name (`eventtime`, `useridentity` …); timestamps read
 * `2023-07-10 11:42:18.000` (UTC) and struct, map and array columns are rendered Trino-style
 * (`{type=IAMUser, principalid=AIDA…, sessioncontext={…}}`) or, when the query cast them, as JSON.
 */

/** Lake column (lower case) → CloudTrail record field, for every name whose case differs. */
const FIELD: Record<string, string> = {};
for (const name of [
  'eventVersion',
  'userIdentity',
  'eventTime',
  'eventSource',
  'eventName',
  'awsRegion',
  'sourceIPAddress',
  'userAgent',
  'errorCode',
  'errorMessage',
  'requestParameters',
  'responseElements',
  'additionalEventData',
  'requestID',
  'eventID',
  'readOnly',
  'resources',
  'eventType',
  'apiVersion',
  'managementEvent',
  'recipientAccountId',
  'sharedEventID',
  'annotation',
  'vpcEndpointId',
  'vpcEndpointAccountId',
  'serviceEventDetails',
  'addendum',
  'edgeDeviceDetails',
  'insightDetails',
  'eventCategory',
  'tlsDetails',
  'sessionCredentialFromConsole',
  // Nested struct fields.
  'principalId',
  'accountId',
  'accessKeyId',
  'userName',
  'sessionContext',
  'creationDate',
  'mfaAuthenticated',
  'sessionIssuer',
  'webIdFederationData',
  'federatedProvider',
  'sourceIdentity',
  'ec2RoleDelivery',
  'ec2IssuedInVPC',
  'invokedBy',
  'identityProvider',
  'onBehalfOf',
  'userId',
  'identityStoreArn',
  'credentialId',
  'inScopeOf',
  'sourceArn',
  'sourceAccount',
  'issuerType',
  'tlsVersion',
  'cipherSuite',
  'clientProvidedHostHeader',
])
  FIELD[name.toLowerCase()] = name;

/** Columns whose values are maps with the service's own keys (kept as they are). */
const MAP_COLUMNS = new Set([
  'requestparameters',
  'responseelements',
  'additionaleventdata',
  'serviceeventdetails',
]);
/** Columns of struct, map or array type; every other column is plain text (a user agent may start with `[`). */
const STRUCTURED_COLUMNS = new Set([
  ...MAP_COLUMNS,
  'useridentity',
  'resources',
  'tlsdetails',
  'addendum',
  'edgedevicedetails',
  'insightdetails',
]);
const BOOLEAN_COLUMNS = new Set(['readonly', 'managementevent', 'sessioncredentialfromconsole']);
/** `2023-07-10 11:42:18.000`: Lake's timestamp text, always UTC. */
const LAKE_TIME = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d+)?)$/;

/** True when these column names are CloudTrail Lake's (an event's time and name or id). */
export function isLakeHeader(columns: readonly string[]): boolean {
  const lower = new Set(columns.map((c) => c.trim().toLowerCase()));
  return lower.has('eventtime') && (lower.has('eventname') || lower.has('eventid'));
}

/** One Lake result row (column → value; `GetQueryResults` gives a list of one-key maps) as a CloudTrail record. */
export function lakeRowToRecord(
  row: readonly Record<string, unknown>[] | Record<string, unknown>,
): Record<string, unknown> {
  const columns: [string, unknown][] = Array.isArray(row)
    ? row.flatMap((cell) => (typeof cell === 'object' && cell !== null ? Object.entries(cell) : []))
    : Object.entries(row);
  const record: Record<string, unknown> = {};
  for (const [column, value] of columns) {
    const key = column.trim().toLowerCase();
    if (value === null || value === undefined || value === '' || value === 'null') continue;
    record[FIELD[key] ?? column] = lakeValue(key, value);
  }
  return record;
}

function lakeValue(column: string, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  if (column === 'eventtime') {
    const m = LAKE_TIME.exec(value.trim());
    return m ? `${m[1]}T${m[2]}Z` : value;
  }
  if (BOOLEAN_COLUMNS.has(column) && (value === 'true' || value === 'false')) return value === 'true';
  const text = value.trim();
  if (STRUCTURED_COLUMNS.has(column) && (text[0] === '{' || text[0] === '[')) {
    const keepKeys = MAP_COLUMNS.has(column);
    if (text[1] === '"' || text === '{}' || text === '[]') {
      try {
        return JSON.parse(text);
      } catch {
        // Not JSON after all: read it as Trino's rendering below.
      }
    }
    const parsed = renderedValue(text, keepKeys);
    return column === 'resources' && Array.isArray(parsed) ? parsed.map(resourceKeys) : parsed;
  }
  return value;
}

/** A resource's keys as CloudTrail writes them (`ARN`, not the `arn` of userIdentity). */
function resourceKeys(resource: unknown): unknown {
  if (typeof resource !== 'object' || resource === null) return resource;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(resource))
    out[k === 'arn' ? 'ARN' : k === 'arnPrefix' || k === 'arnprefix' ? 'ARNPrefix' : k] = v;
  return out;
}

/**
 * Trino's text of a struct, map or array: `{a=1, b={c=x}}`, `[{…}, {…}]`. Entries are split at
 * `, ` followed by a `key=` at the outer level, so commas inside values (user agents) survive.
 * Struct keys are mapped back to CloudTrail's camelCase; map keys (`keepKeys`) are the service's
 * own and stay; a map value that is JSON text is parsed.
 */
function renderedValue(text: string, keepKeys: boolean): unknown {
  if (text === 'null') return null;
  // A map's values are the service's JSON when they were objects or lists.
  if (keepKeys && (text[1] === '"' || text[1] === '{' || text === '[]' || text === '{}')) {
    try {
      return JSON.parse(text);
    } catch {
      // Trino's rendering after all.
    }
  }
  if (text[0] === '[' && text.endsWith(']')) {
    return splitTopLevel(text.slice(1, -1), false).map((item) => renderedValue(item.trim(), keepKeys));
  }
  if (text[0] === '{' && text.endsWith('}')) {
    const out: Record<string, unknown> = {};
    for (const entry of splitTopLevel(text.slice(1, -1), true)) {
      const eq = entry.indexOf('=');
      if (eq < 0) continue;
      const key = entry.slice(0, eq).trim();
      const value = entry.slice(eq + 1).trim();
      if (value === 'null') continue;
      out[keepKeys ? key : (FIELD[key.toLowerCase()] ?? key)] = renderedValue(value, keepKeys);
    }
    return out;
  }
  return text;
}

function splitTopLevel(body: string, entries: boolean): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
    else if (depth === 0 && c === ',' && body[i + 1] === ' ') {
      const rest = body.slice(i + 2, i + 130);
      if (!entries || /^[\w.:@/-]+=/.test(rest) || rest === '') {
        parts.push(body.slice(start, i));
        start = i + 2;
      }
    }
  }
  if (body.length > 0) parts.push(body.slice(start));
  return parts;
}
