import type { Config } from '../../config.ts';
import type { Detector } from '../detector.ts';
import { BadRangeDetector } from './bad-range.ts';
import { ExposedPortDetector } from './exposed-port.ts';
import { NewDestinationEgressDetector } from './new-destination-egress.ts';
import { PortScanDetector } from './port-scan.ts';
import { RejectSpikeDetector } from './reject-spike.ts';

/** The flow log detectors, configured from `flowLogs` (and the trusted networks). */
export function flowDetectors(config: Pick<Config, 'flowLogs' | 'trustedCidrs'>): Detector[] {
  const f = config.flowLogs;
  return [
    new PortScanDetector(f.portScan),
    new ExposedPortDetector({ ports: f.exposedPorts, trustedCidrs: config.trustedCidrs }),
    new RejectSpikeDetector(f.rejectSpike),
    new NewDestinationEgressDetector({ ...f.newDestinationEgress, trustedCidrs: config.trustedCidrs }),
    new BadRangeDetector(f.badRanges),
  ];
}
