/**
 * crosscluster/cdk8s: cdk8s constructs that synthesize, per Kubernetes cluster, the complete
 * manifests of a CockroachDB deployment spanning clusters, regions and clouds. Everything a
 * program needs is exported from here, including the core's topology types and strategies.
 * @packageDocumentation
 */
export * from './cluster-certs';
export * from './dns-chain';
export * from './multi-region-cockroach';
export * from './per-pod-load-balancers';
export * from './props';

// The core: topology, strategies, errors and checks, so users import everything from one place.
export {
  Networking, toPodAddress,
  Tls,
  TopologyError,
  planDeployment, joinList, JOIN_PODS_PER_CLUSTER,
  findTopologyProblems, validateTopology,
  isCoveredBySans,
  multiRegionSql,
  COCKROACH_PORT, COCKROACH_HTTP_PORT, DEFAULT_CLUSTER_DOMAIN, COCKROACH_DEFAULTS,
} from '../core';
export type {
  ClusterSpec, Cloud, ClusterDnsKind, CockroachOptions, SurvivalGoal,
  TopologyInput, Engine,
  DnsChainOptions, PerPodLoadBalancersOptions, PodAddress, NetworkingKind,
  CertManagerTlsOptions, GeneratedTlsOptions, ExistingCaOptions, KeyAlgorithm, TlsKind,
  DeploymentPlan, ClusterPlan, PodPlan, DnsForward, PlanOptions, ResolvedAddresses,
  ObjectNames, ResolvedCockroachOptions, Problem, SanPlan,
} from '../core';

// The renderers' helpers for meeting an existing cluster DNS configuration.
export {
  COREFILE_BEGIN, COREFILE_END, completeCorefile, mergeCorefile, defaultCorefileServerBlock, forwardServerBlocks,
  forwardingSection, stubDomains,
  renderDeployment, renderCluster, allObjects,
} from '../manifests';
export type { ClusterManifests, KubeObject, ObjectMeta } from '../manifests';
