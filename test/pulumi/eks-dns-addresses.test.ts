// MultiRegionCockroach with DNS chaining and an EKS cluster whose NLB spans two subnets: its DNS
// load balancer has one private IP per subnet. Found by the real-control-plane tier: probing which
// objects depend on addresses replaced the two known IPs by one stand-in, which the AWS rule
// (one IP per subnet) refused, so no such deployment could be planned.
import { kubeObjectOf, kubeResources, Recorded, settle, startMocks, valueOf } from './mock-engine';

const CLUSTERS = [
  {
    name: 'gke-east',
    cloud: 'gcp',
    region: 'us-east1',
    nodes: 3,
    nodeCidrs: ['10.10.0.0/20'],
    podCidrs: ['10.12.0.0/14'],
    gke: { version: '1.36.2-gke.1498000', dns: 'kube-dns', subsetting: true },
  },
  {
    name: 'eks-west',
    cloud: 'aws',
    region: 'us-west-2',
    nodes: 3,
    nodeCidrs: ['10.20.0.0/16'],
    podCidrs: ['100.64.0.0/16'],
    eks: { subnets: { 'us-west-2a': { id: 'subnet-0a000001', cidr: '10.20.0.0/20' }, 'us-west-2b': { id: 'subnet-0b000002', cidr: '10.20.16.0/20' } }, corednsAddon: false },
  },
] as const;

let recorded: Recorded[];
let dnsAddresses: Record<string, string[]>;

beforeAll(async () => {
  recorded = await startMocks();
  const k8s = await import('@pulumi/kubernetes');
  const { MultiRegionCockroach, Networking, Tls } = await import('../../lib/pulumi');
  const db = new MultiRegionCockroach('crdb', {
    clusters: CLUSTERS.map((c) => ({ ...c, provider: new k8s.Provider(c.name, { kubeconfig: c.name }) })),
    networking: Networking.dnsChain({ dnsAddresses: { 'gke-east': '10.10.15.250', 'eks-west': ['10.20.15.250', '10.20.31.250'] } }),
    tls: Tls.insecure(),
  });
  dnsAddresses = await valueOf(db.dnsChain!.dnsAddresses);
  await settle();
});

test('the EKS DNS load balancer is pinned to both IPs, one per subnet, in AZ order', () => {
  expect(dnsAddresses['eks-west']).toEqual(['10.20.15.250', '10.20.31.250']);
  const service = kubeResources(recorded).map(kubeObjectOf).find((o) => o.kind === 'Service' && o.metadata.namespace === 'kube-system' &&
    o.metadata.annotations?.['service.beta.kubernetes.io/aws-load-balancer-subnets']);
  expect(service?.metadata.annotations).toMatchObject({
    'service.beta.kubernetes.io/aws-load-balancer-subnets': 'subnet-0a000001,subnet-0b000002',
    'service.beta.kubernetes.io/aws-load-balancer-private-ipv4-addresses': '10.20.15.250,10.20.31.250',
  });
});

test('the GKE cluster forwards the EKS namespace to both addresses', () => {
  const patch = recorded.find((r) => r.type === 'kubernetes:core/v1:ConfigMapPatch' && r.inputs.metadata.namespace === 'kube-system' && r.provider === 'gke-east')!;
  expect(JSON.parse(patch.inputs.data.stubDomains)).toEqual({ 'eks-west.svc.cluster.local': ['10.20.15.250', '10.20.31.250'] });
});
