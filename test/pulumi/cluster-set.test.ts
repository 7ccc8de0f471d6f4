// Pulumi, under the shipped mocks: the cluster set and the own CoreDNS register exactly the objects the
// renderers produce and cdk8s synthesizes (parity), and the own CoreDNS's Corefile follows a load
// balancer whose address only the cloud knows.
import { kubeObjectOf, kubeResources, lbAddress, Recorded, settle, startMocks, valueOf, withoutEngineAnnotations } from './mock-engine';
import { validateKubeObjects } from '../support/kube-schema';
import { withNetworks } from '../support/topologies';

type Obj = Record<string, any>;

const SET = withNetworks([
  { name: 'set-east', cloud: 'gcp' as const, region: 'us-east1', nodes: 3, namespace: 'crdb' },
  { name: 'set-west', cloud: 'aws' as const, region: 'us-west-2', nodes: 3, namespace: 'crdb' },
  { name: 'set-south', cloud: 'generic' as const, region: 'ap-south-1', nodes: 2, namespace: 'crdb' },
]).map((c, i) => ({ ...c, podCidrs: [`100.${70 + i}.0.0/16`], nodeCidrs: [`192.168.${10 + i}.0/24`] }));

const OWN = withNetworks([
  { name: 'own-east', cloud: 'gcp' as const, region: 'us-east1', nodes: 3, serviceCidrs: ['10.110.0.0/20'], gke: { version: '1.36.2-gke.1498000', subsetting: true } },
  { name: 'own-west', cloud: 'aws' as const, region: 'us-west-2', nodes: 3, serviceCidrs: ['172.20.0.0/16'] },
  { name: 'own-south', cloud: 'generic' as const, region: 'ap-south-1', nodes: 2, serviceCidrs: ['10.130.0.0/20'] },
]).map((c, i) => ({ ...c, podCidrs: [`100.${80 + i}.0.0/16`], nodeCidrs: [`192.168.${20 + i}.0/24`] }));
const OWN_DNS = { 'own-east': '192.168.20.250', 'own-west': '10.0.15.250', 'own-south': '192.168.22.250' };

let recorded: Recorded[];
let lib: typeof import('../../lib/pulumi');
let statusChain: import('../../lib/pulumi').MultiRegionCockroach;

const ofClusters = (names: readonly string[]) => kubeResources(recorded).map(kubeObjectOf)
  .filter((o) => names.includes(o.metadata?.labels?.['crosscluster.io/cluster']) || (o.kind === 'ConfigMapPatch'));

