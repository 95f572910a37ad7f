import { at, defineRule, mitre, req, succeeded, TACTIC } from '../helpers.ts';

const CONFIG = ['config.amazonaws.com'];

/** AWS Config recording or delivery stopped: configuration history and rules go blind. */
export const configDisabled = defineRule({
  id: 'config.recording-disabled',
  title: 'AWS Config recording stopped or deleted',
  description:
    'An AWS Config recorder was stopped or deleted, or its delivery channel removed. Resource configuration history and Config rules stop working.',
  severity: 'HIGH',
  mitre: [mitre(TACTIC.defenseEvasion, 'T1562.008')],
  appliesTo: {
    eventSource: CONFIG,
    eventName: [
      'StopConfigurationRecorder',
      'DeleteConfigurationRecorder',
      'DeleteDeliveryChannel',
      'PutConfigurationRecorder',
    ],
  },
  evaluate: (e) => {
    if (!succeeded(e)) return false;
    if (e.action !== 'PutConfigurationRecorder') return true;
    // A recorder re-defined to record nothing is as good as stopped.
    const group = at(req(e), 'configurationRecorder.recordingGroup') as Record<string, unknown> | undefined;
    return (
      group?.allSupported === false && Array.isArray(group.resourceTypes) && group.resourceTypes.length === 0
    );
  },
  equivalents: [
    'panther:AWS.ConfigService.DisabledDeleted',
    'panther:AWS.CloudTrail.SecurityConfigurationChange',
    'sigma:07330162-dba1-4746-8121-a9647d49d297',
  ],
});

/** A recorder or delivery channel created: low, but a change to what is watched. */
export const configCreated = defineRule({
  id: 'config.recorder-created',
  title: 'AWS Config recorder or delivery channel created',
  description: 'An AWS Config recorder or delivery channel was created or started. Usually setup work.',
  severity: 'LOW',
  mitre: [mitre(TACTIC.discovery, 'T1526')],
  appliesTo: {
    eventSource: CONFIG,
    eventName: ['PutConfigurationRecorder', 'PutDeliveryChannel', 'StartConfigurationRecorder'],
  },
  evaluate: (e) => succeeded(e),
  equivalents: ['panther:AWS.ConfigService.Created'],
});

export const rules = [configDisabled, configCreated];
