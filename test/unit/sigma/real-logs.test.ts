import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, it } from 'node:test';
import { loadVendoredSigmaRules } from '../../../src/adapters/local/sigma-loader.ts';
import { RuleEngine } from '../../../src/core/detect/engine.ts';
import type { NormalizedEvent } from '../../../src/core/event.ts';
import { parseCloudTrail } from '../../../src/core/sources/cloudtrail.ts';

const STRATUS = 'test/fixtures/cloudtrail/stratus';
const INVICTUS = 'examples/cloudtrail';

const set = loadVendoredSigmaRules();
const fileOf = (id: string) => basename(set.pathById.get(id)!);

function read(dir: string, pick: (f: string) => boolean): { file: string; event: NormalizedEvent }[] {
  const out: { file: string; event: NormalizedEvent }[] = [];
  for (const file of readdirSync(dir).filter(pick).sort()) {
    const parsed = parseCloudTrail(file, readFileSync(join(dir, file), 'utf8'));
    assert.equal(parsed.errors.length, 0, `${file}: ${JSON.stringify(parsed.errors)}`);
    for (const event of parsed.events) out.push({ file, event });
  }
  return out;
}

/** Rule file → the input files (and count of events) it fired on, through the rule engine and its index. */
function fire(
  events: { file: string; event: NormalizedEvent }[],
): Map<string, { events: number; files: Set<string> }> {
  const engine = new RuleEngine(set.rules);
  const hits = new Map<string, { events: number; files: Set<string> }>();
  for (const { file, event } of events) {
    for (const id of engine.firingRules({ ...event, anomalyFlags: [], riskScore: 0 })) {
      const key = fileOf(id);
      const entry = hits.get(key) ?? { events: 0, files: new Set<string>() };
      entry.events++;
      entry.files.add(file);
      hits.set(key, entry);
    }
  }
  assert.equal(engine.diagnostics().ruleErrorCount, 0);
  return hits;
}

/** Stratus technique file → the vendored Sigma rule that must fire on it. */
const EXPECTED_ON_STRATUS: Record<string, string> = {
  'aws.defense-evasion.cloudtrail-stop.json': 'aws_cloudtrail_disable_logging.yml',
  'aws.defense-evasion.cloudtrail-delete.json': 'aws_cloudtrail_disable_logging.yml',
  'aws.defense-evasion.vpc-remove-flow-logs.json': 'aws_cloudtrail_vpc_flow_logs_deleted.yml',
  'aws.exfiltration.ec2-security-group-open-port-22-ingress.json':
    'aws_cloudtrail_security_group_change_ingress_egress.yml',
  'aws.exfiltration.ec2-share-ebs-snapshot.json': 'aws_snapshot_backup_exfiltration.yml',
  'aws.initial-access.console-login-without-mfa.json': 'aws_cloudtrail_console_login_success_without_mfa.yml',
  'aws.persistence.iam-backdoor-user.json': 'aws_iam_backdoor_users_keys.yml',
  'aws.persistence.lambda-layer-extension.json': 'aws_new_lambda_layer_attached.yml',
  'aws.privilege-escalation.iam-update-user-login-profile.json': 'aws_update_login_profile.yml',
  'aws.execution.ssm-send-command.json': 'aws_cloudtrail_ssm_malicious_usage.yml',
};

function print(
  title: string,
  hits: Map<string, { events: number; files: Set<string> }>,
  showFiles: boolean,
): void {
  console.log(`${title}: ${hits.size} of ${set.rules.length} vendored Sigma rules fire`);
  for (const [rule, h] of [...hits].sort((a, b) => a[0].localeCompare(b[0]))) {
    console.log(
      `  ${String(h.events).padStart(4)}  ${rule}${showFiles ? `  ← ${[...h.files].join(', ')}` : ''}`,
    );
  }
}

describe('vendored Sigma rules on real CloudTrail logs', () => {
  it('fire on the Stratus attack files they describe', () => {
    const events = read(STRATUS, (f) => f.startsWith('aws.') && f.endsWith('.json'));
    assert.equal(events.length > 0, true);
    const hits = fire(events);
    print(`Stratus (${events.length} events)`, hits, true);
    for (const [technique, rule] of Object.entries(EXPECTED_ON_STRATUS)) {
      assert.ok(hits.get(rule)?.files.has(technique), `${rule} should fire on ${technique}`);
    }
  });

  it('stay quiet on the Invictus sample: no rule fires on more than 5% of the events', () => {
    const events = read(INVICTUS, (f) => f.endsWith('.json'));
    const hits = fire(events);
    print(`Invictus sample (${events.length} events)`, hits, false);
    for (const [rule, h] of hits) {
      assert.ok(h.events <= events.length * 0.05, `${rule} fired on ${h.events} of ${events.length} events`);
    }
    // The sample holds a real console login without MFA, trail changes and flow-log deletion.
    for (const rule of [
      'aws_cloudtrail_console_login_success_without_mfa.yml',
      'aws_cloudtrail_disable_logging.yml',
      'aws_cloudtrail_vpc_flow_logs_deleted.yml',
    ]) {
      assert.ok(hits.has(rule), `${rule} should fire on the Invictus sample`);
    }
  });
});
