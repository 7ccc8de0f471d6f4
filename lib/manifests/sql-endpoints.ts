import { KubeObject } from './kube-object';
import { commonLabels, selectorLabels } from './labels';
import { renderLoadBalancerServices } from './load-balancer-services';
import { awsSqlLoadBalancerAnnotations, SqlHealthCheckPlan, sqlHealthCheckFor } from '../core/endpoints/health-checks';
import { SqlEndpointsPlan, SqlRegionPlan } from '../core/endpoints/plan';
import { ClusterPlan, DeploymentPlan } from '../core/plan';

const EXTERNAL_DNS = 'external-dns.alpha.kubernetes.io/';

/** The label that marks the SQL load balancers (`crosscluster.io/endpoint: sql`). */
export const SQL_ENDPOINT_LABEL = { 'crosscluster.io/endpoint': 'sql' } as const;

/**
 * The ExternalDNS annotations of a region's SQL Service (ExternalDNS docs, "Setting up ExternalDNS on
 * AWS", "Routing policies"): the regional name, and on Route 53 the global name with this region's set
 * identifier and latency region (or geolocation) — ExternalDNS writes an alias to the NLB with
 * EvaluateTargetHealth. ExternalDNS's Google provider writes no routing policy, so with Cloud DNS the
 * global name stays in the records file (`writer: 'you'`). Empty unless `externalDns`.
 */
export function externalDnsAnnotations(plan: SqlEndpointsPlan, region: SqlRegionPlan): Record<string, string> {
  if (!plan.externalDns) return {};
  const route53Global = plan.provider === 'route53' && region.inGlobal
    && (plan.routing === 'latency' || region.geolocation !== undefined);
  const annotations: Record<string, string> = {
    [`${EXTERNAL_DNS}hostname`]: route53Global ? `${region.name},${plan.global.name}` : region.name,
    [`${EXTERNAL_DNS}ttl`]: String(plan.ttl),
  };
  if (!route53Global) return annotations;
  annotations[`${EXTERNAL_DNS}set-identifier`] = region.cluster;
  if (plan.routing === 'latency') {
    annotations[`${EXTERNAL_DNS}aws-region`] = region.location;
  } else {
    const g = region.geolocation!;
    if (g.continent) annotations[`${EXTERNAL_DNS}aws-geolocation-continent-code`] = g.continent;
    if (g.country) annotations[`${EXTERNAL_DNS}aws-geolocation-country-code`] = g.country;
    if (g.subdivision) annotations[`${EXTERNAL_DNS}aws-geolocation-subdivision-code`] = g.subdivision;
  }
  if (region.awsLoadBalancerName) annotations[`${EXTERNAL_DNS}aws-evaluate-target-health`] = 'true';
  return annotations;
}

/** The region of `cluster` in the endpoints plan. */
export function sqlRegionOf(plan: SqlEndpointsPlan, cluster: string): SqlRegionPlan {
  const region = plan.regions.find((r) => r.cluster === cluster);
  if (!region) throw new Error(`crosscluster: no SQL endpoint planned for cluster '${cluster}'`);
  return region;
}

/**
 * The cluster's SQL load balancer: one `LoadBalancer` Service in the database namespace, selecting the
 * database pods, on the SQL port (26257; the `sql` listener with `separateSqlPort`), internal by
 * default, admitting the allow-list only. Only ready pods are endpoints (`publishNotReadyAddresses`
 * stays false: a client must never reach a node that does not serve SQL yet), and with
 * `externalTrafficPolicy: Local` the client's address reaches the pod (the NetworkPolicy sees it) and
 * GKE's health check follows each node's ready pods. On AWS the NLB is named and checks
 * `/health?ready=1` (or TCP) on each pod. Empty without `sqlEndpoints`.
 */
export function renderSqlEndpoints(plan: DeploymentPlan, cluster: ClusterPlan): KubeObject[] {
  const sql = plan.sqlEndpoints;
  if (!sql) return [];
  const region = sqlRegionOf(sql, cluster.name);
  const pinned = region.pinned;
  const aws = cluster.cloud === 'aws';
  // Every NLB checks its pods, whichever DNS service reads the result.
  const nlbHealth = aws ? sqlHealthCheckFor('route53', 'aws', sql.internal, sql.healthCheck, sql.secure) as SqlHealthCheckPlan : undefined;
  return renderLoadBalancerServices(cluster, {
    purpose: 'database',
    internal: sql.internal,
    addresses: pinned ? (aws ? [...pinned.awsPrivateIps ?? [pinned.address]] : [pinned.address]) : [],
    gcpAddressName: pinned?.gcpAddressName,
    awsEipAllocations: pinned?.awsEipAllocations,
  }, {
    name: region.serviceName,
    namespace: cluster.namespace,
    labels: { ...commonLabels(cluster), ...SQL_ENDPOINT_LABEL },
    selector: selectorLabels(cluster),
    ports: [{ name: 'sql', port: sql.port, targetPort: plan.cockroach.separateSqlPort ? 'sql' : 'grpc', protocol: 'TCP' }],
    sourceRanges: region.sourceRanges,
    annotations: {
      ...(nlbHealth ? awsSqlLoadBalancerAnnotations(region.awsLoadBalancerName!, nlbHealth) : {}),
      ...externalDnsAnnotations(sql, region),
    },
    spec: { externalTrafficPolicy: 'Local' },
  });
}
