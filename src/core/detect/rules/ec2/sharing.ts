import type { ProcessedEvent } from '../../../event.ts';
import type { RuleContext } from '../../rule.ts';
import {
  actor,
  at,
  defineRule,
  isForeignAccount,
  items,
  mitre,
  req,
  str,
  succeeded,
  TACTIC,
} from '../helpers.ts';

const EC2 = ['ec2.amazonaws.com'];

/** Who a ModifySnapshotAttribute / ModifyImageAttribute call adds: `all` and account ids. */
function added(
  e: ProcessedEvent,
  attribute: 'createVolumePermission' | 'launchPermission',
): { everyone: boolean; accounts: string[] } {
  const list = items(at(req(e), `${attribute}.add`));
  return {
    everyone: list.some((i) => i.group === 'all'),
    accounts: list.map((i) => str(i.userId)).filter((x): x is string => x !== undefined),
  };
}

function foreign(accounts: string[], e: ProcessedEvent, ctx: RuleContext): string[] {
  return accounts.filter((a) => isForeignAccount(a, e, ctx));
}

/** An EBS snapshot opened to every AWS account. */
export const snapshotPublic = defineRule({
  id: 'ec2.snapshot-made-public',
  title: 'EBS snapshot made public',
  description:
    'An EBS snapshot was shared with all AWS accounts: anyone can create a volume from it and read the disk.',
  severity: 'CRITICAL',
  mitre: [mitre(TACTIC.exfiltration, 'T1537')],
  appliesTo: { eventSource: EC2, eventName: ['ModifySnapshotAttribute'] },
  evaluate: (e) => succeeded(e) && added(e, 'createVolumePermission').everyone,
  equivalents: ['panther:AWS.CloudTrail.SnapshotMadePublic', 'sigma:abae8fec-57bd-4f87-aff6-6e3db989843d'],
});

/** An EBS snapshot shared with another account. */
export const snapshotShared = defineRule({
  id: 'ec2.snapshot-shared-with-external-account',
  title: 'EBS snapshot shared with another account',
  description:
    'An EBS snapshot was shared with an AWS account that is not yours; that account can copy the disk.',
  severity: 'HIGH',
  mitre: [mitre(TACTIC.exfiltration, 'T1537')],
  appliesTo: { eventSource: EC2, eventName: ['ModifySnapshotAttribute'] },
  evaluate: (e, ctx) => {
    if (!succeeded(e)) return false;
    const accounts = foreign(added(e, 'createVolumePermission').accounts, e, ctx);
    return (
      accounts.length > 0 && {
        explanation: `${actor(e)} shared snapshot ${str(req(e).snapshotId) ?? ''} with account(s) ${accounts.join(', ')}.`,
        evidence: { sharedWith: accounts },
      }
    );
  },
  equivalents: ['sigma:abae8fec-57bd-4f87-aff6-6e3db989843d'],
});

/** An AMI opened to every AWS account. */
export const amiPublic = defineRule({
  id: 'ec2.ami-made-public',
  title: 'AMI made public',
  description:
    'An Amazon Machine Image was made launchable by anyone: data and secrets on its disks are exposed.',
  severity: 'HIGH',
  mitre: [mitre(TACTIC.exfiltration, 'T1537')],
  appliesTo: { eventSource: EC2, eventName: ['ModifyImageAttribute'] },
  evaluate: (e) => succeeded(e) && added(e, 'launchPermission').everyone,
  equivalents: ['panther:AWS.CloudTrail.AMIModifiedForPublicAccess'],
});

/** An AMI shared with another account. */
export const amiShared = defineRule({
  id: 'ec2.ami-shared-with-external-account',
  title: 'AMI shared with another account',
  description:
    'An Amazon Machine Image was shared with an AWS account that is not yours; that account can launch it and read its disks.',
  severity: 'HIGH',
  mitre: [mitre(TACTIC.exfiltration, 'T1537')],
  appliesTo: { eventSource: EC2, eventName: ['ModifyImageAttribute'] },
  evaluate: (e, ctx) => {
    if (!succeeded(e)) return false;
    const accounts = foreign(added(e, 'launchPermission').accounts, e, ctx);
    return (
      accounts.length > 0 && {
        explanation: `${actor(e)} shared image ${str(req(e).imageId) ?? ''} with account(s) ${accounts.join(', ')}.`,
        evidence: { sharedWith: accounts },
      }
    );
  },
});

/** Default EBS encryption turned off in a region. */
export const ebsEncryptionDisabled = defineRule({
  id: 'ec2.ebs-default-encryption-disabled',
  title: 'Default EBS encryption disabled',
  description:
    'Default encryption of new EBS volumes was turned off in a region; new volumes and snapshots may be unencrypted.',
  severity: 'MEDIUM',
  mitre: [mitre(TACTIC.impact, 'T1486'), mitre(TACTIC.defenseEvasion, 'T1562')],
  appliesTo: { eventSource: EC2, eventName: ['DisableEbsEncryptionByDefault'] },
  evaluate: (e) => succeeded(e),
  equivalents: [
    'panther:AWS.EC2.EBS.Encryption.Disabled',
    'panther:AWS.CloudTrail.SecurityConfigurationChange',
    'sigma:16124c2d-e40b-4fcc-8f2c-5ab7870a2223',
  ],
});

/** Images created, copied or exported: copies of disks that can later be shared. */
export const imageCreated = defineRule({
  id: 'ec2.image-created-or-copied',
  title: 'AMI created, copied or exported',
  description:
    'An AMI was created from an instance, copied, or exported. Disk copies are a step toward moving data out.',
  severity: 'LOW',
  mitre: [mitre(TACTIC.collection, 'T1119'), mitre(TACTIC.exfiltration, 'T1537')],
  appliesTo: {
    eventSource: EC2,
    eventName: [
      'CreateImage',
      'CopyImage',
      'ExportImage',
      'CreateStoreImageTask',
      'CreateInstanceExportTask',
    ],
  },
  evaluate: (e) => succeeded(e),
  equivalents: ['panther:AWS.EC2.Monitoring'],
});

export const rules = [
  snapshotPublic,
  snapshotShared,
  amiPublic,
  amiShared,
  ebsEncryptionDisabled,
  imageCreated,
];
