import { parseCidr } from '../cidr';
import { Problem, show, throwIfProblems, TopologyError } from '../problems';
import { COCKROACH_PORT, ClusterSpec } from '../topology';
import { awsCustomerGatewayAsn, DEFAULT_AWS_ASN, DEFAULT_GCP_ASN, validateAsnPair } from './asn';
import { checkClusterCidrsDisjoint, requirePodCidrs } from './cluster-cidrs';
import {
  AwsTunnelCipherOptions,
  awsTunnelCipherOptions,
  GcpCipherSuite,
  gcpCipherSuite,
  IKE_VERSION,
  IkeCipherSet,
  resolveIkeCipherSet,
  validateIkeCipherSet,
} from './ike-ciphers';
import { AwsIngressRule, awsIngressRules, clusterSourceCidrs, IngressPlan, planIngress } from './ingress-rules';
import { allocateInsideCidrs, checkInsideCidrs, insideAddresses } from './inside-cidrs';
import { allowPublicRanges, checkLinkRange, LinkExposureOverrides, linkPorts } from './link-exposure';
import { readNetworkClusters, readOptionalItems, readOptionalObject, readStrings } from './network-input';
import { validatePresharedKey } from './preshared-key';
import { connectionCount, redundancyType, TunnelCount, TunnelEnds, tunnelLayout } from './tunnel-layout';

/** Where the AWS side of the VPN terminates. */
export type AwsVpnGatewayKind = 'vgw' | 'tgw';

/** Per-tunnel options of the plan input (plain data; PSKs here are only checked, never stored). */
export interface VpnTunnelPlanOptions {
  /**
   * The tunnel's inside /30 from 169.254.0.0/16.
   * @default - allocated deterministically from 169.254.6.0 upwards, skipping reserved and excluded blocks
   */
  readonly insideCidr?: string;
  /**
   * The tunnel's pre-shared key, when the caller has it as plain text; checked against AWS's rules.
   * Anything that is not a string (e.g. a Pulumi Output) is skipped here.
   * @default - none: AWS generates the key
   */
  readonly presharedKey?: unknown;
}

/** Input of {@link planCrossCloudVpn}: plain data, with the same field names as the Pulumi args. */
export interface CrossCloudVpnPlanInput extends LinkExposureOverrides {
  /** Every cluster of the deployment. Clusters with `cloud: 'gcp'` are the GCP side, `cloud: 'aws'` the AWS side. */
  readonly clusters: readonly ClusterSpec[];
  /** GCP side. */
  readonly gcp?: {
    /**
     * Cloud Router ASN (a number).
     * @default 64514
     */
    readonly asn?: number;
    /**
     * Ranges the Cloud Router advertises in addition to `ALL_SUBNETS` and the GKE clusters' pod and node CIDRs.
     * @default []
     */
    readonly extraAdvertisedRanges?: readonly string[];
  };
  /** AWS side. */
  readonly aws?: {
    /**
     * Amazon-side ASN of the virtual private gateway or transit gateway.
     * @default 64512
     */
    readonly asn?: number;
    /**
     * Terminate on a virtual private gateway (`vgw`) or a transit gateway with ECMP (`tgw`).
     * @default 'vgw'
     */
    readonly gateway?: AwsVpnGatewayKind;
  };
  /**
   * Number of tunnels: 4 gives the 99.99% HA VPN SLA; 2 (one AWS connection) is for tests.
   * @default 4
   */
  readonly tunnelCount?: number;
  /**
   * Per-tunnel options; when given, exactly one entry per tunnel.
   * @default - every tunnel with defaults
   */
  readonly tunnels?: readonly VpnTunnelPlanOptions[];
  /**
   * Inside /30s already used by other VPNs on the same Cloud Router network or VGW; allocation skips them.
   * @default []
   */
  readonly excludeInsideCidrs?: readonly string[];
  /**
   * The IKEv2 transform set on both clouds.
   * @default - AES256 / SHA2-256 / DH group 14
   */
  readonly cipher?: IkeCipherSet;
  /**
   * Database ports opened across the link (besides DNS 53 TCP/UDP and ICMP): 26257, 26258 (the
   * RPC port with `separateSqlPort`) and 8080 to reach the DB Console; any other port goes in `extraPorts`.
   * @default [26257]
   */
  readonly ports?: readonly number[];
}

