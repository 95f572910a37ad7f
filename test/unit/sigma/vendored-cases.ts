/**
 * One event that must fire and one that must not, for every vendored SigmaHQ rule, keyed by file name.
 * Events are CloudTrail-shaped (`ct()` fills the envelope every record carries). The near misses
 * change the one thing the rule looks at where the rule allows it.
 */

const ACCOUNT = '123456789012';

const alice = {
  type: 'IAMUser',
  principalId: 'AIDAEXAMPLEALICE0001',
  arn: `arn:aws:iam::${ACCOUNT}:user/alice`,
  accountId: ACCOUNT,
  accessKeyId: 'AKIAEXAMPLEALICE0001',
  userName: 'alice',
};

const assumedRole = {
  type: 'AssumedRole',
  principalId: 'AROAEXAMPLEDEPLOY001:deploy-session',
  arn: `arn:aws:sts::${ACCOUNT}:assumed-role/deploy/deploy-session`,
  accountId: ACCOUNT,
  accessKeyId: 'ASIAEXAMPLEDEPLOY001',
  sessionContext: {
    sessionIssuer: {
      type: 'Role',
      principalId: 'AROAEXAMPLEDEPLOY001',
      arn: `arn:aws:iam::${ACCOUNT}:role/deploy`,
      accountId: ACCOUNT,
      userName: 'deploy',
    },
    attributes: { creationDate: '2024-05-02T09:00:00Z', mfaAuthenticated: 'false' },
  },
};

const root = {
  type: 'Root',
  principalId: ACCOUNT,
  arn: `arn:aws:iam::${ACCOUNT}:root`,
  accountId: ACCOUNT,
  accessKeyId: 'ASIAEXAMPLEROOT00001',
};

const CLI = 'aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0 exe/x86_64.ubuntu.22 prompt/off command/x';

let counter = 0;

/** A CloudTrail record: the envelope with the given fields on top. */
export function ct(fields: Record<string, unknown>): Record<string, unknown> {
  counter++;
  const source = String(fields.eventSource ?? 'ec2.amazonaws.com');
  return {
    eventVersion: '1.09',
    userIdentity: alice,
    eventTime: '2024-05-02T10:15:00Z',
    eventSource: source,
    eventName: 'DescribeInstances',
    awsRegion: 'eu-west-1',
    sourceIPAddress: '198.51.100.23',
    userAgent: CLI,
    requestParameters: null,
    responseElements: null,
    requestID: `req-${counter}`,
    eventID: `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`,
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ACCOUNT,
    eventCategory: 'Management',
    tlsDetails: { tlsVersion: 'TLSv1.3', clientProvidedHostHeader: source },
    ...fields,
  };
}

const call = (eventSource: string, eventName: string, more: Record<string, unknown> = {}) =>
  ct({ eventSource, eventName, ...more });

export interface VendoredCase {
  match: Record<string, unknown>;
  miss: Record<string, unknown>;
  /** What the near miss shows, or a known gap of the rule on real CloudTrail. */
  note?: string;
}

