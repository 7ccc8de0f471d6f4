// kwok's configuration for the simulated clusters: kwok's own node stages (from the kwok module,
// copied by scripts/cluster-setup.sh) and pod stages of ours that model what matters here:
//   - a StatefulSet pod (a CockroachDB node) starts Running but NOT Ready: a real node is not ready
//     before `cockroach init` has run; the readiness model (cockroach-model.ts) makes it Ready later;
//   - a Job pod starts Running; the readiness model decides when (and whether) it succeeds;
//   - every other pod (the managed DNS pods) becomes Ready at once;
//   - a pod being deleted goes away (kwok's own pod-delete stage).
import * as fs from 'fs';
import * as path from 'path';
import { kwokStageDir } from './tools';

const POD_STATUS_COMMON = `
      {{ $hostIPs := NodeIPsWith .spec.nodeName }}
      {{ with $hostIPs }}
      hostIP: {{ index . 0 | Quote }}
      hostIPs:
      {{ range . }}
      - ip: {{ . | Quote }}
      {{ end }}
      {{ end }}
      {{ $podIPs := PodIPsWith .spec.nodeName ( or .spec.hostNetwork false ) ( or .metadata.uid "" ) ( or .metadata.name "" ) ( or .metadata.namespace "" ) }}
      {{ with $podIPs }}
      podIP: {{ index . 0 | Quote }}
      podIPs:
      {{ range . }}
      - ip: {{ . | Quote }}
      {{ end }}
      {{ end }}
      initContainerStatuses:
      {{ range .spec.initContainers }}
      - image: {{ .image | Quote }}
        name: {{ .name | Quote }}
        ready: true
        restartCount: 0
        {{ if eq .restartPolicy "Always" }}
        started: true
        state:
          running:
            startedAt: {{ $now | Quote }}
        {{ else }}
        state:
          terminated:
            exitCode: 0
            finishedAt: {{ $now | Quote }}
            reason: Completed
            startedAt: {{ $now | Quote }}
        {{ end }}
      {{ end }}
      phase: Running
      startTime: {{ $now | Quote }}`;

function podRunningStage(name: string, owners: { operator: 'In' | 'NotIn'; kinds: readonly string[] }, ready: boolean): string {
  const status = ready ? 'True' : 'False';
  return `apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata:
  name: ${name}
spec:
  resourceRef:
    apiGroup: v1
    kind: Pod
  selector:
    matchExpressions:
    - key: '.metadata.deletionTimestamp'
      operator: 'DoesNotExist'
    - key: '.status.phase'
      operator: 'In'
      values:
      - 'Pending'
    - key: '.spec.nodeName'
      operator: 'Exists'
    - key: '.metadata.ownerReferences.[].kind'
      operator: '${owners.operator}'
      values:
${owners.kinds.map((k) => `      - '${k}'`).join('\n')}
  next:
    statusTemplate: |
      {{ $now := Now }}
      conditions:
      - lastTransitionTime: {{ $now | Quote }}
        status: "True"
        type: Initialized
      - lastTransitionTime: {{ $now | Quote }}
        status: "${status}"
        type: Ready
      - lastTransitionTime: {{ $now | Quote }}
        status: "${status}"
        type: ContainersReady
      - lastTransitionTime: {{ $now | Quote }}
        status: "True"
        type: PodScheduled
      containerStatuses:
      {{ range .spec.containers }}
      - image: {{ .image | Quote }}
        name: {{ .name | Quote }}
        ready: ${ready}
        started: true
        restartCount: 0
        state:
          running:
            startedAt: {{ $now | Quote }}
      {{ end }}${POD_STATUS_COMMON}
`;
}


/** Writes kwok's configuration file for one cluster and returns its path. */
export function writeKwokConfig(dir: string, podCidr: string): string {
  const stages = kwokStageDir();
  const kwokStage = (file: string) => fs.readFileSync(path.join(stages, file), 'utf8').trim();
  const documents = [
    `apiVersion: config.kwok.x-k8s.io/v1alpha1
kind: KwokConfiguration
options:
  cidr: ${podCidr}
  manageAllNodes: true
  serverAddress: ""
  podPlayStageParallelism: 4
  nodePlayStageParallelism: 4
  nodeLeaseParallelism: 4
  podsOnNodeSyncParallelism: 1
  enablePodsOnNodeSyncListPager: true
  enablePodsOnNodeSyncStreamWatch: false`,
    kwokStage('node/fast/node-initialize.yaml'),
    kwokStage('node/heartbeat/node-heartbeat.yaml'),
    kwokStage('pod/fast/pod-delete.yaml'),
    podRunningStage('crosscluster-database-pod-running', { operator: 'In', kinds: ['StatefulSet'] }, false),
    podRunningStage('crosscluster-job-pod-running', { operator: 'In', kinds: ['Job'] }, true),
    // Every pod here has an owner (ReplicaSet, StatefulSet or Job).
    podRunningStage('crosscluster-other-pod-ready', { operator: 'NotIn', kinds: ['StatefulSet', 'Job'] }, true),
    kwokStage('volume/fast/pvc-provision.yaml').replace(/kwok-volume/g, 'standard'),
    kwokStage('volume/fast/pv-bind.yaml').replace(/kwok-volume/g, 'standard'),
    kwokStage('volume/fast/pv-delete.yaml').replace(/kwok-volume/g, 'standard'),
    kwokStage('volume/fast/pvc-delete.yaml').replace(/kwok-volume/g, 'standard'),
  ];
  const file = path.join(dir, 'kwok.yaml');
  fs.writeFileSync(file, documents.join('\n---\n') + '\n');
  return file;
}
