import { parseCidr } from '../cidr';
import { Problem, show, throwIfProblems } from '../problems';
import { COCKROACH_PORT, ClusterSpec } from '../topology';
import { checkClusterCidrsDisjoint, requirePodCidrs } from './cluster-cidrs';
import { IngressPlan, planIngress } from './ingress-rules';
import { allowPublicRanges, checkLinkRange, LinkExposureOverrides, linkPorts } from './link-exposure';
import { readNetworkCluster, readOptionalItems, readOptionalObject } from './network-input';

/** Input of {@link planGcpNetworks}: which GKE cluster lives in which VPC network. */
export interface GcpNetworkPlanInput extends LinkExposureOverrides {
  /** The VPC networks by a plain label (one entry for a single global VPC). */
  readonly networks: ReadonlyArray<{ readonly name: string }>;
  /** The GKE clusters and the label of the network each one runs in. */
  readonly clusters: ReadonlyArray<{ readonly cluster: ClusterSpec; readonly network: string }>;
  /**
   * Database ports allowed between the clusters (besides DNS 53 TCP/UDP and ICMP): 26257, 26258 (the
   * RPC port with `separateSqlPort`) and 8080 to reach the DB Console; any other port goes in `extraPorts`.
   * @default [26257]
   */
  readonly ports?: readonly number[];
}

/** One side of a VPC Network Peering (GCP needs one resource in each network). */
export interface PlannedGcpPeering {
  /** Index of the pair (two resources per pair). */
  readonly pair: number;
  /** Network the peering resource belongs to. */
  readonly network: number;
  /** The other network. */
  readonly peerNetwork: number;
  /** Custom routes (static and dynamic, e.g. learned over a VPN) are exported and imported. */
  readonly exportCustomRoutes: true;
  /** Custom routes of the peer network are imported. */
  readonly importCustomRoutes: true;
}

/** One firewall rule set: into one cluster, from every other cluster. */
export interface PlannedGcpFirewall {
  /** Index of the cluster the rule protects (its nodes and alias-IP pods). */
  readonly cluster: number;
  /** Index of the network the rule is created in. */
  readonly network: number;
  /** Sources and allowed protocols/ports. */
  readonly ingress: IngressPlan;
}

/** The GCP plan: peerings only between separate networks; firewall rules always. */
export interface GcpNetworkPlan {
  /** The network labels, in input order. */
  readonly networks: readonly string[];
  /**
   * True when every cluster is in one (global) VPC: pods in different regions already route to
   * each other, so only firewall rules are needed (the network should use `routingMode: GLOBAL`
   * if a Cloud Router there advertises subnets of every region).
   */
  readonly singleNetwork: boolean;
  /** Two entries per pair of networks: N(N−1) resources for N networks. */
  readonly peerings: readonly PlannedGcpPeering[];
  /** One firewall rule per cluster. */
  readonly firewalls: readonly PlannedGcpFirewall[];
}

/**
 * Plans the networking between GKE clusters: firewall rules into each cluster from every
 * other cluster's pod and node CIDRs, and, when clusters sit in separate VPC networks, VPC
 * Network Peering between every pair with custom route export and import. Throws one
 * {@link TopologyError} listing every problem.
 */
