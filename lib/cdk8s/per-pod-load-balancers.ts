import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { prepareComponent } from './component-placement';
import { PlacementProps, TopologyProps } from './props';
import { Networking, PerPodLoadBalancersOptions } from '../core/networking';
import { DeploymentPlan, planDeployment } from '../core/plan';
import { Tls } from '../core/tls';

/**
 * Props of {@link PerPodLoadBalancers}: the topology, where each pod's load balancer is pinned
 * (`addresses`, required for every pod of every cluster) and how it is exposed.
 */
export interface PerPodLoadBalancersProps extends TopologyProps, PerPodLoadBalancersOptions, PlacementProps {}

/**
 * One `LoadBalancer` Service per StatefulSet pod (selector `statefulset.kubernetes.io/pod-name`),
 * pinned to the address given for that pod, with `publishNotReadyAddresses: true` (peers must
 * reach pods before `cockroach init`) and `externalTrafficPolicy: Local`; internal or external,
 * with the GKE, AWS Load Balancer Controller (NLB, IP targets) or Azure annotations.
 *
 * Each pod advertises its load balancer's address, read at start from the topology ConfigMap
 * keyed by pod name, so one pod template serves every pod. Usable alone next to an existing
 * CockroachDB StatefulSet, or composed by {@link MultiRegionCockroach} with
 * `Networking.perPodLoadBalancers(...)`.
 */
export class PerPodLoadBalancers extends Construct {
  /** The plan the Services were rendered from. */
  public readonly plan: DeploymentPlan;
  /** Per cluster, per pod ordinal: the address the pod's load balancer is pinned to and the pod advertises. */
  public readonly addresses: Readonly<Record<string, readonly string[]>>;
  /** Per cluster placed: the Services, in pod order. */
  public readonly services: Readonly<Record<string, readonly ApiObject[]>>;
  /** Per cluster placed: the Chart holding its Services. */
  public readonly charts: Readonly<Record<string, Chart>>;

  /**
   * @param scope an `App` (one Chart per cluster) or, for a one-cluster topology, a construct inside a Chart
   * @param id the construct id
   * @param props the topology and the load-balancer options
   * @throws TopologyError listing every problem of the props, before anything is created
   */
  constructor(scope: Construct, id: string, props: PerPodLoadBalancersProps) {
    const prepared = prepareComponent(scope, id, props, {
      plan: () => planDeployment(
        {
          ...props,
          networking: Networking.perPodLoadBalancers({
            addresses: props.addresses,
            internal: props.internal,
            sourceRanges: props.sourceRanges,
            externalDns: props.externalDns,
          }),
          tls: Tls.certManager(),
          // The database NetworkPolicy is not this construct's; its CIDR requirement neither.
          networkPolicy: { enabled: false },
        },
        { engine: 'cdk8s' },
      ),
      group: 'loadBalancers',
      chartSuffix: '',
    });
    super(scope, id);
    this.plan = prepared.plan;
    this.addresses = Object.fromEntries(this.plan.clusters.map((c) => [c.name, c.pods.map((p) => p.advertiseHost)]));
    ({ objects: this.services, charts: this.charts } = prepared.place(this));
  }
}
