// The resolved cloud profile of a cluster and the one dispatcher every renderer asks for a load balancer.
import { awsLoadBalancer, eksCorednsAddon } from './aws';
import { azureLoadBalancer } from './azure';
import { gkeDnsProvider, gkeLoadBalancer } from './gcp';
import { genericLoadBalancer, genericLoadBalancersArePrivate } from './generic';
import { LoadBalancerRequest, LoadBalancerShape } from './load-balancer';
import { AksProfile, EksProfile, GenericProfile, GkeProfile } from './profiles';
import { dnsKindOf } from '../naming';
import { Cloud, ClusterSpec } from '../topology';

/**
 * How a cluster's DNS gets the forwarding of remote domains:
 * - `kube-dns-stub-domains`: the `stubDomains` key of `kube-system/kube-dns` (GKE kube-dns);
 * - `corefile`: the `Corefile` key of `kube-system/coredns` (self-managed CoreDNS);
 * - `eks-coredns-addon`: the EKS add-on's `configurationValues.corefile` (the add-on owns `coredns`);
 * - `aks-coredns-custom`: a `*.server` key of `kube-system/coredns-custom` (AKS owns `coredns`);
 * - `cloud-dns-forwarding-zones`: Cloud DNS forwarding zones, cloud resources (GKE Cloud DNS).
 */
export type DnsForwardingMethod =
  | 'kube-dns-stub-domains' | 'corefile' | 'eks-coredns-addon' | 'aks-coredns-custom' | 'cloud-dns-forwarding-zones';

/** A cluster's cloud profile with every default filled in. */
export interface ClusterCloudProfile {
  readonly cloud: Cloud;
  /** The profile blocks as given (only the one of `cloud` may be set). */
  readonly gke?: GkeProfile;
  readonly eks?: EksProfile;
  readonly aks?: AksProfile;
  readonly generic?: GenericProfile;
  /** How the cluster's DNS gets the forwarding of remote domains. */
  readonly dnsForwarding: DnsForwardingMethod;
  /**
   * True when the cluster DNS runs as pods behind `k8s-app: kube-dns` that a DNS load balancer can
   * select (false on GKE Cloud DNS, which has none).
   */
  readonly dnsPods: boolean;
  /** True when the cluster can have an internal (private-only) load balancer. */
  readonly internalLoadBalancers: boolean;
}

/** Resolves the profile of a (validated) cluster. */
export function resolveCloudProfile(cluster: ClusterSpec): ClusterCloudProfile {
  const kind = dnsKindOf(cluster);
  const base = { cloud: cluster.cloud, gke: cluster.gke, eks: cluster.eks, aks: cluster.aks, generic: cluster.generic };
  switch (cluster.cloud) {
    case 'gcp': {
      const cloudDns = gkeDnsProvider(cluster.gke) === 'cloud-dns';
      return {
        ...base,
        dnsForwarding: cloudDns ? 'cloud-dns-forwarding-zones' : kind === 'kube-dns' ? 'kube-dns-stub-domains' : 'corefile',
        dnsPods: !cloudDns,
        internalLoadBalancers: true,
      };
    }
    case 'aws':
      return {
        ...base,
        dnsForwarding: kind === 'kube-dns' ? 'kube-dns-stub-domains' : eksCorednsAddon(cluster.eks) ? 'eks-coredns-addon' : 'corefile',
        dnsPods: true,
        internalLoadBalancers: true,
      };
    case 'azure':
      return { ...base, dnsForwarding: 'aks-coredns-custom', dnsPods: true, internalLoadBalancers: true };
    default:
      return {
        ...base,
        dnsForwarding: kind === 'kube-dns' ? 'kube-dns-stub-domains' : 'corefile',
        dnsPods: true,
        internalLoadBalancers: genericLoadBalancersArePrivate(cluster.generic),
      };
  }
}

/** The Service(s), annotations and spec fields of a load balancer on the cluster's cloud. */
export function loadBalancerShape(profile: ClusterCloudProfile, request: LoadBalancerRequest): LoadBalancerShape {
  switch (profile.cloud) {
    case 'gcp': return gkeLoadBalancer(profile.gke, request);
    case 'aws': return awsLoadBalancer(profile.eks, request);
    case 'azure': return azureLoadBalancer(profile.aks, request);
    default: return genericLoadBalancer(profile.generic, request);
  }
}
