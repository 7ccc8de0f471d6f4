// The DNS records of the client endpoints, shaped as each DNS service has them: what Pulumi's
// `Route53SqlRecords` / `CloudDnsSqlRecords` create, and what the cdk8s records file tells a DNS team.
// The set of records depends on the topology only; their values (addresses) may wait on the cloud.
import { SqlHealthCheckPlan } from './health-checks';
import { SqlEndpointsPlan, SqlRegionPlan } from './plan';
import { Route53Geolocation } from './sql-endpoints';
import { isIpAddress } from '../cidr';

/** Who writes a record: ExternalDNS from the Service's annotations, or you (Pulumi's components, or your DNS team). */
export type RecordWriter = 'external-dns' | 'you';

/** A Route 53 alias to a region's NLB (found by its name), inheriting its health. */
export interface Route53AliasTarget {
  /** The NLB's name (`aws-load-balancer-name`). */
  readonly loadBalancerName: string;
  /** `<namespace>/<service>` of the Service the NLB belongs to. */
  readonly service: string;
  readonly evaluateTargetHealth: true;
}

/** One Route 53 record set. */
export interface Route53RecordSet {
  readonly provider: 'route53';
  readonly name: string;
  readonly type: 'A';
  readonly scope: 'regional' | 'global';
  /** The region (cluster) it answers with. */
  readonly cluster: string;
  /** Records of one name with a routing policy carry one set identifier each (the cluster). */
  readonly setIdentifier?: string;
  /** Latency routing: the AWS Region of the target. */
  readonly latencyRegion?: string;
  /** Geolocation routing: the location it serves (`{ country: '*' }` for the default record). */
  readonly geolocation?: Route53Geolocation;
  /** An alias to the NLB (AWS clusters), else the load balancer's addresses with the TTL. */
  readonly alias?: Route53AliasTarget;
  readonly values?: readonly string[];
  /** Alias records answer with the NLB's own TTL (60 s); the others with this one. */
  readonly ttl?: number;
  /** How the record's health is known (routing records of the global name). */
  readonly healthCheck?: SqlHealthCheckPlan;
  readonly writer: RecordWriter;
}

/** A Cloud DNS health-checked target: a GKE internal passthrough load balancer. */
export interface CloudDnsInternalLoadBalancer {
  readonly loadBalancerType: 'regionalL4ilb';
  /** The load balancer's IP (undefined until the cloud assigns it). */
  readonly ipAddress?: string;
  readonly port: string;
  readonly ipProtocol: 'tcp';
  readonly region: string;
  readonly project?: string;
  readonly networkUrl?: string;
}

/** One item of the global name's routing policy. */
export interface CloudDnsPolicyItem {
  readonly cluster: string;
  /** Geolocation: the Google Cloud region whose queries it answers. */
  readonly location?: string;
  /** Weighted round robin: its weight. */
  readonly weight?: number;
  readonly healthCheckedTarget: CloudDnsInternalLoadBalancer;
  readonly healthCheck?: SqlHealthCheckPlan;
}

/** One Cloud DNS record set: plain addresses, or a routing policy over health-checked targets. */
export interface CloudDnsRecordSet {
  readonly provider: 'cloud-dns';
  readonly name: string;
  readonly type: 'A';
  readonly ttl: number;
  readonly scope: 'regional' | 'global';
  /** The regions it answers with. */
  readonly clusters: readonly string[];
  /** A regional record: the load balancer's addresses. */
  readonly values?: readonly string[];
  /** The global record. */
  readonly routingPolicy?: { readonly kind: 'geolocation' | 'weighted'; readonly items: readonly CloudDnsPolicyItem[] };
  readonly writer: RecordWriter;
}

/** A record of either service. */
export type SqlRecordSet = Route53RecordSet | CloudDnsRecordSet;

function ips(region: SqlRegionPlan): string[] {
  return region.addresses.filter(isIpAddress);
}

/** The record sets of the client endpoints, regional names first, in topology order. */
export function sqlRecordSets(plan: SqlEndpointsPlan): SqlRecordSet[] {
  return plan.provider === 'route53' ? route53RecordSets(plan) : cloudDnsRecordSets(plan);
}

