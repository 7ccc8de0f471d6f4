// Synthetic topologies for the benchmarks: C clusters × N nodes, disjoint CIDRs, every address known.
import { SqlEndpoints } from '../../lib/core/endpoints/sql-endpoints';
import { Networking } from '../../lib/core/networking';
import { Tls } from '../../lib/core/tls';
import { Cloud, ClusterSpec } from '../../lib/core/topology';

/**
 * The networking strategies: the two the main benchmark compares, the two ways of discovery without
 * the managed DNS (bench/discovery.ts): the MCS cluster set and the DNS chain with a CoreDNS of its own,
 * and the direct path (pod IPs, host networking), which the deployed-shape section adds.
 */
export type Strategy = 'dnsChain' | 'perPodLoadBalancers' | 'clusterSet' | 'ownCoredns' | 'podIps' | 'hostNetwork';
export const STRATEGIES: readonly Strategy[] = ['dnsChain', 'perPodLoadBalancers'];
/** The strategies of the deployed-shape section (load balancers, hops, list price). */
export const SHAPE_STRATEGIES: readonly Strategy[] = ['dnsChain', 'perPodLoadBalancers', 'podIps', 'hostNetwork'];
export const STRATEGY_LABEL: Readonly<Record<Strategy, string>> = {
  dnsChain: 'DNS chain',
  perPodLoadBalancers: 'per-pod LBs',
  clusterSet: 'cluster set (MCS)',
  ownCoredns: 'DNS chain, own CoreDNS',
  podIps: 'pod IPs',
  hostNetwork: 'host network',
};

/** The clusters as a strategy needs them: a cluster set wants one namespace in every cluster (namespace sameness). */
export function strategyClusters(strategy: Strategy, clusters: ClusterSpec[]): ClusterSpec[] {
  return strategy === 'clusterSet' ? clusters.map((c) => ({ ...c, namespace: 'cockroachdb' })) : clusters;
}

/** A topology size. */
export interface Size {
  readonly clusters: number;
  readonly nodes: number;
}

export function sizeLabel(size: Size): string {
  return `${size.clusters}×${size.nodes}`;
}

const CLOUDS: readonly Cloud[] = ['gcp', 'aws', 'azure'];
const REGIONS: Readonly<Record<Cloud, readonly string[]>> = {
  gcp: ['us-east1', 'europe-west1', 'asia-east1', 'us-west1'],
  aws: ['eu-west-1', 'us-east-2', 'ap-southeast-1'],
  azure: ['westeurope', 'eastus', 'japaneast'],
  generic: ['dc1'],
};

/**
 * Cluster i of a topology: clouds round-robin (GCP on kube-dns, AWS and Azure on CoreDNS),
 * one region per cluster, disjoint pod/service/node CIDRs.
 */
export function benchCluster(i: number, nodes: number, onlyCloud?: Cloud): ClusterSpec {
  const cloud = onlyCloud ?? CLOUDS[i % CLOUDS.length];
  const regions = REGIONS[cloud];
  const round = onlyCloud ? i : Math.floor(i / CLOUDS.length);
  const region = `${regions[round % regions.length]}${round >= regions.length ? `-${i}` : ''}`;
  return {
    name: `c${i}-${cloud}`,
    cloud,
    region,
    nodes,
    podCidrs: [`10.${i * 4}.0.0/14`],
    serviceCidrs: [`10.100.${i * 16}.0/20`],
    nodeCidrs: [`10.${128 + i}.0.0/16`],
    // The NLBs' subnet on AWS (one AZ, the whole node CIDR: every bench address lies in it); private
    // load balancers on generic clusters.
    ...(cloud === 'aws' ? { eks: { subnets: { [`${region}a`]: { id: `subnet-${(0x10000000 + i).toString(16)}`, cidr: `10.${128 + i}.0.0/16` } } } } : {}),
    ...(cloud === 'generic' ? { generic: { privateLoadBalancers: true } } : {}),
  };
}

export function benchClusters(size: Size, cloud?: Cloud): ClusterSpec[] {
  return Array.from({ length: size.clusters }, (_, i) => benchCluster(i, size.nodes, cloud));
}

