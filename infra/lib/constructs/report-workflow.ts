import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Rule, RuleTargetInput, Schedule } from 'aws-cdk-lib/aws-events';
import { SfnStateMachine } from 'aws-cdk-lib/aws-events-targets';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  Choice,
  Condition,
  DefinitionBody,
  Errors,
  JsonPath,
  LogLevel,
  StateMachine,
  StateMachineType,
  Succeed,
  TaskInput,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { acknowledge, wildcardResourceFinding } from '../nag.ts';
import { HandlerFunction } from './handler-function.ts';

/** State names of the report workflow (tests bind local handlers to them). */
export const WORKFLOW_STATES = {
  buildReport: 'BuildReport',
  includeAI: 'IncludeAI',
  bedrockInsights: 'BedrockInsights',
  offlineInsights: 'OfflineInsights',
  fallbackInsights: 'FallbackInsights',
  notify: 'Notify',
  done: 'Done',
} as const;

/** Errors of a Bedrock call worth another try before falling back to offline insights. */
export const BEDROCK_RETRYABLE = [
  'ThrottlingException',
  'ServiceUnavailableException',
  'ModelNotReadyException',
  'ModelTimeoutException',
  'InternalServerException',
];

/** The orchestration input the schedule sends (the seed's shape, validated by the report function). */
export interface ScheduledReport {
  analysisType: 'daily' | 'weekly' | 'monthly';
  includeAI: boolean;
  notificationLevel: 'all' | 'high_risk_only' | 'critical_only';
}

export interface ReportWorkflowProps {
  schedule: string;
  scheduledInput: ScheduledReport;
  environment: Record<string, string>;
  logRetention: RetentionDays;
}

/**
 * EventBridge schedule → Step Functions: build the report → (includeAI?) Bedrock insights with retries,
 * falling back to offline insights on any failure → notify at the requested level.
 *
 * The report task receives the orchestration input itself, never an S3 event (the seed's bug 9); its
 * result is added beside the input (`$.report`), and each later task receives the fields it needs.
 */
export class ReportWorkflow extends Construct {
  readonly report: HandlerFunction;
  readonly insights: HandlerFunction;
  readonly notify: HandlerFunction;
  readonly stateMachine: StateMachine;
  readonly rule: Rule;

  constructor(scope: Construct, id: string, props: ReportWorkflowProps) {
    super(scope, id);
    const common = { environment: props.environment, logRetention: props.logRetention };
    this.report = new HandlerFunction(this, 'ReportFunction', {
      handler: 'report',
      description: 'logwarden: builds a report for a period from the stored summaries and findings',
      memorySize: 1024,
      timeout: Duration.minutes(5),
      ...common,
    });
    this.insights = new HandlerFunction(this, 'InsightsFunction', {
      handler: 'insights',
      description: 'logwarden: writes report insights with Bedrock (Converse) or offline',
      timeout: Duration.minutes(2),
      ...common,
    });
    this.notify = new HandlerFunction(this, 'NotifyFunction', {
      handler: 'notify',
      description: 'logwarden: sends a report to SNS, SES and Slack by notification level',
      timeout: Duration.minutes(1),
      ...common,
    });

    const S = WORKFLOW_STATES;
    const buildReport = new LambdaInvoke(this, S.buildReport, {
      stateName: S.buildReport,
      lambdaFunction: this.report.fn,
      // The first state's input is the execution input, passed through unchanged.
      payloadResponseOnly: true,
      resultPath: '$.report',
    });

    const insightsTask = (name: string, mode: 'bedrock' | 'offline', extra: Record<string, unknown> = {}) =>
      new LambdaInvoke(this, name, {
        stateName: name,
        lambdaFunction: this.insights.fn,
        payload: TaskInput.fromObject({ mode, report: JsonPath.objectAt('$.report'), ...extra }),
        payloadResponseOnly: true,
        resultPath: '$.insights',
      });
    const bedrock = insightsTask(S.bedrockInsights, 'bedrock');
    const offline = insightsTask(S.offlineInsights, 'offline');
    const fallback = insightsTask(S.fallbackInsights, 'offline', {
      fallbackReason: JsonPath.stringAt('$.insightsError.Cause'),
    });
    bedrock.addRetry({
      errors: BEDROCK_RETRYABLE,
      interval: Duration.seconds(5),
      maxAttempts: 2,
      backoffRate: 2,
    });
    bedrock.addCatch(fallback, { errors: [Errors.ALL], resultPath: '$.insightsError' });

    const notify = new LambdaInvoke(this, S.notify, {
      stateName: S.notify,
      lambdaFunction: this.notify.fn,
      payload: TaskInput.fromObject({
        report: JsonPath.objectAt('$.report'),
        insights: JsonPath.objectAt('$.insights'),
      }),
      payloadResponseOnly: true,
      resultPath: '$.notification',
    });
    notify.next(new Succeed(this, S.done, { stateName: S.done }));
    offline.next(notify);
    fallback.next(notify);
    bedrock.next(notify);

    const includeAI = new Choice(this, S.includeAI, { stateName: S.includeAI })
      .when(
        Condition.and(Condition.isPresent('$.includeAI'), Condition.booleanEquals('$.includeAI', true)),
        bedrock,
      )
      .otherwise(offline);

    const logGroup = new LogGroup(this, 'Logs', {
      logGroupName: `/aws/vendedlogs/states/${Stack.of(this).stackName}-report`,
      retention: props.logRetention,
      // A named group left behind would block the next deployment of a stack with the same name.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromChainable(buildReport.next(includeAI)),
      timeout: Duration.minutes(15),
      tracingEnabled: true,
      logs: { destination: logGroup, level: LogLevel.ALL, includeExecutionData: false },
      comment: 'logwarden scheduled report: build → insights (Bedrock or offline) → notify',
    });

    acknowledge(this.stateMachine.role, {
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'CloudWatch Logs vended-log delivery (logs:CreateLogDelivery …) and X-Ray tracing APIs support no resource-level permissions.',
    });
    for (const fn of [this.report, this.insights, this.notify]) {
      acknowledge(this.stateMachine.role, {
        id: wildcardResourceFinding(this, `${fn.fn.functionArn}:*`),
        reason: `lambda:InvokeFunction on ${fn.handlerName}:* covers that one function's versions and aliases, nothing else.`,
      });
    }

    this.rule = new Rule(this, 'Schedule', {
      description: 'logwarden scheduled report',
      schedule: Schedule.expression(props.schedule),
      targets: [
        new SfnStateMachine(this.stateMachine, {
          input: RuleTargetInput.fromObject(props.scheduledInput),
          retryAttempts: 3,
        }),
      ],
    });
  }
}
