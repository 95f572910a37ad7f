import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { stableId } from '../../../src/core/hash.ts';

/** The id as first defined: one streaming update per part, each closed by NUL. */
function streamed(...parts: (string | number | undefined)[]): string {
  const h = createHash('sha256');
  for (const part of parts) h.update(`${part ?? ''}\u0000`);
  return h.digest('hex').slice(0, 32);
}

describe('stableId', () => {
  it('gives the ids stored by earlier versions', () => {
    const cases: (string | number | undefined)[][] = [
      ['sigma:905d389b-b853-46d0-9d3d-dea0d3a3cd49', '3b4f7e2a-1c2d-4e5f-8a9b-0c1d2e3f4a5b'],
      ['api.enumeration-burst', 'arn:aws:iam::123456789012:user/alice', 1_767_571_200_000],
      ['x', undefined, ''],
      [],
      ['ünïcødé', '日本', 3.14],
      // A lone surrogate at a part's end is not joined with the next part's.
      ['é\ud83d', '\ude00z'],
    ];
    for (const parts of cases) assert.equal(stableId(...parts), streamed(...parts));
    // Pinned: a finding id as stored by earlier runs.
    assert.equal(stableId('seed.high-risk-event', 'evt-1'), 'a47226922a35ca9af18fb78e44a97bcb');
  });

  it('separates parts, so moving a boundary changes the id', () => {
    assert.notEqual(stableId('ab', 'c'), stableId('a', 'bc'));
  });
});
