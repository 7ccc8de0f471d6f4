import { checkDisjointCidrs, cidrsOverlap, LabelledCidr, parseCidr } from '../cidr';
import { Problem, show, throwIfProblems } from '../problems';
import { COCKROACH_PORT, ClusterSpec } from '../topology';
import { validateAsn } from './asn';
import { AwsIngressRule, awsIngressRules, clusterSourceCidrs, planIngress } from './ingress-rules';
import { allowPublicRanges, checkLinkRange, LinkExposureOverrides, linkPorts } from './link-exposure';
import { readNetworkCluster, readOptionalItems, readOptionalObject, readStrings, reporter } from './network-input';
import { ownValue, readKeyedMap, toLookup } from '../validation/read';

/** One VPC of a multi-region AWS deployment, as plain data. */
export interface AwsNetworkVpcInput {
  /** The EKS cluster in this VPC; its name labels the resources, its region places them, its CIDRs are routed. */
  readonly cluster: ClusterSpec;
  /**
   * CIDRs routed to this VPC from the others, and allowed from this VPC into the others.
   * @default - the cluster's IPv4 pod and node CIDRs
   */
  readonly cidrs?: readonly string[];
  /** Number of route tables of this VPC that get routes to the other VPCs (at least one). */
  readonly routeTables: number;
  /**
   * Number of security groups of this VPC that get ingress rules from the other VPCs.
   * @default 0
   */
  readonly securityGroups?: number;
}

/** Input of {@link planAwsPeeringMesh} and {@link planAwsTransitGatewayHub}. */
export interface AwsNetworkPlanInput extends LinkExposureOverrides {
  /** The VPCs, one per EKS cluster (at least two). */
  readonly vpcs: readonly AwsNetworkVpcInput[];
  /**
   * Database ports allowed between the VPCs (besides DNS 53 TCP/UDP and ICMP): 26257, 26258 (the
   * RPC port with `separateSqlPort`) and 8080 to reach the DB Console; any other port goes in `extraPorts`.
   * @default [26257]
   */
  readonly ports?: readonly number[];
}

/** A resolved VPC: name, region and the CIDRs routed to it. */
export interface PlannedVpc {
  /** The cluster name, used in resource names. */
  readonly name: string;
  /** The AWS region of the VPC. */
  readonly region: string;
  /** CIDRs routed to this VPC and allowed from it. */
  readonly cidrs: readonly string[];
}

/** A route in one route table of one VPC. */
export interface PlannedVpcRoute {
  /** Index of the VPC that owns the route table. */
  readonly vpc: number;
  /** Index of the route table within that VPC's list. */
  readonly routeTable: number;
  /** Destination CIDR (a CIDR of another VPC). */
  readonly destination: string;
  /** The peering (mesh) the route points to; `undefined` when it points to the transit gateway. */
  readonly peering?: number;
}

/** A security-group ingress rule in one security group of one VPC. */
export interface PlannedSecurityGroupRule {
  /** Index of the VPC that owns the security group. */
  readonly vpc: number;
  /** Index of the security group within that VPC's list. */
  readonly securityGroup: number;
  /** The rule. */
  readonly rule: AwsIngressRule;
}

/** One VPC peering connection: created in the requester's region, accepted in the accepter's. */
export interface PlannedPeering {
  /** Index of the peering. */
  readonly index: number;
  /** Index of the requester VPC (the connection is created in its region). */
  readonly requester: number;
  /** Index of the accepter VPC (the accepter is created in its region). */
  readonly accepter: number;
  /** True when the two VPCs are in different regions. */
  readonly crossRegion: boolean;
}

/** The full mesh: N(N−1)/2 peerings, routes in every route table on both sides, SG rules by CIDR. */
export interface AwsPeeringMeshPlan {
  /** The VPCs, in input order. */
  readonly vpcs: readonly PlannedVpc[];
  /** N(N−1)/2 peerings. */
  readonly peerings: readonly PlannedPeering[];
  /** Routes to the peerings, in every route table on both sides. */
  readonly routes: readonly PlannedVpcRoute[];
  /** Ingress rules by CIDR from the other VPCs. */
  readonly securityGroupRules: readonly PlannedSecurityGroupRule[];
}

/** One transit gateway per region. */
export interface PlannedTransitGateway {
  /** The region of the TGW. */
  readonly region: string;
  /** `TransitGateway.amazonSideAsn` (a number); unique per TGW as AWS recommends for peering. */
  readonly asn: number;
  /** Indices of the VPCs attached to it. */
  readonly vpcs: readonly number[];
}

