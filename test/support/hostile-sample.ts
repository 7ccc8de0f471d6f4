// A deterministic sample of accepted hostile topologies rendered to manifests, for the
// real-control-plane tier (test/cluster/): apply each sample's objects to its clusters' API
// servers with server-side apply and expect every apply to succeed.
import * as fc from 'fast-check';
import { hostileCase, materialize } from './hostile-arbitraries';
import { allObjects, KubeObject, planDeployment, renderDeployment, TopologyError, TopologyInput } from 'crosscluster';

/** One accepted hostile topology: per cluster, the plain Kubernetes objects in apply order. */
export interface HostileSample {
  /** A stable id (`hostile-<n>`), for names of test fixtures. */
  readonly id: string;
  /** Which fields carried hostile values (`base` for a topology without mutations). */
  readonly categories: readonly string[];
  /** Per cluster, in topology order: its name and its objects (Namespace first, kube-system DNS objects last). */
  readonly clusters: ReadonlyArray<{ readonly cluster: string; readonly objects: readonly KubeObject[] }>;
}

/**
 * The first `count` accepted topologies that the generator produces from `seed`, rendered for
 * cdk8s (every address known). The same arguments always give the same objects.
 * @param count how many accepted topologies to return
 * @param seed the fast-check seed
 */
export function hostileSample(count = 20, seed = 13): HostileSample[] {
  const accepted: { categories: readonly string[]; clusters: HostileSample['clusters'] }[] = [];
  // Each generated case is accepted with a probability of about one in twenty: draw enough of them.
  for (const { input, categories } of fc.sample(hostileCase, { numRuns: count * 200, seed })) {
    let plan;
    try {
      plan = planDeployment(materialize(input) as TopologyInput, { engine: 'cdk8s' });
    } catch (error) {
      if (error instanceof TopologyError) continue;
      throw error;
    }
    accepted.push({ categories, clusters: renderDeployment(plan).map((m) => ({ cluster: m.cluster, objects: allObjects(m) })) });
  }
  // Most accepted cases carry no hostile value that got through: prefer one case per category first.
  const chosen: typeof accepted = [];
  const seen = new Set<string>();
  for (const candidate of accepted) {
    if (chosen.length >= count) break;
    if (candidate.categories.some((c) => c !== 'base' && !seen.has(c))) {
      chosen.push(candidate);
      candidate.categories.forEach((c) => seen.add(c));
    }
  }
  for (const candidate of accepted) {
    if (chosen.length >= count) break;
    if (!chosen.includes(candidate)) chosen.push(candidate);
  }
  return chosen.map((c, i) => ({ id: `hostile-${i}`, ...c }));
}
