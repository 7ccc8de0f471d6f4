// The client endpoints derived from a valid topology: per cluster its SQL load balancer, name,
// allow-list, health check and connection string; the global name and who is behind it. Pure.
import { connectionString } from './connection';
import { SqlHealthCheckPlan, sqlHealthCheckFor } from './health-checks';
import { awsSqlLoadBalancerName, defaultGlobalName, defaultRegionalName, sqlServiceName } from './names';
import {
  CloudDnsSqlEndpointsOptions, Route53Geolocation, Route53SqlEndpointsOptions, SQL_ENDPOINT_DEFAULTS, SqlDnsProvider, SqlEndpoints,
  SqlHealthCheck, SqlRouting,
} from './sql-endpoints';
import { isIpAddress } from '../cidr';
import { namespaceOf } from '../naming';
import { DatabaseNetworkPolicyOptions } from '../network-policy-options';
import { PodAddress, toPodAddress } from '../networking';
import { COCKROACH_PORT, ClusterSpec, Cloud } from '../topology';
import { canonicalDnsName } from '../validation/kubernetes-values';
import { ownValue } from '../validation/read';

/** One region's SQL endpoint. */
export interface SqlRegionPlan {
  /** The cluster whose load balancer this is. */
  readonly cluster: string;
  readonly cloud: Cloud;
  readonly region: string;
  readonly namespace: string;
  /** The LoadBalancer Service, `<name>-sql`. */
  readonly serviceName: string;
  /** The regional name, `<region>.<zone>` by default: always this region's load balancer. */
  readonly name: string;
  /** Behind the global name. */
  readonly inGlobal: boolean;
  /**
   * Every address of the load balancer known so far: the pinned ones (on AWS one per subnet) and the
   * ones the cloud reported (Pulumi: an IP, or an AWS NLB's DNS name). In the node certificate.
   */
  readonly addresses: readonly string[];
  /** The address the load balancer is pinned to, as given. */
  readonly pinned?: PodAddress;
  /** `loadBalancerSourceRanges`, also admitted by the database NetworkPolicy on the SQL port. */
  readonly sourceRanges: readonly string[];
  /** Where this region's own clients come from: the cluster's pod and node CIDRs. */
  readonly clientRanges: readonly string[];
  /** Route 53 latency: the AWS Region; Cloud DNS geolocation: the Google Cloud region. */
  readonly location: string;
  /** Route 53 geolocation routing: the location this region serves. */
  readonly geolocation?: Route53Geolocation;
  /** The health check the DNS service runs (present for every region behind the global name). */
  readonly healthCheck?: SqlHealthCheckPlan;
  /** AWS: the NLB's name (`aws-load-balancer-name`), for the records to find it. */
  readonly awsLoadBalancerName?: string;
  /** `postgresql://…@<regional name>:26257/<database>?sslmode=verify-full&sslrootcert=…` */
  readonly connectionString: string;
  /** The names and addresses clients of this load balancer dial: its node certificate covers them. */
  readonly sans: readonly string[];
}

/** The client endpoints of a deployment. */
export interface SqlEndpointsPlan {
  readonly provider: SqlDnsProvider;
  /** The zone the names live in (canonical: lower case, no trailing dot). */
  readonly zone: string;
  /** Seconds. */
  readonly ttl: number;
  /** The SQL port every load balancer listens on. */
  readonly port: number;
  readonly internal: boolean;
  readonly healthCheck: SqlHealthCheck;
  readonly routing: SqlRouting;
  readonly externalDns: boolean;
  /** The database is secure (TLS): the connection strings verify the server. */
  readonly secure: boolean;
  readonly database: string;
  readonly user?: string;
  readonly sslRootCert: string;
  /** The global name, the clusters behind it and its connection string. */
  readonly global: { readonly name: string; readonly clusters: readonly string[]; readonly connectionString: string };
  /** Every cluster's endpoint, in topology order. */
  readonly regions: readonly SqlRegionPlan[];
  /** Route 53 geolocation: the cluster that answers clients of no listed location. */
  readonly defaultCluster?: string;
  /** Cloud DNS: the project and network of the internal load balancers, when given. */
  readonly project?: string;
  readonly network?: string;
}

/** What the endpoints are derived from (a canonical, valid topology). */
export interface SqlEndpointsInput {
  readonly sqlEndpoints: SqlEndpoints;
  readonly clusters: readonly ClusterSpec[];
  /** The StatefulSet's base name. */
  readonly baseName: string;
  readonly database: string;
  readonly secure: boolean;
  readonly networkPolicy?: DatabaseNetworkPolicyOptions;
  /** Per cluster: addresses the engine learned (Pulumi: the Service's ingress IP or hostname). */
  readonly resolved?: Readonly<Record<string, readonly string[]>>;
}

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}

/** The known addresses of a pinned load balancer: on AWS one per subnet, elsewhere the address when it is an IP. */
export function pinnedSqlAddresses(cloud: Cloud, pinned: PodAddress | undefined): string[] {
  if (!pinned) return [];
  if (cloud === 'aws' && pinned.awsPrivateIps) return [...pinned.awsPrivateIps];
  return isIpAddress(pinned.address) ? [pinned.address] : [];
}