/** One tunnel, fully decided. */
export interface VpnTunnelPlan extends TunnelEnds {
  /** The /30 set as `tunnelNInsideCidr` on AWS. */
  readonly insideCidr: string;
  /** AWS side's BGP address: the `RouterPeer.peerIpAddress`. */
  readonly vgwInsideAddress: string;
  /** Cloud Router's BGP address: the `RouterPeer.ipAddress`. */
  readonly cgwInsideAddress: string;
  /** `RouterInterface.ipRange`: `<cgw inside address>/30`. */
  readonly routerInterfaceIpRange: string;
  /** `RouterPeer.peerAsn`: the AWS-side ASN (a number on GCP). */
  readonly peerAsn: number;
  /** True when the caller supplies this tunnel's PSK; false when AWS generates it. */
  readonly userPresharedKey: boolean;
}

/** Everything a CrossCloudVpn creates, decided from plain input. Contains no secret. */
export interface CrossCloudVpnPlan {
  /** Number of tunnels (4 or 2). */
  readonly tunnelCount: TunnelCount;
  /** `ExternalVpnGateway.redundancyType`. */
  readonly redundancyType: 'FOUR_IPS_REDUNDANCY' | 'TWO_IPS_REDUNDANCY';
  /** Number of AWS VPN connections and customer gateways (2 for 4 tunnels, 1 for 2). */
  readonly connectionCount: 1 | 2;
  /** Where the AWS side terminates: virtual private gateway or transit gateway. */
  readonly gateway: AwsVpnGatewayKind;
  /** Cloud Router ASN (`Router.bgp.asn`, a number). */
  readonly gcpAsn: number;
  /** Amazon-side ASN as a number (`RouterPeer.peerAsn`, `TransitGateway.amazonSideAsn`). */
  readonly awsAsn: number;
  /** Amazon-side ASN as a string (`VpnGateway.amazonSideAsn`). */
  readonly awsAsnString: string;
  /** The customer-gateway ASN field (`bgpAsn` string, or `bgpAsnExtended` above 2147483647). */
  readonly customerGatewayAsn: { readonly bgpAsn?: string; readonly bgpAsnExtended?: string };
  /** The tunnels, in external-interface order. */
  readonly tunnels: readonly VpnTunnelPlan[];
  /** Cloud Router advertisement mode. */
  readonly advertiseMode: 'CUSTOM';
  /** Cloud Router advertised groups. */
  readonly advertisedGroups: readonly string[];
  /** Cloud Router advertised ranges: the GKE clusters' pod and node CIDRs, then the extra ranges. */
  readonly advertisedRanges: readonly string[];
  /** GCP-side CIDRs that AWS route tables route to the transit gateway (TGW mode). */
  readonly awsRouteDestinations: readonly string[];
  /** What the GCP firewall lets in from the AWS clusters. */
  readonly gcpIngress: IngressPlan;
  /** What the AWS security groups let in from the GKE clusters. */
  readonly awsIngress: IngressPlan;
  /** {@link awsIngress} expanded to one rule per CIDR, protocol and port (per security group). */
  readonly awsIngressRules: readonly AwsIngressRule[];
  /** IKE version on both sides (2). */
  readonly ikeVersion: number;
  /** AWS tunnel options (both tunnels of every connection). */
  readonly awsCipher: AwsTunnelCipherOptions;
  /** GCP `VPNTunnel.cipherSuite` (every tunnel). */
  readonly gcpCipherSuite: GcpCipherSuite;
}

/**
 * Validates the input and decides every value of a GCP HA VPN ↔ AWS Site-to-Site VPN: the
 * tunnel layout, inside CIDRs and BGP addresses, ASNs, cipher set, advertised ranges and
 * firewall/security-group rules. Pure; throws one {@link TopologyError} that lists every
 * problem with its field path before anything is created.
 */
