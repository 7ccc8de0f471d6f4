// DnsChain under mocks: a DNS load balancer per cluster as its cloud profile says, and the forwarding
// applied to every other cluster the way its DNS takes it: ConfigMapPatch for kube-dns, a
// self-managed CoreDNS and AKS's coredns-custom; outputs for the EKS add-on and GKE Cloud DNS, which
// EksCorednsAddon and GkeCloudDnsForwarding turn into cloud resources.
import type * as pulumiType from '@pulumi/pulumi';
import {
  EXISTING_COREFILE, kubeObjectOf, kubeResources, lbAddress, Recorded, settle, startMocks, valueOf,
} from './mock-engine';
import { validateKubeObjects } from '../support/kube-schema';
import { withNetworks } from '../support/topologies';

let pulumi: typeof pulumiType;
let recorded: Recorded[];
let chain: import('../../lib/pulumi').DnsChain;
let managed: import('../../lib/pulumi').DnsChain;
let mrc: import('../../lib/pulumi').MultiRegionCockroach;

const EKS_SUBNETS = {
  'eu-west-1b': { id: 'subnet-0b000002', cidr: '10.20.16.0/20' },
  'eu-west-1a': { id: 'subnet-0a000001', cidr: '10.20.0.0/20' },
};

beforeAll(async () => {
  pulumi = await import('@pulumi/pulumi');
  recorded = await startMocks();
  const k8s = await import('@pulumi/kubernetes');
  const { DnsChain, MultiRegionCockroach, Networking } = await import('../../lib/pulumi');
  const { EksCorednsAddon, GkeCloudDnsForwarding } = await import('../../lib/pulumi/cloud');
  const provider = (name: string) => new k8s.Provider(name, { kubeconfig: name });
  const clusters = withNetworks([
    // A self-managed CoreDNS on GKE (kube-dns stubDomains cannot forward to a TCP-only load balancer),
    // new enough for one mixed-protocol internal Service, whose address is read from its status.
    { name: 'gke-east', cloud: 'gcp' as const, region: 'us-east1', nodes: 3, dns: 'coredns' as const, gke: { version: '1.36.2-gke.1498000', subsetting: true }, provider: provider('gke-east') },
    { name: 'eks-west', cloud: 'aws' as const, region: 'eu-west-1', nodes: 3, eks: { subnets: EKS_SUBNETS, corednsAddon: false }, provider: provider('eks-west') },
    { name: 'aks-south', cloud: 'azure' as const, region: 'centralindia', nodes: 3, provider: provider('aks-south') },
  ]);
  chain = new DnsChain('chain', {
    clusters,
    dnsAddresses: { 'eks-west': ['10.20.15.250', '10.20.31.250'], 'aks-south': pulumi.output('10.30.15.250') },
    tcpOnlyClusters: ['eks-west'],
  });
  // The two kinds of cluster whose forwarding is cloud resources.
  const cloudManaged = withNetworks([
    { name: 'autopilot', cloud: 'gcp' as const, region: 'us-central1', nodes: 3, namespace: 'crdb-ap', gke: { dns: 'cloud-dns' as const }, provider: provider('autopilot') },
    { name: 'eks-addon', cloud: 'aws' as const, region: 'eu-west-1', nodes: 3, namespace: 'crdb-eks', eks: { subnets: EKS_SUBNETS }, provider: provider('eks-addon') },
  ]);
  managed = new DnsChain('managed', {
    clusters: cloudManaged,
    // The Cloud DNS cluster's inbound server-policy address; the NLB's IP per subnet.
    dnsAddresses: { 'autopilot': '10.128.0.2', 'eks-addon': ['10.20.15.53', '10.20.31.53'] },
  });
  new EksCorednsAddon('eks-addon', { clusterName: 'eks-crdb', configurationValues: managed.eksAddonConfigurations['eks-addon'] });
  new GkeCloudDnsForwarding('autopilot', {
    forwards: managed.cloudDnsForwards.autopilot,
    gkeClusters: ['projects/p/locations/us-central1/clusters/autopilot'],
    networks: ['projects/p/global/networks/crdb'],
  });
  const second = withNetworks([
    { name: 'one', cloud: 'gcp' as const, region: 'us-east1', nodes: 3, namespace: 'crdb-one', provider: provider('one') },
    { name: 'two', cloud: 'generic' as const, region: 'us-west1', nodes: 3, namespace: 'crdb-two', provider: provider('two') },
  ]);
  mrc = new MultiRegionCockroach('db', { clusters: second, networking: Networking.dnsChain({ dnsAddresses: { one: '192.168.0.53' } }) });
  await valueOf(chain.dnsAddresses);
  await valueOf(managed.dnsAddresses);
  await valueOf(mrc.joinAddresses);
  await settle();
});

