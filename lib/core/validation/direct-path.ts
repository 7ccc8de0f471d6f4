// Reading and checking the direct-path strategies (Networking.podIps, Networking.hostNetwork):
// their options read once into plain data, every problem reported with its field path.
import { CheckContext, quotedList } from './context';
import { isDnsName, isDnsSubdomain, isLabelValue } from './kubernetes-values';
import { addressKey, clusterBlocks } from './networking';
import { isList, keyPath, readKeyedMap, readList, readObject, Report, toLookup } from './read';
import type { NetworkingSnapshot, ResolvedAddressInput } from './snapshot';
import { cidrContainsIp, canonicalIp, parseCidr, ParsedCidr, parseIp, unreachableReason } from '../cidr';
import { eksSubnetsInOrder, findAwsAddressProblems } from '../cloud/aws';
import { genericLoadBalancersArePrivate } from '../cloud/generic';
import { Networking } from '../networking';
import { show } from '../problems';
import { DEFAULT_NODE_PORT_RANGE, HostNetworkNode, HostNetworkOptions, parsePortRange } from '../strategies/host-network';
import { PodIpsOptions } from '../strategies/pod-ips';
import { checkPodCidrsRouted, podCidrsOf } from '../strategies/routed-network';
import { COCKROACH_HTTP_PORT, COCKROACH_PORT, COCKROACH_RPC_PORT } from '../topology';

/** The kinds this file reads and checks. */
export const DIRECT_PATH_KINDS = ['podIps', 'hostNetwork'] as const;

/** True for `Networking.podIps` and `Networking.hostNetwork`. */
export function isDirectPathKind(kind: unknown): kind is (typeof DIRECT_PATH_KINDS)[number] {
  return kind === 'podIps' || kind === 'hostNetwork';
}

const NODE_FIELDS = ['name', 'address'];
const LABEL_KEY = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

/**
 * The strategy's options as read: the join addresses of `podIps` (given, then the engine's resolved
 * ones over them) and the node lists of `hostNetwork`, each entry a plain copy.
 */
export function readDirectPathSnapshot(
  kind: 'podIps' | 'hostNetwork', options: Record<string, unknown>, report: Report, resolved: ResolvedAddressInput,
): NetworkingSnapshot {
  if (kind === 'podIps') {
    const joinAddresses = options.joinAddresses === undefined ? new Map<string, unknown>()
      : readKeyedMap(options.joinAddresses, 'networking.joinAddresses', report, 'a map of join load-balancer addresses by cluster name');
    const learned = resolved.joinAddresses === undefined ? undefined
      : readKeyedMap(resolved.joinAddresses, 'networking.joinAddresses', report, 'a map of join load-balancer addresses by cluster name');
    for (const [cluster, value] of learned ?? []) if (value !== undefined && value !== '') joinAddresses?.set(cluster, value);
    for (const [cluster, value] of joinAddresses ?? []) {
      if (isList(value)) joinAddresses!.set(cluster, readList(value, keyPath('networking.joinAddresses', cluster), report, 'a list of addresses'));
    }
    return { kind, options, joinAddresses };
  }
  const given = options.nodes === undefined ? new Map<string, unknown>()
    : readKeyedMap(options.nodes, 'networking.nodes', report, 'a map of node lists by cluster name');
  const nodes = new Map<string, unknown>();
  for (const [cluster, list] of given ?? []) {
    const path = keyPath('networking.nodes', cluster);
    const entries = readList(list, path, report, 'a list of nodes { name, address }');
    nodes.set(cluster, entries?.map((entry, j) => readObject(entry, `${path}[${j}]`, report, 'a node { name, address }', NODE_FIELDS) ?? null));
  }
  return { kind, options, hostNodes: given ? nodes : undefined };
}

/** The strategy rebuilt from what was read, IPs in their one spelling (for the checks written against the props). */
export function rebuildDirectPath(networking: NetworkingSnapshot): Networking {
  const options: Record<string, unknown> = { ...networking.options };
  if (options.sourceRanges !== undefined) options.sourceRanges = isList(options.sourceRanges) ? [...options.sourceRanges] : null;
  if (networking.kind === 'podIps') {
    options.joinAddresses = networking.joinAddresses && toLookup([...networking.joinAddresses].map(([cluster, value]) =>
      [cluster, isList(value) ? value.map(canonicalAddress) : canonicalAddress(value)] as const));
    if (isList(options.routedBy)) options.routedBy = [...options.routedBy];
    return Networking.podIps(options as PodIpsOptions);
  }
  options.nodes = networking.hostNodes && toLookup([...networking.hostNodes].map(([cluster, list]) =>
    [cluster, isList(list) ? list.map((n) => (n !== null && typeof n === 'object' ? { ...n, address: canonicalAddress((n as HostNetworkNode).address) } : n)) : list] as const));
  if (options.nodeSelector !== undefined && options.nodeSelector !== null && typeof options.nodeSelector === 'object') {
    options.nodeSelector = { ...options.nodeSelector };
  }
  return Networking.hostNetwork(options as HostNetworkOptions);
}

