import { defineRule, mitre, succeeded, TACTIC, viaAwsService } from '../helpers.ts';

/** Domains moved out of the account or unlocked for transfer. */
export const domainTransfer = defineRule({
  id: 'route53.domain-transfer',
  title: 'Route 53 domain transfer lock removed or domain transferred',
  description:
    'The transfer lock of a registered domain was disabled, or the domain was transferred to another AWS account: the first steps of a domain hijack.',
  severity: 'HIGH',
  mitre: [mitre(TACTIC.impact, 'T1531'), mitre(TACTIC.persistence, 'T1098')],
  appliesTo: {
    eventSource: ['route53domains.amazonaws.com', 'route53.amazonaws.com'],
    eventName: ['DisableDomainTransferLock', 'TransferDomainToAnotherAwsAccount'],
  },
  evaluate: (e) => succeeded(e),
  equivalents: ['sigma:3940b5f1-3f46-44aa-b746-ebe615b879e0', 'sigma:b056de1a-6e6e-4e40-a67e-97c9808cf41b'],
});

/** EFS file systems or mount targets deleted. */
export const efsDeleted = defineRule({
  id: 'efs.file-system-deleted',
  title: 'EFS file system or mount target deleted',
  description: 'An EFS file system or one of its mount targets was deleted.',
  severity: 'MEDIUM',
  mitre: [mitre(TACTIC.impact, 'T1485')],
  appliesTo: {
    eventSource: ['elasticfilesystem.amazonaws.com'],
    eventName: ['DeleteFileSystem', 'DeleteMountTarget'],
  },
  evaluate: (e) => succeeded(e),
  equivalents: ['sigma:25cb1ba1-8a19-4a23-a198-d252664c8cef', 'sigma:6a7ba45c-63d8-473e-9736-2eaabff79964'],
});

/** EKS clusters created or deleted. */
export const eksCluster = defineRule({
  id: 'eks.cluster-created-or-deleted',
  title: 'EKS cluster created or deleted',
  description: 'An EKS cluster was created or deleted.',
  severity: 'LOW',
  mitre: [mitre(TACTIC.impact, 'T1485'), mitre(TACTIC.execution, 'T1610')],
  appliesTo: { eventSource: ['eks.amazonaws.com'], eventName: ['CreateCluster', 'DeleteCluster'] },
  evaluate: (e) => succeeded(e),
  equivalents: ['sigma:33d50d03-20ec-4b74-a74e-1e65a38af1c0'],
});

/** ElastiCache security groups changed. */
export const elasticacheSecurityGroup = defineRule({
  id: 'elasticache.security-group-changed',
  title: 'ElastiCache security group changed',
  description: 'An ElastiCache security group was created, deleted, or had ingress/egress changed.',
  severity: 'LOW',
  mitre: [mitre(TACTIC.persistence, 'T1136'), mitre(TACTIC.defenseEvasion, 'T1562.007')],
  appliesTo: {
    eventSource: ['elasticache.amazonaws.com'],
    eventName: [
      'CreateCacheSecurityGroup',
      'DeleteCacheSecurityGroup',
      'AuthorizeCacheSecurityGroupIngress',
      'RevokeCacheSecurityGroupIngress',
      'AuthorizeCacheSecurityGroupEgress',
      'RevokeCacheSecurityGroupEgress',
    ],
  },
  evaluate: (e) => succeeded(e),
  equivalents: ['sigma:4ae68615-866f-4304-b24b-ba048dfa5ca7', 'sigma:7c797da2-9cf2-4523-ba64-33b06339f0cc'],
});

/** Load balancer security groups changed. */
export const elbSecurityGroups = defineRule({
  id: 'elb.security-groups-changed',
  title: 'Load balancer security groups changed',
  description: 'The security groups of a load balancer were replaced.',
  severity: 'LOW',
  mitre: [mitre(TACTIC.defenseEvasion, 'T1562.007')],
  appliesTo: {
    eventSource: ['elasticloadbalancing.amazonaws.com'],
    eventName: ['ApplySecurityGroupsToLoadBalancer', 'SetSecurityGroups'],
  },
  evaluate: (e) => succeeded(e),
  equivalents: ['sigma:7a4409fc-f8ca-45f6-8006-127d779eaad9'],
});

