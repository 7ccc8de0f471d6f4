import { canonicalIp } from './cidr';
import { AllowLists, allowListsOf } from './cloud/allow-lists';
import { eksSubnetsInOrder } from './cloud/aws';
import { ClusterCloudProfile, resolveCloudProfile } from './cloud/cloud-profile';
import { resolveCockroachOptions } from './defaults';
import { planSqlEndpoints, SqlEndpointsPlan } from './endpoints/plan';
import { Engine, TopologyInput } from './input';
import { clusterVersionOf, decommissionOrdinals, droppedRegions, planUpgrade, remainingNodes, UpgradePlan } from './lifecycle';
import { localityPrefix } from './locality';
import { multiRegionSql } from './multi-region-sql';
import {
  clusterDomainOf, dnsKindOf, namespaceOf, objectNames, ObjectNames, podFqdn, podName, serviceDomainOf,
} from './naming';
import { DatabaseNetworkPolicyOptions } from './network-policy-options';
import { Networking, PodAddress, toPodAddress } from './networking';
import { Problem, show, throwIfProblems } from './problems';
import { hostPort, SanPlan, toSanPlan } from './sans';
import { clusterSetPlan, ClusterSetPlan, clusterSetPodName } from './strategies/cluster-set';
import {
  AdvertiseSource, directPathJoinList, directPathSanAddresses, HostNetworkPlan, hostNetworkOf, JoinLoadBalancerPlan,
  joinLoadBalancerOf, NODE_ADVERTISE_HOST, POD_IP_ADVERTISE_HOST,
} from './strategies/direct-path-plan';
import { clusterDnsForwards, OwnCorednsPlan, planOwnCoredns } from './strategies/own-coredns-plan';
import { Tls } from './tls';
import { Cloud, ClusterDnsKind, COCKROACH_PORT, COCKROACH_RPC_PORT, ResolvedCockroachOptions } from './topology';
import { readTopology } from './validation';
import { canonicalDnsName, isDnsName } from './validation/kubernetes-values';
import { ownValue } from './validation/read';

/** Addresses an engine learned at deploy time (Pulumi: load-balancer outputs), as plain strings. */
export interface ResolvedAddresses {
  /** Per cluster, per pod ordinal: the pod's load-balancer address. Overrides the strategy options. */
  readonly podAddresses?: Readonly<Record<string, readonly string[]>>;
  /** Per cluster: the DNS load balancer's IP(s). Overrides the strategy options. */
  readonly dnsAddresses?: Readonly<Record<string, string | readonly string[]>>;
  /** Per cluster: the join load balancer's address(es) (`Networking.podIps`). Overrides the strategy options. */
  readonly joinAddresses?: Readonly<Record<string, string | readonly string[]>>;
  /**
   * Per cluster: the addresses its SQL load balancer reported (an IP, or an AWS NLB's DNS name);
   * added to the pinned ones, in the node certificate and the records.
   */
  readonly sqlAddresses?: Readonly<Record<string, readonly string[]>>;
}

/** Options of {@link planDeployment}. */
export interface PlanOptions {
  /** The engine the plan is for; it decides which inputs are required. @default - no engine-specific checks */
  readonly engine?: Engine;
  /** Addresses resolved by the engine. @default {} */
  readonly resolved?: ResolvedAddresses;
  /**
   * Fill addresses that are not known yet with placeholders under the reserved `.invalid` domain.
   * The set of objects never depends on addresses, so a placeholder plan names every object an engine
   * must register before the addresses exist (Pulumi preview).
   * @default false
   */
  readonly placeholders?: boolean;
}

/** One pod of the plan. */
export interface PodPlan {
  /** Pod name, `<sts>-<ordinal>`. */
  readonly name: string;
  readonly ordinal: number;
  /** In-cluster FQDN through the headless Service. */
  readonly fqdn: string;
  /** The host the pod advertises to its peers (and clients of `--join`). */
  readonly advertiseHost: string;
  /** The load-balancer address spec, for the per-pod load-balancer strategy. */
  readonly loadBalancer?: PodAddress;
  /**
   * Set when the pod learns its advertise address at start: its own pod IP (`Networking.podIps`) or
   * its node's listed address (`Networking.hostNetwork`); `advertiseHost` is then a marker
   * (`$(POD_IP)`, `$(NODE_ADDRESS)`), not an address.
   */
  readonly advertiseFrom?: AdvertiseSource;
}

