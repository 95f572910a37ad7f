import { defineRule, mitre, req, succeeded, TACTIC } from '../helpers.ts';

/** Security Hub turned off or standards disabled. */
export const securityHubDisabled = defineRule({
  id: 'securityhub.disabled',
  title: 'Security Hub disabled or standards turned off',
  description:
    'Security Hub was disabled, or security standards were turned off, so posture checks and aggregated findings stop.',
  severity: 'HIGH',
  mitre: [mitre(TACTIC.defenseEvasion, 'T1562.001')],
  appliesTo: {
    eventSource: ['securityhub.amazonaws.com'],
    eventName: [
      'DisableSecurityHub',
      'BatchDisableStandards',
      'DisassociateFromMasterAccount',
      'DisassociateFromAdministratorAccount',
      'DisableImportFindingsForProduct',
    ],
  },
  evaluate: (e) => succeeded(e),
});

/** Findings edited, suppressed or insights deleted. */
export const findingEvasion = defineRule({
  id: 'securityhub.findings-modified',
  title: 'Security Hub findings changed or insights deleted',
  description:
    'Security Hub findings were updated (for example set to SUPPRESSED or RESOLVED) or insights were changed or deleted. Attackers hide findings this way.',
  severity: 'MEDIUM',
  mitre: [mitre(TACTIC.defenseEvasion, 'T1562.001')],
  appliesTo: {
    eventSource: ['securityhub.amazonaws.com'],
    eventName: ['BatchUpdateFindings', 'UpdateFindings', 'DeleteInsight', 'UpdateInsight'],
  },
  evaluate: (e) => succeeded(e),
  equivalents: ['panther:AWS.SecurityHub.Finding.Evasion', 'sigma:a607e1fe-74bf-4440-a3ec-b059b9103157'],
});

/** Macie disabled, paused or detached from its administrator. */
export const macieDisabled = defineRule({
  id: 'macie.disabled',
  title: 'Amazon Macie disabled or paused',
  description:
    'Amazon Macie was disabled, paused, or detached from its administrator account, so sensitive-data discovery in S3 stops.',
  severity: 'MEDIUM',
  mitre: [mitre(TACTIC.defenseEvasion, 'T1562.001')],
  appliesTo: {
    eventSource: ['macie2.amazonaws.com', 'macie.amazonaws.com'],
    eventName: [
      'DisableMacie',
      'DisableOrganizationAdminAccount',
      'DisassociateFromAdministratorAccount',
      'DisassociateFromMasterAccount',
      'DisassociateMember',
      'DeleteMember',
      'UpdateMacieSession',
      'UpdateClassificationJob',
      'ArchiveFindings',
      'UpdateFindingsFilter',
    ],
  },
  evaluate: (e) => {
    if (!succeeded(e)) return false;
    const r = req(e);
    if (e.action === 'UpdateMacieSession') return r.status === 'PAUSED';
    if (e.action === 'UpdateClassificationJob')
      return r.jobStatus === 'CANCELLED' || r.jobStatus === 'USER_PAUSED';
    if (e.action === 'UpdateFindingsFilter') return r.action === 'ARCHIVE';
    return true;
  },
  equivalents: ['panther:AWS.Macie.Evasion'],
});

/** WAF removed from a load balancer, API or distribution. */
export const wafDisassociated = defineRule({
  id: 'waf.web-acl-disassociated',
  title: 'WAF web ACL removed from a resource',
  description:
    'A WAF web ACL was disassociated from a load balancer, API Gateway stage, CloudFront distribution or AppSync API, leaving it unprotected.',
  severity: 'HIGH',
  mitre: [mitre(TACTIC.defenseEvasion, 'T1562.004')],
  appliesTo: {
    eventSource: ['wafv2.amazonaws.com', 'waf-regional.amazonaws.com'],
    eventName: ['DisassociateWebACL'],
  },
  evaluate: (e) => succeeded(e),
  equivalents: ['panther:AWS.WAF.Disassociation'],
});

/** WAF rules deleted. */
export const wafDeleted = defineRule({
  id: 'waf.web-acl-deleted',
  title: 'WAF web ACL or rule group deleted',
  description: 'A WAF web ACL or rule group was deleted.',
  severity: 'MEDIUM',
  mitre: [mitre(TACTIC.defenseEvasion, 'T1562.004')],
  appliesTo: {
    eventSource: ['wafv2.amazonaws.com', 'waf-regional.amazonaws.com', 'waf.amazonaws.com'],
    eventName: ['DeleteWebACL', 'DeleteRuleGroup'],
  },
  evaluate: (e) => succeeded(e),
});

/** Inspector or IAM Access Analyzer turned off. */
export const scannersDisabled = defineRule({
  id: 'security.scanner-disabled',
  title: 'Inspector or IAM Access Analyzer turned off',
  description:
    'Amazon Inspector scanning was disabled or an IAM Access Analyzer was deleted, removing vulnerability or exposure findings.',
  severity: 'MEDIUM',
  mitre: [mitre(TACTIC.defenseEvasion, 'T1562.001')],
  appliesTo: {
    eventSource: ['inspector2.amazonaws.com', 'access-analyzer.amazonaws.com', 'detective.amazonaws.com'],
    eventName: ['Disable', 'DeleteAnalyzer', 'DeleteGraph', 'DisassociateMembership'],
  },
  evaluate: (e) => succeeded(e),
});

/** CloudWatch alarms deleted or silenced. */
export const alarmsSilenced = defineRule({
  id: 'cloudwatch.alarms-silenced',
  title: 'CloudWatch alarms deleted or their actions disabled',
  description:
    'CloudWatch alarms were deleted or their actions disabled, so monitored conditions no longer notify anyone.',
  severity: 'MEDIUM',
  mitre: [mitre(TACTIC.defenseEvasion, 'T1562.001')],
  appliesTo: {
    eventSource: ['monitoring.amazonaws.com'],
    eventName: ['DeleteAlarms', 'DisableAlarmActions'],
  },
  evaluate: (e) => succeeded(e),
});

export const rules = [
  securityHubDisabled,
  findingEvasion,
  macieDisabled,
  wafDisassociated,
  wafDeleted,
  scannersDisabled,
  alarmsSilenced,
];
