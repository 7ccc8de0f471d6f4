import { ClusterSpec } from './topology';

/** The node label the zone tier of the locality is read from at pod start. */
export const ZONE_LABEL = 'topology.kubernetes.io/zone';

/**
 * The fixed tiers of a cluster's locality: `cloud=<cloud>,region=<region>`. The `zone=` tier is
 * appended at pod start from the node the pod runs on, so it is right on any node.
 * `region=` is always present: multi-region SQL reads the regions from it.
 */
export function localityPrefix(cluster: ClusterSpec): string {
  return `cloud=${cluster.cloud},region=${cluster.region}`;
}

/** The full locality a pod on a node in `zone` gets. */
export function localityFor(cluster: ClusterSpec, zone: string | undefined): string {
  return zone ? `${localityPrefix(cluster)},zone=${zone}` : localityPrefix(cluster);
}
