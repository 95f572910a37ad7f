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

/** Looks a dotted field path up in a record. */
export function lookupField(record: unknown, path: string): FieldLookup {
  const parts = path.split('.');
  const out: FieldLookup = { present: false, values: [] };
  visit(record, parts, 0, out);
  return out;
}

function visit(node: unknown, parts: readonly string[], from: number, out: FieldLookup): void {
  if (Array.isArray(node)) {
    for (const item of node) visit(item, parts, from, out);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const obj = node as Record<string, unknown>;
  // Longest key first; when both `a.b` (one key) and `a` → `b` exist, both are searched.
  for (let to = parts.length; to > from; to--) {
    const key = to - from === 1 ? parts[from] : parts.slice(from, to).join('.');
    if (!Object.hasOwn(obj, key)) continue;
    const value = obj[key];
    if (to === parts.length) {
      out.present = true;
      pushFlat(value, out.values);
    } else {
      visit(value, parts, to, out);
    }
  }
}

function pushFlat(value: unknown, into: unknown[]): void {
  if (Array.isArray(value)) {
    for (const item of value) pushFlat(item, into);
  } else {
    into.push(value);
  }
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
