/**
 * Where CloudTrail puts log and digest files (AWS docs, "CloudTrail digest file structure" and
 * "Finding your CloudTrail log files"):
 *
 *   [prefix/]AWSLogs/[o-id/]<account>/CloudTrail/<region>/YYYY/MM/DD/<account>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<unique>.json.gz
 *   [prefix/]AWSLogs/[o-id/]<account>/CloudTrail-Digest/<region>/YYYY/MM/DD/<account>_CloudTrail-Digest_<region>_<trail>_<home region>_<YYYYMMDDTHHmmssZ>[_backfill].json.gz
 *
 * The part from `AWSLogs/` on is the same in the bucket and in a downloaded copy (`aws s3 sync`),
 * so it is what digests and files are matched by.
 */

/** A digest file's place, from its key. */
export interface DigestKey {
  /** From `AWSLogs/` on. */
  relKey: string;
  /** Organization id for organization trails. */
  organization?: string;
  account: string;
  /** The region whose activity the digest covers (and whose key signed it). */
  region: string;
  trail: string;
  homeRegion: string;
  /** Epoch ms of the digest's end, from the name. */
  endTime: number;
  /** Backfill digests list files a regular digest missed; they are not links of the hourly chain. */
  backfill: boolean;
}

/** A log file's place, from its key. */
export interface LogKey {
  relKey: string;
  organization?: string;
  account: string;
  region: string;
  /** Epoch ms of delivery, from the name (minute precision). */
  deliveredAt: number;
}

const REGION = '[a-z]{2}(?:-[a-z]+)+-\\d';
const DIGEST_KEY = new RegExp(
  `^AWSLogs/(?:(o-[a-z0-9]+)/)?(\\d{12})/CloudTrail-Digest/(${REGION})/\\d{4}/\\d{2}/\\d{2}/` +
    `\\2_CloudTrail-Digest_\\3_(.+)_(${REGION})_(\\d{8}T\\d{6}Z)(_backfill)?\\.json\\.gz$`,
);
const LOG_KEY = new RegExp(
  `^AWSLogs/(?:(o-[a-z0-9]+)/)?(\\d{12})/CloudTrail/(${REGION})/\\d{4}/\\d{2}/\\d{2}/` +
    `\\2_CloudTrail_\\3_(\\d{8}T\\d{4}Z)_[^/]+\\.json(?:\\.gz)?$`,
);

/** The part of a path, URI or S3 key from its last `AWSLogs/` segment on; undefined when it has none. */
export function relativeKey(pathOrKey: string): string | undefined {
  const normalized = pathOrKey.replaceAll('\\', '/');
  const at = normalized.lastIndexOf('AWSLogs/');
  if (at < 0 || (at > 0 && normalized[at - 1] !== '/')) return undefined;
  return normalized.slice(at);
}

/** The digest key a path or S3 key names, or undefined when it is not a digest file's. */
export function parseDigestKey(pathOrKey: string): DigestKey | undefined {
  const relKey = relativeKey(pathOrKey);
  const m = relKey === undefined ? null : DIGEST_KEY.exec(relKey);
  if (!m || relKey === undefined) return undefined;
  return {
    relKey,
    ...(m[1] && { organization: m[1] }),
    account: m[2],
    region: m[3],
    trail: m[4],
    homeRegion: m[5],
    endTime: compactTime(m[6]),
    backfill: m[7] !== undefined,
  };
}

/** The log file key a path or S3 key names, or undefined when it is not a CloudTrail delivery's name. */
export function parseLogKey(pathOrKey: string): LogKey | undefined {
  const relKey = relativeKey(pathOrKey);
  const m = relKey === undefined ? null : LOG_KEY.exec(relKey);
  if (!m || relKey === undefined) return undefined;
  return {
    relKey,
    ...(m[1] && { organization: m[1] }),
    account: m[2],
    region: m[3],
    deliveredAt: compactTime(m[4]),
  };
}

/** `20150817T150131Z` or `20150817T1501Z` as epoch ms. */
function compactTime(s: string): number {
  const iso = `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}T${s.slice(9, 11)}:${s.slice(11, 13)}:${s.length > 14 ? s.slice(13, 15) : '00'}Z`;
  return Date.parse(iso);
}

/** Account and region as one map key (organization trails keep their organization id). */
export function placeOf(k: { organization?: string; account: string; region: string }): string {
  return `${k.organization ? `${k.organization}/` : ''}${k.account}/${k.region}`;
}
