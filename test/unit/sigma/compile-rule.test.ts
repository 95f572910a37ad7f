import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Rule } from '../../../src/core/detect/rule.ts';
import { compileSigmaRule, compileSigmaRules } from '../../../src/core/detect/sigma/compile-rule.ts';
import { mitreFromTags } from '../../../src/core/detect/sigma/mitre-tags.ts';
import type { ProcessedEvent } from '../../../src/core/event.ts';
import { ct } from './vendored-cases.ts';

const base = {
  title: 'Trail stopped by a user',
  id: '11111111-2222-4333-8444-555555555555',
  status: 'test',
  description: 'Detects StopLogging. A second sentence.',
  references: ['https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_StopLogging.html'],
  author: 'Jane Doe',
  tags: ['attack.defense-impairment', 'attack.t1685.002'],
  logsource: { product: 'aws', service: 'cloudtrail' },
  detection: {
    selection: { eventSource: 'cloudtrail.amazonaws.com', eventName: 'StopLogging' },
    condition: 'selection',
  },
  falsepositives: ['Trail decommissioning'],
  level: 'high',
};

function compile(doc: unknown): Rule {
  const result = compileSigmaRule({ path: 'custom/stop.yml', doc });
  if (!result.ok) assert.fail(`expected a rule, got: ${result.problem.reason}`);
  return result.rule;
}

function problem(doc: unknown) {
  const result = compileSigmaRule({ path: 'custom/x.yml', doc });
  if (result.ok) assert.fail('expected the rule to be refused');
  return result.problem;
}

function event(raw: Record<string, unknown>): ProcessedEvent {
  return {
    id: String(raw.eventID),
    time: Date.parse(String(raw.eventTime)),
    source: 'cloudtrail',
    account: '123456789012',
    region: 'eu-west-1',
    service: String(raw.eventSource),
    action: String(raw.eventName),
    principal: { type: 'IAMUser', id: 'AIDA', name: 'alice' },
    sourceIp: String(raw.sourceIPAddress),
    userAgent: String(raw.userAgent),
    raw,
    anomalyFlags: [],
    riskScore: 0,
  };
}

const ctx = { knownAccounts: new Set<string>() };

describe('compileSigmaRule', () => {
  it('maps the rule data', () => {
    const rule = compile(base);
    assert.equal(rule.id, 'sigma:11111111-2222-4333-8444-555555555555');
    assert.equal(rule.origin, 'sigma');
    assert.equal(rule.title, 'Trail stopped by a user');
    assert.equal(rule.description, 'Detects StopLogging. A second sentence.');
    assert.equal(rule.severity, 'HIGH');
    // Defense Impairment (ATT&CK v19) is reported as Defense Evasion, the project's tactic set.
    assert.deepEqual(rule.mitre, [{ tactic: 'TA0005', technique: 'T1685.002' }]);
    assert.deepEqual(rule.references, base.references);
    assert.deepEqual(rule.appliesTo, {
      source: ['cloudtrail'],
      eventSource: ['cloudtrail.amazonaws.com'],
      eventName: ['StopLogging'],
    });
  });
  it('maps every level to a severity', () => {
    const level = (l: string) => compile({ ...base, level: l }).severity;
    assert.deepEqual(['informational', 'low', 'medium', 'high', 'critical'].map(level), [
      'LOW',
      'LOW',
      'MEDIUM',
      'HIGH',
      'CRITICAL',
    ]);
  });
  it('evaluates the event record and explains the match in evidence', () => {
    const rule = compile(base);
    const hit = rule.evaluate(
      event(ct({ eventSource: 'cloudtrail.amazonaws.com', eventName: 'StopLogging' })),
      ctx,
    );
    assert.ok(hit && typeof hit === 'object');
    const sigma = (hit.evidence as { sigma: Record<string, unknown> }).sigma;
    assert.deepEqual(sigma.matched, ['selection']);
    assert.deepEqual(sigma.fields, { eventSource: 'cloudtrail.amazonaws.com', eventName: 'StopLogging' });
    assert.equal(sigma.author, 'Jane Doe');
    assert.deepEqual(sigma.falsePositives, ['Trail decommissioning']);
    assert.equal(
      rule.evaluate(event(ct({ eventSource: 'cloudtrail.amazonaws.com', eventName: 'StartLogging' })), ctx),
      false,
    );
  });
  it('does not narrow appliesTo when the condition cannot promise a value', () => {
    const rule = compile({
      ...base,
      detection: {
        selection: { eventName: 'StopLogging' },
        keywords: ['evil'],
        condition: 'selection or keywords',
      },
    });
    assert.deepEqual(rule.appliesTo, { source: ['cloudtrail'] });
  });
  it('keeps related rules as equivalents', () => {
    const rule = compile({
      ...base,
      related: [{ id: 'aaaaaaaa-0000-4000-8000-000000000000', type: 'derived' }],
    });
    assert.deepEqual(rule.equivalents, ['sigma:aaaaaaaa-0000-4000-8000-000000000000']);
  });
  it('gives a rule without an id a stable id from its path', () => {
    const { id: _id, ...rest } = base;
    const a = compileSigmaRule({ path: 'mine/a.yml', doc: rest });
    const b = compileSigmaRule({ path: 'mine/a.yml', doc: rest });
    assert.ok(a.ok && b.ok);
    assert.equal(a.rule.id, b.rule.id);
    assert.match(a.rule.id, /^sigma:[0-9a-f]{16}$/);
  });
});

