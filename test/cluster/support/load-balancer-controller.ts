// A stand-in for the clouds' load-balancer controllers (no cloud exists here): it watches every
// Service of type LoadBalancer in every simulated cluster and, after a configurable delay, either
// publishes `.status.loadBalancer.ingress` — honouring the address the Service asks for — or refuses
// the Service the way the real controller would, with a Warning Event `SyncLoadBalancerFailed` and no
// address (so whatever waits for the address waits, as it would on the real cloud).
import { KubeClient, KubeResource, resourcePath } from './kube-client';

/** The outcome of one Service under a cloud's rules. */
export type Admission =
  | { readonly accepted: true; readonly ingress: readonly { ip?: string; hostname?: string }[] }
  | { readonly accepted: false; readonly reason: string };

/** A pod a Service selects, as the cloud's controller sees it: its labels and its node's zone. */
export interface SelectedPod {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly zone: string;
}

/**
 * Decides a Service: the cloud's rules. `allocate` hands out a fresh address when none is asked for;
 * `pods` are the pods the Service selects (with their zones) and `existing` the cluster's other
 * load-balancer Services.
 */
export type AdmitLoadBalancer = (
  service: KubeResource, allocate: () => string, context: { pods: readonly SelectedPod[]; existing: readonly KubeResource[] },
) => Admission;

/** One cluster under the controller. */
export interface ControlledCluster {
  readonly name: string;
  readonly client: KubeClient;
  /** The cloud's rules for this cluster. */
  readonly admit: AdmitLoadBalancer;
  /** The addresses it hands out, e.g. '10.10.200.' -> 10.10.200.1, .2, ... */
  readonly poolPrefix: string;
}

/** What the controller did, for assertions and figures. */
export interface LoadBalancerRecord {
  readonly cluster: string;
  readonly service: string;
  readonly outcome: 'assigned' | 'refused';
  readonly detail: string;
  readonly atMs: number;
}

/** The stand-in controller; `stop()` ends its loop. */
export class StandInLoadBalancerController {
  public readonly records: LoadBalancerRecord[] = [];
  /** The last errors of the loop (bounded), for failure messages. */
  public readonly errors: string[] = [];
  /** While true the controller answers no Service (a cloud that never provisions). */
  public paused = false;
  private readonly firstSeen = new Map<string, number>();
  private readonly decided = new Map<string, string>();
  private readonly next = new Map<string, number>();
  private running = true;
  private readonly loop: Promise<void>;
  private readonly startedAt = Date.now();

  constructor(private readonly clusters: readonly ControlledCluster[], private readonly delayMs = 1_000, private readonly pollMs = 200) {
    this.loop = this.run();
  }

  /** Stops the loop and waits for it. */
  public async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  /** Refusals so far, as readable lines. */
  public refusals(): string[] {
    return this.records.filter((r) => r.outcome === 'refused').map((r) => `${r.cluster}/${r.service}: ${r.detail}`);
  }

  private async run(): Promise<void> {
    while (this.running) {
      for (const cluster of this.paused ? [] : this.clusters) {
        try {
          await this.reconcile(cluster);
        } catch (error) {
          // The API server may be restarting or gone at teardown; the next round retries. Kept for failure messages.
          this.errors.push(`${cluster.name}: ${String(error).slice(0, 500)}`);
          this.errors.splice(0, Math.max(0, this.errors.length - 20));
        }
      }
      await new Promise((resolve) => setTimeout(resolve, this.pollMs));
    }
  }

  private async reconcile(cluster: ControlledCluster): Promise<void> {
    const services = (await cluster.client.list('/api/v1/services')).filter((s) => s.spec?.type === 'LoadBalancer');
    const now = Date.now();
    let pods: KubeResource[] | undefined;
    const zones = new Map<string, string>();
    for (const service of services) {
      const key = `${cluster.name}/${service.metadata.namespace}/${service.metadata.name}/${service.metadata.uid}`;
      // A changed spec (generation) is decided again, as a real controller resyncs.
      const version = `${service.metadata.generation}:${JSON.stringify(service.metadata.annotations ?? {})}`;
      if (this.decided.get(key) === version) continue;
      if (!this.firstSeen.has(key)) this.firstSeen.set(key, now);
      if (now - this.firstSeen.get(key)! < this.delayMs) continue;
      pods ??= await cluster.client.list('/api/v1/pods');
      if (zones.size === 0) {
        for (const node of await cluster.client.list('/api/v1/nodes')) zones.set(node.metadata.name, node.metadata.labels?.['topology.kubernetes.io/zone'] ?? '');
      }
      const selector: Record<string, string> = service.spec?.selector ?? {};
      const selected = pods.filter((p) => p.metadata.namespace === service.metadata.namespace && !p.metadata.deletionTimestamp && p.spec?.nodeName &&
        Object.entries(selector).every(([k, v]) => p.metadata.labels?.[k] === v))
        .map((p) => ({ name: p.metadata.name, labels: p.metadata.labels ?? {}, zone: zones.get(p.spec.nodeName) ?? '' }));
      const existing = services.filter((other) => other !== service && (other.status?.loadBalancer?.ingress?.length ?? 0) > 0);
      const admission = cluster.admit(service, () => this.allocate(cluster), { pods: selected, existing });
      const name = `${service.metadata.namespace}/${service.metadata.name}`;
      const path = resourcePath('v1', 'services', service.metadata.namespace, service.metadata.name);
      if (admission.accepted) {
        await cluster.client.mergePatch(`${path}/status`, { status: { loadBalancer: { ingress: admission.ingress } } });
        this.records.push({ cluster: cluster.name, service: name, outcome: 'assigned', detail: JSON.stringify(admission.ingress), atMs: now - this.startedAt });
      } else {
        await cluster.client.create(resourcePath('v1', 'events', service.metadata.namespace), {
          apiVersion: 'v1',
          kind: 'Event',
          metadata: { generateName: `${service.metadata.name}.`, namespace: service.metadata.namespace },
          involvedObject: { apiVersion: 'v1', kind: 'Service', name: service.metadata.name, namespace: service.metadata.namespace, uid: service.metadata.uid },
          reason: 'SyncLoadBalancerFailed',
          message: `Error syncing load balancer: ${admission.reason}`,
          type: 'Warning',
          source: { component: 'service-controller' },
          firstTimestamp: new Date().toISOString(),
          lastTimestamp: new Date().toISOString(),
          count: 1,
        }).catch(() => undefined);
        this.records.push({ cluster: cluster.name, service: name, outcome: 'refused', detail: admission.reason, atMs: now - this.startedAt });
      }
      this.decided.set(key, version);
    }
  }

  private allocate(cluster: ControlledCluster): string {
    const n = (this.next.get(cluster.name) ?? 0) + 1;
    this.next.set(cluster.name, n);
    return `${cluster.poolPrefix}${n}`;
  }
}

/** The address a Service asks for through the generic field (`spec.loadBalancerIP`). */
export function requestedIp(service: KubeResource): string | undefined {
  const ip = service.spec?.loadBalancerIP;
  return typeof ip === 'string' && ip.length > 0 ? ip : undefined;
}
