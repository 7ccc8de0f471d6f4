// What a user says about the client endpoints: the zone, the names, the DNS service that holds them,
// and how each region's SQL load balancer is exposed. Plain data behind two static factories, one per
// DNS service, so the options of the other service cannot be given by mistake.
import { PodAddress } from '../networking';

/** The DNS service that hosts the zone the SQL names live in. */
export type SqlDnsProvider = 'route53' | 'cloud-dns';

/**
 * What a region's SQL load balancer is checked on, for the DNS failover of the global name:
 * - `http-ready`: HTTP(S) `GET /health?ready=1` on the database's HTTP port: healthy only while a node
 *   accepts SQL (not while it starts, drains or is decommissioned);
 * - `tcp`: a TCP connection to the SQL port (keeps the HTTP port closed to the load balancer's subnets).
 */
export type SqlHealthCheck = 'http-ready' | 'tcp';

/** How Route 53 picks the answer of the global name. */
export type Route53Routing = 'latency' | 'geolocation';

/** How Cloud DNS picks the answer of the global name. */
export type CloudDnsRouting = 'geolocation' | 'weighted';

/** The routing policies of the global name, both services together. */
export type SqlRouting = Route53Routing | CloudDnsRouting;

/** A Route 53 geolocation: a continent, or a country (and for the United States a state). */
export interface Route53Geolocation {
  /** A continent code: `AF`, `AN`, `AS`, `EU`, `NA`, `OC` or `SA`. @default - set `country` instead */
  readonly continent?: string;
  /** An ISO 3166-1 alpha-2 country code, e.g. `DE`. @default - set `continent` instead */
  readonly country?: string;
  /** With `country: 'US'`: a state code, e.g. `VA`. @default - the whole country */
  readonly subdivision?: string;
}

/** Options every DNS service shares. */
export interface SqlEndpointsOptions {
  /**
   * The DNS zone you own and the names go into, e.g. `'db.example.com'` (a Route 53 hosted zone or a
   * Cloud DNS managed zone of that name). Every name must lie inside it.
   */
  readonly zone: string;
  /**
   * The global name: it answers with the nearest healthy region and fails over when a region's load
   * balancer is unhealthy.
   * @default - `sql.<zone>`
   */
  readonly globalName?: string;
  /**
   * Per cluster name: the region's own name, which always answers with that region's load balancer
   * (a client that names a region gets that region or an error, never a silent move elsewhere).
   * @default - `<region>.<zone>` for each cluster
   */
  readonly regionalNames?: Readonly<Record<string, string>>;
  /**
   * The clusters behind the global name. Every one of them needs a health check the DNS service can
   * run (see docs/sql-endpoints.md); the others keep their regional name.
   * @default - every cluster
   */
  readonly globalClusters?: readonly string[];
  /**
   * Time to live of every record, in seconds. Failover of the global name takes the health check's
   * detection time plus this: Kubernetes' Federated Services used 180 s.
   * @default 180
   */
  readonly ttl?: number;
  /**
   * Internal load balancers (clients reach them over the VPC, peering or a VPN). `false` is the
   * explicit opt-in to internet-facing ones: refused with `Tls.insecure()`, and it needs `sourceRanges`.
   * @default true
   */
  readonly internal?: boolean;
  /**
   * `loadBalancerSourceRanges` of every SQL load balancer (who may connect), replacing the derived
   * allow-list; the database NetworkPolicy admits the same ranges on the SQL port.
   * @default - every cluster's pod and node CIDRs and the `cidr` clients of `networkPolicy.clients`
   */
  readonly sourceRanges?: readonly string[];
  /**
   * Per cluster name: the address its SQL load balancer is pinned to (a reserved internal IP; on AWS
   * `awsPrivateIps`, one per subnet of `eks.subnets`, in AZ order). cdk8s needs it wherever a record
   * holds the address (every cluster with Cloud DNS; clusters outside AWS with Route 53).
   * @default - the address the cloud assigns (Pulumi reads it from the Service status)
   */
  readonly addresses?: Readonly<Record<string, string | PodAddress>>;
  /**
   * What the load balancer's health check asks the database (AWS NLB target groups; GKE's internal
   * load balancer always follows the pods' readiness, which is `/health?ready=1`).
   * @default 'http-ready'
   */
  readonly healthCheck?: SqlHealthCheck;
  /**
   * Annotate each SQL Service for ExternalDNS (`external-dns.alpha.kubernetes.io/hostname`, and on
   * Route 53 the set identifier and routing of the global name). Leave it off when Pulumi creates
   * the records (`Route53SqlRecords`, `CloudDnsSqlRecords`): two writers of one record fight.
   * @default false
   */
  readonly externalDns?: boolean;
  /**
   * The SQL user in the connection strings.
   * @default - none: the application supplies it (`PGUSER`, or its client certificate's user)
   */
  readonly user?: string;
  /**
   * Where applications find the CA certificate to verify the servers against (`sslrootcert`).
   * @default 'ca.crt'
   */
  readonly sslRootCert?: string;
}

