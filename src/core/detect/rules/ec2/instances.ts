import { actor, at, defineRule, mitre, req, str, succeeded, TACTIC, viaAwsService } from '../helpers.ts';

const EC2 = ['ec2.amazonaws.com'];

/** User data runs as root at boot: changing it is code execution on the next start. */
export const userDataChanged = defineRule({
  id: 'ec2.user-data-changed',
  title: 'Instance startup script (user data) changed',
  description:
    'The user data of an instance was changed. User data scripts run as root (or SYSTEM) when the instance starts, so this runs code on the instance at its next boot.',
  severity: 'HIGH',
  mitre: [mitre(TACTIC.execution, 'T1059.009'), mitre(TACTIC.persistence, 'T1037')],
  appliesTo: { eventSource: EC2, eventName: ['ModifyInstanceAttribute'] },
  evaluate: (e) => {
    if (!succeeded(e)) return false;
    const r = req(e);
    return (
      (r.attribute === 'userData' || r.userData !== undefined) && {
        explanation: `${actor(e)} replaced the user data (startup script) of instance ${str(r.instanceId) ?? ''}.`,
      }
    );
  },
  equivalents: ['panther:AWS.EC2.Startup.Script.Change', 'sigma:1ab3c5ed-5baf-417b-bb6b-78ca33f6c3df'],
});

/** GPU, accelerator, bare-metal and very large families: what cryptominers and model abusers launch. */
const UNUSUAL_TYPE =
  /^(p[2-6][a-z]*|g[3-6][a-z]*|inf[12]|trn[12]|dl[12][a-z]*|f[12]|vt1|x[12][a-z]*|u-\d+tb\d*|hpc\d+[a-z]*)\.|\.metal(-\d+xl)?$|\.(24|32|48|56|96|112|224)xlarge$/;

/** The requested instance type (plain string or `{ value }`). */
function instanceType(value: unknown): string | undefined {
  return str(value) ?? str(at(value, 'value'));
}

/** Instances of unusual, expensive types launched (or attempted). */
export const unusualInstanceType = defineRule({
  id: 'ec2.unusual-instance-type-launched',
  title: 'GPU, accelerator or very large instance launched',
  description:
    'Instances of a GPU, accelerator, bare-metal or very large type were launched or attempted. Attackers with stolen keys launch these for crypto-mining or model training; a denied attempt is worth the same look.',
  severity: 'MEDIUM',
  mitre: [mitre(TACTIC.execution, 'T1610'), mitre(TACTIC.impact, 'T1496')],
  appliesTo: { eventSource: EC2, eventName: ['RunInstances'] },
  evaluate: (e) => {
    const type = instanceType(req(e).instanceType);
    if (!type || !UNUSUAL_TYPE.test(type)) return false;
    const count = Number(at(req(e), 'instancesSet.items.0.maxCount') ?? 1);
    return {
      explanation: `${actor(e)} ${e.errorCode ? 'tried to launch' : 'launched'} ${type} instance(s)${Number.isFinite(count) && count > 1 ? ` (up to ${count})` : ''}${e.errorCode ? ` and was refused (${e.errorCode})` : ''}.`,
    };
  },
  equivalents: ['panther:AWS.EC2.LaunchUnusualEC2Instances'],
});

/** An SSH key pushed to an instance through EC2 Instance Connect. */
export const instanceConnectKey = defineRule({
  id: 'ec2.instance-connect-ssh-key-pushed',
  title: 'SSH key pushed to an instance with EC2 Instance Connect',
  description:
    'A temporary SSH public key was pushed to an instance through EC2 Instance Connect, which gives shell access for 60 seconds to whoever holds the private key.',
  severity: 'MEDIUM',
  mitre: [mitre(TACTIC.lateralMovement, 'T1021.004')],
  appliesTo: { eventSource: ['ec2-instance-connect.amazonaws.com'], eventName: ['SendSSHPublicKey'] },
  evaluate: (e) =>
    succeeded(e) && {
      explanation: `${actor(e)} pushed an SSH key for OS user ${str(req(e).instanceOSUser) ?? '?'} to instance ${str(req(e).instanceId) ?? '?'}.`,
    },
});

