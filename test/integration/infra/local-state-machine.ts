/**
 * Runs the state machine the stack synthesizes, locally with aws-local-stepfunctions: the ASL is taken
 * from the template, every Lambda task is bound to the real handler of the function its Resource
 * names, and each handler runs with the environment the stack gives that function (references to
 * stack resources replaced by local stand-ins).
 */
import type { Template } from 'aws-cdk-lib/assertions';
import type { HandlerFunction } from '../../../infra/lib/constructs/handler-function.ts';
import type { LogAnalysisStack } from '../../../infra/lib/log-analysis-stack.ts';
import { ACCOUNT, REGION } from './synth.ts';

// aws-local-stepfunctions 3 calls Promise.withResolvers, which Node.js 20 lacks.
if (typeof (Promise as { withResolvers?: unknown }).withResolvers !== 'function') {
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    value<T>() {
      let resolve!: (value: T | PromiseLike<T>) => void;
      let reject!: (reason?: unknown) => void;
      const promise = new Promise<T>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  });
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Handler = (event: unknown, context: unknown) => Promise<unknown>;

/** The ARN a function's `Fn::GetAtt [id, Arn]` stands for in the local run. */
export function localFunctionArn(logicalId: string): string {
  return `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${logicalId}`;
}

/** Resolves the intrinsic functions a synthesized template uses in strings, with `refs` for `Ref`s. */
export function resolveIntrinsics(value: unknown, refs: (logicalId: string) => string): unknown {
  if (Array.isArray(value)) return value.map((v) => resolveIntrinsics(v, refs));
  if (value === null || typeof value !== 'object') return value;
  const obj = value as Record<string, unknown>;
  if ('Fn::Join' in obj) {
    const [sep, parts] = obj['Fn::Join'] as [string, unknown[]];
    return parts.map((p) => resolveIntrinsics(p, refs)).join(sep);
  }
  if ('Fn::GetAtt' in obj) {
    const [id, attr] = obj['Fn::GetAtt'] as [string, string];
    if (attr === 'Arn') return refs(`${id}.Arn`);
    return refs(`${id}.${attr}`);
  }
  if ('Ref' in obj) {
    const id = obj.Ref as string;
    if (id === 'AWS::Partition') return 'aws';
    if (id === 'AWS::Region') return REGION;
    if (id === 'AWS::AccountId') return ACCOUNT;
    if (id === 'AWS::URLSuffix') return 'amazonaws.com';
    return refs(id);
  }
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, resolveIntrinsics(v, refs)]));
}

/** The ASL of the stack's report state machine, with function ARNs resolved to local ones. */
export function synthesizedDefinition(stack: LogAnalysisStack, template: Template): Record<string, Json> {
  const id = stack.getLogicalId(stack.workflow.stateMachine.node.defaultChild as never);
  const machine = template.toJSON().Resources[id];
  const text = resolveIntrinsics(machine.Properties.DefinitionString, (ref) => {
    if (ref.endsWith('.Arn')) return localFunctionArn(ref.slice(0, -4));
    throw new Error(`the state machine definition references ${ref}, which the local run cannot resolve`);
  }) as string;
  return JSON.parse(text);
}

/**
 * The environment the stack gives a function, with every reference to a stack resource mapped by
 * `locals` (logical id or `id.Attribute` → local value); an unmapped reference is an error.
 */
export function functionEnvironment(
  stack: LogAnalysisStack,
  template: Template,
  fn: HandlerFunction,
  locals: Record<string, string>,
): Record<string, string> {
  const id = stack.getLogicalId(fn.fn.node.defaultChild as never);
  const variables = template.toJSON().Resources[id].Properties.Environment.Variables;
  return resolveIntrinsics(variables, (ref) => {
    if (ref in locals) return locals[ref];
    throw new Error(`${fn.handlerName}'s environment references ${ref}: give the test a local value for it`);
  }) as Record<string, string>;
}

/** A Lambda context good enough for Powertools and the handlers. */
export function lambdaContext(name: string): Record<string, unknown> {
  return {
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: localFunctionArn(name),
    memoryLimitInMB: '512',
    awsRequestId: `local-${Math.random().toString(16).slice(2)}`,
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => 60_000,
  };
}

export interface TaskCall {
  state: string;
  handler: string;
  input: unknown;
  output?: unknown;
  error?: string;
}

/**
 * Binds every Task state of `definition` to the handler of the function its Resource ARN names, as
 * Lambda would run it: JSON in, JSON out, the environment of that function, and a thrown error's
 * name as the Step Functions error name.
 */
export function bindTasks(
  definition: Record<string, Json>,
  functions: { fn: HandlerFunction; handler: Handler; env: Record<string, string> }[],
  stack: LogAnalysisStack,
  calls: TaskCall[],
): Record<string, (input: Json) => Promise<Json>> {
  const byArn = new Map(
    functions.map((f) => [localFunctionArn(stack.getLogicalId(f.fn.fn.node.defaultChild as never)), f]),
  );
  const bound: Record<string, (input: Json) => Promise<Json>> = {};
  const states = definition.States as Record<string, { Type: string; Resource?: string }>;
  for (const [name, state] of Object.entries(states)) {
    if (state.Type !== 'Task') continue;
    const target = byArn.get(state.Resource ?? '');
    if (!target)
      throw new Error(`task ${name} calls ${state.Resource}, which is none of the bound functions`);
    bound[name] = async (input) => {
      const call: TaskCall = {
        state: name,
        handler: target.fn.handlerName,
        input: JSON.parse(JSON.stringify(input)),
      };
      calls.push(call);
      const saved = { ...process.env };
      Object.assign(process.env, target.env);
      try {
        const output = await target.handler(call.input, lambdaContext(target.fn.handlerName));
        call.output = JSON.parse(JSON.stringify(output ?? null));
        return call.output as Json;
      } catch (err) {
        const error = err as Error;
        call.error = `${error.name}: ${error.message}`;
        // As Lambda reports a function error: Step Functions matches Retry/Catch on the error type
        // (its name) and hands a Catch the error payload as JSON in `Cause`.
        const failure = new Error(
          JSON.stringify({ errorType: error.name, errorMessage: error.message, trace: [] }),
        );
        failure.name = error.name;
        throw failure;
      } finally {
        for (const key of Object.keys(target.env)) delete process.env[key];
        Object.assign(process.env, saved);
      }
    };
  }
  return bound;
}
