import type { ProcessedEvent } from '../../../event.ts';
import {
  actor,
  at,
  defineRule,
  isForeignAccount,
  list,
  mitre,
  req,
  resp,
  str,
  succeeded,
  TACTIC,
} from '../helpers.ts';

const RDS = ['rds.amazonaws.com'];

/** Accounts a snapshot restore attribute adds (`all` = public). */
function restoreAdds(e: ProcessedEvent): string[] {
  const r = req(e);
  if (str(r.attributeName) !== 'restore') return [];
  return list<string>(r.valuesToAdd).map(String);
}

/** DB snapshot shared with another account or everyone. */
export const snapshotShared = defineRule({
  id: 'rds.snapshot-shared',
  title: 'RDS snapshot shared with another account or made public',
  description:
    'An RDS (or Aurora cluster) snapshot was shared with another AWS account, or with everyone: they can restore the whole database.',
  severity: 'HIGH',
  mitre: [mitre(TACTIC.exfiltration, 'T1537')],
  appliesTo: {
    eventSource: RDS,
    eventName: ['ModifyDBSnapshotAttribute', 'ModifyDBClusterSnapshotAttribute'],
  },
  evaluate: (e, ctx) => {
    if (!succeeded(e)) return false;
    const added = restoreAdds(e).filter((a) => a === 'all' || isForeignAccount(a, e, ctx));
    if (added.length === 0) return false;
    const id = str(req(e).dBSnapshotIdentifier) ?? str(req(e).dBClusterSnapshotIdentifier) ?? '';
    return {
      severity: added.includes('all') ? 'CRITICAL' : 'HIGH',
      explanation: `${actor(e)} shared DB snapshot ${id} with ${added.includes('all') ? 'everyone' : `account(s) ${added.join(', ')}`}.`,
      evidence: { sharedWith: added },
    };
  },
  equivalents: ['panther:AWS.RDS.SnapshotShared'],
});

/** Database made reachable from the internet. */
export const madePublic = defineRule({
  id: 'rds.instance-made-public',
  title: 'RDS database made publicly accessible',
  description:
    'An RDS instance or cluster was modified to be publicly accessible, exposing its endpoint to the internet.',
  severity: 'HIGH',
  mitre: [
    mitre(TACTIC.persistence, 'T1098'),
    mitre(TACTIC.defenseEvasion, 'T1562.007'),
    mitre(TACTIC.initialAccess, 'T1133'),
  ],
  appliesTo: { eventSource: RDS, eventName: ['ModifyDBInstance', 'ModifyDBCluster'] },
  evaluate: (e) => succeeded(e) && req(e).publiclyAccessible === true,
  equivalents: ['panther:AWS.RDS.InstanceMadePublic'],
});

/** New public database restored from a snapshot. */
export const publicRestore = defineRule({
  id: 'rds.public-restore-from-snapshot',
  title: 'Public RDS database restored from a snapshot',
  description:
    'A database was restored from a snapshot as a publicly accessible instance: a way to copy data out.',
  severity: 'HIGH',
  mitre: [mitre(TACTIC.exfiltration, 'T1020')],
  appliesTo: {
    eventSource: RDS,
    eventName: [
      'RestoreDBInstanceFromDBSnapshot',
      'RestoreDBInstanceToPointInTime',
      'RestoreDBClusterFromSnapshot',
    ],
  },
  evaluate: (e) =>
    succeeded(e) && (resp(e).publiclyAccessible === true || req(e).publiclyAccessible === true),
  equivalents: ['panther:AWS.RDS.PublicRestore', 'sigma:c3f265c7-ff03-4056-8ab2-d486227b4599'],
});

/** Master password changed: the changer can sign in to the database. */
export const masterPassword = defineRule({
  id: 'rds.master-password-changed',
  title: 'RDS master password changed',
  description:
    'The master user password of a database was changed; whoever changed it can now sign in to the database as its administrator.',
  severity: 'MEDIUM',
  mitre: [mitre(TACTIC.persistence, 'T1098')],
  appliesTo: { eventSource: RDS, eventName: ['ModifyDBInstance', 'ModifyDBCluster'] },
  evaluate: (e) =>
    succeeded(e) &&
    (req(e).masterUserPassword !== undefined ||
      at(resp(e), 'pendingModifiedValues.masterUserPassword') !== undefined),
  equivalents: ['panther:AWS.RDS.MasterPasswordUpdated', 'sigma:8a63cdd4-6207-414a-85bc-7e032bd3c1a2'],
});

/** Deletion protection off: the usual first step before deleting. */
export const deletionProtectionOff = defineRule({
  id: 'rds.deletion-protection-disabled',
  title: 'RDS deletion protection disabled',
  description: 'Deletion protection of a database was turned off, often right before it is deleted.',
  severity: 'HIGH',
  mitre: [mitre(TACTIC.defenseEvasion, 'T1562'), mitre(TACTIC.impact, 'T1490')],
  appliesTo: { eventSource: RDS, eventName: ['ModifyDBInstance', 'ModifyDBCluster'] },
  evaluate: (e) => succeeded(e) && req(e).deletionProtection === false,
  equivalents: ['panther:AWS.RDS.DeletionProtectionDisabled'],
});

