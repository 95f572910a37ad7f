import { readFileSync } from 'node:fs';
import ipaddr from 'ipaddr.js';

/** The network announcing an address. */
export interface AsnRecord {
  asn: number;
  org?: string;
}

/** Answers "which AS announces this address?" for one IP version. */
export interface AsnDatabase {
  get(ip: string): AsnRecord | undefined;
}

const COMMA = 44;
const QUOTE = 34;
const NEWLINE = 10;
const CR = 13;

/**
 * An ASN table in the ip-location-db numeric CSV layout (`start,end,asn,organisation`, addresses as
 * decimal integers, sorted by start, non-overlapping), held in typed arrays and searched by
 * bisection. Bytes are parsed directly, without a string per line, and organisation names stay in
 * the file's bytes until looked up, so loading the ~400k IPv4 ranges takes a fraction of a second.
 */
export class AsnRangeTable implements AsnDatabase {
  private readonly words: number;
  private readonly scratch: Uint32Array;

  private constructor(
    private readonly version: 4 | 6,
    /** Range bounds: one 32-bit word per address for IPv4, four (most significant first) for IPv6. */
    private readonly starts: Uint32Array,
    private readonly ends: Uint32Array,
    private readonly asns: Uint32Array,
    /** Byte offset and length (high bit: quoted) of each range's organisation name in `data`. */
    private readonly orgAt: Uint32Array,
    private readonly orgLength: Uint16Array,
    private readonly data: Buffer,
  ) {
    this.words = version === 4 ? 1 : 4;
    this.scratch = new Uint32Array(this.words);
  }

  get size(): number {
    return this.asns.length;
  }

  /** Reads a numeric CSV file; throws naming the file and line when it is not in that layout. */
  static fromFile(path: string, version: 4 | 6): AsnRangeTable {
    return AsnRangeTable.fromCsv(readFileSync(path), version, path);
  }

  static fromCsv(data: Buffer, version: 4 | 6, origin = 'ASN table'): AsnRangeTable {
    const words = version === 4 ? 1 : 4;
    let lines = 0;
    for (let i = 0; i < data.length; i++) if (data[i] === NEWLINE) lines++;
    if (data.length > 0 && data[data.length - 1] !== NEWLINE) lines++;
    const starts = new Uint32Array(lines * words);
    const ends = new Uint32Array(lines * words);
    const asns = new Uint32Array(lines);
    // Names stay in the file's bytes and are decoded on lookup (the enricher caches lookups).
    const orgAt = new Uint32Array(lines);
    const orgLength = new Uint16Array(lines);
    let n = 0;
    let pos = 0;
    let lineNo = 0;
    while (pos < data.length) {
      lineNo++;
      if (data[pos] === NEWLINE || data[pos] === CR) {
        pos++;
        continue;
      }
      let p = readNumber(data, pos, starts, n * words, words);
      if (p < 0 || data[p] !== COMMA)
        fail(data, pos, origin, lineNo, `expected a decimal IPv${version} address`);
      p = readNumber(data, p + 1, ends, n * words, words);
      if (p < 0 || data[p] !== COMMA)
        fail(data, pos, origin, lineNo, `expected a decimal IPv${version} address`);
      let asn = 0;
      let q = p + 1;
      while (q < data.length && data[q] >= 48 && data[q] <= 57) asn = asn * 10 + (data[q++] - 48);
      if (q === p + 1) fail(data, pos, origin, lineNo, 'expected an AS number');
      asns[n] = asn;
      let eol = q;
      while (eol < data.length && data[eol] !== NEWLINE) eol++;
      let orgStart = data[q] === COMMA ? q + 1 : eol;
      let orgEnd = eol > orgStart && data[eol - 1] === CR ? eol - 1 : eol;
      let quoted = false;
      if (orgEnd - orgStart >= 2 && data[orgStart] === QUOTE && data[orgEnd - 1] === QUOTE) {
        orgStart++;
        orgEnd--;
        quoted = true;
      }
      orgAt[n] = orgStart;
      orgLength[n] = Math.min(0x7fff, orgEnd - orgStart) | (quoted ? 0x8000 : 0);
      n++;
      pos = eol + 1;
    }
    return new AsnRangeTable(
      version,
      starts.subarray(0, n * words),
      ends.subarray(0, n * words),
      asns.subarray(0, n),
      orgAt.subarray(0, n),
      orgLength.subarray(0, n),
      data,
    );
  }

