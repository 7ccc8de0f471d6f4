// Tls.certManager() in Pulumi: cert-manager's Issuer and Certificates as custom resources, the node
// certificates' SANs filled with the load-balancer addresses as they resolve, and no key in Pulumi.
import { kubeObjectOf, kubeResources, lbAddress, Recorded, settle, startMocks, valueOf } from './mock-engine';
import { validateKubeObjects } from '../support/kube-schema';
import { withNetworks } from '../support/topologies';

let recorded: Recorded[];
let component: import('../../lib/pulumi').MultiRegionCockroach;

const CLUSTERS = [
  { name: 'us-east', cloud: 'gcp', region: 'us-east1', nodes: 3 },
  { name: 'eu-west', cloud: 'aws', region: 'eu-west-1', nodes: 2 },
] as const;

beforeAll(async () => {
  recorded = await startMocks();
  const k8s = await import('@pulumi/kubernetes');
  const { MultiRegionCockroach, Networking, Tls } = await import('../../lib/pulumi');
  component = new MultiRegionCockroach('crdb', {
    clusters: withNetworks(CLUSTERS).map((c) => ({ ...c, provider: new k8s.Provider(c.name, { kubeconfig: c.name }) })),
    networking: Networking.perPodLoadBalancers({ internal: true }),
    tls: Tls.certManager({ caSecretName: 'shared-ca', duration: '2160h', renewBefore: '360h' }),
  });
  await valueOf(component.joinAddresses);
  await settle();
});

function certManagerObjects(kind: string): Record<string, any>[] {
  return kubeResources(recorded).filter((r) => r.type === `kubernetes:cert-manager.io/v1:${kind}`).map(kubeObjectOf);
}

test('an Issuer on the shared CA Secret and the node and root Certificates in every cluster', () => {
  const issuers = certManagerObjects('Issuer');
  expect(issuers.map((i) => [i.metadata.namespace, i.spec.ca.secretName])).toEqual([['us-east', 'shared-ca'], ['eu-west', 'shared-ca']]);
  const certificates = certManagerObjects('Certificate');
  expect(certificates.map((c) => `${c.metadata.namespace}/${c.spec.commonName}`).sort())
    .toEqual(['eu-west/node', 'eu-west/root', 'us-east/node', 'us-east/root']);
  for (const c of certificates) expect(c.spec).toMatchObject({ duration: '2160h', renewBefore: '360h', issuerRef: { name: 'cockroachdb-ca', kind: 'Issuer' } });
  validateKubeObjects([...issuers, ...certificates]);
});

test('each node Certificate carries its own cluster\'s load-balancer addresses, as the cloud reported them', () => {
  for (const cluster of CLUSTERS) {
    const node = certManagerObjects('Certificate').find((c) => c.metadata.namespace === cluster.name && c.spec.commonName === 'node')!;
    const sans = [...(node.spec.dnsNames ?? []), ...(node.spec.ipAddresses ?? [])];
    for (let i = 0; i < cluster.nodes; i++) expect(sans).toContain(lbAddress(cluster.name, cluster.name, `cockroachdb-${i}-lb`));
    const other = CLUSTERS.find((c) => c.name !== cluster.name)!;
    expect(sans).not.toContain(lbAddress(other.name, other.name, 'cockroachdb-0-lb'));
  }
  // AWS load balancers report hostnames: they are DNS SANs there.
  expect(lbAddress('eu-west', 'eu-west', 'cockroachdb-0-lb')).toMatch(/\.elb\.example\.com$/);
});

test('no key passes through Pulumi: no @pulumi/tls resource and no Secret', async () => {
  expect(recorded.filter((r) => r.type.startsWith('tls:'))).toEqual([]);
  expect(kubeResources(recorded).filter((r) => r.type === 'kubernetes:core/v1:Secret')).toEqual([]);
  expect(await valueOf(component.caCertPem)).toBeUndefined();
  expect(await valueOf(component.clusters)).toMatchObject({ 'us-east': { nodeSecret: 'cockroachdb-node', clientSecret: 'cockroachdb-client-root' } });
});

test('the component exposes each cluster\'s Issuer and Certificates, which the StatefulSets and the init Job wait for', () => {
  const certificateUrns = (cluster: string) => recorded
    .filter((r) => r.type.startsWith('kubernetes:cert-manager.io/v1:') && r.provider === cluster).map((r) => r.name);
  expect(certificateUrns('us-east')).toHaveLength(3);
  expect(component.certs!.certificates['us-east']).toHaveLength(3);
  expect(component.certs!.secrets).toEqual({});
});
