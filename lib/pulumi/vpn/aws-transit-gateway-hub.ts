import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { AwsVpcArgs, awsNetworkPlanInput } from './aws-vpc-peering-mesh';
import { createSgRule, sgRuleName, slug } from './resource-helpers';
import { RoutedNetwork, routedNetworkOfAwsPlan } from '../../core/strategies/routed-network';
import { AwsTransitGatewayHubPlan, planAwsTransitGatewayHub } from '../../core/vpn/aws-peering-plan';
import { LinkExposureOverrides } from '../../core/vpn/link-exposure';
import { requireArgs } from '../require-args';

/** One VPC attached to the hub: an {@link AwsVpcArgs} plus the attachment subnets. */
export interface AwsHubVpcArgs extends AwsVpcArgs {
  /** Subnets for the transit gateway VPC attachment, one per availability zone. */
  readonly subnetIds: readonly pulumi.Input<string>[];
}

/** Arguments of {@link AwsTransitGatewayHub}. */
export interface AwsTransitGatewayHubArgs extends LinkExposureOverrides {
  /** The VPCs (at least two, same AWS account, any regions). */
  readonly vpcs: readonly AwsHubVpcArgs[];
  /**
   * Amazon-side ASN of each region's transit gateway, keyed by region; unique per TGW.
   * @default - 65100, 65101, … in order of first appearance of the region
   */
  readonly asns?: Readonly<Record<string, number>>;
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
 * Transit-gateway hub for many VPCs: one `TransitGateway` per region, one `VpcAttachment` per
 * VPC (N, instead of N(N−1)/2 peerings), a `PeeringAttachment` + `PeeringAttachmentAccepter`
 * between every pair of regions with static routes to the remote VPCs' CIDRs in each TGW's
 * default route table (TGW peering carries no dynamic routes), routes to the local TGW in
 * every given VPC route table, and security-group rules by CIDR.
 */
export class AwsTransitGatewayHub extends pulumi.ComponentResource {
  /** The resolved plan (plain data). */
  public readonly plan: AwsTransitGatewayHubPlan;
  /**
   * What this network routes, as plain data: give it to `Networking.podIps({ routedBy: [...] })`, which
   * then refuses a topology whose pod ranges it does not carry.
   */
  public readonly routedNetwork: RoutedNetwork;
  /** Transit gateway ids, in plan order of regions. */
  public readonly transitGatewayIds: pulumi.Output<string[]>;
  /** VPC attachment ids, in VPC order. */
  public readonly attachmentIds: pulumi.Output<string[]>;

  constructor(name: string, args: AwsTransitGatewayHubArgs, opts?: pulumi.ComponentResourceOptions) {
    requireArgs(args, 'AwsTransitGatewayHub');
    const plan = planAwsTransitGatewayHub(awsNetworkPlanInput(args), args.asns);
    super('crosscluster:index:AwsTransitGatewayHub', name, {}, opts);
    this.plan = plan;
    this.routedNetwork = routedNetworkOfAwsPlan('AwsTransitGatewayHub', name, plan);
    const tags = args.tags ? { tags: { ...args.tags } } : {};
    const parent = { parent: this };

    const tgws = plan.transitGateways.map(
      (t) =>
        new aws.ec2transitgateway.TransitGateway(
          `${name}-${t.region}`,
          {
            region: t.region,
            amazonSideAsn: t.asn,
            defaultRouteTableAssociation: 'enable',
            defaultRouteTablePropagation: 'enable',
            dnsSupport: 'enable',
            vpnEcmpSupport: 'enable',
            description: `crosscluster ${name}: hub for ${t.region}`,
            ...tags,
          },
          parent,
        ),
    );
    const attachments = plan.attachments.map(
      (a) =>
        new aws.ec2transitgateway.VpcAttachment(
          `${name}-${plan.vpcs[a.vpc].name}`,
          {
            region: plan.vpcs[a.vpc].region,
            transitGatewayId: tgws[a.transitGateway].id,
            vpcId: args.vpcs[a.vpc].vpcId,
            subnetIds: [...args.vpcs[a.vpc].subnetIds],
            ...tags,
          },
          parent,
        ),
    );
    const accepters: aws.ec2transitgateway.PeeringAttachmentAccepter[] = [];
    const peerings = plan.peerings.map((p) => {
      const a = plan.transitGateways[p.requester];
      const b = plan.transitGateways[p.accepter];
      const peering = new aws.ec2transitgateway.PeeringAttachment(
        `${name}-${a.region}-${b.region}`,
        { region: a.region, transitGatewayId: tgws[p.requester].id, peerRegion: b.region, peerTransitGatewayId: tgws[p.accepter].id, ...tags },
        parent,
      );
      accepters.push(
        new aws.ec2transitgateway.PeeringAttachmentAccepter(
          `${name}-${a.region}-${b.region}-accepter`,
          { region: b.region, transitGatewayAttachmentId: peering.id, ...tags },
          parent,
        ),
      );
      return peering;
    });
    for (const r of plan.tgwRoutes) {
      const t = plan.transitGateways[r.transitGateway];
      new aws.ec2transitgateway.Route(
        `${name}-${t.region}-${slug(r.destination)}`,
        {
          region: t.region,
          destinationCidrBlock: r.destination,
          transitGatewayAttachmentId: peerings[r.peering].id,
          transitGatewayRouteTableId: tgws[r.transitGateway].associationDefaultRouteTableId,
        },
        { parent: this, dependsOn: [accepters[r.peering]] },
      );
    }
    for (const r of plan.routes) {
      const vpc = plan.vpcs[r.vpc];
      const attachment = plan.attachments[r.vpc];
      new aws.ec2.Route(
        `${name}-${vpc.name}-rt${r.routeTable}-${slug(r.destination)}`,
        {
          region: vpc.region,
          routeTableId: args.vpcs[r.vpc].routeTableIds[r.routeTable],
          destinationCidrBlock: r.destination,
          transitGatewayId: tgws[attachment.transitGateway].id,
        },
        { parent: this, dependsOn: [attachments[r.vpc]] },
      );
    }
    for (const s of plan.securityGroupRules) {
      const vpc = plan.vpcs[s.vpc];
      const securityGroupId = (args.vpcs[s.vpc].securityGroupIds ?? [])[s.securityGroup];
      createSgRule(sgRuleName(`${name}-${vpc.name}-sg${s.securityGroup}`, s.rule), securityGroupId, s.rule, vpc.region, args.tags, parent);
    }

    this.transitGatewayIds = pulumi.all(tgws.map((t) => t.id));
    this.attachmentIds = pulumi.all(attachments.map((a) => a.id));
    this.registerOutputs({ transitGatewayIds: this.transitGatewayIds, attachmentIds: this.attachmentIds });
  }
}
