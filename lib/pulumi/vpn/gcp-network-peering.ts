import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import { RoutedNetwork, routedNetworkOfGcpPlan } from '../../core/strategies/routed-network';
import { ClusterSpec } from '../../core/topology';
import { GcpNetworkPlan, GcpNetworkPlanInput, planGcpNetworks } from '../../core/vpn/gcp-network-plan';
import { gcpFirewallAllows } from '../../core/vpn/ingress-rules';
import { LinkExposureOverrides } from '../../core/vpn/link-exposure';
import { requireArgs } from '../require-args';

/** One VPC network, by a plain label and its self link. */
export interface GcpNetworkArgs {
  /** A label used in resource names and in {@link GcpClusterNetworkArgs.network}. */
  readonly name: string;
  /** The network's self link (`https://www.googleapis.com/compute/v1/projects/…/global/networks/…`). */
  readonly network: pulumi.Input<string>;
  /**
   * Project of the firewall rules in this network.
   * @default - the provider's project
   */
  readonly project?: pulumi.Input<string>;
}

/** One GKE cluster and the network it runs in. */
export interface GcpClusterNetworkArgs {
  /** The cluster (`cloud: 'gcp'`). */
  readonly cluster: ClusterSpec;
  /** Label of the network the cluster is in ({@link GcpNetworkArgs.name}). */
  readonly network: string;
  /**
   * Network tags of the cluster's nodes; the firewall rule applies to them.
   * @default - every instance in the network
   */
  readonly targetTags?: readonly pulumi.Input<string>[];
}

/** Arguments of {@link GcpNetworkPeering}. */
export interface GcpNetworkPeeringArgs extends LinkExposureOverrides {
  /** The networks: one for a single global VPC, several for separate VPCs. */
  readonly networks: readonly GcpNetworkArgs[];
  /** The GKE clusters (at least two). */
  readonly clusters: readonly GcpClusterNetworkArgs[];
  /**
   * Database ports allowed between the clusters (besides DNS 53 TCP/UDP and ICMP).
   * @default [26257]
   */
  readonly ports?: readonly number[];
}

/**
 * Connects GKE clusters across regions. In one global VPC pods of every region already route to
 * each other, so only firewall rules are created: into each cluster, from every other cluster's
 * pod and node CIDRs, the database port(s), DNS 53 TCP/UDP and ICMP. With separate VPCs, also VPC
 * Network Peering between every pair (one resource in each network) with custom route export and
 * import; the peerings are created one after another because GCP rejects concurrent peering
 * operations on a network.
 */
export class GcpNetworkPeering extends pulumi.ComponentResource {
  /** The resolved plan (plain data). */
  public readonly plan: GcpNetworkPlan;
  /**
   * What this network routes, as plain data: give it to `Networking.podIps({ routedBy: [...] })`, which
   * then refuses a topology whose pod ranges it does not carry.
   */
  public readonly routedNetwork: RoutedNetwork;
  /** Names of the firewall rules, in cluster order. */
  public readonly firewallNames: pulumi.Output<string[]>;

  constructor(name: string, args: GcpNetworkPeeringArgs, opts?: pulumi.ComponentResourceOptions) {
    requireArgs(args, 'GcpNetworkPeering');
    // The planner copies what it reads and reports every shape problem with its path.
    const plan = planGcpNetworks(args as unknown as GcpNetworkPlanInput);
    super('crosscluster:index:GcpNetworkPeering', name, {}, opts);
    this.plan = plan;
    this.routedNetwork = routedNetworkOfGcpPlan(name, args.clusters.map((c) => c.cluster), plan);

    let previous: gcp.compute.NetworkPeering | undefined;
    for (const p of plan.peerings) {
      const from = args.networks[p.network];
      const to = args.networks[p.peerNetwork];
      previous = new gcp.compute.NetworkPeering(
        `${name}-${from.name}-to-${to.name}`,
        { network: from.network, peerNetwork: to.network, exportCustomRoutes: p.exportCustomRoutes, importCustomRoutes: p.importCustomRoutes },
        previous ? { parent: this, dependsOn: [previous] } : { parent: this },
      );
    }
    const firewalls = plan.firewalls.map((f) => {
      const cluster = args.clusters[f.cluster];
      const network = args.networks[f.network];
      return new gcp.compute.Firewall(
        `${name}-into-${cluster.cluster.name}`,
        {
          network: network.network,
          direction: 'INGRESS',
          sourceRanges: [...f.ingress.sourceCidrs],
          allows: gcpFirewallAllows(f.ingress),
          ...(cluster.targetTags ? { targetTags: [...cluster.targetTags] } : {}),
          ...(network.project !== undefined ? { project: network.project } : {}),
          description: `crosscluster ${name}: database, DNS and ICMP into ${cluster.cluster.name} from the other clusters`,
        },
        { parent: this },
      );
    });
    this.firewallNames = pulumi.all(firewalls.map((f) => f.name));
    this.registerOutputs({ firewallNames: this.firewallNames });
  }
}
