import { CheckContext, quotedList } from './context';
import { parseImageReference } from './image-reference';
import { isList, keyPath, readKeyedMap, readObject, Report } from './read';
import { show } from '../problems';
import {
  defaultOwnCorednsClusterIp, OWN_COREDNS_MAX_REPLICAS, OWN_COREDNS_RESOLVERS, ownCorednsClusterIpProblem,
} from '../strategies/own-coredns';

/** The own-CoreDNS options as read: a null-prototype copy, and the ClusterIPs by cluster name. */
export interface OwnCorednsSnapshot {
  readonly options: Record<string, unknown>;
  readonly clusterIps?: Map<string, unknown>;
}

const FIELDS = ['resolvers', 'clusterIps', 'replicas', 'image'];

/** Reads `networking.ownCoredns` once, reporting what is not an object or map. */
export function readOwnCoredns(value: unknown, report: Report): { ownCoredns?: OwnCorednsSnapshot } {
  if (value === undefined) return {};
  const options = readObject(value, 'networking.ownCoredns', report, 'the own CoreDNS options { resolvers?, clusterIps?, replicas?, image? }', FIELDS);
  if (!options) return {};
  const clusterIps = options.clusterIps === undefined ? undefined
    : readKeyedMap(options.clusterIps, 'networking.ownCoredns.clusterIps', report, 'a map of ClusterIPs by cluster name');
  return { ownCoredns: { options, ...(clusterIps ? { clusterIps } : {}) } };
}

/**
 * The DNS chain's own CoreDNS: who uses it, its replicas and image, and each cluster's fixed ClusterIP
 * (given, inside the cluster's service range and none of its reserved addresses; or derived from the
 * first service block, which must then be large enough).
 */
export function checkOwnCoredns(context: CheckContext): void {
  const { snapshot, report, clusterIndex } = context;
  const own = snapshot.networking?.kind === 'dnsChain' ? snapshot.networking.ownCoredns : undefined;
  if (!own) return;
  const { options } = own;
  if (options.resolvers !== undefined && !OWN_COREDNS_RESOLVERS.includes(options.resolvers as never)) {
    report('networking.ownCoredns.resolvers', `${show(options.resolvers)} is not one of ${quotedList(OWN_COREDNS_RESOLVERS)}`);
  }
  const replicas = options.replicas;
  if (replicas !== undefined && (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 1 || replicas > OWN_COREDNS_MAX_REPLICAS)) {
    report('networking.ownCoredns.replicas', `${show(replicas)} must be an integer from 1 to ${OWN_COREDNS_MAX_REPLICAS}`);
  }
  if (options.image !== undefined) {
    const image = parseImageReference(options.image);
    if (typeof image === 'string') {
      report('networking.ownCoredns.image', `${show(options.image)} ${image}`);
    } else if (image.digest === undefined && (image.tag === undefined || image.tag === 'latest')) {
      report('networking.ownCoredns.image', `${show(options.image)} names no version: pin it by digest (or at least a version tag), so every cluster runs the CoreDNS the Corefile was written for`);
    }
  }
  for (const [name] of own.clusterIps ?? []) {
    if (!clusterIndex.has(name)) report(keyPath('networking.ownCoredns.clusterIps', name), `${show(name)} is not the name of any cluster (${quotedList(clusterIndex.keys())})`);
  }
  snapshot.clusters.forEach((cluster, i) => {
    if (!cluster || typeof cluster.name !== 'string' || clusterIndex.get(cluster.name) !== i) return;
    const path = keyPath('networking.ownCoredns.clusterIps', cluster.name);
    const blocks = isList(cluster.serviceCidrs) ? cluster.serviceCidrs : [];
    if (own.clusterIps?.has(cluster.name)) {
      const problem = ownCorednsClusterIpProblem(own.clusterIps.get(cluster.name), blocks);
      if (problem) report(path, problem);
    } else if (defaultOwnCorednsClusterIp(blocks) === undefined) {
      report(path, blocks.length === 0
        ? `the fixed ClusterIP of clusters[${i}]'s CoreDNS is required (the database pods' dnsConfig or the cluster DNS's forwarding names it before anything exists): give it, or the cluster's serviceCidrs to derive it from (the 53rd address of the first block)`
        : `the fixed ClusterIP of clusters[${i}]'s CoreDNS is required: ${show(blocks[0])} is smaller than a /22 (IPv6: /118), so its band for chosen ClusterIPs (KEP-3070) does not reach the 53rd address; give an address of that band`);
    }
  });
}
