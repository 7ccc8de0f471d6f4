// EKS: the rules of the AWS Load Balancer Controller, of NLBs and of the CoreDNS add-on, each with its source.
import { LoadBalancerRequest, LoadBalancerShape } from './load-balancer';
import { EksProfile, EksSubnet } from './profiles';
import { isIpAddress, parseCidr, cidrContains, ParsedCidr } from '../cidr';
import { show } from '../problems';

const ANNOTATION = 'service.beta.kubernetes.io/aws-load-balancer-';

/** The annotations this file emits. Source: AWS Load Balancer Controller docs, `guide/service/annotations.md`. */
export const AWS_ANNOTATIONS = {
  /** `external`: the AWS Load Balancer Controller (not the legacy in-tree controller) makes an NLB. */
  type: `${ANNOTATION}type`,
  /** `ip`: pods are the targets, so the NLB needs no node port and sees no kube-proxy hop. */
  targetType: `${ANNOTATION}nlb-target-type`,
  /** `internal` or `internet-facing`. */
  scheme: `${ANNOTATION}scheme`,
  /** Subnet ids, one per AZ. */
  subnets: `${ANNOTATION}subnets`,
  /** Internal only: one private IPv4 per subnet, in subnet order; each inside its subnet. */
  privateIpv4Addresses: `${ANNOTATION}private-ipv4-addresses`,
  /** Internet-facing only: one Elastic IP allocation per subnet. */
  eipAllocations: `${ANNOTATION}eip-allocations`,
  /** Load-balancer attributes. */
  attributes: `${ANNOTATION}attributes`,
} as const;

/**
 * An NLB only routes to targets in the AZs it is enabled in, and by default each NLB node only to
 * targets in its own AZ. Cross-zone load balancing lets every address of the NLB reach a target in
 * any of its AZs. Source: ELB docs, "Network Load Balancers — Availability Zones" and "Cross-zone load
 * balancing"; the controller sets it with the `attributes` annotation.
 */
export const AWS_CROSS_ZONE = 'load_balancing.cross_zone.enabled=true';

/** The field manager of the EKS CoreDNS add-on on `kube-system/coredns` (measured on a real apiserver). */
export const EKS_ADDON_FIELD_MANAGER = 'eks';

/**
 * The kubectl command that takes `Corefile` over from the add-on's field manager. Without
 * `--force-conflicts` the apply fails with `conflict with "eks"`.
 */
export const EKS_FORCED_APPLY = 'kubectl apply --server-side --force-conflicts --field-manager=crosscluster';

/** The profile's subnets in AZ-name order: the order of every NLB annotation list. */
export function eksSubnetsInOrder(profile: EksProfile | undefined): Array<EksSubnet & { readonly zone: string }> {
  if (!profile || typeof profile.subnets !== 'object' || profile.subnets === null) return [];
  return Object.keys(profile.subnets).sort().map((zone) => ({ zone, ...profile.subnets[zone] }));
}

/** True when CoreDNS is the managed add-on (the default). */
export function eksCorednsAddon(profile: EksProfile | undefined): boolean {
  return profile?.corednsAddon ?? true;
}

/**
 * The EKS CoreDNS add-on's `configurationValues`: `{"corefile": "…"}`. Source: EKS docs, "CoreDNS
 * Amazon EKS add-on" configuration schema (`aws eks describe-addon-configuration --addon-name coredns`).
 */
export function eksCorednsConfigurationValues(corefile: string): string {
  return JSON.stringify({ corefile });
}

/**
 * The NLB for a request: AWS Load Balancer Controller, IP targets, across every subnet of the profile
 * with cross-zone load balancing, so the pod behind it is reachable in whichever of those AZs it runs
 * (a per-pod NLB in one subnet would drop a pod scheduled in another AZ). UDP and TCP on one port is
 * one `TCP_UDP` listener, so one Service.
 */
export function awsLoadBalancer(profile: EksProfile | undefined, request: LoadBalancerRequest): LoadBalancerShape {
  const subnets = eksSubnetsInOrder(profile);
  const annotations: Record<string, string> = {
    [AWS_ANNOTATIONS.type]: 'external',
    [AWS_ANNOTATIONS.targetType]: 'ip',
    [AWS_ANNOTATIONS.scheme]: request.internal ? 'internal' : 'internet-facing',
    [AWS_ANNOTATIONS.attributes]: AWS_CROSS_ZONE,
  };
  if (subnets.length > 0) annotations[AWS_ANNOTATIONS.subnets] = subnets.map((s) => s.id).join(',');
  if (request.internal && request.addresses.length > 0) {
    annotations[AWS_ANNOTATIONS.privateIpv4Addresses] = request.addresses.join(',');
  }
  if (!request.internal && request.awsEipAllocations && request.awsEipAllocations.length > 0) {
    annotations[AWS_ANNOTATIONS.eipAllocations] = request.awsEipAllocations.join(',');
  }
  return {
    services: [{ nameSuffix: '', protocols: request.protocols }],
    annotations,
    addresses: request.internal ? request.addresses : [],
  };
}