/** The canonical strategy of a topology without problems: plain copies, IPs and names in their one spelling. */
export function canonicalDirectPath(networking: NetworkingSnapshot): Networking {
  return rebuildDirectPath(networking);
}

/** An IP in its one spelling, a DNS name lower case without a trailing dot; anything else as given. */
function canonicalAddress(value: unknown): unknown {
  const ip = canonicalIp(value);
  if (ip !== undefined) return ip;
  return isDnsName(value) ? value.toLowerCase().replace(/\.$/, '') : value;
}

/** The checks of `Networking.podIps` and `Networking.hostNetwork`; nothing for another strategy. */
export function checkDirectPath(context: CheckContext): void {
  const networking = context.snapshot.networking;
  if (networking?.kind === 'podIps') checkPodIps(context, networking);
  if (networking?.kind === 'hostNetwork') checkHostNetwork(context, networking);
}

/** The valid clusters of the snapshot: index, fields. */
function validClusters(context: CheckContext): Array<{ index: number; cluster: Record<string, unknown>; name: string }> {
  return context.snapshot.clusters.flatMap((cluster, index) => {
    const name = cluster?.name;
    return typeof name === 'string' && context.clusterIndex.get(name) === index ? [{ index, cluster: cluster!, name }] : [];
  });
}

/** Why a cluster range cannot carry pod IPs peers dial, or undefined. */
function podRangeProblem(block: ParsedCidr): string | undefined {
  const first = parseIp(block.range.getFirst().toString());
  const reason = typeof first === 'string' ? undefined : unreachableReason(first);
  return reason ? `${show(block.cidr)} is ${reason}: no other cluster can route to pod IPs there` : undefined;
}

function checkPodIps(context: CheckContext, networking: NetworkingSnapshot): void {
  const { report, snapshot, engine } = context;
  const clusters = validClusters(context);
  const blocks = clusterBlocks(context);
  const owners = new Map<string, string>();
  const addresses = networking.joinAddresses;
  for (const [name, value] of addresses ?? []) {
    const path = keyPath('networking.joinAddresses', name);
    const index = context.clusterIndex.get(name);
    if (index === undefined) {
      report(path, `${show(name)} is not the name of any cluster (${quotedList(context.clusterIndex.keys())})`);
      continue;
    }
    if (value === undefined) continue; // an unreadable list, reported when read
    const list = isList(value) ? value : [value];
    if (list.length === 0) report(path, 'an empty list: give the join load balancer\'s address (on AWS its private IP in every subnet)');
    list.forEach((address, j) => {
      const at = isList(value) ? `${path}[${j}]` : path;
      const key = addressKey(address, address, blocks, index, (problem) => report(at, problem));
      if (key === undefined) return;
      if (owners.has(key) && owners.get(key) !== name) report(at, `${show(address)} is also the join address of ${show(owners.get(key))}: each cluster has a load balancer of its own`);
      else if (owners.has(key)) report(at, `${show(address)} is listed twice`);
      else owners.set(key, name);
    });
    const cluster = snapshot.clusters[index]!;
    if (cluster.cloud === 'aws' && list.length > 0 && list.every((a) => typeof a === 'string' && typeof parseIp(a) !== 'string')) {
      findAwsAddressProblems(cluster.eks as never, value, path, `clusters[${index}].eks`, report);
    } else if (cluster.cloud !== 'aws' && list.length > 1) {
      report(path, `${list.length} addresses: a load balancer on ${show(cluster.cloud)} has one address (only an AWS NLB has one per subnet)`);
    }
  }
  for (const { index, cluster, name } of clusters) {
    const at = `clusters[${index}]`;
    const podCidrs = isList(cluster.podCidrs) ? cluster.podCidrs : [];
    // With an engine and a peer the cloud checks require them already (allow-lists, NetworkPolicy).
    if (podCidrs.length === 0 && !(engine !== undefined && clusters.length > 1)) {
      report(`${at}.podCidrs`, 'is required with Networking.podIps: pods advertise their pod IPs, so every cluster\'s pod ranges must be known (checked disjoint and routable, and admitted by the join load balancer and the database NetworkPolicy)');
    }
    podCidrs.forEach((cidr, j) => {
      const block = parseCidr(cidr);
      const problem = typeof block === 'string' ? undefined : podRangeProblem(block);
      if (problem) report(`${at}.podCidrs[${j}]`, problem);
    });
    if (engine === undefined) continue;
    if (addresses?.has(name) !== true && engine === 'cdk8s') {
      report(keyPath('networking.joinAddresses', name), `the join load-balancer address of clusters[${index}] is required: every cluster joins through it, and cdk8s must know it at synth time (reserve a static internal IP${cluster.cloud === 'aws' ? ' in every subnet of eks.subnets' : ''})`);
    }
    if (cluster.cloud === 'aws' && eksSubnetsInOrder(cluster.eks as never).length === 0) {
      report(`${at}.eks.subnets`, 'are required: the join load balancer is an NLB that spans every subnet of the cluster');
    }
    if (cluster.cloud === 'generic' && !genericLoadBalancersArePrivate(cluster.generic as never)) {
      report(`${at}.generic.privateLoadBalancers`, 'the join load balancer must be internal, and the library cannot make a load balancer internal on a generic cluster: set it to true if your implementation hands out private addresses only (e.g. MetalLB on a private pool), or use a cloud profile');
    }
  }
  const tls = snapshot.tls?.kind;
  if (tls === 'generated' || tls === 'existingCa') {
    report('tls', `${tls === 'generated' ? 'Tls.generated()' : 'Tls.existingCa(...)'} signs certificates at deploy time, when no pod IP is known yet: with Networking.podIps every pod gets a certificate for its own IP when it starts, from cert-manager in its cluster. Use Tls.certManager(...) (the CA Secret in every database namespace, e.g. written from your tls.SelfSignedCert), or Tls.insecure() for a test`);
  }
  checkPodCidrsRouted(podCidrsOf(snapshot.clusters, context.clusterIndex), networking.options.routedBy, report);
}

