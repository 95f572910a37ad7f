import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';

// Async so decompression runs on libuv's thread pool while the main thread processes another file.
const gunzipAsync = promisify(gunzip);

const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;

/**
 * Turns stored bytes into text: gunzips when the bytes are gzip (whatever the name says), bounds the
 * decompressed size, and refuses binary data. Errors say what was wrong with which object.
 */
export async function decodeLogBytes(
  bytes: Uint8Array,
  maxBytes: number,
): Promise<{ text: string; sha256: string }> {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  let data: Uint8Array = bytes;
  if (bytes.length >= 2 && bytes[0] === GZIP_MAGIC_0 && bytes[1] === GZIP_MAGIC_1) {
    try {
      data = await gunzipAsync(bytes, { maxOutputLength: maxBytes });
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      if (e.code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError) {
        throw new Error(
          `decompressed size exceeds the limit of ${Math.round(maxBytes / 2 ** 20)} MiB (maxFileMiB)`,
        );
      }
      throw new Error(`corrupt or truncated gzip (${e.message})`);
    }
  } else if (bytes.length > maxBytes) {
    throw new Error(
      `size ${bytes.length} bytes exceeds the limit of ${Math.round(maxBytes / 2 ** 20)} MiB (maxFileMiB)`,
    );
  }
  if (looksBinary(data)) throw new Error(`binary data, not a text log file`);
  return { text: Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8'), sha256 };
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
