// Whether the networks a program builds route every cluster's pod CIDRs: with Networking.podIps
// nodes dial each other's pod IPs, so a pod range a VPN or peering does not carry is a split cluster.
import { cidrContains, parseCidr, ParsedCidr } from '../cidr';
import { show } from '../problems';
import { ClusterSpec } from '../topology';
import { isList, readKeyedMap, readList, readObject } from '../validation/read';
import { AwsPeeringMeshPlan, AwsTransitGatewayHubPlan } from '../vpn/aws-peering-plan';
import { GcpNetworkPlan } from '../vpn/gcp-network-plan';
import { clusterSourceCidrs } from '../vpn/ingress-rules';
import { CrossCloudVpnPlan } from '../vpn/vpn-plan';

/**
 * A network between clusters, as plain data: which ranges of which cluster it routes. The
 * cloud-networking components expose theirs as `routedNetwork`; describe a network built elsewhere
 * (an on-premises link, a VPN of your own) the same way. A network links every cluster it names:
 * they reach each other's routed ranges through it.
 */
export interface RoutedNetwork {
  /** Names the network in messages, e.g. `CrossCloudVpn 'gke-eks'`. */
  readonly name: string;
  /**
   * Per cluster name: the ranges of that cluster the network carries to the other clusters it links
   * (advertised over BGP, routed through a peering, admitted by its firewall rules).
   */
  readonly routedCidrs: Readonly<Record<string, readonly string[]>>;
}

function described(name: string, routed: Record<string, string[]>): RoutedNetwork {
  return { name, routedCidrs: routed };
}

/**
 * What a `CrossCloudVpn` routes: the GKE clusters' ranges the Cloud Router advertises, and the EKS
 * clusters' ranges the GCP firewall admits (the VPC's CIDRs reach GCP through the gateway's BGP
 * propagation; pods of the AWS VPC CNI are VPC addresses). IPv4 only, as the VPN carries.
 */
export function routedNetworkOfVpn(name: string, clusters: readonly ClusterSpec[], plan: CrossCloudVpnPlan): RoutedNetwork {
  const routed: Record<string, string[]> = {};
  for (const cluster of clusters) {
    if (cluster.cloud === 'gcp') routed[cluster.name] = [...plan.advertisedRanges];
    if (cluster.cloud === 'aws') routed[cluster.name] = clusterSourceCidrs(cluster).filter((c) => plan.gcpIngress.sourceCidrs.includes(c));
  }
  return described(`CrossCloudVpn ${show(name)}`, routed);
}

/** What an AWS peering mesh or transit-gateway hub routes: each VPC's `cidrs` (default its cluster's IPv4 pod and node CIDRs). */
export function routedNetworkOfAwsPlan(component: string, name: string, plan: AwsPeeringMeshPlan | AwsTransitGatewayHubPlan): RoutedNetwork {
  return described(`${component} ${show(name)}`, Object.fromEntries(plan.vpcs.map((vpc) => [vpc.name, [...vpc.cidrs]])));
}

/**
 * What `GcpNetworkPeering` routes: the GKE clusters' pod and node ranges (VPC-native pod ranges are
 * subnet secondary ranges, exchanged by the peering; the firewall rules admit them). IPv4 only.
 */
export function routedNetworkOfGcpPlan(name: string, clusters: readonly ClusterSpec[], plan: GcpNetworkPlan): RoutedNetwork {
  const admitted = new Set(plan.firewalls.flatMap((f) => f.ingress.sourceCidrs));
  return described(`GcpNetworkPeering ${show(name)}`, Object.fromEntries(clusters.map((c) => [c.name, clusterSourceCidrs(c).filter((cidr) => admitted.has(cidr))])));
}

/** A network as read from the props: its name and a plain copy of its ranges. */
interface ReadNetwork {
  readonly name: string;
  readonly routed: ReadonlyMap<string, readonly ParsedCidr[]>;
}

/**
 * Reads `routedBy` (plain copies; every shape problem reported at its path) and checks that every
 * cluster's pod CIDRs are routed by one of the networks, and that every two clusters share one
 * (VPC peering is not transitive: A–B and B–C do not link A and C).
 */
