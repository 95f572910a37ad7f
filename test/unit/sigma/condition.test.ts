import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCondition } from '../../../src/core/detect/sigma/condition.ts';
import { compileDetection } from '../../../src/core/detect/sigma/detection.ts';
import { SigmaRuleProblem } from '../../../src/core/detect/sigma/errors.ts';
import { ct } from './vendored-cases.ts';

const stopLogging = ct({ eventSource: 'cloudtrail.amazonaws.com', eventName: 'StopLogging' });
const stopLoggingFailed = ct({
  eventSource: 'cloudtrail.amazonaws.com',
  eventName: 'StopLogging',
  errorCode: 'AccessDenied',
});
const describeTrails = ct({
  eventSource: 'cloudtrail.amazonaws.com',
  eventName: 'DescribeTrails',
  readOnly: true,
});
const byRole = ct({
  eventSource: 'cloudtrail.amazonaws.com',
  eventName: 'StopLogging',
  userIdentity: { type: 'AssumedRole', arn: 'arn:aws:sts::123456789012:assumed-role/terraform/ci' },
});

/** Selections shared by the condition tests. */
const selections = {
  sel_source: { eventSource: 'cloudtrail.amazonaws.com' },
  sel_stop: { eventName: ['StopLogging', 'DeleteTrail'] },
  filter_failed: { errorCode: '*' },
  filter_role: { 'userIdentity.type': 'AssumedRole' },
  _helper: { eventName: 'DescribeTrails' },
};

const matches = (condition: string | string[], record: unknown) =>
  compileDetection({ ...selections, condition }).matches(record);

describe('condition parser', () => {
  it('binds not tighter than and, and tighter than or', () => {
    assert.deepEqual(parseCondition('a or b and not c'), {
      kind: 'or',
      items: [
        { kind: 'ref', name: 'a' },
        {
          kind: 'and',
          items: [
            { kind: 'ref', name: 'b' },
            { kind: 'not', item: { kind: 'ref', name: 'c' } },
          ],
        },
      ],
    });
  });
  it('reads x of patterns and them', () => {
    assert.deepEqual(parseCondition('1 of sel_* and not all of them'), {
      kind: 'and',
      items: [
        { kind: 'of', count: 1, pattern: 'sel_*' },
        { kind: 'not', item: { kind: 'of', count: 'all', pattern: 'them' } },
      ],
    });
  });
  it('accepts operators in any case', () => {
    assert.deepEqual(parseCondition('A AND NOT B'), {
      kind: 'and',
      items: [
        { kind: 'ref', name: 'A' },
        { kind: 'not', item: { kind: 'ref', name: 'B' } },
      ],
    });
  });
  it('reports syntax errors with their position', () => {
    assert.throws(() => parseCondition('a and'), /expected a search identifier at the end/);
    assert.throws(() => parseCondition('(a or b'), /expected "\)"/);
    assert.throws(() => parseCondition('a b'), /unexpected text at position 3/);
    assert.throws(() => parseCondition('sel*'), /needs "1 of" or "all of"/);
    assert.throws(() => parseCondition('a & b'), /unexpected character "&"/);
    assert.throws(() => parseCondition(''), /empty/);
  });
  it('reports aggregations and near as unsupported', () => {
    const unsupported = (e: unknown) => e instanceof SigmaRuleProblem && e.problem === 'unsupported';
    assert.throws(
      () => parseCondition('selection | count(userIdentity.arn) by sourceIPAddress > 10'),
      unsupported,
    );
    assert.throws(() => parseCondition('a near b'), unsupported);
  });
});

