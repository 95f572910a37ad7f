import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ObjectSource, SourceObject } from '../../core/ports.ts';
import { decodeLogBytes, decodeUnlessKnown } from '../decode.ts';
import { InputPathError } from '../input-path-error.ts';
import { ARCHIVE_FILE, archiveEntries } from './archive-source.ts';

/** Names that may hold logs; licences, READMEs and other files beside them are not inputs. */
export const LOG_FILE =
  /\.(json|jsonl|ndjson|log|txt|csv)(\.gz)?$|\.gz$|\.log\.\d+(\.gz)?$|^(syslog|messages|secure|auth\.log)(\.\d+)?$/i;

/**
 * Log files under a path: the file itself, or every log file in a directory tree (the
 * `AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/` layout included), in sorted order, listed
 * lazily one directory at a time.
 */
export class FsObjectSource implements ObjectSource {
  constructor(
    private readonly root: string,
    private readonly maxBytes: number,
  ) {}

  async *list(): AsyncIterable<SourceObject> {
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(this.root);
    } catch (err) {
      throw new InputPathError(`${this.root}: ${describe(err)}`);
    }
    if (info.isFile()) {
      if (ARCHIVE_FILE.test(this.root)) yield* this.archive(this.root);
      else yield this.object(this.root, Number(info.size));
      return;
    }
    let found = 0;
    for await (const object of this.walk(this.root)) {
      found++;
      yield object;
    }
    if (found === 0)
      throw new InputPathError(
        `${this.root}: no log files found (looked for .json, .json.gz, .jsonl, .log, .zip, .tar.gz …)`,
      );
  }

  private async *walk(dir: string): AsyncIterable<SourceObject> {
    const entries = await readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        yield* this.walk(path);
      } else if (ARCHIVE_FILE.test(entry.name) && (entry.isFile() || entry.isSymbolicLink())) {
        yield* this.archive(path);
      } else if (LOG_FILE.test(entry.name) && (entry.isFile() || entry.isSymbolicLink())) {
        let size = 0;
        try {
          size = Number((await stat(path)).size);
        } catch {
          // Unreadable or dangling: reported when read.
        }
        yield this.object(path, size);
      }
    }
  }

  /** An archive's log files, entry by entry (`archive.zip!/AWSLogs/…`). */
  private archive(path: string): AsyncIterable<SourceObject> {
    return archiveEntries(path, this.maxBytes, (name) => LOG_FILE.test(name));
  }

  private object(path: string, size: number): SourceObject {
    const maxBytes = this.maxBytes;
    return {
      uri: path,
      size,
      readBytes,
      async read() {
        return decodeLogBytes(await readBytes(), maxBytes);
      },
      async readIfNew(isKnown) {
        return decodeUnlessKnown(await readBytes(), maxBytes, isKnown);
      },
    };
    async function readBytes(): Promise<Uint8Array> {
      try {
        return await readFile(path);
      } catch (err) {
        throw new Error(`cannot read (${describe(err)})`);
      }
    }
  }
}

function describe(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'ENOENT') return 'no such file or directory';
  if (e.code === 'EACCES') return 'permission denied';
  return e.message;
}
