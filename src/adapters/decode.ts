import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gunzip, gunzipSync } from 'node:zlib';
import { inflateEstimate } from '../core/inflate-budget.ts';
import type { ByteTicket } from '../core/ports.ts';

// Async so decompression runs on libuv's thread pool while the main thread processes another file.
const gunzipAsync = promisify(gunzip);

// Twice as fast as Buffer#toString on these files; invalid bytes become U+FFFD either way.
const UTF8 = new TextDecoder('utf-8');

const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;

/**
 * Turns stored bytes into text: gunzips when the bytes are gzip (whatever the name says), bounds the
 * decompressed size, and refuses binary data. Errors say what was wrong with which object. With a
 * ticket, the inflated bytes are held against the read-ahead's shared budget as they grow.
 */
export async function decodeLogBytes(
  bytes: Uint8Array,
  maxBytes: number,
  ticket?: ByteTicket,
): Promise<{ text: string; sha256: string }> {
  return { text: await decodeText(bytes, maxBytes, ticket), sha256: sha256Hex(bytes) };
}

/**
 * `decodeLogBytes` that hashes first and decodes only content `isKnown` says is new: a re-run over
 * a prefix that grew by a day decompresses that day only.
 */
export async function decodeUnlessKnown(
  bytes: Uint8Array,
  maxBytes: number,
  isKnown: (sha256: string) => Promise<boolean>,
  ticket?: ByteTicket,
): Promise<{ sha256: string; text?: string }> {
  const sha256 = sha256Hex(bytes);
  if (await isKnown(sha256)) {
    ticket?.shrinkTo(0);
    return { sha256 };
  }
  return { sha256, text: await decodeText(bytes, maxBytes, ticket) };
}

async function decodeText(bytes: Uint8Array, maxBytes: number, ticket?: ByteTicket): Promise<string> {
  try {
    const data = isGzip(bytes) ? await inflate(bytes, maxBytes, ticket) : bytes;
    const text = textOf(data, bytes, maxBytes);
    ticket?.shrinkTo(data.length);
    return text;
  } catch (err) {
    ticket?.shrinkTo(0); // nothing of it is kept
    throw err;
  }
}

/**
 * Gunzips within the budget: reserves what the trailer claims (a hint), inflates up to that and,
 * when the content is larger, reserves four times as much and inflates again, up to `maxBytes`.
 * A bomb whose trailer lies costs a third more work; it never holds more than it reserved.
 */
async function inflate(bytes: Uint8Array, maxBytes: number, ticket?: ByteTicket): Promise<Uint8Array> {
  let limit = ticket ? inflateEstimate(bytes, maxBytes) : maxBytes;
  await ticket?.grow(limit);
  for (;;) {
    try {
      return await gunzipAsync(bytes, { maxOutputLength: limit });
    } catch (err) {
      if (!isTooLarge(err) || limit >= maxBytes) throw gunzipError(err, maxBytes);
    }
    const next = Math.min(maxBytes, limit * 4);
    await ticket?.grow(next - limit);
    limit = next;
  }
}

/**
 * `decodeLogBytes` for a worker thread, where blocking on decompression blocks nobody else; the
 * caller hashes (it may skip decoding content it already has). `reserved` is what the caller holds
 * of the read-ahead budget for this file: content larger than that (but within `maxBytes`) throws
 * {@link OverReservation}, for the caller to reserve more and try again.
 */
export function decodeLogBytesSync(bytes: Uint8Array, maxBytes: number, reserved = maxBytes): string {
  let data: Uint8Array = bytes;
  if (isGzip(bytes)) {
    const limit = Math.min(reserved, maxBytes);
    try {
      data = gunzipSync(bytes, { maxOutputLength: limit });
    } catch (err) {
      if (isTooLarge(err) && limit < maxBytes) throw new OverReservation(limit);
      throw gunzipError(err, maxBytes);
    }
  }
  return textOf(data, bytes, maxBytes);
}

/** The inflated content is larger than the bytes reserved for it (not yet over the file limit). */
export class OverReservation extends Error {
  constructor(readonly reserved: number) {
    super(`inflated content exceeds the ${reserved} bytes reserved for it`);
  }
}

/** The content id of stored bytes. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Whether stored bytes are gzip (by their magic number, whatever the name says). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === GZIP_MAGIC_0 && bytes[1] === GZIP_MAGIC_1;
}

function isTooLarge(err: unknown): boolean {
  return (err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError;
}

function gunzipError(err: unknown, maxBytes: number): Error {
  const e = err as NodeJS.ErrnoException;
  if (isTooLarge(err)) {
    return new Error(
      `decompressed size exceeds the limit of ${Math.round(maxBytes / 2 ** 20)} MiB (maxFileMiB)`,
    );
  }
  return new Error(`corrupt or truncated gzip (${e.message})`);
}

/** The decoded bytes as UTF-8 text, after the size bound (for plain files) and the binary check. */
function textOf(data: Uint8Array, stored: Uint8Array, maxBytes: number): string {
  if (data === stored && stored.length > maxBytes) {
    throw new Error(
      `size ${stored.length} bytes exceeds the limit of ${Math.round(maxBytes / 2 ** 20)} MiB (maxFileMiB)`,
    );
  }
  if (looksBinary(data)) throw new Error(`binary data, not a text log file`);
  return UTF8.decode(data);
}

/** NUL bytes or many control characters in the first KiB mean this is not a text log. */
function looksBinary(data: Uint8Array): boolean {
  const n = Math.min(data.length, 1024);
  let control = 0;
  for (let i = 0; i < n; i++) {
    const b = data[i];
    if (b === 0) return true;
    if (b < 9 || (b > 13 && b < 32)) control++;
  }
  return n > 0 && control / n > 0.1;
}
