import type { Config } from '../config.ts';
import { appDetectors } from './app/app-detectors.ts';
import { BaselineDetector } from './baseline/baseline-detector.ts';
import type { Detector } from './detector.ts';
import { RuleEngine } from './engine.ts';
import { flowDetectors } from './flow/flow-detectors.ts';
import type { Rule } from './rule.ts';
import { BUILTIN_RULES, BUILTIN_THRESHOLDS } from './rules/index.ts';
import { SuppressedDetector, Suppressor } from './suppression.ts';
import {
  NEW_KEY_USED_FROM_NEW_IP,
  NewKeyUsedFromNewIpDetector,
} from './threshold/new-key-used-from-new-ip.ts';
import { ThresholdDetector } from './threshold/threshold-detector.ts';

/**
 * The detectors both runtimes run, beside the engine's seed flags and high-risk-event finding:
 * the built-in rules plus `extraRules` (Sigma and custom rules) in one indexed rule engine, the
 * threshold rules, the access-key sequence and the per-principal baseline. Disabled rule ids are
 * left out; the user's suppressions wrap every detector.
 */
export function defaultDetectors(config: Config, extraRules: readonly Rule[] = []): Detector[] {
  const detection = config.detection;
  const disabled = new Set(detection.disabledRules);
  const rules = [...BUILTIN_RULES, ...extraRules].filter((r) => !disabled.has(r.id));
  const detectors: Detector[] = [new RuleEngine(rules, { knownAccounts: detection.knownAccounts })];
  const thresholds = BUILTIN_THRESHOLDS.filter((r) => !disabled.has(r.id));
  if (thresholds.length > 0) detectors.push(new ThresholdDetector(thresholds));
  if (!disabled.has(NEW_KEY_USED_FROM_NEW_IP.id)) detectors.push(new NewKeyUsedFromNewIpDetector());
  if (config.baseline.enabled) detectors.push(new BaselineDetector(config.baseline, config.timeZone));
  detectors.push(...flowDetectors(config), ...appDetectors(config));
  if (detection.suppressions.length === 0) return detectors;
  return detectors.map((d) => new SuppressedDetector(d, new Suppressor(detection.suppressions)));
}
