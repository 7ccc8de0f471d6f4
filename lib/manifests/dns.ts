import { completeCorefile } from './corefile';
import { KubeObject } from './kube-object';
import { loadBalancerPinning } from './load-balancer-annotations';
import { ClusterPlan, DeploymentPlan, DnsForward } from '../core/plan';

/** The namespace of the cluster DNS. */
export const DNS_NAMESPACE = 'kube-system';
/** Name of the DNS load-balancer Service. */
export const DNS_LOAD_BALANCER_NAME = 'kube-dns-lb';

const DNS_LABELS = { 'app.kubernetes.io/managed-by': 'crosscluster', 'app.kubernetes.io/component': 'dns-chain' };

/**
 * The internal load balancer in front of the cluster DNS pods (both kube-dns and CoreDNS pods carry
 * `k8s-app: kube-dns`), on 53/UDP and 53/TCP, or TCP only where the strategy says so.
 */
export function renderDnsLoadBalancer(plan: DeploymentPlan, cluster: ClusterPlan): KubeObject {
  const options = plan.networking.dnsChain ?? {};
  const tcpOnly = (options.tcpOnlyClusters ?? []).includes(cluster.name);
  const pinning = loadBalancerPinning(
    cluster.cloud,
    options.internal ?? true,
    cluster.dnsAddress ? { address: cluster.dnsAddress } : undefined,
  );
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: DNS_LOAD_BALANCER_NAME, namespace: DNS_NAMESPACE, labels: DNS_LABELS, annotations: pinning.annotations },
    spec: {
      type: 'LoadBalancer',
      selector: { 'k8s-app': 'kube-dns' },
      ports: [
        ...(tcpOnly ? [] : [{ name: 'dns-udp', port: 53, targetPort: 53, protocol: 'UDP' }]),
        { name: 'dns-tcp', port: 53, targetPort: 53, protocol: 'TCP' },
      ],
      ...(pinning.loadBalancerIP ? { loadBalancerIP: pinning.loadBalancerIP } : {}),
      ...(options.sourceRanges ? { loadBalancerSourceRanges: [...options.sourceRanges] } : {}),
    },
  };
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

/** The data keys the forwarding sets in the cluster's DNS ConfigMap. */
export function dnsForwardingData(cluster: ClusterPlan): Record<string, string> {
  return cluster.dns === 'kube-dns'
    ? { stubDomains: JSON.stringify(stubDomains(cluster.dnsForwards)) }
    : { Corefile: completeCorefile(cluster.clusterDomain, cluster.dnsForwards) };
}

/** Name of the cluster DNS ConfigMap the forwarding goes into. */
export function dnsConfigMapName(cluster: ClusterPlan): string {
  return cluster.dns === 'kube-dns' ? 'kube-dns' : 'coredns';
}

/** The cluster DNS ConfigMap with the forwarding (kube-dns `stubDomains` or a complete CoreDNS Corefile). */
export function renderDnsForwarding(cluster: ClusterPlan): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: dnsConfigMapName(cluster), namespace: DNS_NAMESPACE, labels: DNS_LABELS },
    data: dnsForwardingData(cluster),
  };
}

/** The DNS objects of one cluster (kube-system), kept apart from the database objects. Empty unless DNS chaining. */
export function renderDns(plan: DeploymentPlan, cluster: ClusterPlan): KubeObject[] {
  if (!plan.networking.dnsChain) return [];
  return [renderDnsLoadBalancer(plan, cluster), ...(cluster.dnsForwards.length > 0 ? [renderDnsForwarding(cluster)] : [])];
}
