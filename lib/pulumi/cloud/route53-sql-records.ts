import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { SqlEndpointsSource } from './sql-endpoints-source';
import { Route53RecordSet, sqlRecordSets } from '../../core/endpoints/records';
import { throwIfProblems } from '../../core/problems';
import { requireArgs } from '../require-args';

/** Arguments of {@link Route53SqlRecords}. */
export interface Route53SqlRecordsArgs {
  /** The endpoints (`SqlEndpoints.route53(...)`). */
  readonly endpoints: SqlEndpointsSource;
  /** The hosted zone of `zone` (e.g. `aws.route53.Zone.zoneId`, or `aws.route53.getZoneOutput({ name }).zoneId`). */
  readonly zoneId: pulumi.Input<string>;
}

/**
 * The Route 53 records of the client endpoints, in a hosted zone you own: each region's name, and the
 * global name as one latency (or geolocation) record per region with the region as set identifier.
 * An EKS region's records are aliases to its SQL NLB (looked up by the name the Service gives it) with
 * EvaluateTargetHealth: Route 53 stops answering with a region whose NLB has no healthy target, and the
 * NLB checks `/health?ready=1` (or TCP) on each pod. Other regions get A records with their load
 * balancer's IPs and the TTL. Source: Route 53 docs, "Choosing a routing policy" (latency and
 * geolocation records, also in private hosted zones) and API `AliasTarget.EvaluateTargetHealth`.
 *
 * Separate from `GlobalSqlEndpoints` so that the database components never load `@pulumi/aws`.
 */
export class Route53SqlRecords extends pulumi.ComponentResource {
  /** Every record, regional names first, by `<name>/<set identifier>`. */
  public readonly records: Readonly<Record<string, aws.route53.Record>>;

  constructor(name: string, args: Route53SqlRecordsArgs, opts?: pulumi.ComponentResourceOptions) {
    requireArgs(args, 'Route53SqlRecords');
    const plan = args.endpoints?.plan;
    throwIfProblems(plan?.provider === 'route53' ? [] : [{
      path: 'endpoints',
      message: `expected the endpoints of SqlEndpoints.route53(...), got ${plan ? 'SqlEndpoints.cloudDns(...): use CloudDnsSqlRecords' : 'no endpoints (MultiRegionCockroach.sqlEndpoints)'}`,
    }]);
    super('crosscluster:index:Route53SqlRecords', name, {}, opts);
    const skeleton = sqlRecordSets(plan) as Route53RecordSet[];
    // One lookup per NLB, once its Service reported an address (the records wait on it).
    const loadBalancers = new Map<string, pulumi.Output<aws.lb.GetLoadBalancerResult>>();
    const loadBalancerOf = (record: Route53RecordSet) => {
      const region = plan.regions.find((r) => r.cluster === record.cluster)!;
      let found = loadBalancers.get(record.cluster);
      if (!found) {
        found = aws.lb.getLoadBalancerOutput({
          name: args.endpoints.records.apply(() => record.alias!.loadBalancerName),
          region: region.region,
        }, { parent: this });
        loadBalancers.set(record.cluster, found);
      }
      return found;
    };
    const records: Record<string, aws.route53.Record> = {};
    skeleton.forEach((record, i) => {
      const live = args.endpoints.records.apply((all) => all[i] as Route53RecordSet);
      const id = record.setIdentifier ? `${record.name}/${record.setIdentifier}` : record.name;
      const lb = record.alias ? loadBalancerOf(record) : undefined;
      records[id] = new aws.route53.Record(`${name}-${id.replace(/[^a-z0-9-]+/g, '-')}`, {
        zoneId: args.zoneId,
        name: record.name,
        type: 'A',
        // Routing records are the same name several times: Route 53 tells them apart by set identifier.
        ...(record.setIdentifier ? { setIdentifier: record.setIdentifier } : {}),
        ...(record.latencyRegion ? { latencyRoutingPolicies: [{ region: record.latencyRegion }] } : {}),
        ...(record.geolocation ? { geolocationRoutingPolicies: [{ ...record.geolocation }] } : {}),
        ...(lb
          ? { aliases: [{ name: lb.dnsName, zoneId: lb.zoneId, evaluateTargetHealth: true }] }
          : { records: live.apply((r) => [...r.values ?? []]), ttl: record.ttl }),
      }, { parent: this });
    });
    this.records = records;
    this.registerOutputs({});
  }
}
