// Pure planning for cloud networking between clusters (no engine imports).
export * from './asn';
export * from './inside-cidrs';
export * from './preshared-key';
export * from './ike-ciphers';
export * from './tunnel-layout';
export * from './ingress-rules';
export * from './link-exposure';
export * from './cluster-cidrs';
export * from './vpn-plan';
export * from './aws-peering-plan';
export * from './gcp-network-plan';
export * from './snat-exclusion';
