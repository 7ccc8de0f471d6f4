// Networking.clusterSet: the names, join list and certificate SANs of the MCS API, and every rule
// of the topology that the strategy adds (each alone, accepted and refused).
import { THREE_CLUSTERS } from '../support/topologies';
import {
  ClusterSpec, findTopologyProblems, isCoveredBySans, Networking, planDeployment, renderDeployment, SERVICE_EXPORT_API_VERSION, Tls,
  TopologyError, TopologyInput,
} from 'crosscluster';

/** The three test clusters in one namespace, as the MCS API's namespace sameness wants. */
const SAME_NS: ClusterSpec[] = THREE_CLUSTERS.map((c) => ({ ...c, namespace: 'crdb' }));

function setTopology(
  clusters: ClusterSpec[] = SAME_NS, options: Parameters<typeof Networking.clusterSet>[0] = {}, extra: Partial<TopologyInput> = {},
): TopologyInput {
  return { clusters, networking: Networking.clusterSet(options), tls: Tls.certManager(), ...extra };
}

function problems(input: TopologyInput, engine: 'cdk8s' | 'pulumi' | undefined = 'cdk8s'): Array<{ path: string; message: string }> {
  return findTopologyProblems(input, engine);
}

describe('cluster-set names', () => {
  const plan = planDeployment(setTopology(), { engine: 'cdk8s' });

  test('every pod advertises <pod>.<cluster-id>.<service>.<namespace>.svc.clusterset.local', () => {
    expect(plan.clusters.map((c) => c.pods.map((p) => p.advertiseHost))).toEqual(THREE_CLUSTERS.map((c) =>
      [0, 1, 2].map((i) => `cockroachdb-${i}.${c.name}.cockroachdb.crdb.svc.clusterset.local`)));
  });

  test('the join list is the first three pods of each cluster, by their cluster-set names, identical everywhere', () => {
    expect(plan.joinAddresses).toHaveLength(9);
    expect(plan.joinAddresses[3]).toBe('cockroachdb-0.gke-us-west1.cockroachdb.crdb.svc.clusterset.local:26257');
    const joins = new Set(renderDeployment(plan).map((m) => (m.database.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'cockroachdb-topology') as any).data.join));
    expect(joins.size).toBe(1);
  });

  test('each node certificate covers its own cluster\'s cluster-set names with one one-label wildcard, and no other cluster\'s', () => {
    for (const c of plan.clusters) {
      const wildcards = c.nodeCertSans.dnsNames.filter((n) => n.endsWith('.clusterset.local'));
      expect(wildcards).toEqual([`*.${c.name}.cockroachdb.crdb.svc.clusterset.local`]);
      expect(c.nodeCertSans.dnsNames).not.toContain('*.clusterset.local');
      for (const other of plan.clusters) {
        for (const pod of other.pods) expect(isCoveredBySans(pod.advertiseHost, c.nodeCertSans)).toBe(other.name === c.name);
      }
      // The wildcard covers exactly one label: not two, not the bare service, not another cluster id.
      expect(isCoveredBySans(`a.b.${c.name}.cockroachdb.crdb.svc.clusterset.local`, c.nodeCertSans)).toBe(false);
      expect(isCoveredBySans('cockroachdb.crdb.svc.clusterset.local', c.nodeCertSans)).toBe(false);
      expect(isCoveredBySans(`${c.name}.cockroachdb.crdb.svc.clusterset.local`, c.nodeCertSans)).toBe(false);
      // The cluster's own local names stay covered (the init Job and local clients use them).
      expect(isCoveredBySans(c.pods[0].fqdn, c.nodeCertSans)).toBe(true);
    }
  });

  test('cluster ids and the zone can be given; the zone is canonical', () => {
    const custom = planDeployment(setTopology(SAME_NS, {
      implementation: 'submariner', clusterIds: { 'gke-us-east1': 'east', 'eks-eu-west-1': 'eu' }, domain: 'Fleet.Example.',
    }), { engine: 'cdk8s' });
    expect(custom.clusters.map((c) => c.pods[0].advertiseHost)).toEqual([
      'cockroachdb-0.east.cockroachdb.crdb.svc.fleet.example',
      'cockroachdb-0.gke-us-west1.cockroachdb.crdb.svc.fleet.example',
      'cockroachdb-0.eu.cockroachdb.crdb.svc.fleet.example',
    ]);
    expect(custom.clusters[2].nodeCertSans.dnsNames).toContain('*.eu.cockroachdb.crdb.svc.fleet.example');
  });

  test('a custom base name names the exported Service in every name', () => {
    const custom = planDeployment(setTopology(SAME_NS, {}, { name: 'crdb' }), { engine: 'cdk8s' });
    expect(custom.clusters[0].pods[1].advertiseHost).toBe('crdb-1.gke-us-east1.crdb.crdb.svc.clusterset.local');
  });
});

