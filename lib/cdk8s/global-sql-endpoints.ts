import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { prepareComponent } from './component-placement';
import { PlacementProps, TopologyProps } from './props';
import { SqlEndpointsPlan } from '../core/endpoints/plan';
import { SqlRecordSet, sqlRecordSets } from '../core/endpoints/records';
import { SqlEndpoints } from '../core/endpoints/sql-endpoints';
import { findSynthAddressProblems } from '../core/endpoints/validation';
import { Networking } from '../core/networking';
import { DeploymentPlan, planDeployment } from '../core/plan';
import { throwIfProblems } from '../core/problems';
import { Tls } from '../core/tls';

/** The file the records are written to, next to the manifests: `<outdir>/sql-endpoints.records.json`. */
export const SQL_RECORDS_FILE = 'sql-endpoints.records.json';

/** Props of {@link GlobalSqlEndpoints}: the topology and the endpoints. */
export interface GlobalSqlEndpointsProps extends TopologyProps, PlacementProps {
  /** The zone, names and DNS service: `SqlEndpoints.route53(...)` or `SqlEndpoints.cloudDns(...)`. */
  readonly sqlEndpoints: SqlEndpoints;
  /**
   * The database's TLS: secure connection strings verify the server (`sslmode=verify-full`), and an
   * internet-facing endpoint is refused with `Tls.insecure()`.
   * @default Tls.certManager()
   */
  readonly tls?: Tls;
}

/** What an application needs to connect to one endpoint. */
export interface SqlEndpointInfo {
  /** The DNS name to dial. */
  readonly host: string;
  readonly port: number;
  /** `postgresql://…?sslmode=verify-full&sslrootcert=…` */
  readonly connectionString: string;
  /** The load balancer's addresses known at synth time (its pinned IPs). */
  readonly addresses: readonly string[];
}

/**
 * Client endpoints: per cluster a `LoadBalancer` Service `<name>-sql` in front of the database pods'
 * SQL port (internal by default, with the cloud's annotations, the allow-list, only ready pods as
 * endpoints), a regional name `<region>.<zone>` and one global name that answers with the nearest
 * healthy region. With `externalDns` each Service carries ExternalDNS annotations for the records
 * ExternalDNS can write (on Route 53: the global name's latency or geolocation records, aliases to the
 * NLBs with their target health); {@link GlobalSqlEndpoints.writeRecords} writes the complete list of
 * records next to the manifests, for the records ExternalDNS cannot write and for a DNS team to review.
 *
 * The node certificates cover the names and addresses only when the certificates come from the same
 * topology: compose it through `MultiRegionCockroach`'s `sqlEndpoints`, or give `ClusterCerts` the same
 * `sqlEndpoints`.
 */
export class GlobalSqlEndpoints extends Construct {
  /** The plan the Services were rendered from. */
  public readonly plan: DeploymentPlan;
  /** The endpoints: names, allow-lists, health checks and connection strings. */
  public readonly endpoints: SqlEndpointsPlan;
  /** Every record, regional names first, as the DNS service holds it. */
  public readonly records: readonly SqlRecordSet[];
  /** Per cluster: host, port, connection string and addresses of its regional endpoint. */
  public readonly regions: Readonly<Record<string, SqlEndpointInfo>>;
  /** The global endpoint and the clusters behind it. */
  public readonly global: SqlEndpointInfo & { readonly clusters: readonly string[] };
  /** Per cluster placed: the SQL load-balancer Service. */
  public readonly services: Readonly<Record<string, readonly ApiObject[]>>;
  /** Per cluster placed: the Chart holding it. */
  public readonly charts: Readonly<Record<string, Chart>>;

  /**
   * @param scope an `App` (one Chart per cluster) or, for a one-cluster topology, a construct inside a Chart
   * @param id the construct id
   * @param props the topology and the endpoints
   * @throws TopologyError listing every problem of the props, before anything is created
   */
  constructor(scope: Construct, id: string, props: GlobalSqlEndpointsProps) {
    const prepared = prepareComponent(scope, id, props, {
      plan: () => {
        const plan = planDeployment(
          // The networking strategy does not change the endpoints; no engine check asks for its addresses.
          { ...props, networking: Networking.dnsChain(), tls: props.tls ?? Tls.certManager(), networkPolicy: { enabled: false } },
          {},
        );
        if (plan.sqlEndpoints) {
          throwIfProblems(findSynthAddressProblems(plan.sqlEndpoints, (c) => plan.clusters.findIndex((x) => x.name === c)));
        }
        return plan;
      },
      group: 'sqlEndpoints',
      chartSuffix: '',
    });
    super(scope, id);
    this.plan = prepared.plan;
    const sql = this.plan.sqlEndpoints;
    if (!sql) throw new Error('crosscluster: GlobalSqlEndpoints needs sqlEndpoints'); // unreachable: the prop is required and validated
    this.endpoints = sql;
    this.records = sqlRecordSets(sql);
    this.regions = Object.fromEntries(sql.regions.map((r) => [r.cluster, {
      host: r.name, port: sql.port, connectionString: r.connectionString, addresses: r.addresses,
    }]));
    this.global = {
      host: sql.global.name,
      port: sql.port,
      connectionString: sql.global.connectionString,
      addresses: sql.regions.filter((r) => r.inGlobal).flatMap((r) => r.addresses),
      clusters: sql.global.clusters,
    };
    ({ objects: this.services, charts: this.charts } = prepared.place(this));
  }

  /**
   * Writes {@link SQL_RECORDS_FILE} into `outdir` (usually the App's `outdir`): the zone, every record
   * with its routing and health check and who writes it (`external-dns` or `you`), and the endpoints'
   * connection strings. Commit it next to the manifests: a DNS team reviews it, and creates the records
   * marked `you`.
   * @returns the path written
   */
  public writeRecords(outdir: string): string {
    fs.mkdirSync(outdir, { recursive: true });
    const file = path.join(outdir, SQL_RECORDS_FILE);
    fs.writeFileSync(file, `${JSON.stringify(recordsDocument(this.endpoints, this.records), null, 2)}\n`);
    return file;
  }
}

/** The content of the records file. */
export function recordsDocument(sql: SqlEndpointsPlan, records: readonly SqlRecordSet[]): Record<string, unknown> {
  return {
    provider: sql.provider,
    zone: sql.zone,
    ttl: sql.ttl,
    routing: sql.routing,
    global: { name: sql.global.name, clusters: sql.global.clusters, connectionString: sql.global.connectionString },
    regions: sql.regions.map((r) => ({
      cluster: r.cluster,
      name: r.name,
      port: sql.port,
      addresses: r.addresses,
      behindGlobalName: r.inGlobal,
      clientRanges: r.clientRanges,
      loadBalancer: `${r.namespace}/${r.serviceName}`,
      ...(r.healthCheck ? { healthCheck: r.healthCheck } : {}),
      connectionString: r.connectionString,
    })),
    records,
  };
}
