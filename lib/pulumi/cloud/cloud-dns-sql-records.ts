import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import { SqlEndpointsSource } from './sql-endpoints-source';
import { CloudDnsPolicyItem, CloudDnsRecordSet, sqlRecordSets } from '../../core/endpoints/records';
import { Problem, throwIfProblems } from '../../core/problems';
import { requireArgs } from '../require-args';

/** Arguments of {@link CloudDnsSqlRecords}. */
export interface CloudDnsSqlRecordsArgs {
  /** The endpoints (`SqlEndpoints.cloudDns(...)`): `MultiRegionCockroach.sqlEndpoints` or a `GlobalSqlEndpoints`. */
  readonly endpoints: SqlEndpointsSource;
  /** The name of the managed zone (a private zone bound to the VPC, e.g. `gcp.dns.ManagedZone.name`). */
  readonly managedZone: pulumi.Input<string>;
  /**
   * The project of the zone and of the internal load balancers.
   * @default - `project` of `SqlEndpoints.cloudDns(...)`
   */
  readonly project?: pulumi.Input<string>;
  /**
   * The VPC network of the internal load balancers, `projects/<p>/global/networks/<n>` (or a self link).
   * @default - `network` of `SqlEndpoints.cloudDns(...)`
   */
  readonly network?: pulumi.Input<string>;
}

/**
 * The Cloud DNS records of the client endpoints, in a managed zone you own: each region's name (an A
 * record of its load balancer's IP) and the global name as one record set whose routing policy
 * (geolocation, or weighted round robin) has one item per region with the region's GKE internal load
 * balancer as health-checked target: Cloud DNS answers with the nearest region whose load balancer has
 * healthy backends, and GKE's health check follows the pods' readiness (`/health?ready=1`). Source:
 * Cloud DNS docs, "DNS routing policies and health checks" (health-checked internal passthrough
 * Network Load Balancers in private zones; failover to the next nearest location).
 *
 * Separate from `GlobalSqlEndpoints` so that the database components never load `@pulumi/gcp`.
 */
export class CloudDnsSqlRecords extends pulumi.ComponentResource {
  /** Every record set, regional names first, by name. */
  public readonly recordSets: Readonly<Record<string, gcp.dns.RecordSet>>;

  constructor(name: string, args: CloudDnsSqlRecordsArgs, opts?: pulumi.ComponentResourceOptions) {
    requireArgs(args, 'CloudDnsSqlRecords');
    const plan = args.endpoints?.plan;
    const project = args.project ?? plan?.project;
    const network = args.network ?? plan?.network;
    const problems: Problem[] = [];
    if (plan?.provider !== 'cloud-dns') {
      problems.push({
        path: 'endpoints',
        message: `expected the endpoints of SqlEndpoints.cloudDns(...), got ${plan ? 'SqlEndpoints.route53(...): use Route53SqlRecords' : 'no endpoints (MultiRegionCockroach.sqlEndpoints)'}`,
      });
    } else if (plan.global.clusters.length > 0) {
      // The health-checked targets name the load balancers' project and network.
      if (project === undefined) problems.push({ path: 'project', message: 'is required: the internal load balancers the global name health-checks are named by project (or set project in SqlEndpoints.cloudDns)' });
      if (network === undefined) problems.push({ path: 'network', message: 'is required: the internal load balancers the global name health-checks are named by VPC network (or set network in SqlEndpoints.cloudDns)' });
    }
    throwIfProblems(problems);
    super('crosscluster:index:CloudDnsSqlRecords', name, {}, opts);
    const skeleton = sqlRecordSets(plan) as CloudDnsRecordSet[];
    const recordSets: Record<string, gcp.dns.RecordSet> = {};
    skeleton.forEach((record, i) => {
      const live = args.endpoints.records.apply((all) => all[i] as CloudDnsRecordSet);
      // The load balancer's IP waits on its Service; project and network may be outputs of the stack.
      const target = (item: number) => ({
        internalLoadBalancers: [pulumi.all([live, project, network]).apply(([r, p, n]) => {
          const t = r.routingPolicy!.items[item].healthCheckedTarget;
          const { loadBalancerType, port, ipProtocol, region } = t;
          return { loadBalancerType, ipAddress: t.ipAddress!, port, ipProtocol, region, project: p!, networkUrl: n! };
        })],
      });
      const policy = record.routingPolicy;
      const geo = (p: CloudDnsPolicyItem, j: number) => ({ location: p.location!, healthCheckedTargets: target(j) });
      const weighted = (p: CloudDnsPolicyItem, j: number) => ({ weight: p.weight!, healthCheckedTargets: target(j) });
      recordSets[record.name] = new gcp.dns.RecordSet(`${name}-${record.name.replace(/[^a-z0-9-]+/g, '-')}`, {
        managedZone: args.managedZone,
        ...(project !== undefined ? { project } : {}),
        name: `${record.name}.`,
        type: 'A',
        ttl: record.ttl,
        ...(policy
          ? {
            routingPolicy: policy.kind === 'geolocation'
              // No geofencing: when a region is unhealthy its clients get the next nearest one.
              ? { geos: policy.items.map(geo), enableGeoFencing: false }
              : { wrrs: policy.items.map(weighted) },
          }
          : { rrdatas: live.apply((r) => [...r.values ?? []]) }),
      }, { parent: this });
    });
    this.recordSets = recordSets;
    this.registerOutputs({});
  }
}
