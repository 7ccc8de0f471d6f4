// DnsChain under mocks: a DNS load balancer per cluster, and the forwarding applied to every other
// cluster with ConfigMapPatch, never overwriting the cluster's DNS configuration.
import type * as pulumiType from '@pulumi/pulumi';
import {
  EXISTING_COREFILE, kubeObjectOf, kubeResources, lbAddress, Recorded, settle, startMocks, valueOf,
} from './mock-engine';

let pulumi: typeof pulumiType;
let recorded: Recorded[];
let chain: import('../../lib/pulumi').DnsChain;
let mrc: import('../../lib/pulumi').MultiRegionCockroach;

beforeAll(async () => {
  pulumi = await import('@pulumi/pulumi');
  recorded = await startMocks();
  const k8s = await import('@pulumi/kubernetes');
  const { DnsChain, MultiRegionCockroach, Networking } = await import('../../lib/pulumi');
  const provider = (name: string) => new k8s.Provider(name, { kubeconfig: name });
  const clusters = [
    // CoreDNS on GKE here: kube-dns stubDomains cannot forward to a TCP-only DNS load balancer.
    { name: 'gke-east', cloud: 'gcp' as const, region: 'us-east1', nodes: 3, dns: 'coredns' as const, provider: provider('gke-east') },
    { name: 'eks-west', cloud: 'aws' as const, region: 'eu-west-1', nodes: 3, provider: provider('eks-west') },
    { name: 'aks-south', cloud: 'azure' as const, region: 'centralindia', nodes: 3, provider: provider('aks-south') },
  ];
  chain = new DnsChain('chain', {
    clusters,
    dnsAddresses: { 'eks-west': '10.20.15.250', 'aks-south': pulumi.output('10.30.15.250') },
    tcpOnlyClusters: ['eks-west'],
  });
  const second = [
    { name: 'one', cloud: 'gcp' as const, region: 'us-east1', nodes: 3, namespace: 'crdb-one', provider: provider('one') },
    { name: 'two', cloud: 'generic' as const, region: 'us-west1', nodes: 3, namespace: 'crdb-two', provider: provider('two') },
  ];
  mrc = new MultiRegionCockroach('db', { clusters: second, networking: Networking.dnsChain() });
  await valueOf(chain.dnsAddresses);
  await valueOf(mrc.joinAddresses);
  await settle();
});

test('a DNS load balancer per cluster, pinned to the given IP or read from its status', async () => {
  const gkeIp = lbAddress('gke-east', 'kube-system', 'kube-dns-lb');
  expect(await valueOf(chain.dnsAddresses)).toEqual({ 'gke-east': gkeIp, 'eks-west': '10.20.15.250', 'aks-south': '10.30.15.250' });
  const services = recorded.filter((r) => r.type === 'kubernetes:core/v1:Service' && r.name.startsWith('chain-'));
  expect(services.map((s) => s.provider).sort()).toEqual(['aks-south', 'eks-west', 'gke-east']);
  for (const s of services) expect(s.inputs.metadata).toMatchObject({ name: 'kube-dns-lb', namespace: 'kube-system' });
  const eks = services.find((s) => s.provider === 'eks-west')!;
  expect(eks.inputs.metadata.annotations['service.beta.kubernetes.io/aws-load-balancer-private-ipv4-addresses']).toBe('10.20.15.250');
  expect(eks.inputs.spec.ports.map((p: any) => p.protocol)).toEqual(['TCP']);
  const aks = services.find((s) => s.provider === 'aks-south')!;
  expect(aks.inputs.metadata.annotations['service.beta.kubernetes.io/azure-load-balancer-ipv4']).toBe('10.30.15.250');
});

test('kube-dns gets stubDomains for the remote clusters only, through a forced patch', () => {
  const patch = recorded.find((r) => r.type === 'kubernetes:core/v1:ConfigMapPatch' && r.provider === 'one')!;
  expect(patch.inputs.metadata).toEqual({ name: 'kube-dns', namespace: 'kube-system', annotations: { 'pulumi.com/patchForce': 'true' } });
  expect(Object.keys(patch.inputs.data)).toEqual(['stubDomains']);
  expect(JSON.parse(patch.inputs.data.stubDomains)).toEqual({
    'crdb-two.svc.cluster.local': [lbAddress('two', 'kube-system', 'kube-dns-lb')],
  });
});

