import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { ingressAddress } from './address-inputs';
import { PulumiClusterSpec, toClusterSpecs } from './cluster-spec';
import { registerKubeObject } from './kube-resource';
import { loadBalancerTimeoutProblems, loadBalancerTimeouts } from './load-balancer-timeout';
import { WAIT_FOR_INGRESS } from './per-pod-load-balancers';
import { requireArgs, validatePulumiTopology } from './validation';
import { SqlEndpointsPlan } from '../core/endpoints/plan';
import { SqlRecordSet, sqlRecordSets } from '../core/endpoints/records';
import { SqlEndpoints } from '../core/endpoints/sql-endpoints';
import { TopologyInput } from '../core/input';
import { Networking } from '../core/networking';
import { planDeployment } from '../core/plan';
import { Tls } from '../core/tls';
import { CockroachOptions } from '../core/topology';
import { ownValue } from '../core/validation/read';
import { renderSqlEndpoints } from '../manifests/sql-endpoints';

/** Arguments of {@link GlobalSqlEndpoints}. */
export interface GlobalSqlEndpointsArgs extends CockroachOptions {
  /** The clusters, each with its provider. */
  readonly clusters: readonly PulumiClusterSpec[];
  /** The zone, names and DNS service: `SqlEndpoints.route53(...)` or `SqlEndpoints.cloudDns(...)`. */
  readonly sqlEndpoints: SqlEndpoints;
  /**
   * The database's TLS: secure connection strings verify the server, and an internet-facing endpoint
   * is refused with `Tls.insecure()`.
   * @default Tls.generated()
   */
  readonly tls?: Tls;
  /**
   * Per cluster name, the resource that creates the database namespace when the same program creates
   * it; the cluster's SQL Service waits for it.
   * @default - the namespaces exist already
   */
  readonly namespaces?: Readonly<Record<string, pulumi.Resource>>;
  /**
   * The database's networking strategy (it does not change the endpoints; its checks apply).
   * @default Networking.perPodLoadBalancers()
   */
  readonly networking?: Networking;
  /**
   * How long `pulumi up` waits for the cloud to give each SQL load balancer its address (a Pulumi
   * duration such as '10m'). A load balancer the cloud refuses fails the update after this.
   * @default '15m'
   */
  readonly loadBalancerTimeout?: string;
}

/** What an application needs to connect to one endpoint. */
export interface SqlEndpointOutput {
  /** The DNS name to dial. */
  readonly host: string;
  readonly port: number;
  /** `postgresql://…?sslmode=verify-full&sslrootcert=…` */
  readonly connectionString: string;
  /** The load balancer's addresses (behind the global name: every region's). */
  readonly addresses: string[];
}

/**
 * Client endpoints, the Kubernetes part: per cluster a `LoadBalancer` Service `<name>-sql` in front of
 * the database pods' SQL port (internal by default, allow-listed, only ready pods), with each load
 * balancer's addresses as outputs. The records live in the zone's DNS service and are created by
 * `Route53SqlRecords` (`crosscluster/pulumi/aws`) or `CloudDnsSqlRecords` (`crosscluster/pulumi/gcp`)
 * from this component, so this entry point loads no cloud SDK.
 *
 * Composed by `MultiRegionCockroach` with `sqlEndpoints`, which also puts every SQL name and address
 * into the node certificates.
 */
export class GlobalSqlEndpoints extends pulumi.ComponentResource {
  /** The endpoints as planned before any address is known: names, routing, health checks, allow-lists. */
  public readonly plan: SqlEndpointsPlan;
  /** Per cluster name: the SQL load-balancer Service. */
  public readonly services: Readonly<Record<string, k8s.core.v1.Service>>;
  /** Per cluster name: every address of its SQL load balancer (the pinned ones and the one the cloud reported). */
  public readonly addresses: pulumi.Output<Record<string, string[]>>;
  /** The endpoints with the addresses resolved. */
  public readonly resolved: pulumi.Output<SqlEndpointsPlan>;
  /** Every record of the zone, with the addresses resolved. */
  public readonly records: pulumi.Output<SqlRecordSet[]>;
  /** Per cluster name: its regional endpoint. */
  public readonly regions: pulumi.Output<Record<string, SqlEndpointOutput>>;
  /** The global endpoint. */
  public readonly global: pulumi.Output<SqlEndpointOutput & { clusters: string[] }>;

