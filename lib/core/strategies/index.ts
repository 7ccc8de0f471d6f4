export * from './cluster-set';
export * from './own-coredns';
export * from './own-coredns-plan';
