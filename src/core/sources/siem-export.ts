/**
 * CloudTrail records as SIEMs export them, turned back into CloudTrail records. The renamings
 * undone here are listed, one by one, in docs/inputs.md; keep the two in step.
 */

/** Which SIEM layout a document was read from. */
export type SiemVariant = 'elasticsearch' | 'splunk' | 'ecs' | 'logstash' | 'renamed';

type Doc = Record<string, unknown>;

/** CloudTrail's eventSource: the service's endpoint name (`iam.amazonaws.com`). */
const AWS_SOURCE = /^[a-z0-9.-]+\.amazonaws\.com$/;

const isObject = (v: unknown): v is Doc => typeof v === 'object' && v !== null && !Array.isArray(v);

/** True when a document is a CloudTrail record as CloudTrail writes it. */
export function isCloudTrailRecord(doc: unknown): boolean {
  return isObject(doc) && typeof doc.eventName === 'string' && 'eventTime' in doc;
}

/** A field by dotted path, whether the document nests it (`{event:{action}}`) or flattened it (`"event.action"`). */
function pick(doc: Doc, path: string): unknown {
  if (path in doc) return doc[path];
  const dot = path.indexOf('.');
  if (dot < 0) return undefined;
  const head = doc[path.slice(0, dot)];
  return isObject(head) ? pick(head, path.slice(dot + 1)) : undefined;
}