/** A transit-gateway peering attachment between two regions' TGWs. */
export interface PlannedTgwPeering {
  /** Index of the peering attachment. */
  readonly index: number;
  /** Requester TGW (index into `transitGateways`). */
  readonly requester: number;
  /** Accepter TGW. */
  readonly accepter: number;
}

/** A static route in a TGW's default route table towards a peering attachment. */
export interface PlannedTgwRoute {
  /** Index of the TGW whose default route table gets the route. */
  readonly transitGateway: number;
  /** A remote VPC CIDR. */
  readonly destination: string;
  /** The peering attachment the route points to. */
  readonly peering: number;
}

/**
 * The transit-gateway hub: one TGW per region, N VPC attachments, a full mesh of TGW peerings
 * between regions (R(R−1)/2, static routes only), VPC routes to the local TGW.
 */
export interface AwsTransitGatewayHubPlan {
  /** The VPCs, in input order. */
  readonly vpcs: readonly PlannedVpc[];
  /** One TGW per region, in order of first appearance. */
  readonly transitGateways: readonly PlannedTransitGateway[];
  /** One attachment per VPC, to its region's TGW: `{ vpc, transitGateway }`. */
  readonly attachments: ReadonlyArray<{ readonly vpc: number; readonly transitGateway: number }>;
  /** R(R−1)/2 TGW peering attachments. */
  readonly peerings: readonly PlannedTgwPeering[];
  /** Static routes to the peering attachments. */
  readonly tgwRoutes: readonly PlannedTgwRoute[];
  /** VPC routes to the local TGW (`peering` is undefined). */
  readonly routes: readonly PlannedVpcRoute[];
  /** Ingress rules by CIDR from the other VPCs. */
  readonly securityGroupRules: readonly PlannedSecurityGroupRule[];
}

/** Resource counts of the two topologies, for choosing between them. */
export interface AwsTopologyCost {
  /** VPC peering connections in a full mesh: N(N−1)/2 (plus as many accepters). */
  readonly meshPeerings: number;
  /** VPC route entries in a full mesh: every route table × every other VPC's CIDRs. */
  readonly meshRoutes: number;
  /** TGW attachments in the hub: N. */
  readonly hubAttachments: number;
  /** TGW peering attachments between R regions: R(R−1)/2. */
  readonly hubPeerings: number;
}

/**
 * The resource counts of a full VPC-peering mesh and of a TGW hub for `vpcCount` VPCs in
 * `regionCount` regions, each VPC with `routeTablesPerVpc` route tables and one CIDR.
 */
export function compareAwsTopologies(vpcCount: number, regionCount: number, routeTablesPerVpc = 1): AwsTopologyCost {
  return {
    meshPeerings: (vpcCount * (vpcCount - 1)) / 2,
    meshRoutes: vpcCount * routeTablesPerVpc * (vpcCount - 1),
    hubAttachments: vpcCount,
    hubPeerings: (regionCount * (regionCount - 1)) / 2,
  };
}

/**
 * Plans a full mesh of VPC peerings between N VPCs (any regions): N(N−1)/2 requester +
 * accepter pairs, a route to every other VPC's CIDRs in every given route table on both sides,
 * and security-group rules by CIDR (cross-region peering cannot reference security groups).
 * Throws one {@link TopologyError} listing every problem.
 */
export function planAwsPeeringMesh(rawInput: AwsNetworkPlanInput): AwsPeeringMeshPlan {
  const problems: Problem[] = [];
  const input = readAwsNetworkInput(rawInput, problems);
  throwIfProblems(problems);
  const vpcs = resolveVpcs(input);
  const peerings: PlannedPeering[] = [];
  for (let a = 0; a < vpcs.length; a++) {
    for (let b = a + 1; b < vpcs.length; b++) {
      peerings.push({ index: peerings.length, requester: a, accepter: b, crossRegion: vpcs[a].region !== vpcs[b].region });
    }
  }
  const routes: PlannedVpcRoute[] = [];
  for (const p of peerings) {
    for (const [from, to] of [[p.requester, p.accepter], [p.accepter, p.requester]]) {
      for (let rt = 0; rt < input.vpcs[from].routeTables; rt++) {
        for (const destination of vpcs[to].cidrs) routes.push({ vpc: from, routeTable: rt, destination, peering: p.index });
      }
    }
  }
  return { vpcs, peerings, routes, securityGroupRules: planSgRules(input, vpcs) };
}

/**
 * Plans a transit-gateway hub: one TGW per region (ASN from `asns`, default 65100, 65101, …),
 * one VPC attachment per VPC, TGW peerings between every pair of regions with static routes to
 * the remote regions' VPC CIDRs, routes to the local TGW in every route table, and SG rules by CIDR.
 * @param rawAsns Amazon-side ASN per region (looked up by own key)
 */
