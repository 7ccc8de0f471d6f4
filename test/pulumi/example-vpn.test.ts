// The GKE + EKS example (CrossCloudVpn under MultiRegionCockroach with DNS chaining) runs under mocks.
import type * as pulumiType from '@pulumi/pulumi';
import { isSecretValue, kubeObjectOf, kubeResources, Recorded, settle, startMocks, valueOf } from './mock-engine';

const PROJECT = 'pulumi-gke-eks-vpn';

let pulumi: typeof pulumiType;
let recorded: Recorded[];
let program: typeof import('../../examples/pulumi-gke-eks-vpn/index');

beforeAll(async () => {
  pulumi = await import('@pulumi/pulumi');
  recorded = await startMocks({ project: PROJECT });
  const config: Record<string, string> = {
    [`${PROJECT}:kubeconfigs`]: JSON.stringify({ 'gke-us-east4': 'kubeconfig of gke', 'eks-us-west-2': 'kubeconfig of eks' }),
    [`${PROJECT}:gcpNetwork`]: 'projects/p/global/networks/crdb',
    [`${PROJECT}:gkeNodeTag`]: 'gke-crdb-node',
    [`${PROJECT}:awsVpcId`]: 'vpc-123',
    [`${PROJECT}:awsRouteTableIds`]: JSON.stringify(['rtb-a', 'rtb-b']),
    [`${PROJECT}:eksClusterName`]: 'eks-crdb',
    [`${PROJECT}:eksSecurityGroupId`]: 'sg-eks',
  };
  pulumi.runtime.setAllConfig(config, [`${PROJECT}:kubeconfigs`]);
  program = await import('../../examples/pulumi-gke-eks-vpn/index');
  await valueOf(program.joinAddresses);
  await valueOf(program.bgpSessions);
  await settle();
});

const count = (type: string) => recorded.filter((r) => r.type === type).length;

test('the VPN is the four-tunnel HA topology', () => {
  expect(count('gcp:compute/haVpnGateway:HaVpnGateway')).toBe(1);
  expect(count('aws:ec2/customerGateway:CustomerGateway')).toBe(2);
  expect(count('aws:ec2/vpnConnection:VpnConnection')).toBe(2);
  expect(count('gcp:compute/vPNTunnel:VPNTunnel')).toBe(4);
  expect(count('gcp:compute/routerPeer:RouterPeer')).toBe(4);
});

test('the database uses DNS chaining: in-cluster names in the join list, forwarding patched in both clusters', async () => {
  const join = await valueOf(program.joinAddresses);
  expect(join).toEqual([
    ...[0, 1, 2].map((i) => `cockroachdb-${i}.cockroachdb.gke-us-east4.svc.cluster.local:26257`),
    ...[0, 1, 2].map((i) => `cockroachdb-${i}.cockroachdb.eks-us-west-2.svc.cluster.local:26257`),
  ]);
  const patches = kubeResources(recorded).filter((r) => r.type === 'kubernetes:core/v1:ConfigMapPatch').map(kubeObjectOf);
  const kubeDns = patches.find((p) => p.metadata.name === 'kube-dns')!;
  // Every address of the EKS DNS NLB (one per subnet).
  expect(JSON.parse(kubeDns.data.stubDomains)).toEqual({ 'eks-us-west-2.svc.cluster.local': ['10.33.7.250', '10.33.15.250'] });
  // EKS runs the CoreDNS add-on: no patch of coredns, the Corefile goes into the add-on's configurationValues.
  expect(patches.find((p) => p.metadata.name === 'coredns')).toBeUndefined();
  const coredns = recorded.find((r) => r.type === 'aws:eks/addon:Addon' && r.inputs.addonName === 'coredns')!;
  expect(coredns.inputs.clusterName).toBe('eks-crdb');
  const corefile: string = JSON.parse(coredns.inputs.configurationValues).corefile;
  expect(corefile).toContain('gke-us-east4.svc.cluster.local:53 {');
  expect(corefile).toContain('forward . 10.0.15.250');
});

test('the firewall lets the remote pod and node ranges reach the database and DNS ports only', () => {
  const firewalls = recorded.filter((r) => r.type === 'gcp:compute/firewall:Firewall').map((r) => r.inputs);
  expect(firewalls.length).toBeGreaterThan(0);
  const sources = new Set(firewalls.flatMap((f) => f.sourceRanges ?? []));
  expect([...sources].sort()).toEqual(['10.32.0.0/16', '10.33.0.0/20']);
  const ports = new Set(firewalls.flatMap((f) => (f.allows ?? []).flatMap((a: any) => (a.ports ?? []).map((p: string) => `${a.protocol}/${p}`))));
  expect([...ports].sort()).toEqual(['tcp/26257', 'tcp/53', 'udp/53']);
});

test('pre-shared keys reach GCP as secrets and the SNAT exclusion names the remote ranges', () => {
  const tunnels = recorded.filter((r) => r.type === 'gcp:compute/vPNTunnel:VPNTunnel');
  for (const t of tunnels) expect(isSecretValue(t.inputs.sharedSecret)).toBe(true);
  const addon = recorded.find((r) => r.type === 'aws:eks/addon:Addon' && r.inputs.addonName === 'vpc-cni')!;
  expect(addon).toBeDefined();
  expect(String(addon.inputs.configurationValues)).toContain('10.8.0.0/14');
});
