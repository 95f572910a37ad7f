import { type ConditionNode, expandPattern, parseCondition } from './condition.ts';
import { invalid, unsupported } from './errors.ts';
import { compileFieldMatcher, type FieldMatcher } from './field-matcher.ts';

/** A compiled Sigma `detection` section. */
export interface CompiledDetection {
  /** True when the record satisfies the condition. */
  matches(record: unknown): boolean;
  /** The search identifiers the record satisfies (for explanations). */
  matchedIdentifiers(record: unknown): string[];
  /** Every field the detection reads. */
  fields: readonly string[];
  /**
   * The values `field` must equal (case-insensitively) for the condition to hold, when the condition
   * implies such a list; undefined when it does not (a negation, a keyword search, a wildcard …).
   */
  requiredValues(field: string): readonly string[] | undefined;
}

/** One search identifier: a map (AND of fields), a list (OR of maps or keywords) or a keyword. */
interface Identifier {
  name: string;
  test(record: unknown): boolean;
  constraint(field: string): Set<string> | undefined;
  matchers: FieldMatcher[];
}

type Evaluate = (record: unknown, cache: (boolean | undefined)[]) => boolean;

/** Compiles a detection section; throws a SigmaRuleProblem for what cannot run. */
export function compileDetection(detection: unknown): CompiledDetection {
  if (typeof detection !== 'object' || detection === null || Array.isArray(detection)) {
    throw invalid('detection must be a map of search identifiers and a condition');
  }
  const section = detection as Record<string, unknown>;
  if ('timeframe' in section) {
    throw unsupported(
      `detection.timeframe (${String(section.timeframe)}): correlation over a time window is not supported`,
    );
  }
  const rawCondition = section.condition;
  if (rawCondition === undefined) throw invalid('detection has no condition');
  const conditions = Array.isArray(rawCondition) ? rawCondition : [rawCondition];
  if (conditions.length === 0 || conditions.some((c) => typeof c !== 'string')) {
    throw invalid('detection.condition must be a string or a list of strings');
  }

  const identifiers: Identifier[] = [];
  for (const [name, body] of Object.entries(section)) {
    if (name === 'condition') continue;
    identifiers.push(compileIdentifier(name, body));
  }
  const names = identifiers.map((i) => i.name);
  const index = new Map(names.map((n, i) => [n, i]));

  const nodes = (conditions as string[]).map(parseCondition);
  const root: ConditionNode = nodes.length === 1 ? nodes[0] : { kind: 'or', items: nodes };
  const resolve = (name: string): number => {
    const i = index.get(name);
    if (i === undefined) {
      throw invalid(
        `condition names "${name}", which is not a search identifier (have: ${names.join(', ') || 'none'})`,
      );
    }
    return i;
  };
  const refsOf = (pattern: string): number[] => {
    const found = expandPattern(pattern, names);
    if (found.length === 0) throw invalid(`condition pattern "${pattern}" matches no search identifier`);
    return found.map(resolve);
  };

  const build = (node: ConditionNode): Evaluate => {
    switch (node.kind) {
      case 'ref': {
        const i = resolve(node.name);
        const id = identifiers[i];
        return (r, cache) => (cache[i] ??= id.test(r));
      }
      case 'not': {
        const inner = build(node.item);
        return (r, c) => !inner(r, c);
      }
      case 'and': {
        const items = node.items.map(build);
        return (r, c) => items.every((f) => f(r, c));
      }
      case 'or': {
        const items = node.items.map(build);
        return (r, c) => items.some((f) => f(r, c));
      }
      case 'of': {
        const items = refsOf(node.pattern).map((i) => build({ kind: 'ref', name: names[i] }));
        if (node.count === 'all') return (r, c) => items.every((f) => f(r, c));
        const need = node.count;
        return (r, c) => {
          let hits = 0;
          for (const f of items) if (f(r, c) && ++hits >= need) return true;
          return false;
        };
      }
    }
  };
  const evaluate = build(root);

  const constrain = (node: ConditionNode, field: string): Set<string> | undefined => {
    switch (node.kind) {
      case 'ref':
        return identifiers[resolve(node.name)].constraint(field);
      case 'not':
        return undefined;
      case 'and':
        return intersectAll(node.items.map((n) => constrain(n, field)));
      case 'or':
        return unionAll(node.items.map((n) => constrain(n, field)));
      case 'of': {
        const sets = refsOf(node.pattern).map((i) => identifiers[i].constraint(field));
        return node.count === 'all' ? intersectAll(sets) : unionAll(sets);
      }
    }
  };

  const fields = [
    ...new Set(
      identifiers.flatMap((id) => id.matchers.flatMap((m) => [m.field, ...m.refs])).filter((f) => f !== ''),
    ),
  ];
  return {
    matches: (record) => evaluate(record, []),
    matchedIdentifiers: (record) => identifiers.filter((id) => id.test(record)).map((id) => id.name),
    fields,
    requiredValues: (field) => {
      const set = constrain(root, field);
      return set && set.size > 0 ? [...set] : undefined;
    },
  };
}

function compileIdentifier(name: string, body: unknown): Identifier {
  const where = (e: unknown) => {
    if (e instanceof Error) e.message = `${name}: ${e.message}`;
    return e;
  };
  try {
    if (Array.isArray(body)) {
      if (body.length === 0) throw invalid('empty list');
      const items = body.map((item) => (isMap(item) ? compileMap(item) : compileKeywordItem(item)));
      return {
        name,
        matchers: items.flatMap((i) => i.matchers),
        test: (r) => items.some((i) => i.test(r)),
        constraint: (field) => unionAll(items.map((i) => i.constraint(field))),
      };
    }
    if (isMap(body)) return { name, ...compileMap(body) };
    return { name, ...compileKeywordItem(body) };
  } catch (e) {
    throw where(e);
  }
}

type Part = Omit<Identifier, 'name'>;

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A map: every entry must hold. */
function compileMap(map: Record<string, unknown>): Part {
  const matchers = Object.entries(map).map(([key, value]) => compileFieldMatcher(key, value));
  if (matchers.length === 0) throw invalid('empty map');
  return {
    matchers,
    test: (r) => matchers.every((m) => m.test(r)),
    constraint: (field) => {
      const plain = matchers.find((m) => m.key === field && m.literals);
      return plain ? new Set(plain.literals) : undefined;
    },
  };
}

/** A keyword: searched for in every value of the record. */
function compileKeywordItem(value: unknown): Part {
  if (typeof value !== 'string' && typeof value !== 'number') {
    throw invalid(`a keyword must be a string or number, not ${JSON.stringify(value)}`);
  }
  const matcher = compileFieldMatcher('', value);
  return { matchers: [matcher], test: (r) => matcher.test(r), constraint: () => undefined };
}

/** AND: the record's value must lie in every constraining set (unconstrained branches add nothing). */
function intersectAll(sets: (Set<string> | undefined)[]): Set<string> | undefined {
  let out: Set<string> | undefined;
  for (const s of sets) {
    if (!s) continue;
    out = out ? new Set([...out].filter((v) => hasFolded(s, v))) : new Set(s);
  }
  return out;
}

/** OR: constrained only when every branch is. */
function unionAll(sets: (Set<string> | undefined)[]): Set<string> | undefined {
  if (sets.length === 0 || sets.some((s) => !s)) return undefined;
  const out = new Set<string>();
  for (const s of sets) for (const v of s!) out.add(v);
  return out;
}

function hasFolded(set: Set<string>, value: string): boolean {
  const lower = value.toLowerCase();
  for (const v of set) if (v.toLowerCase() === lower) return true;
  return false;
}
