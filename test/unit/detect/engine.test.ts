import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultConfig, parseConfig } from '../../../src/core/config.ts';
import { defaultDetectors } from '../../../src/core/detect/default-detectors.ts';
import { collectDiagnostics } from '../../../src/core/detect/detector.ts';
import { canonicalAction, compactEvidence, RuleEngine } from '../../../src/core/detect/engine.ts';
import type { Rule } from '../../../src/core/detect/rule.ts';
import { BUILTIN_RULES } from '../../../src/core/detect/rules/index.ts';
import { SEVERITY_RISK } from '../../../src/core/finding.ts';
import { Engine } from '../../../src/core/pipeline.ts';
import { at, ctEvent } from './helpers.ts';

const stopLogging = () =>
  ctEvent({
    eventSource: 'cloudtrail.amazonaws.com',
    eventName: 'StopLogging',
    requestParameters: { name: 'main-trail' },
  });

const throwing: Rule = {
  id: 'custom.broken',
  title: 'A rule with a bug',
  description: 'Reads a field that is not there.',
  severity: 'HIGH',
  mitre: [{ tactic: 'TA0005', technique: 'T1562' }],
  appliesTo: { eventSource: ['cloudtrail.amazonaws.com'] },
  origin: 'custom',
  evaluate: (e) => (e.raw.requestParameters as Record<string, Record<string, string>>).missing.deep === 'x',
};

describe('rule engine', () => {
  it('turns a match into a finding with a deterministic id, MITRE, explanation, small evidence and risk', () => {
    const engine = new RuleEngine(BUILTIN_RULES);
    const event = stopLogging();
    const [finding] = engine.observe(event).filter((f) => f.ruleId === 'cloudtrail.logging-stopped');
    assert.ok(finding);
    assert.equal(finding.severity, 'HIGH');
    assert.equal(finding.riskScore, SEVERITY_RISK.HIGH);
    assert.deepEqual(finding.mitre, [{ tactic: 'TA0005', technique: 'T1562.008' }]);
    assert.match(finding.explanation, /alice \(IAMUser\) called cloudtrail:StopLogging from 198\.51\.100\.7/);
    assert.equal(finding.evidence.eventName, 'StopLogging');
    assert.deepEqual(finding.eventIds, [event.id]);
    const again = new RuleEngine(BUILTIN_RULES)
      .observe(event)
      .find((f) => f.ruleId === 'cloudtrail.logging-stopped');
    assert.equal(again?.id, finding.id);
  });

  it('keeps the event risk when it is higher than the severity floor', () => {
    const event = Object.assign(stopLogging(), { riskScore: 10 });
    const f = new RuleEngine(BUILTIN_RULES)
      .observe(event)
      .find((x) => x.ruleId === 'cloudtrail.logging-stopped');
    assert.equal(f?.riskScore, 10);
  });

  it('does not report the same finding twice in a run', () => {
    const engine = new RuleEngine(BUILTIN_RULES);
    const event = stopLogging();
    assert.ok(engine.observe(event).length > 0);
    assert.equal(engine.observe(event).length, 0);
  });

  it('records a rule that throws as a rule-error, keeps running the other rules, and counts it', () => {
    const engine = new RuleEngine([...BUILTIN_RULES, throwing]);
    const event = stopLogging();
    const findings = engine.observe(event);
    assert.ok(findings.some((f) => f.ruleId === 'cloudtrail.logging-stopped'));
    const [error] = engine.ruleErrors();
    assert.equal(error.kind, 'rule-error');
    assert.equal(error.ruleId, 'custom.broken');
    assert.equal(error.eventId, event.id);
    assert.match(error.message, /deep|undefined/);
    engine.observe(stopLogging());
    const diag = collectDiagnostics([engine]);
    assert.equal(diag.ruleErrorCount, 2);
    assert.deepEqual(diag.ruleErrorsByRule, { 'custom.broken': 2 });
  });

  it('indexes rules by eventSource and eventName (a rule is only tried on events it applies to)', () => {
    let calls = 0;
    const counting: Rule = {
      ...throwing,
      id: 'custom.count',
      appliesTo: { eventSource: ['kms.amazonaws.com'], eventName: ['DisableKey'] },
      evaluate: () => (calls++, false),
    };
    const engine = new RuleEngine([counting]);
    engine.observe(stopLogging());
    engine.observe(ctEvent({ eventSource: 'kms.amazonaws.com', eventName: 'Decrypt' }));
    assert.equal(calls, 0);
    engine.observe(ctEvent({ eventSource: 'kms.amazonaws.com', eventName: 'DisableKey' }));
    assert.equal(calls, 1);
  });

  it('matches versioned Lambda API names against plain rule names', () => {
    assert.equal(canonicalAction('UpdateFunctionCode20150331v2'), 'UpdateFunctionCode');
    assert.equal(canonicalAction('AddPermission20150331'), 'AddPermission');
    assert.equal(canonicalAction('PutObject'), 'PutObject');
  });

  it('refuses two rules with the same id', () => {
    assert.throws(() => new RuleEngine([throwing, throwing]), /share the id "custom.broken"/);
  });

  it('cuts large evidence values to a preview', () => {
    const big = { items: Array.from({ length: 500 }, (_, i) => ({ i })) };
    const out = compactEvidence({ requestParameters: big, eventName: 'RunInstances' });
    assert.equal(typeof out.requestParameters, 'string');
    assert.ok((out.requestParameters as string).length < 1600);
    assert.equal(out.eventName, 'RunInstances');
  });

  it('runs through the pipeline: findings raise the event risk, rule errors are reported by the CLI diagnostics', () => {
    const config = defaultConfig();
    const engine = new Engine(config, defaultDetectors(config, [throwing]));
    const { events, findings } = engine.process([stopLogging()]);
    assert.ok(findings.some((f) => f.ruleId === 'cloudtrail.logging-stopped'));
    assert.ok(events[0].riskScore >= SEVERITY_RISK.HIGH);
    assert.equal(collectDiagnostics(engine.detectors).ruleErrorCount, 1);
  });

  it('leaves out disabled rules', () => {
    const config = parseConfig({ detection: { disabledRules: ['cloudtrail.logging-stopped'] } });
    const engine = new Engine(config, defaultDetectors(config));
    const { findings } = engine.process([
      ctEvent({ eventTime: at(1), eventSource: 'cloudtrail.amazonaws.com', eventName: 'StopLogging' }),
    ]);
    assert.ok(!findings.some((f) => f.ruleId === 'cloudtrail.logging-stopped'));
  });
});
