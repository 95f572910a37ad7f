import ipaddr from 'ipaddr.js';

/** How a `sourceIPAddress` value should be read. */
export type AddressKind = 'public' | 'private' | 'aws-service' | 'aws-internal' | 'other';

type Parsed = ipaddr.IPv4 | ipaddr.IPv6;

const NON_PUBLIC_RANGES = new Set([
  'private',
  'loopback',
  'linkLocal',
  'uniqueLocal',
  'carrierGradeNat',
  'unspecified',
  'broadcast',
  'reserved',
  'multicast',
]);

/** Parses an IPv4/IPv6 address (IPv4-mapped IPv6 becomes IPv4); undefined for anything else. */
export function parseIp(value: string): Parsed | undefined {
  if (!ipaddr.isValid(value)) return undefined;
  const ip = ipaddr.parse(value);
  if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress()) {
    return (ip as ipaddr.IPv6).toIPv4Address();
  }
  return ip;
}

/** Classifies a CloudTrail `sourceIPAddress`: service hostnames and "AWS Internal" are not locations. */
export function classifyAddress(value: string): AddressKind {
  if (value === 'AWS Internal') return 'aws-internal';
  if (value.endsWith('.amazonaws.com') || value.endsWith('.aws.internal')) return 'aws-service';
  // The same few addresses recur in every file: parse each once (bounded: cleared when full).
  let kind = kindCache.get(value);
  if (kind === undefined) {
    const ip = parseIp(value);
    kind = !ip ? 'other' : NON_PUBLIC_RANGES.has(ip.range()) ? 'private' : 'public';
    if (kindCache.size >= KIND_CACHE_SIZE) kindCache.clear();
    kindCache.set(value, kind);
  }
  return kind;
}

const KIND_CACHE_SIZE = 50_000;
const kindCache = new Map<string, AddressKind>();

/** A parsed list of CIDRs that answers "is this address inside?" */
export class CidrSet {
  private readonly ranges: [Parsed, number][];

  constructor(cidrs: readonly string[]) {
    this.ranges = cidrs.map((c) => {
      try {
        return ipaddr.parseCIDR(c) as [Parsed, number];
      } catch {
        throw new Error(`"${c}" is not a CIDR (expected e.g. 203.0.113.0/24 or 2001:db8::/32)`);
      }
    });
  }

  get size(): number {
    return this.ranges.length;
  }

  /** True when `value` is an IP address inside one of the ranges. */
  contains(value: string): boolean {
    const ip = parseIp(value);
    if (!ip) return false;
    for (const [net, bits] of this.ranges) {
      if (net.kind() === ip.kind() && ip.match(net, bits)) return true;
    }
    return false;
  }
}
