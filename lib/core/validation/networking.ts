import { CIDR_FIELDS } from './clusters';
import { CheckContext, quotedList } from './context';
import { isDnsName } from './kubernetes-values';
import { isList, keyPath, readOptionalList } from './read';
import { cidrContainsIp, parseCidr, ParsedCidr, parseIp, ParsedIp, unreachableReason } from '../cidr';
import { show } from '../problems';

/** GCE resource names (a reserved `compute.Address`): RFC 1035 labels, at most 63. */
const GCE_NAME = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** AWS Elastic IP allocation ids. */
const EIP_ALLOCATION = /^eipalloc-[0-9a-f]{8,17}$/;

/** The networking strategy's options: DNS addresses, per-pod addresses and their cloud handles. */
export function checkNetworking(context: CheckContext): void {
  const networking = context.snapshot.networking;
  if (!networking) {
    if (context.snapshot.props.networking === undefined) context.report('networking', 'is required: Networking.dnsChain(...), Networking.perPodLoadBalancers(...), Networking.podIps(...), Networking.hostNetwork(...) or Networking.clusterSet(...)');
    return;
  }
  for (const flag of ['internal', 'externalDns']) {
    const value = networking.options[flag];
    if (value !== undefined && typeof value !== 'boolean') context.report(`networking.${flag}`, `${show(value)} is not true or false`);
  }
  const ranges = readOptionalList(networking.options.sourceRanges, 'networking.sourceRanges', context.report, 'a list of CIDR blocks');
  ranges?.forEach((range, i) => {
    const parsed = parseCidr(range);
    if (typeof parsed === 'string') context.report(`networking.sourceRanges[${i}]`, parsed);
  });
  if (networking.kind === 'dnsChain') checkDnsChain(context);
  else if (networking.kind === 'perPodLoadBalancers') checkPerPodAddresses(context);
}

/** Every cluster's pod and service blocks, for "an address inside another cluster's range". */
export function clusterBlocks(context: CheckContext): Array<{ index: number; kind: string; block: ParsedCidr }> {
  return context.snapshot.clusters.flatMap((cluster, index) => {
    if (!cluster) return [];
    return CIDR_FIELDS.filter((kind) => kind !== 'nodeCidrs').flatMap((kind) => {
      const list = cluster[kind];
      if (!isList(list)) return [];
      return list.flatMap((cidr) => {
        const block = parseCidr(cidr);
        return typeof block === 'string' ? [] : [{ index, kind, block }];
      });
    });
  });
}

/**
 * The identity of an address a peer dials (a canonical IP, or a lower-case DNS name without the final
 * dot), its problems reported; undefined when it is neither. Something that looks like an IP gets the IP
 * parser's reason (leading zeros, octets > 255); `shown` is what the message shows of the entry.
 */
export function addressKey(
  address: unknown, shown: unknown, blocks: ReturnType<typeof clusterBlocks>, owner: number | undefined, report: (problem: string) => void,
): string | undefined {
  const ip = parseIp(address);
  if (typeof ip !== 'string') {
    const problem = addressProblem(ip, blocks, owner);
    if (problem) report(problem);
    return ip.canonical;
  }
  if (isDnsName(address) && !/^[0-9.]+$/.test(address)) return address.toLowerCase().replace(/\.$/, '');
  const looksLikeIp = typeof address === 'string' && (/^[0-9.]+$/.test(address) || address.includes(':'));
  report(looksLikeIp ? ip : `${show(shown)} is neither an IP address nor a DNS name`);
  return undefined;
}

/**
 * Why a load-balancer IP of cluster `owner` cannot be used, or undefined: an address no peer
 * reaches, one inside another cluster's pod or service range (peers would route it to that
 * cluster), or one inside its own service range (a ClusterIP range, never a load balancer's).
 * Its own pod range is allowed: with VPC-native CNIs (AWS VPC CNI, Azure CNI) pods, nodes and
 * internal load balancers share the VPC subnets.
 */
export function addressProblem(ip: ParsedIp, blocks: ReturnType<typeof clusterBlocks>, owner: number | undefined): string | undefined {
  const unreachable = unreachableReason(ip);
  if (unreachable) return `${show(ip.canonical)} is ${unreachable}: no peer can reach a load balancer there`;
  const inside = blocks.find((b) => cidrContainsIp(b.block, ip) && (b.index !== owner || b.kind === 'serviceCidrs'));
  if (inside) return `${show(ip.canonical)} lies inside ${show(inside.block.cidr)}, clusters[${inside.index}].${inside.kind}: a load-balancer address is never a pod or Service IP`;
  return undefined;
}