export function planAwsTransitGatewayHub(rawInput: AwsNetworkPlanInput, rawAsns: Readonly<Record<string, number>> = {}): AwsTransitGatewayHubPlan {
  const problems: Problem[] = [];
  const input = readAwsNetworkInput(rawInput, problems);
  const asns = toLookup(readKeyedMap(rawAsns ?? {}, 'transitGatewayAsns', reporter(problems), 'a map of ASNs by region') ?? []) as Record<string, number>;
  throwIfProblems(problems);
  const vpcs = resolveVpcs(input, problems, false);
  const regions = [...new Set(vpcs.map((v) => v.region))];
  const transitGateways: PlannedTransitGateway[] = regions.map((region, i) => ({
    region,
    asn: ownValue(asns, region) ?? 65100 + i,
    vpcs: vpcs.flatMap((v, j) => (v.region === region ? [j] : [])),
  }));
  for (const [region, asn] of Object.entries(asns)) {
    problems.push(...validateAsn(asn, `transitGatewayAsns.${region}`));
    if (!regions.includes(region)) problems.push({ path: `transitGatewayAsns.${region}`, message: `no VPC is in region ${show(region)}` });
  }
  const byAsn = new Map<number, string>();
  for (const tgw of transitGateways) {
    const other = byAsn.get(tgw.asn);
    if (other !== undefined) {
      problems.push({ path: `transitGatewayAsns.${tgw.region}`, message: `${tgw.asn} is also the ASN of the transit gateway in ${other}; use a unique ASN per peered TGW` });
    }
    byAsn.set(tgw.asn, tgw.region);
  }
  throwIfProblems(problems);

  const tgwOf = (vpc: number): number => regions.indexOf(vpcs[vpc].region);
  const attachments = vpcs.map((_, vpc) => ({ vpc, transitGateway: tgwOf(vpc) }));
  const peerings: PlannedTgwPeering[] = [];
  for (let a = 0; a < regions.length; a++) {
    for (let b = a + 1; b < regions.length; b++) peerings.push({ index: peerings.length, requester: a, accepter: b });
  }
  const tgwRoutes: PlannedTgwRoute[] = [];
  for (const p of peerings) {
    for (const [from, to] of [[p.requester, p.accepter], [p.accepter, p.requester]]) {
      for (const vpc of transitGateways[to].vpcs) {
        for (const destination of vpcs[vpc].cidrs) tgwRoutes.push({ transitGateway: from, destination, peering: p.index });
      }
    }
  }
  const routes: PlannedVpcRoute[] = [];
  vpcs.forEach((_, from) => {
    for (let rt = 0; rt < input.vpcs[from].routeTables; rt++) {
      vpcs.forEach((other, to) => {
        if (to === from) return;
        for (const destination of other.cidrs) routes.push({ vpc: from, routeTable: rt, destination });
      });
    }
  });
  return { vpcs, transitGateways, attachments, peerings, tgwRoutes, routes, securityGroupRules: planSgRules(input, vpcs) };
}

