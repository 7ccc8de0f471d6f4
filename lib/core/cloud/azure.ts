// AKS: the rules of the Azure cloud provider's load balancers and of AKS's CoreDNS, each with its source.
import { LoadBalancerRequest, LoadBalancerShape } from './load-balancer';
import { AksProfile } from './profiles';
import { show } from '../problems';

const ANNOTATION = 'service.beta.kubernetes.io/azure-load-balancer-';

/** The annotations this file emits. Source: cloud-provider-azure docs, "LoadBalancer annotations"; AKS docs, "Use an internal load balancer". */
export const AZURE_ANNOTATIONS = {
  /** `true`: a private frontend in the cluster's VNet. */
  internal: `${ANNOTATION}internal`,
  /** The subnet of the private frontend. */
  internalSubnet: `${ANNOTATION}internal-subnet`,
  /** The frontend's static IPv4 (replaces the deprecated `spec.loadBalancerIP`). */
  ipv4: `${ANNOTATION}ipv4`,
  /** The frontend's static IPv6. */
  ipv6: `${ANNOTATION}ipv6`,
} as const;

/**
 * AKS reconciles `kube-system/coredns`; custom server blocks go into `kube-system/coredns-custom`
 * under keys ending in `.server`, which the managed Corefile imports (`import custom/*.server`).
 * Source: AKS docs, "Customize CoreDNS with Azure Kubernetes Service".
 */
export const AKS_COREDNS_CUSTOM = 'coredns-custom';
/** The key of the library's server blocks in `coredns-custom`. */
export const AKS_COREDNS_CUSTOM_KEY = 'crosscluster.server';

/**
 * The Azure load balancer: internal (optionally in a chosen subnet), pinned with the `ipv4`/`ipv6`
 * annotation. UDP and TCP on one Service become two load-balancing rules of one frontend.
 */
export function azureLoadBalancer(profile: AksProfile | undefined, request: LoadBalancerRequest): LoadBalancerShape {
  const annotations: Record<string, string> = {};
  if (request.internal) {
    annotations[AZURE_ANNOTATIONS.internal] = 'true';
    if (profile?.internalLoadBalancerSubnet) annotations[AZURE_ANNOTATIONS.internalSubnet] = profile.internalLoadBalancerSubnet;
  }
  const ip = request.addresses[0];
  if (ip) annotations[ip.includes(':') ? AZURE_ANNOTATIONS.ipv6 : AZURE_ANNOTATIONS.ipv4] = ip;
  return { services: [{ nameSuffix: '', protocols: request.protocols }], annotations, addresses: request.addresses.slice(0, 1) };
}

/** Problems of an `aks` profile, each naming its field. */
export function findAksProfileProblems(profile: AksProfile, at: string, add: (path: string, message: string) => void): void {
  if (profile === null || typeof profile !== 'object') {
    add(at, `expected an AKS profile object, got ${show(profile)}`);
    return;
  }
  const subnet = profile.internalLoadBalancerSubnet;
  // Azure subnet names: 1-80 characters, letters, digits, '_', '.', '-'.
  if (subnet !== undefined && (typeof subnet !== 'string' || !/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,79}$/.test(subnet))) {
    add(`${at}.internalLoadBalancerSubnet`, `${show(subnet)} is not an Azure subnet name`);
  }
}
