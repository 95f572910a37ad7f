import type { Config } from '../config.ts';
import { BaselineDetector } from './baseline/baseline-detector.ts';
import type { Detector } from './detector.ts';
import { appDetectors } from './app/app-detectors.ts';
import { flowDetectors } from './flow/flow-detectors.ts';

/** The detectors both runtimes run, beside the engine's seed flags and high-risk-event finding. */
export function defaultDetectors(config: Config): Detector[] {
  const detectors: Detector[] = [...flowDetectors(config), ...appDetectors(config)];
  if (config.baseline.enabled) detectors.push(new BaselineDetector(config.baseline, config.timeZone));
  return detectors;
}
