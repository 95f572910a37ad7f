import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import yauzl from 'yauzl';
import type { ByteTicket, SourceObject } from '../../core/ports.ts';
import { decodeLogBytes, decodeUnlessKnown } from '../decode.ts';

/** Archive names read entry by entry: `.zip`, `.tar`, `.tar.gz`, `.tgz`. */
export const ARCHIVE_FILE = /\.(zip|tar|tar\.gz|tgz)$/i;

/**
 * The log files inside an archive as objects named `archive.zip!/AWSLogs/…/x.json.gz`, in the
 * order of their names (zip) or as stored (tar, which can only be read front to back). Every
 * entry is bounded by `maxBytes` as stored in the archive (and again when a `.gz` entry is
 * inflated); an entry that is too large, encrypted or an archive itself becomes an object whose
 * read fails with the reason, so it is reported by name and the other entries are still read.
 * Entries are read as they are listed, so at most the consumer's read-ahead is held in memory.
 */
export async function* archiveEntries(
  path: string,
  maxBytes: number,
  isLogName: (name: string) => boolean,
  /** The archive's bytes when it is not a local file (an S3 object); read from `path` otherwise. */
  bytes?: () => Promise<Uint8Array>,
): AsyncIterable<SourceObject> {
  try {
    if (/\.zip$/i.test(path)) yield* zipEntries(path, maxBytes, isLogName, bytes);
    else yield* tarEntries(path, maxBytes, isLogName, bytes);
  } catch (err) {
    yield failed(path, 0, `cannot read the archive (${(err as Error).message})`);
  }
}

function entryObject(uri: string, bytes: Uint8Array, maxBytes: number): SourceObject {
  // The entry is already in memory; the shared read-ahead budget counts it like a file's bytes.
  const held = async (ticket?: ByteTicket) => {
    await ticket?.grow(bytes.length);
    return bytes;
  };
  return {
    uri,
    size: bytes.length,
    readBytes: held,
    read: async (ticket) => decodeLogBytes(await held(ticket), maxBytes, ticket),
    readIfNew: async (isKnown, ticket) => decodeUnlessKnown(await held(ticket), maxBytes, isKnown, ticket),
  };
}

function failed(uri: string, size: number, reason: string): SourceObject {
  const fail = async (): Promise<never> => {
    throw new Error(reason);
  };
  return { uri, size, read: fail, readBytes: fail, readIfNew: fail };
}

const tooLarge = (size: number, maxBytes: number) =>
  `size ${size} bytes exceeds the limit of ${Math.round(maxBytes / 2 ** 20)} MiB (maxFileMiB)`;

/** What to do with an entry: read it, pass over it (not a log), or report why not. */
function entryVerdict(
  name: string,
  size: number,
  maxBytes: number,
  isLogName: (name: string) => boolean,
): 'read' | 'pass' | string {
  const base = basename(name);
  if (name.endsWith('/') || base.startsWith('.')) return 'pass';
  if (ARCHIVE_FILE.test(base)) return 'an archive inside an archive is not read (extract it first)';
  if (!isLogName(base)) return 'pass';
  if (size > maxBytes) return tooLarge(size, maxBytes);
  return 'read';
}

async function* zipEntries(
  path: string,
  maxBytes: number,
  isLogName: (name: string) => boolean,
  bytes?: () => Promise<Uint8Array>,
): AsyncIterable<SourceObject> {
  const options = { lazyEntries: true, autoClose: false, strictFileNames: false };
  const data = bytes && Buffer.from(await bytes());
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => {
    const done = (err: Error | null, z: yauzl.ZipFile) => (err ? reject(err) : resolve(z));
    if (data) yauzl.fromBuffer(data, options, done);
    else yauzl.open(path, options, done);
  });
  try {
    const entries = await new Promise<yauzl.Entry[]>((resolve, reject) => {
      const all: yauzl.Entry[] = [];
      zip.on('entry', (e: yauzl.Entry) => {
        all.push(e);
        zip.readEntry();
      });
      zip.on('end', () => resolve(all));
      zip.on('error', reject);
      zip.readEntry();
    });
    entries.sort((a, b) => (a.fileName < b.fileName ? -1 : a.fileName > b.fileName ? 1 : 0));
    for (const entry of entries) {
      const uri = `${path}!/${entry.fileName}`;
      const verdict = entryVerdict(entry.fileName, entry.uncompressedSize, maxBytes, isLogName);
      if (verdict === 'pass') continue;
      if (verdict !== 'read') {
        yield failed(uri, entry.compressedSize, verdict);
        continue;
      }
      if (entry.isEncrypted()) {
        yield failed(uri, entry.compressedSize, 'encrypted zip entry: cannot be read');
        continue;
      }
      try {
        const stream = await new Promise<Readable>((resolve, reject) =>
          zip.openReadStream(entry, (err, s) => (err ? reject(err) : resolve(s))),
        );
        // yauzl checks the inflated size against the entry's header, so the bound above holds.
        yield entryObject(uri, await readAll(stream, maxBytes), maxBytes);
      } catch (err) {
        yield failed(uri, entry.compressedSize, `corrupt zip entry (${(err as Error).message})`);
      }
    }
  } finally {
    zip.close();
  }
}

