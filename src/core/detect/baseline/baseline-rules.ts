import type { MitreRef } from '../../finding.ts';

/** Valid Accounts: Cloud Accounts, used as a way in. */
const VALID_CLOUD_ACCOUNT: MitreRef = { tactic: 'TA0001', technique: 'T1078.004' };
/** The same technique read as staying in (dormant credentials coming back). */
const VALID_CLOUD_ACCOUNT_PERSISTENCE: MitreRef = { tactic: 'TA0003', technique: 'T1078.004' };

/** What each baseline finding is: id, title and ATT&CK mapping (severity is decided per event). */
export interface BaselineRule {
  id: string;
  title: string;
  mitre: readonly MitreRef[];
}

export const BASELINE_RULES = {
  newCountry: {
    id: 'baseline.new-country',
    title: 'Call from a country this principal never used',
    mitre: [VALID_CLOUD_ACCOUNT],
  },
  newAsn: {
    id: 'baseline.new-asn',
    title: 'Call from a network (ASN) this principal never used',
    mitre: [VALID_CLOUD_ACCOUNT],
  },
  consoleLoginNewNetwork: {
    id: 'baseline.console-login-new-network',
    title: 'Console sign-in from a network this principal never signed in from',
    mitre: [VALID_CLOUD_ACCOUNT],
  },
  newRegion: {
    id: 'baseline.new-region',
    title: 'Call in a region this principal never used',
    // Unused/Unsupported Cloud Regions: attackers work where nobody looks.
    mitre: [{ tactic: 'TA0005', technique: 'T1535' }],
  },
  newService: {
    id: 'baseline.new-service',
    title: 'Call to a service this principal never used',
    // Cloud Service Discovery when it reads or lists; plain valid-account use otherwise.
    mitre: [{ tactic: 'TA0007', technique: 'T1526' }],
  },
  newUserAgent: {
    id: 'baseline.new-user-agent-family',
    title: 'Call with a tool (user-agent family) this principal never used',
    mitre: [VALID_CLOUD_ACCOUNT],
  },
  unusualHour: {
    id: 'baseline.unusual-hour',
    title: 'Activity at an hour this principal is never active',
    mitre: [VALID_CLOUD_ACCOUNT],
  },
  volumeSpike: {
    id: 'baseline.volume-spike',
    title: 'Daily call volume far above this principal’s normal',
    // Cloud Infrastructure Discovery for read/list-heavy spikes; Resource Hijacking for write-heavy ones.
    mitre: [{ tactic: 'TA0007', technique: 'T1580' }],
  },
  impossibleTravel: {
    id: 'baseline.impossible-travel',
    title: 'Impossible travel between consecutive calls',
    mitre: [VALID_CLOUD_ACCOUNT],
  },
  dormantPrincipal: {
    id: 'baseline.dormant-principal',
    title: 'Dormant principal active again',
    mitre: [VALID_CLOUD_ACCOUNT_PERSISTENCE],
  },
  dormantAccessKey: {
    id: 'baseline.dormant-access-key',
    title: 'Dormant access key used again',
    mitre: [VALID_CLOUD_ACCOUNT_PERSISTENCE],
  },
} as const satisfies Record<string, BaselineRule>;

export const RESOURCE_HIJACKING: MitreRef = { tactic: 'TA0040', technique: 'T1496' };
export const VALID_ACCOUNT_DEFENSE_EVASION: MitreRef = { tactic: 'TA0005', technique: 'T1078.004' };
