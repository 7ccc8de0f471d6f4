// Options of Networking.podIps: pods advertise their own pod IP, each cluster has one internal
// load balancer used only for --join, and in secure mode every pod gets its own certificate at start.
import { RoutedNetwork } from './routed-network';

/** Options of {@link Networking.podIps}. */
export interface PodIpsOptions {
  /**
   * The address(es) of each cluster's join load balancer, by cluster name: a reserved internal IP
   * (on AWS the NLB's private IP in every subnet of `eks.subnets`, in AZ order) or a DNS name that
   * resolves to it from every cluster. The join list is these addresses, identical in every cluster
   * and independent of replica counts; the load balancer carries only `--join` (nodes then talk pod
   * IP to pod IP). Required for cdk8s; in Pulumi a missing one is read from the Service status.
   * @default {}
   */
  readonly joinAddresses?: Readonly<Record<string, string | readonly string[]>>;
  /**
   * `loadBalancerSourceRanges` of the join load balancers, replacing the derived allow-list.
   * @default - every cluster's pod and node CIDRs
   */
  readonly sourceRanges?: readonly string[];
  /**
   * The networks that route between the clusters when the same program creates them: each
   * component's `routedNetwork` (`CrossCloudVpn`, `AwsVpcPeeringMesh`, `AwsTransitGatewayHub`,
   * `GcpNetworkPeering`), or your own description of a network built elsewhere. Every cluster's pod
   * CIDRs must then be routed by one of them, or the topology is refused.
   * @default - none: routability is yours to provide (one VPC, peering or VPN built elsewhere)
   */
  readonly routedBy?: readonly RoutedNetwork[];
}

/** Name of a cluster's join load balancer Service. */
export function joinServiceName(baseName: string): string {
  return `${baseName}-join`;
}

/** Name of a pod's own cert-manager Certificate and of the Secret it writes (`Networking.podIps` in secure mode). */
export function podCertificateName(podName: string): string {
  return `${podName}-node`;
}

/**
 * True when every pod gets a certificate of its own (`Networking.podIps` with `Tls.certManager()`):
 * its IP is known only once it runs, so no certificate issued before can name it.
 */
export function usesPodCertificates(plan: { readonly networking: { readonly kind: string }; readonly tls: { readonly kind: string } }): boolean {
  return plan.networking.kind === 'podIps' && plan.tls.kind === 'certManager';
}
