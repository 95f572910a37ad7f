import { constants, type Dirent, type Stats } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ByteTicket, ObjectSource, SourceObject } from '../../core/ports.ts';
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
 *
 * Only regular files are read. A FIFO, socket or device (given as the input, named like a log or
 * reached through such a symlink), a dangling or looping symlink and a directory that cannot be
 * listed are listed as objects whose read fails with the reason: the pipeline reports each as an
 * input error naming its path, and goes on with the rest. Nothing here can block on a reader.
 */
export class FsObjectSource implements ObjectSource {
  constructor(
    private readonly root: string,
    private readonly maxBytes: number,
  ) {}

  async *list(): AsyncIterable<SourceObject> {
    let info: Stats;
    try {
      info = await stat(this.root);
    } catch (err) {
      throw new InputPathError(`${this.root}: ${describe(err)}`);
    }
    if (info.isFile() && ARCHIVE_FILE.test(this.root)) {
      yield* this.archive(this.root);
      return;
    }
    if (!info.isDirectory()) {
      yield info.isFile() ? this.object(this.root, info.size) : unreadable(this.root, notRegular(info));
      return;
    }
    let entries: Dirent[];
    try {
      entries = await listDir(this.root);
    } catch (err) {
      throw new InputPathError(`${this.root}: cannot list directory (${describe(err)})`);
    }
    let found = 0;
    for await (const object of this.walk(this.root, entries)) {
      found++;
      yield object;
    }
    if (found === 0)
      throw new InputPathError(
        `${this.root}: no log files found (looked for .json, .json.gz, .jsonl, .log, .zip, .tar.gz …)`,
      );
  }

  private async *walk(dir: string, entries: Dirent[]): AsyncIterable<SourceObject> {
    for (const entry of entries) {
      const name = entry.name;
      if (name.startsWith('.')) continue;
      const path = join(dir, name);
      if (entry.isDirectory()) {
        let children: Dirent[];
        try {
          children = await listDir(path);
        } catch (err) {
          yield unreadable(path, `cannot list directory (${describe(err)})`);
          continue;
        }
        yield* this.walk(path, children);
        continue;
      }
      if (ARCHIVE_FILE.test(name) && (entry.isFile() || entry.isSymbolicLink())) {
        // Only a regular file is opened as an archive (a FIFO named x.zip would block the run).
        const info = await stat(path).catch(() => undefined);
        if (info?.isFile()) {
          yield* this.archive(path);
          continue;
        }
      }
      if (!LOG_FILE.test(name)) continue;
      if (!entry.isFile() && !entry.isSymbolicLink()) {
        yield unreadable(path, notRegular(entry));
        continue;
      }
      // Follows a symlink (to learn what it points at); a symlinked directory is not walked.
      let info: Stats;
      try {
        info = await stat(path);
      } catch (err) {
        yield unreadable(path, `cannot read (${describe(err)})`);
        continue;
      }
      if (info.isFile()) yield this.object(path, info.size);
      else if (info.isDirectory()) yield unreadable(path, 'a symbolic link to a directory (not followed)');
      else yield unreadable(path, notRegular(info));
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
      async read(ticket) {
        return decodeLogBytes(await readBytes(ticket), maxBytes, ticket);
      },
      async readIfNew(isKnown, ticket) {
        return decodeUnlessKnown(await readBytes(ticket), maxBytes, isKnown, ticket);
      },
    };
    async function readBytes(ticket?: ByteTicket): Promise<Uint8Array> {
      await ticket?.grow(Math.min(size, maxBytes));
      try {
        return await readRegularFile(path, maxBytes);
      } catch (err) {
        ticket?.shrinkTo(0);
        throw err;
      }
    }
  }
}

/**
 * The bytes of a regular file, checked on the open descriptor (the path may have been replaced
 * since it was listed): opened without blocking, so a FIFO put there cannot hang the run.
 */
async function readRegularFile(path: string, maxBytes: number): Promise<Uint8Array> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    throw new Error(`cannot read (${describe(err)})`);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new Error(notRegular(info));
    if (info.size > maxBytes)
      throw new Error(
        `size ${info.size} bytes exceeds the limit of ${Math.round(maxBytes / 2 ** 20)} MiB (maxFileMiB)`,
      );
    return await handle.readFile();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code) throw new Error(`cannot read (${describe(err)})`);
    throw err;
  } finally {
    await handle.close();
  }
}

/** A listed path that cannot be read: its read fails with the reason. */
function unreadable(uri: string, reason: string): SourceObject {
  const fail = () => Promise.reject(new Error(reason));
  return { uri, size: 0, read: fail, readBytes: fail, readIfNew: fail };
}

/** A directory's entries in name order (byte order, the same on every machine). */
async function listDir(dir: string): Promise<Dirent[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Why a path that is not a regular file is not read. */
function notRegular(info: Stats | Dirent): string {
  if (info.isFIFO()) return 'a FIFO (named pipe), not a regular file: not read';
  if (info.isSocket()) return 'a socket, not a regular file: not read';
  if (info.isCharacterDevice()) return 'a character device, not a regular file: not read';
  if (info.isBlockDevice()) return 'a block device, not a regular file: not read';
  if (info.isDirectory()) return 'a directory, not a regular file';
  return 'not a regular file: not read';
}

function describe(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'ENOENT') return 'no such file or directory';
  if (e.code === 'EACCES' || e.code === 'EPERM') return 'permission denied';
  if (e.code === 'ELOOP') return 'too many levels of symbolic links';
  if (e.code === 'ENOTDIR') return 'not a directory';
  if (e.code === 'ENXIO') return 'no such device or address (a socket?)';
  return e.message;
}
