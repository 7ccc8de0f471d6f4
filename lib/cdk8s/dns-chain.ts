import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { prepareComponent } from './component-placement';
import { PlacementProps, TopologyProps } from './props';
import { DnsChainOptions, Networking } from '../core/networking';
import { DeploymentPlan, DnsForward, planDeployment } from '../core/plan';
import { Tls } from '../core/tls';

/** Suffix of the DNS Charts created under an App: `<cluster>-dns`, written to `dist/<cluster>-dns.k8s.yaml`. */
export const DNS_CHART_SUFFIX = '-dns';

/**
 * Props of {@link DnsChain}: the topology and the DNS-chain options (`dnsAddresses` is required
 * for every cluster when there is more than one).
 *
 * `charts` places the kube-system objects; by default, under an `App`, each cluster gets its own
 * DNS Chart `<cluster>-dns`, apart from the database objects, because kube-system is often owned
 * by another pipeline.
 */
export interface DnsChainProps extends TopologyProps, DnsChainOptions, PlacementProps {}

/**
 * DNS chaining between clusters: per cluster an internal `LoadBalancer` Service `kube-system/kube-dns-lb`
 * in front of the cluster DNS pods (53/UDP and 53/TCP, pinned to the cluster's static DNS address,
 * with the GKE internal/global-access, AWS internal NLB or Azure internal annotations), and the
 * forwarding of every remote cluster's `<namespace>.svc.<clusterDomain>` to that cluster's DNS
 * address, never the local one: kube-dns clusters get the `kube-dns` ConfigMap `stubDomains`;
 * CoreDNS clusters get the `coredns` ConfigMap with a complete Corefile (the default `.:53` server
 * block plus a marked section of forwarding server blocks; see `mergeCorefile` for a customized Corefile).
 *
 * Usable alone, or composed by {@link MultiRegionCockroach} with `Networking.dnsChain(...)`.
 */
export class DnsChain extends Construct {
  /** The plan the DNS objects were rendered from. */
  public readonly plan: DeploymentPlan;
  /** Per cluster: the remote domains it forwards and where (never its own domain). */
  public readonly forwards: Readonly<Record<string, readonly DnsForward[]>>;
  /** Per cluster placed: the DNS load-balancer Service and the DNS ConfigMap. */
  public readonly objects: Readonly<Record<string, readonly ApiObject[]>>;
  /** Per cluster placed: the Chart holding its DNS objects. */
  public readonly charts: Readonly<Record<string, Chart>>;

  /**
   * @param scope an `App` (one `<cluster>-dns` Chart per cluster) or, for a one-cluster topology, a construct inside a Chart
   * @param id the construct id
   * @param props the topology and the DNS-chain options
   * @throws TopologyError listing every problem of the props, before anything is created
   */
  constructor(scope: Construct, id: string, props: DnsChainProps) {
    const prepared = prepareComponent(scope, id, props, {
      plan: () => planDeployment(
        {
          ...props,
          networking: Networking.dnsChain({
            dnsAddresses: props.dnsAddresses,
            internal: props.internal,
            tcpOnlyClusters: props.tcpOnlyClusters,
            sourceRanges: props.sourceRanges,
          }),
          tls: Tls.certManager(),
        },
        { engine: 'cdk8s' },
      ),
      group: 'dns',
      chartSuffix: DNS_CHART_SUFFIX,
    });
    super(scope, id);
    this.plan = prepared.plan;
    this.forwards = Object.fromEntries(this.plan.clusters.map((c) => [c.name, c.dnsForwards]));
    ({ objects: this.objects, charts: this.charts } = prepared.place(this));
  }
}
