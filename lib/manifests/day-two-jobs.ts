// The Jobs that make day 2 declarative: the multi-region SQL, the upgrade steps and the
// decommission of nodes. Each is a hash-named Job (see renderHashedJob) running an idempotent,
// bounded script from job-scripts.ts.
import { renderHashedJob } from './job';
import {
  Connection, decommissionScript, finalizeScript, multiRegionSqlScript, preserveDowngradeScript, recordDecommissionScript,
  RECORDER_TOKEN_DIR,
} from './job-scripts';
import { KubeObject } from './kube-object';
import { commonLabels } from './labels';
import { certsMount, certsVolume, containerSecurityContext, fixedResources, jobImage, podSecurityContext } from './pod-parts';
import { TOPOLOGY_DIR } from './scripts';
import { lifecycleNames } from '../core/lifecycle';
import { ClusterPlan, DeploymentPlan } from '../core/plan';
import { hostPort } from '../core/sans';
import { COCKROACH_PORT } from '../core/topology';

/** How the Jobs of a cluster reach the database: its public Service (SQL and RPC ports). */
export function connectionOf(plan: DeploymentPlan, cluster: ClusterPlan): Connection {
  return {
    sqlHost: `${cluster.names.publicService}:${COCKROACH_PORT}`,
    rpcHost: `${cluster.names.publicService}:${plan.rpcPort}`,
    secure: plan.tls.secure,
  };
}

/** A pod spec with one `cockroach` CLI container and the client certificate. */
function cliPodSpec(plan: DeploymentPlan, cluster: ClusterPlan, name: string, script: string): Record<string, unknown> {
  const secure = plan.tls.secure;
  return {
    restartPolicy: 'OnFailure',
    serviceAccountName: cluster.names.serviceAccount,
    automountServiceAccountToken: false,
    securityContext: podSecurityContext(),
    containers: [cliContainer(plan, name, script)],
    volumes: secure ? [certsVolume(plan, cluster, false)] : [],
  };
}

function cliContainer(plan: DeploymentPlan, name: string, script: string): Record<string, unknown> {
  return {
    name,
    image: jobImage(plan),
    imagePullPolicy: 'IfNotPresent',
    command: ['/bin/bash', '-c', script],
    resources: fixedResources('100m', '128Mi'),
    securityContext: containerSecurityContext(),
    volumeMounts: plan.tls.secure ? [certsMount()] : [],
  };
}

/**
 * The multi-region SQL Job (init cluster): `plan.multiRegionSql`, idempotent statements retried until
 * every region has joined. Its name changes with the statements, so it runs again when regions change.
 */
export function renderMultiRegionSqlJob(plan: DeploymentPlan, cluster: ClusterPlan): KubeObject | undefined {
  if (!cluster.runsInit) return undefined;
  const script = multiRegionSqlScript(connectionOf(plan, cluster), plan.multiRegionSql);
  return renderHashedJob(plan.cockroach.name, cluster, {
    purpose: 'regions',
    component: 'multi-region-sql',
    podSpec: cliPodSpec(plan, cluster, 'multi-region-sql', script),
    backoffLimit: 6,
    activeDeadlineSeconds: 3600,
  });
}

/**
 * The upgrade step Job (init cluster) while an upgrade is open: before any StatefulSet rolls, the
 * health gate and `cluster.preserve_downgrade_option`; at finalization, the check that every node
 * runs the new version, then the reset.
 */
export function renderUpgradeJob(plan: DeploymentPlan, cluster: ClusterPlan): KubeObject | undefined {
  const upgrade = plan.upgrade;
  if (!cluster.runsInit || !upgrade) return undefined;
  const connection = connectionOf(plan, cluster);
  const script = upgrade.finalize
    ? finalizeScript(connection, upgrade.to, upgrade.targetMajor)
    : preserveDowngradeScript(connection, upgrade.preserveDowngradeOption);
  return renderHashedJob(plan.cockroach.name, cluster, {
    purpose: upgrade.finalize ? `finalize-${upgrade.targetMajor.replace('.', '-')}` : `preserve-${upgrade.preserveDowngradeOption.replace('.', '-')}`,
    component: 'upgrade',
    podSpec: cliPodSpec(plan, cluster, upgrade.finalize ? 'finalize' : 'preserve-downgrade', script),
    backoffLimit: 3,
    activeDeadlineSeconds: upgrade.finalize ? 4 * 3600 : 3600,
  });
}

const RESULT_DIR = '/work';

/**
 * Decommissioning a cluster's highest ordinals (scale-down) or all of them (retiring): a
 * ServiceAccount, a Role that may only read this StatefulSet and patch the guard's ConfigMap, its
 * binding, and the Job. The Job's init container (cockroach image, no API token) decommissions and
 * verifies; its main container (curl, the only one with a token) records the result for the guard.
 */
