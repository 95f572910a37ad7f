import { actor, at, defineRule, list, mitre, req, str, succeeded, TACTIC } from '../helpers.ts';

const SM = ['secretsmanager.amazonaws.com'];

/** BatchGetSecretValue returns up to 20 secrets in one call. */
export const batchRetrieval = defineRule({
  id: 'secretsmanager.batch-retrieval',
  title: 'Secrets retrieved in bulk with BatchGetSecretValue',
  description:
    'Secret values were read in bulk with BatchGetSecretValue (up to 20 per call), a quiet way to collect many secrets at once.',
  severity: 'MEDIUM',
  mitre: [mitre(TACTIC.credentialAccess, 'T1555.006')],
  appliesTo: { eventSource: SM, eventName: ['BatchGetSecretValue'] },
  evaluate: (e) => succeeded(e),
  equivalents: ['panther:AWS.SecretsManager.BatchRetrieveSecrets'],
});

/** A batch filter built to match every secret (a negated tag that no secret has). */
export const catchAllBatch = defineRule({
  id: 'secretsmanager.batch-retrieval-catch-all',
  title: 'Every secret retrieved with a catch-all filter',
  description:
    'BatchGetSecretValue was called with a single negated tag filter (for example !tagThatNeverExists), which matches every secret: an attempt to dump all of them.',
  severity: 'HIGH',
  mitre: [mitre(TACTIC.credentialAccess, 'T1555.006')],
  appliesTo: { eventSource: SM, eventName: ['BatchGetSecretValue'] },
  evaluate: (e) => {
    if (!succeeded(e)) return false;
    const filters = list<Record<string, unknown>>(req(e).filters);
    if (filters.length !== 1) return false;
    const values = list<string>(filters[0]?.values);
    return (
      values.length > 0 &&
      values.every((v) => typeof v === 'string' && v.startsWith('!')) && {
        explanation: `${actor(e)} asked for every secret whose ${str(filters[0]?.key) ?? 'tag'} is not ${values.join(', ').replaceAll('!', '')}.`,
      }
    );
  },
  equivalents: ['panther:AWS.SecretsManager.BatchRetrieveSecretsCatchAll'],
});

/** Secrets deleted or scheduled for deletion. */
export const secretDeleted = defineRule({
  id: 'secretsmanager.secret-deleted',
  title: 'Secret deleted',
  description: 'A secret was deleted or scheduled for deletion.',
  severity: 'LOW',
  mitre: [mitre(TACTIC.impact, 'T1485')],
  appliesTo: { eventSource: SM, eventName: ['DeleteSecret'] },
  evaluate: (e) =>
    succeeded(e) && (at(req(e), 'forceDeleteWithoutRecovery') === true ? { severity: 'MEDIUM' } : true),
});

export const rules = [batchRetrieval, catchAllBatch, secretDeleted];