/** Database deleted. */
export const deleted = defineRule({
  id: 'rds.database-deleted',
  title: 'RDS database deleted',
  description: 'An RDS instance or cluster was deleted. Without a final snapshot the data is gone.',
  severity: 'HIGH',
  mitre: [mitre(TACTIC.impact, 'T1485')],
  appliesTo: { eventSource: RDS, eventName: ['DeleteDBInstance', 'DeleteDBCluster'] },
  evaluate: (e) =>
    succeeded(e) && {
      severity: req(e).skipFinalSnapshot === true ? 'CRITICAL' : 'HIGH',
    },
  equivalents: ['panther:AWS.RDS.InstanceDeletion', 'sigma:457cc9ac-d8e6-4d1d-8c0e-251d0f11a74c'],
});

/** Automated backups deleted. */
export const backupsDeleted = defineRule({
  id: 'rds.automated-backup-deleted',
  title: 'RDS automated backups deleted',
  description:
    'Automated backups of a database were deleted, removing point-in-time recovery: a classic step before destruction or ransom.',
  severity: 'CRITICAL',
  mitre: [mitre(TACTIC.impact, 'T1490'), mitre(TACTIC.impact, 'T1485')],
  appliesTo: {
    eventSource: RDS,
    eventName: ['DeleteDBInstanceAutomatedBackup', 'DeleteDBClusterAutomatedBackup'],
  },
  evaluate: (e) => succeeded(e),
  equivalents: ['panther:AWS.RDS.AutomatedBackupDeleted'],
});

/** Snapshots deleted. */
export const snapshotDeleted = defineRule({
  id: 'rds.snapshot-deleted',
  title: 'RDS snapshot deleted',
  description: 'A database snapshot was deleted.',
  severity: 'HIGH',
  mitre: [mitre(TACTIC.impact, 'T1485'), mitre(TACTIC.defenseEvasion, 'T1070')],
  appliesTo: { eventSource: RDS, eventName: ['DeleteDBSnapshot', 'DeleteDBClusterSnapshot'] },
  evaluate: (e) => succeeded(e),
  equivalents: ['panther:AWS.RDS.SnapshotDeleted'],
});

/** Database activity streams stopped. */
export const activityStreamStopped = defineRule({
  id: 'rds.activity-stream-stopped',
  title: 'RDS database activity stream stopped',
  description:
    'A database activity stream was stopped, so queries and logins to the database are no longer monitored.',
  severity: 'HIGH',
  mitre: [mitre(TACTIC.defenseEvasion, 'T1562.008')],
  appliesTo: { eventSource: RDS, eventName: ['StopActivityStream'] },
  evaluate: (e) => succeeded(e),
  equivalents: ['panther:AWS.RDS.ActivityStreamStopped'],
});

/** Forced failover. */
export const failover = defineRule({
  id: 'rds.cluster-failover',
  title: 'RDS cluster failover forced',
  description:
    'A failover of a DB cluster or global cluster was started by hand, which interrupts service briefly.',
  severity: 'MEDIUM',
  mitre: [mitre(TACTIC.impact, 'T1499')],
  appliesTo: {
    eventSource: RDS,
    eventName: ['FailoverDBCluster', 'FailoverGlobalCluster', 'SwitchoverGlobalCluster'],
  },
  evaluate: (e) => succeeded(e),
  equivalents: ['panther:AWS.RDS.ClusterFailover'],
});

/** Reboot. */
export const reboot = defineRule({
  id: 'rds.database-rebooted',
  title: 'RDS database rebooted',
  description: 'An RDS instance, cluster or shard group was rebooted, interrupting service.',
  severity: 'LOW',
  mitre: [mitre(TACTIC.impact, 'T1499')],
  appliesTo: { eventSource: RDS, eventName: ['RebootDBInstance', 'RebootDBCluster', 'RebootDBShardGroup'] },
  evaluate: (e) => succeeded(e),
  equivalents: ['panther:AWS.RDS.InstanceRebooted'],
});

/** IAM role added to a database. */
export const roleAdded = defineRule({
  id: 'rds.iam-role-added',
  title: 'IAM role added to an RDS database',
  description:
    'An IAM role was associated with a database (for S3 import/export or Lambda); an over-broad role lets the database reach other data.',
  severity: 'MEDIUM',
  mitre: [mitre(TACTIC.persistence, 'T1098.001'), mitre(TACTIC.privilegeEscalation, 'T1078.004')],
  appliesTo: { eventSource: RDS, eventName: ['AddRoleToDBInstance', 'AddRoleToDBCluster'] },
  evaluate: (e) => succeeded(e),
  equivalents: ['panther:AWS.RDS.IAMRoleAdded'],
});

