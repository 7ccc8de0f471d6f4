// What every accepted topology's output must satisfy, checked independently of the library's own
// helpers where Node has one (IP matching through net.BlockList), with the API server's name rules.
import { BlockList, isIP } from 'net';
import { SECRET_MARKER } from './hostile-arbitraries';
import { validateKubeObject } from './kube-schema';
import { allObjects, ClusterManifests, ClusterPlan, DeploymentPlan, KubeObject } from 'crosscluster';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_NAME = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
/**
 * The only objects the library may place in kube-system: the DNS chain's own (its load balancer,
 * or on GKE before mixed-protocol support one Service per protocol; the DNS ConfigMap it patches,
 * AKS's coredns-custom).
 */
const KUBE_SYSTEM_OBJECTS = new Set([
  'v1/Service/kube-dns-lb', 'v1/Service/kube-dns-lb-udp', 'v1/Service/kube-dns-lb-tcp',
  'v1/ConfigMap/kube-dns', 'v1/ConfigMap/coredns', 'v1/ConfigMap/coredns-custom',
]);

/** apimachinery IsDNS1123Subdomain: at most 253 in all; no per-label limit. */
function isSubdomain(name: string): boolean {
  return name.length <= 253 && name.split('.').every((l) => DNS1123_LABEL.test(l));
}

/** The API server's rules for metadata (apimachinery ValidateObjectMeta, name validation per kind). */
function metadataViolations(o: KubeObject): string[] {
  const out: string[] = [];
  const id = `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`;
  const name = o.metadata.name;
  const nameOk = o.kind === 'Service' ? name.length <= 63 && DNS1035_LABEL.test(name)
    : o.kind === 'Namespace' ? name.length <= 63 && DNS1123_LABEL.test(name) : isSubdomain(name);
  if (!nameOk) out.push(`${id}: invalid name`);
  if (o.metadata.namespace !== undefined && !(o.metadata.namespace.length <= 63 && DNS1123_LABEL.test(o.metadata.namespace))) out.push(`${id}: invalid namespace`);
  for (const [k, v] of Object.entries(o.metadata.labels ?? {})) {
    if (!LABEL_NAME.test(k) || typeof v !== 'string' || v.length > 63 || !LABEL_VALUE.test(v)) out.push(`${id}: invalid label ${k}=${v}`);
  }
  for (const [k, v] of Object.entries(o.metadata.annotations ?? {})) {
    if (typeof v !== 'string' || /[\n\r]/.test(v)) out.push(`${id}: annotation ${k} is not a one-line string`);
  }
  return out;
}

/** Node's own IP comparison: true when `a` and `b` are the same address in any spelling. */
function sameIp(a: string, b: string): boolean {
  const family = (ip: string) => (isIP(ip) === 6 ? 'ipv6' : 'ipv4');
  if (isIP(a) === 0 || isIP(b) === 0) return false;
  const list = new BlockList();
  list.addAddress(a, family(a));
  return list.check(b, family(b));
}

function coveredBy(address: string, sans: { dnsNames: readonly string[]; ipAddresses: readonly string[] }): boolean {
  // `[v6]:port` and `host:port` (join entries) or a bare host (advertise addresses; a bare IPv6 has several colons).
  const host = address.startsWith('[') ? address.slice(1, address.indexOf(']')) : address.split(':').length === 2 ? address.split(':')[0] : address;
  if (isIP(host) !== 0) return sans.ipAddresses.some((ip) => sameIp(ip, host));
  const name = host.toLowerCase();
  return sans.dnsNames.some((entry) => {
    const pattern = entry.toLowerCase();
    if (!pattern.startsWith('*.')) return pattern === name;
    const rest = name.slice(name.indexOf('.'));
    return name.indexOf('.') > 0 && rest === pattern.slice(1);
  });
}

/**
 * Load balancers are safe by default: each admits an allow-list, never everyone. The DNS load
 * balancer is one Service, or (GKE without mixed-protocol internal load balancers) a UDP and a TCP
 * Service that share one address, never both forms.
 */
function loadBalancerViolations(cluster: ClusterPlan, objects: readonly KubeObject[]): string[] {
  const out: string[] = [];
  const services = objects.filter((o) => o.kind === 'Service') as any[];
  for (const s of services.filter((x) => x.spec?.type === 'LoadBalancer')) {
    if (!(s.spec.loadBalancerSourceRanges?.length > 0)) out.push(`${cluster.name}: load balancer ${s.metadata.name} admits everyone`);
  }
  const dns = (name: string) => services.find((x) => x.metadata.namespace === 'kube-system' && x.metadata.name === name);
  const [one, udp, tcp] = [dns('kube-dns-lb'), dns('kube-dns-lb-udp'), dns('kube-dns-lb-tcp')];
  if (one && (udp || tcp)) out.push(`${cluster.name}: the DNS load balancer is both one Service and one per protocol`);
  if (Boolean(udp) !== Boolean(tcp)) out.push(`${cluster.name}: a DNS load-balancer Service for one protocol only`);
  if (udp && tcp) {
    const protocols = (x: any) => x.spec.ports.map((p: any) => p.protocol).join(',');
    if (protocols(udp) !== 'UDP' || protocols(tcp) !== 'TCP') out.push(`${cluster.name}: the per-protocol DNS Services carry ${protocols(udp)} and ${protocols(tcp)}`);
    const address = (x: any) => JSON.stringify([x.spec.loadBalancerIP, x.metadata.annotations?.['networking.gke.io/load-balancer-ip-addresses']]);
    if (address(udp) !== address(tcp)) out.push(`${cluster.name}: the per-protocol DNS Services do not share one address`);
  }
  return out;
}

