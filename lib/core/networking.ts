import { ClusterSetOptions } from './strategies/cluster-set';
import { HostNetworkOptions } from './strategies/host-network';
import { OwnCorednsOptions } from './strategies/own-coredns';
import { PodIpsOptions } from './strategies/pod-ips';

export type { HostNetworkNode, HostNetworkOptions } from './strategies/host-network';
export type { PodIpsOptions } from './strategies/pod-ips';
export type { RoutedNetwork } from './strategies/routed-network';

/**
 * A per-pod address given up front: an IP or DNS name, with the cloud-specific handles
 * that pin a load balancer to it.
 */
export interface PodAddress {
  /** The address peers dial: an IP address or a DNS name. */
  readonly address: string;
  /**
   * GKE: name of a reserved `compute.Address` for `networking.gke.io/load-balancer-ip-addresses`.
   * @default - the IP is requested through `spec.loadBalancerIP`
   */
  readonly gcpAddressName?: string;
  /**
   * AWS: Elastic IP allocation id (internet-facing NLBs only). An NLB spans every subnet of the
   * cluster's `eks.subnets`, so this works only with one subnet; use `awsEipAllocations` otherwise.
   * @default - none
   */
  readonly awsEipAllocation?: string;
  /**
   * AWS, internet-facing NLBs: one Elastic IP allocation per subnet of `eks.subnets`, in AZ order.
   * @default - none
   */
  readonly awsEipAllocations?: readonly string[];
  /**
   * AWS, internal NLBs: the NLB's private IP in each subnet of `eks.subnets`, in AZ order (the AWS
   * Load Balancer Controller needs one per subnet); `address` is one of them, or a DNS name that
   * resolves to all of them (survives the loss of one AZ). Every one of them is in the node certificate.
   * @default - `[address]` (enough for a single subnet)
   */
  readonly awsPrivateIps?: readonly string[];
  /**
   * Refused: an NLB in one subnet cannot reach its pod when the pod runs in another AZ. The NLB spans
   * every subnet of the cluster's `eks.subnets` instead.
   * @deprecated use the cluster's `eks.subnets` and `awsPrivateIps`
   */
  readonly awsSubnet?: string;
}

/** Options of {@link Networking.dnsChain}. */
export interface DnsChainOptions {
  /**
   * The static IP(s) of each cluster's DNS load balancer, by cluster name. Every other cluster forwards
   * that cluster's `<namespace>.svc.<clusterDomain>` to all of them. CoreDNS and kube-dns forward to IPs
   * only. One IP per cluster, except on AWS: one per subnet of `eks.subnets`, in AZ order (the NLB spans
   * every subnet). For a GKE Cloud DNS cluster: its Cloud DNS inbound server-policy addresses.
   * Required for cdk8s; in Pulumi a missing one is read from the Service status
   * (AWS NLBs report hostnames, so AWS clusters always need them).
   * @default {}
   */
  readonly dnsAddresses?: Readonly<Record<string, string | readonly string[]>>;
  /**
   * Must stay `true`: cluster DNS never faces the internet, and `false` is refused.
   * @default true
   */
  readonly internal?: boolean;
  /**
   * Clusters whose DNS load balancer answers on TCP only; CoreDNS forwards to them with `force_tcp`.
   * @default []
   */
  readonly tcpOnlyClusters?: readonly string[];
  /**
   * `loadBalancerSourceRanges` of the DNS load balancers, replacing the derived allow-list.
   * @default - the peers' pod and node CIDRs (plus Cloud DNS's forwarders when a peer uses Cloud DNS)
   */
  readonly sourceRanges?: readonly string[];
  /**
   * A CoreDNS of the library's own in every cluster (in the database namespace) instead of the cluster
   * DNS: it serves the cluster's database names from the API (the `kubernetes` plugin, restricted to the
   * database namespace), forwards each remote cluster's domain to that cluster's instance, and sits
   * behind the internal load balancer pinned to `dnsAddresses`. The cluster DNS is exposed to nobody and
   * gets at most one forwarding entry per remote domain (`resolvers: 'cluster-dns'`) or none at all
   * (`'database-pods'`, the default). Same names, join list, certificates and checks as the DNS chain.
   * See docs/cluster-set.md.
   * @default - the cluster DNS itself is exposed and forwards
   */
  readonly ownCoredns?: OwnCorednsOptions;
}

