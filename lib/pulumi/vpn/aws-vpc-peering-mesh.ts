import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { createSgRule, sgRuleName, slug } from './resource-helpers';
import { RoutedNetwork, routedNetworkOfAwsPlan } from '../../core/strategies/routed-network';
import { ClusterSpec } from '../../core/topology';
import { isList } from '../../core/validation/read';
import { AwsNetworkPlanInput, AwsPeeringMeshPlan, planAwsPeeringMesh } from '../../core/vpn/aws-peering-plan';
import { LinkExposureOverrides } from '../../core/vpn/link-exposure';
import { requireArgs } from '../require-args';

/** One VPC of a multi-region AWS deployment (existing resources, by id). */
export interface AwsVpcArgs {
  /** The EKS cluster in this VPC (`cloud: 'aws'`); its `region` places the VPC's resources, its CIDRs are routed. */
  readonly cluster: ClusterSpec;
  /** The VPC id. */
  readonly vpcId: pulumi.Input<string>;
  /** Route tables of the subnets the nodes and pods use; each gets a route to every other VPC. */
  readonly routeTableIds: readonly pulumi.Input<string>[];
  /**
   * Security groups of the nodes/pods (e.g. the EKS cluster security group) that get ingress rules by CIDR.
   * @default [] (no rules)
   */
  readonly securityGroupIds?: readonly pulumi.Input<string>[];
  /**
   * CIDRs routed to this VPC (e.g. the VPC CIDR).
   * @default - the cluster's IPv4 pod and node CIDRs
   */
  readonly cidrs?: readonly string[];
}

/** Arguments of {@link AwsVpcPeeringMesh}. */
export interface AwsVpcPeeringMeshArgs extends LinkExposureOverrides {
  /** The VPCs (at least two, same AWS account, any regions). */
  readonly vpcs: readonly AwsVpcArgs[];
  /**
   * Database ports allowed between the VPCs (besides DNS 53 TCP/UDP and ICMP).
   * @default [26257]
   */
  readonly ports?: readonly number[];
  /**
   * Tags on every AWS resource that takes tags.
   * @default - no tags
   */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * The plain-data part of the arguments, for the pure planners. Values of the wrong shape are
 * passed on as they are, for the planner to report with their paths.
 */
export function awsNetworkPlanInput(args: AwsVpcPeeringMeshArgs): AwsNetworkPlanInput {
  const vpcs: unknown = args.vpcs;
  return {
    vpcs: (isList(vpcs) ? (vpcs as AwsVpcArgs[]).map((v) => (v !== null && typeof v === 'object' ? {
      cluster: v.cluster,
      cidrs: v.cidrs,
      routeTables: isList(v.routeTableIds) ? v.routeTableIds.length : v.routeTableIds,
      securityGroups: v.securityGroupIds === undefined ? 0 : isList(v.securityGroupIds) ? v.securityGroupIds.length : v.securityGroupIds,
    } : v)) : vpcs) as AwsNetworkPlanInput['vpcs'],
    ports: args.ports,
    extraPorts: args.extraPorts,
    allowPublicRanges: args.allowPublicRanges,
  };
}

/**
 * A full mesh of VPC peerings between EKS VPCs in any regions of one account: N(N−1)/2
 * `VpcPeeringConnection`s (requester side, `autoAccept: false`, `peerRegion`) each with a
 * `VpcPeeringConnectionAccepter` in the peer's region (AWS v7 per-resource `region`, no second
 * provider), routes in every given route table on both sides, and security-group rules by CIDR
 * (security groups cannot be referenced across regions). Beyond about three VPCs consider
 * {@link AwsTransitGatewayHub}.
 */
export class AwsVpcPeeringMesh extends pulumi.ComponentResource {
  /** The resolved plan (plain data). */
  public readonly plan: AwsPeeringMeshPlan;
  /**
   * What this network routes, as plain data: give it to `Networking.podIps({ routedBy: [...] })`, which
   * then refuses a topology whose pod ranges it does not carry.
   */
  public readonly routedNetwork: RoutedNetwork;
  /** Peering connection ids, in plan order (pairs (0,1), (0,2), …, (1,2), …). */
  public readonly peeringConnectionIds: pulumi.Output<string[]>;

  constructor(name: string, args: AwsVpcPeeringMeshArgs, opts?: pulumi.ComponentResourceOptions) {
    requireArgs(args, 'AwsVpcPeeringMesh');
    const plan = planAwsPeeringMesh(awsNetworkPlanInput(args));
    super('crosscluster:index:AwsVpcPeeringMesh', name, {}, opts);
    this.plan = plan;
    this.routedNetwork = routedNetworkOfAwsPlan('AwsVpcPeeringMesh', name, plan);
    const tags = args.tags ? { tags: { ...args.tags } } : {};

    const accepters: aws.ec2.VpcPeeringConnectionAccepter[] = [];
    const connections = plan.peerings.map((p) => {
      const a = plan.vpcs[p.requester];
      const b = plan.vpcs[p.accepter];
      const connection = new aws.ec2.VpcPeeringConnection(
        `${name}-${a.name}-${b.name}`,
        {
          vpcId: args.vpcs[p.requester].vpcId,
          peerVpcId: args.vpcs[p.accepter].vpcId,
          peerRegion: b.region,
          region: a.region,
          autoAccept: false,
          ...tags,
        },
        { parent: this },
      );
      accepters.push(
        new aws.ec2.VpcPeeringConnectionAccepter(
          `${name}-${a.name}-${b.name}-accepter`,
          { vpcPeeringConnectionId: connection.id, autoAccept: true, region: b.region, ...tags },
          { parent: this },
        ),
      );
      return connection;
    });

    for (const r of plan.routes) {
      const vpc = plan.vpcs[r.vpc];
      const peering = r.peering as number;
      new aws.ec2.Route(
        `${name}-${vpc.name}-rt${r.routeTable}-${slug(r.destination)}`,
        {
          routeTableId: args.vpcs[r.vpc].routeTableIds[r.routeTable],
          destinationCidrBlock: r.destination,
          vpcPeeringConnectionId: connections[peering].id,
          region: vpc.region,
        },
        { parent: this, dependsOn: [accepters[peering]] },
      );
    }
    for (const s of plan.securityGroupRules) {
      const vpc = plan.vpcs[s.vpc];
      const securityGroupId = (args.vpcs[s.vpc].securityGroupIds ?? [])[s.securityGroup];
      createSgRule(sgRuleName(`${name}-${vpc.name}-sg${s.securityGroup}`, s.rule), securityGroupId, s.rule, vpc.region, args.tags, { parent: this });
    }

    this.peeringConnectionIds = pulumi.all(connections.map((c) => c.id));
    this.registerOutputs({ peeringConnectionIds: this.peeringConnectionIds });
  }
}
