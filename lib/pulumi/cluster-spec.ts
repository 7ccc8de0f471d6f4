import * as k8s from '@pulumi/kubernetes';
import { Problem } from '../core/problems';
import { ClusterSpec } from '../core/topology';

/** A Kubernetes cluster of the deployment, with the Pulumi provider that deploys to it. */
export interface PulumiClusterSpec extends ClusterSpec {
  /**
   * The provider of this cluster (e.g. `new k8s.Provider('us-east', { kubeconfig })`).
   * Every Kubernetes object of the cluster is created with it.
   */
  readonly provider: k8s.Provider;
}

/** The engine-agnostic part of a cluster: the spec without its provider. */
export function toClusterSpec(cluster: PulumiClusterSpec): ClusterSpec {
  if (cluster === null || typeof cluster !== 'object') return cluster;
  const { provider: _provider, ...spec } = cluster;
  return spec;
}

/** Every cluster must carry a `k8s.Provider`; one problem per cluster that does not. */
export function findProviderProblems(clusters: readonly PulumiClusterSpec[] | undefined): Problem[] {
  if (!Array.isArray(clusters)) return [];
  const problems: Problem[] = [];
  clusters.forEach((cluster, i) => {
    if (cluster && typeof cluster === 'object' && !k8s.Provider.isInstance(cluster.provider)) {
      problems.push({
        path: `clusters[${i}].provider`,
        message: 'a k8s.Provider for this cluster is required (new k8s.Provider(name, { kubeconfig }))',
      });
    }
  });
  return problems;
}
