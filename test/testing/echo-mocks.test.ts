// The mocks people write first echo every input back. Under them nothing the cloud computes is
// known (a gateway's interfaces, a tunnel's addresses), and the cloud components must not crash.
import * as pulumi from '@pulumi/pulumi';
import type { ClusterSpec } from 'crosscluster';

const failures: unknown[] = [];
const onFailure = (error: unknown) => failures.push(error);

beforeAll(async () => {
  process.on('unhandledRejection', onFailure);
  await pulumi.runtime.setMocks({
    newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }),
    call: (args) => args.inputs,
  }, 'echo', 'test', false);
});

afterAll(() => {
  process.off('unhandledRejection', onFailure);
});

const gke: ClusterSpec = {
  name: 'gke-east', cloud: 'gcp', region: 'us-east4', nodes: 3, podCidrs: ['10.8.0.0/14'], serviceCidrs: ['10.12.0.0/20'], nodeCidrs: ['10.0.0.0/20'],
};
const eks: ClusterSpec = {
  name: 'eks-west', cloud: 'aws', region: 'us-west-2', nodes: 3, podCidrs: ['10.32.0.0/16'], serviceCidrs: ['172.20.0.0/16'], nodeCidrs: ['10.33.0.0/20'],
};

test('CrossCloudVpn under an echo mock: every output settles and nothing throws', async () => {
  const { CrossCloudVpn } = await import('crosscluster/pulumi/cloud');
  const vpn = new CrossCloudVpn('vpn', {
    clusters: [gke, eks],
    gcp: { network: 'projects/p/global/networks/crdb', region: 'us-east4', asn: 65010 },
    aws: { vpcId: 'vpc-123', region: 'us-west-2', asn: 65020, routeTableIds: ['rtb-a'], securityGroupIds: ['sg-1'] },
  });
  const settled = (o: pulumi.Output<unknown>) => new Promise<unknown>((resolve) => o.apply(resolve));
  // The cloud would report the interface IPs; the echo mock does not, so they are empty, not a crash.
  expect(await settled(vpn.haVpnInterfaceIps)).toEqual(['', '']);
  await settled(vpn.bgpSessions);
  expect(failures).toEqual([]);
}, 20_000);

test('the peering components under an echo mock: every output settles and nothing throws', async () => {
  const { AwsTransitGatewayHub, GcpNetworkPeering } = await import('crosscluster/pulumi/cloud');
  const eksCluster = (i: number): ClusterSpec => ({ ...eks, name: `eks-${i}`, podCidrs: [`10.${40 + 2 * i}.0.0/16`], nodeCidrs: [`10.${41 + 2 * i}.0.0/20`], serviceCidrs: [`172.${20 + i}.0.0/16`] });
  const hub = new AwsTransitGatewayHub('hub', {
    vpcs: [0, 1].map((i) => ({
      cluster: { ...eksCluster(i), region: ['us-west-2', 'eu-west-1'][i] },
      vpcId: `vpc-${i}`,
      routeTableIds: [`rtb-${i}`],
      securityGroupIds: [`sg-${i}`],
      subnetIds: [`subnet-${i}`],
    })),
  });
  const peering = new GcpNetworkPeering('gcp', {
    networks: [0, 1].map((i) => ({ name: `net${i}`, network: `selfLink/net${i}` })),
    clusters: [0, 1].map((i) => ({ cluster: { ...gke, name: `gke-${i}`, podCidrs: [`10.${60 + 2 * i}.0.0/16`], nodeCidrs: [`10.${61 + 2 * i}.0.0/20`], serviceCidrs: [`10.${80 + i}.0.0/20`] }, network: `net${i}` })),
  });
  await new Promise((resolve) => hub.attachmentIds.apply(resolve));
  await new Promise((resolve) => peering.firewallNames.apply(resolve));
  await pulumi.runtime.disconnect();
  expect(failures).toEqual([]);
}, 20_000);
