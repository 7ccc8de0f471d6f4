/**
 * crosscluster/pulumi/aws: Pulumi components for AWS networking between the clusters' VPCs, the
 * EKS VPC CNI settings they need, and the EKS CoreDNS add-on that carries the DNS chain's
 * forwarding. Loads `@pulumi/aws` (and `@pulumi/pulumi`), never `@pulumi/gcp` or `@pulumi/kubernetes`.
 * @packageDocumentation
 */
// Rule: a component that imports @pulumi/aws and no other cloud SDK is exported here (and so from
// crosscluster/pulumi/cloud too); test/packaging/entry-points.test.ts checks what each entry loads.
export * from '../vpn/aws-vpc-peering-mesh';
export * from '../vpn/aws-transit-gateway-hub';
export * from '../vpn/vpc-cni-snat-exclusion';
export * from '../cloud/eks-coredns-addon';
export * from '../cloud/route53-sql-records';
export type { SqlEndpointsSource } from '../cloud/sql-endpoints-source';
