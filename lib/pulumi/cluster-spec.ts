import * as k8s from '@pulumi/kubernetes';
import { Problem } from '../core/problems';
import { ClusterSpec } from '../core/topology';
import { isList } from '../core/validation/read';

/** A Kubernetes cluster of the deployment, with the Pulumi provider that deploys to it. */
export interface PulumiClusterSpec extends ClusterSpec {
  /**
   * The provider of this cluster (e.g. `new k8s.Provider('us-east', { kubeconfig })`).
   * Every Kubernetes object of the cluster is created with it.
   */
  readonly provider: k8s.Provider;
}

/** The engine-agnostic part of a cluster: the spec without its provider (anything else as given, for the core to report). */
export function toClusterSpec(cluster: PulumiClusterSpec): ClusterSpec {
  if (cluster === null || typeof cluster !== 'object' || Array.isArray(cluster)) return cluster;
  try {
    const { provider: _provider, ...spec } = cluster;
    return spec;
  } catch {
    return cluster; // a getter threw: the core reads it again and reports it
  }
}

/** The engine-agnostic clusters; a value that is not a list is passed on as it is, for the core to report. */
export function toClusterSpecs(clusters: readonly PulumiClusterSpec[] | undefined): readonly ClusterSpec[] {
  return isList(clusters) ? clusters.map(toClusterSpec) : (clusters as unknown as ClusterSpec[]);
}

function isProvider(cluster: PulumiClusterSpec): boolean {
  try {
    return k8s.Provider.isInstance(cluster.provider);
  } catch {
    return false;
  }
}

/** Every cluster must carry a `k8s.Provider`; one problem per cluster that does not. */
export function findProviderProblems(clusters: readonly PulumiClusterSpec[] | undefined): Problem[] {
  if (!isList(clusters)) return [];
  const problems: Problem[] = [];
  clusters.forEach((cluster, i) => {
    if (cluster && typeof cluster === 'object' && !isProvider(cluster)) {
      problems.push({
        path: `clusters[${i}].provider`,
        message: 'a k8s.Provider for this cluster is required (new k8s.Provider(name, { kubeconfig }))',
      });
    }
  });
  return problems;
}