/** A CloudTrail record held as JSON text (Splunk `_raw`, ECS `event.original`, Logstash `message`). */
function recordFromText(text: unknown): Doc | undefined {
  if (typeof text !== 'string' || text.trimStart()[0] !== '{') return undefined;
  try {
    const doc = JSON.parse(text);
    return isCloudTrailRecord(doc) ? (doc as Doc) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The CloudTrail record inside a SIEM document, and which layout it had; undefined when the
 * document is not a CloudTrail record in any layout known here.
 */
export function recordFromSiem(doc: unknown): { record: Doc; variant: SiemVariant } | undefined {
  if (!isObject(doc)) return undefined;
  // Elasticsearch / OpenSearch hit (`_search` response, elasticdump line): the document is `_source`.
  if (isObject(doc._source)) {
    const inner =
      recordFromSiem(doc._source) ??
      (isCloudTrailRecord(doc._source) ? { record: doc._source as Doc } : undefined);
    return inner && { record: inner.record, variant: 'elasticsearch' };
  }
  // Splunk export (`{"result":{"_raw":…}}` per line) or a bare event with `_raw`.
  const splunk = isObject(doc.result) ? doc.result : doc;
  const raw = recordFromText(splunk._raw);
  if (raw) return { record: raw, variant: 'splunk' };
  // ECS with the original event kept (`event.original`), or a Logstash line that never parsed `message`.
  const original = recordFromText(pick(doc, 'event.original'));
  if (original) return { record: original, variant: 'ecs' };
  const message = recordFromText(doc.message);
  if (message) return { record: message, variant: 'logstash' };
  // ECS documents of other sources (Windows, nginx …) have event.action too: only AWS providers count.
  if (
    pick(doc, 'aws.cloudtrail') !== undefined ||
    (pick(doc, 'event.action') && AWS_SOURCE.test(String(pick(doc, 'event.provider') ?? '')))
  )
    return fromEcs(doc);
  // Logstash's cloudtrail codec (and most pipelines) move eventTime to @timestamp.
  if (
    typeof doc.eventName === 'string' &&
    typeof doc.eventSource === 'string' &&
    !('eventTime' in doc) &&
    typeof doc['@timestamp'] === 'string'
  ) {
    const { '@timestamp': time, '@version': _version, ...rest } = doc;
    return { record: { ...rest, eventTime: time }, variant: 'logstash' };
  }
  const renamed = fromRenamedKeys(doc);
  return renamed && { record: renamed, variant: 'renamed' };
}

/** Elastic Common Schema (Filebeat / Elastic Agent `aws.cloudtrail`) → CloudTrail, field by field. */
const ECS_FIELDS: [string, string][] = [
  ['@timestamp', 'eventTime'],
  ['event.action', 'eventName'],
  ['event.provider', 'eventSource'],
  ['event.id', 'eventID'],
  ['cloud.region', 'awsRegion'],
  ['source.address', 'sourceIPAddress'],
  ['user_agent.original', 'userAgent'],
  ['aws.cloudtrail.event_version', 'eventVersion'],
  ['aws.cloudtrail.event_type', 'eventType'],
  ['aws.cloudtrail.event_category', 'eventCategory'],
  ['aws.cloudtrail.request_id', 'requestID'],
  ['aws.cloudtrail.recipient_account_id', 'recipientAccountId'],
  ['aws.cloudtrail.error_code', 'errorCode'],
  ['aws.cloudtrail.error_message', 'errorMessage'],
  ['aws.cloudtrail.request_parameters', 'requestParameters'],
  ['aws.cloudtrail.response_elements', 'responseElements'],
  ['aws.cloudtrail.additional_eventdata', 'additionalEventData'],
  ['aws.cloudtrail.read_only', 'readOnly'],
  ['aws.cloudtrail.management_event', 'managementEvent'],
  ['aws.cloudtrail.shared_event_id', 'sharedEventID'],
  ['aws.cloudtrail.vpc_endpoint_id', 'vpcEndpointId'],
];
const ECS_IDENTITY: [string, string][] = [
  ['aws.cloudtrail.user_identity.type', 'type'],
  ['aws.cloudtrail.user_identity.arn', 'arn'],
  ['aws.cloudtrail.user_identity.access_key_id', 'accessKeyId'],
  ['aws.cloudtrail.user_identity.invoked_by', 'invokedBy'],
  ['user.id', 'principalId'],
  ['user.name', 'userName'],
  ['cloud.account.id', 'accountId'],
];

function fromEcs(doc: Doc): { record: Doc; variant: SiemVariant } {
  const record: Doc = {};
  for (const [from, to] of ECS_FIELDS) {
    const v = pick(doc, from);
    if (v !== undefined && v !== null && !(to in record)) record[to] = jsonOrText(v);
  }
  if (record.sourceIPAddress === undefined) {
    const ip = pick(doc, 'source.ip');
    if (ip !== undefined) record.sourceIPAddress = ip;
  }
  if (typeof record.readOnly === 'string') record.readOnly = record.readOnly === 'true';
  const identity: Doc = {};
  for (const [from, to] of ECS_IDENTITY) {
    const v = pick(doc, from);
    if (typeof v === 'string' && v) identity[to] = v;
  }
  const session = 'aws.cloudtrail.user_identity.session_context';
  const mfa = pick(doc, `${session}.mfa_authenticated`);
  const created = pick(doc, `${session}.creation_date`);
  const issuer: Doc = {};
  for (const [from, to] of [
    ['type', 'type'],
    ['principal_id', 'principalId'],
    ['arn', 'arn'],
    ['account_id', 'accountId'],
  ]) {
    const v = pick(doc, `${session}.session_issuer.${from}`);
    if (typeof v === 'string' && v) issuer[to] = v;
  }
  if (mfa !== undefined || created !== undefined || Object.keys(issuer).length) {
    identity.sessionContext = {
      attributes: {
        ...(mfa !== undefined && { mfaAuthenticated: String(mfa) }),
        ...(created !== undefined && { creationDate: created }),
      },
      ...(Object.keys(issuer).length && { sessionIssuer: issuer }),
    };
  }
  // ECS puts the console sign-in result in event.outcome; CloudTrail in responseElements.
  if (record.eventName === 'ConsoleLogin' && record.responseElements === undefined) {
    const outcome = pick(doc, 'event.outcome');
    if (outcome === 'success' || outcome === 'failure')
      record.responseElements = { ConsoleLogin: outcome === 'success' ? 'Success' : 'Failure' };
  }
  if (Object.keys(identity).length) record.userIdentity = identity;
  return { record, variant: 'ecs' };
}

/** Request parameters and the like that a pipeline flattened to JSON text. */
function jsonOrText(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const t = v.trimStart();
  if (t[0] !== '{' && t[0] !== '[') return v;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

/** CloudTrail's top-level fields in lower case, without separators: `eventname`, `event_name` and `EventName` all find `eventName`. */
const TOP_LEVEL: Record<string, string> = {};
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
  'vpcEndpointId',
  'eventCategory',
  'tlsDetails',
  'sessionCredentialFromConsole',
])
  TOP_LEVEL[name.toLowerCase()] = name;
TOP_LEVEL.sourceipaddress = 'sourceIPAddress';
TOP_LEVEL.sourceip = 'sourceIPAddress';

/** Keys a pipeline lower-cased or snake-cased (`event_name`, `eventname`, `src_ip` stays unknown). */
function fromRenamedKeys(doc: Doc): Doc | undefined {
  const record: Doc = {};
  let renamed = 0;
  for (const [key, value] of Object.entries(doc)) {
    const target = TOP_LEVEL[key.replace(/[_\s-]/g, '').toLowerCase()];
    if (target && target !== key) renamed++;
    record[target ?? key] = target === 'userIdentity' && isObject(value) ? renameNested(value) : value;
  }
  // An application's own `event_name` is not CloudTrail's: the event source must be an AWS service.
  if (
    renamed === 0 ||
    typeof record.eventName !== 'string' ||
    !AWS_SOURCE.test(String(record.eventSource ?? ''))
  )
    return undefined;
  if (record.eventTime === undefined && typeof doc['@timestamp'] === 'string') {
    record.eventTime = doc['@timestamp'];
    delete record['@timestamp'];
  }
  return record;
}

const NESTED: Record<string, string> = {
  principalid: 'principalId',
  accountid: 'accountId',
  accesskeyid: 'accessKeyId',
  username: 'userName',
  sessioncontext: 'sessionContext',
  sessionissuer: 'sessionIssuer',
  mfaauthenticated: 'mfaAuthenticated',
  creationdate: 'creationDate',
  invokedby: 'invokedBy',
};

function renameNested(doc: Doc): Doc {
  const out: Doc = {};
  for (const [key, value] of Object.entries(doc)) {
    const target = NESTED[key.replace(/[_\s-]/g, '').toLowerCase()] ?? key;
    out[target] = isObject(value) ? renameNested(value) : value;
  }
  return out;
}
