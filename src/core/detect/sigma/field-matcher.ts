import { CidrSet } from '../../net.ts';
import { invalid, unsupported } from './errors.ts';
import { type FieldLookup, fieldAccessor, scalarLeaves } from './field-path.ts';
import {
  type Anchor,
  compilePattern,
  hasWildcard,
  literalParts,
  type PatternPart,
  parseSigmaString,
} from './wildcard.ts';

/** One `field|modifiers: values` entry of a Sigma selection, compiled. */
export interface FieldMatcher {
  /** The field path; '' for a keyword search over the whole record. */
  field: string;
  /** Fields the matcher reads besides `field` (`fieldref` targets). */
  refs: readonly string[];
  /** The field name as written, with its modifiers, for messages. */
  key: string;
  /** True when the record satisfies the entry. */
  test(record: unknown): boolean;
  /** When the entry is a plain equality on literal strings: those strings (used to index rules). */
  literals?: readonly string[];
}

type MatchType = 'string' | 're' | 'cidr' | 'exists' | 'fieldref' | 'compare';
type CompareOp = 'eq' | 'lt' | 'lte' | 'gt' | 'gte';
type TimePart = 'minute' | 'hour' | 'day' | 'week' | 'month' | 'year';
type Transform = 'windash' | 'base64' | 'base64offset' | 'utf16le' | 'utf16be' | 'utf16';

interface Modifiers {
  type: MatchType;
  anchor?: Anchor;
  op?: CompareOp;
  all: boolean;
  cased: boolean;
  neq: boolean;
  reFlags: string;
  transforms: Transform[];
  timePart?: TimePart;
}

const ANCHORS: Record<string, Anchor> = { contains: 'contains', startswith: 'start', endswith: 'end' };
const COMPARES: Record<string, CompareOp> = { lt: 'lt', lte: 'lte', gt: 'gt', gte: 'gte' };
const TIME_PARTS = new Set<string>(['minute', 'hour', 'day', 'week', 'month', 'year']);
const TRANSFORMS: Record<string, Transform> = {
  windash: 'windash',
  base64: 'base64',
  base64offset: 'base64offset',
  utf16le: 'utf16le',
  wide: 'utf16le',
  utf16be: 'utf16be',
  utf16: 'utf16',
};
/** The characters `windash` treats as interchangeable: hyphen, slash, en dash, em dash, horizontal bar. */
const DASHES = '-/\u2013\u2014\u2015';

/** Parses the modifiers of a field key, rejecting combinations that have no meaning. */
function parseModifiers(key: string, names: readonly string[]): Modifiers {
  const m: Modifiers = { type: 'string', all: false, cased: false, neq: false, reFlags: '', transforms: [] };
  const setType = (type: MatchType, name: string) => {
    if (m.type !== 'string' && m.type !== type)
      throw invalid(`${key}: modifier "${name}" cannot be combined with "${m.type}"`);
    m.type = type;
  };
  for (const raw of names) {
    const name = raw.toLowerCase();
    if (name in ANCHORS) {
      if (m.anchor) throw invalid(`${key}: only one of contains, startswith, endswith may be used`);
      m.anchor = ANCHORS[name];
    } else if (name in COMPARES) {
      setType('compare', name);
      m.op = COMPARES[name];
    } else if (TIME_PARTS.has(name)) {
      if (m.timePart) throw invalid(`${key}: only one time modifier may be used`);
      m.timePart = name as TimePart;
      setType('compare', name);
    } else if (name in TRANSFORMS) {
      m.transforms.push(TRANSFORMS[name]);
    } else if (name === 'all') {
      m.all = true;
    } else if (name === 'cased') {
      m.cased = true;
    } else if (name === 'neq') {
      m.neq = true;
    } else if (name === 're') {
      setType('re', name);
    } else if (name === 'i' || name === 'm' || name === 's') {
      if (m.type !== 're') throw invalid(`${key}: "${name}" is a sub-modifier of "re" and must follow it`);
      m.reFlags += name;
    } else if (name === 'cidr') {
      setType('cidr', name);
    } else if (name === 'exists') {
      setType('exists', name);
    } else if (name === 'fieldref') {
      setType('fieldref', name);
    } else if (name === 'expand') {
      throw unsupported(`${key}: "expand" placeholders need a processing pipeline that defines their values`);
    } else {
      throw unsupported(`${key}: unknown modifier "${raw}"`);
    }
  }
  if (m.type === 'compare' && !m.op) m.op = 'eq';
  if (m.anchor && m.type !== 'string' && m.type !== 'fieldref') {
    throw invalid(`${key}: ${m.type} cannot be combined with contains/startswith/endswith`);
  }
  if (m.transforms.length > 0 && m.type !== 'string') {
    throw invalid(`${key}: encoding modifiers apply to plain string matches only, not to ${m.type}`);
  }
  const encodes = m.transforms.filter((t) => t.startsWith('utf16'));
  if (encodes.length > 0) {
    const last = m.transforms.lastIndexOf(encodes.at(-1)!);
    if (!m.transforms.slice(last + 1).some((t) => t === 'base64' || t === 'base64offset')) {
      throw unsupported(`${key}: UTF-16 encoding without base64 cannot appear in JSON log text`);
    }
  }
  return m;
}

