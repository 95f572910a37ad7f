import type { Config } from '../config.ts';
import type { Detector } from './detector.ts';

/** The detectors both runtimes run, beside the engine's seed flags and high-risk-event finding. */
export function defaultDetectors(_config: Config): Detector[] {
  return [];
}