export function checkPodCidrsRouted(
  clusters: ReadonlyArray<{ readonly index: number; readonly name: string; readonly podCidrs: readonly unknown[] }>,
  routedBy: unknown,
  report: (path: string, message: string) => void,
  path = 'networking.routedBy',
): void {
  if (routedBy === undefined) return;
  const list = readList(routedBy, path, report, 'a list of routed networks (a component\'s routedNetwork)');
  if (!list) return;
  const networks: ReadNetwork[] = [];
  list.forEach((entry, i) => {
    const fields = readObject(entry, `${path}[${i}]`, report, 'a routed network { name, routedCidrs }', ['name', 'routedCidrs']);
    if (!fields) return;
    const name = typeof fields.name === 'string' && fields.name.length > 0 ? fields.name : `${path}[${i}]`;
    if (typeof fields.name !== 'string' || fields.name.length === 0) report(`${path}[${i}].name`, `${show(fields.name)} is not a name`);
    const map = readKeyedMap(fields.routedCidrs, `${path}[${i}].routedCidrs`, report, 'a map of CIDR lists by cluster name');
    const routed = new Map<string, ParsedCidr[]>();
    for (const [cluster, cidrs] of map ?? []) {
      const at = `${path}[${i}].routedCidrs.${cluster}`;
      const items = readList(cidrs, at, report, 'a list of CIDR blocks') ?? [];
      routed.set(cluster, items.flatMap((cidr, j) => {
        const parsed = parseCidr(cidr);
        if (typeof parsed === 'string') {
          report(`${at}[${j}]`, parsed);
          return [];
        }
        return [parsed];
      }));
    }
    networks.push({ name, routed });
  });
  if (list.length === 0) {
    report(path, 'is empty: name the networks that route between the clusters, or leave it out');
    return;
  }
  const names = networks.map((n) => n.name).join(', ');
  const linkedBy = (cluster: string) => networks.filter((n) => n.routed.has(cluster));
  for (const cluster of clusters) {
    const mine = linkedBy(cluster.name);
    if (mine.length === 0) {
      report(path, `cluster ${show(cluster.name)} (clusters[${cluster.index}]) is routed by none of ${names || 'the networks given'}: its pods advertise pod IPs no peer could reach; add the network that links it, or describe it as { name, routedCidrs }`);
      continue;
    }
    cluster.podCidrs.forEach((cidr, j) => {
      const block = parseCidr(cidr);
      if (typeof block === 'string') return; // reported by the cluster checks
      if (mine.some((n) => n.routed.get(cluster.name)!.some((r) => r.family === block.family && cidrContains(r, block)))) return;
      const carried = mine.map((n) => `${n.name} routes ${n.routed.get(cluster.name)!.map((r) => r.cidr).join(', ') || 'nothing'} for it`).join('; ');
      report(`clusters[${cluster.index}].podCidrs[${j}]`, `${show(cidr)} is not routed between the clusters (${carried}): pods advertise their pod IPs, so every pod range must be routed; add it to the network's clusters (or its cidrs), or change the pod range` +
        (block.family === 6 ? ' (the VPN and peering components carry IPv4 only)' : ''));
    });
  }
  for (let a = 0; a < clusters.length; a++) {
    for (let b = a + 1; b < clusters.length; b++) {
      const [x, y] = [clusters[a], clusters[b]];
      if (linkedBy(x.name).length === 0 || linkedBy(y.name).length === 0) continue; // reported above
      if (networks.some((n) => n.routed.has(x.name) && n.routed.has(y.name))) continue;
      report(path, `clusters ${show(x.name)} and ${show(y.name)} share none of the networks (${names}): routes are not transitive across separate peerings or VPNs, so their pods cannot reach each other; link them directly`);
    }
  }
}

/** The pod CIDRs of the valid clusters of a snapshot, for {@link checkPodCidrsRouted}. @internal */
export function podCidrsOf(clusters: ReadonlyArray<Record<string, unknown> | undefined>, index: ReadonlyMap<string, number>):
Array<{ index: number; name: string; podCidrs: readonly unknown[] }> {
  return clusters.flatMap((cluster, i) => {
    const name = cluster?.name;
    if (typeof name !== 'string' || index.get(name) !== i) return [];
    return [{ index: i, name, podCidrs: isList(cluster!.podCidrs) ? cluster!.podCidrs : [] }];
  });
}
