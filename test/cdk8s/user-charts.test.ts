// A deployment placed next to other constructs of the user's App: a second deployment of the
// same clusters, and a user Chart with a default namespace.
import { App, Chart } from 'cdk8s';
import { validateKubeObjects } from '../support/kube-schema';
import { withNetworks } from '../support/topologies';
import { MultiRegionCockroach, Networking, Tls, TopologyError } from 'crosscluster/cdk8s';

const clusters = withNetworks([
  { name: 'a', cloud: 'gcp' as const, region: 'us-east1', nodes: 1 },
  { name: 'b', cloud: 'aws' as const, region: 'eu-west-1', nodes: 1 },
]);
const dnsChain = Networking.dnsChain({ dnsAddresses: { a: '10.0.0.53', b: '10.1.0.53' } });

test('a second deployment of the same clusters in one App: one error naming the construct, the ids and what to do', () => {
  const app = new App();
  new MultiRegionCockroach(app, 'one', { clusters, networking: dnsChain, tls: Tls.insecure() });
  let error: unknown;
  try {
    new MultiRegionCockroach(app, 'two', { clusters, networking: dnsChain, tls: Tls.insecure() });
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(TopologyError);
  const problems = (error as TopologyError).problems;
  expect(problems.map((p) => p.path)).toEqual(['clusters[0]', 'clusters[1]', 'clusters[0]', 'clusters[1]']);
  expect(problems[0].message).toMatch(/^'a' already holds 'Namespace\.a', .* for cluster 'a', placed by another deployment .* so 'two' cannot place its objects there\. Give 'two' its own namespace \(clusters\[\]\.namespace\)/);
  // GKE before 1.36.2-gke.1498000: the DNS load balancer is two Services, one per protocol.
  expect(problems[2].message).toMatch(/^'a-dns' already holds 'Service\.kube-system\.kube-dns-lb-udp', 'Service\.kube-system\.kube-dns-lb-tcp', .*dnsCharts/);
  // Nothing of the second deployment was created.
  expect(app.node.tryFindChild('two')).toBeUndefined();
});

test('two deployments in one App with their own namespaces share the clusters\' Charts', () => {
  const app = new App();
  const addresses = { a: ['10.0.1.10'], b: ['10.1.1.10'] };
  new MultiRegionCockroach(app, 'orders', { clusters, networking: Networking.perPodLoadBalancers({ addresses }), tls: Tls.insecure() });
  new MultiRegionCockroach(app, 'ledger', {
    clusters: clusters.map((c) => ({ ...c, namespace: `${c.name}-ledger` })),
    name: 'ledger',
    networking: Networking.perPodLoadBalancers({ addresses: { a: ['10.0.1.20'], b: ['10.1.1.20'] } }),
    tls: Tls.insecure(),
  });
  const namespaces = app.charts.find((c) => c.node.id === 'a')!.toJson().filter((o: any) => o.kind === 'Namespace').map((o: any) => o.metadata.name);
  expect(namespaces).toEqual(['a', 'a-ledger']);
});

test('a user Chart\'s namespace fills in nothing: cluster-scoped objects stay without one, namespaced ones keep theirs', () => {
  const app = new App();
  const chart = new Chart(app, 'apps-a', { namespace: 'apps' });
  new MultiRegionCockroach(app, 'db', {
    clusters: [clusters[0]],
    networking: Networking.dnsChain({ dnsAddresses: { a: '10.0.0.53' } }),
    tls: Tls.certManager(),
    charts: { a: chart },
  });
  const objects = chart.toJson();
  const CLUSTER_SCOPED = ['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding'];
  const clusterScoped = objects.filter((o: any) => CLUSTER_SCOPED.includes(o.kind));
  expect(clusterScoped.map((o: any) => o.kind).sort()).toEqual([...CLUSTER_SCOPED].sort());
  for (const o of clusterScoped) expect(o.metadata.namespace).toBeUndefined();
  for (const o of objects.filter((x: any) => !clusterScoped.includes(x))) expect(['a', 'kube-system']).toContain(o.metadata.namespace);
  validateKubeObjects(objects);
});
