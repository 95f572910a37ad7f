import type { ProcessedEvent } from '../../../event.ts';
import {
  actor,
  defineRule,
  isForeignAccount,
  isPerson,
  list,
  mitre,
  req,
  resp,
  str,
  succeeded,
  TACTIC,
} from '../helpers.ts';

const LAMBDA = ['lambda.amazonaws.com'];

/** Layers a configuration update sets (response, else request). */
function layers(e: ProcessedEvent): string[] {
  const fromResponse = list<Record<string, unknown>>(resp(e).layers).map((l) => str(l?.arn) ?? String(l));
  return fromResponse.length ? fromResponse : list<string>(req(e).layers).map(String);
}

/** Code replaced by a person rather than a deployment pipeline. */
export const codeUpdatedByPerson = defineRule({
  id: 'lambda.code-updated-by-person',
  title: 'Lambda function code replaced by a person',
  description:
    'The code of a Lambda function was replaced by an IAM user, federated user or SSO session rather than a deployment role: stolen credentials, or a change that skipped CI/CD.',
  severity: 'HIGH',
  mitre: [mitre(TACTIC.persistence, 'T1525'), mitre(TACTIC.execution, 'T1648')],
  appliesTo: { eventSource: LAMBDA, eventName: ['UpdateFunctionCode'] },
  evaluate: (e) =>
    succeeded(e) &&
    isPerson(e) && {
      explanation: `${actor(e)} replaced the code of Lambda function ${str(req(e).functionName) ?? ''}.`,
    },
  equivalents: ['panther:AWS.Lambda.UpdateFunctionCode'],
});

/** Layers added by a person: code that runs before the handler. */
export const layerAddedByPerson = defineRule({
  id: 'lambda.layer-added-by-person',
  title: 'Lambda layer attached by a person',
  description:
    'A person (IAM user, federated user or SSO session) changed a Lambda function so it loads layers. Layer code runs inside the function, a stealthy persistence point.',
  severity: 'HIGH',
  mitre: [mitre(TACTIC.persistence, 'T1525')],
  appliesTo: { eventSource: LAMBDA, eventName: ['UpdateFunctionConfiguration'] },
  evaluate: (e) => {
    if (!succeeded(e) || !isPerson(e)) return false;
    const attached = layers(e);
    return (
      attached.length > 0 && {
        explanation: `${actor(e)} attached layer(s) ${attached.join(', ')} to ${str(req(e).functionName) ?? ''}.`,
      }
    );
  },
  equivalents: ['panther:AWS.Lambda.UpdateFunctionConfiguration'],
});

/** Any layer attachment in the request. */
export const layerAdded = defineRule({
  id: 'lambda.layer-attached',
  title: 'Lambda layer attached',
  description: 'A Lambda function configuration update set layers.',
  severity: 'LOW',
  mitre: [mitre(TACTIC.persistence, 'T1525')],
  appliesTo: { eventSource: LAMBDA, eventName: ['UpdateFunctionConfiguration'] },
  evaluate: (e) => succeeded(e) && list(req(e).layers).length > 0,
  equivalents: ['sigma:97fbabf8-8e1b-47a2-b7d5-a418d2b95e3d'],
});

/** A resource policy statement on a function: who may invoke it. */
export const permissionAdded = defineRule({
  id: 'lambda.permission-added',
  title: 'Lambda function invocation permission added',
  description:
    'A statement was added to the resource policy of a Lambda function. Granting everyone or another account lets them invoke (or, with a function URL, reach) it: a backdoor.',
  severity: 'LOW',
  mitre: [mitre(TACTIC.persistence, 'T1098')],
  appliesTo: { eventSource: LAMBDA, eventName: ['AddPermission'] },
  evaluate: (e, ctx) => {
    if (!succeeded(e)) return false;
    const principal = str(req(e).principal) ?? '';
    const account = /^(?:arn:aws[\w-]*:iam::)?(\d{12})(?::|$)/.exec(principal)?.[1];
    if (principal === '*') {
      return {
        severity: 'HIGH',
        explanation: `${actor(e)} let anyone invoke Lambda function ${str(req(e).functionName) ?? ''}.`,
      };
    }
    if (account && isForeignAccount(account, e, ctx)) {
      return {
        severity: 'HIGH',
        explanation: `${actor(e)} let account ${account} invoke Lambda function ${str(req(e).functionName) ?? ''}.`,
      };
    }
    return true;
  },
  equivalents: ['panther:AWS.Potential.Backdoor.Lambda'],
});

/** A function URL exposes the function over HTTPS; with auth NONE, to anyone. */
export const functionUrl = defineRule({
  id: 'lambda.function-url-created',
  title: 'Lambda function URL created',
  description:
    'A public HTTPS URL was created for a Lambda function. With AuthType NONE anyone on the internet can call it.',
  severity: 'LOW',
  mitre: [mitre(TACTIC.persistence, 'T1098'), mitre(TACTIC.initialAccess, 'T1190')],
  appliesTo: { eventSource: LAMBDA, eventName: ['CreateFunctionUrlConfig', 'UpdateFunctionUrlConfig'] },
  evaluate: (e) => succeeded(e) && (str(req(e).authType) === 'NONE' ? { severity: 'HIGH' } : true),
  equivalents: ['sigma:ec541962-c05a-4420-b9ea-84de072d18f4'],
});

export const rules = [codeUpdatedByPerson, layerAddedByPerson, layerAdded, permissionAdded, functionUrl];
