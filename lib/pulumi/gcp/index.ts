/**
 * crosscluster/pulumi/gcp: Pulumi components for Google Cloud networking between the clusters'
 * VPCs, and the Cloud DNS forwarding of the DNS chain on GKE clusters that use Cloud DNS. Loads
 * `@pulumi/gcp` (and `@pulumi/pulumi`), never `@pulumi/aws` or `@pulumi/kubernetes`.
 * @packageDocumentation
 */
// Rule: a component that imports @pulumi/gcp and no other cloud SDK is exported here (and so from
// crosscluster/pulumi/cloud too); test/packaging/entry-points.test.ts checks what each entry loads.
export * from '../vpn/gcp-network-peering';
export * from '../cloud/gke-cloud-dns-forwarding';
export * from '../cloud/cloud-dns-sql-records';
export type { SqlEndpointsSource } from '../cloud/sql-endpoints-source';
