// What a change touches: synthesize before and after with cdk8s and diff the objects.
import { App } from 'cdk8s';
import { benchCluster, cdk8sProps, Strategy } from './topology';
import { MultiRegionCockroach } from '../../lib/cdk8s/multi-region-cockroach';
import { ClusterSpec } from '../../lib/core/topology';

/** `<chart>/<kind>/<namespace>/<name>` → the synthesized object. */
export type Synthesized = Map<string, Record<string, unknown>>;

export function synthesize(strategy: Strategy, clusters: ClusterSpec[]): Synthesized {
  const app = new App();
  new MultiRegionCockroach(app, 'cockroachdb', cdk8sProps(strategy, clusters));
  const objects: Synthesized = new Map();
  for (const chart of app.charts) {
    for (const o of chart.toJson() as Array<Record<string, any>>) {
      objects.set(`${chart.node.id}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`, o);
    }
  }
  return objects;
}

/** One changed object and the paths of the fields that differ (arrays and scalars compared whole). */
export interface Change {
  readonly key: string;
  readonly paths: string[];
}

export interface Diff {
  readonly added: string[];
  readonly removed: string[];
  readonly changed: Change[];
  /** Changed objects whose pod template (`spec.template`) changed: each one is a rolling restart. */
  readonly podTemplatesChanged: string[];
}

function changedPaths(a: unknown, b: unknown, at: string, out: string[]): void {
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObject(a) && isObject(b)) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) changedPaths(a[key], b[key], at ? `${at}.${key}` : key, out);
    return;
  }
  if (JSON.stringify(a) !== JSON.stringify(b)) out.push(at);
}

export function diff(before: Synthesized, after: Synthesized): Diff {
  const added = [...after.keys()].filter((k) => !before.has(k));
  const removed = [...before.keys()].filter((k) => !after.has(k));
  const changed: Change[] = [];
  for (const [key, object] of before) {
    const other = after.get(key);
    if (!other) continue;
    const paths: string[] = [];
    changedPaths(object, other, '', paths);
    if (paths.length > 0) changed.push({ key, paths });
  }
  const podTemplatesChanged = changed.filter((c) => c.paths.some((p) => p.startsWith('spec.template') || p.startsWith('spec.jobTemplate'))).map((c) => c.key);
  return { added, removed, changed, podTemplatesChanged };
}

export interface TouchScenario {
  readonly strategy: Strategy;
  readonly scenario: string;
  readonly diff: Diff;
  /** The clusters that existed before the change. */
  readonly existing: string[];
}

/**
 * The two scale-ups from a C×N topology: one more node in the first cluster, and one more cluster
 * (of N nodes). Addresses of existing pods and clusters stay as they were.
 */
export function touchScenarios(strategy: Strategy, clusters: number, nodes: number): TouchScenario[] {
  const base = Array.from({ length: clusters }, (_, i) => benchCluster(i, nodes));
  const before = synthesize(strategy, base);
  const oneNode = base.map((c, i) => (i === 0 ? { ...c, nodes: c.nodes + 1 } : c));
  const oneCluster = [...base, benchCluster(clusters, nodes)];
  const existing = base.map((c) => c.name);
  return [
    { strategy, scenario: `add one node to ${base[0].name}`, diff: diff(before, synthesize(strategy, oneNode)), existing },
    { strategy, scenario: `add cluster ${oneCluster[clusters].name}`, diff: diff(before, synthesize(strategy, oneCluster)), existing },
  ];
}

/** Collapses per-key ConfigMap paths (`data.advertise-host.<pod>`) for display. */
export function summarizePaths(paths: readonly string[]): string {
  return paths.map((p) => `\`${p}\``).join(', ');
}
