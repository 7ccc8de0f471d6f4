// The SQL names and the Kubernetes names of the SQL load balancers: derived from the topology only.
import { createHash } from 'crypto';
import { SQL_ENDPOINT_DEFAULTS } from './sql-endpoints';
import { canonicalDnsName, isDnsLabel, isDnsName } from '../validation/kubernetes-values';

/** The SQL load balancer Service of a cluster: `<name>-sql` next to `<name>-public`. */
export function sqlServiceName(baseName: string): string {
  return `${baseName}-sql`;
}

/** The default global name: `sql.<zone>`. */
export function defaultGlobalName(zone: string): string {
  return `${SQL_ENDPOINT_DEFAULTS.globalLabel}.${canonicalDnsName(zone)}`;
}

/** The default regional name of a cluster in `region`: `<region>.<zone>` (undefined when the region is no DNS label). */
export function defaultRegionalName(region: string, zone: string): string | undefined {
  const label = region.toLowerCase();
  return isDnsLabel(label) ? `${label}.${canonicalDnsName(zone)}` : undefined;
}

/** True when `name` is the zone itself or a name under it (case-insensitive, trailing dots ignored). */
export function isInZone(name: string, zone: string): boolean {
  if (!isDnsName(name) || !isDnsName(zone)) return false;
  const n = canonicalDnsName(name);
  const z = canonicalDnsName(zone);
  return n === z || n.endsWith(`.${z}`);
}

/**
 * The name of an AWS NLB (`service.beta.kubernetes.io/aws-load-balancer-name`): at most 32 of
 * letters, digits and '-', neither starting nor ending with '-', never starting with `internal-`
 * (AWS Load Balancer Controller docs, annotations.md; ELB CreateLoadBalancer `Name`). Deterministic,
 * so the records can look the NLB up by name, and unique per namespace, Service and zone.
 */
export function awsSqlLoadBalancerName(namespace: string, serviceName: string, zone: string): string {
  const hash = createHash('sha256').update(`${namespace}/${serviceName}/${canonicalDnsName(zone)}`).digest('hex').slice(0, 8);
  const prefix = `sql-${namespace}`.slice(0, 32 - hash.length - 1).replace(/-+$/, '');
  return `${prefix}-${hash}`;
}
