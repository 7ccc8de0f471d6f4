/**
 * crosscluster/pulumi: Pulumi components that deploy CockroachDB across Kubernetes clusters,
 * regions and clouds. Load-balancer addresses flow as outputs into the join list, the advertise
 * addresses and the certificate SANs; every Kubernetes object is rendered by the same pure
 * renderers as the cdk8s flavour. Everything a program needs is exported from here, including
 * the core's topology types and strategies. Loads `@pulumi/pulumi`, `@pulumi/kubernetes` and
 * `@pulumi/tls` only; the cloud-networking components are in `crosscluster/pulumi/gcp`,
 * `crosscluster/pulumi/aws` and `crosscluster/pulumi/cloud`.
 * @packageDocumentation
 */
export { DnsAddressInput, PodAddressInput, PodAddressInputs, PulumiPodAddress } from './address-inputs';
export { PulumiClusterSpec } from './cluster-spec';
export { ClusterCerts, ClusterCertsArgs, ClusterSecretNames } from './cluster-certs';
export { DnsChain, DnsChainArgs, DnsForwardOutput } from './dns-chain';
export { GlobalSqlEndpoints, GlobalSqlEndpointsArgs, SqlEndpointOutput } from './global-sql-endpoints';
export { MultiRegionCockroach, MultiRegionCockroachArgs, MultiRegionClusterInfo } from './multi-region-cockroach';
export { PerPodLoadBalancers, PerPodLoadBalancersArgs } from './per-pod-load-balancers';

// The core: topology, strategies, errors and checks, so users import everything from one place.
export * from '../core/essentials';

// Cloud networking between the clusters' VPCs, and the cloud resources for cluster DNS (the EKS CoreDNS
// add-on, GKE Cloud DNS forwarding), live behind their own entry points (crosscluster/pulumi/gcp, /aws
// and /cloud) so that this one loads no cloud SDK.
