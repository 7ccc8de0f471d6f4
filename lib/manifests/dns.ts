import { completeCorefile, forwardServerBlocks } from './corefile';
import { KubeObject } from './kube-object';
import { renderLoadBalancerServices } from './load-balancer-services';
import { eksCorednsConfigurationValues } from '../core/cloud/aws';
import { AKS_COREDNS_CUSTOM, AKS_COREDNS_CUSTOM_KEY } from '../core/cloud/azure';
import { DnsForwardingMethod } from '../core/cloud/cloud-profile';
import { ClusterPlan, DeploymentPlan, DnsForward } from '../core/plan';

/** The namespace of the cluster DNS. */
export const DNS_NAMESPACE = 'kube-system';
/** Name of the DNS load-balancer Service (GKE without mixed-protocol support: `-udp` and `-tcp`). */
export const DNS_LOAD_BALANCER_NAME = 'kube-dns-lb';

const DNS_LABELS = { 'app.kubernetes.io/managed-by': 'crosscluster', 'app.kubernetes.io/component': 'dns-chain' };

/**
 * On the cluster's own DNS ConfigMaps, which the library only writes keys into: GitOps tools must never
 * delete them when the files are removed or the application is deleted (Argo CD sync options, Flux
 * kustomize-controller), or the cluster loses its DNS configuration. docs/cdk8s.md says how to take the
 * forwarding out again.
 */
export const NEVER_DELETE = {
  'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false',
  'kustomize.toolkit.fluxcd.io/prune': 'disabled',
} as const;

/**
 * The internal load balancer in front of the cluster DNS pods (both kube-dns and CoreDNS pods carry
 * `k8s-app: kube-dns`), on 53/UDP and 53/TCP (TCP only where the strategy says so), admitting the
 * peers only. One Service, or two sharing the address where the cloud cannot mix protocols on an
 * internal load balancer (GKE before 1.36.2-gke.1498000). None when no peer forwards to it, or when
 * the cluster has no DNS pods (GKE Cloud DNS).
 */
export function renderDnsLoadBalancers(plan: DeploymentPlan, cluster: ClusterPlan): KubeObject[] {
  const options = plan.networking.dnsChain;
  // With a CoreDNS of the library's own, the load balancer fronts that instance (own-coredns.ts).
  if (!options || cluster.ownCoredns || cluster.dnsForwards.length === 0 || !cluster.profile.dnsPods) return [];
  const tcpOnly = (options.tcpOnlyClusters ?? []).includes(cluster.name);
  return renderLoadBalancerServices(cluster, { purpose: 'dns', internal: true, addresses: cluster.dnsAddresses }, {
    name: DNS_LOAD_BALANCER_NAME,
    namespace: DNS_NAMESPACE,
    labels: DNS_LABELS,
    selector: { 'k8s-app': 'kube-dns' },
    ports: [
      ...(tcpOnly ? [] : [{ name: 'dns-udp', port: 53, targetPort: 53, protocol: 'UDP' as const }]),
      { name: 'dns-tcp', port: 53, targetPort: 53, protocol: 'TCP' as const },
    ],
    sourceRanges: cluster.allowLists.dns,
  });
}

/** kube-dns `stubDomains`: every remote service domain to its DNS load balancer, never the local one. */
export function stubDomains(forwards: readonly DnsForward[]): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const f of forwards) {
    if (f.servers.length === 0) {
      throw new Error(`crosscluster: the DNS address of cluster '${f.cluster}' is not known; cannot forward ${f.domain}`);
    }
    result[f.domain] = [...f.servers];
  }
  return result;
}

/** The ConfigMap each forwarding method writes into, and the key. Cloud DNS writes none. */
const FORWARDING_TARGET: Readonly<Record<DnsForwardingMethod, { name: string; key: string } | undefined>> = {
  'kube-dns-stub-domains': { name: 'kube-dns', key: 'stubDomains' },
  'corefile': { name: 'coredns', key: 'Corefile' },
  'eks-coredns-addon': { name: 'coredns', key: 'Corefile' },
  'aks-coredns-custom': { name: AKS_COREDNS_CUSTOM, key: AKS_COREDNS_CUSTOM_KEY },
  'cloud-dns-forwarding-zones': undefined,
};

/** The data keys the forwarding sets in the cluster's DNS ConfigMap (empty for Cloud DNS). */
export function dnsForwardingData(cluster: ClusterPlan): Record<string, string> {
  switch (cluster.profile.dnsForwarding) {
    case 'kube-dns-stub-domains': return { stubDomains: JSON.stringify(stubDomains(cluster.dnsForwards)) };
    case 'aks-coredns-custom': return { [AKS_COREDNS_CUSTOM_KEY]: `${forwardServerBlocks(cluster.dnsForwards)}\n` };
    case 'cloud-dns-forwarding-zones': return {};
    default: return { Corefile: completeCorefile(cluster.clusterDomain, cluster.dnsForwards) };
  }
}

/** Name of the cluster DNS ConfigMap the forwarding goes into (undefined for GKE Cloud DNS). */
export function dnsConfigMapName(cluster: ClusterPlan): string | undefined {
  return FORWARDING_TARGET[cluster.profile.dnsForwarding]?.name;
}

/**
 * The EKS CoreDNS add-on's `configurationValues` for a cluster whose CoreDNS is the add-on: the
 * complete Corefile with the forwarding. Undefined for every other cluster.
 */
export function eksAddonConfiguration(cluster: ClusterPlan): string | undefined {
  if (cluster.profile.dnsForwarding !== 'eks-coredns-addon' || cluster.dnsForwards.length === 0) return undefined;
  return eksCorednsConfigurationValues(completeCorefile(cluster.clusterDomain, cluster.dnsForwards));
}

/**
 * The cluster DNS ConfigMap with the forwarding: kube-dns `stubDomains`, a complete CoreDNS Corefile
 * (also for the EKS add-on, applied with a forced server-side apply), or AKS's `coredns-custom`.
 */
export function renderDnsForwarding(cluster: ClusterPlan): KubeObject[] {
  const name = dnsConfigMapName(cluster);
  if (name === undefined || cluster.dnsForwards.length === 0) return [];
  return [{
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: DNS_NAMESPACE, labels: DNS_LABELS, annotations: { ...NEVER_DELETE } },
    data: dnsForwardingData(cluster),
  }];
}

/** The DNS objects of one cluster (kube-system), kept apart from the database objects. Empty unless DNS chaining. */
export function renderDns(plan: DeploymentPlan, cluster: ClusterPlan): KubeObject[] {
  if (!plan.networking.dnsChain) return [];
  return [...renderDnsLoadBalancers(plan, cluster), ...renderDnsForwarding(cluster)];
}
