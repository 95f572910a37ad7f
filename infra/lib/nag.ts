import { Stack, Validations } from 'aws-cdk-lib';
// cdk-nag's own formatter of CloudFormation references, so finding ids match what it reports.
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import type { IConstruct } from 'constructs';

/** A cdk-nag rule (or one finding of it, `Rule[Finding]`) accepted on purpose, with the reason why. */
export interface Acknowledgment {
  id: string;
  reason: string;
}

/**
 * Acknowledges cdk-nag findings on a construct and everything under it (cdk-nag v3 reads CDK's
 * acknowledged-rules metadata). Every acknowledgment needs a reason a reviewer can check.
 */
export function acknowledge(scope: IConstruct, ...rules: Acknowledgment[]): void {
  for (const rule of rules) {
    if (rule.reason.trim().length < 20) throw new Error(`acknowledgment of ${rule.id} needs a real reason`);
    Validations.of(scope).acknowledge(rule);
  }
}

/**
 * The id of cdk-nag's AwsSolutions-IAM5 finding for one wildcard resource, as cdk-nag spells it
 * (`Resource::<Bucket1234.Arn>/processed/*`), so that an acknowledgment names exactly that resource.
 */
export function wildcardResourceFinding(scope: IConstruct, resource: string): string {
  return `AwsSolutions-IAM5[Resource::${flattenCfnReference(Stack.of(scope).resolve(resource))}]`;
}