export function renderDecommission(plan: DeploymentPlan, cluster: ClusterPlan): KubeObject[] {
  if (cluster.decommissionOrdinals.length === 0) return [];
  const names = lifecycleNames(plan.cockroach.name, cluster.namespace);
  const labels = commonLabels(cluster);
  const ns = cluster.namespace;
  const resultFile = `${RESULT_DIR}/decommissioned-from`;
  const fromOrdinal = cluster.decommissionOrdinals[0];
  // A retiring cluster loses every node, so its Job talks to a cluster that stays (through the
  // join list, which holds only those); a scale-down talks to pod 0, which is never decommissioned.
  const connection: Connection = {
    sqlHost: hostPort(cluster.pods[0].fqdn, COCKROACH_PORT),
    rpcHost: hostPort(cluster.pods[0].fqdn, plan.rpcPort),
    secure: plan.tls.secure,
  };
  const dropped = cluster.retiring && plan.droppedRegions.includes(cluster.region)
    ? { region: cluster.region, databases: plan.cockroach.databases } : undefined;
  const script = decommissionScript(connection, {
    pods: cluster.decommissionOrdinals.map((o) => cluster.pods[o].name),
    topologyDir: TOPOLOGY_DIR,
    rpcPort: plan.rpcPort,
    viaJoinList: cluster.retiring,
    fromOrdinal,
    resultFile,
    droppedRegion: dropped,
    // Pods that learn their address at start are found by their names (Networking.podIps, hostNetwork).
    ...(cluster.pods[0].advertiseFrom ? { fqdns: cluster.decommissionOrdinals.map((o) => cluster.pods[o].fqdn) } : {}),
  });
  const decommissioner = { ...cliContainer(plan, 'decommission', script) };
  (decommissioner.volumeMounts as unknown[]).push(
    { name: 'result', mountPath: RESULT_DIR },
    { name: 'topology', mountPath: TOPOLOGY_DIR, readOnly: true },
  );
  const guard = plan.cockroach.scaleDownGuard;
  const recorder = {
    name: 'record',
    image: plan.cockroach.localityImage,
    imagePullPolicy: 'IfNotPresent',
    command: ['/bin/sh', '-c', guard
      ? recordDecommissionScript(ns, cluster.names.statefulSet, names.decommissionedConfigMap, resultFile)
      : `echo "decommissioned ordinals >= $(cat ${resultFile}) (no scale-down guard to record it for)"`],
    resources: fixedResources('10m', '32Mi'),
    securityContext: containerSecurityContext(),
    volumeMounts: [
      { name: 'result', mountPath: RESULT_DIR, readOnly: true },
      ...(guard ? [{ name: 'api-token', mountPath: RECORDER_TOKEN_DIR, readOnly: true }] : []),
    ],
  };
  const job = renderHashedJob(plan.cockroach.name, cluster, {
    purpose: cluster.retiring ? 'retire' : `decommission-${fromOrdinal}`,
    component: 'decommission',
    podSpec: {
      restartPolicy: 'OnFailure',
      serviceAccountName: names.decommission,
      automountServiceAccountToken: false,
      securityContext: podSecurityContext(),
      initContainers: [decommissioner],
      containers: [recorder],
      volumes: [
        ...(plan.tls.secure ? [certsVolume(plan, cluster, false)] : []),
        { name: 'result', emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } },
        { name: 'topology', configMap: { name: cluster.names.topologyConfigMap } },
        ...(guard ? [{
          name: 'api-token',
          projected: {
            defaultMode: 0o444,
            sources: [
              { serviceAccountToken: { path: 'token', expirationSeconds: 3600 } },
              { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
            ],
          },
        }] : []),
      ],
    },
    backoffLimit: 3,
    activeDeadlineSeconds: 3 * 3600,
  });
  const rbac: KubeObject[] = guard ? [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: names.decommission, namespace: ns, labels },
      rules: [
        { apiGroups: ['apps'], resources: ['statefulsets'], resourceNames: [cluster.names.statefulSet], verbs: ['get'] },
        { apiGroups: [''], resources: ['configmaps'], resourceNames: [names.decommissionedConfigMap], verbs: ['get', 'patch'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: names.decommission, namespace: ns, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: names.decommission },
      subjects: [{ kind: 'ServiceAccount', name: names.decommission, namespace: ns }],
    },
  ] : [];
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: names.decommission, namespace: ns, labels }, automountServiceAccountToken: false },
    ...rbac,
    job,
  ];
}
