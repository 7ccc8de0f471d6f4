import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { chartsOf, placeClusters, preparePlacement } from './placement';
import { PlacementProps } from './props';
import { sharedManifestsOf, sharedPlanOf } from './shared-plan';
import { DeploymentPlan } from '../core/plan';
import { show, throwIfProblems } from '../core/problems';
import { renderCertificates } from '../manifests/certificates';
import { renderDns } from '../manifests/dns';
import { renderPerPodServices } from '../manifests/per-pod-services';
import { renderSqlEndpoints } from '../manifests/sql-endpoints';

/** The object groups a component owns, and how each is rendered for one cluster. */
const GROUP_RENDERERS = {
  certificates: renderCertificates,
  loadBalancers: renderPerPodServices,
  dns: renderDns,
  sqlEndpoints: renderSqlEndpoints,
} as const;

/** Throws a `TopologyError` when a construct's props are not an object at all, before any field is read. */
export function requireProps(props: unknown): void {
  if (props === null || typeof props !== 'object' || Array.isArray(props)) {
    throwIfProblems([{ path: '(props)', message: `expected the props object, got ${show(props)}` }]);
  }
}

/** What a construct that places one group of objects per cluster has decided before `super()`. */
export interface PreparedComponent {
  readonly plan: DeploymentPlan;
  /** Places the group in each cluster's target, once the construct exists. */
  place(self: Construct): { objects: Record<string, ApiObject[]>; charts: Record<string, Chart>; targets: ReadonlyMap<string, Construct> };
}

/**
 * The lifecycle shared by `PerPodLoadBalancers`, `DnsChain`, `ClusterCerts` and `GlobalSqlEndpoints`: take the plan and
 * targets `MultiRegionCockroach` shares, or plan (validating everything) and prepare Charts alone;
 * then place the cluster's objects of one group. Everything that can fail runs before `super()`.
 */
export function prepareComponent(
  scope: Construct,
  id: string,
  props: PlacementProps,
  options: {
    /** Plans the component alone (not composed). */
    readonly plan: () => DeploymentPlan;
    /** The group of rendered objects this component owns. */
    readonly group: keyof typeof GROUP_RENDERERS;
    /** Suffix of the Charts created under an App. */
    readonly chartSuffix: string;
  },
): PreparedComponent {
  requireProps(props);
  const shared = sharedPlanOf(props);
  const plan = shared?.plan ?? options.plan();
  const placement = shared ? undefined : preparePlacement({
    scope,
    ownId: id,
    clusters: plan.clusters.map((c) => c.name),
    given: props.charts,
    field: 'charts',
    chartSuffix: options.chartSuffix,
    wanted: () => true,
    objects: (cluster) => GROUP_RENDERERS[options.group](plan, plan.clusters.find((c) => c.name === cluster)!),
  });
  return {
    plan,
    place(self) {
      const targets = shared?.targets ?? placement!(self);
      const objects = placeClusters(targets, plan, (cluster) =>
        shared ? sharedManifestsOf(shared, cluster.name)[options.group] : GROUP_RENDERERS[options.group](plan, cluster));
      return { objects, charts: chartsOf(targets), targets };
    },
  };
}
