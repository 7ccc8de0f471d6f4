import { forwardServerBlocks } from './corefile';
import { KubeObject } from './kube-object';
import { selectorLabels } from './labels';
import { renderLoadBalancerServices } from './load-balancer-services';
import { fixedResources } from './pod-parts';
import { eksSubnetsInOrder } from '../core/cloud/aws';
import { ZONE_LABEL } from '../core/locality';
import { ClusterPlan, DeploymentPlan } from '../core/plan';

/**
 * The user and group of the CoreDNS image (distroless `nonroot`). Given by number: the v1.12 image
 * names the user, which the kubelet cannot verify against `runAsNonRoot` (coredns/coredns#7542).
 */
export const COREDNS_RUN_AS = 65532;
/** Where the Corefile is mounted. */
export const COREDNS_CONFIG_DIR = '/etc/coredns';
/** The ports of the instance: DNS, and the `health`, `ready` and `prometheus` plugins' defaults. */
export const COREDNS_PORTS = { dns: 53, health: 8080, ready: 8181, metrics: 9153 } as const;

/** The labels that select the instance's pods. */
export function ownCorednsSelector(cluster: ClusterPlan): Record<string, string> {
  return {
    'app.kubernetes.io/name': 'coredns',
    'app.kubernetes.io/instance': cluster.ownCoredns!.names.name,
    'app.kubernetes.io/component': 'dns',
  };
}

function labelsOf(cluster: ClusterPlan): Record<string, string> {
  return {
    ...ownCorednsSelector(cluster),
    'app.kubernetes.io/part-of': cluster.names.statefulSet,
    'app.kubernetes.io/managed-by': 'crosscluster',
    'crosscluster.io/cluster': cluster.name,
  };
}

/**
 * The instance's Corefile:
 * - this cluster's service domain, answered from the API by the `kubernetes` plugin, restricted to the
 *   database namespace and to the database's own Services (`labels`; EndpointSlices carry their
 *   Service's labels), never forwarded anywhere;
 * - each remote cluster's service domain, forwarded to that cluster's instance (its load balancer);
 * - with `resolvers: 'database-pods'`, everything else to the cluster DNS (`/etc/resolv.conf` of the
 *   instance's pod, whose DNS policy is the cluster's): the database pods use no other nameserver.
 * No zone is both served and forwarded, and no instance forwards its own domain, so no loop can form;
 * `loop` guards the catch-all. `reload` picks up a changed Corefile without a restart.
 */
export function ownCorefile(cluster: ClusterPlan): string {
  const own = cluster.ownCoredns!;
  const selector = selectorLabels(cluster);
  const local = [
    `${cluster.serviceDomain}:${COREDNS_PORTS.dns} {`,
    '    errors',
    '    health {',
    '        lameduck 5s',
    '    }',
    '    ready',
    `    kubernetes ${cluster.clusterDomain} {`,
    `        namespaces ${cluster.namespace}`,
    `        labels app.kubernetes.io/name=${selector['app.kubernetes.io/name']},app.kubernetes.io/instance=${selector['app.kubernetes.io/instance']}`,
    '    }',
    `    prometheus :${COREDNS_PORTS.metrics}`,
    '    cache 30',
    '    reload',
    '    loadbalance',
    '}',
  ].join('\n');
  const rest = own.resolvers === 'database-pods'
    ? [['.:53 {', '    errors', '    forward . /etc/resolv.conf', '    cache 30', '    loop', '}'].join('\n')]
    : [];
  const remote = own.forwards.length > 0 ? [forwardServerBlocks(own.forwards)] : [];
  return `${[local, ...remote, ...rest].join('\n')}\n`;
}

/**
 * The database pods' DNS with `resolvers: 'database-pods'`: the instance's fixed ClusterIP as the only
 * nameserver, with the search path and `ndots` of the cluster's `ClusterFirst` policy. It depends on the
 * topology only (the address is chosen by the plan, never assigned), so no pod template changes when
 * an address, a node count or a cluster changes. Empty otherwise: the pods keep the cluster DNS.
 */
export function databasePodDns(cluster: ClusterPlan): Record<string, unknown> {
  const own = cluster.ownCoredns;
  if (!own || own.resolvers !== 'database-pods') return {};
  return {
    dnsPolicy: 'None',
    dnsConfig: {
      nameservers: [own.clusterIp],
      searches: [cluster.serviceDomain, `svc.${cluster.clusterDomain}`, cluster.clusterDomain],
      options: [{ name: 'ndots', value: '5' }],
    },
  };
}

const DNS_PORTS = [
  { name: 'dns', port: COREDNS_PORTS.dns, targetPort: COREDNS_PORTS.dns, protocol: 'UDP' as const },
  { name: 'dns-tcp', port: COREDNS_PORTS.dns, targetPort: COREDNS_PORTS.dns, protocol: 'TCP' as const },
];

