// Micro-benchmarks of the hot spots the profiles showed, as the library runs them and as fixed.
import { sample, stats, Stats } from './measure';
import { benchClusters, benchNetworking } from './topology';
import { planDeployment } from '../../lib/core/plan';
import { Tls } from '../../lib/core/tls';
import { objectKey } from '../../lib/manifests/kube-object';
import { renderPendingPerPodServices } from '../../lib/manifests/pending-load-balancers';

export interface HotspotRow {
  readonly nodes: number;
  /** What lib/pulumi/per-pod-load-balancers.ts does: per Service, render the cluster's Services and find it. */
  readonly asIs: Stats;
  /** Render the cluster's Services once per plan, then look each one up by key. */
  readonly fixed: Stats;
}

/**
 * `PerPodLoadBalancers` (Pulumi) resolves each Service's live object with
 * `plan.apply((p) => findObject(p, i, key))`, and `findObject` renders all of the cluster's
 * Services to find one: N Services × N renders per cluster.
 */
export function perPodFindObject(nodeCounts: readonly number[], warmup: number, samples: number): HotspotRow[] {
  return nodeCounts.map((nodes) => {
    const clusters = benchClusters({ clusters: 1, nodes });
    const plan = planDeployment({ clusters, networking: benchNetworking('perPodLoadBalancers', clusters), tls: Tls.insecure() }, { engine: 'pulumi' });
    const cluster = plan.clusters[0];
    const keys = renderPendingPerPodServices(plan, cluster).map(objectKey);
    const asIs = sample(warmup, samples, () => {
      for (const key of keys) renderPendingPerPodServices(plan, plan.clusters[0]).find((o) => objectKey(o) === key);
    });
    const fixed = sample(warmup, samples, () => {
      const byKey = new Map(renderPendingPerPodServices(plan, plan.clusters[0]).map((o) => [objectKey(o), o]));
      for (const key of keys) byKey.get(key);
    });
    return { nodes, asIs: stats(asIs), fixed: stats(fixed) };
  });
}