describe('the ServiceExport', () => {
  test.each([
    ['gke', 'net.gke.io/v1'],
    ['submariner', 'multicluster.x-k8s.io/v1alpha1'],
    ['cilium', 'multicluster.x-k8s.io/v1alpha1'],
    ['mcs-api', 'multicluster.x-k8s.io/v1alpha1'],
  ] as const)('%s: one ServiceExport of the headless Service per cluster, %s', (implementation, apiVersion) => {
    const clusters = implementation === 'gke' ? SAME_NS.map((c) => ({ ...c, cloud: 'gcp' as const, eks: undefined })) : SAME_NS;
    const rendered = renderDeployment(planDeployment(setTopology(clusters, { implementation }), { engine: 'cdk8s' }));
    expect(SERVICE_EXPORT_API_VERSION[implementation]).toBe(apiVersion);
    for (const m of rendered) {
      const exports = m.database.filter((o) => o.kind === 'ServiceExport');
      expect(exports).toEqual([expect.objectContaining({ apiVersion, metadata: expect.objectContaining({ name: 'cockroachdb', namespace: 'crdb' }) })]);
      const headless = m.database.find((o) => o.kind === 'Service' && o.metadata.name === 'cockroachdb') as any;
      // MCS needs not-ready pods published too: nothing is ready before cockroach init.
      expect(headless.spec.publishNotReadyAddresses).toBe(true);
      // Nothing of a DNS of the library's, no load balancer.
      expect([...m.dns, ...m.dnsServer, ...m.loadBalancers]).toEqual([]);
    }
  });

  test('no other strategy renders one', () => {
    const rendered = renderDeployment(planDeployment({ clusters: THREE_CLUSTERS, networking: Networking.dnsChain({ dnsAddresses: { 'gke-us-east1': '10.128.0.53', 'gke-us-west1': '10.138.0.53', 'eks-eu-west-1': '10.9.0.53' } }), tls: Tls.certManager() }));
    expect(rendered.flatMap((m) => m.database).filter((o) => o.kind === 'ServiceExport')).toEqual([]);
  });
});

describe('pod templates depend on the topology only', () => {
  const template = (input: TopologyInput, cluster = 0) =>
    JSON.stringify((renderDeployment(planDeployment(input))[cluster].database.find((o) => o.kind === 'StatefulSet') as any).spec.template);

  test('scaling a cluster or adding one changes no pod template', () => {
    const before = template(setTopology());
    expect(template(setTopology(SAME_NS.map((c, i) => (i === 0 ? { ...c, nodes: 5 } : c))))).toBe(before);
    const fourth: ClusterSpec = { name: 'aks-westeurope', cloud: 'azure', region: 'westeurope', nodes: 3, namespace: 'crdb', podCidrs: ['10.40.0.0/16'], nodeCidrs: ['10.41.0.0/16'] };
    expect(template(setTopology([...SAME_NS, fourth]))).toBe(before);
  });
});

