// The deployed shape of a plan: load balancers, extra hops on the data path, and their list price.
import { DeploymentPlan } from '../../lib/core/plan';
import { Cloud } from '../../lib/core/topology';
import { renderDeployment, allObjects } from '../../lib/manifests/render';

/** One LoadBalancer Service the plan creates. */
export interface PlannedLoadBalancer {
  readonly cluster: string;
  readonly cloud: Cloud;
  readonly region: string;
  readonly name: string;
  /** DNS chain, per-pod (inter-node), or a client endpoint (`sqlEndpoints`). */
  readonly role: 'dns' | 'pod' | 'sql';
  /** One entry per port (protocol/port). */
  readonly ports: ReadonlyArray<{ protocol: string; port: number }>;
}

/** Every LoadBalancer Service the plan renders, in cluster order. */
export function plannedLoadBalancers(plan: DeploymentPlan): PlannedLoadBalancer[] {
  const result: PlannedLoadBalancer[] = [];
  renderDeployment(plan).forEach((manifests, i) => {
    const cluster = plan.clusters[i];
    for (const o of allObjects(manifests)) {
      const spec = o.spec as { type?: string; ports?: Array<{ protocol?: string; port: number }> } | undefined;
      if (o.kind !== 'Service' || spec?.type !== 'LoadBalancer') continue;
      result.push({
        cluster: cluster.name,
        cloud: cluster.cloud,
        region: cluster.region,
        name: `${o.metadata.namespace}/${o.metadata.name}`,
        role: o.metadata.namespace === 'kube-system' ? 'dns' : o.metadata.labels?.['crosscluster.io/endpoint'] === 'sql' ? 'sql' : 'pod',
        ports: (spec.ports ?? []).map((p) => ({ protocol: p.protocol ?? 'TCP', port: p.port })),
      });
    }
  });
  return result;
}

export const HOURS_PER_MONTH = 730;

/**
 * List prices (USD, us-east1 / us-east-1 / East US class regions), with where they come from.
 * Checked 2026-11-21 through the search tool's stored copies of the pricing pages (see
 * BENCHMARKS.md); list prices change and vary by region: verify before relying on them.
 */
export const PRICES = {
  gcp: {
    /** Forwarding rules, per project and region: the first 5 together, per hour. */
    firstFiveRulesPerHour: 0.025,
    /** Each forwarding rule beyond 5 in a project and region, per hour. */
    additionalRulePerHour: 0.01,
    /** Data processed by the load balancer, per GiB (not in the totals: traffic-dependent). */
    dataPerGiB: 0.008,
    source: 'cloud.google.com/load-balancing/pricing (us-central1), via a transcription read 2026-09-20',
  },
  aws: {
    /** Network Load Balancer, per NLB-hour. */
    nlbPerHour: 0.0225,
    /** Per NLCU-hour (TCP: 800 new conn/s, 100k active conn, 1 GB/h processed). */
    nlcuPerHour: 0.006,
    source: 'aws.amazon.com/elasticloadbalancing/pricing (us-east-1), via a transcription read 2026-09-20',
  },
  azure: {
    /** Standard Load Balancer: the first 5 rules of a load balancer, per hour. */
    firstFiveRulesPerHour: 0.025,
    /** Each rule beyond 5, per hour. */
    additionalRulePerHour: 0.01,
    /** Data processed, per GB (not in the totals: traffic-dependent). */
    dataPerGB: 0.005,
    source: 'a third-party estimator page (c3x.dev, azurerm_lb) matching azure.microsoft.com/pricing/details/load-balancer as remembered; not verified against Microsoft',
  },
} as const;

/** A cloud's charge for a set of load balancers, per month. */
export interface LoadBalancerCost {
  readonly cloud: Cloud;
  /** What the cloud bills on: forwarding rules (GCP), NLBs (AWS), LB rules (Azure). */
  readonly billedUnits: number;
  readonly unit: string;
  /** The deployment's LBs are the only ones in their project/region (GCP) or cluster LB (Azure). */
  readonly standalonePerMonth: number;
  /** The project/cluster already pays for ≥ 5 rules, so every rule is an additional one (GCP, Azure); AWS: same as standalone. */
  readonly marginalPerMonth: number;
  /** AWS: NLCU at the assumed minimum of 1 NLCU per NLB for the whole month. */
  readonly usageNote: string;
}

function tiered(rules: number, first: number, additional: number): number {
  return rules === 0 ? 0 : first + Math.max(0, rules - 5) * additional;
}

/**
 * Monthly list price of the load balancers, per cloud. Assumptions:
 * - GCP: an internal passthrough NLB takes one forwarding rule per protocol (a mixed UDP+TCP
 *   Service gets two); forwarding rules are billed per project and region.
 * - AWS: the AWS Load Balancer Controller creates one NLB per Service (TCP_UDP listeners on one NLB).
 * - Azure: AKS puts every internal LoadBalancer Service of a cluster on one shared Standard LB;
 *   each port/protocol is one LB rule.
 */
