import type { Rule } from '../rule.ts';
import type { ThresholdRule } from '../threshold/threshold-rule.ts';
import { rules as bedrock } from './bedrock/model-abuse.ts';
import { rules as trail } from './cloudtrail/trail-tampering.ts';
import { rules as config } from './config/config-recorder.ts';
import { rules as ec2Instances } from './ec2/instances.ts';
import { rules as ec2Network } from './ec2/network.ts';
import { rules as ec2Sharing } from './ec2/sharing.ts';
import { rules as guardduty } from './guardduty/detector-tampering.ts';
import { rules as iamCredentials } from './iam/credentials.ts';
import { rules as iamPolicies } from './iam/policies.ts';
import { rules as kms } from './kms/key-destruction.ts';
import { rules as lambda } from './lambda/function-backdoors.ts';
import { rules as logging } from './logging/log-deletion.ts';
import { rules as organizations } from './organizations/organization.ts';
import { rules as rds } from './rds/database-exposure.ts';
import { rules as root } from './root/root-activity.ts';
import { rules as s3Exposure } from './s3/bucket-exposure.ts';
import { rules as s3Protection } from './s3/bucket-protection.ts';
import { rules as s3Ransomware } from './s3/ransomware.ts';
import { rules as secrets } from './secretsmanager/secret-retrieval.ts';
import { rules as securityServices } from './securityhub/security-services.ts';
import { rules as otherServices } from './services/other-services.ts';
import { rules as resourcePolicies } from './services/resource-made-public.ts';
import { rules as signin } from './signin/console-signin.ts';
import { rules as ssm } from './ssm/remote-execution.ts';
import { rules as sts } from './sts/token-abuse.ts';
import { thresholds as authBursts } from './threshold/auth-bursts.ts';
import { thresholds as dataBursts } from './threshold/data-access-bursts.ts';
import { thresholds as discoveryBursts } from './threshold/discovery-bursts.ts';
import { rules as vpce } from './vpce/vpc-endpoint.ts';

/** Every built-in single-event rule, by area. */
export const BUILTIN_RULES: readonly Rule[] = [
  ...trail,
  ...config,
  ...guardduty,
  ...securityServices,
  ...logging,
  ...iamCredentials,
  ...iamPolicies,
  ...sts,
  ...signin,
  ...root,
  ...ec2Sharing,
  ...ec2Network,
  ...ec2Instances,
  ...s3Exposure,
  ...s3Protection,
  ...s3Ransomware,
  ...resourcePolicies,
  ...kms,
  ...lambda,
  ...ssm,
  ...secrets,
  ...rds,
  ...organizations,
  ...bedrock,
  ...otherServices,
  ...vpce,
];

/** Every built-in threshold rule (counted over a time window per principal, address or resource). */
export const BUILTIN_THRESHOLDS: readonly ThresholdRule[] = [
  ...authBursts,
  ...discoveryBursts,
  ...dataBursts,
];
