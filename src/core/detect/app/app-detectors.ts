import type { Config } from '../../config.ts';
import type { Detector } from '../detector.ts';
import { AuthFailureBurstDetector } from './auth-failure-burst.ts';
import { ErrorBurstDetector } from './error-burst.ts';
import { Http5xxSpikeDetector } from './http-5xx-spike.ts';

/** The application-log detectors, configured from `appLogs`. */
export function appDetectors(config: Pick<Config, 'appLogs'>): Detector[] {
  const a = config.appLogs;
  return [
    new ErrorBurstDetector(a.errorBurst),
    new AuthFailureBurstDetector(a.authFailures),
    new Http5xxSpikeDetector(a.http5xx),
  ];
}
