/**
 * IAM grants against the code: for each function, esbuild lists the source files its handler
 * bundles; the AWS SDK commands those files send map to the IAM actions the function needs. Every
 * needed action must be granted on the function's role (a missing grant fails only in AWS, where
 * the emulators cannot catch it), and every granted action must be needed by that function.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { build } from 'esbuild';
import {
  type HandlerFunction,
  handlerEntry,
  REPO_ROOT,
} from '../../../infra/lib/constructs/handler-function.ts';
import { asList, policyStatements, type Synthesized, synthStack } from './synth.ts';

/** SDK v3 commands (and paginators) → the IAM action that authorizes them. */
const ACTIONS: Record<string, string> = {
  GetCommand: 'dynamodb:GetItem',
  GetItemCommand: 'dynamodb:GetItem',
  BatchGetCommand: 'dynamodb:BatchGetItem',
  BatchGetItemCommand: 'dynamodb:BatchGetItem',
  QueryCommand: 'dynamodb:Query',
  paginateQuery: 'dynamodb:Query',
  PutCommand: 'dynamodb:PutItem',
  PutItemCommand: 'dynamodb:PutItem',
  UpdateCommand: 'dynamodb:UpdateItem',
  UpdateItemCommand: 'dynamodb:UpdateItem',
  DeleteCommand: 'dynamodb:DeleteItem',
  BatchWriteCommand: 'dynamodb:BatchWriteItem',
  BatchWriteItemCommand: 'dynamodb:BatchWriteItem',
  ScanCommand: 'dynamodb:Scan',
  paginateScan: 'dynamodb:Scan',
  TransactWriteCommand: 'dynamodb:TransactWriteItems',
  GetObjectCommand: 's3:GetObject',
  PutObjectCommand: 's3:PutObject',
  HeadObjectCommand: 's3:GetObject',
  paginateListObjectsV2: 's3:ListBucket',
  ListObjectsV2Command: 's3:ListBucket',
  PublishCommand: 'sns:Publish',
  SendEmailCommand: 'ses:SendEmail',
  ConverseCommand: 'bedrock:InvokeModel',
  InvokeModelCommand: 'bedrock:InvokeModel',
  GetSecretValueCommand: 'secretsmanager:GetSecretValue',
};

/**
 * Code paths a function bundles but never runs, with the reason: S3ObjectSource.list (the CLI's
 * listing) comes with S3ObjectSource.object, which the processor uses; the report function reads
 * the store (summaries, findings) but bundles the whole store class, write path included; the
 * insights function picks its model from report-wiring.ts, which also builds the notifiers (and
 * the notify function gets its channels from there, next to the Bedrock model).
 */
const BUNDLED_NOT_CALLED: Record<string, string[]> = {
  's3-processor': ['s3:ListBucket'],
  report: ['dynamodb:UpdateItem', 'dynamodb:BatchWriteItem', 'dynamodb:PutItem'],
  insights: ['sns:Publish', 'ses:SendEmail'],
  notify: ['bedrock:InvokeModel'],
};

/** Granted for callers other than the handler's code, by reason. */
const INDIRECT: [RegExp, string][] = [
  [/^(logs:CreateLogStream|logs:PutLogEvents)$/, 'the Lambda runtime writes the function log'],
  [/^xray:/, 'the Lambda runtime sends traces'],
  [/^(kms:GenerateDataKey|kms:Decrypt)$/, 'SNS encrypts what the function publishes with the topic key'],
  [
    /^(sqs:ReceiveMessage|sqs:ChangeMessageVisibility|sqs:GetQueueUrl|sqs:DeleteMessage|sqs:GetQueueAttributes)$/,
    'the SQS event source mapping polls the queue as the function',
  ],
  [/^kinesis:/, 'the Kinesis event source mapping reads the stream as the function'],
  [/^sqs:SendMessage$/, 'the Kinesis event source mapping sends failed batches to the dead-letter queue'],
];
const indirect = (action: string) => INDIRECT.some(([pattern]) => pattern.test(action));

async function actionsUsedBy(fn: HandlerFunction): Promise<Set<string>> {
  const result = await build({
    entryPoints: [handlerEntry(fn.handlerName)],
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    logLevel: 'silent',
    external: ['@aws-sdk/*', '@aws-lambda-powertools/*'],
    absWorkingDir: REPO_ROOT,
  });
  const used = new Set<string>();
  for (const input of Object.keys(result.metafile.inputs)) {
    if (!input.startsWith('src/')) continue;
    const text = readFileSync(`${REPO_ROOT}/${input}`, 'utf8');
    for (const [name, action] of Object.entries(ACTIONS)) {
      if (new RegExp(`\\b(new\\s+${name}\\s*\\(|${name}\\s*\\()`).test(text)) used.add(action);
    }
  }
  for (const skip of BUNDLED_NOT_CALLED[fn.handlerName] ?? []) used.delete(skip);
  return used;
}

describe('function grants match the AWS calls in their code', () => {
  let synth: Synthesized;
  let functions: HandlerFunction[];
  const used = new Map<string, Set<string>>();

  function granted(fn: HandlerFunction): Set<string> {
    const policyId = synth.stack.getLogicalId(
      fn.role.node.findChild('DefaultPolicy').node.defaultChild as never,
    );
    const actions = new Set<string>();
    for (const { policy, statement } of policyStatements(synth.template)) {
      if (policy !== policyId) continue;
      for (const a of asList(statement.Action as string | string[])) actions.add(a);
    }
    return actions;
  }

  before(async () => {
    synth = synthStack(
      { sesIdentity: 'alerts@example.com', alertEmail: 'secops@example.com' },
      { bundle: false },
    );
    functions = [
      synth.stack.objectIngest.processor,
      synth.stack.streamIngest.processor,
      synth.stack.workflow.report,
      synth.stack.workflow.insights,
      synth.stack.workflow.notify,
    ];
    for (const fn of functions) used.set(fn.handlerName, await actionsUsedBy(fn));
  });
  after(() => synth?.dispose());

  it('grants every function each action its code calls', () => {
    for (const fn of functions) {
      const have = granted(fn);
      const missing = [...(used.get(fn.handlerName) ?? [])].filter((a) => !have.has(a));
      assert.deepEqual(missing, [], `${fn.handlerName} calls these without a grant`);
    }
    assert.ok(used.get('insights')?.has('bedrock:InvokeModel'), 'the scan sees the Converse call');
    assert.ok(used.get('s3-processor')?.has('s3:GetObject'), 'the scan sees the S3 read');
  });

  it('grants nothing that no code calls, and never Scan', () => {
    for (const fn of functions) {
      const extra = [...granted(fn)].filter((a) => !used.get(fn.handlerName)?.has(a) && !indirect(a));
      assert.deepEqual(extra, [], `${fn.handlerName} is granted actions its code does not call`);
    }
    for (const s of used.values()) assert.ok(!s.has('dynamodb:Scan'), 'no handler scans the table (bug 7)');
  });
});
