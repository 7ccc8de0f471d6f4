// Options of Networking.hostNetwork: database pods on the node's network, one per listed node,
// each advertising its node's static address.

/** One node that runs a database pod with `Networking.hostNetwork`. */
export interface HostNetworkNode {
  /** The Node's name (`metadata.name`, the `kubernetes.io/hostname` label). */
  readonly name: string;
  /**
   * The address peers dial: the node's static internal IP (the one Kubernetes reports as the
   * node's `status.hostIP`), or a DNS name that resolves to it from every cluster.
   */
  readonly address: string;
}

/** Options of {@link Networking.hostNetwork}. */
export interface HostNetworkOptions {
  /**
   * Per cluster name, the nodes that run the database: exactly one entry per CockroachDB node
   * (`nodes` of the cluster), each carrying the placement label (`nodeSelector`). The first
   * min(3, nodes) addresses of every cluster are the join list; each node's address is what its pod
   * advertises and what the cluster's node certificate covers.
   * @default {}
   */
  readonly nodes?: Readonly<Record<string, readonly HostNetworkNode[]>>;
  /**
   * The label that places the database pods (required node affinity), one per node. Label exactly
   * the listed nodes with it (node-pool labels on GKE/EKS/AKS, `kubectl label node` elsewhere). It is
   * a constant of the pod template, so adding a node to the list never restarts a pod.
   * @default - `{ 'crosscluster.io/database': '<namespace>' }`
   */
  readonly nodeSelector?: Readonly<Record<string, string>>;
  /**
   * The listed node IPs are reserved static addresses that survive node upgrades and repairs. GKE,
   * EKS and AKS recreate node VMs (upgrades, repairs, autoscaling) with new internal IPs, and a pod
   * on a node whose IP is not the listed one refuses to start: on `gcp`, `aws` and `azure` clusters
   * with IP addresses this must be set to `true` to confirm the addresses are reserved (or give DNS
   * names that follow the nodes).
   * @default false
   */
  readonly staticNodeAddresses?: boolean;
  /**
   * The clusters' NodePort range (`kube-apiserver --service-node-port-range`). The database binds
   * its ports (26257, 8080, and 26258 with `separateSqlPort`) on every listed node, so none of them
   * may be a NodePort kube-proxy also binds.
   * @default '30000-32767'
   */
  readonly nodePortRange?: string;
  /**
   * Not applicable, and refused when given: host networking creates no load balancer to allow-list.
   * Peers reach the nodes directly; restrict them with the nodes' firewall (cloud firewall rules,
   * security groups).
   * @default - none
   */
  readonly sourceRanges?: undefined;
}

/** The label that places the database pods when none is given. */
export const DEFAULT_HOST_NETWORK_LABEL = 'crosscluster.io/database';

/** The Kubernetes default NodePort range. */
export const DEFAULT_NODE_PORT_RANGE = '30000-32767';

/** The placement label of a cluster's database pods. */
export function hostNetworkSelector(options: HostNetworkOptions, namespace: string): Record<string, string> {
  return options.nodeSelector !== undefined ? { ...options.nodeSelector } : { [DEFAULT_HOST_NETWORK_LABEL]: namespace };
}

/** `[low, high]` of a NodePort range like `30000-32767`, or undefined when it is not one. */
export function parsePortRange(value: unknown): readonly [number, number] | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^(\d{1,5})-(\d{1,5})$/.exec(value.trim());
  if (!m) return undefined;
  const low = Number(m[1]);
  const high = Number(m[2]);
  return low >= 1 && high <= 65535 && low <= high ? [low, high] : undefined;
}
