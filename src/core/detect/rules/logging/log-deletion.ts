import { defineRule, mitre, succeeded, TACTIC } from '../helpers.ts';

/** VPC flow logs deleted: network evidence stops. */
export const flowLogsDeleted = defineRule({
  id: 'vpc.flow-logs-deleted',
  title: 'VPC flow logs deleted',
  description:
    'VPC flow logs were deleted, so network traffic of the VPC, subnet or interface is no longer recorded.',
  severity: 'HIGH',
  mitre: [mitre(TACTIC.defenseEvasion, 'T1562.008')],
  appliesTo: { eventSource: ['ec2.amazonaws.com'], eventName: ['DeleteFlowLogs'] },
  evaluate: (e) => succeeded(e),
  equivalents: [
    'panther:AWS.VPCFlow.LogsDeleted',
    'panther:AWS.CloudTrail.SecurityConfigurationChange',
    'sigma:e386b9b5-af12-450e-afff-761730fb8a98',
  ],
});

/** Route 53 Resolver query logging removed: DNS evidence stops. */
export const dnsLogsDeleted = defineRule({
  id: 'route53resolver.query-logging-deleted',
  title: 'DNS query logging deleted',
  description:
    'A Route 53 Resolver query logging configuration was deleted or detached from a VPC, so DNS lookups are no longer logged.',
  severity: 'HIGH',
  mitre: [mitre(TACTIC.defenseEvasion, 'T1562.008')],
  appliesTo: {
    eventSource: ['route53resolver.amazonaws.com'],
    eventName: ['DeleteResolverQueryLogConfig', 'DisassociateResolverQueryLogConfig'],
  },
  evaluate: (e) => succeeded(e),
  equivalents: ['panther:AWS.CloudTrail.DNSLogsDeleted'],
});

/** CloudWatch log groups or streams deleted: evidence destroyed. */
export const logGroupDeleted = defineRule({
  id: 'logs.log-group-deleted',
  title: 'CloudWatch log group or stream deleted',
  description: 'A CloudWatch Logs log group or stream was deleted, destroying the log data it held.',
  severity: 'MEDIUM',
  mitre: [mitre(TACTIC.defenseEvasion, 'T1070')],
  appliesTo: { eventSource: ['logs.amazonaws.com'], eventName: ['DeleteLogGroup', 'DeleteLogStream'] },
  evaluate: (e) => succeeded(e),
});

/** Bedrock invocation logging removed: model use goes unrecorded. */
export const bedrockLoggingDeleted = defineRule({
  id: 'bedrock.invocation-logging-deleted',
  title: 'Bedrock model invocation logging deleted',
  description:
    'The Amazon Bedrock model invocation logging configuration was deleted, so prompts, responses and callers of models are no longer recorded.',
  severity: 'MEDIUM',
  mitre: [mitre(TACTIC.defenseEvasion, 'T1562.008')],
  appliesTo: {
    eventSource: ['bedrock.amazonaws.com'],
    eventName: ['DeleteModelInvocationLoggingConfiguration'],
  },
  evaluate: (e) => succeeded(e),
  equivalents: ['panther:AWS.Bedrock.DeleteModelInvocationLoggingConfiguration'],
});

export const rules = [flowLogsDeleted, dnsLogsDeleted, logGroupDeleted, bedrockLoggingDeleted];
