// Who may reach a load balancer: derived from the clusters' pod and node CIDRs, never "anyone".
//
// Cross-cluster traffic arrives from pod IPs: GKE (VPC-native) does not SNAT to RFC 1918
// destinations (ip-masq-agent defaults) and EKS keeps pod IPs once the VPC CNI excludes the peers
// from SNAT (VpcCniSnatExclusion); AKS with Azure CNI overlay and other NATing CNIs send from node
// IPs. So every allow-list holds both. An internal NLB without source ranges admits its own VPC only
// (AWS Load Balancer Controller docs, annotations.md, "loadBalancerSourceRanges").
import { CLOUD_DNS_FORWARDING_SOURCE_RANGE, gkeDnsProvider } from './gcp';
import { ClusterSpec } from '../topology';

/** The source ranges of each kind of load balancer of one cluster. */
export interface AllowLists {
  /** Database load balancers (per pod): every cluster's pod and node CIDRs, this one's too (its pods dial them). */
  readonly database: readonly string[];
  /** The DNS load balancer: the peers' pod and node CIDRs (and Cloud DNS's forwarders when a peer uses it). */
  readonly dns: readonly string[];
}

function cidrsOf(cluster: ClusterSpec): string[] {
  return [...(cluster.podCidrs ?? []), ...(cluster.nodeCidrs ?? [])];
}

function unique(list: readonly string[]): string[] {
  return [...new Set(list)];
}

/**
 * The allow-lists of `cluster`'s load balancers. An explicit list (`sourceRanges` of the strategy)
 * replaces the derived one for both.
 */
export function allowListsOf(cluster: ClusterSpec, clusters: readonly ClusterSpec[], override?: readonly string[]): AllowLists {
  if (override !== undefined) return { database: [...override], dns: [...override] };
  const peers = clusters.filter((c) => c.name !== cluster.name);
  const cloudDnsPeer = peers.some((p) => p.cloud === 'gcp' && gkeDnsProvider(p.gke) === 'cloud-dns');
  return {
    database: unique(clusters.flatMap(cidrsOf)),
    dns: unique([...peers.flatMap(cidrsOf), ...(cloudDnsPeer ? [CLOUD_DNS_FORWARDING_SOURCE_RANGE] : [])]),
  };
}
