import { checkDisjointCidrs, LabelledCidr } from '../cidr';
import { Problem } from '../problems';
import { ClusterSpec } from '../topology';

/**
 * Every pod, service and node CIDR of every cluster, labelled with its field path
 * (`clusters[1].podCidrs[0]`), for the cross-cloud disjointness check.
 * @param clusters the clusters, in the order the user wrote them
 * @param path the field path of the cluster list
 */
export function labelledClusterCidrs(clusters: readonly ClusterSpec[], path = 'clusters'): LabelledCidr[] {
  const out: LabelledCidr[] = [];
  clusters.forEach((cluster, i) => {
    for (const field of ['podCidrs', 'serviceCidrs', 'nodeCidrs'] as const) {
      (cluster[field] ?? []).forEach((cidr, j) => out.push({ path: `${path}[${i}].${field}[${j}]`, cidr }));
    }
  });
  return out;
}

/**
 * Checks that every pod, service and node CIDR of every cluster, on every cloud, is valid and
 * disjoint from all the others (routes across a VPN or peering cannot tell overlapping ranges apart).
 */
export function checkClusterCidrsDisjoint(clusters: readonly ClusterSpec[], path = 'clusters'): Problem[] {
  return checkDisjointCidrs(labelledClusterCidrs(clusters, path));
}

/**
 * Checks that each cluster in `clusters` that the network construct routes for has at least one
 * pod CIDR: without it there is nothing to route, advertise or allow.
 * @param clusters all clusters
 * @param selected the indices of the clusters that need pod CIDRs
 * @param why what needs them, for the message
 */
export function requirePodCidrs(clusters: readonly ClusterSpec[], selected: readonly number[], why: string, path = 'clusters'): Problem[] {
  const problems: Problem[] = [];
  for (const i of selected) {
    const v4 = (clusters[i].podCidrs ?? []).filter((c) => !c.includes(':'));
    if (v4.length === 0) {
      problems.push({ path: `${path}[${i}].podCidrs`, message: `cluster '${clusters[i].name}' has no IPv4 pod CIDR; ${why}` });
    }
  }
  return problems;
}