/** Log files downloaded. */
export const logDownloaded = defineRule({
  id: 'rds.log-file-downloaded',
  title: 'RDS log file downloaded',
  description:
    'A database log file was downloaded; logs can hold credentials, queries and application secrets.',
  severity: 'LOW',
  mitre: [mitre(TACTIC.credentialAccess, 'T1552.001')],
  appliesTo: { eventSource: RDS, eventName: ['DownloadDBLogFilePortion', 'DownloadCompleteDBLogFile'] },
  evaluate: (e) => succeeded(e),
  equivalents: ['panther:AWS.RDS.LogFileDownloaded'],
});

/** Manual snapshots: the first step to copy or share a database. */
export const manualSnapshot = defineRule({
  id: 'rds.manual-snapshot-created',
  title: 'Manual RDS snapshot created',
  description:
    'A manual snapshot of a database was created; sharing or copying it is how a database is moved to another account.',
  severity: 'LOW',
  mitre: [mitre(TACTIC.exfiltration, 'T1537')],
  appliesTo: { eventSource: RDS, eventName: ['CreateDBSnapshot', 'CreateDBClusterSnapshot'] },
  evaluate: (e) => succeeded(e),
  equivalents: ['panther:AWS.RDS.ManualSnapshotCreated'],
});

/** Snapshot copied to another region. */
export const crossRegionCopy = defineRule({
  id: 'rds.snapshot-copied-cross-region',
  title: 'RDS snapshot copied to another region',
  description:
    'A database snapshot was copied from another region; copies are used to move data to places nobody watches.',
  severity: 'MEDIUM',
  mitre: [mitre(TACTIC.exfiltration, 'T1537')],
  appliesTo: { eventSource: RDS, eventName: ['CopyDBSnapshot', 'CopyDBClusterSnapshot'] },
  evaluate: (e) => {
    if (!succeeded(e)) return false;
    const r = req(e);
    const source =
      str(r.sourceRegion) ??
      /^arn:aws[\w-]*:rds:([\w-]+):/.exec(
        str(r.sourceDBSnapshotIdentifier) ?? str(r.sourceDBClusterSnapshotIdentifier) ?? '',
      )?.[1];
    return source !== undefined && source !== e.region;
  },
  equivalents: ['panther:AWS.RDS.SnapshotCopiedCrossRegion'],
});

/** Snapshot exported to S3. */
export const snapshotExport = defineRule({
  id: 'rds.snapshot-exported-to-s3',
  title: 'RDS snapshot exported to S3',
  description: 'A database snapshot export to S3 was started; the whole database lands as files in a bucket.',
  severity: 'HIGH',
  mitre: [mitre(TACTIC.exfiltration, 'T1537')],
  appliesTo: { eventSource: RDS, eventName: ['StartExportTask'] },
  evaluate: (e) =>
    succeeded(e) && {
      explanation: `${actor(e)} exported ${str(req(e).sourceArn) ?? 'a snapshot'} to bucket ${str(req(e).s3BucketName) ?? '?'}.`,
    },
  equivalents: ['panther:AWS.RDS.SnapshotExport'],
});

/** Looking for public or shared snapshots. */
export const snapshotEnumeration = defineRule({
  id: 'rds.public-snapshot-enumeration',
  title: 'Public or shared RDS snapshots listed',
  description:
    'Snapshots were listed including public or shared ones: reconnaissance for databases that can be restored elsewhere.',
  severity: 'LOW',
  mitre: [mitre(TACTIC.discovery, 'T1580')],
  appliesTo: { eventSource: RDS, eventName: ['DescribeDBSnapshots', 'DescribeDBClusterSnapshots'] },
  evaluate: (e) => succeeded(e) && (req(e).includePublic === true || req(e).includeShared === true),
  equivalents: ['panther:AWS.RDS.SnapshotEnumeration'],
});

/** DB security group ingress. */
export const dbSecurityGroupIngress = defineRule({
  id: 'rds.security-group-ingress-authorized',
  title: 'RDS security group ingress authorized',
  description:
    'Inbound access was added to a DB security group; 0.0.0.0/0 exposes the database to the internet.',
  severity: 'MEDIUM',
  mitre: [mitre(TACTIC.persistence, 'T1098'), mitre(TACTIC.defenseEvasion, 'T1562.007')],
  appliesTo: { eventSource: RDS, eventName: ['AuthorizeDBSecurityGroupIngress'] },
  evaluate: (e) => succeeded(e) && (str(req(e).cIDRIP) === '0.0.0.0/0' ? { severity: 'HIGH' } : true),
  equivalents: [
    'panther:AWS.RDS.SecurityGroupIngressAuthorized',
    'sigma:14f3f1c8-02d5-43a2-a191-91ffb52d3015',
  ],
});

export const rules = [
  snapshotShared,
  madePublic,
  publicRestore,
  masterPassword,
  deletionProtectionOff,
  deleted,
  backupsDeleted,
  snapshotDeleted,
  activityStreamStopped,
  failover,
  reboot,
  roleAdded,
  logDownloaded,
  manualSnapshot,
  crossRegionCopy,
  snapshotExport,
  snapshotEnumeration,
  dbSecurityGroupIngress,
];