/** Compiles one selection entry `key: value` (value may be a list). `key` '' or starting with '|' is a keyword search. */
export function compileFieldMatcher(key: string, value: unknown): FieldMatcher {
  const [field, ...names] = key.split('|');
  const mods = parseModifiers(key, names);
  const values = Array.isArray(value) ? value : [value];
  if (values.length === 0) throw invalid(`${key}: empty value list`);
  for (const v of values) {
    if (v !== null && typeof v === 'object') {
      throw invalid(`${key}: values must be strings, numbers, booleans or null, not ${JSON.stringify(v)}`);
    }
  }
  const keyword = field === '';
  const lookup = keyword
    ? (record: unknown): FieldLookup => ({ present: true, values: scalarLeaves(record) })
    : fieldAccessor(field);
  const tests = values.map((v) => compileValue(key, v as Scalar, mods, keyword));
  const combined = mods.all
    ? (l: FieldLookup, r: unknown) => tests.every((t) => t(l, r))
    : (l: FieldLookup, r: unknown) => tests.some((t) => t(l, r));
  const test = mods.neq ? (r: unknown) => !combined(lookup(r), r) : (r: unknown) => combined(lookup(r), r);
  const refs = mods.type === 'fieldref' ? values.map(String) : [];
  return { field, key, refs, test, literals: plainLiterals(mods, values) };
}

type Scalar = string | number | boolean | null;
type ValueTest = (lookup: FieldLookup, record: unknown) => boolean;

/** Literal strings of a plain equality (no modifier, no wildcard), or undefined. */
function plainLiterals(mods: Modifiers, values: readonly unknown[]): string[] | undefined {
  if (mods.type !== 'string' || mods.anchor || mods.neq || mods.all || mods.transforms.length > 0)
    return undefined;
  const out: string[] = [];
  for (const v of values) {
    if (typeof v !== 'string') return undefined;
    const parts = parseSigmaString(v);
    if (hasWildcard(parts)) return undefined;
    out.push(parts.length === 0 ? '' : (parts[0] as { text: string }).text);
  }
  return out;
}

