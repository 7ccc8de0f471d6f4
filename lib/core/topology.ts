import { AksProfile, EksProfile, GenericProfile, GkeProfile } from './cloud/profiles';
import { DatabaseNetworkPolicyOptions } from './network-policy-options';

/** The cloud a Kubernetes cluster runs in; it selects load-balancer annotations and DNS defaults. */
export type Cloud = 'gcp' | 'aws' | 'azure' | 'generic';

/** The cluster DNS server, which decides how remote domains are forwarded. */
export type ClusterDnsKind = 'kube-dns' | 'coredns';

/** One Kubernetes cluster of the deployment. */
export interface ClusterSpec {
  /**
   * Unique DNS-1123 label. Names the output file / Chart and, by default, the namespace.
   */
  readonly name: string;
  /** The cloud the cluster runs in. */
  readonly cloud: Cloud;
  /** The cloud region, used as the CockroachDB locality `region=` tier. */
  readonly region: string;
  /** Number of CockroachDB nodes (StatefulSet replicas) in this cluster; an integer >= 1. */
  readonly nodes: number;
  /**
   * Zones the pods may be scheduled in. When set, pods are pinned to these zones by node affinity.
   * The zone in the locality is always read from the node the pod lands on.
   * @default - any zone of the cluster
   */
  readonly zones?: readonly string[];
  /**
   * Namespace of the database objects. Must be unique across clusters, because DNS forwarding
   * is keyed on `<namespace>.svc.<clusterDomain>`.
   * @default - the cluster name
   */
  readonly namespace?: string;
  /**
   * The cluster's DNS domain.
   * @default 'cluster.local'
   */
  readonly clusterDomain?: string;
  /**
   * The cluster DNS server.
   * @default - 'kube-dns' on GKE ('gcp'), 'coredns' elsewhere
   */
  readonly dns?: ClusterDnsKind;
  /** Pod CIDR blocks (IPv4 or IPv6); checked disjoint from every other block. @default [] */
  readonly podCidrs?: readonly string[];
  /** Service CIDR blocks; checked disjoint from every other block. @default [] */
  readonly serviceCidrs?: readonly string[];
  /** Node (VPC subnet) CIDR blocks; checked disjoint from every other block. @default [] */
  readonly nodeCidrs?: readonly string[];
  /**
   * GKE profile (`cloud: 'gcp'` only): version, DNS provider, subsetting.
   * @default - kube-dns, the oldest supported version, no subsetting
   */
  readonly gke?: GkeProfile;
  /**
   * EKS profile (`cloud: 'aws'` only): the subnets per AZ the NLBs span, the CoreDNS add-on.
   * Required for an AWS cluster that gets a load balancer.
   * @default - none
   */
  readonly eks?: EksProfile;
  /**
   * AKS profile (`cloud: 'azure'` only).
   * @default {}
   */
  readonly aks?: AksProfile;
  /**
   * Generic profile (`cloud: 'generic'` only): whether the load balancers are private.
   * @default - load balancers may be public: none is created unless `internal: false` is chosen
   */
  readonly generic?: GenericProfile;
}

/** What the database must survive; `region` needs at least three regions. */
export type SurvivalGoal = 'zone' | 'region';

/** CockroachDB options shared by every cluster. */
export interface CockroachOptions {
  /**
   * Container image repository.
   * @default 'cockroachdb/cockroach'
   */
  readonly image?: string;
  /**
   * CockroachDB version (image tag). Pinned: never `latest`.
   * @default 'v25.2.4'
   */
  readonly version?: string;
  /**
   * Base name of the StatefulSet, headless Service (`<name>`) and public Service (`<name>-public`).
   * @default 'cockroachdb'
   */
  readonly name?: string;
  /**
   * Size of each node's data volume.
   * @default '100Gi'
   */
  readonly storageSize?: string;
  /**
   * StorageClass of the data volumes.
   * @default - the cluster's default StorageClass
   */
  readonly storageClass?: string;
  /**
   * CPU per node, requests = limits.
   * @default '2'
   */
  readonly cpu?: string;
  /**
   * Memory per node, requests = limits. `--cache` and `--max-sql-memory` get 25% each.
   * @default '8Gi'
   */
  readonly memory?: string;
  /** Extra flags appended to `cockroach start`, e.g. `['--max-offset=250ms']`. @default [] */
  readonly extraStartFlags?: readonly string[];
  /**
   * The cluster whose init Job runs `cockroach init` (exactly once, in one cluster).
   * @default - the first cluster
   */
  readonly initCluster?: string;
  /**
   * The survival goal the multi-region SQL asks for.
   * @default 'zone'
   */
  readonly survivalGoal?: SurvivalGoal;
  /**
   * The database the multi-region SQL is written for.
   * @default 'defaultdb'
   */
  readonly database?: string;
  /**
   * The primary region of the multi-region SQL.
   * @default - the init cluster's region
   */
  readonly primaryRegion?: string;
  /**
   * Termination grace period; cockroach drains on SIGTERM and needs minutes, not 30 s.
   * @default 300
   */
  readonly terminationGracePeriodSeconds?: number;
  /**
   * Image of the init container that reads the node's zone label for the locality.
   * It needs `sh` and `curl`.
   * @default 'curlimages/curl:8.11.1'
   */
  readonly localityImage?: string;
  /**
   * The NetworkPolicy in front of the database pods: SQL and RPC only from the clusters' pod and
   * node CIDRs, the database's own pods and Jobs, and the clients named here.
   * @default - the policy, with no extra clients
   */
  readonly networkPolicy?: DatabaseNetworkPolicyOptions;
}

/** Resolved CockroachDB options: every default filled in. */
export type ResolvedCockroachOptions = Required<Omit<CockroachOptions, 'storageClass' | 'initCluster' | 'primaryRegion' | 'networkPolicy'>> & {
  readonly storageClass?: string;
  readonly initCluster: string;
  readonly primaryRegion: string;
};

/** The default SQL/RPC port. */
export const COCKROACH_PORT = 26257;
/** The default HTTP (Admin UI, health, metrics) port. */
export const COCKROACH_HTTP_PORT = 8080;
/** Default cluster DNS domain. */
export const DEFAULT_CLUSTER_DOMAIN = 'cluster.local';
