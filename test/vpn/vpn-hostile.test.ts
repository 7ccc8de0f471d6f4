// VPN and peering planners and components with hostile or careless input: every input is either
// refused with a TopologyError naming its fields, or planned with private ranges and database
// ports only (unless the named, documented overrides are set).
import { ofType, registered, settle } from './mock-cloud';
import { TopologyError } from '../../lib/core/problems';
import type { ClusterSpec } from '../../lib/core/topology';
import { planAwsPeeringMesh, planAwsTransitGatewayHub, planCrossCloudVpn, planGcpNetworks } from '../../lib/core/vpn';

const gke: ClusterSpec = { name: 'gke', cloud: 'gcp', region: 'us-east4', nodes: 3, podCidrs: ['10.8.0.0/14'], serviceCidrs: ['10.12.0.0/20'], nodeCidrs: ['10.0.0.0/20'] };
const eks: ClusterSpec = { name: 'eks', cloud: 'aws', region: 'us-west-2', nodes: 3, podCidrs: ['10.32.0.0/16'], serviceCidrs: ['172.20.0.0/16'], nodeCidrs: ['10.33.0.0/20'] };
const PSK = 'Secret_psk.Marker42';

function problemsOf(fn: () => unknown): Array<{ path: string; message: string }> {
  try {
    fn();
  } catch (e) {
    if (e instanceof TopologyError) return [...e.problems];
    throw e;
  }
  throw new Error('expected a TopologyError');
}
const pathsOf = (fn: () => unknown) => problemsOf(fn).map((p) => p.path);

describe('CrossCloudVpn plan: exposure', () => {
  test.each(['0.0.0.0/0', '0.0.0.0/1', '8.8.8.0/24', '100.128.0.0/9'])('extraAdvertisedRanges %s (not private) is refused', (range) => {
    const problems = problemsOf(() => planCrossCloudVpn({ clusters: [gke, eks], gcp: { extraAdvertisedRanges: [range] } }));
    expect(problems).toEqual([{ path: 'gcp.extraAdvertisedRanges[0]', message: expect.stringContaining('allowPublicRanges') }]);
  });

  test('a public pod range is refused as a firewall source, and accepted with allowPublicRanges', () => {
    const publicPods = { ...eks, podCidrs: ['34.0.0.0/16'] };
    expect(pathsOf(() => planCrossCloudVpn({ clusters: [gke, publicPods] }))).toEqual(['clusters[1].podCidrs[0]']);
    const plan = planCrossCloudVpn({ clusters: [gke, publicPods], allowPublicRanges: true });
    expect(plan.gcpIngress.sourceCidrs).toContain('34.0.0.0/16');
  });

  test('ports beyond the database are refused unless listed in extraPorts', () => {
    const problems = problemsOf(() => planCrossCloudVpn({ clusters: [gke, eks], ports: [26257, 22, 3389] }));
    expect(problems.map((p) => p.path)).toEqual(['ports[1]', 'ports[2]']);
    expect(problems[0].message).toContain('extraPorts');
    expect(planCrossCloudVpn({ clusters: [gke, eks], ports: [26257, 8080] }).awsIngress.allows[0].ports).toEqual([26257, 8080, 53]);
    expect(planCrossCloudVpn({ clusters: [gke, eks], extraPorts: [22] }).awsIngress.allows[0].ports).toEqual([26257, 22, 53]);
    expect(pathsOf(() => planCrossCloudVpn({ clusters: [gke, eks], extraPorts: [0, 70000, 1.5] as number[] }))).toEqual(['extraPorts[0]', 'extraPorts[1]', 'extraPorts[2]']);
  });
});

describe('CrossCloudVpn plan: shapes', () => {
  test.each<[string, unknown, string]>([
    ['null input', null, '(input)'],
    ['clusters as a string', { clusters: 'gke,eks' }, 'clusters'],
    ['a null cluster', { clusters: [gke, null] }, 'clusters[1]'],
    ['a cluster with CIDRs as a string', { clusters: [gke, { ...eks, podCidrs: '10.32.0.0/16' }] }, 'clusters[1].podCidrs'],
    ['tunnels as an object', { clusters: [gke, eks], tunnels: { insideCidr: '169.254.10.0/30' } }, 'tunnels'],
    ['a null tunnel', { clusters: [gke, eks], tunnels: [null, {}, {}, {}] }, 'tunnels[0]'],
    ['gcp as a string', { clusters: [gke, eks], gcp: 'us-east4' }, 'gcp'],
    ['excludeInsideCidrs as a string', { clusters: [gke, eks], excludeInsideCidrs: '169.254.6.0/30' }, 'excludeInsideCidrs'],
    ['a prototype key as cipher', { clusters: [gke, eks], cipher: { encryption: 'constructor' } }, 'cipher.encryption'],
    ['ports as a number', { clusters: [gke, eks], ports: 26257 }, 'ports'],
  ])('%s gives a TopologyError with a path', (_, input, path) => {
    expect(pathsOf(() => planCrossCloudVpn(input as never))).toContain(path);
  });

  test('an exhausted inside range is a TopologyError, not a crash', () => {
    expect(pathsOf(() => planCrossCloudVpn({ clusters: [gke, eks], excludeInsideCidrs: ['169.254.0.0/16'] }))).toEqual(['excludeInsideCidrs']);
  });

  test('a pre-shared key never appears in a message, whatever is wrong with it', () => {
    const problems = problemsOf(() => planCrossCloudVpn({ clusters: [gke, eks], tunnels: [{ presharedKey: `0${PSK}+` }, { presharedKey: PSK }, { presharedKey: PSK }, {}] }));
    expect(problems.length).toBeGreaterThan(0);
    expect(JSON.stringify(problems)).not.toContain('Secret_psk');
  });
});

