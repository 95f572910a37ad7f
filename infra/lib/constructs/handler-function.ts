import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Duration, RemovalPolicy } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledge } from '../nag.ts';

/** The repository root: infra/lib/constructs → ../../.. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** The Lambda handlers this stack deploys, by file under src/lambda/ (each exports `handler`). */
export type HandlerName = 's3-processor' | 'stream-processor' | 'report' | 'insights' | 'notify';

/** Absolute path of a handler's entry file. */
export function handlerEntry(name: HandlerName): string {
  return join(REPO_ROOT, 'src', 'lambda', `${name}.ts`);
}

/** A file or directory of the repository copied into a function's bundle, beside `index.mjs`. */
export interface BundledFile {
  /** Absolute path. */
  from: string;
  /** Path inside the bundle, e.g. `rules/sigma`. */
  to: string;
}

/** Quotes a path for the POSIX shell that runs CDK's local bundling commands. */
function shellQuote(path: string): string {
  return `'${path.replaceAll("'", "'\\''")}'`;
}

/** Shell commands that copy files into the bundle directory `outputDir`. */
export function copyCommands(files: readonly BundledFile[], outputDir: string): string[] {
  return files.flatMap(({ from, to }) => {
    if (isAbsolute(to) || to.split('/').includes('..'))
      throw new Error(`bundle path ${to} must stay inside the bundle`);
    const target = join(outputDir, to);
    return [`mkdir -p ${shellQuote(dirname(target))}`, `cp -R ${shellQuote(from)} ${shellQuote(target)}`];
  });
}

export interface HandlerFunctionProps {
  handler: HandlerName;
  description: string;
  memorySize?: number;
  timeout: Duration;
  environment?: Record<string, string>;
  logRetention: RetentionDays;
  /** Caps concurrent executions, for functions that must not run away with cost or downstream limits. */
  reservedConcurrency?: number;
  /** Data files the code reads at run time (Sigma rules, GeoIP databases), copied after bundling. */
  bundleFiles?: readonly BundledFile[];
}

/**
 * A Node.js 22 Lambda bundled by the locally installed esbuild (never Docker), as ESM, with the AWS SDK
 * left to the runtime, X-Ray tracing, JSON logs and a log group with a fixed retention.
 */
export class HandlerFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly handlerName: HandlerName;
  readonly role: Role;

  constructor(scope: Construct, id: string, props: HandlerFunctionProps) {
    super(scope, id);
    this.handlerName = props.handler;
    const entry = handlerEntry(props.handler);
    if (!existsSync(entry))
      throw new Error(`Lambda entry ${entry} does not exist (handler "${props.handler}")`);
    const bundleFiles = props.bundleFiles ?? [];
    for (const { from } of bundleFiles) {
      if (!existsSync(from))
        throw new Error(`${from} is to be bundled with ${props.handler} but does not exist`);
    }

    // A log group we own, so retention is set without the LogRetention custom resource.
    const logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // Our own role instead of the AWSLambdaBasicExecutionRole managed policy (logs:* on every group).
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `logwarden ${props.handler} function`,
    });
    this.role.addToPolicy(
      new PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn],
      }),
    );

    this.fn = new NodejsFunction(this, 'Function', {
      role: this.role,
      entry,
      handler: 'handler',
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout,
      tracing: Tracing.ACTIVE,
      loggingFormat: LoggingFormat.JSON,
      logGroup,
      reservedConcurrentExecutions: props.reservedConcurrency,
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: 'logwarden',
        POWERTOOLS_METRICS_NAMESPACE: 'Logwarden',
        ...props.environment,
      },
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: 'node22',
        minify: true,
        sourceMap: true,
        // The Node.js 22 runtime ships AWS SDK v3; bundling it again only slows cold starts.
        externalModules: ['@aws-sdk/*'],
        mainFields: ['module', 'main'],
        // CommonJS dependencies inside an ESM bundle still call require().
        banner: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
        tsconfig: join(REPO_ROOT, 'tsconfig.json'),
        commandHooks:
          bundleFiles.length > 0
            ? {
                beforeBundling: () => [],
                beforeInstall: () => [],
                afterBundling: (_inputDir, outputDir) => copyCommands(bundleFiles, outputDir),
              }
            : undefined,
      },
    });
    acknowledge(this.role, {
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Active tracing needs xray:PutTraceSegments and xray:PutTelemetryRecords, which support no resource-level permissions.',
    });
    acknowledge(this.fn, {
      id: 'AwsSolutions-L1',
      reason:
        'Pinned to nodejs22.x, a supported LTS runtime matching the Node.js versions the project tests on; moving to nodejs24.x is a one-line change once tested.',
    });
  }
}