function resolveVpcs(input: AwsNetworkPlanInput, problems: Problem[] = [], throwNow = true): PlannedVpc[] {
  const list = input.vpcs ?? [];
  const allowPublic = allowPublicRanges(input.allowPublicRanges, problems);
  linkPorts(input.ports, input.extraPorts, problems);
  if (list.length < 2) problems.push({ path: 'vpcs', message: `has ${list.length} VPC${list.length === 1 ? '' : 's'}; connecting VPCs needs at least two` });
  const names = new Map<string, number>();
  const labelled: LabelledCidr[] = [];
  const overrides: Array<{ vpc: number; path: string; cidr: string }> = [];
  const vpcs = list.map((v, i) => {
    const c = v.cluster;
    const at = `vpcs[${i}]`;
    const earlier = names.get(c.name);
    if (earlier !== undefined) problems.push({ path: `${at}.cluster.name`, message: `${show(c.name)} is also the name of vpcs[${earlier}].cluster` });
    names.set(c.name, i);
    if (c.cloud !== 'aws') problems.push({ path: `${at}.cluster.cloud`, message: `${show(c.cloud)} is not 'aws'` });
    if (!c.region) problems.push({ path: `${at}.cluster.region`, message: `${show(c.region)} is not an AWS region` });
    if (!Number.isInteger(v.routeTables) || v.routeTables < 1) {
      problems.push({ path: `${at}.routeTableIds`, message: `has ${show(v.routeTables)} route tables; routes need at least one` });
    }
    // Every cluster CIDR, for the disjointness check across VPCs.
    for (const field of ['podCidrs', 'serviceCidrs', 'nodeCidrs'] as const) {
      (c[field] ?? []).forEach((cidr, j) => labelled.push({ path: `${at}.cluster.${field}[${j}]`, cidr }));
    }
    let cidrs: string[];
    if (v.cidrs !== undefined) {
      cidrs = [...v.cidrs];
      cidrs.forEach((cidr, j) => {
        overrides.push({ vpc: i, path: `${at}.cidrs[${j}]`, cidr });
        if (typeof parseCidr(cidr) !== 'string') checkLinkRange(cidr, `${at}.cidrs[${j}]`, allowPublic, problems);
      });
    } else {
      cidrs = clusterSourceCidrs(c);
      for (const field of ['podCidrs', 'nodeCidrs'] as const) {
        (c[field] ?? []).forEach((cidr, j) => {
          if (typeof parseCidr(cidr) !== 'string') checkLinkRange(cidr, `${at}.cluster.${field}[${j}]`, allowPublic, problems);
        });
      }
      if (cidrs.length === 0) problems.push({ path: `${at}.cluster.podCidrs`, message: `cluster ${show(c.name)} has no IPv4 pod or node CIDR to route; set them or give cidrs` });
    }
    return { name: c.name, region: c.region, cidrs };
  });
  problems.push(...checkDisjointCidrs(labelled));
  // A `cidrs` override (usually the VPC CIDR) may contain its own cluster's blocks, but must
  // not overlap any other VPC's routed CIDRs.
  const parsed = overrides.map((o) => ({ ...o, parsed: parseCidr(o.cidr) }));
  for (const o of parsed) {
    if (typeof o.parsed === 'string') {
      problems.push({ path: o.path, message: o.parsed });
      continue;
    }
    for (let j = 0; j < vpcs.length; j++) {
      // Skip self, and earlier VPCs with overrides: that pair was reported from their side.
      if (j === o.vpc || (list[j].cidrs !== undefined && j < o.vpc)) continue;
      const mine = o.parsed;
      const hit = vpcs[j].cidrs.find((c) => {
        const other = parseCidr(c);
        return typeof other !== 'string' && cidrsOverlap(mine, other);
      });
      if (hit !== undefined) {
        problems.push({ path: o.path, message: `${show(o.cidr)} overlaps ${show(hit)} routed to vpcs[${j}] (${show(vpcs[j].name)}); routed CIDRs must be disjoint across VPCs` });
      }
    }
  }
  if (throwNow) throwIfProblems(problems);
  return vpcs;
}

function planSgRules(input: AwsNetworkPlanInput, vpcs: readonly PlannedVpc[]): PlannedSecurityGroupRule[] {
  const out: PlannedSecurityGroupRule[] = [];
  const ports = linkPorts(input.ports, input.extraPorts, []) ?? [COCKROACH_PORT];
  vpcs.forEach((_, into) => {
    const remote = vpcs.filter((__, j) => j !== into);
    // SG sources are the other VPCs' routed CIDRs (the same ones their routes point at).
    const plan = planIngress(remote.map((r) => ({ name: r.name, cloud: 'aws', region: r.region, nodes: 1, podCidrs: r.cidrs })), ports);
    const rules = awsIngressRules(plan);
    for (let sg = 0; sg < (input.vpcs[into].securityGroups ?? 0); sg++) {
      for (const rule of rules) out.push({ vpc: into, securityGroup: sg, rule });
    }
  });
  return out;
}

/** The input as plain copies of the right shapes; every shape problem is reported. */
function readAwsNetworkInput(raw: unknown, problems: Problem[]): AwsNetworkPlanInput {
  const input = readOptionalObject(raw ?? null, '(input)', problems, 'the network input object') ?? {};
  const vpcs = (readOptionalItems(input.vpcs ?? null, 'vpcs', problems, 'a list of VPCs') ?? []).flatMap((v, i) => {
    const at = `vpcs[${i}]`;
    const fields = readOptionalObject(v ?? null, at, problems, 'a VPC', ['cluster', 'cidrs', 'routeTables', 'securityGroups']);
    const cluster = fields ? readNetworkCluster(fields.cluster, `${at}.cluster`, problems) : undefined;
    const cidrs = fields ? readStrings(fields.cidrs, `${at}.cidrs`, problems, 'CIDR blocks') : undefined;
    if (fields && fields.securityGroups !== undefined && !(Number.isInteger(fields.securityGroups) && (fields.securityGroups as number) >= 0)) {
      problems.push({ path: `${at}.securityGroupIds`, message: `${show(fields.securityGroups)} security groups is not a count` });
    }
    return fields && cluster ? [{ ...fields, cluster, cidrs }] : [];
  });
  return { ...input, vpcs } as unknown as AwsNetworkPlanInput;
}
