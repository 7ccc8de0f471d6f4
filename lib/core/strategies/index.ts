export * from './cluster-set';
export * from './direct-path-plan';
export * from './host-network';
export * from './own-coredns';
export * from './own-coredns-plan';
export * from './pod-ips';
export * from './routed-network';