const services = (prefix: string) => recorded.filter((r) => r.type === 'kubernetes:core/v1:Service' && r.name.startsWith(prefix));

test('a DNS load balancer per cluster, as its cloud takes it, pinned to the given IPs or read from its status', async () => {
  const gkeIp = lbAddress('gke-east', 'kube-system', 'kube-dns-lb');
  expect(await valueOf(chain.dnsAddresses)).toEqual({ 'gke-east': [gkeIp], 'eks-west': ['10.20.15.250', '10.20.31.250'], 'aks-south': ['10.30.15.250'] });
  expect(services('chain-').map((s) => s.provider).sort()).toEqual(['aks-south', 'eks-west', 'gke-east']);
  for (const s of services('chain-')) expect(s.inputs.metadata).toMatchObject({ name: 'kube-dns-lb', namespace: 'kube-system' });
  // Pulumi waits for the cloud's address only (the DNS pods are ready already), not for endpoints.
  for (const s of services('chain-')) expect(s.inputs.metadata.annotations['pulumi.com/waitFor']).toBe('jsonpath={.status.loadBalancer.ingress}');
  const gke = services('chain-').find((s) => s.provider === 'gke-east')!;
  expect(gke.inputs.spec.ports.map((p: any) => p.protocol)).toEqual(['UDP', 'TCP']);
  const eks = services('chain-').find((s) => s.provider === 'eks-west')!;
  expect(eks.inputs.metadata.annotations).toMatchObject({
    // AZ order, whatever the order of the profile.
    'service.beta.kubernetes.io/aws-load-balancer-subnets': 'subnet-0a000001,subnet-0b000002',
    'service.beta.kubernetes.io/aws-load-balancer-private-ipv4-addresses': '10.20.15.250,10.20.31.250',
  });
  expect(eks.inputs.spec.ports.map((p: any) => p.protocol)).toEqual(['TCP']);
  const aks = services('chain-').find((s) => s.provider === 'aks-south')!;
  expect(aks.inputs.metadata.annotations['service.beta.kubernetes.io/azure-load-balancer-ipv4']).toBe('10.30.15.250');
  validateKubeObjects(services('chain-').map(kubeObjectOf));
});

test('each DNS load balancer admits its peers\' pod and node CIDRs only', () => {
  const gke = kubeObjectOf(services('chain-').find((s) => s.provider === 'gke-east')!);
  expect(gke.spec.loadBalancerSourceRanges).toEqual(['100.65.0.0/16', '192.168.1.0/24', '100.66.0.0/16', '192.168.2.0/24']);
  // A peer on Cloud DNS forwards from Cloud DNS's own range: the EKS DNS NLB admits it.
  const eks = kubeObjectOf(services('managed-').find((s) => s.provider === 'eks-addon')!);
  expect(eks.spec.loadBalancerSourceRanges).toEqual(['100.64.0.0/16', '192.168.0.0/24', '35.199.192.0/19']);
});

test('kube-dns gets stubDomains for the remote clusters only, through a forced patch', () => {
  const patch = recorded.find((r) => r.type === 'kubernetes:core/v1:ConfigMapPatch' && r.inputs.metadata.namespace === 'kube-system' && r.provider === 'one')!;
  expect(patch.inputs.metadata).toEqual({ name: 'kube-dns', namespace: 'kube-system', annotations: { 'pulumi.com/patchForce': 'true' } });
  expect(Object.keys(patch.inputs.data)).toEqual(['stubDomains']);
  expect(JSON.parse(patch.inputs.data.stubDomains)).toEqual({
    'crdb-two.svc.cluster.local': [lbAddress('two', 'kube-system', 'kube-dns-lb')],
  });
  // GKE at the oldest supported version: UDP and TCP in two Services sharing the reserved address.
  expect(services('db-').filter((s) => s.provider === 'one' && s.inputs.metadata.namespace === 'kube-system').map((s) => [s.inputs.metadata.name, s.inputs.spec.loadBalancerIP]))
    .toEqual([['kube-dns-lb-udp', '192.168.0.53'], ['kube-dns-lb-tcp', '192.168.0.53']]);
});

