import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, relative, resolve } from 'node:path';
import pc from 'picocolors';
import { parse as parseYaml } from 'yaml';
import { loadSigmaRules } from '../../adapters/local/sigma-loader.ts';
import type { Config } from '../../core/config.ts';
import { ruleCatalog } from '../../core/detect/catalog.ts';
import { defaultDetectors } from '../../core/detect/default-detectors.ts';
import { HIGH_RISK_EVENT_RULE } from '../../core/detect/high-risk-event.ts';
import type { Rule } from '../../core/detect/rule.ts';
import { judgeRuleTest, type RuleTestResult, ruleTestSchema } from '../../core/detect/rule-tests.ts';
import { TACTIC_NAMES } from '../../core/detect/rules/helpers.ts';
import type { UnrunnableSigmaRule } from '../../core/detect/sigma/compile-rule.ts';
import { Engine } from '../../core/pipeline.ts';
import { parseCloudTrail } from '../../core/sources/cloudtrail.ts';
import { loadConfig } from '../config-file.ts';
import { EXIT } from '../exit-codes.ts';
import { renderUnrunnableSigma } from '../render-sigma-unrunnable.ts';
import { UsageError } from '../usage-error.ts';
import type { RulesOptions } from './rules.ts';

/** The Sigma rules the configuration enables (vendored and the user's directories). */
function sigmaRules(config: Config): { rules: Rule[]; unrunnable: UnrunnableSigmaRule[] } {
  const set = loadSigmaRules(config.sigma);
  return { rules: set.rules, unrunnable: set.unrunnable };
}

/** Runs `logwarden rules list`: prints the catalog, or the Sigma rules that cannot run. */
export function listRules(options: RulesOptions): void {
  const config = loadConfig(options.config);
  const sigma = sigmaRules(config);
  if (options.unsupported) {
    if (options.format === 'json') process.stdout.write(`${JSON.stringify(sigma.unrunnable, null, 2)}\n`);
    else if (sigma.unrunnable.length === 0) process.stdout.write('every Sigma rule can run\n');
    else process.stdout.write(renderUnrunnableSigma(sigma.unrunnable));
    return;
  }
  const catalog = ruleCatalog(sigma.rules);
  const disabled = new Set(config.detection.disabledRules);
  if (options.format === 'json') {
    const doc = {
      rules: catalog.map((r) => ({ ...r, enabled: !disabled.has(r.id) })),
      unrunnableSigma: sigma.unrunnable,
      suppressions: config.detection.suppressions,
    };
    process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
    return;
  }
  const counts = { builtin: 0, sigma: 0, custom: 0 };
  for (const r of catalog) counts[r.origin]++;
  process.stdout.write(
    `${pc.bold(`${catalog.length} rules`)} (${counts.builtin} built-in, ${counts.sigma} Sigma, ${counts.custom} custom)\n`,
  );
  for (const r of catalog) {
    const tactics = [
      ...new Set(r.mitre.map((m) => `${TACTIC_NAMES[m.tactic] ?? m.tactic} ${m.technique}`)),
    ].join('; ');
    const off = disabled.has(r.id) ? pc.dim(' (disabled)') : '';
    process.stdout.write(
      `${r.severity.padEnd(8)} ${pc.bold(r.id)}${off} ${pc.dim(`[${r.origin}${r.kind === 'event' ? '' : `, ${r.kind}`}]`)}\n` +
        `         ${r.title}${tactics ? pc.dim(` — ${tactics}`) : ''}\n` +
        (r.equivalents.length ? `         ${pc.dim(`same as ${r.equivalents.join(', ')}`)}\n` : ''),
    );
  }
  process.stdout.write(renderUnrunnableSigma(sigma.unrunnable));
}

