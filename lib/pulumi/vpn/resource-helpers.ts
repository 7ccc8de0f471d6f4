import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { AwsIngressRule } from '../../core/vpn/ingress-rules';

/**
 * Internal helpers shared by the VPN and peering components.
 * @internal
 */

/** A CIDR as a resource-name fragment: `10.0.0.0/16` → `10-0-0-0-16`. */
export function slug(value: string): string {
  return value.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').toLowerCase();
}

/** `{ region }` when a region is given, `{}` otherwise (AWS v7 per-resource region). */
export function regionArg(region: string | undefined): { region?: string } {
  return region ? { region } : {};
}

/** A stable logical name for one security-group rule, independent of rule order. */
export function sgRuleName(prefix: string, rule: AwsIngressRule): string {
  const port = rule.ipProtocol === 'icmp' ? 'all' : String(rule.fromPort);
  return `${prefix}-${rule.ipProtocol}-${port}-${slug(rule.cidrIpv4)}`;
}

/** Creates one `aws.vpc.SecurityGroupIngressRule` for a planned rule. */
export function createSgRule(
  logicalName: string,
  securityGroupId: pulumi.Input<string>,
  rule: AwsIngressRule,
  region: string | undefined,
  tags: Readonly<Record<string, string>> | undefined,
  opts: pulumi.CustomResourceOptions,
): aws.vpc.SecurityGroupIngressRule {
  return new aws.vpc.SecurityGroupIngressRule(
    logicalName,
    {
      securityGroupId,
      cidrIpv4: rule.cidrIpv4,
      ipProtocol: rule.ipProtocol,
      fromPort: rule.fromPort,
      toPort: rule.toPort,
      description: rule.description,
      ...regionArg(region),
      ...(tags ? { tags: { ...tags } } : {}),
    },
    opts,
  );
}