/** Forwarding of one remote cluster's service domain to its DNS load balancer. */
export interface DnsForward {
  /** The remote cluster. */
  readonly cluster: string;
  /** `<namespace>.svc.<clusterDomain>` of the remote cluster. */
  readonly domain: string;
  /** The remote DNS load balancer's IPs (empty while unresolved). */
  readonly servers: readonly string[];
  /** The remote DNS load balancer answers on TCP only. */
  readonly forceTcp: boolean;
}

/** Everything derived for one cluster. */
export interface ClusterPlan {
  readonly name: string;
  readonly cloud: Cloud;
  readonly region: string;
  readonly zones: readonly string[];
  readonly nodes: number;
  readonly namespace: string;
  readonly clusterDomain: string;
  readonly dns: ClusterDnsKind;
  /** `<namespace>.svc.<clusterDomain>`. */
  readonly serviceDomain: string;
  readonly names: ObjectNames;
  readonly pods: readonly PodPlan[];
  /** `cloud=..,region=..`; the zone tier is added at pod start. */
  readonly localityPrefix: string;
  /** Subject alternative names of this cluster's node certificate. */
  readonly nodeCertSans: SanPlan;
  /**
   * What this cluster's DNS forwards: every remote cluster, never itself (DNS chain only). With a CoreDNS
   * of the library's own: each remote domain to that local instance, or nothing (`resolvers: 'database-pods'`).
   */
  readonly dnsForwards: readonly DnsForward[];
  /** This cluster's own DNS load-balancer IP, when known (DNS chain only); the first of `dnsAddresses`. */
  readonly dnsAddress?: string;
  /** Every IP of this cluster's DNS load balancer (AWS: one per subnet), empty while unknown (DNS chain only). */
  readonly dnsAddresses: readonly string[];
  /** The cloud profile with its defaults: how load balancers and DNS forwarding are expressed. */
  readonly profile: ClusterCloudProfile;
  /** Who may reach this cluster's load balancers. */
  readonly allowLists: AllowLists;
  /** True for the one cluster whose Job runs `cockroach init`. */
  readonly runsInit: boolean;
  /** The pod CIDR blocks, node CIDR blocks and service CIDR blocks as given. */
  readonly podCidrs: readonly string[];
  readonly serviceCidrs: readonly string[];
  readonly nodeCidrs: readonly string[];
  /** The CockroachDB version (image tag) this cluster runs; differs between clusters during a staged upgrade. */
  readonly version: string;
  /** Ordinals whose nodes are decommissioned (scale-down or retiring), ascending; empty when none. */
  readonly decommissionOrdinals: readonly number[];
  /** The replicas once the decommission is done (`nodes` when nothing is decommissioned). */
  readonly remainingNodes: number;
  /** The cluster's region is being removed: dropped from the databases, every node decommissioned. */
  readonly retiring: boolean;
  /** The join load balancer (`Networking.podIps` only). */
  readonly joinLoadBalancer?: JoinLoadBalancerPlan;
  /** The listed nodes and the placement label (`Networking.hostNetwork` only). */
  readonly hostNetwork?: HostNetworkPlan;
  /** The cluster's names in the MCS cluster set (cluster-set strategy only). */
  readonly clusterSet?: ClusterSetPlan;
  /** The cluster's own CoreDNS (DNS chain with `ownCoredns` only); `dnsForwards` is then what the cluster DNS forwards to it. */
  readonly ownCoredns?: OwnCorednsPlan;
}

/** The whole deployment: what every engine renders and checks. */
export interface DeploymentPlan {
  readonly clusters: readonly ClusterPlan[];
  /** `host:port` entries, identical in every cluster: the first min(3, nodes) pods of each cluster. */
  readonly joinAddresses: readonly string[];
  readonly cockroach: ResolvedCockroachOptions;
  readonly networking: Networking;
  readonly tls: Tls;
  /** `ALTER DATABASE ...` statements matching the locality regions, every managed database, each idempotent. */
  readonly multiRegionSql: readonly string[];
  /** The staged upgrade in progress, if any. */
  readonly upgrade?: UpgradePlan;
  /** Regions of retiring clusters that the multi-region SQL drops. */
  readonly droppedRegions: readonly string[];
  /** The port peers dial for inter-node RPC: 26257, or 26258 with separate SQL and RPC listeners. */
  readonly rpcPort: number;
  /** The database NetworkPolicy options as given. */
  readonly networkPolicy?: DatabaseNetworkPolicyOptions;
  /** The client endpoints (SQL load balancers and names), when `sqlEndpoints` is given. */
  readonly sqlEndpoints?: SqlEndpointsPlan;
}

