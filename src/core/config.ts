import { z } from 'zod';
import { appLogsConfigSchema } from './detect/app/app-config.ts';
import { baselineConfigSchema } from './detect/baseline/baseline-config.ts';
import { detectionConfigSchema } from './detect/detection-config.ts';
import { flowLogsConfigSchema } from './detect/flow/flow-config.ts';
import { sigmaConfigSchema } from './detect/sigma/sigma-config.ts';
import { geoConfigSchema } from './enrich/geo-config.ts';
import { LogwardenError } from './errors.ts';
import { SEVERITIES } from './finding.ts';
import { reportConfigSchema } from './report/report-config.ts';

const hour = z.number().int().min(0).max(24);
const cidr = z
  .string()
  .regex(/^[0-9a-fA-F:.]+\/\d{1,3}$/, 'must be a CIDR such as 203.0.113.0/24 or 2001:db8::/32');

/** When people are expected to work; activity outside it is UNUSUAL_TIME. */
export const businessHoursSchema = z
  .object({
    /** First working hour (inclusive), 0–24, in `timeZone`. */
    start: hour.default(8),
    /** Last working hour (exclusive), 0–24, in `timeZone`. */
    end: hour.default(18),
    /** Working days, 0 = Sunday … 6 = Saturday. */
    days: z.array(z.number().int().min(0).max(6)).default([1, 2, 3, 4, 5]),
  })
  .strict();

/** Every setting of logwarden; `logwarden.config.yaml` is validated against it. */
export const configSchema = z
  .object({
    /** IANA time zone for business hours and report periods. */
    timeZone: z
      .string()
      .default('UTC')
      .refine(isTimeZone, { message: 'must be an IANA time zone such as UTC or Europe/Amsterdam' }),
    businessHours: businessHoursSchema.default({ start: 8, end: 18, days: [1, 2, 3, 4, 5] }),
    /** Networks your people and systems call AWS from; public IPs outside them are UNUSUAL_LOCATION. */
    trustedCidrs: z.array(cidr).default([]),
    highRiskActions: z
      .object({
        /** Extra eventNames to treat as high-risk. */
        add: z.array(z.string().min(1)).default([]),
        /** Built-in eventNames you do not want flagged. */
        remove: z.array(z.string().min(1)).default([]),
      })
      .strict()
      .default({ add: [], remove: [] }),
    /** Events at or above this risk score count as high-risk (the seed: 7). */
    highRiskThreshold: z.number().min(0).max(10).default(7),
    /** Findings at or above this risk score are alerted at once (the seed: 8). */
    alertThreshold: z.number().min(0).max(10).default(8),
    /** Largest decompressed size of one input file, in MiB (guards against gzip bombs). */
    maxFileMiB: z.number().int().positive().default(512),
    /** Default severity for `--fail-on`. */
    failOn: z.enum(SEVERITIES).optional(),
    /** Detection library: suppressions, your own accounts, disabled rules. */
    detection: detectionConfigSchema.default({ suppressions: [], knownAccounts: [], disabledRules: [] }),
    report: reportConfigSchema.default(reportConfigSchema.parse({})),
    flowLogs: flowLogsConfigSchema.prefault({}),
    appLogs: appLogsConfigSchema.prefault({}),
    sigma: sigmaConfigSchema.default({ paths: [], vendored: true }),
    geo: geoConfigSchema.default(geoConfigSchema.parse({})),
    baseline: baselineConfigSchema.default(baselineConfigSchema.parse({})),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Raised for a configuration that does not validate; the message names every bad key. */
export class ConfigError extends LogwardenError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('config', message, options);
  }
}

/** Validates a parsed configuration document; `origin` names the file in messages. */
export function parseConfig(doc: unknown, origin = 'configuration'): Config {
  const result = configSchema.safeParse(doc ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const key = issue.path.join('.') || '(top level)';
    if (issue.code === 'unrecognized_keys') {
      const allowed = Object.keys(shapeAt(issue.path)).join(', ');
      return `${issue.keys.map((k) => [...issue.path, k].join('.')).join(', ')}: unknown key (allowed: ${allowed})`;
    }
    return `${key}: ${issue.message}`;
  });
  throw new ConfigError(`${origin} is invalid:\n  - ${problems.join('\n  - ')}`);
}

/** The keys the schema allows at a path, for "allowed:" hints. */
function shapeAt(path: readonly PropertyKey[]): Record<string, unknown> {
  let schema: unknown = configSchema;
  for (const key of path) {
    schema = unwrap(schema);
    const shape = (schema as { shape?: Record<string, unknown> }).shape;
    if (!shape) return {};
    schema = shape[String(key)];
  }
  return (unwrap(schema) as { shape?: Record<string, unknown> }).shape ?? {};
}

function unwrap(schema: unknown): unknown {
  let s = schema as { def?: { innerType?: unknown }; unwrap?: () => unknown };
  while (s?.def?.innerType) s = s.def.innerType as typeof s;
  return s;
}

/** The configuration with every default applied. */
export function defaultConfig(): Config {
  return parseConfig({});
}
