import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { invictusNoise, pantherFigures, stratusTable } from '../../../bench/detection/figures-lib.ts';

describe('detection figures', () => {
  it('detects every Stratus technique with a MEDIUM+ finding of the technique tactic', () => {
    const rows = stratusTable();
    assert.equal(rows.length, 35);
    const missed = rows.filter((r) => !r.detected).map((r) => r.technique);
    console.log(`stratus: ${rows.length - missed.length}/${rows.length} techniques detected`);
    assert.deepEqual(missed, []);
  });

  it('agrees with Panther labelled cases for every rule it claims, and claims at least 85% of them', () => {
    const p = pantherFigures();
    const scored = p.verdicts.length - p.excluded.length;
    console.log(
      `panther: coverage ${p.claimedRules.length}/${p.totalRules}; accuracy ${(p.accuracy * 100).toFixed(1)}% on ${scored} self-contained cases (${p.excluded.length} excluded); matrix ${JSON.stringify(p.matrix)}`,
    );
    assert.ok(
      p.claimedRules.length / p.totalRules >= 0.85,
      `coverage ${p.claimedRules.length}/${p.totalRules}`,
    );
    assert.ok(p.accuracy >= 0.97, `accuracy ${p.accuracy}`);
    assert.ok(scored >= 250, 'most cases are scored');
  });

  it('no rule fires on more than 5% of the Invictus sample', () => {
    const noise = invictusNoise();
    const worst = noise.rows[0];
    console.log(
      `invictus: ${noise.totalEvents} events; noisiest ${worst.ruleId} ${(worst.share * 100).toFixed(1)}%`,
    );
    assert.equal(noise.totalEvents, 2900);
    for (const r of noise.rows)
      assert.ok(r.share <= 0.05, `${r.ruleId} cites ${(r.share * 100).toFixed(1)}% of events`);
  });
});
