import { renderDecommission, renderMultiRegionSqlJob, renderUpgradeJob } from './day-two-jobs';
import { directPathTopologyData, withDirectPath } from './direct-path-pod';
import { renderHashedJob } from './job';
import { KubeObject } from './kube-object';
import { commonLabels, selectorLabels } from './labels';
import { databasePodDns } from './own-coredns';
import { renderPodCertificateAccess } from './pod-certificates';
import {
  CERT_FILE_MODE, certsMount, certsVolume, cockroachImage, containerSecurityContext, fixedResources, jobImage, podSecurityContext,
} from './pod-parts';
import { renderScaleDownGuard } from './scale-down-guard';
import {
  advertiseKey, DATA_DIR, ENCRYPTION_DIR, initScript, LOCALITY_DIR, LOG_CONFIG_DIR, LOG_CONFIG_FILE, localityScript,
  startScript, TOPOLOGY_DIR, WAL_FAILOVER_DIR,
} from './scripts';
import { lifecycleNames } from '../core/lifecycle';
import { ZONE_LABEL } from '../core/locality';
import { ClusterPlan, DeploymentPlan } from '../core/plan';
import { COCKROACH_HTTP_PORT, COCKROACH_PORT, COCKROACH_RPC_PORT } from '../core/topology';

/** The Service and container ports: one listener for SQL and RPC, or separate ones (SQL 26257, RPC 26258). */
function servicePorts(plan: DeploymentPlan): Record<string, unknown>[] {
  return plan.cockroach.separateSqlPort
    ? [
      { name: 'grpc', port: COCKROACH_RPC_PORT, targetPort: 'grpc', protocol: 'TCP' },
      { name: 'sql', port: COCKROACH_PORT, targetPort: 'sql', protocol: 'TCP' },
      { name: 'http', port: COCKROACH_HTTP_PORT, targetPort: 'http', protocol: 'TCP' },
    ]
    : [
      { name: 'grpc', port: COCKROACH_PORT, targetPort: 'grpc', protocol: 'TCP' },
      { name: 'http', port: COCKROACH_HTTP_PORT, targetPort: 'http', protocol: 'TCP' },
    ];
}


/** The topology ConfigMap: the join list, the locality tiers and each pod's advertise host. */
export function renderTopologyConfigMap(plan: DeploymentPlan, cluster: ClusterPlan): KubeObject {
  const data: Record<string, string> = {
    join: plan.joinAddresses.join(','),
    locality: cluster.localityPrefix,
  };
  // A pod that learns its address at start (pod IP, host network) has no key.
  for (const pod of cluster.pods) if (!pod.advertiseFrom) data[advertiseKey(pod.name)] = pod.advertiseHost;
  Object.assign(data, directPathTopologyData(cluster));
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: cluster.names.topologyConfigMap, namespace: cluster.namespace, labels: commonLabels(cluster) },
    data,
  };
}

/** Options of {@link renderStatefulSet}. */
export interface StatefulSetRenderOptions {
  /**
   * Render the replicas the cluster keeps once its decommission is done. Pulumi does, creating the
   * StatefulSet after the decommission Job; GitOps cannot order them, so it lowers `nodes` in a
   * second commit.
   * @default false
   */
  readonly afterDecommission?: boolean;
}