function byKey(objects: readonly Obj[]): Record<string, Obj> {
  const result: Record<string, Obj> = {};
  for (const o of objects) {
    const key = `${o.metadata.labels?.['crosscluster.io/cluster'] ?? '?'}:${o.apiVersion}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    expect(result[key]).toBeUndefined();
    const copy = withoutEngineAnnotations(o);
    if (copy.metadata?.annotations && Object.keys(copy.metadata.annotations).length === 0) delete copy.metadata.annotations;
    result[key] = copy;
  }
  return result;
}

beforeAll(async () => {
  recorded = await startMocks();
  const k8s = await import('@pulumi/kubernetes');
  lib = await import('../../lib/pulumi');
  const provider = (name: string) => new k8s.Provider(name, { kubeconfig: name });
  new lib.MultiRegionCockroach('set', {
    clusters: SET.map((c) => ({ ...c, provider: provider(c.name) })),
    networking: lib.Networking.clusterSet({ implementation: 'submariner', clusterIds: { 'set-south': 'south' } }),
    tls: lib.Tls.certManager(),
  });
  new lib.MultiRegionCockroach('own', {
    clusters: OWN.map((c) => ({ ...c, provider: provider(c.name) })),
    networking: lib.Networking.dnsChain({ dnsAddresses: OWN_DNS, ownCoredns: {} }),
    tls: lib.Tls.certManager(),
  });
  // The generic cluster's DNS load balancer gets its address from the (mocked) cloud.
  const status = OWN.map((c) => ({ ...c, name: c.name.replace('own', 'status'), namespace: c.name.replace('own', 'status') }));
  statusChain = new lib.MultiRegionCockroach('status', {
    clusters: status.map((c) => ({ ...c, provider: provider(c.name) })),
    networking: lib.Networking.dnsChain({ dnsAddresses: { 'status-east': '192.168.20.250', 'status-west': '10.0.15.250' }, ownCoredns: { resolvers: 'cluster-dns' } }),
    tls: lib.Tls.insecure(),
  });
  await settle();
});

async function cdk8sObjects(input: Record<string, unknown>): Promise<Obj[]> {
  const { App } = await import('cdk8s');
  const cdk8s = await import('../../lib/cdk8s');
  const app = new App({ outdir: `${__dirname}/.unused-outdir` });
  new cdk8s.MultiRegionCockroach(app, 'cockroachdb', input as never);
  return app.charts.flatMap((chart) => chart.toJson()) as Obj[];
}

async function renderedObjects(input: Record<string, unknown>): Promise<Obj[]> {
  const core = await import('../../lib/core');
  const { renderDeployment, allObjects } = await import('../../lib/manifests');
  return renderDeployment(core.planDeployment(input as never, { engine: 'pulumi' })).flatMap(allObjects);
}

describe('cluster set', () => {
  test('parity: the registered objects equal the renderers\' and the cdk8s synthesis', async () => {
    const registered = ofClusters(SET.map((c) => c.name));
    const input = { clusters: SET, networking: lib.Networking.clusterSet({ implementation: 'submariner', clusterIds: { 'set-south': 'south' } }), tls: lib.Tls.certManager() };
    expect(byKey(registered)).toEqual(byKey(await renderedObjects(input)));
    expect(byKey(registered)).toEqual(byKey(await cdk8sObjects(input)));
    validateKubeObjects(registered);
  });

  test('each cluster registers the ServiceExport as a custom resource; no load balancer, no DNS object anywhere', () => {
    const exports = recorded.filter((r) => r.type === 'kubernetes:multicluster.x-k8s.io/v1alpha1:ServiceExport');
    expect(exports.map((r) => r.provider)).toEqual(SET.map((c) => c.name));
    const objects = ofClusters(SET.map((c) => c.name));
    expect(objects.filter((o) => o.spec?.type === 'LoadBalancer' || o.metadata.namespace === 'kube-system')).toEqual([]);
  });
});

describe('own CoreDNS', () => {
  test('parity: the registered objects equal the renderers\' and the cdk8s synthesis', async () => {
    const registered = ofClusters(OWN.map((c) => c.name)).filter((o) => o.kind !== 'ConfigMapPatch');
    const input = { clusters: OWN, networking: lib.Networking.dnsChain({ dnsAddresses: OWN_DNS, ownCoredns: {} }), tls: lib.Tls.certManager() };
    const expected = byKey(await renderedObjects(input));
    // Per cluster: ServiceAccount, ClusterRole and binding, Corefile, Deployment, Service, load balancer, PDB, NetworkPolicy.
    expect(Object.keys(expected).filter((k) => /\/cockroachdb-(own-[a-z]+-)?dns/.test(k))).toHaveLength(3 * 9);
    expect(byKey(registered)).toEqual(expected);
    expect(byKey(registered)).toEqual(byKey(await cdk8sObjects(input)));
  });

  test('nothing in kube-system, no ConfigMapPatch with \'database-pods\'', () => {
    expect(ofClusters(OWN.map((c) => c.name)).filter((o) => o.metadata.namespace === 'kube-system')).toEqual([]);
    // ConfigMaps carry their data in a ConfigMapPatch: the database namespace's own (the Corefile among them), none of the cluster DNS's.
    const patches = recorded.filter((r) => r.type === 'kubernetes:core/v1:ConfigMapPatch' && r.provider?.startsWith('own-'));
    expect(patches.filter((r) => r.inputs.metadata.name === 'cockroachdb-dns').map((r) => r.inputs.metadata.namespace)).toEqual(OWN.map((c) => c.name));
    expect(patches.filter((r) => r.inputs.metadata.namespace === 'kube-system')).toEqual([]);
  });

  test('an address only the cloud knows reaches the other clusters\' Corefiles, and the component\'s output', async () => {
    const address = lbAddress('status-south', 'status-south', 'cockroachdb-dns-lb');
    expect(address).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    const corefiles = recorded.filter((r) => r.type === 'kubernetes:core/v1:ConfigMapPatch' && r.inputs.metadata?.name === 'cockroachdb-dns' && r.provider?.startsWith('status-'));
    expect(corefiles.map((r) => r.provider)).toEqual(['status-east', 'status-west', 'status-south']);
    for (const r of corefiles.slice(0, 2)) expect(r.inputs.data.Corefile).toContain(`status-south.svc.cluster.local:53 {\n    errors\n    cache 30\n    forward . ${address}\n}`);
    expect((await valueOf(statusChain.dnsChain!.dnsAddresses))['status-south']).toEqual([address]);
    // 'cluster-dns': the cluster DNS forwards to the local instance's fixed ClusterIP, which needs no address.
    const patch = recorded.find((r) => r.type === 'kubernetes:core/v1:ConfigMapPatch' && r.provider === 'status-south' && r.inputs.metadata?.namespace === 'kube-system')!;
    expect(patch.inputs.data.Corefile).toContain('status-east.svc.cluster.local:53 {\n    errors\n    cache 30\n    forward . 10.130.0.53\n}');
  });

  test('DnsChain exposes every CoreDNS object but the load balancer (which is in its services), per cluster', async () => {
    const servers = statusChain.dnsChain!.servers;
    expect(Object.keys(servers)).toEqual(['status-east', 'status-west', 'status-south']);
    // RBAC (3), Corefile (its data patch, which the Deployment waits for), Deployment, Service, PDB, NetworkPolicy.
    const urns = await Promise.all(servers['status-east'].map((r) => valueOf(r.urn)));
    expect(urns.map((u) => u.split('::')[2].split('$').pop())).toEqual([
      'kubernetes:core/v1:ServiceAccount', 'kubernetes:rbac.authorization.k8s.io/v1:ClusterRole', 'kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding',
      'kubernetes:core/v1:ConfigMapPatch', 'kubernetes:apps/v1:Deployment', 'kubernetes:core/v1:Service', 'kubernetes:policy/v1:PodDisruptionBudget',
      'kubernetes:networking.k8s.io/v1:NetworkPolicy',
    ]);
    expect(statusChain.dnsChain!.services['status-east'].length).toBe(1);
  });
});