  get(ip: string): AsnRecord | undefined {
    const key = this.scratch;
    if (!(this.version === 4 ? ipv4Word(ip, key) : ipv6Words(ip, key))) return undefined;
    const words = this.words;
    // The last range whose start ≤ ip.
    let lo = 0;
    let hi = this.asns.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (compare(this.starts, mid * words, key, words) <= 0) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (found < 0 || compare(this.ends, found * words, key, words) < 0) return undefined;
    const length = this.orgLength[found] & 0x7fff;
    if (length === 0) return { asn: this.asns[found] };
    let org = this.data.toString('utf8', this.orgAt[found], this.orgAt[found] + length);
    if (this.orgLength[found] & 0x8000) org = org.replaceAll('""', '"');
    return { asn: this.asns[found], org };
  }
}

function fail(data: Buffer, pos: number, origin: string, lineNo: number, why: string): never {
  const end = data.indexOf(NEWLINE, pos);
  const line = data.toString('utf8', pos, Math.min(end < 0 ? data.length : end, pos + 80));
  throw new Error(`${origin}:${lineNo}: ${why} in "${line}"`);
}

/**
 * Reads a decimal integer of up to 32·words bits into `out[offset…]` (most significant word
 * first); returns the position after it, or -1 when there is no digit or it overflows.
 */
function readNumber(data: Buffer, pos: number, out: Uint32Array, offset: number, words: number): number {
  let p = pos;
  if (words === 1) {
    let v = 0;
    while (p < data.length && data[p] >= 48 && data[p] <= 57) v = v * 10 + (data[p++] - 48);
    if (p === pos || v > 0xffffffff) return -1;
    out[offset] = v;
    return p;
  }
  // Up to four digits at a time: a word × 10⁴ plus carry stays exact in a double.
  while (p < data.length && data[p] >= 48 && data[p] <= 57) {
    let chunk = 0;
    let scale = 1;
    while (scale < 10_000 && p < data.length && data[p] >= 48 && data[p] <= 57) {
      chunk = chunk * 10 + (data[p++] - 48);
      scale *= 10;
    }
    let carry = chunk;
    for (let w = offset + words - 1; w >= offset; w--) {
      const v = out[w] * scale + carry;
      carry = Math.floor(v / 0x1_0000_0000);
      out[w] = v - carry * 0x1_0000_0000;
    }
    if (carry !== 0) return -1;
  }
  return p === pos ? -1 : p;
}

function compare(table: Uint32Array, offset: number, key: Uint32Array, words: number): number {
  for (let i = 0; i < words; i++) {
    const d = table[offset + i] - key[i];
    if (d !== 0) return d;
  }
  return 0;
}

/** Dotted-quad IPv4 to one word, without allocating; false when it is not one. */
function ipv4Word(ip: string, out: Uint32Array): boolean {
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < ip.length; i++) {
    const c = ip.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || part > 255) return false;
      value = value * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else if (c >= 48 && c <= 57 && digits < 3) {
      part = part * 10 + (c - 48);
      digits++;
    } else return false;
  }
  if (dots !== 3 || digits === 0 || part > 255) return false;
  out[0] = value * 256 + part;
  return true;
}

function ipv6Words(ip: string, out: Uint32Array): boolean {
  if (!ipaddr.IPv6.isValid(ip)) return false;
  const p = ipaddr.IPv6.parse(ip).parts;
  for (let i = 0; i < 4; i++) out[i] = ((p[2 * i] << 16) | p[2 * i + 1]) >>> 0;
  return true;
}
