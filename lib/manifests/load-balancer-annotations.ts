import { isIpAddress } from '../core/cidr';
import { PodAddress } from '../core/networking';
import { Cloud } from '../core/topology';

/** What a load balancer needs to be pinned to an address in a given cloud. */
export interface LoadBalancerPinning {
  readonly annotations: Record<string, string>;
  /** Set only where a cloud has no annotation for it (the deprecated field still works there). */
  readonly loadBalancerIP?: string;
}

/**
 * The cloud-specific annotations for an internal or external L4 load balancer, pinned to a static
 * address when one is given: GKE (internal with global access, so other regions reach it),
 * the AWS Load Balancer Controller (NLB, IP targets), Azure.
 */
export function loadBalancerPinning(
  cloud: Cloud,
  internal: boolean,
  address: PodAddress | undefined,
  externalDns = false,
): LoadBalancerPinning {
  const annotations: Record<string, string> = {};
  let loadBalancerIP: string | undefined;
  const ip = address && isIpAddress(address.address) ? address.address : undefined;
  switch (cloud) {
    case 'gcp':
      if (internal) {
        annotations['networking.gke.io/load-balancer-type'] = 'Internal';
        annotations['networking.gke.io/internal-load-balancer-allow-global-access'] = 'true';
      }
      if (address?.gcpAddressName) annotations['networking.gke.io/load-balancer-ip-addresses'] = address.gcpAddressName;
      else if (ip) loadBalancerIP = ip;
      break;
    case 'aws':
      annotations['service.beta.kubernetes.io/aws-load-balancer-type'] = 'external';
      annotations['service.beta.kubernetes.io/aws-load-balancer-nlb-target-type'] = 'ip';
      annotations['service.beta.kubernetes.io/aws-load-balancer-scheme'] = internal ? 'internal' : 'internet-facing';
      if (internal && ip) annotations['service.beta.kubernetes.io/aws-load-balancer-private-ipv4-addresses'] = ip;
      if (!internal && address?.awsEipAllocation) {
        annotations['service.beta.kubernetes.io/aws-load-balancer-eip-allocations'] = address.awsEipAllocation;
      }
      if (address?.awsSubnet) annotations['service.beta.kubernetes.io/aws-load-balancer-subnets'] = address.awsSubnet;
      break;
    case 'azure':
      if (internal) annotations['service.beta.kubernetes.io/azure-load-balancer-internal'] = 'true';
      if (ip) annotations[ip.includes(':') ? 'service.beta.kubernetes.io/azure-load-balancer-ipv6' : 'service.beta.kubernetes.io/azure-load-balancer-ipv4'] = ip;
      break;
    default:
      if (ip) loadBalancerIP = ip;
  }
  if (externalDns && address && !ip) annotations['external-dns.alpha.kubernetes.io/hostname'] = address.address;
  return { annotations, loadBalancerIP };
}
