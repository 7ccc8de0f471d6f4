import { KubeObject } from './kube-object';
import { commonLabels, selectorLabels } from './labels';
import { renderLoadBalancerServices } from './load-balancer-services';
import { isIpAddress } from '../core/cidr';
import { ClusterPlan, DeploymentPlan } from '../core/plan';
import { joinServiceName } from '../core/strategies/pod-ips';

/**
 * The join load balancer of a cluster (`Networking.podIps`): one internal load balancer in front of
 * every database pod, on the inter-node RPC port, admitting the allow-list only. It carries `--join`
 * only: a node learns its peers' pod IPs by gossip and talks to them directly. It is pinned to the
 * reserved IP(s) when given (the cloud profile decides how); pods are reachable through it before
 * they are ready, since nothing is ready before init.
 */
export function renderJoinLoadBalancer(plan: DeploymentPlan, cluster: ClusterPlan): KubeObject[] {
  const join = cluster.joinLoadBalancer;
  if (!join) return [];
  return renderLoadBalancerServices(cluster, {
    purpose: 'database',
    internal: true,
    addresses: join.addresses.filter(isIpAddress),
  }, {
    name: joinServiceName(plan.cockroach.name),
    namespace: cluster.namespace,
    labels: { ...commonLabels(cluster), 'crosscluster.io/role': 'join' },
    selector: selectorLabels(cluster),
    ports: [{ name: 'grpc', port: plan.rpcPort, targetPort: 'grpc', protocol: 'TCP' }],
    sourceRanges: cluster.allowLists.database,
    spec: { publishNotReadyAddresses: true, externalTrafficPolicy: 'Local' },
  });
}