function compileValue(key: string, v: Scalar, m: Modifiers, keyword: boolean): ValueTest {
  switch (m.type) {
    case 'exists': {
      if (typeof v !== 'boolean')
        throw invalid(`${key}: "exists" takes true or false, not ${JSON.stringify(v)}`);
      return (l) => l.present === v;
    }
    case 'compare':
      return compareTest(key, v, m);
    case 'cidr': {
      if (typeof v !== 'string')
        throw invalid(`${key}: "cidr" takes a CIDR string, not ${JSON.stringify(v)}`);
      let set: CidrSet;
      try {
        set = new CidrSet([v]);
      } catch (err) {
        throw invalid(`${key}: ${(err as Error).message}`);
      }
      return (l) => l.values.some((c) => typeof c === 'string' && set.contains(c));
    }
    case 're': {
      if (typeof v !== 'string') throw invalid(`${key}: "re" takes a regular expression string`);
      let re: RegExp;
      try {
        re = new RegExp(v, m.reFlags);
      } catch (err) {
        throw invalid(
          `${key}: regular expression ${JSON.stringify(v)} does not compile: ${(err as Error).message}`,
        );
      }
      const search = leadingWildcardSearch(v, m.reFlags, re);
      return (l) => l.values.some((c) => anyText(c, search));
    }
    case 'fieldref': {
      if (typeof v !== 'string' || v === '') throw invalid(`${key}: "fieldref" takes a field name`);
      const anchor = m.anchor ?? 'exact';
      const norm = m.cased ? (s: string) => s : (s: string) => s.toLowerCase();
      const readOther = fieldAccessor(v);
      return (l, record) => {
        const other = readOther(record).values.flatMap(textsOf).map(norm);
        if (other.length === 0) return false;
        return l.values.some((c) => textsOf(c).some((t) => other.some((o) => anchored(norm(t), o, anchor))));
      };
    }
    case 'string': {
      if (v === null) {
        if (m.anchor || m.transforms.length > 0)
          throw invalid(`${key}: null cannot be combined with modifiers`);
        return (l) => l.values.every((c) => c === null || c === undefined);
      }
      const variants = stringVariants(key, v, m);
      const anchor = m.anchor ?? (keyword ? 'contains' : 'exact');
      // Encoded values are case-sensitive by nature: base64 of "a" and "A" differ.
      const cased = m.cased || m.transforms.some((t) => t.startsWith('base64'));
      const tests = variants.map((parts) => compilePattern(parts, anchor, cased));
      const one = tests.length === 1 ? tests[0] : (t: string) => tests.some((test) => test(t));
      return (l) => l.values.some((c) => anyText(c, one));
    }
  }
}

function anchored(text: string, needle: string, anchor: Anchor): boolean {
  switch (anchor) {
    case 'exact':
      return text === needle;
    case 'start':
      return text.startsWith(needle);
    case 'end':
      return text.endsWith(needle);
    case 'contains':
      return text.includes(needle);
  }
}

/** Whether `test` holds for a text form of the value (see {@link textsOf}), without building a list for scalars. */
function anyText(value: unknown, test: (text: string) => boolean): boolean {
  if (typeof value === 'string') return test(value);
  if (typeof value === 'number' || typeof value === 'boolean') return test(String(value));
  if (typeof value === 'object' && value !== null) return textsOf(value).some(test);
  return false;
}

/** The text forms of a field value a string matcher looks at: objects by their JSON and every string inside. */
function textsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value === 'number' || typeof value === 'boolean') return [String(value)];
  if (typeof value === 'object' && value !== null) {
    return [JSON.stringify(value), ...scalarLeaves(value).map(String)];
  }
  return [];
}

/** The pattern(s) one Sigma value stands for after its transformation modifiers. */
function stringVariants(key: string, v: string | number | boolean, m: Modifiers): PatternPart[][] {
  if (typeof v !== 'string') {
    if (m.transforms.length > 0)
      throw invalid(`${key}: encoding modifiers take strings, not ${JSON.stringify(v)}`);
    return [literalParts(String(v))];
  }
  if (m.transforms.length === 0) return [parseSigmaString(v)];
  let parts = parseSigmaString(v);
  let bytes: Uint8Array | undefined;
  let encoded: string[] | undefined;
  for (const t of m.transforms) {
    if (encoded) throw unsupported(`${key}: "${t}" after base64 is not supported`);
    if (t === 'windash') {
      if (bytes) throw unsupported(`${key}: "windash" after a UTF-16 encoding is not supported`);
      parts = windash(parts);
      continue;
    }
    if (hasWildcard(parts) || parts.some((p) => p.kind === 'class')) {
      throw invalid(`${key}: "${t}" cannot encode wildcards or windash variants`);
    }
    const text = parts.map((p) => (p.kind === 'text' ? p.text : '')).join('');
    if (t === 'utf16le' || t === 'utf16be' || t === 'utf16') {
      bytes = utf16(text, t);
    } else {
      const raw = bytes ?? new TextEncoder().encode(text);
      encoded = t === 'base64' ? [toBase64(raw)] : base64Offsets(raw);
    }
  }
  return encoded ? encoded.map(literalParts) : [parts];
}