describe('validation of the cluster set: each rule alone', () => {
  test('a valid cluster set has no problems, for both engines', () => {
    expect(problems(setTopology())).toEqual([]);
    expect(problems(setTopology(), 'pulumi')).toEqual([]);
  });

  test('one namespace everywhere: a different one is refused, naming the KEP rule (the default namespace too)', () => {
    const found = problems(setTopology(THREE_CLUSTERS));
    expect(found.map((p) => p.path)).toEqual(['clusters[1].namespace', 'clusters[2].namespace']);
    expect(found[0].message).toMatch(/imports a Service only into the clusters where its namespace exists \(KEP-1645/);
    expect(found[0].message).toMatch(/namespace: 'us-east1'/);
    const byDefault = problems(setTopology(SAME_NS.map((c, i) => (i === 1 ? { ...c, namespace: undefined } : c))));
    expect(byDefault.map((p) => p.path)).toEqual(['clusters[1].name (the default namespace)']);
  });

  test('sharing a namespace is refused for the DNS chain still (forwarding keys on it)', () => {
    const input = { ...setTopology(), networking: Networking.dnsChain({ dnsAddresses: { 'gke-us-east1': '10.128.0.53', 'gke-us-west1': '10.138.0.53', 'eks-eu-west-1': '10.9.0.53' } }) };
    expect(problems(input).map((p) => p.path)).toContain('clusters[1].namespace');
  });

  test('cluster ids are DNS-1123 labels', () => {
    const found = problems(setTopology(SAME_NS, { clusterIds: { 'gke-us-east1': 'East_1' } }));
    expect(found).toEqual([{ path: 'networking.clusterIds.gke-us-east1', message: expect.stringMatching(/'East_1' is not a DNS-1123 label/) }]);
  });

  test('cluster ids are unique, defaults included', () => {
    const found = problems(setTopology(SAME_NS, { clusterIds: { 'eks-eu-west-1': 'gke-us-east1' } }));
    expect(found).toEqual([{ path: 'networking.clusterIds.eks-eu-west-1', message: expect.stringMatching(/also the id of cluster 'gke-us-east1'/) }]);
  });

  test('a cluster id for no cluster is refused', () => {
    expect(problems(setTopology(SAME_NS, { clusterIds: { nowhere: 'x' } })).map((p) => p.path)).toEqual(['networking.clusterIds.nowhere']);
  });

  test('clusterIds that is not a map is refused', () => {
    expect(problems(setTopology(SAME_NS, { clusterIds: 'east' as never })).map((p) => p.path)).toEqual(['networking.clusterIds']);
  });

  test('the zone is a DNS name apart from every cluster domain', () => {
    expect(problems(setTopology(SAME_NS, { domain: 'not a zone' })).map((p) => p.path)).toEqual(['networking.domain']);
    expect(problems(setTopology(SAME_NS, { domain: 'cluster.local' })).map((p) => p.path)).toEqual(['networking.domain', 'networking.domain', 'networking.domain']);
    expect(problems(setTopology(SAME_NS, { domain: 'svc.cluster.local' })).map((p) => p.path)).toContain('networking.domain');
    const clusterDomain = SAME_NS.map((c, i) => (i === 0 ? { ...c, clusterDomain: 'east.clusterset.local' } : c));
    const found = problems(setTopology(clusterDomain));
    expect(found).toEqual([{ path: 'networking.domain', message: expect.stringMatching(/overlaps clusters\[0\]\.clusterDomain 'east\.clusterset\.local'/) }]);
  });

  test('an unknown implementation is refused', () => {
    expect(problems(setTopology(SAME_NS, { implementation: 'istio' as never }))).toEqual([
      { path: 'networking.implementation', message: "'istio' is not one of 'gke', 'submariner', 'cilium', 'mcs-api'" },
    ]);
  });

  test('GKE multi-cluster Services only on GKE clusters', () => {
    const found = problems(setTopology(SAME_NS, { implementation: 'gke' }));
    expect(found.map((p) => p.path)).toEqual(['clusters[2].cloud']);
    expect(found[0].message).toMatch(/one fleet/);
  });

  test('a cluster-set name longer than 253 characters is refused', () => {
    const long = SAME_NS.map((c, i) => (i === 0 ? { ...c, namespace: 'n'.repeat(60) } : { ...c, namespace: 'n'.repeat(60) }));
    const found = problems(setTopology(long, { domain: `${'z'.repeat(60)}.${'y'.repeat(60)}.${'x'.repeat(40)}` }));
    expect(found.map((p) => p.path)).toContain('clusters[0].name');
    expect(found.find((p) => p.path === 'clusters[0].name')!.message).toMatch(/DNS allows 253/);
  });

  test('no load balancer: no allow-list to derive, only the database NetworkPolicy needs the CIDRs', () => {
    const noCidrs = SAME_NS.map(({ podCidrs: _p, nodeCidrs: _n, ...c }) => c);
    expect(problems(setTopology(noCidrs), 'cdk8s').map((p) => p.message).join('\n')).toMatch(/the database NetworkPolicy admit/);
    expect(problems(setTopology(noCidrs, {}, { networkPolicy: { enabled: false } }), 'cdk8s')).toEqual([]);
  });

  test('everything wrong at once: one TopologyError listing every problem', () => {
    expect(() => planDeployment(setTopology(THREE_CLUSTERS, { implementation: 'gke', clusterIds: { 'gke-us-west1': 'gke-us-east1' }, domain: '-' })))
      .toThrow(TopologyError);
    try {
      planDeployment(setTopology(THREE_CLUSTERS, { implementation: 'gke', clusterIds: { 'gke-us-west1': 'gke-us-east1' }, domain: '-' }));
    } catch (error) {
      expect((error as TopologyError).problems.map((p) => p.path).sort()).toEqual([
        'clusters[1].namespace', 'clusters[2].cloud', 'clusters[2].namespace', 'networking.clusterIds.gke-us-west1', 'networking.domain',
      ]);
    }
  });
});
