import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ObjectSource, SourceObject } from '../../src/core/ports.ts';

/**
 * Builds CloudTrail delivery files for baseline scenarios from real records: calls of the Invictus
 * sample (examples/cloudtrail) and the Stratus Red Team console sign-in, re-stamped with a time,
 * an identity, an address and a user agent, so the history is real CloudTrail with a known story.
 */
type Rec = Record<string, unknown>;

const EXAMPLE = 'examples/cloudtrail';
const STRATUS = 'test/fixtures/cloudtrail/stratus';
export const ACCOUNT = '123456789012';
export const DAY = 86_400_000;
/** Day 0 of every history: Monday 2 March 2026, 00:00 UTC. */
export const T0 = Date.UTC(2026, 2, 2);

/** Real user agents of the sample logs, by family. */
export const UA = {
  cli: 'aws-cli/2.13.4 Python/3.11.4 Linux/5.19.0-46-generic exe/x86_64.ubuntu.22 prompt/off command/iam.get-user',
  boto3: 'Boto3/1.26.165 Python/3.10.6 Linux/5.19.0-46-generic Botocore/1.29.165',
  terraform:
    'APN/1.0 HashiCorp/1.0 Terraform/1.1.2 (+https://www.terraform.io) terraform-provider-aws/4.67.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go/1.44.261 (go1.19.8; linux; amd64) HashiCorp-terraform-exec/0.17.3',
  firefox: 'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:102.0) Gecko/20100101 Firefox/102.0',
};

/** Addresses whose place the shipped databases know (checked in geo-lookup.test.ts). */
export const IP = {
  /** US / AS16509 (Amazon), Ashburn. */
  homeUs: '52.94.236.248',
  /** US / AS16509, Ashburn: a second address on the same network. */
  homeUs2: '54.239.28.85',
  /** RO / AS9009 (M247 Europe), Bucharest. */
  romania: '86.105.9.1',
  /** AU / AS1221 (Telstra), Sydney area. */
  australia: '139.130.4.5',
};

const API_CALLS = [
  'DescribeRouteTables',
  'GetUser',
  'DescribeParameters',
  'GetParameter',
  'GetSecretValue',
  'DescribeVpcs',
  'DescribeSubnets',
  'ListAttachedRolePolicies',
];

let templates: Map<string, Rec> | undefined;

/** The first real record of each needed eventName (API calls from the Invictus sample, ConsoleLogin from Stratus). */
function template(eventName: string): Rec {
  if (!templates) {
    templates = new Map();
    const files = [
      `${STRATUS}/aws.initial-access.console-login-without-mfa.json`,
      ...[
        '218007301253_CloudTrail_us-east-1_20230710T1145Z_7xgocspSowgK0Gto.json',
        '218007301253_CloudTrail_us-east-1_20230710T1145Z_s7dpHbl38neqZbm2.json',
        '218007301253_CloudTrail_us-east-1_20230710T1150Z_1vnLavRRp0ek1mP4.json',
        '218007301253_CloudTrail_us-east-1_20230710T1200Z_iLj9fb7yyUG9X4Bf.json',
        '218007301253_CloudTrail_us-east-1_20230710T1200Z_x9kHmzMa7cx6l9wM.json',
        '218007301253_CloudTrail_us-east-1_20230710T1205Z_1dM7GQM67kudSyGD.json',
        '218007301253_CloudTrail_us-east-1_20230710T1205Z_86g9Vok9HiUCgSI7.json',
        '218007301253_CloudTrail_us-east-1_20230710T1205Z_SjF3IkuNXJkoHyar.json',
        '218007301253_CloudTrail_us-east-1_20230710T1205Z_UljXNp9xLp8nsAGc.json',
        '218007301253_CloudTrail_us-east-1_20230710T1205Z_dOIWyEekdNWhkpqY.json',
      ].map((f) => `${EXAMPLE}/${f}`),
    ];
    for (const file of files) {
      const doc = JSON.parse(readFileSync(file, 'utf8'));
      for (const r of (Array.isArray(doc) ? doc : doc.Records) as Rec[]) {
        const name = r.eventName as string;
        if (templates.has(name) || r.errorCode) continue;
        if (
          name === 'ConsoleLogin' ||
          ((r.userIdentity as Rec)?.type === 'IAMUser' && API_CALLS.includes(name))
        ) {
          templates.set(name, r);
        }
      }
    }
  }
  const t = templates.get(eventName);
  if (!t) throw new Error(`no real ${eventName} record in the fixtures`);
  return t;
}

/** Who makes a call, from where and with what. */
export interface Caller {
  user: string;
  ip: string;
  ua: string;
  /** A long-term access key (AKIA…); console sign-ins have none. */
  key?: string;
  region?: string;
}

/** A real record of `eventName`, re-stamped for `caller` at `time`. */
export function record(eventName: string, caller: Caller, time: number, seq: number): Rec {
  const r = structuredClone(template(eventName));
  r.eventTime = new Date(time).toISOString().replace(/\.\d{3}Z$/, 'Z');
  r.eventID = uuid(`${caller.user}|${caller.key ?? caller.ip}|${time}|${eventName}|${seq}`);
  r.requestID = uuid(`req|${caller.user}|${time}|${seq}`);
  r.awsRegion = caller.region ?? 'us-east-1';
  r.recipientAccountId = ACCOUNT;
  r.sourceIPAddress = caller.ip;
  r.userAgent = caller.ua;
  const identity: Rec = {
    type: 'IAMUser',
    principalId: `AIDA${hex(caller.user).slice(0, 16).toUpperCase()}`,
    arn: `arn:aws:iam::${ACCOUNT}:user/${caller.user}`,
    accountId: ACCOUNT,
    userName: caller.user,
  };
  if (eventName !== 'ConsoleLogin' && caller.key) identity.accessKeyId = caller.key;
  r.userIdentity = identity;
  delete r.sessionCredentialFromConsole;
  return r;
}

/** `n` API calls spread over working hours (09:00–16:59 UTC) of a day, cycling through real call types. */
export function workdayCalls(caller: Caller, day: number, n: number): Rec[] {
  const out: Rec[] = [];
  for (let i = 0; i < n; i++) {
    const time = T0 + day * DAY + 9 * 3_600_000 + Math.floor((i * 8 * 3_600_000) / n) + ((i * 7919) % 50_000);
    out.push(record(API_CALLS[i % API_CALLS.length], caller, time, i));
  }
  return out;
}

/** A CloudTrail delivery file in memory. */
export interface MemoryFile {
  uri: string;
  text: string;
}

export function deliveryFile(uri: string, records: Rec[]): MemoryFile {
  records.sort((a, b) => String(a.eventTime).localeCompare(String(b.eventTime)));
  return { uri, text: JSON.stringify({ Records: records }) };
}

/** An ObjectSource over files held in memory, listed in the order given. */
export function memorySource(files: readonly MemoryFile[]): ObjectSource {
  return {
    async *list(): AsyncIterable<SourceObject> {
      for (const f of files) {
        const bytes = Buffer.from(f.text);
        yield {
          uri: f.uri,
          size: bytes.length,
          read: async () => ({ text: f.text, sha256: createHash('sha256').update(bytes).digest('hex') }),
        };
      }
    },
  };
}

function hex(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

function uuid(seed: string): string {
  const h = hex(seed);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
