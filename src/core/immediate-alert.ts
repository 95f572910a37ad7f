import type { Finding } from './finding.ts';

/**
 * True for a finding that is alerted the moment it is found (the seed's "real-time" path, made
 * real): risk at or above the alert threshold (the seed: 8), or CRITICAL whatever its score.
 */
export function needsImmediateAlert(finding: Finding, alertThreshold: number): boolean {
  return finding.severity === 'CRITICAL' || finding.riskScore >= alertThreshold;
}

/** A one-line subject for an immediate alert (plain ASCII, under 100 characters, as SNS requires). */
export function immediateAlertSubject(finding: Finding): string {
  const who = finding.principal?.name ? ` by ${finding.principal.name}` : '';
  const subject = `logwarden ${finding.severity} (${finding.riskScore}/10): ${finding.title}${who}`;
  const ascii = subject
    .normalize('NFKD')
    .replace(/[^\x20-\x7e]/g, '')
    .trim();
  return ascii.length > 99 ? `${ascii.slice(0, 96)}...` : ascii;
}

/** The plain-text body: what fired, why, who, from where, when, and the evidence to look at. */
export function immediateAlertText(finding: Finding): string {
  const lines = [
    `${finding.severity} finding, risk ${finding.riskScore}/10: ${finding.title}`,
    '',
    finding.explanation,
    '',
    `Rule:      ${finding.ruleId}`,
    `Time:      ${new Date(finding.time).toISOString()}`,
  ];
  if (finding.principal) {
    lines.push(
      `Principal: ${finding.principal.name} (${finding.principal.type}${finding.principal.arn ? `, ${finding.principal.arn}` : ''})`,
    );
  }
  if (finding.account)
    lines.push(`Account:   ${finding.account}${finding.region ? ` / ${finding.region}` : ''}`);
  if (finding.sourceIp) lines.push(`Source IP: ${finding.sourceIp}`);
  if (finding.mitre.length)
    lines.push(`MITRE:     ${finding.mitre.map((m) => `${m.tactic} ${m.technique}`).join(', ')}`);
  if (finding.flags.length) lines.push(`Flags:     ${finding.flags.join(', ')}`);
  lines.push(
    `Events:    ${finding.eventIds.slice(0, 10).join(', ')}${finding.eventIds.length > 10 ? ' …' : ''}`,
  );
  lines.push(`Finding:   ${finding.id}`);
  return lines.join('\n');
}