/** Glue development endpoints run with a passed role: a privilege escalation path. */
export const glueDevEndpoint = defineRule({
  id: 'glue.dev-endpoint-changed',
  title: 'Glue development endpoint created or changed',
  description:
    'A Glue development endpoint was created, updated or deleted. Creating one passes a role to a machine the caller can SSH into: a privilege escalation path.',
  severity: 'MEDIUM',
  mitre: [mitre(TACTIC.privilegeEscalation, 'T1548')],
  appliesTo: {
    eventSource: ['glue.amazonaws.com'],
    eventName: ['CreateDevEndpoint', 'DeleteDevEndpoint', 'UpdateDevEndpoint'],
  },
  evaluate: (e) => succeeded(e),
  equivalents: ['sigma:4990c2e3-f4b8-45e3-bc3c-30b14ff0ed26'],
});

/** SES identities deleted (covering tracks after abuse). */
export const sesIdentityDeleted = defineRule({
  id: 'ses.identity-deleted',
  title: 'SES identity deleted',
  description:
    'A verified SES e-mail identity or domain was deleted; spammers delete identities after abusing them.',
  severity: 'MEDIUM',
  mitre: [mitre(TACTIC.defenseEvasion, 'T1070')],
  appliesTo: { eventSource: ['ses.amazonaws.com'], eventName: ['DeleteIdentity', 'DeleteEmailIdentity'] },
  evaluate: (e) => succeeded(e),
  equivalents: ['sigma:20f754db-d025-4a8f-9d74-e0037e999a9a'],
});

/** SES reconnaissance: how much mail can we send, and from which identities? */
export const sesSendingEnabled = defineRule({
  id: 'ses.sending-status-checked',
  title: 'SES sending status checked',
  description:
    'Someone checked whether SES sending is enabled: a first step of phishing or spam from a compromised account.',
  severity: 'LOW',
  mitre: [mitre(TACTIC.discovery, 'T1526')],
  appliesTo: { eventSource: ['ses.amazonaws.com'], eventName: ['GetAccountSendingEnabled', 'GetAccount'] },
  evaluate: (e) => succeeded(e) && !viaAwsService(e),
  equivalents: ['panther:AWS.CloudTrail.SES.CheckSESSendingEnabled'],
});

export const sesSendQuota = defineRule({
  id: 'ses.send-quota-checked',
  title: 'SES send quota checked',
  description: 'Someone checked how many e-mails SES may send (Trusted Advisor checks excluded).',
  severity: 'LOW',
  mitre: [mitre(TACTIC.discovery, 'T1526')],
  appliesTo: { eventSource: ['ses.amazonaws.com'], eventName: ['GetSendQuota'] },
  evaluate: (e) =>
    succeeded(e) && !/trustedadvisor/i.test(`${e.userAgent} ${e.sourceIp} ${e.principal.arn ?? ''}`),
  equivalents: ['panther:AWS.CloudTrail.SES.CheckSendQuota'],
});

export const sesIdentitiesListed = defineRule({
  id: 'ses.identities-listed',
  title: 'SES identities listed',
  description: 'The verified SES identities (addresses and domains that can send) were listed.',
  severity: 'LOW',
  mitre: [mitre(TACTIC.discovery, 'T1526')],
  appliesTo: { eventSource: ['ses.amazonaws.com'], eventName: ['ListIdentities', 'ListEmailIdentities'] },
  evaluate: (e) => succeeded(e) && !viaAwsService(e),
  equivalents: ['panther:AWS.CloudTrail.SES.ListIdentities'],
});

export const sesVerificationChecked = defineRule({
  id: 'ses.identity-verification-checked',
  title: 'SES identity verification checked',
  description: 'The verification status of SES identities was read: which senders are usable.',
  severity: 'LOW',
  mitre: [mitre(TACTIC.discovery, 'T1526')],
  appliesTo: { eventSource: ['ses.amazonaws.com'], eventName: ['GetIdentityVerificationAttributes'] },
  evaluate: (e) => succeeded(e) && !viaAwsService(e),
  equivalents: ['panther:AWS.CloudTrail.SES.CheckIdentityVerifications'],
});

export const rules = [
  domainTransfer,
  efsDeleted,
  eksCluster,
  elasticacheSecurityGroup,
  elbSecurityGroups,
  glueDevEndpoint,
  sesIdentityDeleted,
  sesSendingEnabled,
  sesSendQuota,
  sesIdentitiesListed,
  sesVerificationChecked,
];