test('CoreDNS keeps the existing Corefile and gains one marked forwarding section', async () => {
  const { mergeCorefile } = await import('../../lib/manifests');
  const reads = recorded.filter((r) => r.readId === 'kube-system/coredns' && r.name.startsWith('chain-'));
  expect(reads.map((r) => r.provider).sort()).toEqual(['aks-south', 'eks-west', 'gke-east']);
  const patch = recorded.find((r) => r.type === 'kubernetes:core/v1:ConfigMapPatch' && r.provider === 'aks-south')!;
  const corefile: string = patch.inputs.data.Corefile;
  expect(corefile.startsWith(EXISTING_COREFILE)).toBe(true);
  expect(corefile).toContain('# customized by the user');
  expect(corefile).toContain('eks-west.svc.cluster.local:53 {');
  expect(corefile).toContain('force_tcp');
  expect(corefile).not.toContain('aks-south.svc.cluster.local:53');
  // Applying the patch again to its own result changes nothing.
  const eksPatch = recorded.find((r) => r.type === 'kubernetes:core/v1:ConfigMapPatch' && r.provider === 'eks-west')!;
  const gkeIp = (await valueOf(chain.dnsAddresses))['gke-east'];
  expect(eksPatch.inputs.data.Corefile).toContain(`forward . ${gkeIp}`);
  const forwards = [{ cluster: 'eks-west', domain: 'eks-west.svc.cluster.local', servers: ['10.20.15.250'], forceTcp: true },
    { cluster: 'gke-east', domain: 'gke-east.svc.cluster.local', servers: [gkeIp], forceTcp: false }];
  expect(mergeCorefile(corefile, forwards.slice(0, 1).concat(forwards.slice(1)))).toContain('gke-east.svc.cluster.local:53');
  expect(mergeCorefile(mergeCorefile(EXISTING_COREFILE, forwards), forwards)).toBe(mergeCorefile(EXISTING_COREFILE, forwards));
});

test('no DNS ConfigMap is ever created or overwritten', () => {
  const configMaps = kubeResources(recorded).filter((r) => r.type === 'kubernetes:core/v1:ConfigMap').map(kubeObjectOf);
  expect(configMaps.every((c) => c.metadata.name === 'cockroachdb-topology')).toBe(true);
});

test('MultiRegionCockroach with DNS chaining: pods advertise their FQDN; the chain forwards the namespaces', async () => {
  expect(mrc.dnsChain).toBeDefined();
  expect(mrc.loadBalancers).toBeUndefined();
  expect(await valueOf(mrc.advertiseAddresses)).toEqual({
    one: [0, 1, 2].map((i) => `cockroachdb-${i}.cockroachdb.crdb-one.svc.cluster.local`),
    two: [0, 1, 2].map((i) => `cockroachdb-${i}.cockroachdb.crdb-two.svc.cluster.local`),
  });
  const stub = recorded.find((r) => r.type === 'kubernetes:core/v1:ConfigMapPatch' && r.provider === 'one')!;
  expect(Object.keys(JSON.parse(stub.inputs.data.stubDomains))).toEqual(['crdb-two.svc.cluster.local']);
  const core = recorded.find((r) => r.type === 'kubernetes:core/v1:ConfigMapPatch' && r.provider === 'two')!;
  expect(core.inputs.data.Corefile).toContain('crdb-one.svc.cluster.local:53');
});

test('AWS clusters without a DNS address are rejected before anything is registered', async () => {
  const { DnsChain, TopologyError } = await import('../../lib/pulumi');
  const k8s = await import('@pulumi/kubernetes');
  const count = recorded.length;
  const provider = new k8s.Provider('late', { kubeconfig: 'x' });
  expect(() => new DnsChain('bad', {
    clusters: [
      { name: 'a', cloud: 'aws', region: 'r1', nodes: 1, provider },
      { name: 'b', cloud: 'gcp', region: 'r2', nodes: 1, provider },
    ],
  })).toThrow(TopologyError);
  expect(recorded.filter((r) => r.name.startsWith('bad'))).toHaveLength(0);
  expect(recorded.length).toBeLessThanOrEqual(count + 1);
});
