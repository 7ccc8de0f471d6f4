/**
 * crosscluster/cdk8s: cdk8s constructs that synthesize, per Kubernetes cluster, the complete
 * manifests of a CockroachDB deployment spanning clusters, regions and clouds. Everything a
 * program needs is exported from here, including the core's topology types and strategies.
 * @packageDocumentation
 */
export * from './cluster-certs';
export * from './dns-chain';
export * from './global-sql-endpoints';
export * from './multi-region-cockroach';
export * from './per-pod-load-balancers';
export * from './props';

// The core: topology, strategies, errors and checks, so users import everything from one place.
export * from '../core/essentials';

// The renderers' helpers for meeting an existing cluster DNS configuration.
export {
  COREFILE_BEGIN, COREFILE_END, completeCorefile, mergeCorefile, defaultCorefileServerBlock, forwardServerBlocks,
  forwardingSection, stubDomains,
  renderDeployment, renderCluster, allObjects,
} from '../manifests';
export type { ClusterManifests, KubeObject, ObjectMeta } from '../manifests';
