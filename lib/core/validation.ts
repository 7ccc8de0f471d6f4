import { canonicalIp } from './cidr';
import { findCloudProblems } from './cloud/validation';
import { checkSqlEndpoints } from './endpoints/validation';
import { Engine, TopologyInput } from './input';
import { findLifecycleProblems } from './lifecycle-validation';
import { DnsChainOptions, Networking, PerPodLoadBalancersOptions, PodAddress } from './networking';
import { Problem, throwIfProblems } from './problems';
import { ClusterSetOptions } from './strategies/cluster-set';
import { canonicalTls, canonicalTopology } from './validation/canonical';
import { checkClusterSet } from './validation/cluster-set';
import { checkClusters } from './validation/clusters';
import { checkCockroachOptions } from './validation/cockroach-options';
import { CheckContext, TopologyChecker } from './validation/context';
import { checkDirectPath, isDirectPathKind, rebuildDirectPath } from './validation/direct-path';
import { checkDnsDomains } from './validation/dns-domains';
import { isDnsLabel } from './validation/kubernetes-values';
import { checkNetworking } from './validation/networking';
import { checkOwnCoredns } from './validation/own-coredns';
import { isList, toLookup } from './validation/read';
import { NetworkingSnapshot, ResolvedAddressInput, readSnapshot } from './validation/snapshot';
import { checkTls } from './validation/tls';

export { isDnsLabel, isDnsName } from './validation/kubernetes-values';

/**
 * The checks every topology goes through, in the order their problems are listed. A new concern
 * (a cloud profile, a day-2 option) adds its checker here; each reads the snapshot and reports.
 */
const CHECKERS: readonly TopologyChecker[] = [
  checkClusters,
  checkDnsDomains,
  checkCockroachOptions,
  checkNetworking,
  // Networking.podIps and Networking.hostNetwork: join addresses, node lists, pod-range routing.
  checkDirectPath,
  // The MCS cluster set, and the DNS chain's CoreDNS of its own (lib/core/strategies).
  checkClusterSet,
  checkOwnCoredns,
  checkTls,
  // Day 2: upgrades, scale-down, region removal and the production options.
  propsChecker(findLifecycleProblems),
  // What each cloud's load-balancer and DNS controllers accept (lib/core/cloud).
  propsChecker(findCloudProblems),
  // Client endpoints: SQL load balancers, names, TTLs and health checks (lib/core/endpoints).
  checkSqlEndpoints,
];

/**
 * Adapts a check written against the props (`(input, engine) => Problem[]`, like the day-2 and
 * cloud checks) to a checker: it receives a plain copy of the props (fields read once; a cluster
 * that is not an object is null, so the others keep their index), with the networking and TLS
 * strategies rebuilt from what was read, never the user's objects, so it cannot be fooled by a
 * getter or crash on a proxy. IPs are in their one spelling where they parse (`::ffff:10.2.0.53`
 * is the IPv4 address `10.2.0.53`), as the plan will have them.
 * @internal
 */
export function propsChecker(check: (input: TopologyInput, engine?: Engine) => readonly Problem[]): TopologyChecker {
  return (context) => {
    const { snapshot } = context;
    const input = {
      ...snapshot.props,
      clusters: snapshot.clusters.map((c) => c ?? null),
      networking: snapshot.networking && readNetworking(snapshot.networking),
      tls: snapshot.tls && canonicalTls(snapshot),
    } as unknown as TopologyInput;
    for (const problem of check(input, context.engine)) context.report(problem.path, problem.message);
  };
}

/**
 * The strategy as read: the address maps as null-prototype records (undefined when unreadable) with
 * canonical IPs; lists copied; a value of another shape null (each reported by checkNetworking).
 */