/**
 * Problems of pinning an NLB to private IPs: exactly one per subnet, in subnet (AZ-name) order,
 * each an IPv4 address inside its subnet. `given` is one address (reported at `path`) or a list
 * (each reported at `path[i]`).
 */
export function findAwsAddressProblems(
  profile: EksProfile | undefined, given: unknown, path: string, profilePath: string,
  add: (path: string, message: string) => void,
): void {
  const addresses: readonly unknown[] = Array.isArray(given) ? given : [given];
  const at = (i: number) => (Array.isArray(given) ? `${path}[${i}]` : path);
  const subnets = eksSubnetsInOrder(profile);
  if (subnets.length === 0) {
    add(`${profilePath}.subnets`, 'the subnets per AZ are required to pin an NLB to private IPs (the AWS Load Balancer Controller needs one IP per subnet)');
    return;
  }
  if (addresses.length !== subnets.length) {
    add(path, `${addresses.length} private IP${addresses.length === 1 ? '' : 's'} for ${subnets.length} subnets (${subnets.map((s) => s.zone).join(', ')}): the NLB spans every subnet and the AWS Load Balancer Controller needs exactly one IP per subnet, in AZ order`);
    return;
  }
  addresses.forEach((address, i) => {
    const subnet = subnets[i];
    const cidr = parseCidr(subnet.cidr);
    if (typeof address === 'string' && isIpAddress(address) && address.includes(':')) {
      add(at(i), `${show(address)} is IPv6, but an internal NLB is pinned with ${AWS_ANNOTATIONS.privateIpv4Addresses}, which takes IPv4 only (the NLB's private address in ${subnet.zone})`);
    } else if (typeof address !== 'string' || !isIpAddress(address)) {
      add(at(i), `${show(address)} is not an IPv4 address (the NLB's private address in ${subnet.zone})`);
    } else if (typeof cidr !== 'string' && !cidrContains(cidr, parseCidr(`${address}/32`) as ParsedCidr)) {
      add(at(i), `${show(address)} is not inside subnet ${show(subnet.id)} (${subnet.cidr}) of ${subnet.zone}; give the IPs in AZ order (${subnets.map((s) => s.zone).join(', ')}), each inside its subnet`);
    }
  });
}

/** Problems of an `eks` profile, each naming its field. */
export function findEksProfileProblems(profile: EksProfile, at: string, add: (path: string, message: string) => void): void {
  if (profile === null || typeof profile !== 'object') {
    add(at, `expected an EKS profile object, got ${show(profile)}`);
    return;
  }
  if (profile.subnets === null || typeof profile.subnets !== 'object' || Array.isArray(profile.subnets)) {
    add(`${at}.subnets`, `expected the subnets by AZ, e.g. { 'eu-west-1a': { id: 'subnet-…', cidr: '10.0.0.0/20' } }, got ${show(profile.subnets)}`);
  } else {
    const zones = Object.keys(profile.subnets);
    if (zones.length === 0) add(`${at}.subnets`, 'at least one subnet is required (one per AZ the NLBs and the pods use)');
    const ids = new Map<string, string>();
    for (const zone of zones) {
      const subnet = profile.subnets[zone];
      const path = `${at}.subnets.${zone}`;
      if (subnet === null || typeof subnet !== 'object') {
        add(path, `expected { id: 'subnet-…', cidr: '…' }, got ${show(subnet)}`);
        continue;
      }
      if (typeof subnet.id !== 'string' || !/^subnet-[0-9a-f]{8,17}$/.test(subnet.id)) {
        add(`${path}.id`, `${show(subnet.id)} is not a subnet id ('subnet-' and 8 or 17 hex digits)`);
      } else if (ids.has(subnet.id)) {
        add(`${path}.id`, `${show(subnet.id)} is also the subnet of ${ids.get(subnet.id)}; the controller takes one subnet per AZ`);
      } else {
        ids.set(subnet.id, zone);
      }
      const cidr = parseCidr(subnet.cidr);
      if (typeof cidr === 'string') add(`${path}.cidr`, cidr);
      else if (cidr.family !== 4) add(`${path}.cidr`, `${show(subnet.cidr)}: give the subnet's IPv4 block`);
    }
  }
  if (profile.corednsAddon !== undefined && typeof profile.corednsAddon !== 'boolean') {
    add(`${at}.corednsAddon`, `${show(profile.corednsAddon)} must be true or false`);
  }
}
