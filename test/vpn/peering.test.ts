import { ofType, registered, settle } from './mock-cloud';
import type { ClusterSpec } from '../../lib/core/topology';
import type { AwsHubVpcArgs } from '../../lib/pulumi/vpn';

const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-south-1', 'eu-central-1'];
function eksCluster(i: number, region = REGIONS[i]): ClusterSpec {
  return { name: `eks-${i}`, cloud: 'aws', region, nodes: 3, podCidrs: [`10.${i * 4}.0.0/16`], nodeCidrs: [`10.${i * 4 + 1}.0.0/20`] };
}
function vpc(i: number, region?: string): AwsHubVpcArgs {
  return {
    cluster: eksCluster(i, region),
    vpcId: `vpc-${i}`,
    routeTableIds: [`rtb-${i}-a`, `rtb-${i}-b`],
    securityGroupIds: [`sg-${i}`],
    subnetIds: [`subnet-${i}-a`, `subnet-${i}-b`],
  };
}

describe('AwsVpcPeeringMesh', () => {
  test.each([2, 3, 4, 5])('%i regions: N(N−1)/2 peerings, as many accepters, routes in every route table on both sides', async (n) => {
    const { AwsVpcPeeringMesh } = await import('../../lib/pulumi/vpn');
    const vpcs = Array.from({ length: n }, (_, i) => vpc(i));
    const mesh = new AwsVpcPeeringMesh('mesh', { vpcs });
    await new Promise((r) => mesh.peeringConnectionIds.apply(r));
    await settle();
    const pairs = (n * (n - 1)) / 2;
    const peerings = ofType('aws:ec2/vpcPeeringConnection:VpcPeeringConnection');
    const accepters = ofType('aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter');
    expect(peerings).toHaveLength(pairs);
    expect(accepters).toHaveLength(pairs);
    // Requester in its own region, autoAccept false, peerRegion = accepter's region; accepter in the peer region.
    for (const p of peerings) {
      const [a, b] = p.name.replace('mesh-', '').split('-eks-').map((s) => Number(s.replace('eks-', '')));
      expect(p.inputs).toMatchObject({ vpcId: `vpc-${a}`, peerVpcId: `vpc-${b}`, region: REGIONS[a], peerRegion: REGIONS[b], autoAccept: false });
      const acc = accepters.find((x) => x.name === `${p.name}-accepter`);
      expect(acc?.inputs).toMatchObject({ vpcPeeringConnectionId: `${p.name}-id`, autoAccept: true, region: REGIONS[b] });
    }
    // Each VPC: 2 route tables × (n−1) peers × 2 CIDRs (pod + node).
    const routes = ofType('aws:ec2/route:Route');
    expect(routes).toHaveLength(n * 2 * (n - 1) * 2);
    const r0 = routes.filter((r) => r.inputs.routeTableId === 'rtb-0-a').map((r) => r.inputs.destinationCidrBlock).sort();
    const expected0 = Array.from({ length: n - 1 }, (_, k) => [`10.${(k + 1) * 4}.0.0/16`, `10.${(k + 1) * 4 + 1}.0.0/20`]).flat().sort();
    expect(r0).toEqual(expected0);
    expect(routes.every((r) => typeof r.inputs.vpcPeeringConnectionId === 'string' && r.inputs.vpcPeeringConnectionId.endsWith('-id'))).toBe(true);
    // SG rules by CIDR: per VPC, (n−1) × 2 CIDRs × 4 rules.
    const sgRules = ofType('aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule');
    expect(sgRules).toHaveLength(n * (n - 1) * 2 * 4);
    expect(sgRules.filter((r) => r.inputs.securityGroupId === 'sg-0').every((r) => r.inputs.region === REGIONS[0] && !r.inputs.cidrIpv4.startsWith('10.0.') && !r.inputs.cidrIpv4.startsWith('10.1.'))).toBe(true);
    expect(sgRules.some((r) => r.inputs.referencedSecurityGroupId !== undefined)).toBe(false);
  });

  test('overlapping VPC CIDRs throw before anything is registered', async () => {
    const { AwsVpcPeeringMesh } = await import('../../lib/pulumi/vpn');
    const { TopologyError } = await import('../../lib/core/problems');
    const bad = { ...vpc(1), cluster: { ...eksCluster(1), podCidrs: ['10.0.128.0/17'] } };
    expect(() => new AwsVpcPeeringMesh('bad', { vpcs: [vpc(0), bad] })).toThrow(TopologyError);
    expect(() => new AwsVpcPeeringMesh('bad', { vpcs: [vpc(0), bad] })).toThrow(/vpcs\[1\]\.cluster\.podCidrs\[0\]/);
    await settle();
    expect(registered).toHaveLength(0);
  });
});

