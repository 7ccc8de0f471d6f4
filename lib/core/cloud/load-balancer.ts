// What every provider file answers: given what a load balancer must do, which Service(s) to emit.
// Renderers ask `loadBalancerShape` (cloud-profile.ts) and never decide a cloud rule themselves.

/** An L4 protocol of a Service port. */
export type Protocol = 'TCP' | 'UDP';

/** What a load balancer is for; the allow-list and the refusals depend on it. */
export type LoadBalancerPurpose = 'database' | 'dns';

/** What a renderer asks of a cloud: one load balancer, on one port number, for these protocols. */
export interface LoadBalancerRequest {
  readonly purpose: LoadBalancerPurpose;
  /** Internal (private addresses only) or internet-facing. */
  readonly internal: boolean;
  /** The protocols on the port; `['UDP', 'TCP']` for DNS. */
  readonly protocols: readonly Protocol[];
  /**
   * The private IPs the load balancer is pinned to: one for GKE, Azure and generic; on AWS one per
   * subnet of the EKS profile, in subnet order. Empty: the cloud picks.
   */
  readonly addresses: readonly string[];
  /** GKE: name of a reserved `compute.Address` to pin to (instead of the IP). */
  readonly gcpAddressName?: string;
  /** AWS, internet-facing only: one Elastic IP allocation per subnet. */
  readonly awsEipAllocations?: readonly string[];
}

/** One Service of a load balancer. */
export interface LoadBalancerService {
  /** Appended to the Service's base name (`''` for the only Service). */
  readonly nameSuffix: string;
  /** The protocols this Service carries. */
  readonly protocols: readonly Protocol[];
}

/** How a load balancer is expressed on a cloud: the Services, their annotations and spec fields. */
export interface LoadBalancerShape {
  /** One or more Services; several share the pinned address (GKE before mixed-protocol support). */
  readonly services: readonly LoadBalancerService[];
  /** Annotations of every Service. */
  readonly annotations: Readonly<Record<string, string>>;
  /** `spec.loadBalancerIP`, where the cloud has no annotation for the address. */
  readonly loadBalancerIP?: string;
  /** `spec.loadBalancerClass`. */
  readonly loadBalancerClass?: string;
  /**
   * Every address the load balancer answers on when pinned (AWS: one per subnet), for forwarders and
   * certificate SANs.
   */
  readonly addresses: readonly string[];
}
