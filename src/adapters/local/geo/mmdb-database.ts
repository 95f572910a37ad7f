import { readFileSync } from 'node:fs';
import { Reader, type Response } from 'maxmind';
import type { IpLocation } from '../../../core/ports.ts';

/**
 * One `.mmdb` file, read into memory on the first lookup (so an IPv6 file costs nothing until an
 * IPv6 address shows up). Understands MaxMind's GeoIP2/GeoLite2 City, Country and ASN records and
 * ip-location-db's flat records (`country_code`, `city`, `latitude`, `longitude`).
 */
export class MmdbDatabase {
  private reader?: Reader<Response>;

  constructor(readonly path: string) {}

  /** Reads the file now: a missing or corrupt database fails at start-up, not mid-run. */
  open(): this {
    if (!this.reader) {
      let data: Buffer;
      try {
        data = readFileSync(this.path);
      } catch (err) {
        throw new Error(`cannot read GeoIP database ${this.path}: ${(err as Error).message}`);
      }
      try {
        this.reader = new Reader<Response>(data);
      } catch (err) {
        throw new Error(`${this.path} is not a MaxMind DB (.mmdb) file: ${(err as Error).message}`);
      }
    }
    return this;
  }

  /** `databaseType` from the file's metadata, e.g. `GeoLite2-City` or `city ipv4`. */
  get type(): string {
    return this.open().reader?.metadata.databaseType ?? '';
  }

  /** The location and network fields of an address's record; undefined when it has none. */
  get(ip: string): IpLocation | undefined {
    let record: Response | null;
    try {
      record = this.open().reader?.get(ip) ?? null;
    } catch {
      // An IPv6 address asked of an IPv4-only database, or a malformed one: no answer, not a failure.
      return undefined;
    }
    return record ? locationOf(record as unknown as Record<string, unknown>) : undefined;
  }
}

/** Maps either record layout to an IpLocation, keeping only the fields that are present. */
export function locationOf(r: Record<string, unknown>): IpLocation | undefined {
  const out: IpLocation = {};
  const country =
    str(r.country_code) ?? str(sub(r.country)?.iso_code) ?? str(sub(r.registered_country)?.iso_code);
  if (country) out.country = country;
  const city = str(r.city) ?? str(sub(sub(r.city)?.names)?.en);
  if (city) out.city = city;
  const location = sub(r.location);
  const lat = num(r.latitude) ?? num(location?.latitude);
  const lon = num(r.longitude) ?? num(location?.longitude);
  if (lat !== undefined && lon !== undefined) {
    out.lat = lat;
    out.lon = lon;
  }
  const asn = num(r.autonomous_system_number);
  if (asn !== undefined) out.asn = asn;
  const org = str(r.autonomous_system_organization);
  if (org) out.org = org;
  return Object.keys(out).length ? out : undefined;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const sub = (v: unknown): Record<string, unknown> | undefined =>
  typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined;