/** Options of {@link SqlEndpoints.route53}. */
export interface Route53SqlEndpointsOptions extends SqlEndpointsOptions {
  /**
   * How the global name picks a region: `latency` (the AWS Region with the lowest latency to the
   * resolver, the region of each EKS cluster) or `geolocation` (by the client's location, per cluster in `geolocations`).
   * @default 'latency'
   */
  readonly routing?: Route53Routing;
  /**
   * With `routing: 'geolocation'`: the location each global cluster serves.
   * @default {}
   */
  readonly geolocations?: Readonly<Record<string, Route53Geolocation>>;
  /**
   * With `routing: 'geolocation'`: the cluster that answers clients of no listed location.
   * @default - the first cluster behind the global name
   */
  readonly defaultCluster?: string;
}

/** Options of {@link SqlEndpoints.cloudDns}. */
export interface CloudDnsSqlEndpointsOptions extends SqlEndpointsOptions {
  /**
   * How the global name picks a region: `geolocation` (the Google Cloud region the query enters
   * from; the nearest healthy one on failure) or `weighted` (equal weights over the healthy ones).
   * @default 'geolocation'
   */
  readonly routing?: CloudDnsRouting;
  /**
   * Per cluster name: its geolocation, a Google Cloud region.
   * @default - the cluster's region
   */
  readonly locations?: Readonly<Record<string, string>>;
  /**
   * The project of the GKE clusters' internal load balancers (health-checked targets of the global name).
   * @default - the provider's project (Pulumi); `<project>` in the records file (cdk8s)
   */
  readonly project?: string;
  /**
   * The VPC network of the GKE clusters' internal load balancers, `projects/<p>/global/networks/<n>`.
   * @default - `<network>` in the records file; required by `CloudDnsSqlRecords` (Pulumi)
   */
  readonly network?: string;
}

/**
 * Client endpoints for SQL: per region a load balancer in front of the SQL port and a name of its
 * own, and one global name that answers with the nearest healthy region. Choose the DNS service that
 * hosts your zone with a static factory.
 */
export class SqlEndpoints {
  /** The names live in a Route 53 hosted zone: latency (or geolocation) records with health checks. */
  public static route53(options: Route53SqlEndpointsOptions): SqlEndpoints {
    return new SqlEndpoints('route53', options);
  }

  /** The names live in a Cloud DNS managed zone: a geolocation (or weighted) routing policy with health-checked targets. */
  public static cloudDns(options: CloudDnsSqlEndpointsOptions): SqlEndpoints {
    return new SqlEndpoints('cloud-dns', options);
  }

  private constructor(
    /** The DNS service. */
    public readonly provider: SqlDnsProvider,
    /** The options. */
    public readonly options: Route53SqlEndpointsOptions | CloudDnsSqlEndpointsOptions,
  ) {}

  /** The options as Route 53 options; undefined for Cloud DNS. */
  public get route53(): Route53SqlEndpointsOptions | undefined {
    return this.provider === 'route53' ? (this.options as Route53SqlEndpointsOptions) : undefined;
  }

  /** The options as Cloud DNS options; undefined for Route 53. */
  public get cloudDns(): CloudDnsSqlEndpointsOptions | undefined {
    return this.provider === 'cloud-dns' ? (this.options as CloudDnsSqlEndpointsOptions) : undefined;
  }
}

/** The defaults of the client endpoints. */
export const SQL_ENDPOINT_DEFAULTS = {
  /** Record TTL: Kubernetes' Federated Services design defaulted to 180 s. */
  ttl: 180,
  /** The global name's first label: `sql.<zone>`. */
  globalLabel: 'sql',
  internal: true,
  healthCheck: 'http-ready',
  externalDns: false,
  sslRootCert: 'ca.crt',
  route53Routing: 'latency',
  cloudDnsRouting: 'geolocation',
} as const;

/** The shortest TTL accepted: below it resolvers clamp or ignore it and every client re-resolves constantly. */
export const MIN_SQL_TTL = 10;
/** The longest TTL accepted: beyond an hour clients keep a failed region's address for over an hour. */
export const MAX_SQL_TTL = 3600;
