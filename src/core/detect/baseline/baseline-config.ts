import { z } from 'zod';

/**
 * Per-principal baselines: how much history a principal needs before its baseline findings count
 * (warm-up), how big a profile may grow, and the thresholds of each baseline detection.
 */
export const baselineConfigSchema = z
  .object({
    /** Turns the baseline detector off (profiles are then neither learned nor stored). */
    enabled: z.boolean().default(true),
    /** Distinct UTC days with activity a principal needs before baseline findings are raised. */
    minDays: z.number().int().min(1).default(7),
    /** Events a principal needs before baseline findings are raised. */
    minEvents: z.number().int().min(1).default(50),
    /** A principal or long-term access key unused this many days and then used again is reported. */
    dormantDays: z.number().int().min(1).default(30),
    /** Distinct values kept per dimension (countries, ASNs, services …); the least recently seen go first. */
    maxValuesPerDimension: z.number().int().min(4).max(1000).default(50),
    /** Days of daily call volume kept for the spike statistics. */
    historyDays: z.number().int().min(7).max(366).default(60),
    /** A day is a spike when its calls exceed `spikeFactor` × the median day … */
    spikeFactor: z.number().min(1).default(10),
    /** … and the median plus this many robust standard deviations (1.4826 × MAD) … */
    spikeMads: z.number().min(0).default(6),
    /** … and at least this many calls. */
    spikeMinEvents: z.number().int().min(1).default(200),
    /** Consecutive geolocated calls implying a speed above this (km/h) are impossible travel. */
    maxSpeedKmh: z.number().positive().default(1000),
    /** … when the two places are at least this far apart (km), so city-level inaccuracy is not travel. */
    minTravelKm: z.number().min(0).default(500),
    /** Hours either side of an hour of day that also count as "active at this hour". */
    hourTolerance: z.number().int().min(0).max(6).default(1),
    /** Profiles kept in memory at once; more are saved to the store and loaded again when needed. */
    cacheSize: z.number().int().min(100).default(20_000),
  })
  .strict();

export type BaselineConfig = z.infer<typeof baselineConfigSchema>;

/** The baseline settings with every default applied. */
export const BASELINE_DEFAULTS: BaselineConfig = baselineConfigSchema.parse({});