/** Splits literal text at dash-like characters, each becoming "any of the dash-like characters". */
function windash(parts: PatternPart[]): PatternPart[] {
  const out: PatternPart[] = [];
  for (const p of parts) {
    if (p.kind !== 'text') {
      out.push(p);
      continue;
    }
    let text = '';
    for (const c of p.text) {
      if (DASHES.includes(c)) {
        if (text) out.push({ kind: 'text', text });
        text = '';
        out.push({ kind: 'class', chars: DASHES });
      } else {
        text += c;
      }
    }
    if (text) out.push({ kind: 'text', text });
  }
  return out;
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

function utf16(text: string, form: 'utf16le' | 'utf16be' | 'utf16'): Uint8Array {
  const le = form !== 'utf16be';
  const bom = form === 'utf16' ? [0xff, 0xfe] : [];
  const out = [...bom];
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (le) out.push(code & 0xff, code >> 8);
    else out.push(code >> 8, code & 0xff);
  }
  return Uint8Array.from(out);
}

/**
 * The three base64 forms of bytes that sit at offset 0, 1 or 2 of a longer encoded string: only the
 * characters that do not depend on neighbouring bytes are kept.
 */
function base64Offsets(bytes: Uint8Array): string[] {
  const out: string[] = [];
  for (let shift = 0; shift < 3; shift++) {
    const padded = new Uint8Array(shift + bytes.length);
    padded.set(bytes, shift);
    const enc = toBase64(padded);
    // Leading characters mixed with the unknown bytes before the value.
    const start = [0, 2, 3][shift];
    // Trailing characters mixed with the unknown bytes after it (plus padding).
    const end = enc.length - [0, 3, 2][padded.length % 3];
    out.push(enc.slice(start, end));
  }
  return out;
}

function compareTest(key: string, v: Scalar, m: Modifiers): ValueTest {
  const target =
    typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
  if (!Number.isFinite(target))
    throw invalid(`${key}: numeric comparison needs a number, not ${JSON.stringify(v)}`);
  const read = m.timePart ? timeReader(m.timePart) : numberOf;
  const compare = COMPARATORS[m.op ?? 'eq'];
  return (l) =>
    l.values.some((c) => {
      const n = read(c);
      return n !== undefined && compare(n, target);
    });
}

const COMPARATORS: Record<CompareOp, (a: number, b: number) => boolean> = {
  eq: (a, b) => a === b,
  lt: (a, b) => a < b,
  lte: (a, b) => a <= b,
  gt: (a, b) => a > b,
  gte: (a, b) => a >= b,
};

function numberOf(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** Reads a part of a timestamp (ISO text or epoch ms) in UTC. */
function timeReader(part: TimePart): (value: unknown) => number | undefined {
  return (value) => {
    const ms = typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : Number.NaN;
    if (!Number.isFinite(ms)) return undefined;
    const d = new Date(ms);
    switch (part) {
      case 'minute':
        return d.getUTCMinutes();
      case 'hour':
        return d.getUTCHours();
      case 'day':
        return d.getUTCDate();
      case 'month':
        return d.getUTCMonth() + 1;
      case 'year':
        return d.getUTCFullYear();
      case 'week':
        return isoWeek(d);
    }
  };
}

/** ISO-8601 week number (weeks start on Monday; week 1 holds the year's first Thursday). */
function isoWeek(d: Date): number {
  const day = (d.getUTCDay() + 6) % 7;
  const thursday = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - day + 3);
  const yearStart = Date.UTC(new Date(thursday).getUTCFullYear(), 0, 1);
  return 1 + Math.floor((thursday - yearStart) / (7 * 86_400_000));
}

/**
 * A search for a regex that starts with `.*` or `.+` (common in Sigma rules). Unanchored, the engine
 * retries from every position, which is quadratic in the text's length; anchored at the start it
 * finds the same matches in one pass, as long as `.` can reach back to the start (no line break in
 * the text, or the `s` flag) and no top-level alternative escapes the anchor (no `|` at all).
 */
export function leadingWildcardSearch(
  source: string,
  flags: string | undefined,
  re: RegExp,
): (text: string) => boolean {
  if (!/^\.[*+][^*+?{]/.test(source) || source.includes('|')) return (t) => re.test(t);
  const anchored = new RegExp(`^(?:${source})`, flags);
  const dotAll = (flags ?? '').includes('s');
  return (t) => (dotAll || !/[\n\r\u2028\u2029]/.test(t) ? anchored.test(t) : re.test(t));
}
