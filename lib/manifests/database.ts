import { KubeObject } from './kube-object';
import { commonLabels, selectorLabels } from './labels';
import {
  advertiseKey, CERTS_DIR, CERTS_SOURCE_DIR, copyCertsScript, DATA_DIR, initScript, LOCALITY_DIR, localityScript,
  startScript, TOPOLOGY_DIR,
} from './scripts';
import { ZONE_LABEL } from '../core/locality';
import { ClusterPlan, DeploymentPlan } from '../core/plan';
import { COCKROACH_HTTP_PORT, COCKROACH_PORT } from '../core/topology';

const RUN_AS = 1000;

const PORTS = [
  { name: 'grpc', port: COCKROACH_PORT, targetPort: 'grpc', protocol: 'TCP' },
  { name: 'http', port: COCKROACH_HTTP_PORT, targetPort: 'http', protocol: 'TCP' },
];

/** Pod-level security: non-root, RuntimeDefault seccomp, files group-owned by the cockroach user. */
function podSecurityContext(): Record<string, unknown> {
  return {
    runAsNonRoot: true,
    runAsUser: RUN_AS,
    runAsGroup: RUN_AS,
    fsGroup: RUN_AS,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** Container-level security: no privilege escalation, no capabilities, read-only root. */
function containerSecurityContext(): Record<string, unknown> {
  return {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
    privileged: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    runAsUser: RUN_AS,
    runAsGroup: RUN_AS,
  };
}

/** Requests = limits, so the pod is Guaranteed and the 25% cache arithmetic is exact. */
function fixedResources(cpu: string, memory: string): Record<string, unknown> {
  return { requests: { cpu, memory }, limits: { cpu, memory } };
}

/** The image reference, pinned to the version. */
export function cockroachImage(plan: DeploymentPlan): string {
  return `${plan.cockroach.image}:${plan.cockroach.version}`;
}

/** The topology ConfigMap: the join list, the locality tiers and each pod's advertise host. */
export function renderTopologyConfigMap(plan: DeploymentPlan, cluster: ClusterPlan): KubeObject {
  const data: Record<string, string> = {
    join: plan.joinAddresses.join(','),
    locality: cluster.localityPrefix,
  };
  for (const pod of cluster.pods) data[advertiseKey(pod.name)] = pod.advertiseHost;
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: cluster.names.topologyConfigMap, namespace: cluster.namespace, labels: commonLabels(cluster) },
    data,
  };
}

function certVolumes(cluster: ClusterPlan, withNodeCert: boolean): Record<string, unknown>[] {
  const sources = [];
  if (withNodeCert) {
    sources.push({
      secret: {
        name: cluster.names.nodeSecret,
        items: [
          { key: 'ca.crt', path: 'ca.crt' },
          { key: 'tls.crt', path: 'node.crt' },
          { key: 'tls.key', path: 'node.key' },
        ],
      },
    });
  }
  sources.push({
    secret: {
      name: cluster.names.clientSecret,
      items: [
        ...(withNodeCert ? [] : [{ key: 'ca.crt', path: 'ca.crt' }]),
        { key: 'tls.crt', path: 'client.root.crt' },
        { key: 'tls.key', path: 'client.root.key' },
      ],
    },
  });
  return [
    { name: 'certs-source', projected: { defaultMode: 0o400, sources } },
    { name: 'certs', emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } },
  ];
}

function copyCertsContainer(plan: DeploymentPlan): Record<string, unknown> {
  return {
    name: 'copy-certs',
    image: cockroachImage(plan),
    imagePullPolicy: 'IfNotPresent',
    command: ['/bin/sh', '-c', copyCertsScript()],
    resources: fixedResources('10m', '32Mi'),
    securityContext: containerSecurityContext(),
    volumeMounts: [
      { name: 'certs-source', mountPath: CERTS_SOURCE_DIR, readOnly: true },
      { name: 'certs', mountPath: CERTS_DIR },
    ],
  };
}