/** The database NetworkPolicy: one per cluster, in its namespace, admitting every cluster's pod and node CIDRs on the RPC port. */
function networkPolicyViolations(plan: DeploymentPlan, cluster: ClusterPlan, objects: readonly KubeObject[]): string[] {
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy') as any[];
  if (policies.length !== 1) return [`${cluster.name}: ${policies.length} database NetworkPolicies`];
  const policy = policies[0];
  const out: string[] = [];
  if (policy.metadata.namespace !== cluster.namespace) out.push(`${cluster.name}: the NetworkPolicy is in ${policy.metadata.namespace}`);
  const rpc = (policy.spec.ingress ?? []).filter((rule: any) => (rule.ports ?? []).some((p: any) => p.port === plan.rpcPort));
  const admitted = new Set(rpc.flatMap((rule: any) => (rule.from ?? []).map((peer: any) => peer.ipBlock?.cidr)).filter(Boolean));
  for (const peer of plan.clusters) {
    for (const cidr of [...peer.podCidrs, ...peer.nodeCidrs]) {
      if (!admitted.has(cidr)) out.push(`${cluster.name}: the NetworkPolicy does not admit ${peer.name}'s ${cidr} on port ${plan.rpcPort}`);
    }
  }
  return out;
}

/** Every violation of the invariants by one accepted topology's plan and output; empty when all hold. */
export function invariantViolations(plan: DeploymentPlan, rendered: readonly ClusterManifests[]): string[] {
  const out: string[] = [];
  const joinLists = new Set<string>();
  let initJobs = 0;
  rendered.forEach((manifests, i) => {
    const cluster = plan.clusters[i];
    const objects = allObjects(manifests);
    const keys = new Set<string>();
    for (const o of objects) {
      try {
        validateKubeObject(o);
      } catch (e) {
        out.push((e as Error).message);
      }
      out.push(...metadataViolations(o));
      const key = `${o.apiVersion}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
      if (keys.has(key)) out.push(`${cluster.name}: ${key} is emitted twice`);
      keys.add(key);
      const ns = o.metadata.namespace;
      if (o.kind === 'Namespace' && (o.metadata.name.startsWith('kube-') || o.metadata.name === 'default')) out.push(`${cluster.name}: system Namespace ${o.metadata.name} emitted`);
      if (ns !== undefined && (ns.startsWith('kube-') || ns === 'default')) {
        if (ns !== 'kube-system' || !KUBE_SYSTEM_OBJECTS.has(`${o.apiVersion}/${o.kind}/${o.metadata.name}`)) out.push(`${cluster.name}: ${key} takes over a system namespace`);
      }
      if (ns !== undefined && ns !== 'kube-system' && ns !== cluster.namespace) out.push(`${cluster.name}: ${key} is outside the cluster's namespace`);
      const text = JSON.stringify(o);
      if (text.includes(SECRET_MARKER) || /PRIVATE KEY/.test(text)) out.push(`${cluster.name}: ${key} holds key material`);
      // The init Job, by its pods' component label (the multi-region SQL and day-2 Jobs are others).
      if (o.kind === 'Job' && (o as any).spec?.template?.metadata?.labels?.['app.kubernetes.io/component'] === 'init') initJobs++;
      if (o.kind === 'ConfigMap' && (o as any).data?.join !== undefined) joinLists.add((o as any).data.join);
      const pinnedV4 = (o.metadata.annotations ?? {})['service.beta.kubernetes.io/aws-load-balancer-private-ipv4-addresses'];
      if (pinnedV4 !== undefined && isIP(pinnedV4) !== 4) out.push(`${key}: IPv4-only annotation holds ${pinnedV4}`);
    }
    // DNS: never the local domain, never the own address, never a domain that covers the cluster's own names.
    for (const f of cluster.dnsForwards) {
      if (f.cluster === cluster.name) out.push(`${cluster.name} forwards to itself`);
      const own = cluster.clusterDomain.toLowerCase();
      const forwarded = f.domain.toLowerCase();
      if (own === forwarded || own.endsWith(`.${forwarded}`) || cluster.serviceDomain === forwarded || cluster.serviceDomain.endsWith(`.${forwarded}`)) out.push(`${cluster.name} forwards its own names (${f.domain})`);
      for (const server of f.servers) {
        if (isIP(server) === 0) out.push(`${cluster.name} forwards ${f.domain} to ${server}, not an IP`);
        if (cluster.dnsAddresses.some((address) => sameIp(server, address))) out.push(`${cluster.name} forwards ${f.domain} to its own DNS address ${server}`);
        if (/^127\.|^0\.|^::1?$|^255\./.test(server)) out.push(`${cluster.name} forwards to ${server}`);
      }
    }
    out.push(...loadBalancerViolations(cluster, objects));
    if (plan.networkPolicy?.enabled !== false) out.push(...networkPolicyViolations(plan, cluster, objects));
    if (cluster.clusterDomain.endsWith('.') || cluster.clusterDomain !== cluster.clusterDomain.toLowerCase()) out.push(`${cluster.name}: domain ${cluster.clusterDomain} is not canonical`);
    for (const san of cluster.nodeCertSans.dnsNames) if (san.endsWith('.')) out.push(`${cluster.name}: SAN ${san} has a trailing dot`);
    for (const pod of cluster.pods) {
      if (!coveredBy(pod.advertiseHost, cluster.nodeCertSans)) out.push(`${cluster.name}: ${pod.advertiseHost} not covered by SANs`);
    }
  });
  for (const entry of plan.joinAddresses) {
    if (!plan.clusters.some((c) => coveredBy(entry, c.nodeCertSans))) out.push(`join entry ${entry} is covered by no cluster's SANs`);
  }
  if (joinLists.size > 1) out.push('join lists differ between clusters');
  if (initJobs !== 1) out.push(`${initJobs} init Jobs`);
  return out;
}
