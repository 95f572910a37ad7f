/**
 * Reads Sigma field names from a JSON record: dots walk into nested objects (`userIdentity.type`),
 * arrays are searched element by element, and a key that itself contains dots is found as well.
 */

/** What a record holds at a field path. */
export interface FieldLookup {
  /** True when the last key of the path exists (even with a null or empty value). */
  present: boolean;
  /** The values found; arrays are flattened, so each element is one value. */
  values: unknown[];
}

/** A compiled field path: call it with a record. */
export type FieldAccessor = (record: unknown) => FieldLookup;

/**
 * Compiles a dotted field path once, so matching an event does no string splitting. The keys of every
 * span of the path (`a`, `a.b`, `b` …) are prepared, longest first.
 */
export function fieldAccessor(path: string): FieldAccessor {
  const parts = path.split('.');
  // spans[from] = the keys starting at part `from`, longest first, with the part index after them.
  const spans: [string, number][][] = parts.map((_, from) => {
    const out: [string, number][] = [];
    for (let to = parts.length; to > from; to--) out.push([parts.slice(from, to).join('.'), to]);
    return out;
  });
  return (record) => {
    // Fast path: a plain top-level field.
    if (parts.length === 1 && typeof record === 'object' && record !== null && !Array.isArray(record)) {
      if (!Object.hasOwn(record, path)) return { present: false, values: [] };
      const value = (record as Record<string, unknown>)[path];
      return { present: true, values: Array.isArray(value) ? flat(value) : [value] };
    }
    const out: FieldLookup = { present: false, values: [] };
    visit(record, spans, 0, parts.length, out);
    return out;
  };
}

/** Looks a dotted field path up in a record (compiles the path each call: prefer {@link fieldAccessor}). */
export function lookupField(record: unknown, path: string): FieldLookup {
  return fieldAccessor(path)(record);
}

function visit(
  node: unknown,
  spans: [string, number][][],
  from: number,
  end: number,
  out: FieldLookup,
): void {
  if (Array.isArray(node)) {
    for (const item of node) visit(item, spans, from, end, out);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const obj = node as Record<string, unknown>;
  // When both `a.b` (one key) and `a` → `b` exist, both are searched.
  for (const [key, to] of spans[from]) {
    if (!Object.hasOwn(obj, key)) continue;
    const value = obj[key];
    if (to === end) {
      out.present = true;
      if (Array.isArray(value)) out.values.push(...flat(value));
      else out.values.push(value);
    } else {
      visit(value, spans, to, end, out);
    }
  }
}

function flat(values: readonly unknown[]): unknown[] {
  return values.some(Array.isArray) ? (values.flat(Number.POSITIVE_INFINITY) as unknown[]) : [...values];
}

/** Every scalar (string, number, boolean) anywhere in a value, for keyword search and object fields. */
export function scalarLeaves(
  value: unknown,
  into: (string | number | boolean)[] = [],
): (string | number | boolean)[] {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    into.push(value);
  } else if (Array.isArray(value)) {
    for (const item of value) scalarLeaves(item, into);
  } else if (typeof value === 'object' && value !== null) {
    for (const item of Object.values(value)) scalarLeaves(item, into);
  }
  return into;
}
