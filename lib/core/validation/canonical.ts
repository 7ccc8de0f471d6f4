import { clusterDomainField } from './clusters';
import { canonicalDirectPath, isDirectPathKind } from './direct-path';
import { parseImageReference } from './image-reference';
import { isDnsName } from './kubernetes-values';
import { isList, toLookup } from './read';
import { TopologySnapshot } from './snapshot';
import { canonicalIp } from '../cidr';
import { COCKROACH_DEFAULTS } from '../defaults';
import { canonicalSqlEndpoints } from '../endpoints/read';
import { TopologyInput } from '../input';
import { DnsChainOptions, Networking, PerPodLoadBalancersOptions, PodAddress } from '../networking';
import { ClusterSetOptions } from '../strategies/cluster-set';
import { OwnCorednsOptions } from '../strategies/own-coredns';
import { Tls } from '../tls';
import { ClusterSpec } from '../topology';

/**
 * The topology the plan is derived from, built from a snapshot without problems: plain copies
 * (so nothing the user holds can change it afterwards), user-keyed maps as null-prototype
 * records (a lookup never sees an inherited property), and every value in its one spelling:
 * cluster domains and DNS names lower case without a trailing dot, IPs canonical
 * (`::ffff:10.2.0.53` → `10.2.0.53`, `fd00:0:0::53` → `fd00::53`), an image digest moved from
 * `image` to `version` so `<image>:<version>` stays one valid reference. Fields this library
 * does not know yet are kept as given, for the checkers that own them.
 */
export function canonicalTopology(snapshot: TopologySnapshot): TopologyInput {
  const props = snapshot.props;
  const clusters: ClusterSpec[] = snapshot.clusters.map((cluster) => {
    const c = cluster!;
    return {
      ...c,
      clusterDomain: clusterDomainField(c) as string,
      ...(isList(c.zones) ? { zones: [...c.zones] } : {}),
      ...(isList(c.podCidrs) ? { podCidrs: [...c.podCidrs] } : {}),
      ...(isList(c.serviceCidrs) ? { serviceCidrs: [...c.serviceCidrs] } : {}),
      ...(isList(c.nodeCidrs) ? { nodeCidrs: [...c.nodeCidrs] } : {}),
    } as unknown as ClusterSpec;
  });
  return {
    ...(props as unknown as TopologyInput),
    ...canonicalImage(props),
    ...(isList(props.extraStartFlags) ? { extraStartFlags: [...props.extraStartFlags] as string[] } : {}),
    clusters,
    networking: canonicalNetworking(snapshot),
    tls: canonicalTls(snapshot),
    ...(snapshot.sqlEndpoints ? { sqlEndpoints: canonicalSqlEndpoints(snapshot.sqlEndpoints) } : {}),
  };
}

function canonicalImage(props: Record<string, unknown>): { image?: string; version?: string } {
  if (typeof props.image !== 'string') return {};
  const parsed = parseImageReference(props.image);
  if (typeof parsed === 'string' || parsed.digest === undefined) return {};
  const version = typeof props.version === 'string' ? props.version : undefined;
  return { image: parsed.name, version: `${version ?? COCKROACH_DEFAULTS.version}@${parsed.digest}` };
}

function canonicalNetworking(snapshot: TopologySnapshot): Networking {
  const networking = snapshot.networking!;
  if (isDirectPathKind(networking.kind)) return canonicalDirectPath(networking);
  const options = networking.options;
  // Copies of the lists the checkers validated for this strategy (options of the other strategy are left as given).
  const lists = {
    ...(networking.kind === 'dnsChain' && isList(options.tcpOnlyClusters) ? { tcpOnlyClusters: [...options.tcpOnlyClusters] } : {}),
    ...(isList(options.sourceRanges) ? { sourceRanges: [...options.sourceRanges] } : {}),
  };
  if (networking.kind === 'clusterSet') {
    return Networking.clusterSet({
      ...options,
      ...(typeof options.domain === 'string' ? { domain: options.domain.toLowerCase().replace(/\.$/, '') } : {}),
      ...(networking.clusterIds ? { clusterIds: toLookup(networking.clusterIds as Map<string, string>) } : {}),
    } as ClusterSetOptions);
  }
  if (networking.kind === 'dnsChain') {
    const dnsAddresses = toLookup([...networking.dnsAddresses!].map(([cluster, ip]) =>
      [cluster, Array.isArray(ip) ? ip.map((entry) => canonicalIp(entry)!) : canonicalIp(ip)!] as const));
    const own = networking.ownCoredns;
    const ownCoredns: OwnCorednsOptions | undefined = own && {
      ...own.options,
      ...(own.clusterIps ? { clusterIps: toLookup([...own.clusterIps].map(([cluster, ip]) => [cluster, canonicalIp(ip)!] as const)) } : {}),
    };
    return Networking.dnsChain({ ...options, ...lists, dnsAddresses, ...(ownCoredns ? { ownCoredns } : {}) } as DnsChainOptions);
  }
  const addresses = networking.addresses === undefined ? undefined : toLookup([...networking.addresses].map(([cluster, list]) =>
    [cluster, (list as unknown[]).map(canonicalPodAddress)] as const));
  return Networking.perPodLoadBalancers({ ...options, ...lists, ...(addresses ? { addresses } : {}) } as PerPodLoadBalancersOptions);
}

function canonicalPodAddress(entry: unknown): string | PodAddress {
  if (typeof entry === 'string') return canonicalAddress(entry);
  const fields = entry as Record<string, unknown>;
  return { ...fields, address: canonicalAddress(fields.address as string) } as unknown as PodAddress;
}

function canonicalAddress(address: string): string {
  const ip = canonicalIp(address);
  if (ip !== undefined) return ip;
  return isDnsName(address) ? address.toLowerCase().replace(/\.$/, '') : address;
}

/** The TLS strategy as read: our own instance kept, one from another copy of the library rebuilt. @internal */
export function canonicalTls(snapshot: TopologySnapshot): Tls {
  const tls = snapshot.tls!;
  // Our own instance is kept: its options may hold engine secrets that must not be copied around.
  if (tls.instance) return tls.instance;
  const options = { ...tls.options };
  switch (tls.kind) {
    case 'certManager': return Tls.certManager(options);
    case 'generated': return Tls.generated(options);
    case 'existingCa': return Tls.existingCa(options as never);
    default: return Tls.insecure();
  }
}
