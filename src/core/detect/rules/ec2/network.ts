import type { ProcessedEvent } from '../../../event.ts';
import { actor, defineRule, items, mitre, req, str, succeeded, TACTIC } from '../helpers.ts';

const EC2 = ['ec2.amazonaws.com'];
/** A CIDR with a /0 prefix covers every address, whatever address is written before it. */
const isWorld = (cidr: unknown) => typeof cidr === 'string' && /\/0$/.test(cidr.trim());
const ADMIN_PORTS = [22, 3389, 5985, 5986, 23, 21, 445, 1433, 3306, 5432, 6379, 9200, 27017];

/** Ingress permissions of an AuthorizeSecurityGroupIngress call that are open to the internet. */
function worldRules(e: ProcessedEvent): { from: number; to: number; protocol: string }[] {
  const out: { from: number; to: number; protocol: string }[] = [];
  for (const perm of items(req(e).ipPermissions)) {
    const v4 = items(perm.ipRanges).map((r) => str(r.cidrIp));
    const v6 = items(perm.ipv6Ranges).map((r) => str(r.cidrIpv6));
    if (![...v4, ...v6].some(isWorld)) continue;
    const protocol = String(perm.ipProtocol ?? '');
    const all = protocol === '-1';
    out.push({
      from: all ? 0 : Number(perm.fromPort ?? 0),
      to: all ? 65535 : Number(perm.toPort ?? 65535),
      protocol,
    });
  }
  // The single-rule form (cidrIp at the top level) is still accepted by the API.
  const r = req(e);
  if (isWorld(r.cidrIp)) {
    out.push({
      from: Number(r.fromPort ?? 0),
      to: Number(r.toPort ?? 65535),
      protocol: String(r.ipProtocol ?? ''),
    });
  }
  return out;
}

/** A security group opened to the whole internet. */
export const securityGroupOpenToWorld = defineRule({
  id: 'ec2.security-group-open-to-internet',
  title: 'Security group opened to the internet',
  description:
    'An inbound security group rule now allows traffic from anywhere (0.0.0.0/0 or ::/0). Open administrative ports (SSH, RDP, databases) invite brute force and give a way in or out.',
  severity: 'MEDIUM',
  mitre: [mitre(TACTIC.defenseEvasion, 'T1562.007'), mitre(TACTIC.exfiltration, 'T1048')],
  appliesTo: { eventSource: EC2, eventName: ['AuthorizeSecurityGroupIngress'] },
  evaluate: (e) => {
    if (!succeeded(e)) return false;
    const open = worldRules(e);
    if (open.length === 0) return false;
    const adminPorts = ADMIN_PORTS.filter((p) => open.some((r) => r.from <= p && p <= r.to));
    const ports = open.map((r) => (r.from === r.to ? `${r.from}` : `${r.from}-${r.to}`)).join(', ');
    return {
      severity: adminPorts.length ? 'HIGH' : 'MEDIUM',
      explanation: `${actor(e)} opened security group ${str(req(e).groupId) ?? ''} to the internet on port(s) ${ports}${adminPorts.length ? ` (administrative: ${adminPorts.join(', ')})` : ''}.`,
      evidence: { openPorts: ports },
    };
  },
});

const SG_CHANGES = [
  'AuthorizeSecurityGroupIngress',
  'AuthorizeSecurityGroupEgress',
  'RevokeSecurityGroupIngress',
  'RevokeSecurityGroupEgress',
  'ModifySecurityGroupRules',
  'UpdateSecurityGroupRuleDescriptionsIngress',
  'UpdateSecurityGroupRuleDescriptionsEgress',
  'CreateSecurityGroup',
  'DeleteSecurityGroup',
];

/** Any security group rule change (low: the change history). */
export const securityGroupChanged = defineRule({
  id: 'ec2.security-group-changed',
  title: 'Security group rules changed',
  description: 'Inbound or outbound rules of a security group were added, changed or removed.',
  severity: 'LOW',
  mitre: [mitre(TACTIC.defenseEvasion, 'T1562.007')],
  appliesTo: { eventSource: EC2, eventName: SG_CHANGES.slice(0, 8) },
  evaluate: (e) => succeeded(e),
  equivalents: ['panther:AWS.EC2.SecurityGroupModified', 'sigma:6fb77778-040f-4015-9440-572aa9b6b580'],
});

/** Changes made outside the usual tooling (console, CloudFormation, Terraform). */
export const manualSecurityGroupChange = defineRule({
  id: 'ec2.security-group-changed-outside-iac',
  title: 'Security group changed outside the console and infrastructure-as-code',
  description:
    'A security group was changed by a client that is neither the console, CloudFormation nor Terraform (for example a script with keys), which bypasses review.',
  severity: 'LOW',
  mitre: [mitre(TACTIC.defenseEvasion, 'T1562.007')],
  appliesTo: { eventSource: EC2, eventName: SG_CHANGES },
  evaluate: (e) =>
    succeeded(e) &&
    !/console\.(ec2\.)?amazonaws\.com|cloudformation|HashiCorp|Terraform|AWS Internal/i.test(e.userAgent),
  equivalents: ['panther:AWS.EC2.ManualSecurityGroupChange'],
});

/** A network ACL entry allowing inbound traffic from anywhere. */
export const naclOpen = defineRule({
  id: 'ec2.network-acl-allows-internet',
  title: 'Network ACL allows inbound traffic from anywhere',
  description: 'A network ACL entry was added that allows inbound traffic from 0.0.0.0/0 or ::/0.',
  severity: 'MEDIUM',
  mitre: [mitre(TACTIC.persistence, 'T1098'), mitre(TACTIC.defenseEvasion, 'T1562.007')],
  appliesTo: { eventSource: EC2, eventName: ['CreateNetworkAclEntry', 'ReplaceNetworkAclEntry'] },
  evaluate: (e) => {
    const r = req(e);
    return (
      succeeded(e) &&
      r.egress === false &&
      r.ruleAction === 'allow' &&
      (isWorld(r.cidrBlock) || isWorld(r.ipv6CidrBlock))
    );
  },
  equivalents: ['panther:AWS.CloudTrail.NetworkACLPermissiveEntry'],
});