  constructor(name: string, args: GlobalSqlEndpointsArgs, opts?: pulumi.ComponentResourceOptions) {
    requireArgs(args, 'GlobalSqlEndpoints');
    const topology = endpointsTopology(args);
    validatePulumiTopology(topology, args.clusters, 'pulumi', loadBalancerTimeoutProblems(args?.loadBalancerTimeout));
    const skeleton = planDeployment(topology, { engine: 'pulumi', placeholders: true });
    super('crosscluster:index:GlobalSqlEndpoints', name, {}, opts);
    this.plan = skeleton.sqlEndpoints!;

    const services: Record<string, k8s.core.v1.Service> = {};
    const reported: Record<string, pulumi.Output<string[]>> = {};
    skeleton.clusters.forEach((cluster, i) => {
      // The pinned addresses are plain values: the rendered Service is final before anything resolves.
      const [object] = renderSqlEndpoints(skeleton, cluster);
      const namespace = ownValue(args.namespaces, cluster.name);
      services[cluster.name] = registerKubeObject(`${name}-${cluster.name}-${object.metadata.name}`, {
        skeleton: object,
        engineAnnotations: WAIT_FOR_INGRESS,
      }, {
        parent: this,
        provider: args.clusters[i].provider,
        deleteBeforeReplace: true,
        customTimeouts: loadBalancerTimeouts(args.loadBalancerTimeout),
        dependsOn: namespace ? [namespace] : [],
      }) as k8s.core.v1.Service;
      reported[cluster.name] = services[cluster.name].status.apply((status) => {
        const address = ingressAddress(status);
        if (!address) throw new Error(`crosscluster: the SQL load balancer of cluster '${cluster.name}' reports no address`);
        return [address];
      });
    });
    this.services = services;
    this.addresses = pulumi.all(reported).apply((learned) => {
      const plan = planDeployment(topology, { engine: 'pulumi', placeholders: true, resolved: { sqlAddresses: learned } }).sqlEndpoints!;
      return Object.fromEntries(plan.regions.map((r) => [r.cluster, [...r.addresses]]));
    });
    this.resolved = this.addresses.apply((sqlAddresses) =>
      planDeployment(topology, { engine: 'pulumi', placeholders: true, resolved: { sqlAddresses } }).sqlEndpoints!);
    this.records = this.resolved.apply((plan) => sqlRecordSets(plan));
    this.regions = this.resolved.apply((plan) => Object.fromEntries(plan.regions.map((r) => [r.cluster, {
      host: r.name, port: plan.port, connectionString: r.connectionString, addresses: [...r.addresses],
    }])));
    this.global = this.resolved.apply((plan) => ({
      host: plan.global.name,
      port: plan.port,
      connectionString: plan.global.connectionString,
      addresses: plan.regions.filter((r) => r.inGlobal).flatMap((r) => r.addresses),
      clusters: [...plan.global.clusters],
    }));
    this.registerOutputs({ addresses: this.addresses, regions: this.regions, global: this.global });
  }
}

/** The topology the endpoints are planned from: the database options, a strategy with no address to ask for. */
function endpointsTopology(args: GlobalSqlEndpointsArgs): TopologyInput {
  const {
    clusters, tls, namespaces: _namespaces, networking, loadBalancerTimeout: _loadBalancerTimeout, ...cockroach
  } = args ?? ({} as GlobalSqlEndpointsArgs);
  return {
    ...cockroach,
    clusters: toClusterSpecs(clusters),
    // The strategy does not change the endpoints; per-pod load balancers ask for no address in Pulumi.
    networking: networking ?? Networking.perPodLoadBalancers(),
    tls: tls ?? Tls.generated(),
    // The database NetworkPolicy is not this component's; its CIDR requirement neither.
    networkPolicy: cockroach.networkPolicy?.clients ? { ...cockroach.networkPolicy, enabled: false } : { enabled: false },
  };
}
