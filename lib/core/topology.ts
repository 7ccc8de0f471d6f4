import { AksProfile, EksProfile, GenericProfile, GkeProfile } from './cloud/profiles';
import { SqlEndpoints } from './endpoints/sql-endpoints';
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
   * This cluster's CockroachDB version during a staged upgrade: the clusters not yet rolled keep
   * `upgrade.from`, the rolled ones the new `version`. Only with `upgrade`; see docs/day-2.md.
   * @default - the deployment's `version`
   */
  readonly version?: string;
  /**
   * Scale down safely: decommission every node at or above this ordinal (the highest ordinals),
   * verified (no replicas left, membership decommissioned), before their pods and volumes go.
   * GitOps: commit this first, lower `nodes` to the same number once the Job has completed.
   * Pulumi: the StatefulSet is scaled to this number in the same `up`, after the decommission Job.
   * @default - no node is decommissioned
   */
  readonly scaleDownTo?: number;
  /**
   * Remove this cluster's region: its region is dropped from the managed databases, then every
   * node of the cluster is decommissioned, and the other clusters stop joining through it. Remove
   * the cluster from the topology once its decommission Job has completed.
   * @default false
   */
  readonly retiring?: boolean;
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
   * Image of the init container that reads the node's zone label for the locality, and of the
   * container that records a verified decommission for the scale-down guard. It needs `sh` and `curl`.
   * @default 'curlimages/curl:8.11.1'
   */
  readonly localityImage?: string;
  /**
   * The databases the multi-region Job makes multi-region (created when missing).
   * @default - [database]
   */
  readonly databases?: readonly string[];
  /**
   * A major-version (or patch) upgrade in progress: see {@link UpgradeOptions} and docs/day-2.md.
   * @default - no upgrade in progress
   */
  readonly upgrade?: UpgradeOptions;
  /**
   * How pods spread over zones: `DoNotSchedule` (the operator's default) keeps a zone from
   * holding more than its share of replicas; `ScheduleAnyway` prefers spreading but never blocks.
   * @default 'DoNotSchedule'
   */
  readonly zoneSpread?: ZoneSpread;
  /**
   * A liveness probe on `/health`. Cockroach Labs advises against one in production: a node that is
   * busy but alive gets killed. A startup probe guards slow starts either way.
   * @default false
   */
  readonly livenessProbe?: boolean;
  /**
   * Separate listeners: SQL clients on 26257 (`--sql-addr`), inter-node RPC on 26258
   * (`--listen-addr`), as the operator does; the join list then dials 26258.
   * @default false
   */
  readonly separateSqlPort?: boolean;
  /**
   * WAL failover to a second volume per node, so a stalled data disk does not stall writes
   * (`--wal-failover=path=...`). A StatefulSet's volume templates are immutable: choose it at creation.
   * @default - no WAL failover
   */
  readonly walFailover?: WalFailoverOptions;
  /**
   * Encryption at rest with a store key from a Secret you provision in every namespace
   * (`--enterprise-encryption`); the key never appears in the manifests.
   * @default - not encrypted
   */
  readonly encryptionAtRest?: EncryptionAtRestOptions;
  /**
   * CockroachDB's logging configuration (YAML, as for `--log-config-file`), written to a ConfigMap.
   * @default - `--logtostderr`
   */
  readonly logConfig?: string;
  /**
   * The in-cluster scale-down guard: a `ValidatingAdmissionPolicy` (Kubernetes >= 1.30) that refuses
   * lowering a StatefulSet's replicas below what its decommission Job verified, whatever applies it.
   * @default true
   */
  readonly scaleDownGuard?: boolean;
  /**
   * The NetworkPolicy in front of the database pods: SQL and RPC only from the clusters' pod and
   * node CIDRs, the database's own pods and Jobs, and the clients named here.
   * @default - the policy, with no extra clients
   */
  readonly networkPolicy?: DatabaseNetworkPolicyOptions;
  /**
   * Client endpoints: per region a SQL load balancer (allow-listed, internal by default) and a name,
   * and one global name that answers with the nearest healthy region:
   * `SqlEndpoints.route53(...)` or `SqlEndpoints.cloudDns(...)`. The node certificates cover every
   * name and address of them. See docs/sql-endpoints.md.
   * @default - no SQL load balancer; clients use `<name>-public` inside each cluster
   */
  readonly sqlEndpoints?: SqlEndpoints;
}

/** How pods spread over zones. */
export type ZoneSpread = 'DoNotSchedule' | 'ScheduleAnyway';

/** A staged upgrade: clusters move from `from` to the deployment `version` one at a time. */
export interface UpgradeOptions {
  /** The version every node ran before this upgrade, e.g. `'v25.2.4'`. */
  readonly from: string;
  /**
   * Finalize: reset `cluster.preserve_downgrade_option` so the new version's features turn on (no
   * downgrade after that). Only once every cluster runs `version`.
   * @default false
   */
  readonly finalize?: boolean;
}

/** Options of WAL failover. */
export interface WalFailoverOptions {
  /** Size of the failover volume. @default '25Gi' */
  readonly size?: string;
  /** StorageClass of the failover volume, ideally another disk type than the data volume. @default - the cluster's default */
  readonly storageClass?: string;
}

/** Options of encryption at rest. */
export interface EncryptionAtRestOptions {
  /** The Secret (in every database namespace) holding the store key, e.g. from `cockroach gen encryption-key`. */
  readonly secretName: string;
  /** The Secret key with the active store key. @default 'store.key' */
  readonly key?: string;
  /**
   * The Secret key with the previous store key, while rotating; `plain` when the store was unencrypted.
   * @default - 'plain'
   */
  readonly oldKey?: string;
}

/** Resolved CockroachDB options: every default filled in. */
export type ResolvedCockroachOptions = Required<Omit<CockroachOptions,
'storageClass' | 'initCluster' | 'primaryRegion' | 'upgrade' | 'walFailover' | 'encryptionAtRest' | 'logConfig' | 'networkPolicy' | 'sqlEndpoints'>> & {
  readonly storageClass?: string;
  readonly upgrade?: UpgradeOptions;
  readonly walFailover?: WalFailoverOptions;
  readonly encryptionAtRest?: EncryptionAtRestOptions;
  readonly logConfig?: string;
  readonly initCluster: string;
  readonly primaryRegion: string;
};

/** The default SQL/RPC port (SQL only with `separateSqlPort`). */
export const COCKROACH_PORT = 26257;
/** The inter-node RPC port with `separateSqlPort`. */
export const COCKROACH_RPC_PORT = 26258;
/** The default HTTP (Admin UI, health, metrics) port. */
export const COCKROACH_HTTP_PORT = 8080;
/** Default cluster DNS domain. */
export const DEFAULT_CLUSTER_DOMAIN = 'cluster.local';
