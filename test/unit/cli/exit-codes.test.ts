import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Command, CommanderError } from 'commander';
import { InputPathError } from '../../../src/adapters/input-path-error.ts';
import { SigmaLoadError } from '../../../src/adapters/local/sigma-loader.ts';
import { ReportWiringError } from '../../../src/adapters/report-wiring.ts';
import { registerAnalyze } from '../../../src/cli/commands/analyze.ts';
import { registerFindings } from '../../../src/cli/commands/findings.ts';
import { registerReport } from '../../../src/cli/commands/report.ts';
import { EXIT, EXIT_FOR_KIND, exitCodeFor } from '../../../src/cli/exit-codes.ts';
import { parseTime } from '../../../src/cli/time.ts';
import { UsageError } from '../../../src/cli/usage-error.ts';
import { ConfigError } from '../../../src/core/config.ts';
import { LogwardenError } from '../../../src/core/errors.ts';
import { parseSeverity } from '../../../src/core/finding.ts';
import { ReportRequestError } from '../../../src/core/report/report-request.ts';
import { EnvironmentError } from '../../../src/lambda/wiring.ts';

describe('exit codes come from the error kind, through one table', () => {
  it('maps every kind to the documented code', () => {
    assert.deepEqual(EXIT_FOR_KIND, {
      usage: 2,
      config: 2,
      input: 2,
      'store-missing': 2,
      'store-busy': 5,
      dependency: 2,
      notify: 4,
      internal: 3,
    });
  });

  it('gives each error logwarden raises on purpose its kind, and anything else exit 3', () => {
    const cases: [unknown, string, number][] = [
      [new UsageError('bad flag'), 'usage', EXIT.inputErrors],
      [new ConfigError('bad key'), 'config', EXIT.inputErrors],
      [new SigmaLoadError([{ path: 'x.yml', reason: 'not YAML' }]), 'config', EXIT.inputErrors],
      [new InputPathError('no such dir'), 'input', EXIT.inputErrors],
      [new ReportWiringError('no env'), 'config', EXIT.inputErrors],
      [new ReportRequestError('bad period'), 'usage', EXIT.inputErrors],
      [new EnvironmentError('bad env'), 'config', EXIT.inputErrors],
      [new LogwardenError('store-busy', 'locked'), 'store-busy', EXIT.storeBusy],
      [new LogwardenError('notify', 'slack down'), 'notify', EXIT.notifyFailed],
    ];
    for (const [err, kind, code] of cases) {
      assert.ok(err instanceof LogwardenError, `${(err as Error).name} is a LogwardenError`);
      assert.equal(err.kind, kind, (err as Error).name);
      assert.equal(exitCodeFor(err), code, (err as Error).name);
    }
    assert.equal(exitCodeFor(new TypeError('a bug')), EXIT.internal);
    assert.equal(exitCodeFor('a string'), EXIT.internal);
  });

  it('keeps the cause and names the class', () => {
    const cause = new Error('ENOENT');
    const err = new InputPathError('cannot read', { cause });
    assert.equal(err.cause, cause);
    assert.equal(err.name, 'InputPathError');
  });

  it('user-given values that do not parse are usage errors', () => {
    assert.throws(
      () => parseTime('yesterday-ish'),
      (e: unknown) => exitCodeFor(e) === EXIT.inputErrors,
    );
    assert.throws(
      () => parseSeverity('severe'),
      (e: unknown) => e instanceof LogwardenError && e.kind === 'usage',
    );
  });
});

describe('option values are checked by commander', () => {
  function parse(register: (p: Command) => void, args: string[]): CommanderError | 'ok' {
    const program = new Command().exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
    register(program);
    // Stop before any action runs: the check happens while parsing.
    for (const c of program.commands) c.action(() => {});
    try {
      program.parse(args, { from: 'user' });
      return 'ok';
    } catch (err) {
      return err as CommanderError;
    }
  }

  it('rejects a value outside the choices with exit 2 and names the allowed ones', () => {
    const bad = parse(registerAnalyze, ['analyze', 'x', '--format', 'yaml']);
    assert.ok(bad instanceof CommanderError);
    assert.equal(bad.code, 'commander.invalidArgument');
    assert.match(bad.message, /Allowed choices are terminal, json/);
    const level = parse(registerReport, ['report', '--level', 'loud']);
    assert.ok(level instanceof CommanderError);
    assert.match(level.message, /Allowed choices are all, high_risk_only, critical_only/);
    const ai = parse(registerReport, ['report', '--ai', 'gpt']);
    assert.ok(ai instanceof CommanderError);
    assert.match(ai.message, /Allowed choices are offline, bedrock, openai/);
  });

  it('takes a severity in any case and hands it over upper-cased', () => {
    const program = new Command().exitOverride();
    registerFindings(program);
    let got: unknown;
    program.commands[0].action((options: { severity: string }) => {
      got = options.severity;
    });
    program.parse(['findings', '--severity', 'high'], { from: 'user' });
    assert.equal(got, 'HIGH');
    assert.ok(parse(registerFindings, ['findings', '--severity', 'severe']) instanceof CommanderError);
  });
});
