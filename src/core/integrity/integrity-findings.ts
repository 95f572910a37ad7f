import { type Finding, SEVERITY_RISK } from '../finding.ts';
import { stableId } from '../hash.ts';
import type { IntegrityProblem, IntegrityProblemKind } from './check-integrity.ts';

/** The catalog id of every log-file integrity finding. */
export const LOG_TAMPERING_RULE = 'cloudtrail.log-tampering';

/** Catalog entry for `logwarden rules list`. */
export const LOG_TAMPERING_RULE_INFO = {
  id: LOG_TAMPERING_RULE,
  title: 'CloudTrail log files or digests deleted, modified or forged',
  description:
    "CloudTrail log-file integrity validation failed: a log file listed in a digest is missing or its SHA-256 differs, a digest's signature does not verify or names an unknown key, the chain of digests is broken or has a gap, or a log file is listed in no digest.",
  severity: 'CRITICAL' as const,
  mitre: [
    { tactic: 'TA0005', technique: 'T1070' },
    { tactic: 'TA0005', technique: 'T1562.008' },
  ],
};

const TITLES: Record<IntegrityProblemKind, string> = {
  'log-missing': 'CloudTrail log file deleted (listed in a digest, missing)',
  'log-modified': 'CloudTrail log file modified (SHA-256 differs from its digest)',
  'log-unlisted': 'CloudTrail log file that no digest lists',
  'digest-bad-signature': 'CloudTrail digest forged or modified (signature does not verify)',
  'digest-unknown-key': 'CloudTrail digest signed by an unknown key',
  'digest-missing': 'CloudTrail digest deleted (chain of digests broken)',
  'digest-chain-mismatch': 'CloudTrail digest chain broken (previous digest differs)',
  'digest-gap': 'CloudTrail digest delivery stopped (gap in hourly digests)',
  'digest-malformed': 'CloudTrail digest unreadable or malformed',
  'digest-moved': 'CloudTrail digest not where CloudTrail delivered it',
};

/** ATT&CK: a gap is logging impaired (T1562.008); anything else is indicator removal (T1070). */
function mitreOf(kind: IntegrityProblemKind) {
  return kind === 'digest-gap'
    ? [{ tactic: 'TA0005', technique: 'T1562.008' }]
    : [{ tactic: 'TA0005', technique: 'T1070' }];
}

/**
 * One CRITICAL finding per problem. The id hashes the problem's kind, file and what was expected
 * and found, so a re-run stores nothing twice and a new problem on the same file is a new finding.
 */
export function integrityFindings(problems: readonly IntegrityProblem[]): Finding[] {
  return problems.map((p) => ({
    id: stableId(LOG_TAMPERING_RULE, p.kind, p.file, p.expected, p.found),
    ruleId: LOG_TAMPERING_RULE,
    title: TITLES[p.kind],
    severity: 'CRITICAL',
    riskScore: SEVERITY_RISK.CRITICAL,
    flags: [],
    mitre: mitreOf(p.kind),
    eventIds: [],
    time: p.time,
    account: p.account,
    region: p.region,
    explanation: `${p.message}. File: ${p.file}. Expected: ${p.expected}. Found: ${p.found}.`,
    evidence: {
      problem: p.kind,
      file: p.file,
      expected: p.expected,
      found: p.found,
      ...(p.trail && { trail: p.trail }),
      ...(p.digest && { digest: p.digest }),
    },
  }));
}