/** Options of {@link Networking.perPodLoadBalancers}. */
export interface PerPodLoadBalancersOptions {
  /**
   * Each pod's address (reserved IP or DNS name) by cluster name, indexed by pod ordinal.
   * Required for cdk8s (at least `nodes` per cluster); in Pulumi, missing addresses are read from
   * the Services' status (the ingress IP, or the hostname where the cloud gives one).
   * @default {}
   */
  readonly addresses?: Readonly<Record<string, ReadonlyArray<string | PodAddress>>>;
  /**
   * Internal load balancers (reachable over VPN/peering). `false` is the explicit opt-in to
   * internet-facing load balancers, refused with `Tls.insecure()`; keep `sourceRanges` tight then.
   * @default true
   */
  readonly internal?: boolean;
  /**
   * `loadBalancerSourceRanges`: who may connect to each pod's load balancer, replacing the derived allow-list.
   * @default - every cluster's pod and node CIDRs
   */
  readonly sourceRanges?: readonly string[];
  /**
   * Annotate each Service with `external-dns.alpha.kubernetes.io/hostname` when its address is a DNS name.
   * @default false
   */
  readonly externalDns?: boolean;
}

/** The strategy kinds. */
export type NetworkingKind = 'dnsChain' | 'perPodLoadBalancers' | 'podIps' | 'hostNetwork' | 'clusterSet';

/**
 * How pods in one cluster reach pods in another, and so which addresses they advertise.
 * Choose with a static factory.
 */
export class Networking {
  /**
   * DNS chaining: pods advertise their in-cluster FQDN; each cluster's DNS forwards every remote
   * cluster's `<namespace>.svc.<clusterDomain>` to that cluster's DNS load balancer.
   * Needs pod-to-pod routability (one VPC, peering or VPN).
   */
  public static dnsChain(options: DnsChainOptions = {}): Networking {
    return new Networking('dnsChain', options);
  }

  /**
   * One load balancer per pod: each pod advertises its load balancer's address, so no pod routing
   * or DNS forwarding is needed, at the cost of one load balancer per node.
   */
  public static perPodLoadBalancers(options: PerPodLoadBalancersOptions = {}): Networking {
    return new Networking('perPodLoadBalancers', options);
  }

  /**
   * Pod IPs directly: each pod advertises its own pod IP (downward API), each cluster gets one
   * internal load balancer used only for `--join`, and in secure mode each pod gets a certificate of
   * its own at start (cert-manager, with the pod's IP). Nothing sits between two nodes on the data
   * path. Needs routable, disjoint pod CIDRs between every pair of clusters (one VPC, peering or VPN).
   */
  public static podIps(options: PodIpsOptions = {}): Networking {
    return new Networking('podIps', options);
  }

  /**
   * Host networking with static placement: one database pod per listed node, on the node's network,
   * advertising the node's static address (listed per cluster), which the node certificate covers
   * and the join list is made of. No load balancer and no DNS forwarding; nothing between two nodes.
   */
  public static hostNetwork(options: HostNetworkOptions = {}): Networking {
    return new Networking('hostNetwork', options);
  }

  /**
   * The Multi-Cluster Services API (KEP-1645): each cluster exports the database's headless Service
   * (`ServiceExport`), and every pod advertises its cluster-set name
   * `<pod>.<cluster-id>.<service>.<namespace>.svc.clusterset.local`, which the MCS implementation
   * (GKE multi-cluster Services, Submariner Lighthouse, Cilium ClusterMesh) resolves in every cluster.
   * No DNS of the library's, no load balancer. Every cluster uses the same namespace (MCS imports a
   * Service only where its namespace exists). Needs pod-to-pod routability, like the DNS chain.
   * See docs/cluster-set.md.
   */
  public static clusterSet(options: ClusterSetOptions = {}): Networking {
    return new Networking('clusterSet', options);
  }

  private constructor(
    /** The strategy. */
    public readonly kind: NetworkingKind,
    /** The strategy's options. */
    public readonly options: DnsChainOptions | PerPodLoadBalancersOptions | PodIpsOptions | HostNetworkOptions | ClusterSetOptions,
  ) {}

  /** The options as DNS-chain options; empty for another strategy. */
  public get dnsChain(): DnsChainOptions | undefined {
    return this.kind === 'dnsChain' ? (this.options as DnsChainOptions) : undefined;
  }

  /** The options as per-pod load-balancer options; empty for another strategy. */
  public get perPodLoadBalancers(): PerPodLoadBalancersOptions | undefined {
    return this.kind === 'perPodLoadBalancers' ? (this.options as PerPodLoadBalancersOptions) : undefined;
  }

  /** The options as pod-IP options; empty for another strategy. */
  public get podIps(): PodIpsOptions | undefined {
    return this.kind === 'podIps' ? (this.options as PodIpsOptions) : undefined;
  }

  /** The options as host-network options; empty for another strategy. */
  public get hostNetwork(): HostNetworkOptions | undefined {
    return this.kind === 'hostNetwork' ? (this.options as HostNetworkOptions) : undefined;
  }

  /** The options as cluster-set options; empty for another strategy. */
  public get clusterSet(): ClusterSetOptions | undefined {
    return this.kind === 'clusterSet' ? (this.options as ClusterSetOptions) : undefined;
  }
}

/** Normalizes a per-pod address entry to a {@link PodAddress}. */
export function toPodAddress(entry: string | PodAddress): PodAddress {
  return typeof entry === 'string' ? { address: entry } : entry;
}