function deployment(cluster: ClusterPlan, labels: Record<string, string>): KubeObject {
  const own = cluster.ownCoredns!;
  const selector = ownCorednsSelector(cluster);
  const http = (path: string, port: number) => ({ httpGet: { path, port, scheme: 'HTTP' } });
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: own.names.name, namespace: cluster.namespace, labels },
    spec: {
      replicas: own.replicas,
      selector: { matchLabels: selector },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 1 } },
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: own.names.name,
          // The API token is projected for the kubernetes plugin only (below), not mounted by default.
          automountServiceAccountToken: false,
          // The catch-all forwards to the cluster DNS this policy puts into /etc/resolv.conf.
          dnsPolicy: 'ClusterFirst',
          securityContext: {
            runAsNonRoot: true,
            runAsUser: COREDNS_RUN_AS,
            runAsGroup: COREDNS_RUN_AS,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          affinity: {
            podAntiAffinity: {
              preferredDuringSchedulingIgnoredDuringExecution: [
                { weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: selector } } },
              ],
            },
          },
          topologySpreadConstraints: [
            { maxSkew: 1, topologyKey: ZONE_LABEL, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: selector } },
          ],
          containers: [{
            name: 'coredns',
            image: own.image,
            imagePullPolicy: 'IfNotPresent',
            args: ['-conf', `${COREDNS_CONFIG_DIR}/Corefile`],
            ports: [
              { name: 'dns', containerPort: COREDNS_PORTS.dns, protocol: 'UDP' },
              { name: 'dns-tcp', containerPort: COREDNS_PORTS.dns, protocol: 'TCP' },
              { name: 'metrics', containerPort: COREDNS_PORTS.metrics, protocol: 'TCP' },
            ],
            livenessProbe: { ...http('/health', COREDNS_PORTS.health), initialDelaySeconds: 60, timeoutSeconds: 5, failureThreshold: 5 },
            readinessProbe: { ...http('/ready', COREDNS_PORTS.ready), periodSeconds: 5 },
            resources: fixedResources('100m', '170Mi'),
            // As the Kubernetes CoreDNS manifests: the binary binds :53 with its file capability, which
            // needs NET_BIND_SERVICE in the bounding set (the one capability Pod Security "restricted" allows).
            securityContext: {
              allowPrivilegeEscalation: false,
              capabilities: { add: ['NET_BIND_SERVICE'], drop: ['ALL'] },
              privileged: false,
              readOnlyRootFilesystem: true,
              runAsNonRoot: true,
              runAsUser: COREDNS_RUN_AS,
              runAsGroup: COREDNS_RUN_AS,
            },
            volumeMounts: [
              { name: 'config', mountPath: COREDNS_CONFIG_DIR, readOnly: true },
              { name: 'api-token', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true },
            ],
          }],
          volumes: [
            { name: 'config', configMap: { name: own.names.name, items: [{ key: 'Corefile', path: 'Corefile' }] } },
            {
              name: 'api-token',
              projected: {
                defaultMode: 0o444,
                sources: [
                  { serviceAccountToken: { path: 'token', expirationSeconds: 3600 } },
                  { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
                ],
              },
            },
          ],
        },
      },
    },
  };
}

/**
 * The NetworkPolicy in front of the instance: DNS from every cluster's pod and node CIDRs (the peers'
 * instances, through their load balancers; on AWS also the NLB subnets) and from the local clients by
 * selector (the database pods; the cluster DNS with `'cluster-dns'`), so a one-cluster topology without
 * CIDRs still resolves; the probe ports from this cluster's nodes; metrics from the named clients only.
 */
