import { actor, defineRule, list, mitre, req, str, succeeded, TACTIC } from '../helpers.ts';

const SSM = ['ssm.amazonaws.com'];
const SHELL_DOCUMENTS = /^AWS-Run(Shell|PowerShell)Script$|^AWS-RunRemoteScript$/;

/** Commands run on instances through Run Command. */
export const sendCommand = defineRule({
  id: 'ssm.command-sent-to-instances',
  title: 'Shell command run on instances through SSM',
  description:
    'A shell script was run on EC2 instances with SSM Run Command. It runs as root with the instance role, so it is the usual way to execute code on instances and to read their metadata credentials.',
  severity: 'MEDIUM',
  mitre: [mitre(TACTIC.execution, 'T1651'), mitre(TACTIC.credentialAccess, 'T1552.005')],
  appliesTo: { eventSource: SSM, eventName: ['SendCommand'] },
  evaluate: (e) => {
    if (!succeeded(e)) return false;
    const document = str(req(e).documentName) ?? '';
    const instances = list<string>(req(e).instanceIds);
    const target = instances.length
      ? `${instances.length} instance(s) (${instances.slice(0, 5).join(', ')})`
      : 'targeted instances';
    return {
      severity: SHELL_DOCUMENTS.test(document) ? 'MEDIUM' : 'LOW',
      explanation: `${actor(e)} ran SSM document ${document || '?'} on ${target}.`,
    };
  },
  equivalents: ['sigma:38e7f511-3f74-41d4-836e-f57dfa18eead'],
});

/** Interactive Session Manager shells. */
export const startSession = defineRule({
  id: 'ssm.session-started',
  title: 'Interactive SSM session started on an instance',
  description:
    'An interactive Session Manager shell was opened on an instance: hands-on-keyboard access without SSH.',
  severity: 'MEDIUM',
  mitre: [mitre(TACTIC.execution, 'T1651'), mitre(TACTIC.lateralMovement, 'T1021.007')],
  appliesTo: { eventSource: SSM, eventName: ['StartSession'] },
  evaluate: (e) =>
    succeeded(e) && {
      explanation: `${actor(e)} opened an SSM session on ${str(req(e).target) ?? 'an instance'}.`,
    },
});

export const rules = [sendCommand, startSession];
