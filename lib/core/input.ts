import { Networking } from './networking';
import { Tls } from './tls';
import { ClusterSpec, CockroachOptions } from './topology';

/** Everything the library derives a deployment from: the clusters, the strategies and the database options. */
export interface TopologyInput extends CockroachOptions {
  /** The Kubernetes clusters, one CockroachDB StatefulSet each. */
  readonly clusters: readonly ClusterSpec[];
  /** How pods reach each other across clusters. */
  readonly networking: Networking;
  /** How certificates are issued. */
  readonly tls: Tls;
}

/** Which engine will deploy the plan; some inputs are required by one engine only. */
export type Engine = 'cdk8s' | 'pulumi';
