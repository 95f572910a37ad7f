/** One top-level JSON value found in a text of several. */
export interface JsonValue {
  /** 1-based line the value starts on. */
  line: number;
  /** The parsed value, or why it could not be parsed. */
  value?: unknown;
  error?: string;
}

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const NEWLINE = 0x0a;

/**
 * Splits text holding several JSON documents one after another — pretty-printed CLI pages appended
 * to one file (`aws cloudtrail lookup-events >> events.json`), Firehose objects written with no
 * separator (`{…}{…}`), JSON lines — into the documents. Brackets are counted outside strings
 * only, so one broken document is reported on its own and the next one still parses.
 * Returns undefined when the text does not start with an object or array.
 */
export function splitJsonValues(text: string): JsonValue[] | undefined {
  const values: JsonValue[] = [];
  let i = skipSpace(text, 0);
  let line = 1 + countNewlines(text, 0, i);
  const first = text.charCodeAt(i);
  if (first !== OPEN_BRACE && first !== OPEN_BRACKET) return undefined;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c !== OPEN_BRACE && c !== OPEN_BRACKET) {
      // Not the start of a document: report the stray text and go on from the next line.
      const nl = text.indexOf('\n', i);
      const end = nl < 0 ? text.length : nl;
      values.push({ line, error: `not a JSON document: "${text.slice(i, Math.min(end, i + 40))}"` });
      i = skipSpace(text, end);
      line += 1 + countNewlines(text, end + 1, i);
      continue;
    }
    const end = endOfValue(text, i);
    const startLine = line;
    if (end < 0) {
      values.push({ line: startLine, error: 'invalid JSON: truncated document (its brackets never close)' });
      break;
    }
    const slice = text.slice(i, end);
    line += countNewlines(text, i, end);
    try {
      values.push({ line: startLine, value: JSON.parse(slice) });
    } catch (err) {
      values.push({ line: startLine, error: `invalid JSON: ${(err as Error).message}` });
    }
    const next = skipSpace(text, end);
    line += countNewlines(text, end, next);
    i = next;
  }
  return values;
}

/** The index just after the object or array starting at `start`, or -1 when it never closes. */
function endOfValue(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
      continue;
    }
    if (c === QUOTE) inString = true;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
    else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

function skipSpace(text: string, i: number): number {
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0xfeff) break;
    i++;
  }
  return i;
}

function countNewlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) if (text.charCodeAt(i) === NEWLINE) n++;
  return n;
}