/** The regional name of every cluster, given or default (undefined when the default cannot be formed). */
export function regionalNameOf(
  options: { zone: string; regionalNames?: Readonly<Record<string, string>> }, cluster: ClusterSpec,
): string | undefined {
  const given = ownValue(options.regionalNames, cluster.name);
  return given !== undefined ? canonicalDnsName(given) : defaultRegionalName(cluster.region, options.zone);
}

/** Derives the endpoints. The topology must be valid (`readTopology` found no problem). */
export function planSqlEndpoints(input: SqlEndpointsInput): SqlEndpointsPlan {
  const { sqlEndpoints, clusters } = input;
  const o = sqlEndpoints.options;
  const route53 = sqlEndpoints.route53;
  const cloudDns = sqlEndpoints.cloudDns;
  const zone = canonicalDnsName(o.zone);
  const internal = o.internal ?? SQL_ENDPOINT_DEFAULTS.internal;
  const healthCheck = o.healthCheck ?? SQL_ENDPOINT_DEFAULTS.healthCheck;
  const sslRootCert = o.sslRootCert ?? SQL_ENDPOINT_DEFAULTS.sslRootCert;
  const globalName = o.globalName !== undefined ? canonicalDnsName(o.globalName) : defaultGlobalName(zone);
  const globalClusters = o.globalClusters ? [...o.globalClusters] : clusters.map((c) => c.name);
  const inGlobal = new Set(globalClusters);
  const clientCidrs = (input.networkPolicy?.clients ?? []).flatMap((c) => (c.cidr !== undefined ? [c.cidr] : []));
  const derivedRanges = unique([...clusters.flatMap((c) => [...c.podCidrs ?? [], ...c.nodeCidrs ?? []]), ...clientCidrs]);
  const sourceRanges = o.sourceRanges ? [...o.sourceRanges] : derivedRanges;
  const connection = (host: string) => connectionString({
    host, port: COCKROACH_PORT, database: input.database, user: o.user, sslRootCert, secure: input.secure,
  });
  const serviceName = sqlServiceName(input.baseName);

  const regions = clusters.map((cluster): SqlRegionPlan => {
    const namespace = namespaceOf(cluster);
    const name = regionalNameOf(o, cluster)!;
    const given = ownValue(o.addresses, cluster.name);
    const pinned = given !== undefined ? toPodAddress(given) : undefined;
    const addresses = unique([...pinnedSqlAddresses(cluster.cloud, pinned), ...ownValue(input.resolved, cluster.name) ?? []]);
    const member = inGlobal.has(cluster.name);
    const health = sqlHealthCheckFor(sqlEndpoints.provider, cluster.cloud, internal, healthCheck, input.secure);
    const location = ownValue(cloudDns?.locations, cluster.name) ?? cluster.region;
    return {
      cluster: cluster.name,
      cloud: cluster.cloud,
      region: cluster.region,
      namespace,
      serviceName,
      name,
      inGlobal: member,
      addresses,
      pinned,
      sourceRanges,
      clientRanges: [...cluster.podCidrs ?? [], ...cluster.nodeCidrs ?? []],
      location,
      geolocation: route53?.routing === 'geolocation' ? ownValue(route53.geolocations, cluster.name) : undefined,
      healthCheck: typeof health === 'string' ? undefined : health,
      awsLoadBalancerName: cluster.cloud === 'aws' ? awsSqlLoadBalancerName(namespace, serviceName, zone) : undefined,
      connectionString: connection(name),
      // The global name may answer with any region behind it, so each of them is certified for it.
      sans: unique([name, ...(member ? [globalName] : []), ...addresses]),
    };
  });
  const routing: SqlRouting = route53
    ? route53.routing ?? SQL_ENDPOINT_DEFAULTS.route53Routing
    : (cloudDns as CloudDnsSqlEndpointsOptions).routing ?? SQL_ENDPOINT_DEFAULTS.cloudDnsRouting;
  return {
    provider: sqlEndpoints.provider,
    zone,
    ttl: o.ttl ?? SQL_ENDPOINT_DEFAULTS.ttl,
    port: COCKROACH_PORT,
    internal,
    healthCheck,
    routing,
    externalDns: o.externalDns ?? SQL_ENDPOINT_DEFAULTS.externalDns,
    secure: input.secure,
    database: input.database,
    user: o.user,
    sslRootCert,
    global: { name: globalName, clusters: globalClusters, connectionString: connection(globalName) },
    regions,
    ...(route53?.routing === 'geolocation' ? { defaultCluster: (route53 as Route53SqlEndpointsOptions).defaultCluster ?? globalClusters[0] } : {}),
    ...(cloudDns?.project !== undefined ? { project: cloudDns.project } : {}),
    ...(cloudDns?.network !== undefined ? { network: cloudDns.network } : {}),
  };
}
