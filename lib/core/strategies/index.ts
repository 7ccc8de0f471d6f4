export * from './direct-path-plan';
export * from './host-network';
export * from './pod-ips';
export * from './routed-network';
