import { ClusterDnsKind, ClusterSpec, DEFAULT_CLUSTER_DOMAIN } from './topology';

/** The names of the objects of one cluster; they depend only on the topology, never on addresses. */
export interface ObjectNames {
  /** StatefulSet, and the prefix of its pods. */
  readonly statefulSet: string;
  /** Headless Service that gives each pod its DNS name. */
  readonly headlessService: string;
  /** ClusterIP Service for SQL clients. */
  readonly publicService: string;
  /** ConfigMap with the join list and each pod's advertise address. */
  readonly topologyConfigMap: string;
  /** ServiceAccount of the pods. */
  readonly serviceAccount: string;
  /** ClusterRole (and binding) that lets the locality init container `get` nodes. */
  readonly nodeReaderClusterRole: string;
  /** PodDisruptionBudget. */
  readonly podDisruptionBudget: string;
  /** The init Job (created in the init cluster only). */
  readonly initJob: string;
  /** Secret with the node certificate (`ca.crt`, `tls.crt`, `tls.key`). */
  readonly nodeSecret: string;
  /** Secret with the root client certificate (`ca.crt`, `tls.crt`, `tls.key`). */
  readonly clientSecret: string;
}

/** Derives every object name from the base name and the namespace. */
export function objectNames(baseName: string, namespace: string): ObjectNames {
  return {
    statefulSet: baseName,
    headlessService: baseName,
    publicService: `${baseName}-public`,
    topologyConfigMap: `${baseName}-topology`,
    serviceAccount: baseName,
    // Cluster-scoped: the namespace keeps two deployments in one cluster apart.
    nodeReaderClusterRole: `${baseName}-${namespace}-node-reader`,
    podDisruptionBudget: `${baseName}-budget`,
    initJob: `${baseName}-init`,
    nodeSecret: `${baseName}-node`,
    clientSecret: `${baseName}-client-root`,
  };
}

/** The namespace of a cluster's database objects. */
export function namespaceOf(cluster: ClusterSpec): string {
  return cluster.namespace ?? cluster.name;
}

/** The cluster DNS domain. */
export function clusterDomainOf(cluster: ClusterSpec): string {
  return cluster.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN;
}

/** The cluster DNS server: GKE runs kube-dns by default, EKS, AKS and most others CoreDNS. */
export function dnsKindOf(cluster: ClusterSpec): ClusterDnsKind {
  return cluster.dns ?? (cluster.cloud === 'gcp' ? 'kube-dns' : 'coredns');
}

/** The DNS domain every Service of a namespace lives under: `<namespace>.svc.<clusterDomain>`. */
export function serviceDomainOf(cluster: ClusterSpec): string {
  return `${namespaceOf(cluster)}.svc.${clusterDomainOf(cluster)}`;
}

/** Name of the pod with this ordinal. */
export function podName(statefulSet: string, ordinal: number): string {
  return `${statefulSet}-${ordinal}`;
}

/** In-cluster FQDN of a pod: `<sts>-<i>.<headless>.<ns>.svc.<clusterDomain>`. */
export function podFqdn(cluster: ClusterSpec, baseName: string, ordinal: number): string {
  return `${podName(baseName, ordinal)}.${baseName}.${serviceDomainOf(cluster)}`;
}
