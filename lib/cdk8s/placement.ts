import { ApiObject, App, Chart, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { ClusterPlan, DeploymentPlan } from '../core/plan';
import { Problem, show, throwIfProblems } from '../core/problems';
import { readKeyedMap } from '../core/validation/read';
import { KubeObject } from '../manifests/kube-object';

/** Every construct's Charts disable name hashes: object names are the plan's names, never generated. */
const CHART_PROPS = { disableResourceNameHashes: true } as const;

/** What to place where; validated before any construct exists. */
export interface PlacementRequest {
  /** The scope the placing construct is created in. */
  readonly scope: Construct;
  /** The id the placing construct will have in `scope` (so a Chart cannot take it). */
  readonly ownId: string;
  /** The clusters, in topology order. */
  readonly clusters: readonly string[];
  /** The user's targets, by cluster name. */
  readonly given?: Readonly<Record<string, Construct>>;
  /** The prop `given` came from, for error messages. */
  readonly field: string;
  /** Suffix of the Chart ids created under an App (`''` or `'-dns'`). */
  readonly chartSuffix: string;
  /** Clusters that have objects to place; no Chart is created for the others. */
  readonly wanted: (cluster: string) => boolean;
  /**
   * The objects that will be placed in each cluster's target, to report a clash with objects
   * already there (a second deployment of the same clusters in one App) before anything is created.
   * @default - no check
   */
  readonly objects?: (cluster: string) => readonly KubeObject[];
}

/** Creates (or finds) the targets once the placing construct exists. */
export type Placement = (self: Construct) => Map<string, Construct>;

/**
 * Checks where each cluster's objects can go and returns a function that creates the targets.
 * Throws one `TopologyError` naming the prop when the placement is impossible, before anything is created.
 */
export function preparePlacement(request: PlacementRequest): Placement {
  return preparePlacements([request])[0];
}

/** {@link preparePlacement} for several groups of objects, reporting the problems of all of them at once. */
export function preparePlacements(requests: readonly PlacementRequest[]): Placement[] {
  const problems: Problem[] = [];
  const placements = requests.map((request) => placementOrProblems(request, problems));
  throwIfProblems(problems);
  return placements;
}

function placementOrProblems(request: PlacementRequest, problems: Problem[]): Placement {
  const { scope, clusters, given, field } = request;
  if (given !== undefined) {
    // A map keyed by cluster name: own keys only, so a cluster named 'constructor' is never placed into Object.
    const targets = readKeyedMap(given, field, (path, message) => problems.push({ path, message }), 'a map of Charts by cluster name');
    if (!targets) return () => new Map();
    for (const [name, target] of targets) {
      if (!clusters.includes(name)) {
        problems.push({ path: `${field}.${name}`, message: `${show(name)} is not the name of any cluster (${clusters.map((c) => `'${c}'`).join(', ')})` });
      } else if (!isInChart(target)) {
        problems.push({ path: `${field}.${name}`, message: 'is not a cdk8s Chart or a construct inside one' });
      }
    }
    if (targets.size === 0) problems.push({ path: field, message: 'names no cluster; give a Chart for at least one cluster, or leave it out' });
    clusters.forEach((cluster) => {
      const target = targets.get(cluster);
      if (target !== undefined && isInChart(target as Construct) && request.wanted(cluster)) {
        findClashes(request, cluster, target as Construct, `${field}.${cluster}`, problems);
      }
    });
    return () => new Map(clusters.filter((c) => targets.has(c) && request.wanted(c)).map((c) => [c, targets.get(c) as Construct]));
  }
  if (scope instanceof App) {
    clusters.forEach((cluster, i) => {
      const chartId = `${cluster}${request.chartSuffix}`;
      const existing = scope.node.tryFindChild(chartId);
      if (request.chartSuffix !== '' && clusters.includes(chartId)) {
        problems.push({
          path: `clusters[${i}].name`,
          message: `the Chart ${show(chartId)} for the objects of cluster ${show(cluster)} would be the Chart of the cluster named ${show(chartId)} (rename one of them)`,
        });
      } else if (chartId === request.ownId || (existing !== undefined && !(existing instanceof Chart))) {
        problems.push({
          path: `clusters[${i}].name`,
          message: `the App already has a construct with id ${show(chartId)} that is not a Chart, so the Chart of cluster ${show(cluster)} cannot take that id (rename one of them)`,
        });
      } else if (existing instanceof Chart && request.wanted(cluster)) {
        findClashes(request, cluster, existing, `clusters[${i}]`, problems);
      }
    });
    return () => {
      const targets = new Map<string, Construct>();
      for (const cluster of clusters.filter(request.wanted)) {
        const chartId = `${cluster}${request.chartSuffix}`;
        const existing = scope.node.tryFindChild(chartId);
        targets.set(cluster, existing instanceof Chart ? existing : new Chart(scope, chartId, CHART_PROPS));
      }
      return targets;
    };
  }
  if (!isInChart(scope)) {
    problems.push({ path: '(scope)', message: `${show(scope.node.path)} is neither a cdk8s App nor inside a Chart` });
  } else if (clusters.length !== 1) {
    problems.push({
      path: field,
      message: `the scope ${show(scope.node.path)} is one Chart but the topology has ${clusters.length} clusters, whose objects belong in different files: ` +
        `give '${field}' (a Chart per cluster name) or create the construct in an App, which gets one Chart per cluster`,
    });
  }
  return (self) => new Map(clusters.filter(request.wanted).map((c) => [c, self]));
}

/**
 * Reports the objects that would take an id the target already has: the same kind, namespace and
 * name placed twice, which the API server would also refuse (one object, two owners).
 */
function findClashes(request: PlacementRequest, cluster: string, target: Construct, path: string, problems: Problem[]): void {
  const taken = (request.objects?.(cluster) ?? []).map(objectId).filter((id) => target.node.tryFindChild(id) !== undefined);
  if (taken.length === 0) return;
  const shown = taken.slice(0, 3).map((id) => show(id)).join(', ') + (taken.length > 3 ? ` and ${taken.length - 3} more` : '');
  const advice = request.field === 'dnsCharts'
    ? 'A cluster\'s DNS forwarding exists once: place this deployment\'s DNS objects in Charts of their own (dnsCharts) and merge them, or deploy both databases with one construct'
    : `Give ${show(request.ownId)} its own namespace (clusters[].namespace) or base name (name), or Charts of its own (charts)`;
  problems.push({
    path,
    message: `${show(target.node.path)} already holds ${shown} for cluster ${show(cluster)}, placed by another deployment of this cluster in the same App, ` +
      `so ${show(request.ownId)} cannot place its objects there. ${advice}`,
  });
}

function isInChart(construct: unknown): boolean {
  if (!Construct.isConstruct(construct)) return false;
  try {
    Chart.of(construct);
    return true;
  } catch {
    return false;
  }
}

/** The construct id of an object: stable, from its kind, namespace and name. */
export function objectId(object: KubeObject): string {
  const { namespace, name } = object.metadata;
  return namespace ? `${object.kind}.${namespace}.${name}` : `${object.kind}.${name}`;
}

/**
 * Places rendered objects, unchanged, under `target`. A Chart's `namespace` fills in only the
 * objects that have none; the renderers give every namespaced object its own, so the ones without
 * are cluster-scoped (Namespace, ClusterRole, ClusterRoleBinding) and must stay without.
 */
export function placeObjects(target: Construct, objects: readonly KubeObject[]): ApiObject[] {
  const chartNamespace = Chart.of(target).namespace;
  return objects.map((object) => {
    const placed = new ApiObject(target, objectId(object), object);
    if (chartNamespace !== undefined && object.metadata.namespace === undefined) {
      placed.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
    }
    return placed;
  });
}

/** Renders and places one group of objects for every cluster that has a target. */
export function placeClusters(
  targets: ReadonlyMap<string, Construct>,
  plan: DeploymentPlan,
  render: (cluster: ClusterPlan) => readonly KubeObject[],
): Record<string, ApiObject[]> {
  const placed: Record<string, ApiObject[]> = {};
  for (const cluster of plan.clusters) {
    const target = targets.get(cluster.name);
    if (target) placed[cluster.name] = placeObjects(target, render(cluster));
  }
  return placed;
}

/** The Chart of each target. */
export function chartsOf(targets: ReadonlyMap<string, Construct>): Record<string, Chart> {
  return Object.fromEntries([...targets].map(([cluster, target]) => [cluster, Chart.of(target)]));
}