function checkHostNetwork(context: CheckContext, networking: NetworkingSnapshot): void {
  const { report, snapshot, engine } = context;
  const options = networking.options;
  const nodes = networking.hostNodes;
  const staticAddresses = options.staticNodeAddresses;
  if (staticAddresses !== undefined && typeof staticAddresses !== 'boolean') report('networking.staticNodeAddresses', `${show(staticAddresses)} must be true or false`);
  if (options.sourceRanges !== undefined) {
    report('networking.sourceRanges', 'has no effect with Networking.hostNetwork, which creates no load balancer: peers reach the nodes directly, so restrict them with the nodes\' firewall (cloud firewall rules or security groups, e.g. the VPN and peering components\' rules); remove it');
  }
  checkNodeSelector(options.nodeSelector, report);
  const range = options.nodePortRange === undefined ? parsePortRange(DEFAULT_NODE_PORT_RANGE) : parsePortRange(options.nodePortRange);
  if (!range) {
    report('networking.nodePortRange', `${show(options.nodePortRange)} is not a port range like '30000-32767'`);
  } else {
    const separate = snapshot.props.separateSqlPort === true;
    const ports = [
      { port: COCKROACH_PORT, what: separate ? 'SQL' : 'SQL and inter-node RPC' },
      ...(separate ? [{ port: COCKROACH_RPC_PORT, what: 'inter-node RPC (separateSqlPort)' }] : []),
      { port: COCKROACH_HTTP_PORT, what: 'HTTP (DB Console, health)' },
    ];
    for (const { port, what } of ports) {
      if (port >= range[0] && port <= range[1]) {
        report(options.nodePortRange === undefined ? 'networking' : 'networking.nodePortRange', `the database binds port ${port} (${what}) on every listed node, and ${range[0]}-${range[1]} is the NodePort range, where kube-proxy binds Services' node ports: a NodePort Service could take it. Move the NodePort range, or choose another strategy`);
      }
    }
  }
  const blocks = clusterBlocks(context);
  const owners = new Map<string, string>();
  for (const [name, list] of nodes ?? []) {
    const path = keyPath('networking.nodes', name);
    const index = context.clusterIndex.get(name);
    if (index === undefined) {
      report(path, `${show(name)} is not the name of any cluster (${quotedList(context.clusterIndex.keys())})`);
      continue;
    }
    if (!isList(list)) continue; // reported when read
    const cluster = snapshot.clusters[index]!;
    const count = cluster.nodes;
    if (typeof count === 'number' && Number.isInteger(count) && list.length !== count) {
      report(path, `${list.length} node${list.length === 1 ? '' : 's'} for ${count} CockroachDB nodes: list exactly one node per database pod (each runs one, on the host's network), and label exactly those nodes`);
    }
    const nodeCidrs = (isList(cluster.nodeCidrs) ? cluster.nodeCidrs : []).flatMap((c) => {
      const parsed = parseCidr(c);
      return typeof parsed === 'string' ? [] : [parsed];
    });
    const names = new Set<string>();
    list.forEach((entry, j) => {
      const at = `${path}[${j}]`;
      if (entry === null || typeof entry !== 'object') return; // reported when read
      const node = entry as Record<string, unknown>;
      if (!isDnsSubdomain(node.name)) report(`${at}.name`, `${show(node.name)} is not a Node name (a DNS-1123 subdomain)`);
      else if (names.has(node.name)) report(`${at}.name`, `${show(node.name)} is listed twice: one database pod per node`);
      else names.add(node.name);
      const address = node.address;
      const ip = parseIp(address);
      let key: string;
      if (typeof ip !== 'string') {
        const problem = hostAddressProblem(ip, blocks, index, nodeCidrs);
        if (problem) {report(`${at}.address`, problem);} else if (cluster.cloud !== 'generic' && staticAddresses !== true && ['gcp', 'aws', 'azure'].includes(cluster.cloud as string)) {
          report(`${at}.address`, `${show(address)} is a node IP on ${show(cluster.cloud)}, whose managed node pools recreate VMs with new internal IPs (upgrades, repairs, autoscaling): the pod on a recreated node would refuse to start. Reserve static internal IPs for these nodes (and keep upgrades from replacing them), then set networking.staticNodeAddresses: true; or give DNS names that follow the nodes; or use Networking.podIps(), which needs no node address`);
        }
        key = ip.canonical;
      } else if (isDnsName(address) && !/^[0-9.]+$/.test(address)) {
        key = address.toLowerCase().replace(/\.$/, '');
      } else {
        report(`${at}.address`, typeof address === 'string' && /^[0-9.:]+$/.test(address) ? ip : `${show(address)} is neither an IP address nor a DNS name`);
        return;
      }
      if (owners.has(key)) report(`${at}.address`, `${show(address)} is already the address of ${owners.get(key)}`);
      else owners.set(key, at);
    });
  }
  if (engine === undefined) return;
  for (const { index, name } of validClusters(context)) {
    if (nodes?.has(name) !== true) {
      report(keyPath('networking.nodes', name), `the nodes of clusters[${index}] are required: with host networking each database pod runs on a listed node and advertises its static address, which the certificates cover and the join list is made of`);
    }
  }
}

