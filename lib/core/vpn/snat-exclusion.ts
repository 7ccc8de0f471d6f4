import { parseCidr } from '../cidr';
import { Problem, show, throwIfProblems } from '../problems';
import { ClusterSpec } from '../topology';
import { clusterSourceCidrs } from './ingress-rules';

/** The VPC CNI variable listing destinations that pod traffic reaches without SNAT. */
export const EXCLUDE_SNAT_ENV = 'AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS';

/**
 * The CIDRs an EKS cluster's pods must reach with their own source IP: every other cluster's
 * IPv4 pod and node CIDRs. The VPC CNI SNATs traffic to destinations outside the VPC's CIDRs
 * to the node IP by default, which breaks peers that expect (and firewall on) pod IPs.
 * @param local the EKS cluster whose `vpc-cni` add-on is configured
 * @param clusters every cluster of the deployment (the local one is skipped)
 */
export function snatExclusionCidrs(local: ClusterSpec, clusters: readonly ClusterSpec[]): string[] {
  return [...new Set(clusters.filter((c) => c.name !== local.name).flatMap(clusterSourceCidrs))];
}

/**
 * The `configurationValues` JSON for the EKS `vpc-cni` add-on that excludes `cidrs` from SNAT:
 * `{"env":{"AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS":"a,b"}}` (a comma-separated list), merged with
 * `extraEnv`. Keys are sorted so the string is stable across runs.
 * @throws TopologyError when a CIDR is not IPv4 (the variable is IPv4-only) or the list is empty
 */
export function vpcCniConfigurationValues(cidrs: readonly string[], extraEnv: Readonly<Record<string, string>> = {}): string {
  const problems: Problem[] = [];
  if (cidrs.length === 0) problems.push({ path: 'cidrs', message: 'is empty; nothing to exclude from SNAT' });
  cidrs.forEach((cidr, i) => {
    const parsed = parseCidr(cidr);
    if (typeof parsed === 'string') problems.push({ path: `cidrs[${i}]`, message: parsed });
    else if (parsed.family !== 4) problems.push({ path: `cidrs[${i}]`, message: `${show(cidr)} is IPv6; ${EXCLUDE_SNAT_ENV} takes IPv4 CIDRs only` });
  });
  if (EXCLUDE_SNAT_ENV in extraEnv) {
    problems.push({ path: `extraEnv.${EXCLUDE_SNAT_ENV}`, message: 'is computed from the topology; do not set it by hand' });
  }
  throwIfProblems(problems);
  const env: Record<string, string> = { ...extraEnv, [EXCLUDE_SNAT_ENV]: cidrs.join(',') };
  const sorted = Object.fromEntries(Object.keys(env).sort().map((k) => [k, env[k]]));
  return JSON.stringify({ env: sorted });
}
