#!/usr/bin/env node
/**
 * The CDK app: `npx cdk deploy` (cdk.json runs this file with tsx). Settings come from CDK context;
 * see infra/lib/settings.ts and the README's "Deploy to AWS" section.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { LogAnalysisStack } from '../lib/log-analysis-stack.ts';
import { readSettings } from '../lib/settings.ts';

const app = new App();
const settings = readSettings((key) => app.node.tryGetContext(key));
new LogAnalysisStack(app, app.node.tryGetContext('stackName') ?? 'Logwarden', {
  settings,
  description: 'logwarden: AWS log analysis (CloudTrail, CloudWatch Logs) with findings, reports and alerts',
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
app.synth();