/** How many pods of each cluster go into the join list. */
export const JOIN_PODS_PER_CLUSTER = 3;

/**
 * Validates the input and derives the whole plan. Throws one `TopologyError` listing every problem.
 */
export function planDeployment(rawInput: TopologyInput, options: PlanOptions = {}): DeploymentPlan {
  // Resolved addresses are checked with the given ones (canonical, reachable, no duplicates), then
  // replace them: the plan is derived from the canonical topology only, never from the raw props.
  const { problems: inputProblems, topology } = readTopology(rawInput, options.engine, options.resolved ?? {});
  throwIfProblems(inputProblems);
  const input = topology!;
  const problems: Problem[] = [];
  const cockroach = resolveCockroachOptions(input, input.clusters[0].name, (n) => input.clusters.find((c) => c.name === n)?.region);
  const base = cockroach.name;
  const lbOptions = input.networking.perPodLoadBalancers;
  const dnsOptions = input.networking.dnsChain;
  const podIpsOptions = input.networking.podIps;
  const hostOptions = input.networking.hostNetwork;
  const advertiseFrom: AdvertiseSource | undefined = podIpsOptions ? 'podIP' : hostOptions ? 'nodeAddress' : undefined;
  const setOptions = input.networking.clusterSet;
  const ownOptions = dnsOptions?.ownCoredns;
  const sourceRanges = (input.networking.options as { sourceRanges?: readonly string[] }).sourceRanges;
  const tcpOnly = new Set(dnsOptions?.tcpOnlyClusters ?? []);
  const sqlEndpoints = input.sqlEndpoints ? planSqlEndpoints({
    sqlEndpoints: input.sqlEndpoints,
    clusters: input.clusters,
    baseName: base,
    database: cockroach.database,
    secure: input.tls.secure,
    networkPolicy: input.networkPolicy,
    resolved: sqlAddressesOf(options.resolved?.sqlAddresses, problems),
  }) : undefined;

  // The resolved addresses were merged into the canonical topology by readTopology.
  const dnsAddressesOf = (cluster: string): string[] => {
    const value = ownValue(dnsOptions?.dnsAddresses, cluster) as string | readonly string[] | undefined;
    return value === undefined ? [] : Array.isArray(value) ? [...value] : [value as string];
  };
  // A placeholder per address the load balancer will have (an AWS NLB: one per subnet), at least one.
  const placeholderDns = (spec: TopologyInput['clusters'][number]): string[] => {
    const count = spec.cloud === 'aws' ? Math.max(1, eksSubnetsInOrder(spec.eks).length) : 1;
    return Array.from({ length: count }, (_, k) => `192.0.2.${53 + k}`);
  };

  const clusters: ClusterPlan[] = input.clusters.map((spec) => {
    const namespace = namespaceOf(spec);
    const names = objectNames(base, namespace);
    const clusterSet = setOptions
      ? clusterSetPlan(setOptions, names.headlessService, namespace, ownValue(setOptions.clusterIds, spec.name) ?? spec.name)
      : undefined;
    const pods: PodPlan[] = [];
    for (let ordinal = 0; ordinal < spec.nodes; ordinal++) {
      const fqdn = podFqdn(spec, base, ordinal);
      let advertiseHost = clusterSet ? clusterSetPodName(podName(base, ordinal), clusterSet) : fqdn;
      let loadBalancer: PodAddress | undefined;
      if (lbOptions) {
        const given = ownValue(lbOptions.addresses, spec.name)?.[ordinal];
        const address = given !== undefined ? toPodAddress(given).address : undefined;
        if (address !== undefined && address !== '') {
          advertiseHost = address;
        } else if (options.placeholders) {
          advertiseHost = `${podName(base, ordinal)}.${spec.name}.unresolved.invalid`;
        } else {
          problems.push({
            path: `networking.addresses.${spec.name}[${ordinal}]`,
            message: `the load-balancer address of pod ${podName(base, ordinal)} is not known`,
          });
        }
        loadBalancer = given !== undefined ? { ...toPodAddress(given), address: advertiseHost } : { address: advertiseHost };
      }
      if (advertiseFrom) advertiseHost = advertiseFrom === 'podIP' ? POD_IP_ADVERTISE_HOST : NODE_ADVERTISE_HOST;
      pods.push({ name: podName(base, ordinal), ordinal, fqdn, advertiseHost, loadBalancer, ...(advertiseFrom ? { advertiseFrom } : {}) });
    }
    const serviceDomain = serviceDomainOf(spec);
    const joinLoadBalancer = podIpsOptions ? joinLoadBalancerOf(spec, podIpsOptions, options.placeholders === true) : undefined;
    // Without an engine (ClusterCerts, a plain check) a missing join address only leaves it out of the SANs.
    if (joinLoadBalancer && joinLoadBalancer.addresses.length === 0 && options.engine !== undefined) {
      problems.push({ path: `networking.joinAddresses.${spec.name}`, message: `the join load-balancer address of cluster '${spec.name}' is not known` });
    }
    const hostNetwork = hostOptions ? hostNetworkOf(spec, hostOptions, namespace) : undefined;
    const direct = { joinLoadBalancer, hostNetwork, retiring: spec.retiring === true, remainingNodes: remainingNodes(spec) };
    const remoteForwards: DnsForward[] = dnsOptions
      ? input.clusters
        .filter((remote) => remote.name !== spec.name)
        .map((remote) => {
          const known = dnsAddressesOf(remote.name);
          return {
            cluster: remote.name,
            domain: serviceDomainOf(remote),
            servers: known.length > 0 ? known : options.placeholders ? placeholderDns(remote) : [],
            forceTcp: tcpOnly.has(remote.name),
          };
        })
      : [];
    const ownDns = dnsOptions ? dnsAddressesOf(spec.name) : [];
    const ownCoredns = ownOptions
      ? planOwnCoredns(ownOptions, { cluster: spec, clusters: input.clusters, baseName: base, namespace, remoteForwards, sourceRanges })
      : undefined;
    const ownLoadBalancer = ownDns.length > 0 || !options.placeholders ? ownDns : placeholderDns(spec);
    const dnsForwards = ownCoredns ? clusterDnsForwards(ownCoredns, spec, ownLoadBalancer) : remoteForwards;
    return {
      name: spec.name,
      cloud: spec.cloud,
      region: spec.region,
      // On AWS the pods stay in the AZs the NLBs span (an NLB drops targets in other AZs).
      zones: spec.zones ?? (spec.cloud === 'aws' ? eksSubnetsInOrder(spec.eks).map((s) => s.zone) : []),
      nodes: spec.nodes,
      namespace,
      clusterDomain: clusterDomainOf(spec),
      dns: dnsKindOf(spec),
      serviceDomain,
      names,
      pods,
      localityPrefix: localityPrefix(spec),
      nodeCertSans: nodeCertificateSans(names, namespace, serviceDomain, pods, input.networking, clusterSet, directPathSanAddresses(direct),
        sqlEndpoints?.regions.find((r) => r.cluster === spec.name)?.sans ?? []),
      dnsForwards,
      dnsAddress: dnsOptions ? dnsAddressesOf(spec.name)[0] : undefined,
      dnsAddresses: dnsOptions ? dnsAddressesOf(spec.name) : [],
      profile: resolveCloudProfile(spec),
      allowLists: allowListsOf(spec, input.clusters, sourceRanges),
      runsInit: spec.name === cockroach.initCluster,
      podCidrs: spec.podCidrs ?? [],
      serviceCidrs: spec.serviceCidrs ?? [],
      nodeCidrs: spec.nodeCidrs ?? [],
      version: clusterVersionOf(spec, cockroach.version, cockroach.upgrade),
      decommissionOrdinals: decommissionOrdinals(spec),
      remainingNodes: remainingNodes(spec),
      retiring: spec.retiring === true,
      ...(joinLoadBalancer ? { joinLoadBalancer } : {}),
      ...(hostNetwork ? { hostNetwork } : {}),
      ...(clusterSet ? { clusterSet } : {}),
      ...(ownCoredns ? { ownCoredns } : {}),
    };
  });
  throwIfProblems(problems);

  const rpcPort = cockroach.separateSqlPort ? COCKROACH_RPC_PORT : COCKROACH_PORT;
  const dropped = droppedRegions(input.clusters);
  return {
    clusters,
    // Nodes on their way out are no entry point: a retiring cluster's pods, and pods being decommissioned.
    joinAddresses: advertiseFrom
      ? directPathJoinList(clusters, rpcPort, JOIN_PODS_PER_CLUSTER)
      : joinList(clusters.map((c) => ({ pods: c.pods.slice(0, c.remainingNodes) })), rpcPort),
    cockroach,
    networking: input.networking,
    tls: input.tls,
    networkPolicy: input.networkPolicy,
    ...(sqlEndpoints ? { sqlEndpoints } : {}),
    multiRegionSql: cockroach.databases.flatMap((db) =>
      multiRegionSql(db, cockroach.primaryRegion, clusters.map((c) => c.region), cockroach.survivalGoal, dropped)),
    upgrade: planUpgrade(input.clusters, cockroach.version, cockroach.upgrade),
    droppedRegions: dropped,
    rpcPort,
  };
}