describe('rules that cannot run are listed with the reason', () => {
  it('other log sources', () => {
    const p = problem({ ...base, logsource: { product: 'windows', category: 'process_creation' } });
    assert.equal(p.kind, 'other-logsource');
    assert.match(p.reason, /not AWS CloudTrail/);
    assert.equal(p.id, `sigma:${base.id}`);
    assert.equal(p.title, base.title);
    assert.equal(
      problem({ ...base, logsource: { product: 'aws', service: 'guardduty' } }).kind,
      'other-logsource',
    );
  });
  it('aggregations, timeframes and correlation rules', () => {
    const agg = problem({ ...base, detection: { ...base.detection, condition: 'selection | count() > 5' } });
    assert.equal(agg.kind, 'unsupported');
    assert.match(agg.reason, /aggregation/);
    assert.match(
      problem({ ...base, detection: { ...base.detection, timeframe: '1h' } }).reason,
      /time window/,
    );
    assert.match(
      problem({ title: 'c', correlation: { type: 'event_count', rules: ['x'] } }).reason,
      /correlation rules/,
    );
  });
  it('unsupported modifiers', () => {
    const p = problem({
      ...base,
      detection: { selection: { 'userIdentity.userName|expand': '%Admins%' }, condition: 'selection' },
    });
    assert.equal(p.kind, 'unsupported');
    assert.match(p.reason, /selection: userIdentity.userName\|expand/);
  });
  it('invalid documents', () => {
    assert.equal(problem('just text').kind, 'invalid');
    assert.match(problem({ ...base, title: undefined }).reason, /title/);
    assert.match(problem({ ...base, level: 'severe' }).reason, /level/);
    assert.match(
      problem({ ...base, detection: { selection: { eventName: 'x' }, condition: 'selecton' } }).reason,
      /selecton/,
    );
  });
  it('deprecated rules', () => {
    assert.match(problem({ ...base, status: 'deprecated' }).reason, /deprecated/);
  });
  it('a duplicate id in a set', () => {
    const { rules, unrunnable } = compileSigmaRules([
      { path: 'a.yml', doc: base },
      { path: 'b.yml', doc: base },
    ]);
    assert.equal(rules.length, 1);
    assert.equal(unrunnable.length, 1);
    assert.match(unrunnable[0].reason, /duplicate rule id .* already loaded from a\.yml/);
  });
});

describe('mitreFromTags', () => {
  it('pairs techniques with the tactics they belong to', () => {
    assert.deepEqual(mitreFromTags(['attack.persistence', 'attack.privilege-escalation', 'attack.t1098']), [
      { tactic: 'TA0003', technique: 'T1098' },
      { tactic: 'TA0004', technique: 'T1098' },
    ]);
    assert.deepEqual(mitreFromTags(['attack.stealth', 'attack.t1078.004', 'attack.impact', 'attack.t1531']), [
      { tactic: 'TA0005', technique: 'T1078.004' },
      { tactic: 'TA0040', technique: 'T1531' },
    ]);
  });
  it('keeps a tactic with no technique, reads underscores, ignores other namespaces', () => {
    assert.deepEqual(
      mitreFromTags(['attack.initial_access', 'car.2016-04-005', 'detection.threat-hunting']),
      [{ tactic: 'TA0001', technique: '' }],
    );
  });
  it('pairs an unknown technique with the first tactic', () => {
    assert.deepEqual(mitreFromTags(['attack.discovery', 'attack.t9999']), [
      { tactic: 'TA0007', technique: 'T9999' },
    ]);
  });
});