test('a self-managed CoreDNS keeps its Corefile and gains one marked forwarding section', async () => {
  const reads = recorded.filter((r) => r.readId === 'kube-system/coredns' && r.name.startsWith('chain-'));
  expect(reads.map((r) => r.provider).sort()).toEqual(['eks-west', 'gke-east']);
  const patch = recorded.find((r) => r.type === 'kubernetes:core/v1:ConfigMapPatch' && r.inputs.metadata.namespace === 'kube-system' && r.provider === 'gke-east')!;
  const corefile: string = patch.inputs.data.Corefile;
  expect(corefile.startsWith(EXISTING_COREFILE)).toBe(true);
  expect(corefile).toContain('# customized by the user');
  // Every address of the EKS NLB, over TCP (the cluster is TCP-only).
  expect(corefile).toContain('eks-west.svc.cluster.local:53 {');
  expect(corefile).toContain('forward . 10.20.15.250 10.20.31.250 {\n        force_tcp');
  expect(corefile).not.toContain('gke-east.svc.cluster.local:53');
  const eksPatch = recorded.find((r) => r.type === 'kubernetes:core/v1:ConfigMapPatch' && r.inputs.metadata.namespace === 'kube-system' && r.provider === 'eks-west')!;
  const gkeIp = (await valueOf(chain.dnsAddresses))['gke-east'][0];
  expect(eksPatch.inputs.data.Corefile).toContain(`forward . ${gkeIp}`);
});

test('AKS gets coredns-custom with a .server key, never coredns', () => {
  const patches = recorded.filter((r) => r.type === 'kubernetes:core/v1:ConfigMapPatch' && r.inputs.metadata.namespace === 'kube-system' && r.provider === 'aks-south');
  expect(patches.map((p) => p.inputs.metadata.name)).toEqual(['coredns-custom']);
  expect(Object.keys(patches[0].inputs.data)).toEqual(['crosscluster.server']);
  expect(patches[0].inputs.data['crosscluster.server']).toContain('forward . 10.20.15.250 10.20.31.250');
  expect(recorded.some((r) => r.provider === 'aks-south' && r.inputs?.metadata?.name === 'coredns')).toBe(false);
});

test('the EKS add-on cluster: no patch of coredns; the add-on carries the Corefile in configurationValues', async () => {
  expect(recorded.some((r) => r.provider === 'eks-addon' && r.type.startsWith('kubernetes:core/v1:ConfigMap'))).toBe(false);
  const addon = recorded.find((r) => r.type === 'aws:eks/addon:Addon')!;
  expect(addon.inputs).toMatchObject({ clusterName: 'eks-crdb', addonName: 'coredns', resolveConflictsOnCreate: 'OVERWRITE', resolveConflictsOnUpdate: 'OVERWRITE' });
  const values = JSON.parse(addon.inputs.configurationValues);
  expect(Object.keys(values)).toEqual(['corefile']);
  expect(values.corefile).toContain('kubernetes cluster.local in-addr.arpa ip6.arpa');
  expect(values.corefile).toContain('crdb-ap.svc.cluster.local:53 {');
  expect(values.corefile).toContain('forward . 10.128.0.2');
  expect(await valueOf(managed.eksAddonConfigurations['eks-addon'])).toBe(addon.inputs.configurationValues);
});