/** Cluster i's DNS load-balancer IP: inside its node CIDR. */
export function dnsAddress(i: number): string {
  return `10.${128 + i}.0.53`;
}

/** Pod j of cluster i's load-balancer IP: inside its node CIDR (an internal LB takes a node-subnet IP). */
export function podLbAddress(i: number, j: number): string {
  return `10.${128 + i}.${1 + Math.floor(j / 250)}.${(j % 250) + 2}`;
}

/** The networking of a strategy, with every address known (what cdk8s needs). */
export function benchNetworking(strategy: Strategy, clusters: readonly ClusterSpec[]): Networking {
  if (strategy === 'dnsChain' || strategy === 'ownCoredns') {
    return Networking.dnsChain({
      dnsAddresses: Object.fromEntries(clusters.map((c, i) => [c.name, dnsAddress(indexOf(c, i))])),
      // The instance's fixed ClusterIP defaults to the 53rd address of each cluster's /20 service block.
      ...(strategy === 'ownCoredns' ? { ownCoredns: {} } : {}),
    });
  }
  if (strategy === 'clusterSet') return Networking.clusterSet({ implementation: 'submariner' });
  // One join load balancer per cluster, at an address of its node CIDR.
  if (strategy === 'podIps') return Networking.podIps({ joinAddresses: Object.fromEntries(clusters.map((c, i) => [c.name, joinLbAddress(indexOf(c, i))])) });
  if (strategy === 'hostNetwork') {
    // Every database node listed with a static address of its node CIDR (the bench clouds are managed: say they are static).
    return Networking.hostNetwork({
      staticNodeAddresses: true,
      nodes: Object.fromEntries(clusters.map((c, i) => [c.name, Array.from({ length: c.nodes }, (_, j) => ({
        name: `${c.name}-db-${j}`, address: `10.${128 + indexOf(c, i)}.1.${10 + j}`,
      }))])),
    });
  }
  return Networking.perPodLoadBalancers({
    addresses: Object.fromEntries(clusters.map((c, i) => [c.name, Array.from({ length: c.nodes }, (_, j) => podLbAddress(indexOf(c, i), j))])),
  });
}

/** The cluster's index from its name (`c<i>-...`), so a cluster keeps its addresses when others are added. */
function indexOf(cluster: ClusterSpec, fallback: number): number {
  const m = /^c(\d+)-/.exec(cluster.name);
  return m ? Number(m[1]) : fallback;
}

/** cdk8s props of `MultiRegionCockroach` (cert-manager TLS, the default). */
export function cdk8sProps(strategy: Strategy, clusters: ClusterSpec[]) {
  const placed = strategyClusters(strategy, clusters);
  return { clusters: placed, networking: benchNetworking(strategy, placed), tls: Tls.certManager() };
}

/** Cluster i's join load-balancer IP (pod IPs): inside its node CIDR. */
export function joinLbAddress(i: number): string {
  return `10.${128 + i}.0.27`;
}

/** Cluster i's SQL load-balancer IP: inside its node CIDR. */
export function sqlLbAddress(i: number): string {
  return `10.${128 + i}.0.26`;
}

/**
 * Client endpoints for a topology, every address pinned: Route 53 when an AWS cluster is there (the
 * global name over the EKS regions), else Cloud DNS over the GKE regions; undefined when no DNS
 * service can health-check any region (Azure only), since the global name needs one.
 */
export function benchSqlEndpoints(clusters: readonly ClusterSpec[]): SqlEndpoints | undefined {
  const addresses = Object.fromEntries(clusters.map((c, i) => [c.name, sqlLbAddress(indexOf(c, i))]));
  const aws = clusters.filter((c) => c.cloud === 'aws').map((c) => c.name);
  const gcp = clusters.filter((c) => c.cloud === 'gcp').map((c) => c.name);
  if (aws.length > 0) return SqlEndpoints.route53({ zone: 'db.example.com', globalClusters: aws, addresses });
  if (gcp.length > 0) return SqlEndpoints.cloudDns({ zone: 'db.example.com', globalClusters: gcp, addresses });
  return undefined;
}