export function planCrossCloudVpn(rawInput: CrossCloudVpnPlanInput): CrossCloudVpnPlan {
  const problems: Problem[] = [];
  const input = readVpnPlanInput(rawInput, problems);
  throwIfProblems(problems);
  const clusters = input.clusters ?? [];
  const gcpAsn = input.gcp?.asn ?? DEFAULT_GCP_ASN;
  const awsAsn = input.aws?.asn ?? DEFAULT_AWS_ASN;
  const gateway = input.aws?.gateway ?? 'vgw';
  const tunnelCountRaw = input.tunnelCount ?? 4;
  const allowPublic = allowPublicRanges(input.allowPublicRanges, problems);
  const ports = linkPorts(input.ports, input.extraPorts, problems) ?? [COCKROACH_PORT];

  if (tunnelCountRaw !== 2 && tunnelCountRaw !== 4) {
    problems.push({ path: 'tunnelCount', message: `${show(tunnelCountRaw)} is not supported; use 4 (99.99% SLA) or 2 (no SLA, for tests)` });
  }
  const tunnelCount: TunnelCount = tunnelCountRaw === 2 ? 2 : 4;
  if (gateway !== 'vgw' && gateway !== 'tgw') {
    problems.push({ path: 'aws.gateway', message: `${show(gateway)} is not 'vgw' or 'tgw'` });
  }
  problems.push(...validateAsnPair(gcpAsn, awsAsn));

  // Per-tunnel options.
  const tunnelOptions = input.tunnels ?? [];
  if (input.tunnels !== undefined && tunnelOptions.length !== tunnelCount) {
    problems.push({ path: 'tunnels', message: `has ${tunnelOptions.length} entries; give exactly one per tunnel (${tunnelCount}) or leave it out` });
  }
  const given = tunnelOptions
    .map((t, i) => ({ path: `tunnels[${i}].insideCidr`, cidr: t.insideCidr }))
    .filter((e): e is { path: string; cidr: string } => e.cidr !== undefined);
  problems.push(...checkInsideCidrs(given, input.excludeInsideCidrs ?? []));
  const keyIndex = new Map<string, number>();
  tunnelOptions.forEach((t, i) => {
    if (typeof t.presharedKey !== 'string') return;
    const path = `tunnels[${i}].presharedKey`;
    problems.push(...validatePresharedKey(t.presharedKey, path));
    const earlier = keyIndex.get(t.presharedKey);
    if (earlier !== undefined) problems.push({ path, message: `is the same key as tunnels[${earlier}].presharedKey; use a distinct key per tunnel` });
    else keyIndex.set(t.presharedKey, i);
  });

  problems.push(...validateIkeCipherSet(input.cipher));

  // Clusters: one side each, pod CIDRs present, every CIDR disjoint across both clouds.
  const gcpIdx = clusters.flatMap((c, i) => (c.cloud === 'gcp' ? [i] : []));
  const awsIdx = clusters.flatMap((c, i) => (c.cloud === 'aws' ? [i] : []));
  if (gcpIdx.length === 0) problems.push({ path: 'clusters', message: "has no cluster with cloud 'gcp'; CrossCloudVpn joins GKE clusters to EKS clusters" });
  if (awsIdx.length === 0) problems.push({ path: 'clusters', message: "has no cluster with cloud 'aws'; CrossCloudVpn joins GKE clusters to EKS clusters" });
  problems.push(...requirePodCidrs(clusters, [...gcpIdx, ...awsIdx], 'the VPN advertises, routes and allows pod CIDRs'));
  problems.push(...checkClusterCidrsDisjoint(clusters));
  // Every range the link advertises, routes or opens to must be private, unless explicitly allowed.
  [...gcpIdx, ...awsIdx].forEach((i) => {
    for (const field of ['podCidrs', 'nodeCidrs'] as const) {
      (clusters[i][field] ?? []).forEach((cidr, j) => {
        if (typeof parseCidr(cidr) !== 'string') checkLinkRange(cidr, `clusters[${i}].${field}[${j}]`, allowPublic, problems);
      });
    }
  });
  const extra = input.gcp?.extraAdvertisedRanges ?? [];
  extra.forEach((cidr, i) => checkLinkRange(cidr, `gcp.extraAdvertisedRanges[${i}]`, allowPublic, problems));

  throwIfProblems(problems);

  // Decide. Given CIDRs are kept; the rest are allocated around them.
  const givenCidrs = given.map((g) => g.cidr);
  let allocated: string[];
  try {
    allocated = allocateInsideCidrs(tunnelCount - givenCidrs.length, { exclude: [...(input.excludeInsideCidrs ?? []), ...givenCidrs] });
  } catch {
    throw new TopologyError([{ path: 'excludeInsideCidrs', message: `leaves no free /30 in 169.254.0.0/16 for ${tunnelCount - givenCidrs.length} tunnels` }]);
  }
  let next = 0;
  const tunnels: VpnTunnelPlan[] = tunnelLayout(tunnelCount).map((ends) => {
    const insideCidr = tunnelOptions[ends.index]?.insideCidr ?? allocated[next++];
    const addresses = insideAddresses(insideCidr);
    return {
      ...ends,
      insideCidr,
      vgwInsideAddress: addresses.vgwAddress,
      cgwInsideAddress: addresses.cgwAddress,
      routerInterfaceIpRange: `${addresses.cgwAddress}/30`,
      peerAsn: awsAsn,
      userPresharedKey: tunnelOptions[ends.index]?.presharedKey !== undefined,
    };
  });

  const gcpClusters = gcpIdx.map((i) => clusters[i]);
  const awsClusters = awsIdx.map((i) => clusters[i]);
  const advertisedRanges = [...new Set([...gcpClusters.flatMap(clusterSourceCidrs), ...extra])];
  const awsIngress = planIngress(gcpClusters, ports);
  const cipher = resolveIkeCipherSet(input.cipher);

  return {
    tunnelCount,
    redundancyType: redundancyType(tunnelCount),
    connectionCount: connectionCount(tunnelCount),
    gateway,
    gcpAsn,
    awsAsn,
    awsAsnString: String(awsAsn),
    customerGatewayAsn: awsCustomerGatewayAsn(gcpAsn),
    tunnels,
    advertiseMode: 'CUSTOM',
    advertisedGroups: ['ALL_SUBNETS'],
    advertisedRanges,
    awsRouteDestinations: advertisedRanges.filter((c) => !c.includes(':')),
    gcpIngress: planIngress(awsClusters, ports),
    awsIngress,
    awsIngressRules: awsIngressRules(awsIngress),
    ikeVersion: IKE_VERSION,
    awsCipher: awsTunnelCipherOptions(cipher),
    gcpCipherSuite: gcpCipherSuite(cipher),
  };
}

