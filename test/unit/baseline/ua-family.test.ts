import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { uaFamily } from '../../../src/core/detect/baseline/ua-family.ts';

describe('uaFamily', () => {
  const cases: [string, string][] = [
    // Real agents from examples/cloudtrail and the Stratus detonation logs.
    [
      'APN/1.0 HashiCorp/1.0 Terraform/1.1.2 (+https://www.terraform.io) terraform-provider-aws/3.76.1 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go/1.44.157 (go1.19.3; linux; amd64) HashiCorp-terraform-exec/0.17.3',
      'terraform',
    ],
    [
      'APN/1.0 HashiCorp/1.0 Terraform/1.1.2 (+https://www.terraform.io) terraform-provider-aws/3.76.1 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go/1.44.157 (go1.19.3; linux; amd64) stratus-red-team_11a6ef34-e130-4579-a1d3-79c915cee6ec HashiCorp-terraform-exec/0.17.3',
      'stratus-red-team',
    ],
    ['[Boto3/1.26.165 Python/3.10.6 Linux/5.19.0-46-generic Botocore/1.29.165]', 'boto3'],
    ['Boto3/1.26.165 Python/3.10.6 Linux/5.19.0-46-generic Botocore/1.29.165', 'boto3'],
    ['Botocore/1.29.165 Python/3.10.6 Linux/5.19.0-46-generic', 'botocore'],
    [
      '[S3Console/0.4, aws-internal/3 aws-sdk-java/1.12.488 Linux/5.10.184-153.731.amzn2int.x86_64 OpenJDK_64-Bit_Server_VM/25.372-b08 java/1.8.0_372 vendor/Oracle_Corporation cfg/retry-mode/standard]',
      'aws-console',
    ],
    ['aws-sdk-go/1.41.4 (go1.18.3; linux; amd64) amazon-ssm-agent/', 'ssm-agent'],
    [
      'aws-sdk-go-v2/1.18.0 os/linux lang/go/1.19.8 md/GOOS/linux md/GOARCH/amd64 api/iam/1.19.12',
      'sdk-go-v2',
    ],
    [
      'aws-cli/2.13.4 Python/3.11.4 Linux/5.19.0-46-generic exe/x86_64.ubuntu.22 prompt/off command/iam.get-user',
      'aws-cli',
    ],
    ['aws-cli/2.15.0 Python/3.11.6 Linux/6.5.0-kali3-amd64 exe/x86_64.kali.2023 prompt/off', 'kali-linux'],
    ['Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:102.0) Gecko/20100101 Firefox/102.0', 'browser'],
    ['signin.amazonaws.com', 'aws-console'],
    ['secretsmanager.amazonaws.com', 'aws-service'],
    ['AWS Internal', 'aws-internal'],
    ['curl/8.4.0', 'curl'],
    ['python-requests/2.31.0', 'python-requests'],
    ['', 'unknown'],
    ['my-homegrown-tool/1.0', 'other'],
  ];
  for (const [ua, family] of cases) {
    it(`${family} ← ${ua.slice(0, 60)}`, () => assert.equal(uaFamily(ua), family));
  }

  it('ignores versions: an upgrade is the same family', () => {
    assert.equal(uaFamily('aws-cli/1.18.69 Python/2.7.18'), uaFamily('aws-cli/2.13.4 Python/3.11.4'));
  });
});
