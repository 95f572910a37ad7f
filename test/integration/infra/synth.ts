/**
 * Synthesizes the logwarden stack in-process, offline: the context of cdk.json plus overrides, a
 * fixed account and region, Lambda bundling by the local esbuild (or skipped), into a temporary
 * cloud assembly directory that the caller removes.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { LogAnalysisStack } from '../../../infra/lib/log-analysis-stack.ts';
import { readSettings } from '../../../infra/lib/settings.ts';

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';

// No network: no version check, no telemetry, no notices.
process.env.CDK_DISABLE_VERSION_CHECK = 'true';
process.env.CDK_DISABLE_CLI_TELEMETRY = 'true';

export interface Synthesized {
  app: App;
  stack: LogAnalysisStack;
  template: Template;
  /** The cloud assembly directory (bundled assets live here). */
  outdir: string;
  /** Wall-clock milliseconds of construction (incl. bundling) and synthesis. */
  ms: number;
  dispose(): void;
}

/** The `context` block of the repository's cdk.json: the defaults `cdk synth` uses. */
export function cdkJsonContext(): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL('../../../cdk.json', import.meta.url), 'utf8')).context;
}

/**
 * Builds and synthesizes the stack. `bundle: false` skips esbuild (assets become placeholders),
 * for tests that look at anything but the Lambda code.
 */
export function synthStack(
  context: Record<string, unknown> = {},
  options: { bundle?: boolean } = {},
): Synthesized {
  const started = performance.now();
  // Bundles keep the AWS SDK external (the Lambda runtime provides it); an assembly under the
  // repository's node_modules lets a test import them with the SDK resolved from there.
  const parent =
    options.bundle === false
      ? tmpdir()
      : fileURLToPath(new URL('../../../node_modules/.cache/', import.meta.url));
  mkdirSync(parent, { recursive: true });
  const outdir = mkdtempSync(join(parent, 'logwarden-cdk-'));
  const merged: Record<string, unknown> = { ...cdkJsonContext(), ...context };
  if (options.bundle === false) merged['aws:cdk:bundling-stacks'] = [];
  const app = new App({ outdir, context: merged });
  const stack = new LogAnalysisStack(app, 'Logwarden', {
    settings: readSettings((key) => merged[key]),
    env: { account: ACCOUNT, region: REGION },
  });
  const template = Template.fromStack(stack);
  return {
    app,
    stack,
    template,
    outdir,
    ms: performance.now() - started,
    dispose: () => rmSync(outdir, { recursive: true, force: true }),
  };
}

/** cdk-nag's AwsSolutions pack over the stack: violations not acknowledged with a reason. */
export function nagViolations(
  stack: LogAnalysisStack,
): { rule: string; paths: string[]; severity: string }[] {
  const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(stack);
  return report.violations.map((v) => ({
    rule: v.ruleName,
    severity: v.severity ?? 'error',
    paths: v.violatingResources.map((r) => r.constructPath ?? '(unknown)'),
  }));
}

/** Every statement of every IAM policy in the template, with the logical id of its policy. */
export function policyStatements(
  template: Template,
): { policy: string; statement: Record<string, unknown> }[] {
  const out: { policy: string; statement: Record<string, unknown> }[] = [];
  for (const [id, resource] of Object.entries(template.findResources('AWS::IAM::Policy'))) {
    const doc = (resource as { Properties: { PolicyDocument: { Statement: Record<string, unknown>[] } } })
      .Properties.PolicyDocument;
    for (const statement of doc.Statement) out.push({ policy: id, statement });
  }
  return out;
}

/** A value as a list (IAM allows a string or an array). */
export function asList<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}