function checkDnsChain(context: CheckContext): void {
  const { report, clusterIndex, snapshot, engine } = context;
  const networking = snapshot.networking!;
  const addresses = networking.dnsAddresses;
  const blocks = clusterBlocks(context);
  const owners = new Map<string, string>();
  for (const [cluster, value] of addresses ?? []) {
    const clusterPath = keyPath('networking.dnsAddresses', cluster);
    if (!clusterIndex.has(cluster)) report(clusterPath, `${show(cluster)} is not the name of any cluster (${quotedList(clusterIndex.keys())})`);
    // One IP, or a list (an AWS NLB has one IP per subnet; the cloud checks say how many).
    const list = Array.isArray(value) ? value : [value];
    if (list.length === 0) report(clusterPath, 'an empty list: give the DNS load balancer\'s IP(s)');
    list.forEach((ip, j) => {
      const path = Array.isArray(value) ? `${clusterPath}[${j}]` : clusterPath;
      const parsed = parseIp(ip);
      if (typeof parsed === 'string') {
        report(path, `${parsed}; cluster DNS servers forward to IPs only (resolve an NLB name to its private IPs)`);
        return;
      }
      const problem = addressProblem(parsed, blocks, clusterIndex.get(cluster));
      if (problem) report(path, problem);
      else if (owners.has(parsed.canonical) && owners.get(parsed.canonical) !== cluster) report(path, `${show(ip)} is also the DNS address of ${show(owners.get(parsed.canonical))}: a cluster would forward to itself`);
      else if (owners.has(parsed.canonical)) report(path, `${show(ip)} is listed twice`);
      else owners.set(parsed.canonical, cluster);
    });
  }
  const tcpOnly = readOptionalList(networking.options.tcpOnlyClusters, 'networking.tcpOnlyClusters', report, 'a list of cluster names');
  const kubeDns = snapshot.clusters.flatMap((c) => (c && typeof c.name === 'string' && clusterIndex.get(c.name) !== undefined && dnsKindOf(c) === 'kube-dns' ? [c.name] : []));
  tcpOnly?.forEach((name, i) => {
    const path = `networking.tcpOnlyClusters[${i}]`;
    if (typeof name !== 'string' || !clusterIndex.has(name)) {
      report(path, `${show(name)} is not the name of any cluster (${quotedList(clusterIndex.keys())})`);
      return;
    }
    // kube-dns stubDomains always query over UDP first: a TCP-only DNS load balancer never answers them.
    // With a CoreDNS of the library's own, the forwarders are those instances, which can force TCP.
    const forwarders = networking.ownCoredns ? [] : kubeDns.filter((k) => k !== name).map((k) => `'${k}'`);
    if (forwarders.length > 0) {
      report(path, `${show(name)} answers DNS on TCP only, but ${forwarders.join(', ')} forward${forwarders.length === 1 ? 's' : ''} to it with kube-dns stubDomains, which cannot force TCP: give its DNS load balancer UDP too`);
    }
  });
  if (snapshot.clusters.length <= 1) return;
  snapshot.clusters.forEach((cluster, i) => {
    const name = cluster?.name;
    if (typeof name !== 'string' || clusterIndex.get(name) !== i || addresses?.has(name) !== false) return;
    const path = keyPath('networking.dnsAddresses', name);
    if (engine === 'cdk8s') {
      report(path, `the DNS load-balancer IP of clusters[${i}] is required: the other clusters forward to it, and cdk8s must know it at synth time (reserve a static internal IP)`);
    } else if (engine === 'pulumi' && cluster!.cloud === 'aws') {
      report(path, `clusters[${i}] is on AWS, whose NLBs report hostnames, but DNS servers forward to IPs only: give the NLB's private IP (it is set with aws-load-balancer-private-ipv4-addresses)`);
    }
  });
}

function dnsKindOf(cluster: Record<string, unknown>): unknown {
  return cluster.dns ?? (cluster.cloud === 'gcp' ? 'kube-dns' : 'coredns');
}

function checkPerPodAddresses(context: CheckContext): void {
  const { report, clusterIndex, snapshot, engine } = context;
  const networking = snapshot.networking!;
  const addresses = networking.addresses;
  const internal = networking.options.internal !== false;
  const blocks = clusterBlocks(context);
  const owners = new Map<string, string>();
  for (const [clusterName, list] of addresses ?? []) {
    const path = keyPath('networking.addresses', clusterName);
    const index = clusterIndex.get(clusterName);
    if (index === undefined) {
      report(path, `${show(clusterName)} is not the name of any cluster (${quotedList(clusterIndex.keys())})`);
      continue;
    }
    if (!isList(list)) continue; // not a list: reported when read
    const nodes = snapshot.clusters[index]!.nodes;
    if (typeof nodes === 'number' && Number.isInteger(nodes) && list.length < nodes) {
      report(path, `${list.length} address${list.length === 1 ? '' : 'es'} for ${nodes} nodes: every pod needs its own load-balancer address`);
    }
    list.forEach((entry, j) => {
      const at = `${path}[${j}]`;
      const fields: Record<string, unknown> = entry !== null && typeof entry === 'object' ? entry as Record<string, unknown> : { address: entry };
      const address = fields.address;
      const key = addressKey(address, entry !== null && typeof entry === 'object' ? address : entry, blocks, index, (problem) => report(at, problem));
      if (key === undefined) return;
      if (owners.has(key)) report(at, `${show(address)} is already the address of ${owners.get(key)}`);
      else owners.set(key, at);
      checkHandle(context, `${at}.gcpAddressName`, fields.gcpAddressName, GCE_NAME, 'the name of a reserved GCE address (lower-case letters, digits and \'-\', at most 63)');
      checkHandle(context, `${at}.awsEipAllocation`, fields.awsEipAllocation, EIP_ALLOCATION, "an Elastic IP allocation id ('eipalloc-' and 8–17 hex digits)");
      if (fields.awsEipAllocation !== undefined && internal) {
        report(`${at}.awsEipAllocation`, 'Elastic IPs apply to internet-facing NLBs only; set internal: false or give a private IP');
      }
    });
  }
  if (engine !== 'cdk8s') return;
  snapshot.clusters.forEach((cluster, i) => {
    const name = cluster?.name;
    if (typeof name === 'string' && clusterIndex.get(name) === i && addresses?.has(name) === false) {
      report(keyPath('networking.addresses', name), `the per-pod addresses of clusters[${i}] are required: cdk8s must know every pod's address at synth time (reserve static IPs or DNS names)`);
    }
  });
}

function checkHandle(context: CheckContext, path: string, value: unknown, pattern: RegExp, what: string): void {
  if (value === undefined) return;
  if (typeof value !== 'string' || value.length > 255 || !pattern.test(value)) context.report(path, `${show(value)} is not ${what}`);
}
