// What the plan derives for a cluster's own CoreDNS: where it forwards, where the cluster DNS forwards
// (if anywhere), its fixed ClusterIP and who may reach its load balancer.
import {
  defaultOwnCorednsClusterIp, OWN_COREDNS_IMAGE, OWN_COREDNS_REPLICAS, OwnCorednsNames, ownCorednsNames, OwnCorednsOptions,
  OwnCorednsResolvers,
} from './own-coredns';
import { CLOUD_DNS_FORWARDING_SOURCE_RANGE, gkeDnsProvider } from '../cloud/gcp';
import type { DnsForward } from '../plan';
import { ClusterSpec } from '../topology';
import { ownValue } from '../validation/read';

/** A cluster's own CoreDNS, as the renderers need it. */
export interface OwnCorednsPlan {
  /** Who sends the remote queries to the instance. */
  readonly resolvers: OwnCorednsResolvers;
  /** The instance's fixed ClusterIP (the database pods' nameserver, or the cluster DNS's forwarding target). */
  readonly clusterIp: string;
  /** Its objects' names. */
  readonly names: OwnCorednsNames;
  /** What the instance forwards: every remote cluster's service domain to that cluster's instance, never its own. */
  readonly forwards: readonly DnsForward[];
  readonly replicas: number;
  readonly image: string;
  /** `loadBalancerSourceRanges` of the instance's load balancer. */
  readonly sourceRanges: readonly string[];
}

/** What {@link planOwnCoredns} needs besides the options. */
export interface OwnCorednsPlanInput {
  readonly cluster: ClusterSpec;
  readonly clusters: readonly ClusterSpec[];
  readonly baseName: string;
  readonly namespace: string;
  /** The forwarding of every remote domain to the remote clusters' load-balancer addresses (the DNS chain's). */
  readonly remoteForwards: readonly DnsForward[];
  /** The strategy's explicit allow-list, replacing the derived one. */
  readonly sourceRanges?: readonly string[];
}

/** True when the cluster's DNS is GKE Cloud DNS (forwarding zones are VPC-level: they reach a load balancer, never a ClusterIP). */
function usesCloudDns(cluster: ClusterSpec): boolean {
  return cluster.cloud === 'gcp' && gkeDnsProvider(cluster.gke) === 'cloud-dns';
}

/**
 * The instance of one cluster. The topology was validated: a cluster without a given ClusterIP has a
 * service block the default comes from.
 */
export function planOwnCoredns(options: OwnCorednsOptions, input: OwnCorednsPlanInput): OwnCorednsPlan {
  const { cluster, clusters } = input;
  const resolvers = options.resolvers ?? 'database-pods';
  const peers = clusters.filter((c) => c.name !== cluster.name);
  // Who dials the load balancer: the peers' instances (from pod IPs, or node IPs behind a NATing CNI),
  // and Cloud DNS's forwarders when this cluster's Cloud DNS forwards to it.
  const derived = [
    ...peers.flatMap((p) => [...(p.podCidrs ?? []), ...(p.nodeCidrs ?? [])]),
    ...(resolvers === 'cluster-dns' && usesCloudDns(cluster) ? [CLOUD_DNS_FORWARDING_SOURCE_RANGE] : []),
  ];
  return {
    resolvers,
    clusterIp: ownValue(options.clusterIps, cluster.name) ?? defaultOwnCorednsClusterIp(cluster.serviceCidrs)!,
    names: ownCorednsNames(input.baseName, input.namespace),
    forwards: input.remoteForwards,
    replicas: options.replicas ?? OWN_COREDNS_REPLICAS,
    image: options.image ?? OWN_COREDNS_IMAGE,
    sourceRanges: input.sourceRanges !== undefined ? [...input.sourceRanges] : [...new Set(derived)],
  };
}

/**
 * What the cluster DNS forwards when a CoreDNS of the library's own does the chaining: nothing with
 * `'database-pods'`; with `'cluster-dns'`, each remote domain to the local instance, at its ClusterIP
 * (GKE Cloud DNS: at its load balancer, the only address a Cloud DNS forwarding zone reaches).
 */
export function clusterDnsForwards(plan: OwnCorednsPlan, cluster: ClusterSpec, ownLoadBalancer: readonly string[]): DnsForward[] {
  if (plan.resolvers === 'database-pods') return [];
  const servers = usesCloudDns(cluster) ? [...ownLoadBalancer] : [plan.clusterIp];
  return plan.forwards.map((f) => ({ cluster: f.cluster, domain: f.domain, servers, forceTcp: false }));
}