/** Runs `logwarden rules test <dir>`; returns the exit code (1 when a test failed). */
export function testRules(dir: string, options: RulesOptions): number {
  const config = loadConfig(options.config);
  const sigma = sigmaRules(config);
  const known = new Set([...ruleCatalog(sigma.rules).map((r) => r.id), HIGH_RISK_EVENT_RULE]);
  const files = testFiles(resolve(dir));
  if (files.length === 0) throw new UsageError(`no rule tests (*.yaml, *.yml, *.json) found under ${dir}`);
  const results = files.map((file) => runTestFile(file, dir, config, sigma.rules, known));
  const failed = results.filter((r) => !r.passed);
  if (options.format === 'json') {
    process.stdout.write(
      `${JSON.stringify({ passed: results.length - failed.length, failed: failed.length, results }, null, 2)}\n`,
    );
  } else {
    for (const r of results) process.stdout.write(formatResult(r));
    process.stdout.write(`${results.length - failed.length} passed, ${failed.length} failed\n`);
  }
  return failed.length ? EXIT.findings : EXIT.ok;
}

/** Rule-test files under a directory, sorted; event files referenced by tests are skipped. */
function testFiles(root: string): string[] {
  const stat = statSync(root, { throwIfNoEntry: false });
  if (!stat) throw new UsageError(`${root} does not exist`);
  if (stat.isFile()) return [root];
  const all = readdirSync(root, { recursive: true })
    .map((f) => join(root, String(f)))
    .filter((f) => ['.yaml', '.yml', '.json'].includes(extname(f)) && statSync(f).isFile())
    .sort();
  return all.filter((f) => {
    const doc = readDoc(f);
    return typeof doc === 'object' && doc !== null && 'expect' in doc;
  });
}

function readDoc(file: string): unknown {
  try {
    const text = readFileSync(file, 'utf8');
    return extname(file) === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch {
    return undefined;
  }
}

function runTestFile(
  file: string,
  dir: string,
  config: Config,
  extra: Rule[],
  known: Set<string>,
): RuleTestResult {
  const shown = relative(resolve(dir), file) || file;
  const parsed = ruleTestSchema.safeParse(readDoc(file));
  if (!parsed.success) {
    return failure(
      shown,
      shown,
      `not a valid rule test: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ')}`,
    );
  }
  const test = parsed.data;
  let records: unknown[];
  try {
    records =
      test.records ?? eventRecords(JSON.parse(readFileSync(resolve(dirname(file), test.events!), 'utf8')));
  } catch (err) {
    return failure(shown, test.name, `cannot read events ${test.events}: ${(err as Error).message}`);
  }
  const read = parseCloudTrail(shown, JSON.stringify({ Records: records }));
  if (read.errors.length)
    return failure(shown, test.name, `bad event: ${read.errors.map((e) => e.reason).join('; ')}`);
  const engine = new Engine(config, defaultDetectors(config, extra));
  const { findings } = engine.process(read.events);
  return judgeRuleTest(test, shown, new Set(findings.map((f) => f.ruleId)), known);
}

/** A CloudTrail delivery file, an array of records, or one record. */
function eventRecords(doc: unknown): unknown[] {
  if (Array.isArray(doc)) return doc;
  if (doc && typeof doc === 'object' && Array.isArray((doc as { Records?: unknown }).Records))
    return (doc as { Records: unknown[] }).Records;
  return [doc];
}

function failure(file: string, name: string, error: string): RuleTestResult {
  return { file, name, passed: false, fired: [], missing: [], unexpected: [], unknownRules: [], error };
}

function formatResult(r: RuleTestResult): string {
  const head = `${r.passed ? pc.green('PASS') : pc.red('FAIL')} ${r.name} ${pc.dim(r.file)}\n`;
  if (r.passed) return head;
  const lines: string[] = [];
  if (r.error) lines.push(r.error);
  if (r.missing.length) lines.push(`expected to fire but did not: ${r.missing.join(', ')}`);
  if (r.unexpected.length) lines.push(`fired but must not: ${r.unexpected.join(', ')}`);
  if (r.unknownRules.length) lines.push(`no such rule: ${r.unknownRules.join(', ')}`);
  if (!r.error) lines.push(`fired: ${r.fired.join(', ') || '(nothing)'}`);
  return head + lines.map((l) => `     ${l}\n`).join('');
}
