import { ApiObject, App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { ClusterCerts, ClusterCertsProps } from './cluster-certs';
import { requireProps } from './component-placement';
import { DNS_CHART_SUFFIX, DnsChain, DnsChainProps } from './dns-chain';
import { GlobalSqlEndpoints, GlobalSqlEndpointsProps } from './global-sql-endpoints';
import { PerPodLoadBalancers, PerPodLoadBalancersProps } from './per-pod-load-balancers';
import { chartsOf, placeClusters, preparePlacements } from './placement';
import { TopologyProps } from './props';
import { withSharedPlan } from './shared-plan';
import { Networking } from '../core/networking';
import { DeploymentPlan, planDeployment } from '../core/plan';
import { Tls } from '../core/tls';
import { ClusterManifests, renderDeployment } from '../manifests/render';

/** Props of {@link MultiRegionCockroach}: the whole topology, the strategies and the CockroachDB options. */
export interface MultiRegionCockroachProps extends TopologyProps {
  /**
   * How pods reach each other across clusters: `Networking.dnsChain(...)` (static DNS load-balancer
   * IPs per cluster; with `ownCoredns`, a CoreDNS of the library's own does the chaining),
   * `Networking.perPodLoadBalancers(...)` (an address per pod) or `Networking.clusterSet(...)` (the MCS
   * API's `clusterset.local` names). In cdk8s every address must be known at synth time.
   */
  readonly networking: Networking;
  /**
   * How certificates are issued. `Tls.generated()` and `Tls.existingCa()` are Pulumi-only: in cdk8s
   * they would put private keys into YAML that ends up in git.
   * @default Tls.certManager()
   */
  readonly tls?: Tls;
  /**
   * Per cluster name, the Chart (or a construct inside a Chart) that receives that cluster's
   * database objects (and its certificates and per-pod load balancers), to import the deployment
   * into an existing cdk8s app. Clusters missing from the map are not placed; a name that is not a
   * cluster is an error.
   * @default - when the scope is an `App`, one Chart per cluster named after it, written to
   * `dist/<cluster>.k8s.yaml` (reused when the App already has a Chart with that id)
   */
  readonly charts?: Readonly<Record<string, Construct>>;
  /**
   * Per cluster name, the Chart that receives that cluster's kube-system DNS objects (DNS chain only).
   * @default - the cluster's entry in `charts` when `charts` is given; otherwise, under an `App`,
   * one Chart per cluster named `<cluster>-dns` (`dist/<cluster>-dns.k8s.yaml`), so another
   * pipeline can own kube-system
   */
  readonly dnsCharts?: Readonly<Record<string, Construct>>;
}

/**
 * CockroachDB across Kubernetes clusters, regions and clouds, from one typed topology: per cluster
 * the Namespace, RBAC, headless and public Services, the topology ConfigMap (join list, locality,
 * each pod's advertise address), the StatefulSet, the PodDisruptionBudget and, in exactly one
 * cluster, the idempotent init Job; composed with {@link ClusterCerts} (cert-manager TLS),
 * {@link PerPodLoadBalancers} or {@link DnsChain} as `tls` and `networking` say.
 *
 * Created in an `App`, it writes one file per cluster (`<cluster>.k8s.yaml`) and, for DNS
 * chaining, one DNS file per cluster (`<cluster>-dns.k8s.yaml`). Every input problem is reported
 * at once, as a `TopologyError`, before any construct is created.
 *
 * @example
 * const app = new App();
 * new MultiRegionCockroach(app, 'cockroachdb', {
 *   clusters: [
 *     { name: 'us-east1', cloud: 'gcp', region: 'us-east1', nodes: 3, nodeCidrs: ['10.10.0.0/20'], podCidrs: ['10.12.0.0/14'] },
 *     {
 *       name: 'eu-west-1', cloud: 'aws', region: 'eu-west-1', nodes: 3, nodeCidrs: ['10.30.0.0/16'], podCidrs: ['100.64.0.0/16'],
 *       eks: { subnets: { 'eu-west-1a': { id: 'subnet-0a1b2c3d4e5f60001', cidr: '10.30.0.0/20' } } },
 *     },
 *   ],
 *   networking: Networking.dnsChain({ dnsAddresses: { 'us-east1': '10.10.15.250', 'eu-west-1': ['10.30.15.250'] } }),
 * });
 * app.synth();
 */
export class MultiRegionCockroach extends Construct {
  /** The validated plan: per cluster names, pods, advertise addresses, SANs and DNS forwarding. */
  public readonly plan: DeploymentPlan;
  /** The rendered objects of every cluster, grouped by owner, exactly as placed. */
  public readonly manifests: readonly ClusterManifests[];
  /** `host:port` entries of `--join`, identical in every cluster. */
  public readonly joinAddresses: readonly string[];
  /** Per cluster, per pod ordinal: the address the pod advertises. */
  public readonly advertiseAddresses: Readonly<Record<string, readonly string[]>>;
  /** The `ALTER DATABASE ...` statements matching the locality regions; run them once after init. */
  public readonly multiRegionSql: readonly string[];
  /** Per cluster placed: the Chart holding its database objects. */
  public readonly charts: Readonly<Record<string, Chart>>;
  /** Per cluster placed: the Chart holding its DNS objects (empty unless DNS chaining). */
  public readonly dnsCharts: Readonly<Record<string, Chart>>;
  /** Per cluster placed: the database objects (Namespace first). */
  public readonly databaseObjects: Readonly<Record<string, readonly ApiObject[]>>;
  /** The certificates, with `Tls.certManager(...)`. */
  public readonly certs?: ClusterCerts;
  /** The per-pod load balancers, with `Networking.perPodLoadBalancers(...)`. */
  public readonly loadBalancers?: PerPodLoadBalancers;
  /** The DNS chain, with `Networking.dnsChain(...)`. */
  public readonly dnsChain?: DnsChain;
  /** Per cluster placed: its join load balancer (one Service, or one per protocol), with `Networking.podIps(...)`. */
  public readonly joinLoadBalancers?: Readonly<Record<string, readonly ApiObject[]>>;
  /** The client endpoints, with `sqlEndpoints`: write their records with `sqlEndpoints.writeRecords(app.outdir)`. */
  public readonly sqlEndpoints?: GlobalSqlEndpoints;

  /**
   * @param scope an `App` (one Chart per cluster), or any construct when `charts` is given, or a
   * construct inside a Chart for a one-cluster topology
   * @param id the construct id; it must not be a cluster name when the scope is an `App`
   * @param props the topology, the strategies and the CockroachDB options
   * @throws TopologyError listing every problem of the props, before anything is created
   */
  constructor(scope: Construct, id: string, props: MultiRegionCockroachProps) {
    requireProps(props);
    const plan = planDeployment({ ...props, tls: props.tls ?? Tls.certManager() }, { engine: 'cdk8s' });
    const manifests = renderDeployment(plan);
    const clusters = plan.clusters.map((c) => c.name);
    const hasDns = (cluster: string) => manifests.some((m) => m.cluster === cluster && m.dns.length > 0);
    // DNS objects get their own Charts when dnsCharts is given or Charts are created in an App;
    // otherwise they go with the database objects.
    const ownDnsTargets = props.dnsCharts !== undefined || (props.charts === undefined && scope instanceof App);
    const manifestsOf = (cluster: string) => manifests.find((m) => m.cluster === cluster)!;
    const [databasePlacement, dnsPlacement] = preparePlacements([
      {
        scope,
        ownId: id,
        clusters,
        given: props.charts,
        field: 'charts',
        chartSuffix: '',
        wanted: () => true,
        objects: (c) => {
          const m = manifestsOf(c);
          return [...m.database, ...m.certificates, ...m.loadBalancers, ...m.sqlEndpoints, ...m.dnsServer, ...(ownDnsTargets ? [] : m.dns)];
        },
      },
      ...(ownDnsTargets
        ? [{
          scope,
          ownId: id,
          clusters,
          given: props.dnsCharts,
          field: 'dnsCharts',
          chartSuffix: DNS_CHART_SUFFIX,
          wanted: hasDns,
          objects: (c: string) => manifestsOf(c).dns,
        }]
        : []),
    ]);
    super(scope, id);
    this.plan = plan;
    this.manifests = manifests;
    this.joinAddresses = plan.joinAddresses;
    this.multiRegionSql = plan.multiRegionSql;
    this.advertiseAddresses = Object.fromEntries(plan.clusters.map((c) => [c.name, c.pods.map((p) => p.advertiseHost)]));

    const targets = databasePlacement(this);
    const dnsTargets = dnsPlacement ? dnsPlacement(this) : new Map([...targets].filter(([c]) => hasDns(c)));
    this.databaseObjects = placeClusters(targets, plan, (cluster) => manifestsOf(cluster.name).database);
    this.charts = chartsOf(targets);
    this.dnsCharts = chartsOf(dnsTargets);

    // The composed constructs place the objects this plan rendered, in apply order after the database objects.
    const topology: TopologyProps = { clusters: props.clusters };
    const shared = { plan, manifests };
    if (plan.tls.kind === 'certManager') {
      this.certs = new ClusterCerts(this, 'Certs', withSharedPlan<ClusterCertsProps>(topology, { ...shared, targets }));
    }
    if (plan.networking.kind === 'podIps') {
      this.joinLoadBalancers = placeClusters(targets, plan, (cluster) => manifestsOf(cluster.name).loadBalancers);
    }
    if (plan.networking.kind === 'perPodLoadBalancers') {
      this.loadBalancers = new PerPodLoadBalancers(this, 'LoadBalancers', withSharedPlan<PerPodLoadBalancersProps>(topology, { ...shared, targets }));
    }
    if (plan.networking.kind === 'dnsChain') {
      this.dnsChain = new DnsChain(this, 'DnsChain', withSharedPlan<DnsChainProps>(topology, { ...shared, targets: dnsTargets, serverTargets: targets }));
    }
    if (plan.sqlEndpoints && props.sqlEndpoints) {
      this.sqlEndpoints = new GlobalSqlEndpoints(this, 'SqlEndpoints', withSharedPlan<GlobalSqlEndpointsProps>(
        { ...topology, sqlEndpoints: props.sqlEndpoints }, { ...shared, targets }));
    }
  }
}
