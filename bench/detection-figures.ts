/**
 * `npm run detect:figures`: prints the detection library's figures — the 35-row Stratus table,
 * the Panther confusion matrix and coverage, and per-rule noise on the Invictus sample.
 */
import { BUILTIN_RULES, BUILTIN_THRESHOLDS } from '../src/core/detect/rules/index.ts';
import { invictusNoise, pantherFigures, stratusTable } from './detection/figures-lib.ts';

const pct = (n: number) => `${(n * 100).toFixed(1)}%`;

console.log(
  `Built-in rules: ${BUILTIN_RULES.length} single-event, ${BUILTIN_THRESHOLDS.length} threshold, 1 sequence\n`,
);

const rows = stratusTable();
console.log('Stratus Red Team techniques (MEDIUM+ finding whose MITRE tactic matches the technique tactic)');
console.log(`${'technique'.padEnd(62)} ${'tactic'.padEnd(7)} ok   matching rules`);
for (const r of rows) {
  console.log(
    `${r.technique.padEnd(62)} ${r.tactic.padEnd(7)} ${r.detected ? 'yes ' : 'NO  '} ${r.matching.join(', ') || '-'}`,
  );
}
console.log(`detected: ${rows.filter((r) => r.detected).length}/${rows.length}\n`);

const p = pantherFigures();
console.log(
  `Panther rules covered by equivalents: ${p.claimedRules.length}/${p.totalRules} (${pct(p.claimedRules.length / p.totalRules)})`,
);
console.log(`not covered (${p.notCovered.length}): ${p.notCovered.join(', ')}`);
const scored = p.verdicts.length - p.excluded.length;
console.log(
  `cases of covered rules: ${p.verdicts.length}; scored (self-contained): ${scored}; excluded (self_contained: false): ${p.excluded.length}`,
);
console.log('confusion matrix (self-contained cases):');
console.log(`                 expected=true  expected=false`);
console.log(`  fired          ${String(p.matrix.tp).padStart(13)}  ${String(p.matrix.fp).padStart(14)}`);
console.log(`  did not fire   ${String(p.matrix.fn).padStart(13)}  ${String(p.matrix.tn).padStart(14)}`);
console.log(`accuracy: ${pct(p.accuracy)} (including the excluded cases: ${pct(p.accuracyAll)})`);
const wrong = p.verdicts.filter((v) => v.predicted !== v.case.expected);
if (wrong.length) {
  console.log('disagreements:');
  for (const v of wrong) {
    console.log(
      `  ${v.case.self_contained ? '' : '(excluded) '}${v.case.rule_id} — "${v.case.test_name}": expected ${v.case.expected}, fired ${v.predicted}${v.firing.length ? ` (${v.firing.join(', ')})` : ''}`,
    );
  }
}
console.log(`excluded cases: ${p.excluded.map((c) => `${c.rule_id} "${c.test_name}"`).join('; ')}\n`);

const noise = invictusNoise();
console.log(
  `Noise on the Invictus sample (${noise.totalEvents} events): share of events each rule's findings cite`,
);
for (const r of noise.rows.slice(0, 15))
  console.log(`  ${pct(r.share).padStart(6)}  ${String(r.findings).padStart(4)} findings  ${r.ruleId}`);
const worst = noise.rows.filter((r) => !r.ruleId.startsWith('seed.') && !r.ruleId.startsWith('baseline.'))[0];
console.log(
  `highest detection-library rule: ${worst ? `${worst.ruleId} ${pct(worst.share)}` : 'none'} (limit 5%)`,
);
