import type { InputError, NormalizedEvent } from '../event.ts';
import { parseCloudTrail } from './cloudtrail.ts';

/** What one input file held. */
export interface ParsedFile {
  events: NormalizedEvent[];
  errors: InputError[];
  /** Why the whole file was deliberately passed over (not an error), e.g. CloudTrail digests. */
  skipped?: string;
  /** Which reader read it. */
  format: string;
}

/** Reads a file's text with the reader its content calls for. */
export function parseLogFile(path: string, text: string): ParsedFile {
  const parsed = parseCloudTrail(path, text);
  return { ...parsed, format: 'cloudtrail' };
}