export function planGcpNetworks(rawInput: GcpNetworkPlanInput): GcpNetworkPlan {
  const problems: Problem[] = [];
  const input = readGcpNetworkInput(rawInput, problems);
  throwIfProblems(problems);
  const networks = input.networks.map((n) => n.name);
  const clusters = input.clusters.map((c) => c.cluster);
  const allowPublic = allowPublicRanges(input.allowPublicRanges, problems);
  const ports = linkPorts(input.ports, input.extraPorts, problems) ?? [COCKROACH_PORT];
  if (networks.length === 0) problems.push({ path: 'networks', message: 'is empty; give at least one VPC network' });
  networks.forEach((name, i) => {
    const first = networks.indexOf(name);
    if (first !== i) problems.push({ path: `networks[${i}].name`, message: `${show(name)} is also the name of networks[${first}]` });
  });
  if (clusters.length < 2) problems.push({ path: 'clusters', message: `has ${clusters.length} cluster(s); connecting clusters needs at least two` });
  const names = new Map<string, number>();
  input.clusters.forEach((c, i) => {
    const earlier = names.get(c.cluster.name);
    if (earlier !== undefined) problems.push({ path: `clusters[${i}].cluster.name`, message: `${show(c.cluster.name)} is also the name of clusters[${earlier}].cluster` });
    names.set(c.cluster.name, i);
    if (c.cluster.cloud !== 'gcp') problems.push({ path: `clusters[${i}].cluster.cloud`, message: `${show(c.cluster.cloud)} is not 'gcp'` });
    if (!networks.includes(c.network)) {
      problems.push({ path: `clusters[${i}].network`, message: `${show(c.network)} is not one of the networks (${networks.map((n) => show(n)).join(', ')})` });
    }
  });
  problems.push(
    ...requirePodCidrs(clusters, clusters.map((_, i) => i), 'firewall rules allow pod CIDRs').map((p) => ({
      ...p,
      path: p.path.replace(/^clusters\[(\d+)\]/, 'clusters[$1].cluster'),
    })),
  );
  problems.push(
    ...checkClusterCidrsDisjoint(clusters).map((p) => ({
      path: p.path.replace(/^clusters\[(\d+)\]/, 'clusters[$1].cluster'),
      message: p.message.replace(/at clusters\[(\d+)\]/, 'at clusters[$1].cluster'),
    })),
  );
  clusters.forEach((cluster, i) => {
    for (const field of ['podCidrs', 'nodeCidrs'] as const) {
      (cluster[field] ?? []).forEach((cidr, j) => {
        if (typeof parseCidr(cidr) !== 'string') checkLinkRange(cidr, `clusters[${i}].cluster.${field}[${j}]`, allowPublic, problems);
      });
    }
  });
  throwIfProblems(problems);

  const peerings: PlannedGcpPeering[] = [];
  let pair = 0;
  for (let a = 0; a < networks.length; a++) {
    for (let b = a + 1; b < networks.length; b++) {
      peerings.push({ pair, network: a, peerNetwork: b, exportCustomRoutes: true, importCustomRoutes: true });
      peerings.push({ pair, network: b, peerNetwork: a, exportCustomRoutes: true, importCustomRoutes: true });
      pair++;
    }
  }
  const firewalls = input.clusters.map((c, i) => ({
    cluster: i,
    network: networks.indexOf(c.network),
    ingress: planIngress(clusters.filter((_, j) => j !== i), ports),
  }));
  return { networks, singleNetwork: networks.length === 1, peerings, firewalls };
}

/** The input as plain copies of the right shapes; every shape problem is reported. */
function readGcpNetworkInput(raw: unknown, problems: Problem[]): GcpNetworkPlanInput {
  const input = readOptionalObject(raw ?? null, '(input)', problems, 'the network input object') ?? {};
  const networks = (readOptionalItems(input.networks ?? null, 'networks', problems, 'a list of networks') ?? []).flatMap((n, i) => {
    const fields = readOptionalObject(n ?? null, `networks[${i}]`, problems, 'a network', ['name']);
    if (fields && typeof fields.name !== 'string') problems.push({ path: `networks[${i}].name`, message: `${show(fields.name)} is not a network label` });
    return fields && typeof fields.name === 'string' ? [{ ...fields, name: fields.name }] : [];
  });
  const clusters = (readOptionalItems(input.clusters ?? null, 'clusters', problems, 'a list of clusters') ?? []).flatMap((c, i) => {
    const fields = readOptionalObject(c ?? null, `clusters[${i}]`, problems, 'a cluster and its network', ['cluster', 'network']);
    const cluster = fields ? readNetworkCluster(fields.cluster, `clusters[${i}].cluster`, problems) : undefined;
    return fields && cluster ? [{ ...fields, cluster, network: fields.network as string }] : [];
  });
  return { ...input, networks, clusters } as GcpNetworkPlanInput;
}
