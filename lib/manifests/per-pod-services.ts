import { KubeObject } from './kube-object';
import { commonLabels } from './labels';
import { renderLoadBalancerServices } from './load-balancer-services';
import { isIpAddress } from '../core/cidr';
import { databaseListeners } from '../core/database-ports';
import { ClusterPlan, DeploymentPlan, PodPlan } from '../core/plan';

/** Name of a pod's load-balancer Service. */
export function perPodServiceName(pod: Pick<PodPlan, 'name'>): string {
  return `${pod.name}-lb`;
}

/** The private IPs a pod's load balancer is pinned to: on AWS one per subnet, elsewhere the address itself. */
function pinnedAddresses(cluster: ClusterPlan, pod: PodPlan): string[] {
  const address = pod.loadBalancer?.address;
  if (cluster.cloud === 'aws' && pod.loadBalancer?.awsPrivateIps) return [...pod.loadBalancer.awsPrivateIps];
  return address !== undefined && isIpAddress(address) ? [address] : [];
}

/**
 * One LoadBalancer Service per pod, selecting it by `statefulset.kubernetes.io/pod-name`, on the
 * database listeners, admitting the allow-list only. Empty unless the strategy is per-pod load balancers.
 */
export function renderPerPodServices(plan: DeploymentPlan, cluster: ClusterPlan): KubeObject[] {
  const options = plan.networking.perPodLoadBalancers;
  if (!options) return [];
  const internal = options.internal ?? true;
  return cluster.pods.flatMap((pod) => {
    const address = pod.loadBalancer?.address;
    const hostname = options.externalDns && address !== undefined && !isIpAddress(address) ? address : undefined;
    const eips = pod.loadBalancer?.awsEipAllocations ?? (pod.loadBalancer?.awsEipAllocation ? [pod.loadBalancer.awsEipAllocation] : undefined);
    return renderLoadBalancerServices(cluster, {
      purpose: 'database',
      internal,
      addresses: pinnedAddresses(cluster, pod),
      gcpAddressName: pod.loadBalancer?.gcpAddressName,
      awsEipAllocations: eips,
    }, {
      name: perPodServiceName(pod),
      namespace: cluster.namespace,
      labels: { ...commonLabels(cluster), 'crosscluster.io/pod': pod.name },
      selector: { 'statefulset.kubernetes.io/pod-name': pod.name },
      ports: databaseListeners().map((l) => ({ name: l.name, port: l.port, targetPort: l.name, protocol: 'TCP' as const })),
      sourceRanges: cluster.allowLists.database,
      annotations: hostname ? { 'external-dns.alpha.kubernetes.io/hostname': hostname } : {},
      // Peers must reach a pod to init it, and no pod is ready before init.
      spec: { publishNotReadyAddresses: true, externalTrafficPolicy: 'Local' },
    });
  });
}
