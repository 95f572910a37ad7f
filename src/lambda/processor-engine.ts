/**
 * The detection parts the processing functions share with the CLI: the configured Sigma rules
 * (the vendored SigmaHQ set, which the CDK bundling copies to `rules/sigma` beside the bundle) and
 * the offline GeoIP/ASN lookup (the ip-location-db packages, copied to `node_modules/` beside it).
 * Both are read once per execution environment; every invocation gets a fresh Engine over them, so
 * detector state never leaks between invocations (the store keeps it).
 */
import { OfflineGeoLookup } from '../adapters/local/geo/offline-geo-lookup.ts';
import { loadSigmaRules, type SigmaRuleSet } from '../adapters/local/sigma-loader.ts';
import type { Config } from '../core/config.ts';
import { defaultDetectors } from '../core/detect/default-detectors.ts';
import { Engine } from '../core/pipeline.ts';
import type { GeoLookup } from '../core/ports.ts';
import type { Wiring } from './wiring.ts';

/** What a cold start loads for detection. */
export interface ProcessorParts {
  sigma: SigmaRuleSet;
  /** Undefined when `geo.enabled` is false. */
  geo?: GeoLookup;
  /** Milliseconds the loading took (cold-start cost). */
  loadMs: number;
}

let cached: { key: string; parts: ProcessorParts } | undefined;

/**
 * The Sigma rules and the geo lookup for this configuration, loaded on first use and kept for the
 * container's life. A Sigma file that does not parse or a missing geo database throws: that is a
 * broken deployment, and the batch is retried rather than analysed without the rules.
 */
export function processorParts(w: Pick<Wiring, 'config' | 'logger'>): ProcessorParts {
  const key = JSON.stringify([w.config.sigma, w.config.geo]);
  if (cached?.key === key) return cached.parts;
  const started = performance.now();
  const sigma = loadSigmaRules(w.config.sigma);
  const geo = geoLookup(w.config);
  // The city database is read now (a missing file fails here, not on the first public address).
  const parts: ProcessorParts = { sigma, geo, loadMs: Math.round(performance.now() - started) };
  cached = { key, parts };
  w.logger.info('detection loaded', {
    sigmaRules: sigma.rules.length,
    sigmaFiles: sigma.files,
    sigmaUnrunnable: sigma.unrunnable.map((u) => `${u.path}: ${u.reason}`),
    geo: geo ? 'offline GeoIP/ASN' : 'disabled',
    loadMs: parts.loadMs,
  });
  return parts;
}

function geoLookup(config: Config): GeoLookup | undefined {
  return config.geo.enabled ? OfflineGeoLookup.fromConfig(config.geo) : undefined;
}

/** A fresh engine for one invocation: built-in rules, the Sigma rules and GeoIP/ASN enrichment. */
export function processorEngine(w: Pick<Wiring, 'config' | 'logger'>): Engine {
  const { sigma, geo } = processorParts(w);
  return new Engine(w.config, defaultDetectors(w.config, sigma.rules), { geo });
}
