import { KubeObject } from './kube-object';
import { commonLabels } from './labels';
import { loadBalancerPinning } from './load-balancer-annotations';
import { ClusterPlan, DeploymentPlan, PodPlan } from '../core/plan';
import { COCKROACH_PORT } from '../core/topology';

/** Name of a pod's load-balancer Service. */
export function perPodServiceName(pod: Pick<PodPlan, 'name'>): string {
  return `${pod.name}-lb`;
}

/**
 * One LoadBalancer Service per pod, selecting it by `statefulset.kubernetes.io/pod-name`.
 * Empty unless the strategy is per-pod load balancers.
 */
export function renderPerPodServices(plan: DeploymentPlan, cluster: ClusterPlan): KubeObject[] {
  const options = plan.networking.perPodLoadBalancers;
  if (!options) return [];
  const internal = options.internal ?? true;
  return cluster.pods.map((pod) => {
    const pinning = loadBalancerPinning(cluster.cloud, internal, pod.loadBalancer, options.externalDns ?? false);
    return {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: perPodServiceName(pod),
        namespace: cluster.namespace,
        labels: { ...commonLabels(cluster), 'crosscluster.io/pod': pod.name },
        annotations: pinning.annotations,
      },
      spec: {
        type: 'LoadBalancer',
        selector: { 'statefulset.kubernetes.io/pod-name': pod.name },
        // Peers must reach a pod to init it, and no pod is ready before init.
        publishNotReadyAddresses: true,
        externalTrafficPolicy: 'Local',
        ports: [{ name: 'grpc', port: COCKROACH_PORT, targetPort: 'grpc', protocol: 'TCP' }],
        ...(pinning.loadBalancerIP ? { loadBalancerIP: pinning.loadBalancerIP } : {}),
        ...(options.sourceRanges ? { loadBalancerSourceRanges: [...options.sourceRanges] } : {}),
      },
    };
  });
}