/** Why a node address cannot be used, or undefined. */
function hostAddressProblem(
  ip: ReturnType<typeof parseIp> & object, blocks: ReturnType<typeof clusterBlocks>, owner: number, nodeCidrs: readonly ParsedCidr[],
): string | undefined {
  const unreachable = unreachableReason(ip);
  if (unreachable) return `${show(ip.canonical)} is ${unreachable}: no peer can reach a node there`;
  const inside = blocks.find((b) => cidrContainsIp(b.block, ip) && (b.index !== owner || b.kind === 'serviceCidrs' || b.kind === 'podCidrs'));
  if (inside && !(inside.index === owner && inside.kind === 'podCidrs' && nodeCidrs.some((n) => cidrContainsIp(n, ip)))) {
    return `${show(ip.canonical)} lies inside ${show(inside.block.cidr)}, clusters[${inside.index}].${inside.kind}: a node address is never a pod or Service IP`;
  }
  if (nodeCidrs.length > 0 && !nodeCidrs.some((n) => cidrContainsIp(n, ip))) {
    return `${show(ip.canonical)} is not inside the cluster's nodeCidrs (${nodeCidrs.map((n) => n.cidr).join(', ')}): give the node's internal IP (status.hostIP)`;
  }
  return undefined;
}

function checkNodeSelector(selector: unknown, report: Report): void {
  if (selector === undefined) return;
  const fields = readObject(selector, 'networking.nodeSelector', report, 'labels { key: value }');
  if (!fields) return;
  const entries = Object.entries(fields);
  if (entries.length === 0) report('networking.nodeSelector', 'is empty: every node would qualify; give the label of the listed nodes');
  for (const [key, value] of entries) {
    if (!LABEL_KEY.test(key)) report('networking.nodeSelector', `${show(key)} is not a label key`);
    if (typeof value !== 'string' || !isLabelValue(value)) report(keyPath('networking.nodeSelector', key), `${show(value)} is not a label value`);
  }
}
