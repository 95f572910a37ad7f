import { OfflineGeoLookup } from '../adapters/local/geo/offline-geo-lookup.ts';
import type { Config } from '../core/config.ts';
import type { GeoLookup } from '../core/ports.ts';

/** The offline GeoIP/ASN lookup the config asks for: shipped databases, the user's files, or none. */
export function geoLookupFor(config: Pick<Config, 'geo'>): GeoLookup | undefined {
  return config.geo.enabled ? OfflineGeoLookup.fromConfig(config.geo) : undefined;
}
