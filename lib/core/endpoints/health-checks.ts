// How the DNS service learns that a region's SQL load balancer is healthy: one rule per DNS service and
// cloud, each with its documented source. A region behind the global name must have one of these.
import { SqlDnsProvider, SqlHealthCheck } from './sql-endpoints';
import { COCKROACH_HTTP_PORT, COCKROACH_PORT, Cloud } from '../topology';

/** The readiness endpoint of CockroachDB: 200 only while the node accepts SQL connections. */
export const READY_PATH = '/health?ready=1';

/**
 * A region's health as the DNS service sees it:
 * - `load-balancer-target-health` (Route 53, AWS NLB): an alias record with EvaluateTargetHealth
 *   inherits the NLB's health, unhealthy when a target group has no healthy target (Route 53 API,
 *   `AliasTarget.EvaluateTargetHealth`, "Application and Network Load Balancers"). The NLB checks
 *   each pod directly (IP targets) as the annotations below say.
 * - `internal-load-balancer` (Cloud DNS, GKE internal passthrough load balancer, private zone): Cloud
 *   DNS reads the load balancer's backend health (healthy while at least 20% of backends are; Cloud
 *   DNS docs, "DNS routing policies and health checks", "Health checks for internal load balancers").
 *   With `externalTrafficPolicy: Local` GKE's health check asks kube-proxy on each node, which answers
 *   healthy only where a ready pod runs: the pods' readiness probe, `GET /health?ready=1`.
 */
export type SqlHealthCheckKind = 'load-balancer-target-health' | 'internal-load-balancer';

/** The health check of one region, as planned. */
export interface SqlHealthCheckPlan {
  readonly kind: SqlHealthCheckKind;
  /** What is probed: `HTTPS`/`HTTP` `GET /health?ready=1` on the HTTP port, or `TCP` on the SQL port. */
  readonly protocol: 'HTTPS' | 'HTTP' | 'TCP';
  readonly port: number;
  /** The request path (HTTP(S) only). */
  readonly path?: string;
  /** Who probes: the NLB (per pod), or GKE's health check through kube-proxy (the pods' readiness). */
  readonly probedBy: string;
}

/**
 * The health check the DNS service can run for a region, or why none can. Route 53's own health
 * checkers probe from the internet and cannot reach an internal load balancer, and Cloud DNS checks
 * internal load balancers of its own VPC (private zones) and public IPs only; so across clouds only
 * the native pairs below have a health check.
 */
export function sqlHealthCheckFor(
  provider: SqlDnsProvider, cloud: Cloud, internal: boolean, check: SqlHealthCheck, secure: boolean,
): SqlHealthCheckPlan | string {
  if (provider === 'route53') {
    if (cloud !== 'aws') {
      return `Route 53 health-checks a load balancer outside AWS only from the internet, which ${internal ? 'an internal load balancer is not reachable from' : 'would need the SQL port open to Route 53\'s health checkers'}`;
    }
    return check === 'tcp'
      ? { kind: 'load-balancer-target-health', protocol: 'TCP', port: COCKROACH_PORT, probedBy: 'the NLB, on each pod' }
      : { kind: 'load-balancer-target-health', protocol: secure ? 'HTTPS' : 'HTTP', port: COCKROACH_HTTP_PORT, path: READY_PATH, probedBy: 'the NLB, on each pod' };
  }
  if (cloud !== 'gcp') return 'Cloud DNS health-checks internal load balancers of Google Cloud only (and public IPs)';
  if (!internal) return 'Cloud DNS health-checks internet-facing endpoints with public-IP health checks, which crosscluster does not set up: keep the load balancer internal (a private zone)';
  // GKE's internal load balancer follows kube-proxy's per-node health, i.e. the pods' readiness probe.
  return { kind: 'internal-load-balancer', protocol: secure ? 'HTTPS' : 'HTTP', port: COCKROACH_HTTP_PORT, path: READY_PATH, probedBy: 'GKE\'s health check through kube-proxy (the pods\' readiness probe)' };
}

const AWS = 'service.beta.kubernetes.io/aws-load-balancer-';

/**
 * The AWS Load Balancer Controller annotations of a SQL NLB: its name (so records can find it) and
 * its target-group health check. Source: AWS Load Balancer Controller docs, `guide/service/annotations.md`
 * (`aws-load-balancer-name`: at most 32 characters; `healthcheck-protocol` TCP/HTTP/HTTPS,
 * `healthcheck-port` a number or `traffic-port`, `healthcheck-path` for HTTP(S), thresholds 2–10,
 * interval 5–300 s). Two failures 10 s apart mark a pod unhealthy, so a dead region leaves the global
 * name within about 20 s plus the records' TTL.
 */
export function awsSqlLoadBalancerAnnotations(name: string, health: SqlHealthCheckPlan): Record<string, string> {
  return {
    [`${AWS}name`]: name,
    [`${AWS}healthcheck-protocol`]: health.protocol,
    [`${AWS}healthcheck-port`]: health.protocol === 'TCP' ? 'traffic-port' : String(health.port),
    ...(health.path ? { [`${AWS}healthcheck-path`]: health.path } : {}),
    [`${AWS}healthcheck-interval`]: '10',
    [`${AWS}healthcheck-healthy-threshold`]: '2',
    [`${AWS}healthcheck-unhealthy-threshold`]: '2',
  };
}
