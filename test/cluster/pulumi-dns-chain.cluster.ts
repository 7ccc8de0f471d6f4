// `pulumi up` of MultiRegionCockroach with DNS chaining, by the real Pulumi CLI and Kubernetes provider,
// against three simulated clusters whose managed DNS is shipped as each platform ships it: GKE kube-dns
// (before mixed-protocol internal load balancers: two DNS Services on one shared reserved address), a
// self-managed CoreDNS on EKS, and AKS (coredns reconciled by the addon manager, forwarding through
// coredns-custom). The forwarding lands as each platform takes it, survives the platform's reconciler,
// a second `up` changes nothing, and `destroy` hands the DNS configuration back.
import * as path from 'path';
import { cloudRules, World, WorldClusterSpec } from './support/harness';
import { resourcePath } from './support/kube-client';
import { AKS_COREFILE, snapshotManagedDns } from './support/managed-dns';
import { changes, PulumiStack } from './support/pulumi-stack';
import { removeDir, tempDir } from '../e2e/support/processes';

jest.setTimeout(900_000);

const CLUSTERS = {
  'gke-east': {
    cloud: 'gcp',
    region: 'us-east1',
    nodes: 3,
    zones: ['us-east1-b', 'us-east1-c', 'us-east1-d'],
    nodeCidrs: ['10.10.0.0/20'],
    podCidrs: ['10.12.0.0/14'],
    serviceCidrs: ['10.16.0.0/20'],
    gke: { version: '1.35.1-gke.1396000', dns: 'kube-dns' },
  },
  'eks-west': {
    cloud: 'aws',
    region: 'us-west-2',
    nodes: 3,
    zones: ['us-west-2a', 'us-west-2b'],
    nodeCidrs: ['10.20.0.0/16'],
    podCidrs: ['100.64.0.0/16'],
    serviceCidrs: ['172.20.0.0/16'],
    eks: { subnets: { 'us-west-2a': { id: 'subnet-0a000001', cidr: '10.20.0.0/20' }, 'us-west-2b': { id: 'subnet-0b000002', cidr: '10.20.16.0/20' } }, corednsAddon: false },
  },
  'aks-south': {
    cloud: 'azure',
    region: 'southcentralus',
    nodes: 3,
    zones: ['southcentralus-1', 'southcentralus-2', 'southcentralus-3'],
    nodeCidrs: ['10.30.0.0/16'],
    podCidrs: ['10.244.0.0/16'],
    serviceCidrs: ['10.0.0.0/16'],
  },
} as const;

const DNS_ADDRESSES = { 'gke-east': '10.10.15.250', 'eks-west': ['10.20.15.250', '10.20.31.250'], 'aks-south': '10.30.15.250' };

/** What each platform is, as its stand-in cloud controller sees it. */
const WORLD: readonly WorldClusterSpec[] = [
  {
    name: 'gke-east',
    region: 'us-east1',
    zones: [...CLUSTERS['gke-east'].zones],
    serviceCidr: '10.16.0.0/20',
    podCidr: '10.12.0.0/14',
    dns: 'gke-kube-dns',
    loadBalancerPool: '10.10.14.',
    admit: cloudRules({
      cloud: 'gcp',
      version: '1.35.1-gke.1396000',
      subsetting: false,
      subnetCidr: '10.10.0.0/20',
      reservedAddresses: { 'crdb-dns': { address: '10.10.15.250', purpose: 'SHARED_LOADBALANCER_VIP' } },
    }),
  },
  {
    name: 'eks-west',
    region: 'us-west-2',
    zones: [...CLUSTERS['eks-west'].zones],
    serviceCidr: '172.20.0.0/16',
    podCidr: '100.64.0.0/16',
    dns: 'kubeadm',
    loadBalancerPool: '10.20.14.',
    admit: cloudRules({
      cloud: 'aws',
      vpcCidrs: ['10.20.0.0/16', '100.64.0.0/16'],
      subnets: [{ id: 'subnet-0a000001', zone: 'us-west-2a', cidr: '10.20.0.0/20' }, { id: 'subnet-0b000002', zone: 'us-west-2b', cidr: '10.20.16.0/20' }],
    }),
  },
  {
    name: 'aks-south',
    region: 'southcentralus',
    zones: [...CLUSTERS['aks-south'].zones],
    serviceCidr: '10.0.0.0/16',
    podCidr: '10.244.0.0/16',
    dns: 'aks-coredns',
    loadBalancerPool: '10.30.14.',
    admit: cloudRules({ cloud: 'azure', subnets: { nodes: '10.30.0.0/16' } }),
  },
];

let world: World;
let work: string;
let stack: PulumiStack;
const original: Record<string, Awaited<ReturnType<typeof snapshotManagedDns>>> = {};

function config() {
  return {
    kubeconfigs: { value: world.kubeconfigsJson(), secret: true },
    clusters: { value: JSON.stringify(CLUSTERS) },
    networking: { value: 'dnsChain' },
    dnsAddresses: { value: JSON.stringify(DNS_ADDRESSES) },
  };
}

