// A CoreDNS of the library's own beside the cluster's DNS: the DNS chain's forwarding done by an
// instance the library deploys, so the managed DNS (GKE kube-dns or Cloud DNS, the EKS add-on, AKS's
// CoreDNS) is exposed to nobody and rewritten little or not at all.
import { IPv4, IPv6 } from 'ip-num';
import { canonicalIp, parseCidr, ParsedCidr, parseIp } from '../cidr';

/**
 * Who sends this cluster's queries for the other clusters' names to the instance:
 * - `'database-pods'`: the database pods use the instance as their only nameserver (`dnsPolicy: None`,
 *   `dnsConfig` naming the instance's fixed ClusterIP); the instance answers the database names and
 *   hands everything else to the cluster DNS. The cluster DNS is not touched at all.
 * - `'cluster-dns'`: the cluster DNS forwards each remote cluster's domain to the instance (one entry
 *   per remote domain, written the way the cloud profile says: kube-dns `stubDomains`, the Corefile,
 *   the EKS add-on, AKS `coredns-custom`, Cloud DNS forwarding zones), so every pod of the cluster
 *   resolves the remote database names.
 */
export type OwnCorednsResolvers = 'database-pods' | 'cluster-dns';

/** The ways a cluster's pods reach the instance, in the order error messages list them. */
export const OWN_COREDNS_RESOLVERS: readonly OwnCorednsResolvers[] = ['database-pods', 'cluster-dns'];

/** Options of the DNS chain's own CoreDNS (`Networking.dnsChain({ ownCoredns: { ... } })`). */
export interface OwnCorednsOptions {
  /**
   * Who sends the queries for the remote clusters' names to the instance; see {@link OwnCorednsResolvers}.
   * @default 'database-pods'
   */
  readonly resolvers?: OwnCorednsResolvers;
  /**
   * The fixed ClusterIP of each cluster's instance, by cluster name: inside the cluster's `serviceCidrs`,
   * ideally in the lower band Kubernetes keeps for chosen addresses (KEP-3070: the first
   * min(max(16, size/16), 256) addresses), never the network address, the first address (the
   * `kubernetes` Service) or the tenth (the cluster DNS on GKE, EKS, AKS and kubeadm). The database pods'
   * `dnsConfig` (or the cluster DNS's forwarding) names it, so it is known before anything is deployed
   * and the pod template never depends on an address the API server assigns.
   * @default - the 53rd address of the cluster's first `serviceCidrs` block (e.g. 10.96.0.53 in
   * 10.96.0.0/12), when that block is a /22 or larger (IPv6: /118); otherwise it must be given
   */
  readonly clusterIps?: Readonly<Record<string, string>>;
  /**
   * Replicas of the instance in each cluster (a PodDisruptionBudget keeps all but one up).
   * @default 2
   */
  readonly replicas?: number;
  /**
   * The CoreDNS image, pinned by digest.
   * @default 'registry.k8s.io/coredns/coredns:v1.12.1@sha256:e8c262566636e6bc340ece6473b0eed193cad045384401529721ddbe6463d31c'
   */
  readonly image?: string;
}

/**
 * CoreDNS v1.12.1, the multi-architecture index digest (the same on registry.k8s.io and Docker Hub's
 * coredns/coredns:1.12.1). Every plugin the generated Corefile uses is in it.
 */
export const OWN_COREDNS_IMAGE = 'registry.k8s.io/coredns/coredns:v1.12.1@sha256:e8c262566636e6bc340ece6473b0eed193cad045384401529721ddbe6463d31c';
/** Replicas of the instance by default. */
export const OWN_COREDNS_REPLICAS = 2;
/** The most replicas accepted: a DNS forwarder for one database needs a few, not a fleet. */
export const OWN_COREDNS_MAX_REPLICAS = 50;
/** The offset of the default ClusterIP in the cluster's first service block (53, like the DNS port). */
export const OWN_COREDNS_CLUSTER_IP_OFFSET = 53n;
/**
 * Offsets of a service block that are never the instance's: the network address, the first address
 * (the `kubernetes` Service, always) and the tenth (the cluster DNS on GKE, EKS, AKS and kubeadm).
 */
const RESERVED_OFFSETS: ReadonlyMap<bigint, string> = new Map([
  [0n, 'the network address of the block'],
  [1n, "the first address of the block, which is the 'kubernetes' Service's"],
  [10n, 'the tenth address of the block, which is the cluster DNS Service on GKE, EKS, AKS and kubeadm'],
]);

