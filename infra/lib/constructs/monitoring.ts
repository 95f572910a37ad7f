import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

export interface MonitoringProps {
  topic: ITopic;
  functions: Record<string, IFunction>;
  deadLetterQueues: Record<string, IQueue>;
  stateMachine: IStateMachine;
}

/**
 * Alarms that page through the alert topic: any function error, anything in a dead-letter queue
 * (an object or record that failed every retry), and any failed report execution.
 */
export class Monitoring extends Construct {
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const action = new SnsAction(props.topic);
    const add = (alarm: Alarm) => {
      alarm.addAlarmAction(action);
      this.alarms.push(alarm);
    };

    for (const [name, fn] of Object.entries(props.functions)) {
      add(
        new Alarm(this, `${name}Errors`, {
          alarmDescription: `logwarden ${name} function reported errors`,
          metric: fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
          threshold: 1,
          evaluationPeriods: 1,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      );
    }
    for (const [name, queue] of Object.entries(props.deadLetterQueues)) {
      add(
        new Alarm(this, `${name}Depth`, {
          alarmDescription: `logwarden ${name} dead-letter queue holds messages that failed every retry`,
          metric: queue.metricApproximateNumberOfMessagesVisible({
            period: Duration.minutes(5),
            statistic: 'Maximum',
          }),
          threshold: 1,
          evaluationPeriods: 1,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      );
    }
    add(
      new Alarm(this, 'ReportFailed', {
        alarmDescription: 'logwarden report workflow execution failed',
        metric: props.stateMachine.metricFailed({ period: Duration.minutes(5), statistic: 'Sum' }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );
  }
}
