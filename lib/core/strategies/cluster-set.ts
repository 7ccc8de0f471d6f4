// The Multi-Cluster Services API (KEP-1645) as a networking strategy: what the library needs to know
// about the cluster set to derive the names every pod advertises, and how each implementation is asked
// to export the database's headless Service.

/**
 * The implementation of the Multi-Cluster Services API the clusters run. It decides the API group of
 * the `ServiceExport` (GKE has its own) and the checks the topology gets:
 * - `'gke'`: GKE multi-cluster Services (fleet, Cloud DNS); `ServiceExport` of `net.gke.io/v1`;
 * - `'submariner'`: Submariner with Lighthouse service discovery; `multicluster.x-k8s.io/v1alpha1`;
 * - `'cilium'`: Cilium ClusterMesh with MCS-API support; `multicluster.x-k8s.io/v1alpha1`;
 * - `'mcs-api'`: any other implementation of the `sigs.k8s.io/mcs-api` CRDs; `multicluster.x-k8s.io/v1alpha1`.
 */
export type ClusterSetImplementation = 'gke' | 'submariner' | 'cilium' | 'mcs-api';

/** Options of `Networking.clusterSet`. */
export interface ClusterSetOptions {
  /**
   * The MCS implementation of the clusters; see {@link ClusterSetImplementation} and docs/cluster-set.md
   * for what each needs before the database is deployed.
   * @default 'mcs-api'
   */
  readonly implementation?: ClusterSetImplementation;
  /**
   * Each cluster's id in the cluster set, by cluster name: the label a pod's cross-cluster name carries,
   * `<pod>.<cluster-id>.<service>.<namespace>.svc.clusterset.local`. It is what the implementation
   * publishes (KEP-2149's `id.k8s.io` ClusterProperty): Submariner's `subctl join --clusterid`, Cilium's
   * `cluster.name`, GKE's fleet membership name. DNS-1123 labels, unique.
   * @default - the cluster name
   */
  readonly clusterIds?: Readonly<Record<string, string>>;
  /**
   * The cluster set's DNS zone.
   * @default 'clusterset.local'
   */
  readonly domain?: string;
}

/** The cluster set's DNS zone the MCS DNS specification names. */
export const CLUSTERSET_DOMAIN = 'clusterset.local';

/** The implementations, in the order error messages list them. */
export const CLUSTER_SET_IMPLEMENTATIONS: readonly ClusterSetImplementation[] = ['gke', 'submariner', 'cilium', 'mcs-api'];

/**
 * The `apiVersion` of the `ServiceExport` each implementation watches. GKE multi-cluster Services
 * watch their own group `net.gke.io/v1` (GKE docs, "Configuring multi-cluster Services", "Exporting
 * Services"); Lighthouse, Cilium and CoreDNS's `multicluster` option use the MCS API's v1alpha1 (the
 * served version every one of them reads; `sigs.k8s.io/mcs-api` v0.5 also serves v1beta1).
 */
export const SERVICE_EXPORT_API_VERSION: Readonly<Record<ClusterSetImplementation, string>> = {
  'gke': 'net.gke.io/v1',
  'submariner': 'multicluster.x-k8s.io/v1alpha1',
  'cilium': 'multicluster.x-k8s.io/v1alpha1',
  'mcs-api': 'multicluster.x-k8s.io/v1alpha1',
};

/** What the plan resolves of the cluster-set options for one cluster. */
export interface ClusterSetPlan {
  /** The MCS implementation. */
  readonly implementation: ClusterSetImplementation;
  /** This cluster's id in the cluster set. */
  readonly clusterId: string;
  /** The cluster set's zone, canonical. */
  readonly domain: string;
  /** `<service>.<namespace>.svc.<zone>`: the exported headless Service's cluster-set name. */
  readonly serviceName: string;
  /** `*.<cluster-id>.<service>.<namespace>.svc.<zone>`: the one-label wildcard covering this cluster's pods only. */
  readonly podWildcard: string;
}

/**
 * The cluster-set names of one cluster's exported headless Service. A wildcard covers one label,
 * so it is per cluster: `*.<cluster-id>.<svc>...` and never `*.clusterset.local` (which would cover
 * nothing a pod advertises, and would let any name of the zone pass if it did).
 */
export function clusterSetPlan(options: ClusterSetOptions, headlessService: string, namespace: string, clusterId: string): ClusterSetPlan {
  const domain = (options.domain ?? CLUSTERSET_DOMAIN).toLowerCase().replace(/\.$/, '');
  const serviceName = `${headlessService}.${namespace}.svc.${domain}`;
  return {
    implementation: options.implementation ?? 'mcs-api',
    clusterId,
    domain,
    serviceName,
    podWildcard: `*.${clusterId}.${serviceName}`,
  };
}

/** A pod's cluster-set name: `<pod>.<cluster-id>.<service>.<namespace>.svc.<zone>` (MCS DNS specification, 2.4.1). */
export function clusterSetPodName(pod: string, plan: ClusterSetPlan): string {
  return `${pod}.${plan.clusterId}.${plan.serviceName}`;
}