const s3BrowserUa = 'S3 Browser/11.5.7 https://s3browser.com';
const templatedPolicy = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::<YOUR-BUCKET-NAME>/*'] }],
});
const realPolicy = templatedPolicy.replace('<YOUR-BUCKET-NAME>', 'prod-reports');

export const VENDORED_CASES: Record<string, VendoredCase> = {
  'aws_cloudtrail_bedrock_guardrail_deleted.yml': {
    match: call('bedrock.amazonaws.com', 'DeleteGuardrail', {
      requestParameters: { guardrailIdentifier: 'gr-1' },
    }),
    miss: call('bedrock.amazonaws.com', 'GetGuardrail', { readOnly: true }),
  },
  'aws_cloudtrail_bedrock_guardrail_updated.yml': {
    match: call('bedrock.amazonaws.com', 'UpdateGuardrail', {
      requestParameters: { guardrailIdentifier: 'gr-1' },
    }),
    miss: call('bedrock.amazonaws.com', 'CreateGuardrail'),
  },
  'aws_cloudtrail_bucket_deleted.yml': {
    match: call('s3.amazonaws.com', 'DeleteBucket', {
      requestParameters: { bucketName: 'old-logs', Host: 'old-logs.s3.amazonaws.com' },
    }),
    miss: call('s3.amazonaws.com', 'DeleteBucket', {
      requestParameters: { bucketName: 'old-logs' },
      errorCode: 'AccessDenied',
      errorMessage: 'Access Denied',
    }),
    note: 'a failed DeleteBucket is not reported',
  },
  'aws_cloudtrail_console_login_failed_authentication.yml': {
    match: call('signin.amazonaws.com', 'ConsoleLogin', {
      eventType: 'AwsConsoleSignIn',
      errorMessage: 'Failed authentication',
      responseElements: { ConsoleLogin: 'Failure' },
      additionalEventData: {
        LoginTo: 'https://console.aws.amazon.com/console/home',
        MobileVersion: 'No',
        MFAUsed: 'No',
      },
    }),
    miss: call('signin.amazonaws.com', 'ConsoleLogin', {
      eventType: 'AwsConsoleSignIn',
      responseElements: { ConsoleLogin: 'Success' },
      additionalEventData: { MFAUsed: 'Yes' },
    }),
  },
  'aws_cloudtrail_console_login_success_without_mfa.yml': {
    match: call('signin.amazonaws.com', 'ConsoleLogin', {
      eventType: 'AwsConsoleSignIn',
      responseElements: { ConsoleLogin: 'Success' },
      additionalEventData: {
        LoginTo: 'https://console.aws.amazon.com/console/home',
        MobileVersion: 'No',
        MFAUsed: 'No',
      },
    }),
    miss: call('signin.amazonaws.com', 'ConsoleLogin', {
      eventType: 'AwsConsoleSignIn',
      responseElements: { ConsoleLogin: 'Success' },
      additionalEventData: { MFAUsed: 'Yes' },
    }),
    note: 'the rule says MFAUsed "NO"; CloudTrail writes "No": matching is case-insensitive',
  },
  'aws_cloudtrail_disable_logging.yml': {
    match: call('cloudtrail.amazonaws.com', 'StopLogging', {
      requestParameters: { name: `arn:aws:cloudtrail:eu-west-1:${ACCOUNT}:trail/org-trail` },
    }),
    miss: call('cloudtrail.amazonaws.com', 'StartLogging'),
  },
  'aws_cloudtrail_guardduty_detector_deleted_or_updated.yml': {
    match: call('guardduty.amazonaws.com', 'UpdateDetector', {
      requestParameters: { detectorId: 'd1', enable: false },
    }),
    miss: call('guardduty.amazonaws.com', 'UpdateDetector', {
      requestParameters: { detectorId: 'd1', enable: true },
    }),
    note: 'a boolean false in the log matches the rule\'s string "false"',
  },
  'aws_cloudtrail_imds_malicious_usage.yml': {
    match: call('s3.amazonaws.com', 'ListBuckets', {
      userIdentity: {
        type: 'AssumedRole',
        principalId: 'AROAEXAMPLEEC2ROLE01:i-0abc1234def567890',
        arn: `arn:aws:sts::${ACCOUNT}:assumed-role/aws:ec2-instance/i-0abc1234def567890`,
        accountId: ACCOUNT,
      },
      sourceIPAddress: '203.0.113.77',
    }),
    miss: call('ssm.amazonaws.com', 'UpdateInstanceInformation', {
      userIdentity: {
        type: 'AssumedRole',
        arn: `arn:aws:sts::${ACCOUNT}:assumed-role/aws:ec2-instance/i-0abc1234def567890`,
      },
    }),
    note: 'instance credentials calling SSM are filtered out',
  },
  'aws_cloudtrail_new_acl_entries.yml': {
    match: call('ec2.amazonaws.com', 'CreateNetworkAclEntry', {
      requestParameters: {
        networkAclId: 'acl-1',
        ruleNumber: 100,
        egress: false,
        ruleAction: 'allow',
        cidrBlock: '0.0.0.0/0',
      },
    }),
    miss: call('ec2.amazonaws.com', 'DeleteNetworkAclEntry'),
  },
  'aws_cloudtrail_new_route_added.yml': {
    match: call('ec2.amazonaws.com', 'CreateRoute', {
      requestParameters: { routeTableId: 'rtb-1', destinationCidrBlock: '0.0.0.0/0' },
    }),
    miss: call('ec2.amazonaws.com', 'DeleteRoute'),
  },
  'aws_cloudtrail_pua_trufflehog.yml': {
    match: call('sts.amazonaws.com', 'GetCallerIdentity', { userAgent: 'TruffleHog', readOnly: true }),
    miss: call('sts.amazonaws.com', 'GetCallerIdentity', {
      userAgent: 'TruffleHog/3.63 (scanner)',
      readOnly: true,
    }),
    note: 'the rule wants the user agent to be exactly "TruffleHog"',
  },
  'aws_cloudtrail_region_enabled.yml': {
    match: call('account.amazonaws.com', 'EnableRegion', { requestParameters: { RegionName: 'af-south-1' } }),
    miss: call('account.amazonaws.com', 'DisableRegion', { requestParameters: { RegionName: 'af-south-1' } }),
  },
  'aws_cloudtrail_security_group_change_ingress_egress.yml': {
    match: call('ec2.amazonaws.com', 'AuthorizeSecurityGroupIngress', {
      requestParameters: {
        groupId: 'sg-1',
        ipPermissions: {
          items: [
            { ipProtocol: 'tcp', fromPort: 22, toPort: 22, ipRanges: { items: [{ cidrIp: '0.0.0.0/0' }] } },
          ],
        },
      },
    }),
    miss: call('ec2.amazonaws.com', 'DescribeSecurityGroups', { readOnly: true }),
  },
  'aws_cloudtrail_security_group_change_loadbalancer.yml': {
    match: call('elasticloadbalancing.amazonaws.com', 'SetSecurityGroups', {
      requestParameters: {
        loadBalancerArn: 'arn:aws:elasticloadbalancing:eu-west-1:1:loadbalancer/app/web/1',
        securityGroups: ['sg-2'],
      },
    }),
    miss: call('elasticloadbalancing.amazonaws.com', 'DescribeLoadBalancers', { readOnly: true }),
  },
  'aws_cloudtrail_security_group_change_rds.yml': {
    match: call('rds.amazonaws.com', 'CreateDBSecurityGroup', {
      requestParameters: { dBSecurityGroupName: 'db-sg' },
    }),
    miss: call('rds.amazonaws.com', 'DescribeDBSecurityGroups', { readOnly: true }),
  },
  'aws_cloudtrail_ssm_malicious_usage.yml': {
    match: call('ssm.amazonaws.com', 'SendCommand', {
      requestParameters: {
        documentName: 'AWS-RunShellScript',
        instanceIds: ['i-0abc'],
        parameters: 'HIDDEN_DUE_TO_SECURITY_REASONS',
      },
    }),
    miss: call('ssm.amazonaws.com', 'SendCommand', {
      errorCode: 'AccessDenied',
      errorMessage: 'User is not authorized',
    }),
  },
  'aws_cloudtrail_vpc_flow_logs_deleted.yml': {
    match: call('ec2.amazonaws.com', 'DeleteFlowLogs', {
      requestParameters: { DeleteFlowLogsRequest: { FlowLogId: { content: 'fl-1', tag: 1 } } },
    }),
    miss: call('ec2.amazonaws.com', 'DeleteFlowLogs', {
      errorCode: 'Client.UnauthorizedOperation',
      errorMessage: 'not authorized',
    }),
  },
  'aws_config_disable_recording.yml': {
    match: call('config.amazonaws.com', 'StopConfigurationRecorder', {
      requestParameters: { configurationRecorderName: 'default' },
    }),
    miss: call('config.amazonaws.com', 'StartConfigurationRecorder', {
      requestParameters: { configurationRecorderName: 'default' },
    }),
  },
  'aws_console_getsignintoken.yml': {
    match: call('signin.amazonaws.com', 'GetSigninToken', {
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/124.0 Safari/537.36',
      eventType: 'AwsConsoleSignIn',
    }),
    miss: call('signin.amazonaws.com', 'GetSigninToken', {
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the SSO portal's user agent holds this text literally
      userAgent: 'Jersey/${project.version} (HttpUrlConnection 17.0.10)',
      eventType: 'AwsConsoleSignIn',
    }),
    note: 'the AWS SSO portal user agent is filtered out',
  },
  'aws_delete_identity.yml': {
    match: call('ses.amazonaws.com', 'DeleteIdentity', {
      requestParameters: { identity: 'billing@example.com' },
    }),
    miss: call('ses.amazonaws.com', 'VerifyEmailIdentity'),
  },
  'aws_delete_saml_provider.yml': {
    match: call('iam.amazonaws.com', 'DeleteSAMLProvider', {
      requestParameters: { sAMLProviderArn: `arn:aws:iam::${ACCOUNT}:saml-provider/okta` },
      status: 'success',
    }),
    miss: call('iam.amazonaws.com', 'DeleteSAMLProvider', {
      requestParameters: { sAMLProviderArn: `arn:aws:iam::${ACCOUNT}:saml-provider/okta` },
    }),
    note: 'the rule requires a top-level "status" field that CloudTrail records do not have: it cannot fire on real CloudTrail',
  },
  'aws_disable_bucket_versioning.yml': {
    match: call('s3.amazonaws.com', 'PutBucketVersioning', {
      requestParameters: {
        bucketName: 'backups',
        Host: 'backups.s3.eu-west-1.amazonaws.com',
        versioning: '',
        VersioningConfiguration: { Status: 'Suspended', xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/' },
      },
    }),
    miss: call('s3.amazonaws.com', 'PutBucketVersioning', {
      requestParameters: {
        bucketName: 'backups',
        versioning: '',
        VersioningConfiguration: { Status: 'Enabled' },
      },
    }),
    note: 'requestParameters is an object: it is searched through its JSON and the strings inside it',
  },
  'aws_ec2_disable_encryption.yml': {
    match: call('ec2.amazonaws.com', 'DisableEbsEncryptionByDefault', {
      responseElements: { ebsEncryptionByDefault: false },
    }),
    miss: call('ec2.amazonaws.com', 'EnableEbsEncryptionByDefault', {
      responseElements: { ebsEncryptionByDefault: true },
    }),
  },
  'aws_ec2_import_key_pair_activity.yml': {
    match: call('ec2.amazonaws.com', 'ImportKeyPair', {
      requestParameters: { keyName: 'backdoor', publicKeyMaterial: 'c3NoLXJzYQ==' },
    }),
    miss: call('ec2.amazonaws.com', 'CreateKeyPair', { requestParameters: { keyName: 'ops' } }),
  },
  'aws_ec2_startup_script_change.yml': {
    match: call('ec2.amazonaws.com', 'ModifyInstanceAttribute', {
      requestParameters: { instanceId: 'i-0abc', attribute: 'userData', value: '<sensitiveDataRemoved>' },
    }),
    miss: call('ec2.amazonaws.com', 'ModifyInstanceAttribute', {
      requestParameters: { instanceId: 'i-0abc', attribute: 'instanceType', value: 'm5.large' },
    }),
    note: 'CloudTrail also logs `requestParameters.userData` without `attribute` (the Stratus ec2-user-data file): the rule misses that shape',
  },
  'aws_ec2_vm_export_failure.yml': {
    match: call('ec2.amazonaws.com', 'CreateInstanceExportTask', {
      requestParameters: { instanceId: 'i-0abc', targetEnvironment: 'vmware' },
      responseElements: { exportTask: { exportTaskId: 'export-i-1', state: 'active' } },
    }),
    miss: call('ec2.amazonaws.com', 'CreateInstanceExportTask', {
      errorCode: 'Client.AuthFailure',
      errorMessage: 'You are not authorized to perform this operation.',
    }),
    note: 'despite its title, the rule fires on a successful export (errors are filtered out)',
  },
  'aws_ecs_task_definition_cred_endpoint_query.yml': {
    match: call('ecs.amazonaws.com', 'RegisterTaskDefinition', {
      requestParameters: {
        family: 'tools',
        containerDefinitions: [
          {
            name: 'c',
            image: 'alpine',
            command: [
              '/bin/sh',
              '-c',
              'wget -qO- http://169.254.170.2$AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
            ],
          },
        ],
      },
    }),
    miss: call('ecs.amazonaws.com', 'RegisterTaskDefinition', {
      requestParameters: {
        family: 'web',
        containerDefinitions: [{ name: 'web', image: 'nginx', command: ['nginx', '-g', 'daemon off;'] }],
      },
    }),
  },
  'aws_efs_fileshare_modified_or_deleted.yml': {
    match: call('elasticfilesystem.amazonaws.com', 'DeleteFileSystem', {
      requestParameters: { fileSystemId: 'fs-1' },
    }),
    miss: call('elasticfilesystem.amazonaws.com', 'CreateFileSystem'),
  },
  'aws_efs_fileshare_mount_modified_or_deleted.yml': {
    match: call('elasticfilesystem.amazonaws.com', 'DeleteMountTarget', {
      requestParameters: { mountTargetId: 'fsmt-1' },
    }),
    miss: call('elasticfilesystem.amazonaws.com', 'CreateMountTarget'),
  },
  'aws_eks_cluster_created_or_deleted.yml': {
    match: call('eks.amazonaws.com', 'DeleteCluster', { requestParameters: { name: 'prod' } }),
    miss: call('eks.amazonaws.com', 'DescribeCluster', { readOnly: true }),
  },
  'aws_elasticache_security_group_created.yml': {
    match: call('elasticache.amazonaws.com', 'CreateCacheSecurityGroup', {
      requestParameters: { cacheSecurityGroupName: 'c' },
    }),
    miss: call('elasticache.amazonaws.com', 'DescribeCacheSecurityGroups', { readOnly: true }),
  },
  'aws_elasticache_security_group_modified_or_deleted.yml': {
    match: call('elasticache.amazonaws.com', 'AuthorizeCacheSecurityGroupIngress', {
      requestParameters: { cacheSecurityGroupName: 'c' },
    }),
    miss: call('elasticache.amazonaws.com', 'CreateCacheSecurityGroup', {
      requestParameters: { cacheSecurityGroupName: 'c' },
    }),
  },
  'aws_enum_buckets.yml': {
    match: call('s3.amazonaws.com', 'ListBuckets', { readOnly: true }),
    miss: call('s3.amazonaws.com', 'ListBuckets', { readOnly: true, userIdentity: assumedRole }),
    note: 'assumed roles are filtered out',
  },
  'aws_guardduty_disruption.yml': {
    match: call('guardduty.amazonaws.com', 'CreateIPSet', {
      requestParameters: {
        detectorId: 'd1',
        name: 'trusted',
        format: 'TXT',
        location: 'https://s3.amazonaws.com/x/ips.txt',
        activate: true,
      },
    }),
    miss: call('guardduty.amazonaws.com', 'ListIPSets', { readOnly: true }),
  },
  'aws_iam_backdoor_users_keys.yml': {
    match: call('iam.amazonaws.com', 'CreateAccessKey', {
      requestParameters: { userName: 'bob' },
      responseElements: {
        accessKey: { accessKeyId: 'AKIAEXAMPLEBOB000001', status: 'Active', userName: 'bob' },
      },
    }),
    miss: call('iam.amazonaws.com', 'DeleteAccessKey', {
      requestParameters: { userName: 'bob', accessKeyId: 'AKIAEXAMPLEBOB000001' },
    }),
    note: 'the filter compares the ARN with the literal text "responseElements.accessKey.userName" (no fieldref), so keys users create for themselves fire too',
  },
  'aws_iam_s3browser_loginprofile_creation.yml': {
    match: call('iam.amazonaws.com', 'CreateLoginProfile', {
      userAgent: s3BrowserUa,
      requestParameters: { userName: 'bob', passwordResetRequired: false },
    }),
    miss: call('iam.amazonaws.com', 'CreateLoginProfile', { requestParameters: { userName: 'bob' } }),
  },
  'aws_iam_s3browser_templated_s3_bucket_policy_creation.yml': {
    match: call('iam.amazonaws.com', 'PutUserPolicy', {
      userAgent: s3BrowserUa,
      requestParameters: { userName: 'bob', policyName: 'S3Access', policyDocument: templatedPolicy },
    }),
    miss: call('iam.amazonaws.com', 'PutUserPolicy', {
      userAgent: s3BrowserUa,
      requestParameters: { userName: 'bob', policyName: 'S3Access', policyDocument: realPolicy },
    }),
    note: 'the placeholder bucket name is what the rule looks for',
  },
  'aws_iam_s3browser_user_or_accesskey_creation.yml': {
    match: call('iam.amazonaws.com', 'CreateUser', {
      userAgent: s3BrowserUa,
      requestParameters: { userName: 'svc-backup' },
    }),
    miss: call('iam.amazonaws.com', 'CreateUser', {
      userAgent: 'AWS Internal',
      requestParameters: { userName: 'svc-backup' },
    }),
  },
  'aws_kms_import_key_material.yml': {
    match: call('kms.amazonaws.com', 'ImportKeyMaterial', {
      requestParameters: { keyId: 'k-1', expirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' },
    }),
    miss: call('kms.amazonaws.com', 'GetParametersForImport', { requestParameters: { keyId: 'k-1' } }),
  },
  'aws_lambda_function_url.yml': {
    match: call('lambda.amazonaws.com', 'CreateFunctionUrlConfig', {
      requestParameters: { functionName: 'api', authType: 'NONE' },
    }),
    miss: call('lambda.amazonaws.com', 'GetFunctionUrlConfig', {
      requestParameters: { functionName: 'api' },
    }),
    note: 'Lambda logs versioned names (CreateFunctionUrlConfig20211031); the rule compares the plain name exactly and misses those',
  },
  'aws_new_lambda_layer_attached.yml': {
    match: call('lambda.amazonaws.com', 'UpdateFunctionConfiguration20150331v2', {
      requestParameters: {
        functionName: 'api',
        layers: ['arn:aws:lambda:eu-west-1:999999999999:layer:ext:1'],
      },
    }),
    miss: call('lambda.amazonaws.com', 'UpdateFunctionConfiguration20150331v2', {
      requestParameters: { functionName: 'api', timeout: 30 },
    }),
  },
  'aws_passed_role_to_glue_development_endpoint.yml': {
    match: call('glue.amazonaws.com', 'CreateDevEndpoint', {
      requestParameters: { endpointName: 'dev', roleArn: `arn:aws:iam::${ACCOUNT}:role/admin` },
    }),
    miss: call('glue.amazonaws.com', 'GetDevEndpoints', { readOnly: true }),
  },
  'aws_rds_change_master_password.yml': {
    match: call('rds.amazonaws.com', 'ModifyDBInstance', {
      requestParameters: { dBInstanceIdentifier: 'prod', masterUserPassword: '****', applyImmediately: true },
      responseElements: {
        dBInstanceIdentifier: 'prod',
        pendingModifiedValues: { masterUserPassword: '****' },
      },
    }),
    miss: call('rds.amazonaws.com', 'ModifyDBInstance', {
      requestParameters: { dBInstanceIdentifier: 'prod', dBInstanceClass: 'db.m5.large' },
      responseElements: {
        dBInstanceIdentifier: 'prod',
        pendingModifiedValues: { dBInstanceClass: 'db.m5.large' },
      },
    }),
  },
  'aws_rds_dbcluster_actions.yml': {
    match: call('rds.amazonaws.com', 'DeleteDBCluster', {
      requestParameters: { dBClusterIdentifier: 'aurora-prod', skipFinalSnapshot: true },
    }),
    miss: call('rds.amazonaws.com', 'DescribeDBClusters', { readOnly: true }),
  },
  'aws_rds_public_db_restore.yml': {
    match: call('rds.amazonaws.com', 'RestoreDBInstanceFromDBSnapshot', {
      requestParameters: {
        dBInstanceIdentifier: 'copy',
        dBSnapshotIdentifier: 'snap',
        publiclyAccessible: true,
      },
      responseElements: { dBInstanceIdentifier: 'copy', publiclyAccessible: true },
    }),
    miss: call('rds.amazonaws.com', 'RestoreDBInstanceFromDBSnapshot', {
      requestParameters: { dBInstanceIdentifier: 'copy', dBSnapshotIdentifier: 'snap' },
      responseElements: { dBInstanceIdentifier: 'copy', publiclyAccessible: false },
    }),
  },
  'aws_root_account_usage.yml': {
    match: call('iam.amazonaws.com', 'ListUsers', { userIdentity: root, readOnly: true }),
    miss: call('health.amazonaws.com', 'HealthEvent', { userIdentity: root, eventType: 'AwsServiceEvent' }),
    note: 'service events on behalf of root are filtered out',
  },
  'aws_route_53_domain_transferred_lock_disabled.yml': {
    match: call('route53.amazonaws.com', 'DisableDomainTransferLock', {
      requestParameters: { domainName: 'example.com' },
    }),
    miss: call('route53.amazonaws.com', 'EnableDomainTransferLock', {
      requestParameters: { domainName: 'example.com' },
    }),
    note: 'Route 53 Domains calls are logged with eventSource route53domains.amazonaws.com; the rule names route53.amazonaws.com',
  },
  'aws_route_53_domain_transferred_to_another_account.yml': {
    match: call('route53.amazonaws.com', 'TransferDomainToAnotherAwsAccount', {
      requestParameters: { domainName: 'example.com', accountId: '999999999999' },
    }),
    miss: call('route53.amazonaws.com', 'AcceptDomainTransferFromAnotherAwsAccount', {
      requestParameters: { domainName: 'example.com' },
    }),
  },
  'aws_s3_data_management_tampering.yml': {
    match: call('s3.amazonaws.com', 'PutBucketLogging', {
      requestParameters: { bucketName: 'data', BucketLoggingStatus: '' },
    }),
    miss: call('s3.amazonaws.com', 'GetBucketLogging', { readOnly: true }),
  },
  'aws_securityhub_finding_evasion.yml': {
    match: call('securityhub.amazonaws.com', 'BatchUpdateFindings', {
      requestParameters: { Workflow: { Status: 'SUPPRESSED' }, FindingIdentifiers: [{ Id: 'f-1' }] },
    }),
    miss: call('securityhub.amazonaws.com', 'GetFindings', { readOnly: true }),
  },
  'aws_snapshot_backup_exfiltration.yml': {
    match: call('ec2.amazonaws.com', 'ModifySnapshotAttribute', {
      requestParameters: {
        snapshotId: 'snap-1',
        attributeType: 'CREATE_VOLUME_PERMISSION',
        createVolumePermission: { add: { items: [{ userId: '999999999999' }] } },
      },
    }),
    miss: call('ec2.amazonaws.com', 'DescribeSnapshotAttribute', { readOnly: true }),
  },
  'aws_sso_idp_change.yml': {
    match: call('sso-directory.amazonaws.com', 'EnableExternalIdPConfigurationForDirectory'),
    miss: call('sso.amazonaws.com', 'ListInstances', { readOnly: true }),
  },
  'aws_sts_assumerole_misuse.yml': {
    match: call('s3.amazonaws.com', 'GetObject', { userIdentity: assumedRole, readOnly: true }),
    miss: call('s3.amazonaws.com', 'GetObject', { readOnly: true }),
  },
  'aws_sts_getcalleridentity_trufflehog.yml': {
    match: call('sts.amazonaws.com', 'GetCallerIdentity', { userAgent: 'TruffleHog', readOnly: true }),
    miss: call('sts.amazonaws.com', 'GetCallerIdentity', { readOnly: true }),
  },
  'aws_sts_getsessiontoken_misuse.yml': {
    match: call('sts.amazonaws.com', 'GetSessionToken', { readOnly: true }),
    miss: call('sts.amazonaws.com', 'GetSessionToken', { readOnly: true, userIdentity: root }),
  },
  'aws_susp_saml_activity.yml': {
    match: call('sts.amazonaws.com', 'AssumeRoleWithSAML', {
      userIdentity: { type: 'SAMLUser', principalId: 'x:alice@example.com', userName: 'alice@example.com' },
    }),
    miss: call('sts.amazonaws.com', 'AssumeRoleWithWebIdentity', {
      userIdentity: { type: 'WebIdentityUser' },
    }),
  },
  'aws_update_login_profile.yml': {
    match: call('iam.amazonaws.com', 'UpdateLoginProfile', {
      requestParameters: { userName: 'bob', passwordResetRequired: false },
    }),
    miss: call('iam.amazonaws.com', 'GetLoginProfile', {
      requestParameters: { userName: 'bob' },
      readOnly: true,
    }),
  },
};