describe('peering planners', () => {
  const eksAt = (i: number, cidr = `10.${i * 4}.0.0/16`): ClusterSpec => ({ name: `eks-${i}`, cloud: 'aws', region: i % 2 ? 'us-west-2' : 'us-east-1', nodes: 3, podCidrs: [cidr] });
  test.each<[string, unknown, string]>([
    ['vpcs as a string', { vpcs: 'vpc-1' }, 'vpcs'],
    ['a null VPC', { vpcs: [null, { cluster: eksAt(1), routeTables: 1 }] }, 'vpcs[0]'],
    ['a VPC without a cluster', { vpcs: [{ routeTables: 1 }, { cluster: eksAt(1), routeTables: 1 }] }, 'vpcs[0].cluster'],
    ['a public routed CIDR', { vpcs: [{ cluster: eksAt(0), routeTables: 1, cidrs: ['0.0.0.0/0'] }, { cluster: eksAt(1), routeTables: 1 }] }, 'vpcs[0].cidrs[0]'],
    ['a public pod CIDR', { vpcs: [{ cluster: eksAt(0, '52.0.0.0/16'), routeTables: 1 }, { cluster: eksAt(1), routeTables: 1 }] }, 'vpcs[0].cluster.podCidrs[0]'],
    ['SSH between the VPCs', { vpcs: [{ cluster: eksAt(0), routeTables: 1 }, { cluster: eksAt(1), routeTables: 1 }], ports: [22] }, 'ports[0]'],
  ])('AWS mesh: %s', (_, input, path) => {
    expect(pathsOf(() => planAwsPeeringMesh(input as never))).toContain(path);
  });

  test('TGW ASNs are looked up by own key: a region named like a prototype property gets the default', () => {
    const input = { vpcs: [{ cluster: eksAt(0), routeTables: 1 }, { cluster: eksAt(1), routeTables: 1 }] };
    const plan = planAwsTransitGatewayHub(input, JSON.parse('{"us-east-1": 65200}'));
    expect(plan.transitGateways.map((t) => t.asn)).toEqual([65200, 65101]);
    expect(pathsOf(() => planAwsTransitGatewayHub(input, JSON.parse('{"__proto__": 65000}')))).toEqual(['transitGatewayAsns.__proto__']);
  });

  test.each<[string, unknown, string]>([
    ['networks as null', { networks: null, clusters: [] }, 'networks'],
    ['a cluster entry as a string', { networks: [{ name: 'n' }], clusters: ['gke'] }, 'clusters[0]'],
    ['a public source range', { networks: [{ name: 'n' }], clusters: [{ cluster: { ...gke, podCidrs: ['35.0.0.0/16'] }, network: 'n' }, { cluster: { ...gke, name: 'gke2', podCidrs: ['10.100.0.0/16'], nodeCidrs: [], serviceCidrs: [] }, network: 'n' }] }, 'clusters[0].cluster.podCidrs[0]'],
  ])('GCP networks: %s', (_, input, path) => {
    expect(pathsOf(() => planGcpNetworks(input as never))).toContain(path);
  });
});

describe('VPN and peering components with hostile arguments register nothing', () => {
  test.each([null, undefined, 'args', [], {}, { clusters: 'x', gcp: null, aws: 7 }])('CrossCloudVpn(%p)', async (args) => {
    const { CrossCloudVpn } = await import('../../lib/pulumi/vpn');
    const before = registered.length;
    expect(() => new CrossCloudVpn('hostile-vpn', args as never)).toThrow(TopologyError);
    await settle();
    expect(registered.length).toBe(before);
  });

  test.each([
    ['AwsVpcPeeringMesh', { vpcs: [{ cluster: eks, vpcId: 'v', routeTableIds: 'rtb-1' }, null] }],
    ['AwsTransitGatewayHub', { vpcs: 'vpc-1' }],
    ['GcpNetworkPeering', { networks: [{ name: 'n', network: 'x' }], clusters: [{ cluster: null, network: 'n' }] }],
    ['VpcCniSnatExclusion', { clusterName: 'c', cluster: null, clusters: [eks] }],
    ['VpcCniSnatExclusion', { clusterName: 'c', cluster: eks, clusters: 'all', extraEnv: 'A=1' }],
  ])('%s with bad shapes', async (component, args) => {
    const vpnModule = await import('../../lib/pulumi/vpn');
    const before = registered.length;
    expect(() => new (vpnModule as any)[component]('hostile', args)).toThrow(TopologyError);
    for (const bad of [null, 42, 'x']) expect(() => new (vpnModule as any)[component]('hostile', bad)).toThrow(TopologyError);
    await settle();
    expect(registered.length).toBe(before);
    expect(ofType('aws:ec2/route:Route').filter((r) => r.name.startsWith('hostile'))).toHaveLength(0);
  });
});
