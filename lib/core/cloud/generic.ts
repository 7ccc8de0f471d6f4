// A cluster of no supported cloud: the library emits a plain `type: LoadBalancer` Service and knows
// nothing about how the implementation exposes it, so it refuses what it cannot make internal.
import { LoadBalancerRequest, LoadBalancerShape } from './load-balancer';
import { GenericProfile } from './profiles';
import { show } from '../problems';

/**
 * Exactly what a generic cluster gets: no annotation; the pinned IP in `spec.loadBalancerIP` (the
 * field MetalLB, kube-vip and most bare-metal implementations still read); `spec.loadBalancerClass`
 * when the profile names one; UDP and TCP on one Service (mixed protocol is GA since Kubernetes 1.26;
 * the implementation must support it, MetalLB does). Source: Kubernetes docs, "Service — type
 * LoadBalancer" (loadBalancerIP deprecated in 1.24 but kept; loadBalancerClass; mixed protocols).
 */
export function genericLoadBalancer(profile: GenericProfile | undefined, request: LoadBalancerRequest): LoadBalancerShape {
  return {
    services: [{ nameSuffix: '', protocols: request.protocols }],
    annotations: {},
    loadBalancerIP: request.addresses[0],
    loadBalancerClass: profile?.loadBalancerClass,
    addresses: request.addresses.slice(0, 1),
  };
}

const LOAD_BALANCER_CLASS = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

/** True when the profile says every load balancer of the cluster is private. */
export function genericLoadBalancersArePrivate(profile: GenericProfile | undefined): boolean {
  return profile?.privateLoadBalancers === true;
}

/** Problems of a `generic` profile, each naming its field. */
export function findGenericProfileProblems(profile: GenericProfile, at: string, add: (path: string, message: string) => void): void {
  if (profile === null || typeof profile !== 'object') {
    add(at, `expected a generic profile object, got ${show(profile)}`);
    return;
  }
  if (profile.privateLoadBalancers !== undefined && typeof profile.privateLoadBalancers !== 'boolean') {
    add(`${at}.privateLoadBalancers`, `${show(profile.privateLoadBalancers)} must be true or false`);
  }
  const cls = profile.loadBalancerClass;
  // A label-style key: an optional DNS-subdomain prefix and a name (what the apiserver accepts).
  if (cls !== undefined && (typeof cls !== 'string' || !LOAD_BALANCER_CLASS.test(cls))) {
    add(`${at}.loadBalancerClass`, `${show(cls)} is not a load-balancer class such as 'metallb.io/private'`);
  }
}