describe('condition evaluation', () => {
  it('a single identifier', () => {
    assert.equal(matches('sel_stop', stopLogging), true);
    assert.equal(matches('sel_stop', describeTrails), false);
  });
  it('and / not', () => {
    assert.equal(matches('sel_source and sel_stop and not filter_failed', stopLogging), true);
    assert.equal(matches('sel_source and sel_stop and not filter_failed', stopLoggingFailed), false);
  });
  it('or', () => {
    assert.equal(matches('filter_failed or filter_role', byRole), true);
    assert.equal(matches('filter_failed or filter_role', stopLogging), false);
  });
  it('parentheses change grouping', () => {
    // Without parentheses: (sel_stop and filter_failed) or filter_role.
    assert.equal(matches('sel_stop and filter_failed or filter_role', byRole), true);
    assert.equal(matches('sel_stop and (filter_failed or filter_role)', byRole), true);
    assert.equal(matches('sel_stop and (filter_failed or filter_role)', stopLogging), false);
    assert.equal(matches('not (filter_failed or filter_role)', stopLogging), true);
  });
  it('1 of pattern', () => {
    assert.equal(matches('1 of filter_*', byRole), true);
    assert.equal(matches('1 of filter_*', stopLogging), false);
    assert.equal(matches('sel_stop and not 1 of filter_*', stopLogging), true);
    assert.equal(matches('sel_stop and not 1 of filter_*', stopLoggingFailed), false);
  });
  it('all of pattern', () => {
    assert.equal(matches('all of sel_*', stopLogging), true);
    assert.equal(matches('all of sel_*', describeTrails), false);
  });
  it('1 of them / all of them skip identifiers starting with _', () => {
    assert.equal(matches('1 of them', describeTrails), true); // sel_source holds
    assert.equal(matches('all of them', stopLoggingFailed), false); // filter_role fails
    const onlyHelper = compileDetection({
      _helper: { eventName: 'DescribeTrails' },
      sel: { eventName: 'X' },
      condition: '1 of them',
    });
    assert.equal(onlyHelper.matches(describeTrails), false);
  });
  it('n of pattern needs at least n', () => {
    assert.equal(matches('2 of filter_*', byRole), false);
    assert.equal(matches('2 of sel_*', stopLogging), true);
  });
  it('a list of conditions is an OR', () => {
    assert.equal(matches(['filter_failed', 'filter_role'], byRole), true);
    assert.equal(matches(['filter_failed', 'filter_role'], stopLogging), false);
  });
  it('names the identifiers a record satisfies', () => {
    const d = compileDetection({ ...selections, condition: 'sel_stop' });
    assert.deepEqual(d.matchedIdentifiers(stopLoggingFailed), ['sel_source', 'sel_stop', 'filter_failed']);
  });
  it('rejects unknown identifiers and empty patterns', () => {
    assert.throws(
      () => matches('sel_nothing', stopLogging),
      /"sel_nothing", which is not a search identifier/,
    );
    assert.throws(() => matches('1 of nope_*', stopLogging), /matches no search identifier/);
  });
});

describe('search identifiers', () => {
  it('a list of maps is an OR of ANDs', () => {
    const d = compileDetection({
      selection: [
        { eventSource: 'cloudtrail.amazonaws.com', eventName: 'StopLogging' },
        { eventSource: 'config.amazonaws.com', eventName: 'StopConfigurationRecorder' },
      ],
      condition: 'selection',
    });
    assert.equal(d.matches(stopLogging), true);
    assert.equal(
      d.matches(ct({ eventSource: 'config.amazonaws.com', eventName: 'StopConfigurationRecorder' })),
      true,
    );
    assert.equal(d.matches(ct({ eventSource: 'config.amazonaws.com', eventName: 'StopLogging' })), false);
  });
  it('a list of strings is a keyword search over the whole record', () => {
    const d = compileDetection({ keywords: ['terraform/ci', 'pacu'], condition: 'keywords' });
    assert.equal(d.matches(byRole), true);
    assert.equal(d.matches(stopLogging), false);
  });
  it('a keyword map with |all needs every keyword', () => {
    const d = compileDetection({ keywords: { '|all': ['StopLogging', 'terraform'] }, condition: 'keywords' });
    assert.equal(d.matches(byRole), true);
    assert.equal(d.matches(stopLogging), false);
  });
  it('reports timeframe as unsupported and a missing condition as invalid', () => {
    assert.throws(
      () => compileDetection({ sel: { eventName: 'x' }, timeframe: '5m', condition: 'sel' }),
      (e: unknown) => e instanceof SigmaRuleProblem && e.problem === 'unsupported',
    );
    assert.throws(
      () => compileDetection({ sel: { eventName: 'x' } }),
      (e: unknown) => e instanceof SigmaRuleProblem && e.problem === 'invalid',
    );
  });
  it('names the identifier in errors', () => {
    assert.throws(
      () => compileDetection({ broken: { 'f|nope': 'x' }, condition: 'broken' }),
      /^.*broken: f\|nope/,
    );
  });
});

describe('required values (rule indexing)', () => {
  const req = (detection: Record<string, unknown>, field: string) =>
    compileDetection(detection).requiredValues(field);
  it('come from plain equalities the condition requires', () => {
    assert.deepEqual(
      req({ ...selections, condition: 'sel_source and sel_stop and not filter_failed' }, 'eventName'),
      ['StopLogging', 'DeleteTrail'],
    );
    assert.deepEqual(req({ ...selections, condition: 'sel_source and sel_stop' }, 'eventSource'), [
      'cloudtrail.amazonaws.com',
    ]);
  });
  it('union over or, only when every branch constrains', () => {
    const d = { a: { eventName: 'A' }, b: { eventName: 'B' }, c: { userAgent: 'x' } };
    assert.deepEqual(req({ ...d, condition: 'a or b' }, 'eventName'), ['A', 'B']);
    assert.deepEqual(req({ ...d, condition: '1 of them' }, 'eventName'), undefined);
    assert.deepEqual(req({ ...d, condition: 'a and c' }, 'eventName'), ['A']);
  });
  it('none through not, wildcards or modifiers', () => {
    assert.equal(req({ a: { eventName: 'A' }, condition: 'not a' }, 'eventName'), undefined);
    assert.equal(req({ a: { eventName: 'Delete*' }, condition: 'a' }, 'eventName'), undefined);
    assert.equal(req({ a: { 'eventName|startswith': 'Update' }, condition: 'a' }, 'eventName'), undefined);
  });
});
