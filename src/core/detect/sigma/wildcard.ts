/**
 * Sigma string values: `*` (any run of characters) and `?` (one character) are wildcards; a backslash
 * escapes a wildcard or another backslash and is literal before anything else (Sigma's escaping rules).
 */

/** One piece of a Sigma string pattern. */
export type PatternPart =
  | { kind: 'text'; text: string }
  | { kind: 'any' }
  | { kind: 'one' }
  /** One character out of a set (used by `windash`). */
  | { kind: 'class'; chars: string };

/** Splits a Sigma string value into literal text and wildcards, applying Sigma's escaping. */
export function parseSigmaString(value: string): PatternPart[] {
  const parts: PatternPart[] = [];
  let text = '';
  const flush = () => {
    if (text) parts.push({ kind: 'text', text });
    text = '';
  };
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '\\') {
      const next = value[i + 1];
      if (next === '*' || next === '?' || next === '\\') {
        text += next;
        i++;
      } else {
        text += c;
      }
    } else if (c === '*') {
      flush();
      // Consecutive stars mean the same as one.
      if (parts.at(-1)?.kind !== 'any') parts.push({ kind: 'any' });
    } else if (c === '?') {
      flush();
      parts.push({ kind: 'one' });
    } else {
      text += c;
    }
  }
  flush();
  return parts;
}

/** A pattern made of literal text only (no wildcard, no character class). */
export function literalOf(parts: readonly PatternPart[]): string | undefined {
  if (parts.length === 0) return '';
  if (parts.length === 1 && parts[0].kind === 'text') return parts[0].text;
  return undefined;
}

/** True when the parts hold a wildcard. */
export function hasWildcard(parts: readonly PatternPart[]): boolean {
  return parts.some((p) => p.kind === 'any' || p.kind === 'one');
}

/** Literal text as pattern parts (for values that must not be read as wildcards, e.g. base64 output). */
export function literalParts(text: string): PatternPart[] {
  return text ? [{ kind: 'text', text }] : [];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/** The regular-expression source for the parts, unanchored. */
export function regexSource(parts: readonly PatternPart[]): string {
  return parts.map(partSource).join('');
}

function partSource(p: PatternPart): string {
  if (p.kind === 'text') return escapeRegExp(p.text);
  if (p.kind === 'any') return '.*';
  if (p.kind === 'one') return '.';
  return `[${escapeRegExp(p.chars)}]`;
}

/** How a pattern is anchored in the field's text. */
export type Anchor = 'exact' | 'start' | 'end' | 'contains';

/**
 * Compiles parts to a test on text. Case-insensitive unless `cased` (Sigma's default); plain literals
 * are compared without a regular expression.
 */
export function compilePattern(
  parts: readonly PatternPart[],
  anchor: Anchor,
  cased: boolean,
): (text: string) => boolean {
  const literal = literalOf(parts);
  if (literal !== undefined) {
    const needle = cased ? literal : literal.toLowerCase();
    const norm = cased ? (s: string) => s : (s: string) => s.toLowerCase();
    switch (anchor) {
      case 'exact':
        // Lengths differ → no match, without lower-casing (simple case folding keeps lengths).
        return (s) => s.length === needle.length && norm(s) === needle;
      case 'start':
        return (s) => norm(s).startsWith(needle);
      case 'end':
        return (s) => norm(s).endsWith(needle);
      case 'contains':
        return (s) => norm(s).includes(needle);
    }
  }
  const body = regexSource(parts);
  const head = anchor === 'exact' || anchor === 'start' ? '^' : '';
  const tail = anchor === 'exact' || anchor === 'end' ? '$' : '';
  // `s`: a wildcard also spans line breaks inside a value.
  const re = new RegExp(`${head}${body}${tail}`, cased ? 's' : 'is');
  return (s) => re.test(s);
}