/** The names of the instance's objects; the base name is the database's, so two deployments never share them. */
export interface OwnCorednsNames {
  /** Deployment, ServiceAccount, ConfigMap (the Corefile) and the ClusterIP Service. */
  readonly name: string;
  /** The internal load balancer the other clusters' instances forward to. */
  readonly loadBalancer: string;
  /** The PodDisruptionBudget. */
  readonly podDisruptionBudget: string;
  /** The NetworkPolicy in front of the instance's pods. */
  readonly networkPolicy: string;
  /** The ClusterRole (and binding) that lets the `kubernetes` plugin list and watch what it serves. */
  readonly clusterRole: string;
}

/** The names of the instance's objects in one cluster. */
export function ownCorednsNames(baseName: string, namespace: string): OwnCorednsNames {
  return {
    name: `${baseName}-dns`,
    loadBalancer: `${baseName}-dns-lb`,
    podDisruptionBudget: `${baseName}-dns-budget`,
    networkPolicy: `${baseName}-dns-ingress`,
    // Cluster-scoped: the namespace keeps two deployments in one cluster apart.
    clusterRole: `${baseName}-${namespace}-dns-reader`,
  };
}

function firstAddress(block: ParsedCidr): bigint {
  return (parseIp(block.cidr.slice(0, block.cidr.indexOf('/'))) as { value: bigint }).value;
}

function blockSize(block: ParsedCidr): bigint {
  const prefix = Number(block.cidr.slice(block.cidr.indexOf('/') + 1));
  return 2n ** BigInt((block.family === 4 ? 32 : 128) - prefix);
}

/**
 * How many addresses at the start of a service block Kubernetes keeps for chosen ClusterIPs: the
 * allocator hands out the others first (KEP-3070, GA in 1.26: min(max(16, size/16), 256)).
 */
export function staticBandSize(block: ParsedCidr): bigint {
  const sixteenth = blockSize(block) / 16n;
  const band = sixteenth > 16n ? sixteenth : 16n;
  return band < 256n ? band : 256n;
}

function addressAt(block: ParsedCidr, offset: bigint): string {
  const value = firstAddress(block) + offset;
  return block.family === 4 ? IPv4.fromNumber(value).toString() : canonicalIp(IPv6.fromBigInt(value).toString())!;
}

/**
 * The default ClusterIP of the instance: offset 53 of the first service block, when the block's static
 * band reaches that far; undefined otherwise (or without a valid block), and then it must be given.
 */
export function defaultOwnCorednsClusterIp(serviceCidrs: readonly unknown[] | undefined): string | undefined {
  const block = parseCidr(serviceCidrs?.[0]);
  if (typeof block === 'string' || staticBandSize(block) <= OWN_COREDNS_CLUSTER_IP_OFFSET) return undefined;
  return addressAt(block, OWN_COREDNS_CLUSTER_IP_OFFSET);
}

/**
 * Why `ip` cannot be the instance's ClusterIP in a cluster with these service blocks, or undefined.
 * Without blocks only the address itself is checked (the API server checks the range).
 */
export function ownCorednsClusterIpProblem(ip: unknown, serviceCidrs: readonly unknown[]): string | undefined {
  const parsed = parseIp(ip);
  if (typeof parsed === 'string') return `${parsed}; a ClusterIP is an IP address inside the cluster's serviceCidrs`;
  const blocks = serviceCidrs.map(parseCidr).filter((b): b is ParsedCidr => typeof b !== 'string');
  if (blocks.length === 0) return undefined;
  const block = blocks.find((b) => b.family === parsed.family && firstAddress(b) <= parsed.value && parsed.value < firstAddress(b) + blockSize(b));
  if (!block) return `'${parsed.canonical}' is not inside the cluster's serviceCidrs (${blocks.map((b) => b.cidr).join(', ')}): a ClusterIP comes from the service range`;
  const offset = parsed.value - firstAddress(block);
  const reserved = RESERVED_OFFSETS.get(offset);
  if (reserved) return `'${parsed.canonical}' is ${reserved}; choose another address in the lower band of ${block.cidr} (the first ${staticBandSize(block)} addresses), e.g. ${addressAt(block, OWN_COREDNS_CLUSTER_IP_OFFSET < staticBandSize(block) ? OWN_COREDNS_CLUSTER_IP_OFFSET : 11n)}`;
  if (block.family === 4 && offset === blockSize(block) - 1n) return `'${parsed.canonical}' is the broadcast address of ${block.cidr}`;
  return undefined;
}
