import { KubeObject } from './kube-object';
import { commonLabels, selectorLabels } from './labels';
import { eksSubnetsInOrder } from '../core/cloud/aws';
import { DATABASE_HTTP_LISTENER, databaseListeners } from '../core/database-ports';
import { SqlEndpointsPlan } from '../core/endpoints/plan';
import { DatabaseClient } from '../core/network-policy-options';
import { ClusterPlan, DeploymentPlan } from '../core/plan';

/** Name of the database NetworkPolicy. */
export function networkPolicyName(cluster: ClusterPlan): string {
  return `${cluster.names.statefulSet}-ingress`;
}

function clientPeer(client: DatabaseClient): Record<string, unknown> {
  if (client.cidr !== undefined) return { ipBlock: { cidr: client.cidr } };
  return {
    ...(client.podSelector !== undefined ? { podSelector: { matchLabels: { ...client.podSelector } } } : {}),
    ...(client.namespaceSelector !== undefined ? { namespaceSelector: { matchLabels: { ...client.namespaceSelector } } } : {}),
  };
}

/**
 * The NetworkPolicy in front of the database pods (ingress only; egress is left open: nodes dial
 * their peers and DNS):
 * - the database listeners (SQL/RPC) from every cluster's pod and node CIDRs (peers arrive from pod
 *   IPs, or node IPs behind a NATing CNI), from the NLB subnets on AWS (an NLB with IP targets
 *   health-checks and, without client-IP preservation, forwards from its own subnet addresses), from
 *   the database's own pods and Jobs (same `name`/`instance` labels, any `component`: the init Job and
 *   any later one), and from the clients the user names;
 * - the HTTP port (DB Console, metrics) from the database's own pods and the named clients only;
 * - with client endpoints (`sqlEndpoints`): the SQL port from the SQL load balancer's allow-list (the
 *   client's address reaches the pod: `externalTrafficPolicy: Local`), and on AWS with the
 *   `http-ready` health check the HTTP port from the NLB subnets, where its health checks come from.
 */
export function renderNetworkPolicies(plan: DeploymentPlan, cluster: ClusterPlan): KubeObject[] {
  const options = plan.networkPolicy;
  if (options?.enabled === false) return [];
  const ownPods = {
    podSelector: {
      matchLabels: {
        'app.kubernetes.io/name': selectorLabels(cluster)['app.kubernetes.io/name'],
        'app.kubernetes.io/instance': selectorLabels(cluster)['app.kubernetes.io/instance'],
      },
    },
  };
  const clients = (options?.clients ?? []).map(clientPeer);
  const cidrs = [...new Set([
    ...plan.clusters.flatMap((c) => [...c.podCidrs, ...c.nodeCidrs]),
    ...(cluster.cloud === 'aws' ? eksSubnetsInOrder(cluster.profile.eks).map((s) => s.cidr) : []),
  ])];
  return [{
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: networkPolicyName(cluster), namespace: cluster.namespace, labels: commonLabels(cluster) },
    spec: {
      podSelector: { matchLabels: selectorLabels(cluster) },
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [ownPods, ...cidrs.map((cidr) => ({ ipBlock: { cidr } })), ...clients],
          ports: databaseListeners().map((l) => ({ protocol: 'TCP', port: l.port })),
        },
        {
          from: [ownPods, ...clients],
          ports: [{ protocol: 'TCP', port: DATABASE_HTTP_LISTENER.port }],
        },
        ...(plan.sqlEndpoints ? sqlEndpointRules(plan.sqlEndpoints, cluster) : []),
      ],
    },
  }];
}

/** The ingress rules the SQL load balancer's clients and health checks need. */
function sqlEndpointRules(sql: SqlEndpointsPlan, cluster: ClusterPlan): Array<Record<string, unknown>> {
  const region = sql.regions.find((r) => r.cluster === cluster.name);
  if (!region) return [];
  const rules: Array<Record<string, unknown>> = [{
    from: region.sourceRanges.map((cidr) => ({ ipBlock: { cidr } })),
    ports: [{ protocol: 'TCP', port: sql.port }],
  }];
  const subnets = cluster.cloud === 'aws' && sql.healthCheck === 'http-ready' ? eksSubnetsInOrder(cluster.profile.eks).map((s) => s.cidr) : [];
  if (subnets.length > 0) {
    rules.push({ from: subnets.map((cidr) => ({ ipBlock: { cidr } })), ports: [{ protocol: 'TCP', port: DATABASE_HTTP_LISTENER.port }] });
  }
  return rules;
}
