import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { prepareComponent, requireProps } from './component-placement';
import { PlacementProps, TopologyProps } from './props';
import { Networking } from '../core/networking';
import { DeploymentPlan, planDeployment } from '../core/plan';
import { SanPlan } from '../core/sans';
import { CertManagerTlsOptions, Tls } from '../core/tls';
import { resolveCertManagerOptions } from '../manifests/certificates';

/** Props of {@link ClusterCerts}: the topology, the networking strategy (it adds SANs) and the cert-manager options. */
export interface ClusterCertsProps extends TopologyProps, CertManagerTlsOptions, PlacementProps {
  /**
   * The networking strategy, which decides the addresses peers dial and so the SANs: with
   * `Networking.perPodLoadBalancers(...)` every pod's load-balancer IP or DNS name is added.
   * @default - the in-cluster names only (the SAN plan of `Networking.dnsChain()`)
   */
  readonly networking?: Networking;
}

/**
 * Certificates issued by cert-manager from one CA shared by all clusters: per cluster a CA
 * `Issuer` on the CA Secret you provision identically in every database namespace
 * (`tls.crt`/`tls.key`), a node `Certificate` (CN `node`, server and client auth, the complete SAN
 * plan) and a root client `Certificate` (CN `root`). The private keys are created inside the
 * clusters: none is in the synthesized YAML. The pods see cockroach's file names (`ca.crt`,
 * `node.crt`, `node.key`, `client.root.crt`, `client.root.key`) through projected volume items.
 *
 * Usable alone, or composed by {@link MultiRegionCockroach} with `Tls.certManager(...)` (its default).
 */
export class ClusterCerts extends Construct {
  /** The plan the certificates were rendered from. */
  public readonly plan: DeploymentPlan;
  /** Per cluster: the SANs of its node certificate. */
  public readonly nodeCertificateSans: Readonly<Record<string, SanPlan>>;
  /** The CA Secret every database namespace must hold (`tls.crt`, `tls.key`). */
  public readonly caSecretName: string;
  /** Per cluster placed: the Issuer and the two Certificates. */
  public readonly objects: Readonly<Record<string, readonly ApiObject[]>>;
  /** Per cluster placed: the Chart holding its certificates. */
  public readonly charts: Readonly<Record<string, Chart>>;

  /**
   * @param scope an `App` (one Chart per cluster) or, for a one-cluster topology, a construct inside a Chart
   * @param id the construct id
   * @param props the topology and the cert-manager options
   * @throws TopologyError listing every problem of the props, before anything is created
   */
  constructor(scope: Construct, id: string, props: ClusterCertsProps) {
    requireProps(props);
    const certManager: CertManagerTlsOptions = {
      caSecretName: props.caSecretName,
      issuerName: props.issuerName,
      duration: props.duration,
      renewBefore: props.renewBefore,
    };
    const prepared = prepareComponent(scope, id, props, {
      plan: () => planDeployment(
        // Without a strategy only the in-cluster names are certified, which is the DNS chain's SAN
        // plan; its DNS addresses are irrelevant here, so no engine check asks for them.
        { ...props, networking: props.networking ?? Networking.dnsChain(), tls: Tls.certManager(certManager) },
        { engine: props.networking ? 'cdk8s' : undefined },
      ),
      group: 'certificates',
      chartSuffix: '',
    });
    super(scope, id);
    this.plan = prepared.plan;
    this.nodeCertificateSans = Object.fromEntries(this.plan.clusters.map((c) => [c.name, c.nodeCertSans]));
    this.caSecretName = resolveCertManagerOptions(this.plan.tls.options as CertManagerTlsOptions).caSecretName;
    ({ objects: this.objects, charts: this.charts } = prepared.place(this));
  }
}
