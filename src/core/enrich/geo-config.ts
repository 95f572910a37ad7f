import { z } from 'zod';

/**
 * Offline GeoIP/ASN enrichment. By default logwarden uses the DB-IP Lite city database and the
 * RouteViews/DB-IP ASN table shipped in its npm dependencies; these keys point at your own MaxMind
 * `.mmdb` files instead (GeoIP2/GeoLite2 City or Country, and GeoLite2/GeoIP2 ASN).
 */
export const geoConfigSchema = z
  .object({
    /** Turns enrichment off: events keep only the address kind (public, private, aws-service …). */
    enabled: z.boolean().default(true),
    /** Path of a City or Country `.mmdb` file (MaxMind or ip-location-db layout). */
    cityDb: z.string().min(1).optional(),
    /** Path of an ASN `.mmdb` file (`autonomous_system_number`, `autonomous_system_organization`). */
    asnDb: z.string().min(1).optional(),
    /** Distinct addresses whose lookups are cached in memory. */
    cacheSize: z.number().int().min(0).default(50_000),
  })
  .strict();

export type GeoConfig = z.infer<typeof geoConfigSchema>;
