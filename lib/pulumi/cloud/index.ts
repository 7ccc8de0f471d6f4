/**
 * crosscluster/pulumi/cloud: every cloud-networking component, including `CrossCloudVpn`
 * (GCP HA VPN ↔ AWS Site-to-Site VPN), which needs both `@pulumi/gcp` and `@pulumi/aws`. A
 * single-cloud program imports `crosscluster/pulumi/gcp` or `crosscluster/pulumi/aws` instead
 * and installs only that provider.
 * @packageDocumentation
 */
// Rule: components that need both cloud SDKs are exported here only; single-cloud ones from
// ../gcp or ../aws, which this file re-exports.
export * from '../gcp';
export * from '../aws';
export * from '../vpn/cross-cloud-vpn';
