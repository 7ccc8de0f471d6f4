// Pulumi components for cloud networking between clusters.
export * from './cross-cloud-vpn';
export * from './aws-vpc-peering-mesh';
export * from './aws-transit-gateway-hub';
export * from './gcp-network-peering';
export * from './vpc-cni-snat-exclusion';