/** Serial console access: a shell that bypasses network controls. */
export const serialConsole = defineRule({
  id: 'ec2.serial-console-access',
  title: 'EC2 serial console enabled or key pushed to it',
  description:
    'EC2 serial console access was enabled for the account, or an SSH key was pushed to an instance serial console. The serial console gives a shell without any network path.',
  severity: 'HIGH',
  mitre: [mitre(TACTIC.lateralMovement, 'T1021')],
  appliesTo: {
    eventSource: ['ec2.amazonaws.com', 'ec2-instance-connect.amazonaws.com'],
    eventName: ['EnableSerialConsoleAccess', 'SendSerialConsoleSSHPublicKey'],
  },
  evaluate: (e) => succeeded(e),
});

/** A key pair imported: someone's own SSH key for future instances. */
export const keyPairImported = defineRule({
  id: 'ec2.key-pair-imported',
  title: 'SSH key pair imported',
  description:
    'An SSH public key was imported as an EC2 key pair; instances launched with it accept that key.',
  severity: 'LOW',
  mitre: [mitre(TACTIC.persistence, 'T1098.004')],
  appliesTo: { eventSource: EC2, eventName: ['ImportKeyPair'] },
  evaluate: (e) => succeeded(e),
  equivalents: ['sigma:92f84194-8d9a-4ee0-8699-c30bfac59780'],
});

/** Instances stopped (prerequisite for changing user data and other attributes). */
export const instancesStopped = defineRule({
  id: 'ec2.instances-stopped',
  title: 'EC2 instances stopped',
  description:
    'EC2 instances were stopped. Stopping is required before changing user data or the instance type, and stops the service they run.',
  severity: 'LOW',
  mitre: [mitre(TACTIC.impact, 'T1489')],
  appliesTo: { eventSource: EC2, eventName: ['StopInstances'] },
  evaluate: (e) => succeeded(e),
  equivalents: ['panther:AWS.EC2.StopInstances'],
});

/** Compute created, terminated or changed by something other than AWS automation. */
export const computeChanged = defineRule({
  id: 'ec2.compute-changed-outside-automation',
  title: 'EC2 compute changed outside AWS automation',
  description:
    'Instances were launched, terminated, started, stopped or modified by a person or script rather than Auto Scaling or another AWS service.',
  severity: 'LOW',
  mitre: [mitre(TACTIC.defenseEvasion, 'T1578')],
  appliesTo: {
    eventSource: EC2,
    eventName: [
      'RunInstances',
      'TerminateInstances',
      'StartInstances',
      'StopInstances',
      'ModifyInstanceAttribute',
      'RebootInstances',
    ],
  },
  evaluate: (e) =>
    succeeded(e) &&
    !/autoscaling|spotfleet|ec2fleet/i.test(`${e.userAgent} ${e.sourceIp}`) &&
    !(viaAwsService(e) && e.userAgent !== 'AWS Internal'),
  equivalents: ['panther:AWS.Modify.Cloud.Compute.Infrastructure'],
});

/** ECS task definitions that read the container credentials endpoint. */
export const ecsCredentialQuery = defineRule({
  id: 'ecs.task-definition-reads-credentials',
  title: 'ECS task definition reads container credentials',
  description:
    'An ECS task definition or task command references the container credentials endpoint, a way to steal the task role credentials.',
  severity: 'HIGH',
  mitre: [mitre(TACTIC.credentialAccess, 'T1552.005')],
  appliesTo: {
    eventSource: ['ecs.amazonaws.com'],
    eventName: ['DescribeTaskDefinition', 'RegisterTaskDefinition', 'RunTask'],
  },
  evaluate: (e) =>
    JSON.stringify(req(e).containerDefinitions ?? req(e).overrides ?? '').includes(
      'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
    ),
  equivalents: ['sigma:b94bf91e-c2bf-4047-9c43-c6810f43baad'],
});

export const rules = [
  userDataChanged,
  unusualInstanceType,
  instanceConnectKey,
  serialConsole,
  keyPairImported,
  instancesStopped,
  computeChanged,
  ecsCredentialQuery,
];
