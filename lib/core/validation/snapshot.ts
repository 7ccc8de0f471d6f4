import { readClusterSet } from './cluster-set';
import { isDirectPathKind, readDirectPathSnapshot } from './direct-path';
import { OwnCorednsSnapshot, readOwnCoredns } from './own-coredns';
import { isInstance, isList, keyPath, readKeyedMap, readList, readObject, Report } from './read';
import { readSqlEndpoints, SqlEndpointsSnapshot } from '../endpoints/read';
import { Networking, NetworkingKind } from '../networking';
import { show } from '../problems';
import { Tls, TlsKind } from '../tls';

/** Addresses an engine learned at deploy time; they are checked like the ones given up front. */
export interface ResolvedAddressInput {
  /** Per cluster, per pod ordinal: the pod's load-balancer address. */
  readonly podAddresses?: unknown;
  /** Per cluster: the DNS load balancer's IP. */
  readonly dnsAddresses?: unknown;
  /** Per cluster: the join load balancer's address(es) (`Networking.podIps`). */
  readonly joinAddresses?: unknown;
}

/** The networking strategy as read: its kind and a copy of its options. */
export interface NetworkingSnapshot {
  readonly kind: NetworkingKind;
  /** A null-prototype copy of the options (lists and maps still as given; see below). */
  readonly options: Record<string, unknown>;
  /** DNS chain: the DNS addresses by cluster name, resolved ones included. */
  readonly dnsAddresses?: Map<string, unknown>;
  /** Per-pod load balancers: the address entries by cluster name (each a copied list, or the bad value). */
  readonly addresses?: Map<string, unknown>;
  /** Pod IPs: the join load balancers' addresses by cluster name, resolved ones included. */
  readonly joinAddresses?: Map<string, unknown>;
  /** Host networking: the node lists by cluster name (each a copied list of copied entries, or the bad value). */
  readonly hostNodes?: Map<string, unknown>;
  /** Cluster set: the cluster ids by cluster name. */
  readonly clusterIds?: Map<string, unknown>;
  /** DNS chain with a CoreDNS of its own: its options (a null-prototype copy) and its ClusterIPs by cluster name. */
  readonly ownCoredns?: OwnCorednsSnapshot;
}

/** The TLS strategy as read. */
export interface TlsSnapshot {
  readonly kind: TlsKind;
  readonly options: Record<string, unknown>;
  /** The instance itself when it comes from this copy of the library (its options may hold Pulumi secrets). */
  readonly instance?: Tls;
}

/** The whole input, read once into plain data. */
export interface TopologySnapshot {
  /** A null-prototype copy of the props' fields. */
  readonly props: Record<string, unknown>;
  /** Each cluster's fields, or undefined for an entry that is not an object (reported). */
  readonly clusters: ReadonlyArray<Record<string, unknown> | undefined>;
  readonly networking?: NetworkingSnapshot;
  readonly tls?: TlsSnapshot;
  /** The client endpoints, when given. */
  readonly sqlEndpoints?: SqlEndpointsSnapshot;
}

const NETWORKING_KINDS: readonly NetworkingKind[] = ['dnsChain', 'perPodLoadBalancers', 'podIps', 'hostNetwork', 'clusterSet'];
const TLS_KINDS: readonly TlsKind[] = ['certManager', 'generated', 'existingCa', 'insecure'];
const TOPOLOGY_FIELDS = [
  'clusters', 'networking', 'tls', 'image', 'version', 'name', 'storageSize', 'storageClass', 'cpu', 'memory', 'extraStartFlags',
  'initCluster', 'survivalGoal', 'database', 'primaryRegion', 'terminationGracePeriodSeconds', 'localityImage', 'sqlEndpoints',
];
const POD_ADDRESS_FIELDS = ['address', 'gcpAddressName', 'awsEipAllocation', 'awsSubnet'];
const CLUSTER_LIST_FIELDS = ['zones', 'podCidrs', 'serviceCidrs', 'nodeCidrs'];
const CLUSTER_FIELDS = ['name', 'cloud', 'region', 'nodes', 'zones', 'namespace', 'clusterDomain', 'dns', 'podCidrs', 'serviceCidrs', 'nodeCidrs'];

/**
 * Reads the props into a {@link TopologySnapshot}, reporting every value whose shape is wrong
 * (not an object, not a list, unreadable). Leaf values are checked by the checkers.
 */
