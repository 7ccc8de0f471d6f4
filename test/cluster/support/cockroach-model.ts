// What a CockroachDB pod and the library's Jobs would do, modelled on the pods kwok fakes (no
// container runs here). The model follows the containers' documented contracts, each tested on
// its own with real shells elsewhere:
//   - the start script exits (the pod never gets ready) while the topology ConfigMap has no
//     `advertise-host.<pod>` key for it;
//   - a node is ready (`/health?ready=1`) only once the cluster is initialized, i.e. once an init
//     Job has succeeded;
//   - the init Job succeeds once pod 0 of its cluster runs (it retries `cockroach init` until then);
//   - any other Job of the library does what `jobOutcome` says (default: succeeds once running).
import { KubeClient, KubeResource, resourcePath } from './kube-client';

/** What a Job pod does when it runs. */
export type JobOutcome = 'succeed' | 'fail' | 'hold';

/** One cluster under the model. */
export interface ModelledCluster {
  readonly name: string;
  readonly client: KubeClient;
}

/** A Job pod the model ran, for assertions. */
export interface JobRun {
  readonly cluster: string;
  readonly namespace: string;
  readonly job: string;
  readonly component: string;
  readonly outcome: JobOutcome;
  readonly atMs: number;
}

/** The model's loop over every cluster; `stop()` ends it. */
export class CockroachModel {
  public readonly jobRuns: JobRun[] = [];
  /** The last errors of the loop (bounded), for failure messages. */
  public readonly errors: string[] = [];
  /**
   * Jobs whose containers really run (by their pods' component label): the function runs the pod's
   * scripts (see container-runner.ts) and says how the pod ended. Each pod is run once.
   */
  public containerJobs: Partial<Record<string, (cluster: ModelledCluster, pod: KubeResource) => Promise<JobOutcome>>> = {};
  private readonly ran = new Map<string, Promise<JobOutcome>>();
  private running = true;
  private readonly loop: Promise<void>;
  private readonly startedAt = Date.now();
  private initializedAtMs: number | undefined;

  constructor(private readonly clusters: readonly ModelledCluster[], private readonly pollMs = 200) {
    this.loop = this.run();
  }

  /** Decides other Jobs by name; replace it to make a Job fail or hang. */
  public jobOutcome: (job: string, component: string) => JobOutcome = () => 'succeed';

  /** When the first init Job succeeded (ms after the model started), if it did. */
  public get initializedAt(): number | undefined {
    return this.initializedAtMs;
  }

