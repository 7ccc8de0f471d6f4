import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';

/** Arguments of {@link EksCorednsAddon}. */
export interface EksCorednsAddonArgs {
  /** The EKS cluster's name. */
  readonly clusterName: pulumi.Input<string>;
  /**
   * The add-on's `configurationValues`: `DnsChain.eksAddonConfigurations[<cluster>]` (the complete
   * Corefile with the forwarding of every remote cluster, as `{"corefile": …}`).
   */
  readonly configurationValues: pulumi.Input<string>;
  /**
   * The add-on version (`aws eks describe-addon-versions --addon-name coredns`).
   * @default - the version EKS picks for the cluster's Kubernetes version
   */
  readonly addonVersion?: pulumi.Input<string>;
  /**
   * The AWS region of the cluster (provider v7 per-resource region).
   * @default - the provider's region
   */
  readonly region?: pulumi.Input<string>;
}

/**
 * The EKS CoreDNS managed add-on carrying crosscluster's Corefile in its `configurationValues`: the
 * one place an add-on update keeps it (EKS restores its own Corefile over a hand-edited or patched
 * `kube-system/coredns`; AWS re:Post "conditional forwarder with CoreDNS"). It adopts an existing
 * add-on or self-managed CoreDNS (`resolveConflictsOnCreate: OVERWRITE`) and keeps this
 * configuration on updates (`resolveConflictsOnUpdate: OVERWRITE`).
 *
 * Separate from `DnsChain` so that the database components never load `@pulumi/aws`.
 */
export class EksCorednsAddon extends pulumi.ComponentResource {
  /** The add-on resource. */
  public readonly addon: aws.eks.Addon;
  /** The add-on's ARN. */
  public readonly arn: pulumi.Output<string>;

  constructor(name: string, args: EksCorednsAddonArgs, opts?: pulumi.ComponentResourceOptions) {
    super('crosscluster:index:EksCorednsAddon', name, {}, opts);
    this.addon = new aws.eks.Addon(`${name}-coredns`, {
      clusterName: args.clusterName,
      addonName: 'coredns',
      addonVersion: args.addonVersion,
      configurationValues: args.configurationValues,
      resolveConflictsOnCreate: 'OVERWRITE',
      resolveConflictsOnUpdate: 'OVERWRITE',
      ...(args.region !== undefined ? { region: args.region } : {}),
    }, { parent: this });
    this.arn = this.addon.arn;
    this.registerOutputs({ arn: this.arn });
  }
}
