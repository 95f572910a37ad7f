import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { actionClass } from '../../../src/core/detect/baseline/action-class.ts';

describe('actionClass', () => {
  it('tells sign-in, listing, reading, administration and other writes apart', () => {
    assert.equal(actionClass('signin.amazonaws.com', 'ConsoleLogin', false), 'auth');
    assert.equal(actionClass('sts.amazonaws.com', 'AssumeRole', false), 'auth');
    assert.equal(actionClass('s3.amazonaws.com', 'ListBuckets', true), 'list');
    assert.equal(actionClass('ec2.amazonaws.com', 'DescribeInstances', true), 'read');
    assert.equal(actionClass('secretsmanager.amazonaws.com', 'GetSecretValue', undefined), 'read');
    assert.equal(actionClass('iam.amazonaws.com', 'CreateAccessKey', false), 'admin');
    assert.equal(actionClass('cloudtrail.amazonaws.com', 'StopLogging', false), 'admin');
    assert.equal(actionClass('ec2.amazonaws.com', 'RunInstances', false), 'write');
    assert.equal(actionClass('ssm.amazonaws.com', 'PutParameter', undefined), 'write');
  });

  it('trusts readOnly over the name', () => {
    assert.equal(actionClass('kms.amazonaws.com', 'Decrypt', true), 'read');
    assert.equal(actionClass('ec2.amazonaws.com', 'GetPasswordData', false), 'write');
  });
});