async function configMap(cluster: string, name: string): Promise<Record<string, string>> {
  return (await world.clusters.cluster(cluster).client.get(resourcePath('v1', 'configmaps', 'kube-system', name))).data ?? {};
}

beforeAll(async () => {
  work = tempDir('pulumi-dns');
  world = await World.start(WORLD, { suite: 4, loadBalancerDelayMs: 2_000 });
  for (const c of world.clusters.clusters) original[c.name] = await snapshotManagedDns(c.client);
  stack = new PulumiStack(path.join(work, 'stack'), path.join(__dirname, 'programs', 'multi-region.ts'));
});

afterAll(async () => {
  await world?.stop();
  removeDir(work);
});

describe('pulumi up: DNS chaining across GKE kube-dns, a self-managed CoreDNS and AKS', () => {
  test('up: every DNS load balancer accepted by its cloud, forwarding where each platform takes it, the init Job done', async () => {
    const up = await stack.run('up', { config: config() });
    expect(up.error).toBeUndefined();
    expect(world.loadBalancers.refusals()).toEqual([]);
    // GKE before mixed-protocol internal load balancers: two Services, UDP and TCP, on the one shared address.
    const gkeDns = (await world.clusters.cluster('gke-east').client.list(resourcePath('v1', 'services', 'kube-system')))
      .filter((s) => s.spec.type === 'LoadBalancer');
    expect(gkeDns.map((s) => [s.spec.ports.map((p: any) => p.protocol).join('+'), s.status.loadBalancer.ingress[0].ip]).sort())
      .toEqual([['TCP', '10.10.15.250'], ['UDP', '10.10.15.250']]);
    // kube-dns: stubDomains for both remote namespaces, to every address of their DNS load balancers.
    expect(JSON.parse((await configMap('gke-east', 'kube-dns')).stubDomains)).toEqual({
      'eks-west.svc.cluster.local': ['10.20.15.250', '10.20.31.250'],
      'aks-south.svc.cluster.local': ['10.30.15.250'],
    });
    // The self-managed CoreDNS: its own Corefile kept, one marked forwarding section merged in.
    const corefile = (await configMap('eks-west', 'coredns')).Corefile;
    expect(corefile.startsWith((original['eks-west'].configMaps.coredns as Record<string, string>).Corefile)).toBe(true);
    expect(corefile).toContain('gke-east.svc.cluster.local:53 {');
    // AKS: coredns untouched; the forwarding in coredns-custom, which AKS's Corefile imports.
    expect(await configMap('aks-south', 'coredns')).toEqual({ Corefile: AKS_COREFILE });
    const custom = await configMap('aks-south', 'coredns-custom');
    expect(Object.keys(custom)).toEqual(['crosscluster.server']);
    expect(custom['crosscluster.server']).toContain('forward . 10.20.15.250 10.20.31.250');
    expect(world.cockroach.jobRuns.filter((r) => r.component === 'init' && r.outcome === 'succeed')).toHaveLength(1);
  });

  test("the platforms' reconcilers keep the forwarding: AKS's addon manager, GKE's EnsureExists", async () => {
    const before = await configMap('aks-south', 'coredns-custom');
    await world.addons.reconcileOnce();
    expect(await configMap('aks-south', 'coredns-custom')).toEqual(before);
    expect(Object.keys(await configMap('gke-east', 'kube-dns'))).toEqual(['stubDomains']);
  });

  test('a second up and a refreshed preview change nothing', async () => {
    const again = await stack.run('up', { config: config() });
    expect(again.error).toBeUndefined();
    expect(changes(again)).toEqual([]);
    const preview = await stack.run('preview', { config: config(), refresh: true });
    expect(preview.error).toBeUndefined();
    expect(changes(preview)).toEqual([]);
  });

  test('destroy: kube-dns and coredns-custom as shipped, the self-managed Corefile keeps only the documented marked section, nothing of the library left', async () => {
    const destroyed = await stack.run('destroy', { config: config() });
    expect(destroyed.error).toBeUndefined();
    for (const name of ['gke-east', 'aks-south']) expect(await snapshotManagedDns(world.clusters.cluster(name).client)).toEqual(original[name]);
    // A self-managed Corefile is retained on delete (relinquishing the forced field would delete the
    // Corefile key and the cluster's DNS with it): the stock Corefile, then the marked section, which
    // docs/pulumi.md says to delete by hand.
    const eks = await snapshotManagedDns(world.clusters.cluster('eks-west').client);
    expect(eks.services).toEqual(original['eks-west'].services);
    const corefile = (eks.configMaps.coredns as Record<string, string>).Corefile;
    const stock = (original['eks-west'].configMaps.coredns as Record<string, string>).Corefile;
    expect(corefile.startsWith(stock)).toBe(true);
    expect(corefile.slice(stock.length)).toMatch(/^# crosscluster:begin[^\n]*\n[\s\S]*# crosscluster:end\n$/);
    for (const c of world.clusters.clusters) {
      const namespaces = (await c.client.list('/api/v1/namespaces')).map((n) => n.metadata.name);
      expect(namespaces).not.toContain(c.name);
    }
  });
});
