import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { prepareComponent } from './component-placement';
import { placeClusters } from './placement';
import { PlacementProps, TopologyProps } from './props';
import { sharedManifestsOf, sharedPlanOf } from './shared-plan';
import { EKS_FORCED_APPLY } from '../core/cloud/aws';
import { DnsChainOptions, Networking } from '../core/networking';
import { DeploymentPlan, DnsForward, planDeployment } from '../core/plan';
import { Tls } from '../core/tls';
import { eksAddonConfiguration } from '../manifests/dns';
import { renderOwnCoredns } from '../manifests/own-coredns';

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
 * With `ownCoredns`, a CoreDNS of the library's own does the chaining instead: per cluster, in the
 * database namespace, its Deployment, Corefile, read-only RBAC, the Service at its fixed ClusterIP and the
 * internal load balancer (`serverObjects`), and in kube-system at most the cluster DNS's forwarding of
 * each remote domain to it (`resolvers: 'cluster-dns'`); nothing at all there with `'database-pods'`.
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
   * Per cluster placed, with `ownCoredns`: the CoreDNS of the library's own (placed with the database
   * objects when composed by `MultiRegionCockroach`, else in the charts above). Empty otherwise.
   */
  public readonly serverObjects: Readonly<Record<string, readonly ApiObject[]>>;
  /**
   * Per EKS cluster whose CoreDNS is the managed add-on: the add-on's `configurationValues`
   * (`{"corefile": …}`). Give it to the add-on (`aws eks update-addon --addon-name coredns
   * --configuration-values file://<cluster>-coredns-addon.json`), or an add-on update restores the
   * add-on's own Corefile; {@link DnsChain.writeEksAddonConfigurations} writes the files.
   */
  public readonly eksAddonConfigurations: Readonly<Record<string, string>>;

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
            ownCoredns: props.ownCoredns,
          }),
          tls: Tls.certManager(),
          // The database NetworkPolicy is not this construct's, nor its CIDR requirement; the own
          // CoreDNS gets its own NetworkPolicy as the database would.
          networkPolicy: props.ownCoredns ? props.networkPolicy : { enabled: false },
        },
        { engine: 'cdk8s' },
      ),
      group: 'dns',
      chartSuffix: DNS_CHART_SUFFIX,
    });
    super(scope, id);
    this.plan = prepared.plan;
    this.forwards = Object.fromEntries(this.plan.clusters.map((c) => [c.name, c.dnsForwards]));
    const placed = prepared.place(this);
    ({ objects: this.objects, charts: this.charts } = placed);
    const shared = sharedPlanOf(props);
    const serverTargets = shared ? shared.serverTargets ?? shared.targets : placed.targets;
    this.serverObjects = placeClusters(serverTargets, this.plan, (cluster) =>
      (shared ? sharedManifestsOf(shared, cluster.name).dnsServer : renderOwnCoredns(this.plan, cluster)));
    this.eksAddonConfigurations = Object.fromEntries(this.plan.clusters
      .map((c) => [c.name, eksAddonConfiguration(c)] as const)
      .filter((entry): entry is readonly [string, string] => entry[1] !== undefined));
  }

  /**
   * Writes `<cluster>-coredns-addon.json` (the EKS CoreDNS add-on's `configurationValues`) per EKS
   * add-on cluster into `outdir`, next to the synthesized manifests. Their `coredns` ConfigMap must be
   * applied with `kubectl apply --server-side --force-conflicts --field-manager=crosscluster` (the
   * add-on's field manager `eks` owns the Corefile).
   * @param outdir the directory, usually the App's `outdir`
   * @returns the paths written
   */
  public writeEksAddonConfigurations(outdir: string): string[] {
    fs.mkdirSync(outdir, { recursive: true });
    return Object.entries(this.eksAddonConfigurations).map(([cluster, json]) => {
      const file = path.join(outdir, `${cluster}${EKS_ADDON_FILE_SUFFIX}`);
      fs.writeFileSync(file, `${json}\n`);
      return file;
    });
  }
}

/** Suffix of the EKS CoreDNS add-on configuration files: `<cluster>-coredns-addon.json`. */
export const EKS_ADDON_FILE_SUFFIX = '-coredns-addon.json';

/** How the `coredns` ConfigMap of an EKS add-on cluster is applied over the add-on's field manager. */
export const EKS_COREDNS_APPLY_COMMAND = EKS_FORCED_APPLY;
