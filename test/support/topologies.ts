import { ClusterSpec, Networking, Tls, TopologyInput } from 'crosscluster';

/** Three clusters: two GKE regions on kube-dns, one EKS region on CoreDNS, disjoint CIDRs. */
export const THREE_CLUSTERS: ClusterSpec[] = [
  {
    name: 'gke-us-east1',
    cloud: 'gcp',
    region: 'us-east1',
    nodes: 3,
    namespace: 'us-east1',
    podCidrs: ['10.0.0.0/14'],
    serviceCidrs: ['10.100.0.0/20'],
    nodeCidrs: ['10.128.0.0/20'],
  },
  {
    name: 'gke-us-west1',
    cloud: 'gcp',
    region: 'us-west1',
    nodes: 3,
    namespace: 'us-west1',
    podCidrs: ['10.4.0.0/14'],
    serviceCidrs: ['10.100.16.0/20'],
    nodeCidrs: ['10.138.0.0/20'],
  },
  {
    name: 'eks-eu-west-1',
    cloud: 'aws',
    region: 'eu-west-1',
    nodes: 3,
    namespace: 'eu-west-1',
    podCidrs: ['10.8.0.0/16'],
    serviceCidrs: ['172.20.0.0/16'],
    nodeCidrs: ['10.9.0.0/16'],
    eks: { subnets: { 'eu-west-1a': { id: 'subnet-0a000001', cidr: '10.9.0.0/16' } } },
  },
];

export const DNS_ADDRESSES = { 'gke-us-east1': '10.128.0.53', 'gke-us-west1': '10.138.0.53', 'eks-eu-west-1': '10.9.0.53' };

/** Per-pod addresses for {@link THREE_CLUSTERS}: GKE IPs, EKS DNS names. */
export function podAddresses(clusters: ClusterSpec[]): Record<string, string[]> {
  return Object.fromEntries(
    clusters.map((c, i) => [
      c.name,
      Array.from({ length: c.nodes }, (_, j) => (c.cloud === 'aws' ? `db-${j}.${c.name}.example.com` : `10.${200 + i}.0.${j + 10}`)),
    ]),
  );
}

export function dnsChainTopology(clusters: ClusterSpec[] = THREE_CLUSTERS, extra: Partial<TopologyInput> = {}): TopologyInput {
  const dnsAddresses = Object.fromEntries(clusters.map((c, i) => [c.name, (DNS_ADDRESSES as Record<string, string>)[c.name] ?? `10.250.${i}.53`]));
  return { clusters, networking: Networking.dnsChain({ dnsAddresses }), tls: Tls.certManager(), ...extra };
}

export function perPodTopology(clusters: ClusterSpec[] = THREE_CLUSTERS, extra: Partial<TopologyInput> = {}): TopologyInput {
  return { clusters, networking: Networking.perPodLoadBalancers({ addresses: podAddresses(clusters) }), tls: Tls.certManager(), ...extra };
}

/**
 * Completes test clusters with what the cloud profiles and the allow-lists need, leaving what is
 * given: pod and node CIDRs (disjoint per index), on AWS one NLB subnet (a /8 that holds every
 * 10.x test address), on generic clusters private load balancers.
 */
export function withNetworks<T extends ClusterSpec>(clusters: readonly T[]): T[] {
  return clusters.map((c, i) => ({
    ...c,
    podCidrs: c.podCidrs ?? [`100.${64 + i}.0.0/16`],
    nodeCidrs: c.nodeCidrs ?? [`192.168.${i}.0/24`],
    ...(c.cloud === 'aws' && !c.eks ? { eks: { subnets: { [`${c.region}a`]: { id: `subnet-0000000${i}`, cidr: '10.0.0.0/8' } } } } : {}),
    ...(c.cloud === 'generic' && !c.generic ? { generic: { privateLoadBalancers: true } } : {}),
  }));
}