function readNetworking(networking: NetworkingSnapshot): Networking {
  if (isDirectPathKind(networking.kind)) return rebuildDirectPath(networking);
  const ip = (value: unknown) => (value !== null && typeof value === 'object' ? null : canonicalIp(value) ?? value);
  const options: Record<string, unknown> = { ...networking.options };
  for (const key of ['tcpOnlyClusters', 'sourceRanges']) {
    if (options[key] !== undefined) options[key] = isList(options[key]) ? [...options[key] as unknown[]] : null;
  }
  if (networking.kind === 'clusterSet') {
    if (networking.clusterIds) options.clusterIds = toLookup(networking.clusterIds);
    return Networking.clusterSet(options as ClusterSetOptions);
  }
  if (networking.kind === 'dnsChain') {
    options.dnsAddresses = networking.dnsAddresses && toLookup([...networking.dnsAddresses].map(([cluster, value]) =>
      [cluster, isList(value) ? value.map(ip) : ip(value)] as const));
    if (networking.ownCoredns) {
      const own = networking.ownCoredns;
      const clusterIps = own.clusterIps ? { clusterIps: toLookup([...own.clusterIps].map(([c, v]) => [c, ip(v)] as const)) } : {};
      options.ownCoredns = { ...own.options, ...clusterIps };
    } else if (options.ownCoredns !== undefined) {
      options.ownCoredns = null;
    }
  } else {
    options.addresses = networking.addresses && toLookup([...networking.addresses].map(([cluster, list]) => [cluster, isList(list)
      ? list.map((entry) => (entry !== null && typeof entry === 'object' ? { ...entry, address: ip((entry as PodAddress).address) } : ip(entry)))
      : null] as const));
  }
  return networking.kind === 'dnsChain' ? Networking.dnsChain(options as DnsChainOptions) : Networking.perPodLoadBalancers(options as PerPodLoadBalancersOptions);
}

/**
 * The outcome of reading a topology: its problems, and the canonical topology when there are none.
 * @internal
 */
export interface ReadTopology {
  /** Every problem found; empty when the topology is valid. */
  readonly problems: readonly Problem[];
  /** The canonical topology (plain copies, canonical values); present only when there is no problem. */
  readonly topology?: TopologyInput;
}

/**
 * Reads, checks and canonicalises the input. Never throws, whatever the input: values are read
 * once into plain data, checked by every checker, and only a topology without problems is
 * turned into the canonical `TopologyInput` the plan is derived from.
 * @param resolved addresses an engine learned at deploy time; checked like the given ones
 * @internal
 */
export function readTopology(input: unknown, engine?: Engine, resolved?: ResolvedAddressInput): ReadTopology {
  const problems: Problem[] = [];
  const report = (path: string, message: string) => problems.push({ path, message });
  const snapshot = readSnapshot(input, report, resolved);
  if (!snapshot) return { problems };
  const clusterIndex = new Map<string, number>();
  snapshot.clusters.forEach((cluster, i) => {
    if (cluster && isDnsLabel(cluster.name) && !clusterIndex.has(cluster.name)) clusterIndex.set(cluster.name, i);
  });
  const context: CheckContext = { snapshot, engine, report, clusterIndex };
  for (const checker of CHECKERS) {
    try {
      checker(context);
    } catch {
      // Only reachable through a value that throws when inspected (a hostile proxy); never through plain data.
      report('(props)', 'could not be checked: a value threw when it was inspected; pass plain data');
    }
  }
  if (problems.length > 0) return { problems };
  return { problems, topology: canonicalTopology(snapshot) };
}

/**
 * Checks the whole input and returns every problem found (empty when valid). Never throws,
 * whatever the input: it is the gate in front of every construct.
 */
export function findTopologyProblems(input: TopologyInput, engine?: Engine): Problem[] {
  return [...readTopology(input, engine).problems];
}

/** Throws a `TopologyError` listing every problem of the input. */
export function validateTopology(input: TopologyInput, engine?: Engine): void {
  throwIfProblems(findTopologyProblems(input, engine));
}