function networkPolicy(plan: DeploymentPlan, cluster: ClusterPlan, labels: Record<string, string>): KubeObject[] {
  if (plan.networkPolicy?.enabled === false) return [];
  const own = cluster.ownCoredns!;
  const cidrs = [...new Set([
    ...plan.clusters.flatMap((c) => [...c.podCidrs, ...c.nodeCidrs]),
    ...(cluster.cloud === 'aws' ? eksSubnetsInOrder(cluster.profile.eks).map((s) => s.cidr) : []),
    ...own.sourceRanges,
  ])];
  const databasePods = { podSelector: { matchLabels: selectorLabels(cluster) } };
  const clusterDns = own.resolvers === 'cluster-dns'
    ? [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } }] : [];
  const clients = (plan.networkPolicy?.clients ?? []).map((client) => (client.cidr !== undefined
    ? { ipBlock: { cidr: client.cidr } }
    : {
      ...(client.podSelector !== undefined ? { podSelector: { matchLabels: { ...client.podSelector } } } : {}),
      ...(client.namespaceSelector !== undefined ? { namespaceSelector: { matchLabels: { ...client.namespaceSelector } } } : {}),
    }));
  const ingress: Record<string, unknown>[] = [{
    from: [databasePods, ...clusterDns, ...cidrs.map((cidr) => ({ ipBlock: { cidr } }))],
    ports: [{ protocol: 'UDP', port: COREDNS_PORTS.dns }, { protocol: 'TCP', port: COREDNS_PORTS.dns }],
  }];
  if (cluster.nodeCidrs.length > 0) {
    ingress.push({
      from: cluster.nodeCidrs.map((cidr) => ({ ipBlock: { cidr } })),
      ports: [{ protocol: 'TCP', port: COREDNS_PORTS.health }, { protocol: 'TCP', port: COREDNS_PORTS.ready }],
    });
  }
  if (clients.length > 0) ingress.push({ from: clients, ports: [{ protocol: 'TCP', port: COREDNS_PORTS.metrics }] });
  return [{
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: own.names.networkPolicy, namespace: cluster.namespace, labels },
    spec: { podSelector: { matchLabels: ownCorednsSelector(cluster) }, policyTypes: ['Ingress'], ingress },
  }];
}

/**
 * The DNS load balancer the other clusters' instances forward to: internal, pinned to the cluster's
 * `dnsAddresses`, on 53/UDP and 53/TCP (TCP only where the strategy says so; one Service or two sharing
 * the address, as the cloud profile says), admitting the peers only. None without a peer.
 */
export function renderOwnCorednsLoadBalancers(plan: DeploymentPlan, cluster: ClusterPlan): KubeObject[] {
  const own = cluster.ownCoredns;
  if (!own || own.forwards.length === 0) return [];
  const tcpOnly = (plan.networking.dnsChain?.tcpOnlyClusters ?? []).includes(cluster.name);
  return renderLoadBalancerServices(cluster, { purpose: 'dns', internal: true, addresses: cluster.dnsAddresses }, {
    name: own.names.loadBalancer,
    namespace: cluster.namespace,
    labels: labelsOf(cluster),
    selector: ownCorednsSelector(cluster),
    ports: DNS_PORTS.filter((p) => !tcpOnly || p.protocol === 'TCP'),
    sourceRanges: own.sourceRanges,
  });
}

/** The Corefile ConfigMap of the instance (the one object whose content follows the other clusters' addresses). */
export function renderOwnCorefile(cluster: ClusterPlan): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: cluster.ownCoredns!.names.name, namespace: cluster.namespace, labels: labelsOf(cluster) },
    data: { Corefile: ownCorefile(cluster) },
  };
}

/**
 * A CoreDNS of the library's own in the database namespace (DNS chain with `ownCoredns`): ServiceAccount
 * and read-only RBAC for the `kubernetes` plugin, the Corefile, the Deployment (non-root, read-only root
 * filesystem, fixed resources, spread over nodes and zones), the Service at the fixed ClusterIP, the
 * internal load balancer, a PodDisruptionBudget and a NetworkPolicy. Nothing in kube-system.
 *
 * RBAC: the plugin lists and watches Services, EndpointSlices and Namespaces across the cluster
 * (CoreDNS's informers are cluster-wide even when `namespaces` restricts what is served; a Role in the
 * database namespace leaves them unsynced and every name unanswered), so a ClusterRole grants exactly
 * list and watch of those three and nothing else: no get, no writes, no Pods, no Secrets.
 */
export function renderOwnCoredns(plan: DeploymentPlan, cluster: ClusterPlan): KubeObject[] {
  const own = cluster.ownCoredns;
  if (!own) return [];
  const labels = labelsOf(cluster);
  const ns = cluster.namespace;
  return [
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: own.names.name, namespace: ns, labels },
      automountServiceAccountToken: false,
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: own.names.clusterRole, labels },
      rules: [
        { apiGroups: [''], resources: ['services', 'namespaces'], verbs: ['list', 'watch'] },
        { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['list', 'watch'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: own.names.clusterRole, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: own.names.clusterRole },
      subjects: [{ kind: 'ServiceAccount', name: own.names.name, namespace: ns }],
    },
    renderOwnCorefile(cluster),
    deployment(cluster, labels),
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: own.names.name, namespace: ns, labels },
      spec: { type: 'ClusterIP', clusterIP: own.clusterIp, selector: ownCorednsSelector(cluster), ports: DNS_PORTS.map((p) => ({ ...p })) },
    },
    ...renderOwnCorednsLoadBalancers(plan, cluster),
    {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: own.names.podDisruptionBudget, namespace: ns, labels },
      spec: { maxUnavailable: 1, selector: { matchLabels: ownCorednsSelector(cluster) } },
    },
    ...networkPolicy(plan, cluster, labels),
  ];
}
