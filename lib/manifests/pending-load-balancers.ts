import { KubeObject } from './kube-object';
import { renderPerPodServices } from './per-pod-services';
import { ClusterPlan, DeploymentPlan } from '../core/plan';

/**
 * True for an address under the reserved `.invalid` top-level domain (RFC 2606), which a
 * placeholder plan uses for addresses that are not known yet. It never names a real host.
 */
export function isPlaceholderAddress(address: string): boolean {
  return /\.invalid\.?$/i.test(address);
}

/**
 * The per-pod load-balancer Services of a placeholder plan, for an engine that learns the
 * addresses from the Services themselves: a pod whose address is a placeholder gets a load
 * balancer pinned to nothing (the cloud assigns the address); a pod with a reserved address is
 * pinned to it exactly as {@link renderPerPodServices} pins it.
 */
export function renderPendingPerPodServices(plan: DeploymentPlan, cluster: ClusterPlan): KubeObject[] {
  const unpinned: ClusterPlan = {
    ...cluster,
    pods: cluster.pods.map((pod) =>
      pod.loadBalancer && isPlaceholderAddress(pod.loadBalancer.address) ? { ...pod, loadBalancer: undefined } : pod),
  };
  return renderPerPodServices(plan, unpinned);
}
