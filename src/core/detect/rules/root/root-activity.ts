import { defineRule, mitre, resp, TACTIC } from '../helpers.ts';

const READ = /^(Get|List|Describe|Head|Lookup|Search|Check|View|Preview|Scan|Query)/;

/** Root doing anything that changes the account (reads are left out). */
export const rootActivity = defineRule({
  id: 'root.account-change',
  title: 'Root user changed something',
  description:
    'The root user made a call that changes resources or settings (or signed in). Root has unlimited rights and should be kept for the few tasks that need it.',
  severity: 'HIGH',
  mitre: [mitre(TACTIC.privilegeEscalation, 'T1078.004')],
  appliesTo: {},
  evaluate: (e) => {
    if (e.principal.type !== 'Root') return false;
    const identity = e.raw.userIdentity as Record<string, unknown> | undefined;
    if (identity?.invokedBy || e.raw.eventType === 'AwsServiceEvent') return false;
    if (e.readOnly === true || READ.test(e.action)) return false;
    if (e.errorCode) return false;
    // Sign-in style events report failure in the response, not in errorCode.
    if (Object.values(resp(e)).some((v) => v === 'Failure')) return false;
    return true;
  },
  equivalents: ['panther:AWS.Root.Activity', 'sigma:8ad1600d-e9dc-4251-b0ee-a65268f29add'],
});

export const rules = [rootActivity];
