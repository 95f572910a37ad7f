import type { ProcessedEvent } from '../../../event.ts';
import type { Rule } from '../../rule.ts';
import {
  actor,
  at,
  defineRule,
  grantedAccounts,
  isForeignAccount,
  mitre,
  policyIsPublic,
  req,
  str,
  succeeded,
  TACTIC,
} from '../helpers.ts';

/** Where each service carries the resource policy in its request. */
const POLICY_LOCATIONS: {
  service: string;
  actions: string[];
  policy: (e: ProcessedEvent) => unknown;
  what: string;
}[] = [
  {
    service: 'ecr.amazonaws.com',
    actions: ['SetRepositoryPolicy'],
    policy: (e) => req(e).policyText,
    what: 'ECR repository',
  },
  {
    service: 'es.amazonaws.com',
    actions: [
      'CreateElasticsearchDomain',
      'UpdateElasticsearchDomainConfig',
      'CreateDomain',
      'UpdateDomainConfig',
    ],
    policy: (e) => req(e).accessPolicies,
    what: 'OpenSearch domain',
  },
  {
    service: 'kms.amazonaws.com',
    actions: ['PutKeyPolicy', 'CreateKey'],
    policy: (e) => req(e).policy,
    what: 'KMS key',
  },
  {
    service: 'glacier.amazonaws.com',
    actions: ['SetVaultAccessPolicy'],
    policy: (e) => at(req(e), 'policy.policy'),
    what: 'Glacier vault',
  },
  {
    service: 'sns.amazonaws.com',
    actions: ['SetTopicAttributes', 'CreateTopic'],
    policy: (e) =>
      req(e).attributeName === 'Policy' ? req(e).attributeValue : at(req(e), 'attributes.Policy'),
    what: 'SNS topic',
  },
  {
    service: 'sqs.amazonaws.com',
    actions: ['SetQueueAttributes', 'CreateQueue'],
    policy: (e) => at(req(e), 'attributes.Policy'),
    what: 'SQS queue',
  },
  {
    service: 'secretsmanager.amazonaws.com',
    actions: ['PutResourcePolicy'],
    policy: (e) => req(e).resourcePolicy,
    what: 'secret',
  },
  {
    service: 'lambda.amazonaws.com',
    actions: ['AddLayerVersionPermission'],
    policy: (e) =>
      req(e).principal === '*' ? '{"Statement":[{"Effect":"Allow","Principal":"*"}]}' : undefined,
    what: 'Lambda layer',
  },
];

function locate(e: ProcessedEvent) {
  return POLICY_LOCATIONS.find((l) => l.service === e.service && l.actions.includes(e.action));
}

/** Resource policies (ECR, OpenSearch, KMS, Glacier, SNS, SQS, Secrets Manager) opened to everyone. */
export const resourcePolicyPublic: Rule = defineRule({
  id: 'resource-policy.made-public',
  title: 'Resource policy grants access to anyone',
  description:
    'The resource policy of an ECR repository, OpenSearch domain, KMS key, Glacier vault, SNS topic, SQS queue, secret or Lambda layer now allows any principal, with no condition narrowing it.',
  severity: 'HIGH',
  mitre: [mitre(TACTIC.exfiltration, 'T1537')],
  appliesTo: {
    eventSource: [...new Set(POLICY_LOCATIONS.map((l) => l.service))],
    eventName: [...new Set(POLICY_LOCATIONS.flatMap((l) => l.actions))],
  },
  evaluate: (e) => {
    const where = locate(e);
    if (!where || !succeeded(e)) return false;
    if (!policyIsPublic(where.policy(e))) return false;
    return { explanation: `${actor(e)} made a ${where.what} public with ${e.action}.` };
  },
  equivalents: ['panther:AWS.CloudTrail.ResourceMadePublic'],
});

/** Resource policies granting a foreign account. */
export const resourcePolicyForeign: Rule = defineRule({
  id: 'resource-policy.grants-external-account',
  title: 'Resource policy grants access to another account',
  description:
    'The resource policy of a KMS key, secret, queue, topic, repository or vault now grants access to an AWS account that is not yours.',
  severity: 'MEDIUM',
  mitre: [mitre(TACTIC.exfiltration, 'T1537'), mitre(TACTIC.persistence, 'T1098')],
  appliesTo: {
    eventSource: [...new Set(POLICY_LOCATIONS.map((l) => l.service))],
    eventName: [...new Set(POLICY_LOCATIONS.flatMap((l) => l.actions))],
  },
  evaluate: (e, ctx) => {
    const where = locate(e);
    if (!where || !succeeded(e)) return false;
    const accounts = grantedAccounts(where.policy(e)).filter((a) => isForeignAccount(a, e, ctx));
    return (
      accounts.length > 0 && {
        explanation: `${actor(e)} granted account(s) ${accounts.join(', ')} access to a ${where.what}.`,
        evidence: { grantedAccounts: accounts },
      }
    );
  },
});

/** CodeBuild projects made public expose build output and environment. */
export const codebuildPublic: Rule = defineRule({
  id: 'codebuild.project-made-public',
  title: 'CodeBuild project made public',
  description:
    'A CodeBuild project was made publicly readable: its build logs and artifacts can be seen by anyone, and they often contain secrets.',
  severity: 'HIGH',
  mitre: [mitre(TACTIC.exfiltration, 'T1567')],
  appliesTo: { eventSource: ['codebuild.amazonaws.com'], eventName: ['UpdateProjectVisibility'] },
  evaluate: (e) => succeeded(e) && str(req(e).projectVisibility) === 'PUBLIC_READ',
  equivalents: ['panther:AWS.CloudTrail.CodebuildProjectMadePublic'],
});

/** SSM documents shared with everyone. */
export const ssmDocumentPublic: Rule = defineRule({
  id: 'ssm.document-made-public',
  title: 'SSM document shared publicly',
  description:
    'A Systems Manager document was shared with all accounts; scripts and embedded values become readable by anyone.',
  severity: 'HIGH',
  mitre: [mitre(TACTIC.exfiltration, 'T1537')],
  appliesTo: { eventSource: ['ssm.amazonaws.com'], eventName: ['ModifyDocumentPermission'] },
  evaluate: (e) =>
    succeeded(e) &&
    JSON.stringify(req(e).accountIdsToAdd ?? [])
      .toLowerCase()
      .includes('all'),
});

export const rules = [resourcePolicyPublic, resourcePolicyForeign, codebuildPublic, ssmDocumentPublic];
