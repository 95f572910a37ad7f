import type { InputError } from './event.ts';
import type { Finding } from './finding.ts';
import { InflateBudget, type InflateTicket } from './inflate-budget.ts';
import type { EncodedEvents, SourceObject } from './ports.ts';
import { isDigestPath } from './sources/cloudtrail.ts';
import type { FlowAggregate } from './sources/flow-aggregate.ts';
import { type ParsedFile, type ParseOptions, parseLogFile } from './sources/parse.ts';

/**
 * One listed object after reading and whatever file-local work was done where it was read, in
 * listing order. `ingest` finishes it: the stateful detectors and the store.
 */
export type PreparedObject = { uri: string; size: number } & (
  | { kind: 'digest' }
  | { kind: 'unreadable'; reason: string }
  /** Its content was already stored: it was not parsed. */
  | { kind: 'known'; sha256: string }
  /**
   * Parsed events for the engine. `findings` came from stateless detectors that already looked
   * at these events elsewhere (the engine runs the rest and merges them).
   */
  | { kind: 'parsed'; sha256: string; parsed: ParsedFile; findings: Finding[] }
  /** Processed to the end elsewhere: only storing is left. */
  | { kind: 'staged'; sha256: string; staged: StagedFile }
);

/** A file flagged, scored, detected on and encoded for the store off the main thread. */
export interface StagedFile {
  format: string;
  skipped?: string;
  errors: InputError[];
  events: number;
  flows: number;
  findings: Finding[];
  /** The events, encoded for the store (none when the file held none). */
  encoded?: EncodedEvents;
  flowAggregates?: FlowAggregate[];
}

/** Reads listed objects and does the file-local work, yielding them in listing order. */
export interface FilePreparer {
  prepare(objects: AsyncIterable<SourceObject>): AsyncIterable<PreparedObject>;
}

/** How many files are read (and decompressed) ahead of the one being processed. */
const READ_AHEAD = 4;

/**
 * Decoded bytes that the files read ahead may hold together, beyond the next one (which may always
 * reach the per-file limit): six gzip bombs side by side once held 2.9 GB.
 */
export const READ_AHEAD_BUDGET_BYTES = 128 * 2 ** 20;

/**
 * The preparer that parses on the calling thread; reads and decompression run a few files ahead
 * (on libuv's pool). Content the store already holds is not parsed.
 */
export class InThreadPreparer implements FilePreparer {
  constructor(
    private readonly isKnown: (sha256: string) => Promise<boolean>,
    private readonly options: ParseOptions,
  ) {}

  async *prepare(objects: AsyncIterable<SourceObject>): AsyncIterable<PreparedObject> {
    const budget = new InflateBudget(READ_AHEAD_BUDGET_BYTES);
    for await (const { object, content, ticket } of readAhead(objects, READ_AHEAD, this.isKnown, budget)) {
      const { uri, size } = object;
      if (!content) {
        yield { uri, size, kind: 'digest' };
        continue;
      }
      let text: string | undefined;
      let sha256: string;
      try {
        ({ text, sha256 } = await content);
      } catch (err) {
        yield { uri, size, kind: 'unreadable', reason: (err as Error).message };
        continue;
      } finally {
        ticket?.close(); // taken: no longer read ahead
      }
      if (text === undefined) {
        yield { uri, size, kind: 'known', sha256 };
        continue;
      }
      yield {
        uri,
        size,
        kind: 'parsed',
        sha256,
        parsed: parseLogFile(uri, text, this.options),
        findings: [],
      };
    }
  }
}

type Content = Promise<{ text?: string; sha256: string }>;

/**
 * Starts reading up to `depth` objects ahead and yields them in order with their pending content
 * (none for digest files, which are never read; no text for content already stored, where the
 * source can tell before decompressing). A failed read is kept as a rejected promise for the
 * consumer (never an unhandled rejection). Each read holds its bytes on a ticket of `budget`,
 * taken in listing order; the consumer closes it when it takes the content.
 */
async function* readAhead(
  objects: AsyncIterable<SourceObject>,
  depth: number,
  isKnown: (sha256: string) => Promise<boolean>,
  budget: InflateBudget,
): AsyncIterable<{ object: SourceObject; content?: Content; ticket?: InflateTicket }> {
  const queue: { object: SourceObject; content?: Content; ticket?: InflateTicket }[] = [];
  for await (const object of objects) {
    let content: Content | undefined;
    let ticket: InflateTicket | undefined;
    if (!isDigestPath(object.uri)) {
      ticket = budget.ticket();
      content = readIfNew(object, isKnown, ticket);
    }
    content?.catch(() => {});
    queue.push({ object, content, ticket });
    if (queue.length > depth) yield queue.shift()!;
  }
  while (queue.length) yield queue.shift()!;
}

/** The object's content, without text when it is already stored (decoded or not, as the source can). */
function readIfNew(
  object: SourceObject,
  isKnown: (sha256: string) => Promise<boolean>,
  ticket: InflateTicket,
): Content {
  if (object.readIfNew) return object.readIfNew(isKnown, ticket);
  return object
    .read(ticket)
    .then(async (read) => ((await isKnown(read.sha256)) ? { sha256: read.sha256 } : read));
}
