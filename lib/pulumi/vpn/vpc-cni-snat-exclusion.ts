import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { parseCidr } from '../../core/cidr';
import { Problem, show, throwIfProblems } from '../../core/problems';
import { ClusterSpec } from '../../core/topology';
import { readNetworkCluster, readNetworkClusters, readOptionalObject, readStrings } from '../../core/vpn/network-input';
import { snatExclusionCidrs, vpcCniConfigurationValues } from '../../core/vpn/snat-exclusion';
import { requireArgs } from '../require-args';

/** Arguments of {@link VpcCniSnatExclusion}. */
export interface VpcCniSnatExclusionArgs {
  /** The EKS cluster's name in AWS (e.g. `eksCluster.eksCluster.name`). */
  readonly clusterName: pulumi.Input<string>;
  /** The topology entry of this EKS cluster (`cloud: 'aws'`). */
  readonly cluster: ClusterSpec;
  /** Every cluster of the deployment; the other clusters' pod and node CIDRs are excluded from SNAT. */
  readonly clusters: readonly ClusterSpec[];
  /**
   * More destinations to exclude from SNAT.
   * @default []
   */
  readonly extraCidrs?: readonly string[];
  /**
   * More `vpc-cni` environment variables (e.g. ones the add-on already has: this resource owns its whole configuration).
   * @default {}
   */
  readonly extraEnv?: Readonly<Record<string, string>>;
  /**
   * The add-on version.
   * @default - the EKS default for the cluster version
   */
  readonly addonVersion?: pulumi.Input<string>;
  /**
   * AWS region of the add-on.
   * @default - the provider's region
   */
  readonly region?: string;
  /**
   * Conflict resolution when the add-on is created over the self-managed `aws-node` DaemonSet: `NONE` or `OVERWRITE`.
   * @default 'OVERWRITE'
   */
  readonly resolveConflictsOnCreate?: 'NONE' | 'OVERWRITE';
  /**
   * Conflict resolution on update: `NONE`, `OVERWRITE` or `PRESERVE`.
   * @default 'OVERWRITE'
   */
  readonly resolveConflictsOnUpdate?: 'NONE' | 'OVERWRITE' | 'PRESERVE';
}

/**
 * Keeps EKS pod source IPs across peering, VPN or TGW links: manages the EKS `vpc-cni` add-on
 * with `AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS` set to the other clusters' pod and node CIDRs.
 * By default the VPC CNI SNATs traffic to destinations outside the VPC to the node's IP, so
 * remote peers would see node IPs, and firewall rules written for pod CIDRs would not match.
 * If the add-on is already managed elsewhere, use {@link vpcCniConfigurationValues} there instead.
 */
export class VpcCniSnatExclusion extends pulumi.ComponentResource {
  /** The CIDRs excluded from SNAT. */
  public readonly excludedCidrs: pulumi.Output<string[]>;
  /** The add-on's `configurationValues` JSON. */
  public readonly configurationValues: pulumi.Output<string>;

  constructor(name: string, args: VpcCniSnatExclusionArgs, opts?: pulumi.ComponentResourceOptions) {
    requireArgs(args, 'VpcCniSnatExclusion');
    const problems: Problem[] = [];
    const cluster = readNetworkCluster(args.cluster, 'cluster', problems);
    const clusters = readNetworkClusters(args.clusters, 'clusters', problems);
    if (cluster && cluster.cloud !== 'aws') problems.push({ path: 'cluster.cloud', message: `${show(cluster.cloud)} is not 'aws'; the VPC CNI runs on EKS` });
    const extraCidrs = readStrings(args.extraCidrs, 'extraCidrs', problems, 'CIDR blocks') ?? [];
    extraCidrs.forEach((cidr, i) => {
      const parsed = parseCidr(cidr);
      if (typeof parsed === 'string') problems.push({ path: `extraCidrs[${i}]`, message: parsed });
    });
    const extraEnv = args.extraEnv === undefined ? {} : readOptionalObject(args.extraEnv, 'extraEnv', problems, 'a map of environment variables') ?? {};
    for (const [key, value] of Object.entries(extraEnv)) {
      if (typeof value !== 'string') problems.push({ path: `extraEnv.${key}`, message: `${show(value)} is not a string` });
    }
    throwIfProblems(problems);
    const cidrs = [...new Set([...snatExclusionCidrs(cluster!, clusters!), ...extraCidrs])];
    const configurationValues = vpcCniConfigurationValues(cidrs, extraEnv as Record<string, string>);
    super('crosscluster:index:VpcCniSnatExclusion', name, {}, opts);

    new aws.eks.Addon(
      `${name}-vpc-cni`,
      {
        clusterName: args.clusterName,
        addonName: 'vpc-cni',
        configurationValues,
        resolveConflictsOnCreate: args.resolveConflictsOnCreate ?? 'OVERWRITE',
        resolveConflictsOnUpdate: args.resolveConflictsOnUpdate ?? 'OVERWRITE',
        ...(args.addonVersion !== undefined ? { addonVersion: args.addonVersion } : {}),
        ...(args.region ? { region: args.region } : {}),
      },
      { parent: this },
    );
    this.excludedCidrs = pulumi.output(cidrs);
    this.configurationValues = pulumi.output(configurationValues);
    this.registerOutputs({ excludedCidrs: this.excludedCidrs, configurationValues: this.configurationValues });
  }
}
