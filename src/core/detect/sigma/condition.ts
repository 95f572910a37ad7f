import { invalid, unsupported } from './errors.ts';

/** A parsed Sigma condition. */
export type ConditionNode =
  | { kind: 'ref'; name: string }
  | { kind: 'and'; items: ConditionNode[] }
  | { kind: 'or'; items: ConditionNode[] }
  | { kind: 'not'; item: ConditionNode }
  /** `1 of x*`, `all of them`, `2 of selection_*`: `count` 'all' or at least n; `pattern` 'them' or a name pattern. */
  | { kind: 'of'; count: number | 'all'; pattern: string };

type Token =
  | { type: 'lparen'; at: number }
  | { type: 'rparen'; at: number }
  | { type: 'word'; value: string; at: number };

const WORD = /[A-Za-z0-9_.*-]/;

/** Splits a condition into parentheses and words; a pipe (aggregation) is reported as unsupported. */
function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(') {
      tokens.push({ type: 'lparen', at: i++ });
    } else if (c === ')') {
      tokens.push({ type: 'rparen', at: i++ });
    } else if (c === '|') {
      throw unsupported(
        `condition "${text}": aggregation ("| ${text.slice(i + 1).trim()}") needs correlation over many events`,
      );
    } else if (WORD.test(c)) {
      const start = i;
      while (i < text.length && WORD.test(text[i])) i++;
      const value = text.slice(start, i);
      if (value.toLowerCase() === 'near') {
        throw unsupported(
          `condition "${text}": "near" (events close in time) needs correlation over many events`,
        );
      }
      tokens.push({ type: 'word', value, at: start });
    } else {
      throw invalid(`condition "${text}": unexpected character "${c}" at position ${i + 1}`);
    }
  }
  return tokens;
}

const OPERATORS = new Set(['and', 'or', 'not', 'of', 'them']);

/**
 * Parses a Sigma condition. Precedence from loosest to tightest: `or`, `and`, `not`, `x of`,
 * parentheses. Keywords are matched case-insensitively.
 */
export function parseCondition(text: string): ConditionNode {
  const tokens = tokenize(text);
  let pos = 0;
  const peekWord = (): string | undefined => {
    const t = tokens[pos];
    return t?.type === 'word' ? t.value.toLowerCase() : undefined;
  };
  const fail = (what: string): never => {
    const t = tokens[pos];
    const where = t ? `at position ${t.at + 1}` : 'at the end';
    throw invalid(`condition "${text}": ${what} ${where}`);
  };

  const parseOr = (): ConditionNode => {
    const items = [parseAnd()];
    while (peekWord() === 'or') {
      pos++;
      items.push(parseAnd());
    }
    return items.length === 1 ? items[0] : { kind: 'or', items };
  };
  const parseAnd = (): ConditionNode => {
    const items = [parseNot()];
    while (peekWord() === 'and') {
      pos++;
      items.push(parseNot());
    }
    return items.length === 1 ? items[0] : { kind: 'and', items };
  };
  const parseNot = (): ConditionNode => {
    if (peekWord() === 'not') {
      pos++;
      return { kind: 'not', item: parseNot() };
    }
    return parsePrimary();
  };
  const parsePrimary = (): ConditionNode => {
    const t = tokens[pos];
    if (!t) return fail('expected a search identifier');
    if (t.type === 'lparen') {
      pos++;
      const inner = parseOr();
      if (tokens[pos]?.type !== 'rparen') fail('expected ")"');
      pos++;
      return inner;
    }
    if (t.type === 'rparen') return fail('unexpected ")"');
    const word = t.value.toLowerCase();
    if (word === 'near')
      throw unsupported(`condition "${text}": "near" (temporal proximity) is not supported`);
    const next = tokens[pos + 1];
    if (next?.type === 'word' && next.value.toLowerCase() === 'of') {
      let count: number | 'all';
      if (word === 'all') count = 'all';
      else if (/^\d+$/.test(word) && Number(word) >= 1) count = Number(word);
      else return fail(`"${t.value} of" needs "1 of", "all of" or a count`);
      pos += 2;
      const target = tokens[pos];
      if (
        target?.type !== 'word' ||
        (OPERATORS.has(target.value.toLowerCase()) && target.value.toLowerCase() !== 'them')
      ) {
        return fail('expected "them" or a search identifier pattern after "of"');
      }
      pos++;
      const pattern = target.value.toLowerCase() === 'them' ? 'them' : target.value;
      return { kind: 'of', count, pattern };
    }
    if (OPERATORS.has(word)) return fail(`unexpected "${t.value}"`);
    if (t.value.includes('*')) return fail(`wildcard identifier "${t.value}" needs "1 of" or "all of"`);
    pos++;
    return { kind: 'ref', name: t.value };
  };

  if (tokens.length === 0) throw invalid('condition is empty');
  const node = parseOr();
  if (pos < tokens.length) fail('unexpected text');
  return node;
}

/** Search identifiers an `of` pattern names: `them` = all not starting with `_`; `*` matches any run. */
export function expandPattern(pattern: string, names: readonly string[]): string[] {
  if (pattern === 'them') return names.filter((n) => !n.startsWith('_'));
  const re = new RegExp(`^${pattern.split('*').map(escapeForRegExp).join('.*')}$`);
  return names.filter((n) => re.test(n));
}

function escapeForRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
