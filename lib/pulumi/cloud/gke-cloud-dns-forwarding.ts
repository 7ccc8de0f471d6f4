import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import type { DnsForwardOutput } from '../dns-chain';

/** Arguments of {@link GkeCloudDnsForwarding}. */
export interface GkeCloudDnsForwardingArgs {
  /**
   * What the cluster forwards: `DnsChain.cloudDnsForwards[<cluster>]` (each remote cluster's
   * `<namespace>.svc.<domain>` and its DNS load-balancer IPs).
   */
  readonly forwards: readonly DnsForwardOutput[];
  /**
   * The GKE cluster(s) using Cloud DNS, as `projects/<p>/locations/<l>/clusters/<c>` (the cluster's
   * `id`). The zones are bound to them, so they take part in the cluster-scope lookup.
   */
  readonly gkeClusters: readonly pulumi.Input<string>[];
  /**
   * VPC networks (self links) that may also see the zones (VPC scope).
   * @default []
   */
  readonly networks?: readonly pulumi.Input<string>[];
  /**
   * The project of the zones.
   * @default - the provider's project
   */
  readonly project?: pulumi.Input<string>;
}

/**
 * Cross-cluster forwarding for a GKE cluster on Cloud DNS (which runs no kube-dns, so stubDomains do
 * nothing): one private Cloud DNS forwarding zone per remote cluster's service domain, bound to the
 * cluster, forwarding over the private path (the remote DNS load balancers are reached through
 * VPN/peering). Cloud DNS sends these queries from 35.199.192.0/19: the remote DNS load balancers
 * admit it (the derived allow-lists include it) and the VPN must route it back (advertise it from
 * the Cloud Router). Sources: Cloud DNS docs, "Forwarding zones" and "Forwarding targets and routing
 * methods"; GKE docs, "Using Cloud DNS for GKE" (cluster-scope zones).
 *
 * Separate from `DnsChain` so that the database components never load `@pulumi/gcp`.
 */
export class GkeCloudDnsForwarding extends pulumi.ComponentResource {
  /** Per remote cluster, the forwarding zone. */
  public readonly zones: Readonly<Record<string, gcp.dns.ManagedZone>>;

  constructor(name: string, args: GkeCloudDnsForwardingArgs, opts?: pulumi.ComponentResourceOptions) {
    super('crosscluster:index:GkeCloudDnsForwarding', name, {}, opts);
    const zones: Record<string, gcp.dns.ManagedZone> = {};
    for (const forward of args.forwards) {
      zones[forward.cluster] = new gcp.dns.ManagedZone(`${name}-${forward.cluster}`, {
        // Zone names: letters, digits and '-', starting with a letter, at most 63.
        name: `crosscluster-${forward.domain.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`.slice(0, 63).replace(/-+$/, ''),
        dnsName: `${forward.domain}.`,
        description: `crosscluster: ${forward.domain} of cluster ${forward.cluster}`,
        visibility: 'private',
        ...(args.project !== undefined ? { project: args.project } : {}),
        privateVisibilityConfig: {
          gkeClusters: args.gkeClusters.map((gkeClusterName) => ({ gkeClusterName })),
          networks: (args.networks ?? []).map((networkUrl) => ({ networkUrl })),
        },
        forwardingConfig: {
          targetNameServers: forward.servers.apply((servers) => servers.map((ipv4Address) => ({ ipv4Address, forwardingPath: 'private' }))),
        },
      }, { parent: this, deleteBeforeReplace: true });
    }
    this.zones = zones;
    this.registerOutputs({});
  }
}
