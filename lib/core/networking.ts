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
   * AWS: Elastic IP allocation id (internet-facing NLBs only).
   * @default - none
   */
  readonly awsEipAllocation?: string;
  /**
   * AWS: the subnet the NLB is placed in (a fixed IP needs exactly one subnet).
   * @default - the controller's subnet discovery
   */
  readonly awsSubnet?: string;
}

/** Options of {@link Networking.dnsChain}. */
export interface DnsChainOptions {
  /**
   * The static IP of each cluster's DNS load balancer, by cluster name. Every other cluster forwards
   * that cluster's `<namespace>.svc.<clusterDomain>` to it. CoreDNS and kube-dns forward to IPs only.
   * Required for cdk8s; in Pulumi a missing one is read from the Service status
   * (AWS NLBs report hostnames, so AWS clusters always need one).
   * @default {}
   */
  readonly dnsAddresses?: Readonly<Record<string, string>>;
  /**
   * Make the DNS load balancers internal (GKE internal with global access, AWS internal NLB,
   * Azure internal). Cluster DNS must never face the internet.
   * @default true
   */
  readonly internal?: boolean;
  /**
   * Clusters whose DNS load balancer answers on TCP only; CoreDNS forwards to them with `force_tcp`.
   * @default []
   */
  readonly tcpOnlyClusters?: readonly string[];
  /**
   * `loadBalancerSourceRanges` of the DNS load balancers.
   * @default - no restriction beyond the load balancer being internal
   */
  readonly sourceRanges?: readonly string[];
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
   * Internal load balancers (reachable over VPN/peering) rather than internet-facing ones.
   * @default true
   */
  readonly internal?: boolean;
  /**
   * `loadBalancerSourceRanges`: who may connect to each pod's load balancer.
   * @default - no restriction
   */
  readonly sourceRanges?: readonly string[];
  /**
   * Annotate each Service with `external-dns.alpha.kubernetes.io/hostname` when its address is a DNS name.
   * @default false
   */
  readonly externalDns?: boolean;
}

/** The strategy kinds. */
export type NetworkingKind = 'dnsChain' | 'perPodLoadBalancers';

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

  private constructor(
    /** The strategy. */
    public readonly kind: NetworkingKind,
    /** The strategy's options. */
    public readonly options: DnsChainOptions | PerPodLoadBalancersOptions,
  ) {}

  /** The options as DNS-chain options; empty for another strategy. */
  public get dnsChain(): DnsChainOptions | undefined {
    return this.kind === 'dnsChain' ? (this.options as DnsChainOptions) : undefined;
  }

  /** The options as per-pod load-balancer options; empty for another strategy. */
  public get perPodLoadBalancers(): PerPodLoadBalancersOptions | undefined {
    return this.kind === 'perPodLoadBalancers' ? (this.options as PerPodLoadBalancersOptions) : undefined;
  }
}

/** Normalizes a per-pod address entry to a {@link PodAddress}. */
export function toPodAddress(entry: string | PodAddress): PodAddress {
  return typeof entry === 'string' ? { address: entry } : entry;
}
