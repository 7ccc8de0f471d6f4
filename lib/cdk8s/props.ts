import { Construct } from 'constructs';
import { ClusterSpec, CockroachOptions } from '../core/topology';

/**
 * The topology every construct of `crosscluster/cdk8s` is derived from: all the clusters (each
 * construct needs the whole topology, because every cluster's objects depend on the others) and
 * the CockroachDB options that name the objects.
 */
export interface TopologyProps extends CockroachOptions {
  /** The Kubernetes clusters, one CockroachDB StatefulSet each, in a fixed order. */
  readonly clusters: readonly ClusterSpec[];
}

/** Where a construct puts each cluster's objects. */
export interface PlacementProps {
  /**
   * Per cluster name, the Chart (or a construct inside a Chart) that receives that cluster's
   * objects, for placing them into an existing cdk8s app. Clusters missing from the map are not
   * placed (useful when each cluster has its own GitOps app); a name that is not a cluster is an error.
   * @default - when the scope is an `App`, one Chart per cluster named after the cluster
   * (`dist/<cluster>.k8s.yaml`, reused when the App already has a Chart with that id); when the
   * scope is inside a Chart and the topology has one cluster, the scope itself
   */
  readonly charts?: Readonly<Record<string, Construct>>;
}