describe('AwsTransitGatewayHub', () => {
  test('5 VPCs in 3 regions: O(N) attachments, R(R−1)/2 TGW peerings, static routes, VPC routes to the local TGW', async () => {
    const { AwsTransitGatewayHub } = await import('../../lib/pulumi/vpn');
    const regions = ['us-east-1', 'us-east-1', 'us-west-2', 'eu-west-1', 'eu-west-1'];
    const vpcs = regions.map((r, i) => vpc(i, r));
    const hub = new AwsTransitGatewayHub('hub', { vpcs, asns: { 'eu-west-1': 65200 } });
    await new Promise((r) => hub.attachmentIds.apply(r));
    await settle();
    const tgws = ofType('aws:ec2transitgateway/transitGateway:TransitGateway');
    expect(tgws.map((t) => [t.inputs.region, t.inputs.amazonSideAsn])).toEqual([
      ['us-east-1', 65100],
      ['us-west-2', 65101],
      ['eu-west-1', 65200],
    ]);
    const attachments = ofType('aws:ec2transitgateway/vpcAttachment:VpcAttachment');
    expect(attachments).toHaveLength(5);
    expect(attachments.find((a) => a.inputs.vpcId === 'vpc-3')?.inputs).toMatchObject({ region: 'eu-west-1', transitGatewayId: 'hub-eu-west-1-id', subnetIds: ['subnet-3-a', 'subnet-3-b'] });
    expect(ofType('aws:ec2transitgateway/peeringAttachment:PeeringAttachment')).toHaveLength(3);
    expect(ofType('aws:ec2transitgateway/peeringAttachmentAccepter:PeeringAttachmentAccepter')).toHaveLength(3);
    expect(ofType('aws:ec2/vpcPeeringConnection:VpcPeeringConnection')).toHaveLength(0);
    // Static TGW routes: every TGW has a route for every VPC CIDR of the other regions.
    const tgwRoutes = ofType('aws:ec2transitgateway/route:Route');
    const perTgw = (region: string): number => tgwRoutes.filter((r) => r.inputs.region === region).length;
    expect([perTgw('us-east-1'), perTgw('us-west-2'), perTgw('eu-west-1')]).toEqual([3 * 2, 4 * 2, 3 * 2]);
    expect(tgwRoutes.find((r) => r.inputs.region === 'us-east-1')?.inputs.transitGatewayRouteTableId).toBe('tgw-rtb-hub-us-east-1');
    // VPC routes: 5 VPCs × 2 route tables × 4 other VPCs × 2 CIDRs, all to the local TGW.
    const vpcRoutes = ofType('aws:ec2/route:Route');
    expect(vpcRoutes).toHaveLength(5 * 2 * 4 * 2);
    expect(vpcRoutes.filter((r) => r.inputs.routeTableId === 'rtb-2-a').every((r) => r.inputs.transitGatewayId === 'hub-us-west-2-id')).toBe(true);
  });

  test('duplicate TGW ASN is rejected with the field named', async () => {
    const { AwsTransitGatewayHub } = await import('../../lib/pulumi/vpn');
    expect(() => new AwsTransitGatewayHub('dup', { vpcs: [vpc(0), vpc(1)], asns: { 'us-east-1': 65300, 'us-west-2': 65300 } })).toThrow(
      /transitGatewayAsns\.us-west-2/,
    );
    await settle();
    expect(registered).toHaveLength(0);
  });
});

