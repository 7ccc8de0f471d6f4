// The set of resources depends on the topology only: a preview, where no load-balancer address
// is known yet, registers exactly the resources a normal run registers.
import { Recorded, settle, startMocks } from './mock-engine';
import { withNetworks } from '../support/topologies';

async function run(preview: boolean, networking: 'perPod' | 'dnsChain'): Promise<Recorded[]> {
  const recorded = await startMocks({ preview });
  const k8s = await import('@pulumi/kubernetes');
  const { MultiRegionCockroach, Networking, Tls } = await import('../../lib/pulumi');
  const clusters = withNetworks([
    { name: 'us-east', cloud: 'gcp' as const, region: 'us-east1', nodes: 3 },
    { name: 'eu-west', cloud: 'aws' as const, region: 'eu-west-1', nodes: 4 },
    { name: 'ap-south', cloud: 'azure' as const, region: 'centralindia', nodes: 1 },
  ]).map((c) => ({ ...c, provider: new k8s.Provider(c.name, { kubeconfig: c.name }) }));
  new MultiRegionCockroach('crdb', {
    clusters,
    networking: networking === 'perPod'
      ? Networking.perPodLoadBalancers()
      : Networking.dnsChain({ dnsAddresses: { 'us-east': '192.168.0.53', 'eu-west': '10.20.15.250' } }),
    tls: Tls.generated({ algorithm: 'RSA' }),
  });
  await settle();
  return recorded;
}

function resourceSet(recorded: readonly Recorded[]): string[] {
  return recorded.map((r) => `${r.type} ${r.name}${r.readId !== undefined ? ' (read)' : ''}`).sort();
}

test.each(['perPod', 'dnsChain'] as const)('%s: preview registers the same resources as a normal run', async (networking) => {
  const normal = await run(false, networking);
  const preview = await run(true, networking);
  expect(normal.length).toBeGreaterThan(40);
  expect(resourceSet(preview)).toEqual(resourceSet(normal));
  // In preview the addresses are unknown, so only what depends on them waits.
  const unknown = { __pulumiUnknown: true };
  const previewCsr = preview.find((r) => r.name === 'crdb-certs-us-east-node-csr')!;
  const normalCsr = normal.find((r) => r.name === 'crdb-certs-us-east-node-csr')!;
  expect(normalCsr.inputs.ipAddresses).toContain('127.0.0.1');
  if (networking === 'perPod') {
    expect(previewCsr.inputs.ipAddresses).toEqual(unknown);
    // The topology ConfigMap's data is carried by its patch (updated in place as addresses change).
    const topology = preview.find((r) => r.name === 'crdb-us-east-cockroachdb-topology-data')!;
    expect(topology.inputs.data).toEqual(unknown);
  } else {
    // DNS chaining: the SANs and the database objects know every address up front.
    expect(previewCsr.inputs.ipAddresses).toEqual(normalCsr.inputs.ipAddresses);
    const patch = preview.find((r) => r.name === 'crdb-dns-ap-south-coredns-custom')!;
    expect(patch.inputs.data).toEqual(unknown);
  }
  // Names and namespaces are known in preview.
  const sts = preview.find((r) => r.type === 'kubernetes:apps/v1:StatefulSet')!;
  expect(sts.inputs.metadata).toMatchObject({ name: 'cockroachdb', namespace: 'us-east' });
});
