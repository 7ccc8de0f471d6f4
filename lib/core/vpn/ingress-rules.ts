import { COCKROACH_PORT, ClusterSpec } from '../topology';

/** The DNS port: remote clusters' DNS servers are queried across the link (DNS chaining). */
export const DNS_PORT = 53;

/** One allowed protocol/port set of an ingress rule. */
export interface IngressAllow {
  /** `tcp`, `udp` or `icmp`. */
  readonly protocol: 'tcp' | 'udp' | 'icmp';
  /** Ports (TCP/UDP); empty for ICMP (all types, so path-MTU "fragmentation needed" gets through). */
  readonly ports: readonly number[];
}

/** Ingress allowed into one side from the other side's CIDRs. */
export interface IngressPlan {
  /** Exactly the remote pod and node CIDRs (IPv4), in topology order, without duplicates. */
  readonly sourceCidrs: readonly string[];
  /** The allowed protocols and ports, identical for every source. */
  readonly allows: readonly IngressAllow[];
}

/**
 * The CIDRs traffic from a cluster originates from: its pod CIDRs and its node CIDRs (IPv4).
 * Service CIDRs are left out on purpose: ClusterIPs are not reachable from outside a cluster.
 */
export function clusterSourceCidrs(cluster: ClusterSpec): string[] {
  return [...(cluster.podCidrs ?? []), ...(cluster.nodeCidrs ?? [])].filter((c) => !c.includes(':'));
}

/**
 * The ingress rules for traffic from `remote` clusters: the database port(s), DNS over TCP
 * and UDP, and ICMP (path MTU discovery across the tunnel), from exactly the remote pod and
 * node CIDRs. The HTTP port 8080 is not opened by default: nodes talk to each other only on
 * 26257; add it to `ports` to reach the DB Console across the link.
 * @param remote the clusters on the other side
 * @param ports the database ports (default `[26257]`)
 */
export function planIngress(remote: readonly ClusterSpec[], ports: readonly number[] = [COCKROACH_PORT]): IngressPlan {
  const sourceCidrs = unique(remote.flatMap(clusterSourceCidrs));
  const tcpPorts = unique([...ports, DNS_PORT]);
  return {
    sourceCidrs,
    allows: [
      { protocol: 'tcp', ports: tcpPorts },
      { protocol: 'udp', ports: [DNS_PORT] },
      { protocol: 'icmp', ports: [] },
    ],
  };
}

/**
 * One AWS security-group ingress rule per (source CIDR, protocol, port): AWS rules take one
 * port range each, and cross-region peers cannot be referenced by security group, only by CIDR.
 * ICMP uses `fromPort = toPort = -1` (all types and codes).
 */
export interface AwsIngressRule {
  /** The source CIDR. */
  readonly cidrIpv4: string;
  /** `tcp`, `udp` or `icmp`. */
  readonly ipProtocol: 'tcp' | 'udp' | 'icmp';
  /** First port (or ICMP type; -1 = all). */
  readonly fromPort: number;
  /** Last port (or ICMP code; -1 = all). */
  readonly toPort: number;
  /** Rule description. */
  readonly description: string;
}

/** Expands an {@link IngressPlan} to AWS security-group rules. */
export function awsIngressRules(plan: IngressPlan): AwsIngressRule[] {
  const rules: AwsIngressRule[] = [];
  for (const cidr of plan.sourceCidrs) {
    for (const allow of plan.allows) {
      if (allow.protocol === 'icmp') {
        rules.push({ cidrIpv4: cidr, ipProtocol: 'icmp', fromPort: -1, toPort: -1, description: `crosscluster: ICMP (path MTU) from ${cidr}` });
        continue;
      }
      for (const port of allow.ports) {
        rules.push({
          cidrIpv4: cidr,
          ipProtocol: allow.protocol,
          fromPort: port,
          toPort: port,
          description: `crosscluster: ${allow.protocol}/${port} from ${cidr}`,
        });
      }
    }
  }
  return rules;
}

/** The GCP `Firewall.allows` entries for an {@link IngressPlan} (ports as strings, as the API wants). */
export function gcpFirewallAllows(plan: IngressPlan): Array<{ protocol: string; ports?: string[] }> {
  return plan.allows.map((a) => (a.ports.length > 0 ? { protocol: a.protocol, ports: a.ports.map(String) } : { protocol: a.protocol }));
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}
