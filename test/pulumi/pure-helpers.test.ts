// The pure helpers the Pulumi components rely on (no engine involved).
import { Networking, planDeployment, Tls } from '../../lib/core';
import { addressDependentObjects } from '../../lib/manifests/address-dependence';
import { dnsPatchData } from '../../lib/manifests/dns-patch';
import { isPlaceholderAddress, renderPendingPerPodServices } from '../../lib/manifests/pending-load-balancers';
import { withNetworks } from '../support/topologies';

const clusters = withNetworks([
  { name: 'a', cloud: 'gcp' as const, region: 'r1', nodes: 2 },
  { name: 'b', cloud: 'generic' as const, region: 'r2', nodes: 2, dns: 'coredns' as const },
]);

test('of the database objects, only the topology ConfigMaps depend on load-balancer addresses', () => {
  const dependent = addressDependentObjects({ clusters, networking: Networking.perPodLoadBalancers(), tls: Tls.generated() }, 'pulumi');
  const database = [...dependent].filter((key) => !key.endsWith('-lb')).sort();
  expect(database).toEqual(['a:v1/ConfigMap/a/cockroachdb-topology', 'b:v1/ConfigMap/b/cockroachdb-topology']);
  const dns = addressDependentObjects({ clusters, networking: Networking.dnsChain({ dnsAddresses: { a: '192.168.0.53' } }), tls: Tls.generated() }, 'pulumi');
  expect([...dns].every((key) => key.includes('/kube-system/'))).toBe(true);
});

test('pending per-pod Services are pinned to reserved addresses only', () => {
  const plan = planDeployment({
    clusters,
    networking: Networking.perPodLoadBalancers({ addresses: { a: ['10.0.0.1', '10.0.0.2'] }, externalDns: true }),
    tls: Tls.insecure(),
  }, { placeholders: true });
  const [a0] = renderPendingPerPodServices(plan, plan.clusters[0]);
  expect((a0 as any).spec.loadBalancerIP).toBe('10.0.0.1');
  for (const service of renderPendingPerPodServices(plan, plan.clusters[1])) {
    expect((service as any).spec.loadBalancerIP).toBeUndefined();
    expect(service.metadata.annotations).toEqual({});
  }
  expect(isPlaceholderAddress(plan.clusters[1].pods[0].advertiseHost)).toBe(true);
  expect(isPlaceholderAddress('db.example.com')).toBe(false);
});

test('DNS patch data: stubDomains for kube-dns; the existing Corefile merged for CoreDNS', () => {
  const plan = planDeployment({
    clusters,
    networking: Networking.dnsChain({ dnsAddresses: { a: '10.0.0.53', b: '10.1.0.53' } }),
    tls: Tls.insecure(),
  });
  expect(JSON.parse(dnsPatchData(plan.clusters[0]).stubDomains)).toEqual({ 'b.svc.cluster.local': ['10.1.0.53'] });
  const existing = '.:53 {\n    forward . 8.8.8.8\n}\n';
  const merged = dnsPatchData(plan.clusters[1], existing).Corefile;
  expect(merged.startsWith(existing)).toBe(true);
  expect(merged).toContain('a.svc.cluster.local:53');
  expect(dnsPatchData(plan.clusters[1], merged).Corefile).toBe(merged);
  // No Corefile yet: the complete default Corefile with the forwarding.
  expect(dnsPatchData(plan.clusters[1], '').Corefile).toContain('kubernetes cluster.local in-addr.arpa ip6.arpa');
});