export function readSnapshot(input: unknown, report: Report, resolved: ResolvedAddressInput = {}): TopologySnapshot | undefined {
  const props = readObject(input, '(props)', report, 'the props object', TOPOLOGY_FIELDS);
  if (!props) return undefined;
  const clusterList = props.clusters === undefined ? [] : readList(props.clusters, 'clusters', report, 'a list of clusters') ?? [];
  const clusters = clusterList.map((cluster, i) => {
    const fields = readObject(cluster, `clusters[${i}]`, report, 'a cluster object', CLUSTER_FIELDS);
    // Lists are copied now, so every later reader sees the same items; other shapes are reported by the checkers.
    for (const key of CLUSTER_LIST_FIELDS) {
      if (fields && isList(fields[key])) fields[key] = readList(fields[key], `clusters[${i}].${key}`, report, 'a list');
    }
    return fields;
  });
  return {
    props,
    clusters,
    networking: readNetworking(props.networking, report, resolved),
    tls: readTls(props.tls, report),
    sqlEndpoints: readSqlEndpoints(props.sqlEndpoints, report),
  };
}

function readNetworking(value: unknown, report: Report, resolved: ResolvedAddressInput): NetworkingSnapshot | undefined {
  const expected = 'Networking.dnsChain(...), Networking.perPodLoadBalancers(...), Networking.podIps(...), Networking.hostNetwork(...) or Networking.clusterSet(...)';
  // A Networking from another copy of the library has the same shape: accept it by its kind.
  const fields = isInstance(value, Networking) ? { kind: value.kind, options: value.options } : readObject(value, 'networking', report, expected, ['kind', 'options']);
  if (!fields) return undefined;
  const kind = fields.kind as NetworkingKind;
  if (!NETWORKING_KINDS.includes(kind)) {
    report('networking', `expected ${expected}, got ${show(value)}`);
    return undefined;
  }
  const options = fields.options === undefined ? Object.create(null) as Record<string, unknown> : readObject(fields.options, 'networking', report, 'the strategy options');
  if (!options) return undefined;
  if (isDirectPathKind(kind)) return readDirectPathSnapshot(kind, options, report, resolved);
  if (kind === 'dnsChain') {
    const dnsAddresses = options.dnsAddresses === undefined ? new Map<string, unknown>()
      : readKeyedMap(options.dnsAddresses, 'networking.dnsAddresses', report, 'a map of DNS addresses by cluster name');
    const resolvedDns = resolved.dnsAddresses === undefined ? undefined
      : readKeyedMap(resolved.dnsAddresses, 'networking.dnsAddresses', report, 'a map of DNS addresses by cluster name');
    for (const [cluster, ip] of resolvedDns ?? []) dnsAddresses?.set(cluster, ip);
    return { kind, options, dnsAddresses, ...readOwnCoredns(options.ownCoredns, report) };
  }
  if (kind === 'clusterSet') return { kind, options, ...readClusterSet(options, report) };
  const given = options.addresses === undefined ? new Map<string, unknown>()
    : readKeyedMap(options.addresses, 'networking.addresses', report, 'a map of address lists by cluster name');
  const addresses = new Map<string, unknown>();
  for (const [cluster, list] of given ?? []) {
    const path = keyPath('networking.addresses', cluster);
    const entries = readList(list, path, report, 'a list of addresses');
    // Object entries ({ address, gcpAddressName, ... }) are copied too; an unreadable one becomes null (reported).
    addresses.set(cluster, entries?.map((entry, j) => (entry !== null && typeof entry === 'object'
      ? readObject(entry, `${path}[${j}]`, report, 'an address', POD_ADDRESS_FIELDS) ?? null : entry)));
  }
  const resolvedPods = resolved.podAddresses === undefined ? undefined
    : readKeyedMap(resolved.podAddresses, 'networking.addresses', report, 'a map of address lists by cluster name');
  for (const [cluster, list] of resolvedPods ?? []) {
    const learned = readList(list, keyPath('networking.addresses', cluster), report, 'a list of addresses') ?? [];
    const current = addresses.get(cluster);
    const merged = Array.isArray(current) ? [...current] : [];
    if (current === undefined && given?.has(cluster)) continue; // the given list is bad, and reported
    learned.forEach((address, i) => {
      if (address === undefined || address === '') return;
      const entry = merged[i];
      merged[i] = entry !== null && typeof entry === 'object' ? { ...entry, address } : address;
    });
    addresses.set(cluster, merged);
  }
  return { kind, options, ...(given ? { addresses } : {}) };
}

function readTls(value: unknown, report: Report): TlsSnapshot | undefined {
  const expected = 'Tls.certManager(), Tls.generated(), Tls.existingCa(...) or Tls.insecure()';
  const instance = isInstance(value, Tls) ? value : undefined;
  // Never show the value: a Tls-like object may carry a CA private key.
  const fields = instance ? { kind: instance.kind, options: instance.options }
    : readObject(value, 'tls', report, expected, ['kind', 'options']);
  if (!fields) return undefined;
  const kind = fields.kind as TlsKind;
  if (!TLS_KINDS.includes(kind)) {
    report('tls', `expected ${expected}, got ${show(value)}`);
    return undefined;
  }
  const options = fields.options === undefined ? Object.create(null) as Record<string, unknown> : readObject(fields.options, 'tls', report, 'the TLS options');
  if (!options) return undefined;
  return { kind, options, ...(instance ? { instance } : {}) };
}
