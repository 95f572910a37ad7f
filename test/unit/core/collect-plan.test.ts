import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planCollect } from '../../../src/core/collect/collect-plan.ts';
import { isDigestPath } from '../../../src/core/sources/cloudtrail.ts';

describe('collect plan: what is left of a region after an interruption', () => {
  const day = { start: 1_000, end: 2_000 };

  it('without a checkpoint, the requested range', () => {
    assert.deepEqual(planCollect(day, undefined), { range: day, tasks: [{ start: 1_000, end: 2_000 }] });
  });

  it('an unfinished checkpoint is continued from its token, then the newer and older parts it never covered', () => {
    const checkpoint = {
      range: { start: 1_000, end: 2_000 },
      tasks: [{ start: 1_000, end: 2_000, nextToken: 't5' }],
    };
    assert.deepEqual(planCollect({ start: 500, end: 2_600 }, checkpoint), {
      range: { start: 500, end: 2_600 },
      tasks: [
        { start: 1_000, end: 2_000, nextToken: 't5' },
        { start: 2_000, end: 2_600 },
        { start: 500, end: 1_000 },
      ],
    });
  });

  it('a finished or unreadable checkpoint plans the requested range afresh', () => {
    assert.deepEqual(planCollect(day, { range: day, tasks: [] }).tasks, [{ start: 1_000, end: 2_000 }]);
    assert.deepEqual(planCollect(day, { range: 'x', tasks: [{}] }).tasks, [{ start: 1_000, end: 2_000 }]);
  });
});

describe('files passed over on purpose', () => {
  it('the sign file of saved CloudTrail Lake results, like a digest file', () => {
    assert.ok(isDigestPath('AWSLogs/1/CloudTrail-Lake/Query/2023/07/10/q/result_sign.json'));
    assert.ok(!isDigestPath('AWSLogs/1/CloudTrail-Lake/Query/2023/07/10/q/result_1.csv.gz'));
  });
});