/** The StatefulSet. Its pod template depends on the options only, never on addresses or the set of clusters. */
export function renderStatefulSet(plan: DeploymentPlan, cluster: ClusterPlan): KubeObject {
  const secure = plan.tls.secure;
  const selector = selectorLabels(cluster);
  const { cpu, memory } = plan.cockroach;
  const affinity: Record<string, unknown> = {
    podAntiAffinity: {
      preferredDuringSchedulingIgnoredDuringExecution: [
        { weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: selector } } },
      ],
    },
  };
  if (cluster.zones.length > 0) {
    affinity.nodeAffinity = {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchExpressions: [{ key: ZONE_LABEL, operator: 'In', values: [...cluster.zones] }] }],
      },
    };
  }
  const volumes: Record<string, unknown>[] = [
    { name: 'topology', configMap: { name: cluster.names.topologyConfigMap } },
    { name: 'locality', emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } },
    { name: 'tmp', emptyDir: {} },
    {
      // A token for the locality init container only; the database container gets none.
      name: 'node-reader-token',
      projected: {
        defaultMode: 0o444,
        sources: [
          { serviceAccountToken: { path: 'token', expirationSeconds: 3600 } },
          { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        ],
      },
    },
    ...(secure ? certVolumes(cluster, true) : []),
  ];
  const initContainers: Record<string, unknown>[] = [
    {
      name: 'locality',
      image: plan.cockroach.localityImage,
      imagePullPolicy: 'IfNotPresent',
      command: ['/bin/sh', '-c', localityScript()],
      env: [{ name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }],
      resources: fixedResources('10m', '32Mi'),
      securityContext: containerSecurityContext(),
      volumeMounts: [
        { name: 'locality', mountPath: LOCALITY_DIR },
        { name: 'node-reader-token', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true },
      ],
    },
    ...(secure ? [copyCertsContainer(plan)] : []),
  ];
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: cluster.names.statefulSet, namespace: cluster.namespace, labels: commonLabels(cluster) },
    spec: {
      serviceName: cluster.names.headlessService,
      replicas: cluster.nodes,
      podManagementPolicy: 'Parallel',
      updateStrategy: { type: 'RollingUpdate' },
      selector: { matchLabels: selector },
      template: {
        metadata: { labels: commonLabels(cluster) },
        spec: {
          serviceAccountName: cluster.names.serviceAccount,
          automountServiceAccountToken: false,
          terminationGracePeriodSeconds: plan.cockroach.terminationGracePeriodSeconds,
          securityContext: podSecurityContext(),
          affinity,
          topologySpreadConstraints: [
            { maxSkew: 1, topologyKey: ZONE_LABEL, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: selector } },
          ],
          initContainers,
          containers: [
            {
              name: 'cockroachdb',
              image: cockroachImage(plan),
              imagePullPolicy: 'IfNotPresent',
              command: ['/bin/bash', '-c', startScript(plan)],
              ports: [
                { name: 'grpc', containerPort: COCKROACH_PORT, protocol: 'TCP' },
                { name: 'http', containerPort: COCKROACH_HTTP_PORT, protocol: 'TCP' },
              ],
              env: [
                { name: 'COCKROACH_CHANNEL', value: 'kubernetes-multiregion' },
                { name: 'GOMAXPROCS', valueFrom: { resourceFieldRef: { resource: 'limits.cpu', divisor: '1' } } },
                { name: 'MEMORY_LIMIT_MIB', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
              ],
              readinessProbe: {
                httpGet: { path: '/health?ready=1', port: 'http', scheme: secure ? 'HTTPS' : 'HTTP' },
                initialDelaySeconds: 10,
                periodSeconds: 5,
                failureThreshold: 2,
              },
              // /health (not ?ready=1) answers before init and while draining; generous, so a busy node is not killed.
              livenessProbe: {
                httpGet: { path: '/health', port: 'http', scheme: secure ? 'HTTPS' : 'HTTP' },
                initialDelaySeconds: 30,
                periodSeconds: 10,
                timeoutSeconds: 5,
                failureThreshold: 6,
              },
              resources: fixedResources(cpu, memory),
              securityContext: containerSecurityContext(),
              volumeMounts: [
                { name: 'datadir', mountPath: DATA_DIR },
                { name: 'topology', mountPath: TOPOLOGY_DIR, readOnly: true },
                { name: 'locality', mountPath: LOCALITY_DIR, readOnly: true },
                { name: 'tmp', mountPath: '/tmp' },
                ...(secure ? [{ name: 'certs', mountPath: CERTS_DIR, readOnly: true }] : []),
              ],
            },
          ],
          volumes,
        },
      },
      volumeClaimTemplates: [
        {
          metadata: { name: 'datadir', labels: selector },
          spec: {
            accessModes: ['ReadWriteOnce'],
            resources: { requests: { storage: plan.cockroach.storageSize } },
            ...(plan.cockroach.storageClass ? { storageClassName: plan.cockroach.storageClass } : {}),
          },
        },
      ],
    },
  };
}