/** The plan input as plain copies of the right shapes; every shape problem is reported. */
function readVpnPlanInput(raw: unknown, problems: Problem[]): CrossCloudVpnPlanInput {
  const input = readOptionalObject(raw ?? null, '(input)', problems, 'the VPN input object') ?? {};
  const gcp = readOptionalObject(input.gcp, 'gcp', problems, 'the GCP side', ['asn', 'extraAdvertisedRanges']);
  const aws = readOptionalObject(input.aws, 'aws', problems, 'the AWS side', ['asn', 'gateway']);
  const tunnels = readOptionalItems(input.tunnels, 'tunnels', problems, 'a list of tunnel options')
    ?.map((t, i) => readOptionalObject(t ?? null, `tunnels[${i}]`, problems, 'tunnel options', ['insideCidr', 'presharedKey']) ?? {});
  const cipher = readOptionalObject(input.cipher, 'cipher', problems, 'a cipher set', ['encryption', 'integrity', 'dhGroup']);
  return {
    ...input,
    clusters: readNetworkClusters(input.clusters ?? [], 'clusters', problems) ?? [],
    gcp: gcp ? { ...gcp, extraAdvertisedRanges: readStrings(gcp.extraAdvertisedRanges, 'gcp.extraAdvertisedRanges', problems, 'CIDR blocks') } : undefined,
    aws,
    tunnels: tunnels as VpnTunnelPlanOptions[] | undefined,
    excludeInsideCidrs: readStrings(input.excludeInsideCidrs, 'excludeInsideCidrs', problems, 'CIDR blocks'),
    cipher,
  } as CrossCloudVpnPlanInput;
}
