import type { InputError, NormalizedEvent } from '../event.ts';
import { parseAppLog } from './app-log.ts';
import { parseCloudTrail } from './cloudtrail.ts';
import {
  type CloudWatchParse,
  parseCloudWatchExport,
  parseCloudWatchSubscription,
} from './cloudwatch-logs.ts';
import { sniffFormat } from './sniff.ts';
import { type FlowRecord, parseVpcFlow } from './vpc-flow.ts';

/** What one input file held. */
export interface ParsedFile {
  events: NormalizedEvent[];
  errors: InputError[];
  /** Why the whole file was deliberately passed over (not an error), e.g. CloudTrail digests. */
  skipped?: string;
  /** Which reader read it. */
  format: string;
  /** Flow log records: detectors see them, the store keeps only their aggregates. */
  flows?: FlowRecord[];
}

/** What readers need beyond the text. */
export interface ParseOptions {
  /** Custom VPC flow log format for files without a header line (config `flowLogs.format`). */
  flowFormat?: string;
  /** Epoch ms the year of year-less syslog lines is inferred against (the run's clock). */
  referenceTime?: number;
}

/** Reads a file's text with the reader its content (and, failing that, its name) calls for. */
export function parseLogFile(path: string, text: string, options: ParseOptions = {}): ParsedFile {
  const sniffed = sniffFormat(path, text, options);
  const by = sniffed.by === 'name' ? ', by file name' : '';
  switch (sniffed.kind) {
    case 'cloudtrail': {
      return parseCloudTrail(path, text);
    }
    case 'vpc-flow': {
      const p = parseVpcFlow(path, text, { format: options.flowFormat });
      const tgw = p.formatOrigin === 'transit-gateway-default' || p.fields.includes('tgw-id');
      const origin = p.formatOrigin === 'transit-gateway-default' ? 'default' : p.formatOrigin;
      return {
        events: [],
        errors: p.errors,
        flows: p.records,
        format: `${tgw ? 'transit-gateway-flow' : 'vpc-flow'} (${origin} format${by})`,
      };
    }
    case 'cloudwatch-subscription':
      return fromCloudWatch(
        parseCloudWatchSubscription(path, text, { flowFormat: options.flowFormat }),
        'subscription',
      );
    case 'cloudwatch-export':
      return fromCloudWatch(parseCloudWatchExport(path, text, { flowFormat: options.flowFormat }), 'export');
    case 'app-log': {
      const p = parseAppLog(path, text, {
        referenceTime: options.referenceTime ?? 0,
        preferred: sniffed.appFormat,
      });
      return { events: p.events, errors: p.errors, format: `app-log (${p.format})` };
    }
    default:
      return {
        events: [],
        errors: [{ path, reason: `cannot tell the log format: ${sniffed.reason}` }],
        format: 'unknown',
      };
  }
}

function fromCloudWatch(p: CloudWatchParse, kind: string): ParsedFile {
  const r = p.routed;
  const control = p.controlMessages ? `, ${p.controlMessages} control messages ignored` : '';
  return {
    events: p.events,
    errors: p.errors,
    flows: p.flows,
    format: `cloudwatch-logs ${kind} (${r.cloudtrail} cloudtrail, ${r.flow} flow, ${r.app} app${control})`,
  };
}
