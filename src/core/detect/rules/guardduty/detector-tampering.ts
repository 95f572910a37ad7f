import { at, defineRule, mitre, req, succeeded, TACTIC } from '../helpers.ts';

const GD = ['guardduty.amazonaws.com'];

/** GuardDuty detector deleted or suspended. */
export const detectorDisabled = defineRule({
  id: 'guardduty.detector-disabled',
  title: 'GuardDuty detector deleted or suspended',
  description:
    'A GuardDuty detector was deleted or set to disabled, so threat detection in that region stops.',
  severity: 'HIGH',
  mitre: [mitre(TACTIC.defenseEvasion, 'T1562.001')],
  appliesTo: { eventSource: GD, eventName: ['DeleteDetector', 'UpdateDetector'] },
  evaluate: (e) => succeeded(e) && (e.action === 'DeleteDetector' || req(e).enable === false),
  equivalents: [
    'sigma:d2656e78-c069-4571-8220-9e0ab5913f19',
    'panther:AWS.CloudTrail.SecurityConfigurationChange',
  ],
});

/** Trusted IP lists and threat lists decide what GuardDuty and WAF ignore. */
export const ipSetModified = defineRule({
  id: 'guardduty.trusted-ip-list-changed',
  title: 'GuardDuty or WAF IP set created or changed',
  description:
    'A trusted IP list or threat list was created or changed. Addresses on a GuardDuty trusted list raise no findings, so an attacker adds their own.',
  severity: 'HIGH',
  mitre: [mitre(TACTIC.defenseEvasion, 'T1562.001')],
  appliesTo: {
    eventSource: [
      'guardduty.amazonaws.com',
      'wafv2.amazonaws.com',
      'waf.amazonaws.com',
      'waf-regional.amazonaws.com',
    ],
    eventName: ['CreateIPSet', 'UpdateIPSet', 'CreateThreatIntelSet', 'UpdateThreatIntelSet'],
  },
  evaluate: (e) => succeeded(e),
  equivalents: ['panther:AWS.IPSet.Modified', 'sigma:6e61ee20-ce00-4f8d-8aee-bedd8216f7e3'],
});

/** Member accounts taken out of the organization's GuardDuty. */
export const membersRemoved = defineRule({
  id: 'guardduty.member-disassociated',
  title: 'GuardDuty member account disassociated',
  description:
    'A GuardDuty member was removed from, or stopped reporting to, the administrator account, so its findings no longer reach the security team.',
  severity: 'HIGH',
  mitre: [mitre(TACTIC.defenseEvasion, 'T1562.001')],
  appliesTo: {
    eventSource: GD,
    eventName: [
      'DisassociateFromMasterAccount',
      'DisassociateFromAdministratorAccount',
      'DisassociateMembers',
      'DeleteMembers',
      'StopMonitoringMembers',
    ],
  },
  evaluate: (e) => succeeded(e),
});

/** A filter that auto-archives findings hides them from the console and integrations. */
export const autoArchiveFilter = defineRule({
  id: 'guardduty.auto-archive-filter',
  title: 'GuardDuty findings auto-archived by a new filter',
  description:
    'A GuardDuty filter with the ARCHIVE action was created or updated: matching findings are archived as they arrive.',
  severity: 'HIGH',
  mitre: [mitre(TACTIC.defenseEvasion, 'T1562.001')],
  appliesTo: { eventSource: GD, eventName: ['CreateFilter', 'UpdateFilter'] },
  evaluate: (e) => succeeded(e) && String(at(req(e), 'action') ?? '').toUpperCase() === 'ARCHIVE',
});

/** Findings export destination removed. */
export const publishingDestinationDeleted = defineRule({
  id: 'guardduty.publishing-destination-deleted',
  title: 'GuardDuty findings export destination deleted',
  description:
    'A GuardDuty publishing destination was deleted, so findings are no longer exported to S3 for retention.',
  severity: 'MEDIUM',
  mitre: [mitre(TACTIC.defenseEvasion, 'T1562.001')],
  appliesTo: { eventSource: GD, eventName: ['DeletePublishingDestination'] },
  evaluate: (e) => succeeded(e),
});

export const rules = [
  detectorDisabled,
  ipSetModified,
  membersRemoved,
  autoArchiveFilter,
  publishingDestinationDeleted,
];
