// One suite's simulated world: the clusters, the stand-in cloud load-balancer controller and the
// CockroachDB readiness model, started together and stopped together (also on failure).
import { installCertManagerCrds, startCertManager } from './cert-manager';
import { CockroachModel } from './cockroach-model';
import { KubeResource } from './kube-client';
import { AdmitLoadBalancer, requestedIp, StandInLoadBalancerController } from './load-balancer-controller';
import { AddonManager } from './managed-dns';
import { SimulatedClusters, SimulatedClusterSpec } from './simulated-clusters';
import { admitLoadBalancer, CloudFacts, ServiceObject } from '../../support/cloud-load-balancer-rules';

/** A cluster of the world: the simulated cluster and the cloud rules its load balancers meet. */
export interface WorldClusterSpec extends SimulatedClusterSpec {
  /** The cloud's load-balancer rules. @default - honour `spec.loadBalancerIP`, else allocate */
  readonly admit?: AdmitLoadBalancer;
  /** Prefix of the addresses the stand-in controller hands out (e.g. '10.10.200.'). */
  readonly loadBalancerPool: string;
}

/** Options of {@link World.start}. */
export interface WorldOptions {
  /** How long the stand-in controller takes to answer a new load balancer. @default 1000 */
  readonly loadBalancerDelayMs?: number;
  /** Separates concurrent suites. @default 0 */
  readonly suite?: number;
}

/** Accepts every Service, at the address it asks for through `spec.loadBalancerIP` or a fresh one. */
export const acceptAll: AdmitLoadBalancer = (service: KubeResource, allocate) => ({
  accepted: true,
  ingress: [{ ip: requestedIp(service) ?? allocate() }],
});

/**
 * The cloud's own rules (test/support/cloud-load-balancer-rules.ts, written from the providers' docs,
 * independent of the library) for a cluster with these facts. A Service that asks for no address
 * gets a fresh one from the stand-in's pool (the rules would give every such Service the same one).
 */
export function cloudRules(facts: CloudFacts): AdmitLoadBalancer {
  return (service, allocate, { pods, existing }) => {
    const verdict = admitLoadBalancer({ ...facts, ...(facts.cloud === 'gcp' ? { existing: existing as unknown as ServiceObject[] } : {}) } as CloudFacts,
      service as unknown as ServiceObject, pods);
    if (!verdict.accepted) return verdict;
    const annotations = service.metadata.annotations ?? {};
    const asked = requestedIp(service) !== undefined || Object.keys(annotations).some((k) =>
      k === 'networking.gke.io/load-balancer-ip-addresses' || k.endsWith('aws-load-balancer-private-ipv4-addresses') || /azure-load-balancer-ipv[46]$/.test(k));
    return { accepted: true, ingress: asked ? verdict.ingress : verdict.ingress.map((i) => (i.ip ? { ip: allocate() } : i)) };
  };
}

/** The clusters, the load-balancer controller and the CockroachDB model of one suite. */
export class World {
  public static async start(specs: readonly WorldClusterSpec[], options: WorldOptions = {}): Promise<World> {
    const clusters = await SimulatedClusters.start(specs, { suite: options.suite });
    const loadBalancers = new StandInLoadBalancerController(clusters.clusters.map((c, i) => ({
      name: c.name,
      client: c.client,
      admit: specs[i].admit ?? acceptAll,
      poolPrefix: specs[i].loadBalancerPool,
    })), options.loadBalancerDelayMs ?? 1_000);
    const cockroach = new CockroachModel(clusters.clusters.map((c) => ({ name: c.name, client: c.client })));
    const addons = new AddonManager(clusters.clusters.map((c) => ({ client: c.client, flavour: c.spec.dns ?? 'kubeadm' })));
    return new World(clusters, loadBalancers, cockroach, addons);
  }

  private constructor(
    public readonly clusters: SimulatedClusters,
    public readonly loadBalancers: StandInLoadBalancerController,
    public readonly cockroach: CockroachModel,
    /** GKE's and AKS's addon manager (re-creates and reconciles their DNS ConfigMaps). */
    public readonly addons: AddonManager,
  ) {}

  /** Waits (bounded) until `check` holds; a timeout names the clusters' state and the controllers' errors. */
  public async waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
    try {
      await this.clusters.waitFor(what, check, timeoutMs);
    } catch (error) {
      const errors = [...this.cockroach.errors.map((e) => `model: ${e}`), ...this.loadBalancers.errors.map((e) => `load balancers: ${e}`)];
      throw new Error(`${(error as Error).message}${errors.length > 0 ? `\n${errors.join('\n')}` : ''}`);
    }
  }

  /** Installs cert-manager into one cluster: its CRDs (real kubectl) and its controller (a process of the suite). */
  public async installCertManager(cluster: string): Promise<void> {
    const { kubeconfigPath } = this.clusters.cluster(cluster);
    await installCertManagerCrds(kubeconfigPath);
    await startCertManager({ kubeconfig: kubeconfigPath, group: this.clusters.processes, name: `${cluster}/cert-manager`, verbosity: 1 });
  }

  /** Every cluster's kubeconfig by cluster name, as JSON: the value of a program's `kubeconfigs` secret config. */
  public kubeconfigsJson(): string {
    return JSON.stringify(Object.fromEntries(this.clusters.clusters.map((c) => [c.name, c.kubeconfig])));
  }

  /** Stops the controllers first, then every process. */
  public async stop(): Promise<void> {
    await Promise.allSettled([this.loadBalancers.stop(), this.cockroach.stop(), this.addons.stop()]);
    await this.clusters.stop();
  }
}