function route53RecordSets(plan: SqlEndpointsPlan): Route53RecordSet[] {
  const alias = (r: SqlRegionPlan): Route53AliasTarget | undefined => (r.awsLoadBalancerName
    ? { loadBalancerName: r.awsLoadBalancerName, service: `${r.namespace}/${r.serviceName}`, evaluateTargetHealth: true } : undefined);
  const target = (r: SqlRegionPlan) => (alias(r) ? { alias: alias(r) } : { values: ips(r), ttl: plan.ttl });
  const routingOf = (r: SqlRegionPlan) => (plan.routing === 'latency' ? { latencyRegion: r.location } : { geolocation: r.geolocation });
  // ExternalDNS writes every name of a Service with the Service's one set identifier and routing.
  const viaExternalDns = (r: SqlRegionPlan) => plan.externalDns && r.inGlobal && (plan.routing === 'latency' || r.geolocation !== undefined);
  const regional = plan.regions.map((r): Route53RecordSet => ({
    provider: 'route53',
    name: r.name,
    type: 'A',
    scope: 'regional',
    cluster: r.cluster,
    ...(viaExternalDns(r) ? { setIdentifier: r.cluster, ...routingOf(r) } : {}),
    ...target(r),
    writer: plan.externalDns ? 'external-dns' : 'you',
  }));
  const members = plan.regions.filter((r) => r.inGlobal);
  const global = members.map((r): Route53RecordSet => ({
    provider: 'route53',
    name: plan.global.name,
    type: 'A',
    scope: 'global',
    cluster: r.cluster,
    setIdentifier: r.cluster,
    ...routingOf(r),
    ...target(r),
    healthCheck: r.healthCheck,
    writer: viaExternalDns(r) ? 'external-dns' : 'you',
  }));
  const fallback = plan.routing === 'geolocation' ? members.find((r) => r.cluster === plan.defaultCluster) : undefined;
  const defaults: Route53RecordSet[] = fallback ? [{
    provider: 'route53',
    name: plan.global.name,
    type: 'A',
    scope: 'global',
    cluster: fallback.cluster,
    setIdentifier: `${fallback.cluster}-default`,
    geolocation: { country: '*' },
    ...target(fallback),
    healthCheck: fallback.healthCheck,
    // One Service has one set of annotations: ExternalDNS cannot also write the default record.
    writer: 'you',
  }] : [];
  return [...regional, ...global, ...defaults];
}

function cloudDnsRecordSets(plan: SqlEndpointsPlan): CloudDnsRecordSet[] {
  const regional = plan.regions.map((r): CloudDnsRecordSet => ({
    provider: 'cloud-dns',
    name: r.name,
    type: 'A',
    ttl: plan.ttl,
    scope: 'regional',
    clusters: [r.cluster],
    values: ips(r),
    writer: plan.externalDns ? 'external-dns' : 'you',
  }));
  const members = plan.regions.filter((r) => r.inGlobal);
  const items = members.map((r): CloudDnsPolicyItem => ({
    cluster: r.cluster,
    ...(plan.routing === 'geolocation' ? { location: r.location } : { weight: 1 }),
    healthCheckedTarget: {
      loadBalancerType: 'regionalL4ilb',
      ...(ips(r)[0] !== undefined ? { ipAddress: ips(r)[0] } : {}),
      port: String(plan.port),
      ipProtocol: 'tcp',
      region: r.region,
      ...(plan.project !== undefined ? { project: plan.project } : {}),
      ...(plan.network !== undefined ? { networkUrl: plan.network } : {}),
    },
    healthCheck: r.healthCheck,
  }));
  const global: CloudDnsRecordSet = {
    provider: 'cloud-dns',
    name: plan.global.name,
    type: 'A',
    ttl: plan.ttl,
    scope: 'global',
    clusters: members.map((r) => r.cluster),
    routingPolicy: { kind: plan.routing === 'weighted' ? 'weighted' : 'geolocation', items },
    // ExternalDNS's Google provider writes no routing policies.
    writer: 'you',
  };
  return [...regional, global];
}
