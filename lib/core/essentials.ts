// The part of the core both engine entry points re-export, so a program imports everything
// from `crosscluster/cdk8s` or `crosscluster/pulumi` alone.
export { COCKROACH_DEFAULTS } from './defaults';
export type { Engine, TopologyInput } from './input';
export { multiRegionSql } from './multi-region-sql';
export type { ObjectNames } from './naming';
export { Networking, toPodAddress } from './networking';
export type { DnsChainOptions, NetworkingKind, PerPodLoadBalancersOptions, PodAddress } from './networking';
export type { HostNetworkNode, HostNetworkOptions, PodIpsOptions, RoutedNetwork } from './networking';
export { JOIN_PODS_PER_CLUSTER, joinList, planDeployment } from './plan';
export type { ClusterPlan, DeploymentPlan, DnsForward, PlanOptions, PodPlan, ResolvedAddresses } from './plan';
export { TopologyError } from './problems';
export type { Problem } from './problems';
export { isCoveredBySans } from './sans';
export type { SanPlan } from './sans';
export { CLUSTERSET_DOMAIN, SERVICE_EXPORT_API_VERSION } from './strategies/cluster-set';
export type { ClusterSetImplementation, ClusterSetOptions, ClusterSetPlan } from './strategies/cluster-set';
export { OWN_COREDNS_IMAGE } from './strategies/own-coredns';
export type { OwnCorednsNames, OwnCorednsOptions, OwnCorednsResolvers } from './strategies/own-coredns';
export type { OwnCorednsPlan } from './strategies/own-coredns-plan';
export { Tls } from './tls';
export type { CertManagerTlsOptions, ExistingCaOptions, GeneratedTlsOptions, KeyAlgorithm, TlsKind, TrustBundle } from './tls';
export { COCKROACH_HTTP_PORT, COCKROACH_PORT, COCKROACH_RPC_PORT, DEFAULT_CLUSTER_DOMAIN } from './topology';
export type {
  Cloud, ClusterDnsKind, ClusterSpec, CockroachOptions, EncryptionAtRestOptions, ResolvedCockroachOptions, SurvivalGoal, UpgradeOptions,
  WalFailoverOptions, ZoneSpread,
} from './topology';
export type { AksProfile, EksProfile, EksSubnet, GenericProfile, GkeDnsProvider, GkeProfile } from './cloud/profiles';
export type { AllowLists } from './cloud/allow-lists';
export type { ClusterCloudProfile, DnsForwardingMethod } from './cloud/cloud-profile';
export type { DatabaseClient, DatabaseNetworkPolicyOptions, MatchLabels } from './network-policy-options';
export { findTopologyProblems, validateTopology } from './validation';
export { SqlEndpoints, SQL_ENDPOINT_DEFAULTS } from './endpoints/sql-endpoints';
export type {
  CloudDnsRouting, CloudDnsSqlEndpointsOptions, Route53Geolocation, Route53Routing, Route53SqlEndpointsOptions, SqlDnsProvider,
  SqlEndpointsOptions, SqlHealthCheck, SqlRouting,
} from './endpoints/sql-endpoints';
export type { SqlEndpointsPlan, SqlRegionPlan } from './endpoints/plan';
export type { SqlHealthCheckKind, SqlHealthCheckPlan } from './endpoints/health-checks';
export { sqlRecordSets } from './endpoints/records';
export type {
  CloudDnsInternalLoadBalancer, CloudDnsPolicyItem, CloudDnsRecordSet, RecordWriter, Route53AliasTarget, Route53RecordSet, SqlRecordSet,
} from './endpoints/records';
