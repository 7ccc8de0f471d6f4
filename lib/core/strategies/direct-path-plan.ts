// What the direct-path strategies add to the plan: where a pod's advertise address comes from,
// the join list (join load balancers, or the listed node addresses) and the extra SANs.
import { HostNetworkNode, HostNetworkOptions, hostNetworkSelector } from './host-network';
import { PodIpsOptions } from './pod-ips';
import { hostPort } from '../sans';
import { ClusterSpec } from '../topology';
import { ownValue } from '../validation/read';

/** The advertise host of a pod that advertises its own pod IP, read at start (`status.podIP`). */
export const POD_IP_ADVERTISE_HOST = '$(POD_IP)';
/** The advertise host of a host-network pod: its node's listed address, read at start. */
export const NODE_ADVERTISE_HOST = '$(NODE_ADDRESS)';

/** Where a pod's advertise address comes from when it is decided at start rather than in the plan. */
export type AdvertiseSource = 'podIP' | 'nodeAddress';

/** A cluster's join load balancer (`Networking.podIps`). */
export interface JoinLoadBalancerPlan {
  /**
   * The addresses peers join through: the reserved IP (AWS: one per subnet) or a DNS name; a
   * placeholder under `.invalid` while unresolved (Pulumi preview). Empty when unknown.
   */
  readonly addresses: readonly string[];
}

/** A cluster's host-network placement (`Networking.hostNetwork`). */
export interface HostNetworkPlan {
  /** The nodes that run the database, in the order given: each one's name and advertised address. */
  readonly nodes: readonly HostNetworkNode[];
  /** The placement label of the pod template. */
  readonly nodeSelector: Readonly<Record<string, string>>;
}

/** The join load balancer of one cluster, from the given or resolved addresses (a placeholder when asked for). */
export function joinLoadBalancerOf(spec: ClusterSpec, options: PodIpsOptions, placeholders: boolean): JoinLoadBalancerPlan {
  const given = ownValue(options.joinAddresses, spec.name);
  const list = given === undefined ? [] : typeof given === 'string' ? [given] : [...given];
  if (list.length > 0) return { addresses: list };
  return { addresses: placeholders ? [`join.${spec.name}.unresolved.invalid`] : [] };
}

/** The host-network placement of one cluster. */
export function hostNetworkOf(spec: ClusterSpec, options: HostNetworkOptions, namespace: string): HostNetworkPlan {
  return {
    nodes: (ownValue(options.nodes, spec.name) ?? []).map((n) => ({ name: n.name, address: n.address })),
    nodeSelector: hostNetworkSelector(options, namespace),
  };
}

/** What the join list of the direct-path strategies is made of, per cluster (the retiring ones excluded). */
export interface JoinSource {
  readonly retiring: boolean;
  readonly remainingNodes: number;
  readonly joinLoadBalancer?: JoinLoadBalancerPlan;
  readonly hostNetwork?: HostNetworkPlan;
}

/**
 * The join list of `podIps` (every address of every cluster's join load balancer) or `hostNetwork`
 * (the first min(3, nodes) listed node addresses of every cluster): identical in every cluster, and
 * for `podIps` independent of replica counts.
 */
export function directPathJoinList(clusters: readonly JoinSource[], port: number, perCluster: number): string[] {
  return clusters.filter((c) => !c.retiring).flatMap((c) => {
    if (c.joinLoadBalancer) return c.joinLoadBalancer.addresses.map((a) => hostPort(a, port));
    const nodes = c.hostNetwork?.nodes ?? [];
    return nodes.slice(0, Math.min(perCluster, c.remainingNodes)).map((n) => hostPort(n.address, port));
  });
}

/** The addresses a strategy of this file adds to a cluster's node certificate SANs. */
export function directPathSanAddresses(cluster: JoinSource): string[] {
  if (cluster.joinLoadBalancer) return [...cluster.joinLoadBalancer.addresses];
  return (cluster.hostNetwork?.nodes ?? []).map((n) => n.address);
}
