import { clusterDomainField, namespaceField } from './clusters';
import { CheckContext, quotedList } from './context';
import { isWithinDomain } from './dns-domains';
import { canonicalDnsName, isDnsLabel, isDnsName } from './kubernetes-values';
import { keyPath, readKeyedMap, Report } from './read';
import { COCKROACH_DEFAULTS } from '../defaults';
import { podName } from '../naming';
import { show } from '../problems';
import { CLUSTER_SET_IMPLEMENTATIONS, CLUSTERSET_DOMAIN } from '../strategies/cluster-set';

/** Reads the cluster-set options' maps once (the other fields stay in the options copy). */
export function readClusterSet(options: Record<string, unknown>, report: Report): { clusterIds?: Map<string, unknown> } {
  if (options.clusterIds === undefined) return {};
  const clusterIds = readKeyedMap(options.clusterIds, 'networking.clusterIds', report, 'a map of cluster ids by cluster name');
  return clusterIds ? { clusterIds } : {};
}

/**
 * The cluster-set strategy (MCS API): the implementation, the zone (apart from every cluster's own
 * domain), each cluster's id (a DNS-1123 label, unique: it is the label that tells the clusters' pods
 * apart), the names it gives (at most 253 characters), and one namespace for every cluster.
 */
export function checkClusterSet(context: CheckContext): void {
  const { snapshot, report, clusterIndex } = context;
  const networking = snapshot.networking;
  if (networking?.kind !== 'clusterSet') return;
  const options = networking.options;
  const implementation = options.implementation;
  if (implementation !== undefined && !CLUSTER_SET_IMPLEMENTATIONS.includes(implementation as never)) {
    report('networking.implementation', `${show(implementation)} is not one of ${quotedList(CLUSTER_SET_IMPLEMENTATIONS)}`);
  }
  const domain = options.domain === undefined ? CLUSTERSET_DOMAIN : options.domain;
  const zone = isDnsName(domain) ? canonicalDnsName(domain) : undefined;
  if (zone === undefined) report('networking.domain', `${show(domain)} is not a DNS name`);

  const ids = networking.clusterIds ?? new Map<string, unknown>();
  for (const [name, id] of ids) {
    const path = keyPath('networking.clusterIds', name);
    if (!clusterIndex.has(name)) report(path, `${show(name)} is not the name of any cluster (${quotedList(clusterIndex.keys())})`);
    else if (!isDnsLabel(id)) report(path, `${show(id)} is not a DNS-1123 label (lower-case letters, digits and '-', at most 63): it is one label of every pod's cluster-set name`);
  }
  const owners = new Map<string, string>();
  const baseName = snapshot.props.name === undefined ? COCKROACH_DEFAULTS.name : snapshot.props.name;
  snapshot.clusters.forEach((cluster, i) => {
    if (!cluster || typeof cluster.name !== 'string' || clusterIndex.get(cluster.name) !== i) return;
    const given = ids.has(cluster.name);
    const id = given ? ids.get(cluster.name) : cluster.name;
    if (!isDnsLabel(id)) return;
    const path = given ? keyPath('networking.clusterIds', cluster.name) : `clusters[${i}].name`;
    if (owners.has(id)) {
      report(path, `the cluster id ${show(id)} is also the id of cluster ${show(owners.get(id))}: their pods would have the same cluster-set names; give each cluster its own id (networking.clusterIds)`);
    } else {
      owners.set(id, cluster.name);
    }
    const clusterDomain = clusterDomainField(cluster);
    if (zone !== undefined && isDnsName(clusterDomain) && (isWithinDomain(clusterDomain, zone) || isWithinDomain(zone, clusterDomain))) {
      report('networking.domain', `${show(zone)} overlaps clusters[${i}].clusterDomain ${show(clusterDomain)}: the cluster-set zone must lie apart from every cluster's own domain, or the cluster's DNS would answer (or refuse) the cluster-set names itself`);
    }
    const namespace = namespaceField(cluster);
    const nodes = cluster.nodes;
    if (zone !== undefined && isDnsLabel(namespace) && isDnsLabel(baseName) && typeof nodes === 'number' && Number.isInteger(nodes) && nodes >= 1) {
      const name = `${podName(baseName, nodes - 1)}.${id}.${baseName}.${namespace}.svc.${zone}`;
      if (name.length > 253) report(path, `the cluster-set name ${show(name)} is ${name.length} characters; DNS allows 253 (use a shorter cluster id, namespace or zone)`);
    }
  });
  if (implementation === 'gke') {
    snapshot.clusters.forEach((cluster, i) => {
      if (cluster && typeof cluster.cloud === 'string' && cluster.cloud !== 'gcp') {
        report(`clusters[${i}].cloud`, `${show(cluster.cloud)}: GKE multi-cluster Services export and import only between GKE clusters of one fleet; use implementation 'submariner' or 'cilium' (or another MCS implementation) for clusters on other clouds`);
      }
    });
  }
  checkNamespaceSameness(context);
}

/**
 * An MCS implementation imports a Service only into the clusters where its namespace exists
 * (KEP-1645, "namespace sameness"): every cluster's database namespace is one name, so every cluster
 * imports every other cluster's export.
 */
function checkNamespaceSameness(context: CheckContext): void {
  const { snapshot, report } = context;
  let first: { index: number; namespace: string } | undefined;
  snapshot.clusters.forEach((cluster, i) => {
    if (!cluster) return;
    const namespace = namespaceField(cluster);
    if (!isDnsLabel(namespace)) return;
    if (first === undefined) {
      first = { index: i, namespace };
      return;
    }
    if (namespace !== first.namespace) {
      const path = cluster.namespace === undefined ? `clusters[${i}].name (the default namespace)` : `clusters[${i}].namespace`;
      report(path, `${show(namespace)} differs from ${show(first.namespace)} of clusters[${first.index}]: with Networking.clusterSet every cluster uses one namespace, because an MCS implementation imports a Service only into the clusters where its namespace exists (KEP-1645, namespace sameness); give every cluster namespace: ${show(first.namespace)}`);
    }
  });
}