  public async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      for (const cluster of this.clusters) {
        try {
          await this.step(cluster);
        } catch (error) {
          // A cluster being torn down; the next round retries. Kept for failure messages.
          this.errors.push(`${cluster.name}: ${String(error).slice(0, 500)}`);
          this.errors.splice(0, Math.max(0, this.errors.length - 20));
        }
      }
      await new Promise((resolve) => setTimeout(resolve, this.pollMs));
    }
  }

  private async step(cluster: ModelledCluster): Promise<void> {
    const client = cluster.client;
    if (this.initializedAtMs === undefined) {
      const jobs = await client.list('/apis/batch/v1/jobs');
      // The Job's pods carry the component label (the Job object itself may not).
      if (jobs.some((j) => j.spec?.template?.metadata?.labels?.['app.kubernetes.io/component'] === 'init' && (j.status?.succeeded ?? 0) > 0)) {
        this.initializedAtMs = Date.now() - this.startedAt;
      }
    }
    const pods = await client.list('/api/v1/pods');
    for (const pod of pods) {
      if (pod.metadata.deletionTimestamp || pod.status?.phase !== 'Running') continue;
      const owner = pod.metadata.ownerReferences?.[0]?.kind;
      if (owner === 'Job') await this.runJobPod(cluster, pod, pods);
      else if (owner === 'StatefulSet') await this.maybeReady(client, pod);
    }
  }

  private async runJobPod(cluster: ModelledCluster, pod: KubeResource, pods: readonly KubeResource[]): Promise<void> {
    const component = pod.metadata.labels?.['app.kubernetes.io/component'] ?? '';
    const job = pod.metadata.ownerReferences![0].name;
    let outcome: JobOutcome;
    if (component === 'init') {
      // `cockroach init --host=<pod 0>` succeeds once pod 0 of the StatefulSet in this namespace runs.
      const instance = pod.metadata.labels?.['app.kubernetes.io/instance'];
      const podZero = pods.find((p) => p.metadata.namespace === pod.metadata.namespace && p.metadata.name === `${instance}-0`);
      outcome = podZero?.status?.phase === 'Running' ? 'succeed' : 'hold';
    } else if (this.containerJobs[component]) {
      const key = pod.metadata.uid!;
      if (!this.ran.has(key)) this.ran.set(key, this.containerJobs[component]!(cluster, pod).catch(() => 'fail' as const));
      outcome = await this.ran.get(key)!;
    } else {
      outcome = this.jobOutcome(job, component);
    }
    if (outcome === 'hold') return;
    const now = new Date().toISOString();
    const exitCode = outcome === 'succeed' ? 0 : 1;
    await cluster.client.mergePatch(`${resourcePath('v1', 'pods', pod.metadata.namespace, pod.metadata.name)}/status`, {
      status: {
        phase: outcome === 'succeed' ? 'Succeeded' : 'Failed',
        conditions: [
          { type: 'Ready', status: 'False', lastTransitionTime: now, reason: 'PodCompleted' },
          { type: 'ContainersReady', status: 'False', lastTransitionTime: now, reason: 'PodCompleted' },
          { type: 'Initialized', status: 'True', lastTransitionTime: now },
          { type: 'PodScheduled', status: 'True', lastTransitionTime: now },
        ],
        containerStatuses: (pod.spec.containers as { name: string; image: string }[]).map((c) => ({
          name: c.name,
          image: c.image,
          ready: false,
          restartCount: 0,
          started: false,
          state: { terminated: { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', startedAt: pod.status.startTime ?? now, finishedAt: now } },
        })),
      },
    });
    this.jobRuns.push({ cluster: cluster.name, namespace: pod.metadata.namespace!, job, component, outcome, atMs: Date.now() - this.startedAt });
  }

  private async maybeReady(client: KubeClient, pod: KubeResource): Promise<void> {
    const ready = pod.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True');
    if (ready || this.initializedAtMs === undefined) return;
    // The start script refuses to start without its advertise address: from the topology ConfigMap
    // (`advertise-host.<pod>`); with pod IPs from the downward API (status.podIP); with host
    // networking the ConfigMap's `node-address.<node>`, which, when an IP, must be the node's IP.
    const topology = (pod.spec.volumes as any[] | undefined)?.find((v) => v.configMap)?.configMap?.name;
    const env: Array<{ name: string }> = pod.spec.containers?.[0]?.env ?? [];
    if (env.some((e) => e.name === 'POD_IP')) {
      if (!pod.status?.podIP) return;
    } else if (topology) {
      const configMap = await client.find(resourcePath('v1', 'configmaps', pod.metadata.namespace, topology));
      if (env.some((e) => e.name === 'HOST_IP')) {
        const listed: string | undefined = configMap?.data?.[`node-address.${pod.spec.nodeName}`];
        if (!listed || (/^[0-9.]+$|:/.test(listed) && listed !== pod.status?.hostIP)) return;
      } else if (!configMap?.data?.[`advertise-host.${pod.metadata.name}`]) {
        return;
      }
    }
    const now = new Date().toISOString();
    await client.mergePatch(`${resourcePath('v1', 'pods', pod.metadata.namespace, pod.metadata.name)}/status`, {
      status: {
        conditions: [
          { type: 'Initialized', status: 'True', lastTransitionTime: now },
          { type: 'Ready', status: 'True', lastTransitionTime: now },
          { type: 'ContainersReady', status: 'True', lastTransitionTime: now },
          { type: 'PodScheduled', status: 'True', lastTransitionTime: now },
        ],
        containerStatuses: (pod.status.containerStatuses as any[]).map((c) => ({ ...c, ready: true, started: true })),
      },
    });
  }
}