/** The StatefulSet. Its pod template depends on the options only, never on addresses or the set of clusters. */
export function renderStatefulSet(plan: DeploymentPlan, cluster: ClusterPlan, options: StatefulSetRenderOptions = {}): KubeObject {
  const secure = plan.tls.secure;
  const o = plan.cockroach;
  const names = lifecycleNames(o.name, cluster.namespace);
  const scheme = secure ? 'HTTPS' : 'HTTP';
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
    ...(secure ? [certsVolume(plan, cluster, true)] : []),
    ...(o.logConfig !== undefined ? [{ name: 'log-config', configMap: { name: names.logConfigMap } }] : []),
    ...(o.encryptionAtRest ? [{
      name: 'encryption-key',
      secret: { secretName: o.encryptionAtRest.secretName, defaultMode: CERT_FILE_MODE },
    }] : []),
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
  ];
  const claim = (name: string, size: string, storageClass: string | undefined) => ({
    metadata: { name, labels: selector },
    spec: {
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: size } },
      ...(storageClass ? { storageClassName: storageClass } : {}),
    },
  });
  return withDirectPath(plan, cluster, {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: cluster.names.statefulSet, namespace: cluster.namespace, labels: commonLabels(cluster) },
    spec: {
      serviceName: cluster.names.headlessService,
      replicas: options.afterDecommission ? cluster.remainingNodes : cluster.nodes,
      podManagementPolicy: 'Parallel',
      // One pod at a time within a cluster; the clusters roll one after the other (staged upgrade).
      updateStrategy: { type: 'RollingUpdate' },
      // The guard lets replicas drop only below decommissioned nodes, whose volumes are then useless
      // (a decommissioned node cannot rejoin): delete them. Without the guard, keep them.
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: o.scaleDownGuard ? 'Delete' : 'Retain' },
      selector: { matchLabels: selector },
      template: {
        metadata: { labels: commonLabels(cluster) },
        spec: {
          serviceAccountName: cluster.names.serviceAccount,
          automountServiceAccountToken: false,
          terminationGracePeriodSeconds: plan.cockroach.terminationGracePeriodSeconds,
          // A CoreDNS of the library's own as the only nameserver ('database-pods'); nothing otherwise.
          ...databasePodDns(cluster),
          securityContext: podSecurityContext(),
          affinity,
          topologySpreadConstraints: [
            { maxSkew: 1, topologyKey: ZONE_LABEL, whenUnsatisfiable: o.zoneSpread, labelSelector: { matchLabels: selector } },
          ],
          initContainers,
          containers: [
            {
              name: 'cockroachdb',
              image: cockroachImage(plan, cluster),
              imagePullPolicy: 'IfNotPresent',
              command: ['/bin/bash', '-c', startScript(plan)],
              ports: servicePorts(plan).map((p) => ({ name: p.name, containerPort: p.port, protocol: 'TCP' })),
              env: [
                { name: 'COCKROACH_CHANNEL', value: 'kubernetes-multiregion' },
                { name: 'GOMAXPROCS', valueFrom: { resourceFieldRef: { resource: 'limits.cpu', divisor: '1' } } },
                { name: 'MEMORY_LIMIT_MIB', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
              ],
              readinessProbe: {
                httpGet: { path: '/health?ready=1', port: 'http', scheme },
                initialDelaySeconds: 10,
                periodSeconds: 5,
                failureThreshold: 2,
              },
              // /health answers before init and while draining. Up to 10 minutes to start listening.
              startupProbe: {
                httpGet: { path: '/health', port: 'http', scheme },
                periodSeconds: 10,
                timeoutSeconds: 5,
                failureThreshold: 60,
              },
              // Off by default, as Cockroach Labs advise: a busy node is alive and must not be killed.
              ...(o.livenessProbe ? {
                livenessProbe: {
                  httpGet: { path: '/health', port: 'http', scheme },
                  periodSeconds: 10,
                  timeoutSeconds: 5,
                  failureThreshold: 6,
                },
              } : {}),
              resources: fixedResources(cpu, memory),
              securityContext: containerSecurityContext(),
              volumeMounts: [
                { name: 'datadir', mountPath: DATA_DIR },
                { name: 'topology', mountPath: TOPOLOGY_DIR, readOnly: true },
                { name: 'locality', mountPath: LOCALITY_DIR, readOnly: true },
                { name: 'tmp', mountPath: '/tmp' },
                ...(secure ? [certsMount()] : []),
                ...(o.walFailover ? [{ name: 'wal-failover', mountPath: WAL_FAILOVER_DIR }] : []),
                ...(o.logConfig !== undefined ? [{ name: 'log-config', mountPath: LOG_CONFIG_DIR, readOnly: true }] : []),
                ...(o.encryptionAtRest ? [{ name: 'encryption-key', mountPath: ENCRYPTION_DIR, readOnly: true }] : []),
              ],
            },
          ],
          volumes,
        },
      },
      volumeClaimTemplates: [
        claim('datadir', o.storageSize, o.storageClass),
        ...(o.walFailover ? [claim('wal-failover', o.walFailover.size ?? '25Gi', o.walFailover.storageClass)] : []),
      ],
    },
  });
}

/**
 * The one Job that runs `cockroach init`, retrying until initialized (or already so). Named after
 * a hash of its content, like every Job here: a new image is a new Job, never an immutable-field error.
 */
export function renderInitJob(plan: DeploymentPlan, cluster: ClusterPlan): KubeObject {
  const secure = plan.tls.secure;
  return renderHashedJob(plan.cockroach.name, cluster, {
    purpose: 'init',
    component: 'init',
    podSpec: {
      restartPolicy: 'OnFailure',
      serviceAccountName: cluster.names.serviceAccount,
      automountServiceAccountToken: false,
      securityContext: podSecurityContext(),
      containers: [
        {
          name: 'init',
          image: jobImage(plan),
          imagePullPolicy: 'IfNotPresent',
          command: ['/bin/bash', '-c', initScript(plan, cluster)],
          resources: fixedResources('100m', '128Mi'),
          securityContext: containerSecurityContext(),
          volumeMounts: secure ? [certsMount()] : [],
        },
      ],
      volumes: secure ? [certsVolume(plan, cluster, false)] : [],
    },
    backoffLimit: 3,
    activeDeadlineSeconds: 3600,
  });
}

/** The ConfigMap with CockroachDB's log configuration, when one is given. */
function renderLogConfig(plan: DeploymentPlan, cluster: ClusterPlan): KubeObject[] {
  if (plan.cockroach.logConfig === undefined) return [];
  return [{
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: lifecycleNames(plan.cockroach.name, cluster.namespace).logConfigMap,
      namespace: cluster.namespace,
      labels: commonLabels(cluster),
    },
    data: { [LOG_CONFIG_FILE]: plan.cockroach.logConfig },
  }];
}

/**
 * Every database object of one cluster, Namespace first, then configuration, the StatefulSet, and
 * the Jobs: init and multi-region SQL (init cluster), the upgrade step, the decommission.
 */
export function renderDatabase(plan: DeploymentPlan, cluster: ClusterPlan, options: StatefulSetRenderOptions = {}): KubeObject[] {
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
        ports: servicePorts(plan),
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: cluster.names.publicService, namespace: ns, labels },
      spec: { type: 'ClusterIP', selector: selectorLabels(cluster), ports: servicePorts(plan) },
    },
    renderTopologyConfigMap(plan, cluster),
    ...renderPodCertificateAccess(plan, cluster),
    ...renderLogConfig(plan, cluster),
    ...renderScaleDownGuard(plan, cluster),
    renderStatefulSet(plan, cluster, options),
    {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: cluster.names.podDisruptionBudget, namespace: ns, labels },
      spec: { maxUnavailable: 1, selector: { matchLabels: selectorLabels(cluster) } },
    },
  ];
  if (cluster.runsInit) objects.push(renderInitJob(plan, cluster));
  for (const job of [renderMultiRegionSqlJob(plan, cluster), renderUpgradeJob(plan, cluster)]) if (job) objects.push(job);
  objects.push(...renderDecommission(plan, cluster));
  return objects;
}