test('the GKE Cloud DNS cluster: no DNS load balancer, no ConfigMap; a private forwarding zone per remote domain', () => {
  expect(recorded.some((r) => r.provider === 'autopilot' && r.type.startsWith('kubernetes:'))).toBe(false);
  const zones = recorded.filter((r) => r.type === 'gcp:dns/managedZone:ManagedZone');
  expect(zones).toHaveLength(1);
  expect(zones[0].inputs).toMatchObject({
    dnsName: 'crdb-eks.svc.cluster.local.',
    visibility: 'private',
    privateVisibilityConfig: {
      gkeClusters: [{ gkeClusterName: 'projects/p/locations/us-central1/clusters/autopilot' }],
      networks: [{ networkUrl: 'projects/p/global/networks/crdb' }],
    },
    forwardingConfig: {
      targetNameServers: [{ ipv4Address: '10.20.15.53', forwardingPath: 'private' }, { ipv4Address: '10.20.31.53', forwardingPath: 'private' }],
    },
  });
  expect(zones[0].inputs.name).toMatch(/^[a-z][-a-z0-9]{0,62}$/);
});

test('no DNS ConfigMap is ever created or overwritten', () => {
  const configMaps = kubeResources(recorded).filter((r) => r.type === 'kubernetes:core/v1:ConfigMap').map(kubeObjectOf);
  expect(configMaps.every((c) => c.metadata.namespace !== 'kube-system' && ['cockroachdb-topology', 'cockroachdb-decommissioned'].includes(c.metadata.name))).toBe(true);
});

test('MultiRegionCockroach with DNS chaining: pods advertise their FQDN; the chain forwards the namespaces', async () => {
  expect(mrc.dnsChain).toBeDefined();
  expect(mrc.loadBalancers).toBeUndefined();
  expect(await valueOf(mrc.advertiseAddresses)).toEqual({
    one: [0, 1, 2].map((i) => `cockroachdb-${i}.cockroachdb.crdb-one.svc.cluster.local`),
    two: [0, 1, 2].map((i) => `cockroachdb-${i}.cockroachdb.crdb-two.svc.cluster.local`),
  });
  const core = recorded.find((r) => r.type === 'kubernetes:core/v1:ConfigMapPatch' && r.inputs.metadata.namespace === 'kube-system' && r.provider === 'two')!;
  expect(core.inputs.data.Corefile).toContain('crdb-one.svc.cluster.local:53');
  // The database NetworkPolicy, in each cluster.
  const policies = kubeResources(recorded).filter((r) => r.type === 'kubernetes:networking.k8s.io/v1:NetworkPolicy');
  expect(policies.map((p) => p.provider).sort()).toEqual(['one', 'two']);
});

test('bad DNS inputs are rejected before anything is registered', async () => {
  const { DnsChain } = await import('../../lib/pulumi');
  const k8s = await import('@pulumi/kubernetes');
  const count = recorded.length;
  const provider = new k8s.Provider('late', { kubeconfig: 'x' });
  const clusters = withNetworks([
    { name: 'a', cloud: 'aws' as const, region: 'r1', nodes: 1, eks: { subnets: EKS_SUBNETS }, provider },
    { name: 'b', cloud: 'gcp' as const, region: 'r2', nodes: 1, provider },
  ]);
  const error = (args: Partial<ConstructorParameters<typeof DnsChain>[1]>) => {
    try {
      new DnsChain('bad', { clusters, ...args });
    } catch (e) {
      return (e as Error).message;
    }
    return 'no error';
  };
  // NLBs report hostnames: the AWS cluster needs its IPs; the split GKE load balancer a shared address.
  expect(error({})).toContain('networking.dnsAddresses.a: clusters[0] is on AWS');
  expect(error({})).toContain('networking.dnsAddresses.b: clusters[1] is GKE without mixed-protocol internal load balancers');
  // One IP per subnet, each inside its subnet.
  expect(error({ dnsAddresses: { a: ['10.20.0.53'], b: '10.0.0.53' } })).toContain('1 private IP for 2 subnets');
  expect(error({ dnsAddresses: { a: ['10.20.0.53', '10.99.0.53'], b: '10.0.0.53' } }))
    .toContain("networking.dnsAddresses.a[1]: '10.99.0.53' is not inside subnet 'subnet-0b000002' (10.20.16.0/20) of eu-west-1b");
  // Cluster DNS never faces the internet.
  expect(error({ dnsAddresses: { a: ['10.20.0.53', '10.20.16.53'], b: '10.0.0.53' }, internal: false })).toContain('networking.internal');
  expect(recorded.filter((r) => r.name.startsWith('bad'))).toHaveLength(0);
  expect(recorded.length).toBeLessThanOrEqual(count + 1);
});