/** The join list: the first min(3, nodes) pods of every cluster, in cluster order. */
export function joinList(clusters: readonly Pick<ClusterPlan, 'pods'>[], port: number = COCKROACH_PORT): string[] {
  return clusters.flatMap((c) => c.pods.slice(0, JOIN_PODS_PER_CLUSTER).map((p) => hostPort(p.advertiseHost, port)));
}

/**
 * The node certificate's SANs: loopback, the public Service under each name a client uses,
 * a one-label wildcard for the pods under the headless Service, and every per-pod address
 * the strategy adds (a wildcard cannot cover IPs or external names). In a cluster set, the pods'
 * cluster-set names under one wildcard of this cluster's own: `*.<cluster-id>.<svc>.<ns>.svc.<zone>`
 * covers this cluster's pods and no other cluster's (a wildcard is one label, never `*.clusterset.local`).
 */
function nodeCertificateSans(
  names: ObjectNames,
  namespace: string,
  serviceDomain: string,
  pods: readonly PodPlan[],
  networking: Networking,
  clusterSet: ClusterSetPlan | undefined,
  directPath: readonly string[],
  sqlSans: readonly string[],
): SanPlan {
  const publicService = names.publicService;
  const headless = names.headlessService;
  // Every address of a pod's load balancer a peer may dial: the advertised one and, on AWS, the NLB's IP in every subnet.
  const strategyAddresses = networking.kind === 'perPodLoadBalancers'
    ? pods.flatMap((p) => [p.advertiseHost, ...(p.loadBalancer?.awsPrivateIps ?? [])]) : [];
  return toSanPlan([
    'localhost',
    publicService,
    `${publicService}.${namespace}`,
    `${publicService}.${namespace}.svc`,
    `${publicService}.${serviceDomain}`,
    `*.${headless}`,
    `*.${headless}.${namespace}`,
    `*.${headless}.${namespace}.svc`,
    `*.${headless}.${serviceDomain}`,
    ...(clusterSet ? [clusterSet.podWildcard] : []),
    '127.0.0.1',
    '::1',
    ...strategyAddresses,
    // Networking.podIps: the cluster's join load balancer; Networking.hostNetwork: every listed node.
    ...directPath,
    // The SQL names and load-balancer addresses clients dial (sqlEndpoints).
    ...sqlSans,
  ]);
}

/**
 * The SQL load-balancer addresses an engine learned, each an IP or a DNS name (an AWS NLB's); anything
 * else is a problem at its field rather than a SAN no client can match.
 */
function sqlAddressesOf(resolved: ResolvedAddresses['sqlAddresses'], problems: Problem[]): Record<string, string[]> | undefined {
  if (resolved === undefined) return undefined;
  const result: Record<string, string[]> = {};
  for (const [cluster, list] of Object.entries(resolved)) {
    result[cluster] = (Array.isArray(list) ? list : []).flatMap((address: unknown) => {
      const ip = canonicalIp(address);
      if (ip !== undefined) return [ip];
      if (isDnsName(address)) return [canonicalDnsName(address)];
      problems.push({ path: `sqlEndpoints.addresses.${cluster}`, message: `the load balancer reported ${show(address)}, which is neither an IP address nor a DNS name` });
      return [];
    });
  }
  return result;
}
