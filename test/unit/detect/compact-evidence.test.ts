import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compactEvidence } from '../../../src/core/detect/engine.ts';

const MAX = 1500;

/** compactEvidence as first written: serialise every object value and measure it. */
function serialiseAll(evidence: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(evidence)) {
    if (value === undefined) continue;
    if (typeof value === 'object' && value !== null) {
      const json = JSON.stringify(value);
      out[key] = json.length > MAX ? `${json.slice(0, MAX)}… (${json.length} chars)` : value;
    } else if (typeof value === 'string' && value.length > MAX) out[key] = `${value.slice(0, MAX)}…`;
    else out[key] = value;
  }
  return out;
}

/** Deterministic values of every JSON shape, with characters JSON escapes, sized around the cut. */
function generator(seed: number) {
  let state = seed;
  const r = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const chars = ['a', 'é', '"', '\\', '\n', '\u0001', '\ud83d\ude00', '\ud800', '日', ' '];
  const text = (n: number) => {
    let s = '';
    for (let i = 0; i < n; i++) s += chars[Math.floor(r() * (r() < 0.8 ? 1 : chars.length))];
    return s;
  };
  const numbers = [0, 1, -1, 1e9, 123456789, -0.0000012345678901234567, -1.7976931348623157e308, Number.NaN];
  const value = (depth: number): unknown => {
    const k = r();
    if (depth > 3 || k < 0.3) return text(Math.floor(r() * 60));
    if (k < 0.4) return numbers[Math.floor(r() * numbers.length)];
    if (k < 0.45) return [true, false, null, undefined][Math.floor(r() * 4)];
    if (k < 0.7) return Array.from({ length: Math.floor(r() * 6) }, () => value(depth + 1));
    const o: Record<string, unknown> = {};
    for (let i = Math.floor(r() * 12); i > 0; i--) o[text(Math.floor(r() * 10))] = value(depth + 1);
    if (r() < 0.02) o.toJSON = () => 'x'.repeat(2000);
    return o;
  };
  return value;
}

describe('compactEvidence', () => {
  it('cuts exactly the values whose JSON is longer than the limit, whatever their shape', () => {
    const value = generator(1);
    let cut = 0;
    for (let i = 0; i < 20_000; i++) {
      const evidence = { a: value(0), b: value(1) };
      const expected = serialiseAll(evidence);
      assert.deepEqual(compactEvidence(evidence), expected);
      if (JSON.stringify(expected).includes(' chars)')) cut++;
    }
    // Both outcomes are exercised, not just one.
    assert.ok(cut > 1000 && cut < 19_000, `${cut} cut`);
  });

  it('cuts values that are not plain data (toJSON, boxed, class instances) by their JSON too', () => {
    for (const v of [
      new Number(5),
      new String('abc'),
      new Date(0),
      [new Date(0)],
      { when: new Date(0) },
      Object.assign(Object.create(null), { a: 'x'.repeat(1600) }),
      ['x'.repeat(1496)],
      { k: 'x'.repeat(1490) },
      { k: 'x'.repeat(1491) },
      new Map([[1, 2]]),
      { toJSON: () => 'y'.repeat(3000) },
    ]) {
      assert.deepEqual(compactEvidence({ v }), serialiseAll({ v }));
    }
  });

  it('still fails on what JSON cannot hold', () => {
    assert.throws(() => compactEvidence({ v: { n: 1n } }), TypeError);
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    assert.throws(() => compactEvidence({ v: loop }), TypeError);
  });
});
