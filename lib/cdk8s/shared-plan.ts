import { Construct } from 'constructs';
import { DeploymentPlan } from '../core/plan';
import { ClusterManifests } from '../manifests/render';

/**
 * How `MultiRegionCockroach` hands the constructs it composes its plan, its rendered objects and
 * the targets it already created, so nothing is planned, rendered or validated twice.
 * Not part of the public API: the key is a module-private symbol.
 */
export interface SharedPlan {
  /** The validated plan. */
  readonly plan: DeploymentPlan;
  /** Every cluster's rendered objects. */
  readonly manifests: readonly ClusterManifests[];
  /** Per cluster: where the composed construct places its objects. */
  readonly targets: ReadonlyMap<string, Construct>;
  /**
   * Per cluster: where `DnsChain` places a CoreDNS of the library's own (in the database namespace, so
   * with the database objects, while `targets` receive the kube-system objects).
   * @default - `targets`
   */
  readonly serverTargets?: ReadonlyMap<string, Construct>;
}

const SHARED = Symbol('crosscluster.cdk8s.sharedPlan');

/** Props carrying a shared plan. */
export function withSharedPlan<T extends object>(props: T, shared: SharedPlan): T {
  return Object.assign({}, props, { [SHARED]: shared });
}

/** The shared plan the props carry, if any. */
export function sharedPlanOf(props: object): SharedPlan | undefined {
  return (props as { [SHARED]?: SharedPlan })[SHARED];
}

/** The rendered objects of one cluster from a shared plan. */
export function sharedManifestsOf(shared: SharedPlan, cluster: string): ClusterManifests {
  const manifests = shared.manifests.find((m) => m.cluster === cluster);
  if (!manifests) throw new Error(`crosscluster: no rendered objects for cluster '${cluster}'`);
  return manifests;
}
