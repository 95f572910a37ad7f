import { defineRule, mitre, succeeded, TACTIC } from '../helpers.ts';

const BEDROCK = ['bedrock.amazonaws.com'];

/** Model access switched on: the first step of LLM-jacking with stolen keys. */
export const modelAccessEnabled = defineRule({
  id: 'bedrock.model-access-enabled',
  title: 'Bedrock foundation model access enabled',
  description:
    'Access to a Bedrock foundation model was requested or granted (use-case form, model agreement, entitlement). Attackers with stolen keys enable models to resell or abuse them at the owner’s cost (LLM-jacking).',
  severity: 'MEDIUM',
  mitre: [mitre(TACTIC.impact, 'T1496')],
  appliesTo: {
    eventSource: BEDROCK,
    eventName: [
      'PutUseCaseForModelAccess',
      'CreateFoundationModelAgreement',
      'PutFoundationModelEntitlement',
    ],
  },
  evaluate: (e) => succeeded(e),
});

/** Guardrails deleted. */
export const guardrailDeleted = defineRule({
  id: 'bedrock.guardrail-deleted',
  title: 'Bedrock guardrail deleted',
  description:
    'A Bedrock guardrail was deleted, removing content and safety filters from the applications using it.',
  severity: 'MEDIUM',
  mitre: [mitre(TACTIC.defenseEvasion, 'T1562.001')],
  appliesTo: { eventSource: BEDROCK, eventName: ['DeleteGuardrail'] },
  evaluate: (e) => succeeded(e),
  equivalents: ['panther:AWS.Bedrock.GuardrailUpdateDelete', 'sigma:59b70e4d-dd17-44a9-b740-acf07ae3eb6a'],
});

/** Guardrails changed. */
export const guardrailUpdated = defineRule({
  id: 'bedrock.guardrail-updated',
  title: 'Bedrock guardrail changed',
  description: 'A Bedrock guardrail was updated; filters may have been weakened.',
  severity: 'MEDIUM',
  mitre: [mitre(TACTIC.defenseEvasion, 'T1562.001')],
  appliesTo: { eventSource: BEDROCK, eventName: ['UpdateGuardrail'] },
  evaluate: (e) => succeeded(e),
  equivalents: ['panther:AWS.Bedrock.GuardrailUpdateDelete', 'sigma:1c722651-254a-4b04-a9f4-99b62a2d0a1f'],
});

export const rules = [modelAccessEnabled, guardrailDeleted, guardrailUpdated];