/** Any network ACL change. */
export const naclChanged = defineRule({
  id: 'ec2.network-acl-changed',
  title: 'Network ACL changed',
  description: 'A network ACL or one of its entries was created, replaced or deleted.',
  severity: 'LOW',
  mitre: [mitre(TACTIC.defenseEvasion, 'T1562.007')],
  appliesTo: {
    eventSource: EC2,
    eventName: [
      'CreateNetworkAcl',
      'CreateNetworkAclEntry',
      'DeleteNetworkAcl',
      'DeleteNetworkAclEntry',
      'ReplaceNetworkAclEntry',
      'ReplaceNetworkAclAssociation',
    ],
  },
  evaluate: (e) => succeeded(e),
  equivalents: ['panther:AWS.EC2.NetworkACLModified', 'sigma:e1f7febb-7b94-4234-b5c6-00fb8500f5dd'],
});

/** Route changes can send traffic through an attacker's appliance or out of the VPC. */
export const routeChanged = defineRule({
  id: 'ec2.route-table-changed',
  title: 'Route table changed',
  description: 'A route or route table was created, replaced, deleted or re-associated.',
  severity: 'LOW',
  mitre: [mitre(TACTIC.exfiltration, 'T1048')],
  appliesTo: {
    eventSource: EC2,
    eventName: [
      'CreateRoute',
      'CreateRouteTable',
      'ReplaceRoute',
      'ReplaceRouteTableAssociation',
      'DeleteRouteTable',
      'DeleteRoute',
      'DisassociateRouteTable',
      'AssociateRouteTable',
    ],
  },
  evaluate: (e) => succeeded(e),
  equivalents: ['panther:AWS.EC2.RouteTableModified', 'sigma:c803b2ce-c4a2-4836-beae-b112010390b1'],
});

/** Internet, customer and VPN gateways decide what a VPC can reach. */
export const gatewayChanged = defineRule({
  id: 'ec2.network-gateway-changed',
  title: 'Network gateway changed',
  description: 'An internet, customer, VPN or NAT gateway was created, attached, detached or deleted.',
  severity: 'LOW',
  mitre: [mitre(TACTIC.defenseEvasion, 'T1562.007')],
  appliesTo: {
    eventSource: EC2,
    eventName: [
      'CreateCustomerGateway',
      'DeleteCustomerGateway',
      'AttachInternetGateway',
      'CreateInternetGateway',
      'DeleteInternetGateway',
      'DetachInternetGateway',
      'CreateVpnGateway',
      'AttachVpnGateway',
      'DetachVpnGateway',
      'DeleteVpnGateway',
      'CreateNatGateway',
      'DeleteNatGateway',
    ],
  },
  evaluate: (e) => succeeded(e),
  equivalents: ['panther:AWS.EC2.GatewayModified'],
});

/** VPC created, deleted, peered or its attributes changed. */
export const vpcChanged = defineRule({
  id: 'ec2.vpc-changed',
  title: 'VPC changed',
  description: 'A VPC was created, deleted, peered, or had its attributes or ClassicLink settings changed.',
  severity: 'LOW',
  mitre: [mitre(TACTIC.defenseEvasion, 'T1562.007')],
  appliesTo: {
    eventSource: EC2,
    eventName: [
      'CreateVpc',
      'DeleteVpc',
      'ModifyVpcAttribute',
      'AcceptVpcPeeringConnection',
      'CreateVpcPeeringConnection',
      'DeleteVpcPeeringConnection',
      'RejectVpcPeeringConnection',
      'AttachClassicLinkVpc',
      'DetachClassicLinkVpc',
      'DisableVpcClassicLink',
      'EnableVpcClassicLink',
    ],
  },
  evaluate: (e) => succeeded(e),
  equivalents: ['panther:AWS.EC2.VPCModified'],
});

/** Traffic mirroring copies packets of an interface to another target: a network tap. */
export const trafficMirroring = defineRule({
  id: 'ec2.traffic-mirroring-changed',
  title: 'Traffic mirroring set up or changed',
  description:
    'A traffic mirror session, target or filter was created, changed or deleted. Mirroring copies all packets of an interface elsewhere, which can capture data in transit.',
  severity: 'MEDIUM',
  mitre: [mitre(TACTIC.collection, 'T1040'), mitre(TACTIC.credentialAccess, 'T1040')],
  appliesTo: {
    eventSource: EC2,
    eventName: [
      'CreateTrafficMirrorFilter',
      'CreateTrafficMirrorFilterRule',
      'CreateTrafficMirrorSession',
      'CreateTrafficMirrorTarget',
      'DeleteTrafficMirrorFilter',
      'DeleteTrafficMirrorFilterRule',
      'DeleteTrafficMirrorSession',
      'DeleteTrafficMirrorTarget',
      'ModifyTrafficMirrorFilterNetworkServices',
      'ModifyTrafficMirrorFilterRule',
      'ModifyTrafficMirrorSession',
    ],
  },
  evaluate: (e) => succeeded(e),
  equivalents: ['panther:AWS.EC2.Traffic.Mirroring'],
});

export const rules = [
  securityGroupOpenToWorld,
  securityGroupChanged,
  manualSecurityGroupChange,
  naclOpen,
  naclChanged,
  routeChanged,
  gatewayChanged,
  vpcChanged,
  trafficMirroring,
];