describe('GcpNetworkPeering', () => {
  const gke = (i: number): ClusterSpec => ({
    name: `gke-${i}`,
    cloud: 'gcp',
    region: ['us-east4', 'europe-west1', 'asia-east1'][i],
    nodes: 3,
    podCidrs: [`10.${100 + i * 4}.0.0/16`],
    nodeCidrs: [`10.${101 + i * 4}.0.0/20`],
  });

  test('one global VPC: firewall rules only, each from exactly the other clusters', async () => {
    const { GcpNetworkPeering } = await import('../../lib/pulumi/vpn');
    const c = new GcpNetworkPeering('g', {
      networks: [{ name: 'global', network: 'selfLink/global' }],
      clusters: [0, 1, 2].map((i) => ({ cluster: gke(i), network: 'global', targetTags: [`gke-${i}-node`] })),
    });
    await new Promise((r) => c.firewallNames.apply(r));
    await settle();
    expect(c.plan.singleNetwork).toBe(true);
    expect(ofType('gcp:compute/networkPeering:NetworkPeering')).toHaveLength(0);
    const fws = ofType('gcp:compute/firewall:Firewall');
    expect(fws).toHaveLength(3);
    const into0 = fws.find((f) => f.name === 'g-into-gke-0');
    expect(into0?.inputs).toMatchObject({
      network: 'selfLink/global',
      direction: 'INGRESS',
      sourceRanges: ['10.104.0.0/16', '10.105.0.0/20', '10.108.0.0/16', '10.109.0.0/20'],
      targetTags: ['gke-0-node'],
      allows: [{ protocol: 'tcp', ports: ['26257', '53'] }, { protocol: 'udp', ports: ['53'] }, { protocol: 'icmp' }],
    });
  });

  test('three separate VPCs: a peering on each side of every pair with custom route export and import', async () => {
    const { GcpNetworkPeering } = await import('../../lib/pulumi/vpn');
    const c = new GcpNetworkPeering('s', {
      networks: [0, 1, 2].map((i) => ({ name: `net${i}`, network: `selfLink/net${i}` })),
      clusters: [0, 1, 2].map((i) => ({ cluster: gke(i), network: `net${i}` })),
    });
    await new Promise((r) => c.firewallNames.apply(r));
    await settle();
    const peerings = ofType('gcp:compute/networkPeering:NetworkPeering');
    expect(peerings).toHaveLength(6);
    expect(peerings.map((p) => `${p.inputs.network}>${p.inputs.peerNetwork}`).sort()).toEqual(
      ['selfLink/net0>selfLink/net1', 'selfLink/net1>selfLink/net0', 'selfLink/net0>selfLink/net2', 'selfLink/net2>selfLink/net0', 'selfLink/net1>selfLink/net2', 'selfLink/net2>selfLink/net1'].sort(),
    );
    expect(peerings.every((p) => p.inputs.exportCustomRoutes === true && p.inputs.importCustomRoutes === true)).toBe(true);
    expect(ofType('gcp:compute/firewall:Firewall').map((f) => f.inputs.network).sort()).toEqual(['selfLink/net0', 'selfLink/net1', 'selfLink/net2']);
  });
});

describe('VpcCniSnatExclusion', () => {
  test('vpc-cni add-on excludes exactly the other clusters’ pod and node CIDRs from SNAT', async () => {
    const { VpcCniSnatExclusion } = await import('../../lib/pulumi/vpn');
    const gkeCluster: ClusterSpec = { name: 'gke', cloud: 'gcp', region: 'us-east4', nodes: 3, podCidrs: ['10.100.0.0/16'], nodeCidrs: ['10.101.0.0/20'], serviceCidrs: ['10.102.0.0/20'] };
    const c = new VpcCniSnatExclusion('snat', { clusterName: 'eks-0', cluster: eksCluster(0), clusters: [eksCluster(0), eksCluster(1), gkeCluster] });
    const values = await new Promise<string>((r) => c.configurationValues.apply(r));
    await settle();
    const addons = ofType('aws:eks/addon:Addon');
    expect(addons).toHaveLength(1);
    expect(addons[0].inputs).toMatchObject({ clusterName: 'eks-0', addonName: 'vpc-cni', resolveConflictsOnCreate: 'OVERWRITE', resolveConflictsOnUpdate: 'OVERWRITE' });
    expect(JSON.parse(addons[0].inputs.configurationValues)).toEqual({
      env: { AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS: '10.4.0.0/16,10.5.0.0/20,10.100.0.0/16,10.101.0.0/20' },
    });
    expect(values).toBe(addons[0].inputs.configurationValues);
  });
});