/** The one Job that runs `cockroach init`, retrying until initialized (or already so). */
export function renderInitJob(plan: DeploymentPlan, cluster: ClusterPlan): KubeObject {
  const secure = plan.tls.secure;
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: cluster.names.initJob, namespace: cluster.namespace, labels: commonLabels(cluster) },
    spec: {
      backoffLimit: 3,
      activeDeadlineSeconds: 3600,
      template: {
        metadata: { labels: { ...commonLabels(cluster), 'app.kubernetes.io/component': 'init' } },
        spec: {
          restartPolicy: 'OnFailure',
          serviceAccountName: cluster.names.serviceAccount,
          automountServiceAccountToken: false,
          securityContext: podSecurityContext(),
          initContainers: secure ? [copyCertsContainer(plan)] : [],
          containers: [
            {
              name: 'init',
              image: cockroachImage(plan),
              imagePullPolicy: 'IfNotPresent',
              command: ['/bin/bash', '-c', initScript(plan, cluster)],
              resources: fixedResources('100m', '128Mi'),
              securityContext: containerSecurityContext(),
              volumeMounts: secure ? [{ name: 'certs', mountPath: CERTS_DIR, readOnly: true }] : [],
            },
          ],
          volumes: secure ? certVolumes(cluster, false) : [],
        },
      },
    },
  };
}

/** Every database object of one cluster, Namespace first. */
export function renderDatabase(plan: DeploymentPlan, cluster: ClusterPlan): KubeObject[] {
  const labels = commonLabels(cluster);
  const ns = cluster.namespace;
  const objects: KubeObject[] = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { 'app.kubernetes.io/managed-by': 'crosscluster', 'crosscluster.io/cluster': cluster.name } } },
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: cluster.names.serviceAccount, namespace: ns, labels },
      automountServiceAccountToken: false,
    },
    {
      // Only for the locality init container: read the zone label of the node a pod runs on.
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: cluster.names.nodeReaderClusterRole, labels },
      rules: [{ apiGroups: [''], resources: ['nodes'], verbs: ['get'] }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: cluster.names.nodeReaderClusterRole, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: cluster.names.nodeReaderClusterRole },
      subjects: [{ kind: 'ServiceAccount', name: cluster.names.serviceAccount, namespace: ns }],
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: cluster.names.headlessService,
        namespace: ns,
        labels,
        annotations: {
          'prometheus.io/scrape': 'true',
          'prometheus.io/path': '_status/vars',
          'prometheus.io/port': String(COCKROACH_HTTP_PORT),
          ...(plan.tls.secure ? { 'prometheus.io/scheme': 'https' } : {}),
        },
      },
      spec: {
        clusterIP: 'None',
        // Peers must resolve pods before they are ready: nothing is ready before init.
        publishNotReadyAddresses: true,
        selector: selectorLabels(cluster),
        ports: PORTS,
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: cluster.names.publicService, namespace: ns, labels },
      spec: { type: 'ClusterIP', selector: selectorLabels(cluster), ports: PORTS },
    },
    renderTopologyConfigMap(plan, cluster),
    renderStatefulSet(plan, cluster),
    {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: cluster.names.podDisruptionBudget, namespace: ns, labels },
      spec: { maxUnavailable: 1, selector: { matchLabels: selectorLabels(cluster) } },
    },
  ];
  if (cluster.runsInit) objects.push(renderInitJob(plan, cluster));
  return objects;
}
