import { ClusterPlan } from '../core/plan';

/** Labels that select the database pods; stable for the life of the StatefulSet. */
export function selectorLabels(cluster: ClusterPlan): Record<string, string> {
  return {
    'app.kubernetes.io/name': 'cockroachdb',
    'app.kubernetes.io/instance': cluster.names.statefulSet,
    'app.kubernetes.io/component': 'database',
  };
}

/** Labels of every database object: the selector plus ownership and the cluster it belongs to. */
export function commonLabels(cluster: ClusterPlan): Record<string, string> {
  return {
    ...selectorLabels(cluster),
    'app.kubernetes.io/managed-by': 'crosscluster',
    'crosscluster.io/cluster': cluster.name,
  };
}
