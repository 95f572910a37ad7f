import type { Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';

/** Prefixes of cross-region inference profiles (`us.anthropic…`, `eu.amazon…`, `global.…`). */
const PROFILE_PREFIX = /^(us|eu|apac|ca|jp|au|us-gov|global)\./;

/**
 * The IAM statement that lets a function call one Bedrock model, and nothing else.
 *
 * The Converse API is authorized by `bedrock:InvokeModel` (there is no separate Converse action).
 * A plain model id maps to one foundation-model ARN in the stack's region. A cross-region inference
 * profile id needs the profile ARN and the underlying model in the regions the profile routes to,
 * which AWS does not let us enumerate at synth time, hence the region wildcard on that one model.
 */
export function bedrockInvokeStatement(stack: Stack, modelId: string): PolicyStatement {
  const profile = PROFILE_PREFIX.exec(modelId);
  const resources = profile
    ? [
        `arn:${stack.partition}:bedrock:${stack.region}:${stack.account}:inference-profile/${modelId}`,
        `arn:${stack.partition}:bedrock:*::foundation-model/${modelId.slice(profile[0].length)}`,
      ]
    : [`arn:${stack.partition}:bedrock:${stack.region}::foundation-model/${modelId}`];
  return new PolicyStatement({ actions: ['bedrock:InvokeModel'], resources });
}
