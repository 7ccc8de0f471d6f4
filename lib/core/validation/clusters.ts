import { CheckContext, quotedList } from './context';
import { canonicalDnsName, isDnsLabel, isDnsName, isLabelValue } from './kubernetes-values';
import { readOptionalList } from './read';
import { checkDisjointCidrs, LabelledCidr } from '../cidr';
import { COCKROACH_DEFAULTS } from '../defaults';
import { podName } from '../naming';
import { show } from '../problems';
import { DEFAULT_CLUSTER_DOMAIN } from '../topology';

const CLOUDS = ['gcp', 'aws', 'azure', 'generic'];
const DNS_KINDS = ['kube-dns', 'coredns'];
/** Most nodes one StatefulSet should carry. */
export const MAX_NODES_PER_CLUSTER = 10_000;
/** The CIDR fields of a cluster. */
export const CIDR_FIELDS = ['podCidrs', 'serviceCidrs', 'nodeCidrs'] as const;

/**
 * Why a namespace cannot hold the database, or undefined when it can. `kube-*` namespaces belong
 * to Kubernetes; `default` is refused too: a Namespace object of ours for it would make a
 * GitOps prune or `pulumi destroy` try to delete it, and with DNS chaining every other cluster
 * would forward `default.svc.<domain>` away, so its own `kubernetes.default.svc` would resolve
 * to another cluster's API server.
 */
export function systemNamespaceReason(namespace: string): string | undefined {
  if (namespace.startsWith('kube-')) return `${show(namespace)} belongs to Kubernetes; the library never takes over a kube-* namespace (the DNS chain's own objects in kube-system are placed by the strategy)`;
  if (namespace === 'default') {
    return "'default' cannot hold the database: its Namespace object would be the cluster's own (a prune or destroy would try to delete it), and with DNS chaining the other clusters would forward 'default.svc' (their own kubernetes.default.svc) here; use a namespace of its own";
  }
  return undefined;
}

/** The namespace of a cluster entry as written (the name when not given). */
export function namespaceField(cluster: Record<string, unknown>): unknown {
  return cluster.namespace === undefined ? cluster.name : cluster.namespace;
}

/** The cluster DNS domain as written, canonical when it is a DNS name. */
export function clusterDomainField(cluster: Record<string, unknown>): unknown {
  const domain = cluster.clusterDomain === undefined ? DEFAULT_CLUSTER_DOMAIN : cluster.clusterDomain;
  return isDnsName(domain) ? canonicalDnsName(domain) : domain;
}

/** Every per-cluster rule: names, namespaces, cloud, region, nodes, zones, domain, DNS kind, CIDRs. */
export function checkClusters(context: CheckContext): void {
  const { snapshot, report } = context;
  const clusters = snapshot.clusters;
  if (clusters.length === 0) report('clusters', 'at least one cluster is required');
  const names = new Map<string, number>();
  const namespaces = new Map<string, number>();
  const cidrs: LabelledCidr[] = [];
  const baseName = snapshot.props.name === undefined ? COCKROACH_DEFAULTS.name : snapshot.props.name;
  clusters.forEach((cluster, i) => {
    if (!cluster) return;
    const at = `clusters[${i}]`;
    const name = cluster.name;
    if (!isDnsLabel(name)) {
      report(`${at}.name`, `${show(name)} is not a DNS-1123 label (lower-case letters, digits and '-', at most 63)`);
    } else if (names.has(name)) {
      report(`${at}.name`, `${show(name)} is already the name of clusters[${names.get(name)}]`);
    } else {
      names.set(name, i);
    }
    const namespace = namespaceField(cluster);
    const namespacePath = cluster.namespace === undefined ? `${at}.name (the default namespace)` : `${at}.namespace`;
    if (!isDnsLabel(namespace)) {
      report(namespacePath, `${show(namespace)} is not a DNS-1123 label`);
    } else if (systemNamespaceReason(namespace)) {
      report(namespacePath, systemNamespaceReason(namespace)!);
    } else if (namespaces.has(namespace) && snapshot.networking?.kind !== 'clusterSet') {
      // A cluster set shares one namespace on purpose (MCS namespace sameness; checked in cluster-set.ts).
      report(namespacePath, `namespace ${show(namespace)} is already used by clusters[${namespaces.get(namespace)}]; DNS forwarding is keyed on '<namespace>.svc.<domain>', so namespaces must be unique across clusters`);
    } else {
      namespaces.set(namespace, i);
    }
    if (typeof cluster.cloud !== 'string' || !CLOUDS.includes(cluster.cloud)) {
      report(`${at}.cloud`, `${show(cluster.cloud)} is not one of ${quotedList(CLOUDS)}`);
    }
    const region = cluster.region;
    if (typeof region !== 'string' || region.length === 0) {
      report(`${at}.region`, `${show(region)}: a region is required (it is the locality region tier multi-region SQL uses)`);
    } else if (!isLabelValue(region)) {
      report(`${at}.region`, `${show(region)} is not a region name (letters, digits, '-', '_', '.', at most 63; it is a locality value and a label value)`);
    }
    const nodes = cluster.nodes;
    const nodesValid = typeof nodes === 'number' && Number.isInteger(nodes) && nodes >= 1 && nodes <= MAX_NODES_PER_CLUSTER;
    if (!nodesValid) report(`${at}.nodes`, `${show(nodes)} must be an integer from 1 to ${MAX_NODES_PER_CLUSTER}`);
    const zones = readOptionalList(cluster.zones, `${at}.zones`, report, 'a list of zone names');
    zones?.forEach((zone, j) => {
      if (typeof zone !== 'string' || zone.length === 0 || !isLabelValue(zone)) {
        report(`${at}.zones[${j}]`, `${show(zone)} is not a zone name (it is matched against the node label topology.kubernetes.io/zone: letters, digits, '-', '_', '.', at most 63)`);
      } else if (zones.indexOf(zone) !== j) {
        report(`${at}.zones[${j}]`, `${show(zone)} is listed twice`);
      }
    });
    const domain = clusterDomainField(cluster);
    if (!isDnsName(domain)) report(`${at}.clusterDomain`, `${show(cluster.clusterDomain)} is not a DNS name`);
    if (cluster.dns !== undefined && (typeof cluster.dns !== 'string' || !DNS_KINDS.includes(cluster.dns))) {
      report(`${at}.dns`, `${show(cluster.dns)} is not one of ${quotedList(DNS_KINDS)}`);
    }
    if (isDnsLabel(baseName) && isDnsLabel(namespace) && isDnsName(domain) && nodesValid) {
      const lastPod = podName(baseName, (nodes as number) - 1);
      const fqdn = `${lastPod}.${baseName}.${namespace}.svc.${domain}`;
      if (lastPod.length > 63) {
        report(`${at}.nodes`, `pod name ${show(lastPod)} is longer than 63 characters`);
      } else if (fqdn.length > 253) {
        report(`${at}.namespace`, `pod FQDN ${show(fqdn)} is ${fqdn.length} characters; DNS allows 253`);
      }
    }
    for (const kind of CIDR_FIELDS) {
      const list = readOptionalList(cluster[kind], `${at}.${kind}`, report, 'a list of CIDR blocks');
      list?.forEach((cidr, j) => cidrs.push({ path: `${at}.${kind}[${j}]`, cidr: cidr as string }));
    }
  });
  for (const problem of checkDisjointCidrs(cidrs)) report(problem.path, problem.message);
}
