import type { GeoInfo, NormalizedEvent } from '../event.ts';
import { LruCache } from '../lru-cache.ts';
import { type AddressKind, classifyAddress } from '../net.ts';
import type { GeoLookup } from '../ports.ts';

/** One shared, frozen GeoInfo per non-public kind: events without a place cost no allocation. */
const KIND_ONLY: Record<AddressKind, GeoInfo> = {
  public: Object.freeze({ kind: 'public' }) as GeoInfo,
  private: Object.freeze({ kind: 'private' }) as GeoInfo,
  'aws-service': Object.freeze({ kind: 'aws-service' }) as GeoInfo,
  'aws-internal': Object.freeze({ kind: 'aws-internal' }) as GeoInfo,
  other: Object.freeze({ kind: 'other' }) as GeoInfo,
};

/**
 * The engine's enrichment step: labels every source address (public, private, AWS service hostname,
 * "AWS Internal", other) and, for public IPs, adds country, city, coordinates and ASN from an
 * offline lookup. Lookups are cached per address in a bounded LRU; the GeoInfo objects are shared
 * between events and must be treated as read-only.
 */
export class GeoEnricher {
  private readonly cache: LruCache<string, GeoInfo>;
  /** Lookups answered by the cache and by the databases, for benchmarks and diagnostics. */
  readonly stats = { hits: 0, lookups: 0 };

  constructor(
    private readonly lookup: GeoLookup | undefined,
    cacheSize = 50_000,
  ) {
    this.cache = new LruCache(cacheSize);
  }

  /** The GeoInfo of an address. */
  locate(address: string): GeoInfo {
    const cached = this.cache.get(address);
    if (cached) {
      this.stats.hits++;
      return cached;
    }
    const kind = classifyAddress(address);
    let info = KIND_ONLY[kind];
    if (kind === 'public' && this.lookup) {
      this.stats.lookups++;
      const found = this.lookup.lookup(address);
      if (found) info = Object.freeze({ kind, ...found });
    }
    this.cache.set(address, info);
    return info;
  }

  /** Sets `event.geo`. */
  enrich(event: NormalizedEvent): void {
    event.geo = this.locate(event.sourceIp);
  }
}