async function readAll(stream: Readable, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const chunk of stream) {
    n += chunk.length;
    if (n > maxBytes) {
      stream.destroy();
      throw new Error(tooLarge(n, maxBytes));
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

const BLOCK = 512;

/** Reads exact byte counts from a stream of chunks. */
class ByteReader {
  private buffered: Buffer[] = [];
  private length = 0;
  private done = false;
  constructor(private readonly chunks: AsyncIterator<Buffer>) {}

  /** Exactly `n` bytes, or fewer at the end of the stream. */
  async read(n: number): Promise<Buffer> {
    while (this.length < n && !this.done) {
      const next = await this.chunks.next();
      if (next.done) this.done = true;
      else {
        this.buffered.push(next.value);
        this.length += next.value.length;
      }
    }
    const all = Buffer.concat(this.buffered);
    const out = all.subarray(0, n);
    const rest = all.subarray(n);
    this.buffered = rest.length ? [rest] : [];
    this.length = rest.length;
    return out;
  }

  /** Passes over `n` bytes without keeping them. */
  async skip(n: number): Promise<void> {
    let left = n;
    while (left > 0) {
      const part = await this.read(Math.min(left, 1 << 20));
      if (part.length === 0) return;
      left -= part.length;
    }
  }
}

/** A tar header's numeric field: octal text, or base-256 when the top bit is set (GNU, > 8 GiB). */
function tarNumber(field: Buffer): number {
  if (field[0] & 0x80) {
    let v = 0;
    for (let i = 1; i < field.length; i++) v = v * 256 + field[i];
    return v;
  }
  const text = field.toString('latin1').replace(/\0.*$/s, '').trim();
  return text ? Number.parseInt(text, 8) : 0;
}

function tarString(field: Buffer): string {
  const end = field.indexOf(0);
  return field.subarray(0, end < 0 ? field.length : end).toString('utf8');
}

/** `path=…` from a pax extended header (records of `<len> <key>=<value>\n`). */
function paxPath(data: Buffer): string | undefined {
  const text = data.toString('utf8');
  const m = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(text);
  return m?.[1];
}

async function* tarEntries(
  path: string,
  maxBytes: number,
  isLogName: (name: string) => boolean,
  bytes?: () => Promise<Uint8Array>,
): AsyncIterable<SourceObject> {
  const file: Readable = bytes ? Readable.from([Buffer.from(await bytes())]) : createReadStream(path);
  const stream: Readable = /\.tar$/i.test(path) ? file : file.pipe(createGunzip());
  file.on('error', (err) => stream.destroy(err));
  const reader = new ByteReader(stream[Symbol.asyncIterator]());
  let longName: string | undefined;
  try {
    for (;;) {
      const header = await reader.read(BLOCK);
      if (header.length < BLOCK) {
        if (header.length > 0) throw new Error('truncated tar header');
        return;
      }
      if (header.every((b) => b === 0)) return;
      const size = tarNumber(header.subarray(124, 136));
      const padded = Math.ceil(size / BLOCK) * BLOCK;
      const type = String.fromCharCode(header[156] || 0x30);
      if (type === 'x' || type === 'L') {
        if (size > 1 << 20) throw new Error('oversized tar extended header');
        const data = (await reader.read(padded)).subarray(0, size);
        longName = type === 'L' ? tarString(data) : paxPath(data);
        continue;
      }
      const prefix = tarString(header.subarray(345, 500));
      const short = tarString(header.subarray(0, 100));
      const name = longName ?? (prefix ? `${prefix}/${short}` : short);
      longName = undefined;
      const uri = `${path}!/${name.replace(/^\.\//, '')}`;
      const verdict = type === '0' || type === '7' ? entryVerdict(name, size, maxBytes, isLogName) : 'pass';
      if (verdict !== 'read') {
        await reader.skip(padded);
        if (verdict !== 'pass') yield failed(uri, size, verdict);
        continue;
      }
      const data = await reader.read(padded);
      if (data.length < size) {
        yield failed(uri, size, `truncated tar entry: ${data.length} of ${size} bytes`);
        return;
      }
      yield entryObject(uri, Buffer.from(data.subarray(0, size)), maxBytes);
    }
  } finally {
    stream.destroy();
    file.destroy();
  }
}