export function loadBalancerCost(cloud: Cloud, lbs: readonly PlannedLoadBalancer[]): LoadBalancerCost {
  const mine = lbs.filter((lb) => lb.cloud === cloud);
  const h = HOURS_PER_MONTH;
  const groupCount = (key: (lb: PlannedLoadBalancer) => string, units: (lb: PlannedLoadBalancer) => number) => {
    const groups = new Map<string, number>();
    for (const lb of mine) groups.set(key(lb), (groups.get(key(lb)) ?? 0) + units(lb));
    return [...groups.values()];
  };
  const protocols = (lb: PlannedLoadBalancer) => new Set(lb.ports.map((p) => p.protocol)).size;
  switch (cloud) {
    case 'gcp': {
      const perRegion = groupCount((lb) => lb.region, protocols);
      const rules = perRegion.reduce((a, b) => a + b, 0);
      const p = PRICES.gcp;
      return {
        cloud,
        billedUnits: rules,
        unit: 'forwarding rules',
        standalonePerMonth: perRegion.reduce((sum, n) => sum + tiered(n, p.firstFiveRulesPerHour, p.additionalRulePerHour), 0) * h,
        marginalPerMonth: rules * p.additionalRulePerHour * h,
        usageNote: `+ $${p.dataPerGiB}/GiB processed`,
      };
    }
    case 'aws': {
      const p = PRICES.aws;
      return {
        cloud,
        billedUnits: mine.length,
        unit: 'NLBs',
        standalonePerMonth: mine.length * p.nlbPerHour * h,
        marginalPerMonth: mine.length * p.nlbPerHour * h,
        usageNote: `+ $${(p.nlcuPerHour * h).toFixed(2)}/month per NLB per NLCU used on average`,
      };
    }
    case 'azure': {
      const perCluster = groupCount((lb) => lb.cluster, (lb) => lb.ports.length);
      const rules = perCluster.reduce((a, b) => a + b, 0);
      const p = PRICES.azure;
      return {
        cloud,
        billedUnits: rules,
        unit: 'LB rules',
        standalonePerMonth: perCluster.reduce((sum, n) => sum + tiered(n, p.firstFiveRulesPerHour, p.additionalRulePerHour), 0) * h,
        marginalPerMonth: rules * p.additionalRulePerHour * h,
        usageNote: `+ $${p.dataPerGB}/GB processed`,
      };
    }
    default:
      return { cloud, billedUnits: mine.length, unit: 'LBs', standalonePerMonth: 0, marginalPerMonth: 0, usageNote: 'no list price (generic)' };
  }
}

/** The data path between two pods in different clusters, per strategy (see BENCHMARKS.md for the reasoning). */
export interface HopModel {
  readonly strategy: string;
  readonly extraL4HopsRequest: string;
  readonly extraL4HopsResponse: string;
  readonly connectTime: string;
  readonly sameCluster: string;
  readonly lbBytes: string;
}

export const HOPS: readonly HopModel[] = [
  {
    strategy: 'DNS chain',
    extraL4HopsRequest: '0 (pod IP to pod IP over peering/VPN)',
    extraL4HopsResponse: '0',
    connectTime: '1 DNS lookup: local DNS → stub/forward → remote DNS LB (1 LB hop, UDP/TCP 53) → remote DNS pod; cached for the record TTL',
    sameCluster: '0 (headless-Service DNS, pod to pod)',
    lbBytes: 'DNS queries only',
  },
  {
    strategy: 'per-pod LBs',
    extraL4HopsRequest: '1 (the remote pod\'s LB; with externalTrafficPolicy: Local it delivers to the pod\'s node, no second node hop)',
    extraL4HopsResponse: 'GCP internal passthrough / Azure: 0 (direct server return); AWS NLB: 1 (the NLB is stateful, replies go back through it)',
    connectTime: 'none (advertise addresses are IPs) or one public/private DNS lookup (AWS NLB names)',
    sameCluster: 'GCP/Azure: 0 (kube-proxy short-circuits LB IPs listed in the Service status); AWS NLB hostname: 1 (hairpin through the NLB)',
    lbBytes: 'all inter-node CockroachDB traffic (Raft, DistSQL) to that pod',
  },
  {
    strategy: 'pod IPs',
    extraL4HopsRequest: '0 (pod IP to pod IP over peering/VPN)',
    extraL4HopsResponse: '0',
    connectTime: 'none (advertise addresses are pod IPs); the join load balancer only when a node starts and joins',
    sameCluster: '0',
    lbBytes: 'join handshakes only',
  },
  {
    strategy: 'host network',
    extraL4HopsRequest: '0 (node address to node address; the pod is on the node\'s network)',
    extraL4HopsResponse: '0',
    connectTime: 'none with node IPs; one DNS lookup with listed node names',
    sameCluster: '0',
    lbBytes: 'none (no load balancer)',
  },
];
