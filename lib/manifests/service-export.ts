import { KubeObject } from './kube-object';
import { commonLabels } from './labels';
import { ClusterPlan } from '../core/plan';
import { SERVICE_EXPORT_API_VERSION } from '../core/strategies/cluster-set';

/**
 * The `ServiceExport` of the database's headless Service (cluster-set strategy): the MCS implementation
 * then gives every pod `<pod>.<cluster-id>.<service>.<namespace>.svc.<zone>` in every cluster. Same name
 * and namespace as the Service (KEP-1645); the API group is the implementation's (GKE: `net.gke.io`).
 * Nothing else is exported: the public Service stays a cluster's own.
 */
export function renderServiceExport(cluster: ClusterPlan): KubeObject[] {
  const set = cluster.clusterSet;
  if (!set) return [];
  return [{
    apiVersion: SERVICE_EXPORT_API_VERSION[set.implementation],
    kind: 'ServiceExport',
    metadata: { name: cluster.names.headlessService, namespace: cluster.namespace, labels: commonLabels(cluster) },
  }];
}
