// What a user tells about each cluster's cloud plumbing. Plain data (it survives JSON and stack
// config), one optional block per provider next to `cloud`; a block for another cloud is an error.
// The rules that read these profiles live one file per provider: gcp.ts, aws.ts, azure.ts, generic.ts.

/** The DNS server of a GKE cluster: in-cluster kube-dns, or Cloud DNS for GKE (no DNS pods at all). */
export type GkeDnsProvider = 'kube-dns' | 'cloud-dns';

/** What the library needs to know about a GKE cluster (`cloud: 'gcp'`). */
export interface GkeProfile {
  /**
   * The cluster's GKE control-plane version, e.g. `'1.36.2-gke.1498000'` (`gcloud container clusters
   * describe --format='value(currentMasterVersion)'`). It decides which load-balancer features may be
   * used: an internal load balancer with UDP and TCP on one Service needs 1.36.2-gke.1498000 and
   * GKE subsetting.
   * @default - the oldest supported version: every version-gated feature is off
   */
  readonly version?: string;
  /**
   * The cluster DNS. `'cloud-dns'` (the default on Autopilot) runs no kube-dns pods: forwarding is
   * then done by Cloud DNS forwarding zones (Pulumi `GkeCloudDnsForwarding`), and the DNS load
   * balancer other clusters forward to cannot exist in this cluster.
   * @default 'kube-dns'
   */
  readonly dns?: GkeDnsProvider;
  /**
   * GKE subsetting for L4 internal load balancers is enabled (`--enable-l4-ilb-subsetting`).
   * @default false
   */
  readonly subsetting?: boolean;
}

/** One subnet the AWS Load Balancer Controller may place NLBs in. */
export interface EksSubnet {
  /** The subnet id, `subnet-…`. */
  readonly id: string;
  /** The subnet's IPv4 CIDR block; every private NLB address in this AZ must lie inside it. */
  readonly cidr: string;
}

/** What the library needs to know about an EKS cluster (`cloud: 'aws'`). */
export interface EksProfile {
  /**
   * The subnets the NLBs span, by Availability Zone (one per AZ, the AWS Load Balancer Controller's
   * rule), e.g. `{ 'eu-west-1a': { id: 'subnet-0a…', cidr: '10.30.0.0/20' }, … }`. Every NLB spans
   * all of them in AZ-name order, so a pod is reachable in whichever of these AZs it runs; the
   * database pods are kept to these AZs (they are the default `zones`).
   */
  readonly subnets: Readonly<Record<string, EksSubnet>>;
  /**
   * CoreDNS is the EKS managed add-on, which owns `kube-system/coredns` (field manager `eks`) and
   * restores its own Corefile on an add-on update unless the Corefile comes from the add-on's
   * `configurationValues`. Pulumi: use `EksCorednsAddon`; cdk8s: a forced server-side apply plus the
   * add-on configuration written next to the manifests. Set `false` for a self-managed CoreDNS.
   * @default true
   */
  readonly corednsAddon?: boolean;
}

/** What the library needs to know about an AKS cluster (`cloud: 'azure'`). */
export interface AksProfile {
  /**
   * The subnet of the internal load balancers (`service.beta.kubernetes.io/azure-load-balancer-internal-subnet`).
   * @default - the cluster's node subnet
   */
  readonly internalLoadBalancerSubnet?: string;
}

/** What the library needs to know about a cluster of no supported cloud (`cloud: 'generic'`). */
export interface GenericProfile {
  /**
   * The cluster's load-balancer implementation hands out private addresses only (for example MetalLB
   * on a private pool). The library has no way to make a load balancer internal on a generic cluster,
   * so without this every internal load balancer there (DNS, per-pod) is refused.
   * @default false
   */
  readonly privateLoadBalancers?: boolean;
  /**
   * `spec.loadBalancerClass` of every load balancer, to pick the implementation.
   * @default - the cluster's default implementation
   */
  readonly loadBalancerClass?: string;
}
