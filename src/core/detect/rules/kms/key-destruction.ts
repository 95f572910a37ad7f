import { defineRule, mitre, succeeded, TACTIC } from '../helpers.ts';

const KMS = ['kms.amazonaws.com'];

/** Disabling or scheduling deletion of a key makes what it encrypts unreadable. */
export const keyLoss = defineRule({
  id: 'kms.key-disabled-or-scheduled-for-deletion',
  title: 'KMS key disabled or scheduled for deletion',
  description:
    'A customer managed KMS key was disabled or scheduled for deletion. Everything encrypted with it becomes unreadable; after deletion, permanently.',
  severity: 'HIGH',
  mitre: [mitre(TACTIC.impact, 'T1485')],
  appliesTo: { eventSource: KMS, eventName: ['DisableKey', 'ScheduleKeyDeletion'] },
  evaluate: (e) => succeeded(e),
  equivalents: ['panther:AWS.KMS.CustomerManagedKeyLoss'],
});

/** Imported key material can be deleted at will by whoever imported it. */
export const keyMaterialImported = defineRule({
  id: 'kms.key-material-imported-or-deleted',
  title: 'KMS key material imported or deleted',
  description:
    'Key material was imported into, or deleted from, a KMS key. Whoever controls external key material can make data unreadable at will.',
  severity: 'MEDIUM',
  mitre: [mitre(TACTIC.impact, 'T1486')],
  appliesTo: { eventSource: KMS, eventName: ['ImportKeyMaterial', 'DeleteImportedKeyMaterial'] },
  evaluate: (e) => succeeded(e),
  equivalents: ['sigma:1279262f-1464-422f-ac0d-5b545320c526'],
});

export const rules = [keyLoss, keyMaterialImported];
