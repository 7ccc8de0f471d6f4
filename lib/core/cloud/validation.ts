// Every check of the cloud profiles and of what the clouds' controllers accept, reported as problems
// with field paths before anything is created. Never throws, whatever the input.
import { eksSubnetsInOrder, findAwsAddressProblems, findEksProfileProblems } from './aws';
import { findAksProfileProblems } from './azure';
import { resolveCloudProfile } from './cloud-profile';
import { findGkeProfileProblems, gkeDnsProvider, gkeSupportsMixedProtocolInternal, GKE_MIXED_PROTOCOL_INTERNAL_MIN_VERSION } from './gcp';
import { findGenericProfileProblems } from './generic';
import { isIpAddress, parseCidr } from '../cidr';
import { Engine, TopologyInput } from '../input';
import { DatabaseClient } from '../network-policy-options';
import { Networking, PodAddress } from '../networking';
import { Problem, show } from '../problems';
import { Tls } from '../tls';
import { Cloud, ClusterSpec } from '../topology';
import { isList, ownValue } from '../validation/read';

type Add = (path: string, message: string) => void;

const PROFILE_OF_CLOUD: Record<Cloud, 'gke' | 'eks' | 'aks' | 'generic'> = { gcp: 'gke', aws: 'eks', azure: 'aks', generic: 'generic' };
const PROFILES = ['gke', 'eks', 'aks', 'generic'] as const;

function isCluster(c: unknown): c is ClusterSpec {
  return c !== null && typeof c === 'object' && typeof (c as ClusterSpec).name === 'string';
}

/**
 * The problems of the clusters' cloud profiles and of the load balancers, DNS forwarding and
 * NetworkPolicy the strategy asks of each cloud. Called once from `findTopologyProblems`. Without an
 * engine (a plain check, or `ClusterCerts`, which renders neither load balancers nor policies) only
 * the given values are checked, not what is missing for the objects the engines render.
 */
export function findCloudProblems(input: TopologyInput, engine?: Engine): Problem[] {
  const problems: Problem[] = [];
  const add: Add = (path, message) => problems.push({ path, message });
  const clusters: readonly ClusterSpec[] = Array.isArray(input?.clusters) ? input.clusters : [];
  clusters.forEach((cluster, i) => {
    if (isCluster(cluster)) checkProfile(cluster, `clusters[${i}]`, add);
  });
  const networking = input?.networking;
  if (!(networking instanceof Networking)) return problems;
  const valid = clusters.filter(isCluster);
  const multi = valid.length > 1;
  if (networking.dnsChain) checkDnsChain(input, valid, engine, add);
  if (networking.perPodLoadBalancers) checkPerPodLoadBalancers(input, valid, engine, add);
  checkNetworkPolicy(input, add);
  if (engine === undefined) return problems;
  // Allow-lists and the NetworkPolicy admit clusters by their CIDRs. Load balancers: per-pod ones
  // always (their own pods dial them too), DNS ones when there is a peer; unless an explicit list
  // replaces the derived one. The NetworkPolicy: when there is a peer and the policy is on.
  const policyOn = input.networkPolicy?.enabled !== false;
  const sourceRanges = (networking.options as { sourceRanges?: readonly string[] }).sourceRanges;
  const override = sourceRanges !== undefined;
  // A cluster set has no load balancer of the library's.
  const loadBalancers = networking.kind === 'perPodLoadBalancers' || (networking.kind === 'dnsChain' && multi);
  const forLoadBalancers = loadBalancers && !override;
  const forPolicy = multi && policyOn;
  if (override && Array.isArray(sourceRanges) && sourceRanges.length === 0) {
    add('networking.sourceRanges', 'an empty list admits everyone (Kubernetes reads no source ranges as no restriction): leave it out to derive the allow-list from the clusters\' CIDRs, or list the ranges');
  }
  if (forLoadBalancers || forPolicy) {
    const why = [
      ...(forPolicy ? ['the database NetworkPolicy'] : []),
      ...(forLoadBalancers ? ['the load-balancer allow-lists'] : []),
    ].join(' and ');
    const escape = [
      ...(forLoadBalancers ? ['networking.sourceRanges'] : []),
      ...(forPolicy ? ['networkPolicy: { enabled: false } if another engine guards the database pods'] : []),
    ].join(', and ');
    clusters.forEach((cluster, i) => {
      if (!isCluster(cluster)) return;
      for (const field of ['podCidrs', 'nodeCidrs'] as const) {
        if (!isList(cluster[field]) || cluster[field]!.length === 0) {
          add(`clusters[${i}].${field}`, `is required: ${why} admit each cluster by its pod and node CIDRs (give them, or set ${escape})`);
        }
      }
    });
  }
  return problems;
}

function checkProfile(cluster: ClusterSpec, at: string, add: Add): void {
  const own = typeof cluster.cloud === 'string' ? ownValue(PROFILE_OF_CLOUD, cluster.cloud) : undefined;
  for (const key of PROFILES) {
    const value = cluster[key];
    if (value === undefined) continue;
    if (key !== own) {
      add(`${at}.${key}`, `is for ${key === 'generic' ? "cloud 'generic'" : `cloud '${Object.keys(PROFILE_OF_CLOUD).find((c) => PROFILE_OF_CLOUD[c as Cloud] === key)}'`}, but this cluster is ${show(cluster.cloud)}: remove it${own ? ` (its profile is '${own}')` : ''}`);
      continue;
    }
    if (key === 'gke') findGkeProfileProblems(value as ClusterSpec['gke'] & object, `${at}.gke`, add);
    if (key === 'eks') findEksProfileProblems(value as ClusterSpec['eks'] & object, `${at}.eks`, add);
    if (key === 'aks') findAksProfileProblems(value as ClusterSpec['aks'] & object, `${at}.aks`, add);
    if (key === 'generic') findGenericProfileProblems(value as ClusterSpec['generic'] & object, `${at}.generic`, add);
  }
  if (cluster.cloud === 'azure' && cluster.dns === 'kube-dns') {
    add(`${at}.dns`, "AKS runs CoreDNS (custom forwarding goes into kube-system/coredns-custom): remove 'dns' or set 'coredns'");
  }
  if (cluster.cloud === 'gcp' && cluster.gke && typeof cluster.gke === 'object' && cluster.gke.dns === 'cloud-dns' && cluster.dns !== undefined) {
    add(`${at}.dns`, `${show(cluster.dns)} contradicts gke.dns 'cloud-dns', which runs no DNS pods: remove 'dns'`);
  }
  if (cluster.cloud === 'aws' && cluster.eks && isList(cluster.zones)) {
    const subnets = new Set(eksSubnetsInOrder(cluster.eks).map((s) => s.zone));
    if (subnets.size > 0) {
      cluster.zones.forEach((zone, j) => {
        if (!subnets.has(zone)) {
          add(`${at}.zones[${j}]`, `${show(zone)} has no subnet in eks.subnets: an NLB does not route to pods in an AZ it does not span; add the AZ's subnet or remove the zone`);
        }
      });
    }
  }
}

function dnsAddressList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

function checkDnsChain(input: TopologyInput, clusters: readonly ClusterSpec[], engine: Engine | undefined, add: Add): void {
  const options = input.networking.dnsChain!;
  if (options.internal !== undefined && options.internal !== true) {
    add('networking.internal', `${show(options.internal)}: cluster DNS must never face the internet; remove it (DNS load balancers are always internal, with an allow-list of the peers)`);
  }
  if (clusters.length < 2) return; // no peer: no DNS load balancer, no forwarding
  const addresses = (options.dnsAddresses ?? {}) as Record<string, unknown>;
  const tcpOnly = new Set(Array.isArray(options.tcpOnlyClusters) ? options.tcpOnlyClusters : []);
  // With a CoreDNS of the library's own, every cluster runs DNS pods of its own behind the load balancer,
  // and Cloud DNS forwards anything only when it is asked to ('cluster-dns').
  const own = options.ownCoredns !== undefined && options.ownCoredns !== null && typeof options.ownCoredns === 'object' ? options.ownCoredns : undefined;
  clusters.forEach((cluster, i) => {
    const at = `clusters[${i}]`;
    const profile = resolveCloudProfile(cluster);
    const path = `networking.dnsAddresses.${cluster.name}`;
    const given = addresses[cluster.name];
    const list = dnsAddressList(given);
    if (profile.dnsForwarding === 'cloud-dns-forwarding-zones' && (!own || own.resolvers === 'cluster-dns')) {
      if (engine === 'cdk8s') {
        add(`${at}.gke.dns`, "'cloud-dns' runs no kube-dns pods, so no ConfigMap can forward the other clusters' domains: Cloud DNS forwarding zones do, and they are cloud resources a manifest cannot create. "
          + 'Use crosscluster/pulumi (GkeCloudDnsForwarding creates them), or create one private forwarding zone per remote domain yourself '
          + '(gcloud dns managed-zones create --visibility=private --forwarding-targets=<remote DNS IPs> --private-forwarding-targets), or switch a Standard cluster to kube-dns (gcloud container clusters update --cluster-dns=default)'
          + (own ? '' : ", or let a CoreDNS of the library's own chain the clusters (ownCoredns: {}), which leaves Cloud DNS untouched"));
      }
      if (!own && given === undefined && engine !== undefined) {
        add(path, `clusters[${i}] uses Cloud DNS, which has no DNS pods behind a load balancer: give the addresses of its Cloud DNS inbound server policy (gcp.dns.Policy with enableInboundForwarding), which the other clusters forward to`);
      }
    }
    if (!profile.dnsPods && !own) {
      // Peers forward to the given inbound-policy addresses; the checks below do not apply.
    } else if (cluster.cloud === 'aws') {
      // An empty list and entries that are not IPs are refused by the general checks (lib/core/validation/networking.ts).
      if (given !== undefined && list.length > 0 && list.every((ip) => typeof ip === 'string' && isIpAddress(ip))) findAwsAddressProblems(cluster.eks, given, path, `${at}.eks`, add);
      else if (engine !== undefined && eksSubnetsInOrder(cluster.eks).length === 0) add(`${at}.eks.subnets`, 'are required: the DNS NLB spans every subnet, with one private IP each that the other clusters forward to');
    } else if (list.length > 1) {
      add(path, `${list.length} addresses: a DNS load balancer on ${show(cluster.cloud)} has one address (only an AWS NLB has one per subnet)`);
    } else if (engine === 'pulumi' && given === undefined && cluster.cloud === 'gcp' && !tcpOnly.has(cluster.name) && !gkeSupportsMixedProtocolInternal(cluster.gke)) {
      add(path, `clusters[${i}] is GKE without mixed-protocol internal load balancers (before ${GKE_MIXED_PROTOCOL_INTERNAL_MIN_VERSION} with subsetting), so its DNS load balancer is two Services, UDP and TCP, which must share one address: reserve an internal address with purpose SHARED_LOADBALANCER_VIP and give it here (or set gke.version and gke.subsetting if the cluster has both)`);
    }
    if (engine !== undefined && cluster.cloud === 'generic' && !profile.internalLoadBalancers) {
      add(`${at}.generic.privateLoadBalancers`, 'the DNS load balancer must be internal, and the library cannot make a load balancer internal on a generic cluster: set it to true if your implementation hands out private addresses only (e.g. MetalLB on a private pool), or use a cloud profile');
    }
  });
}

function checkPerPodLoadBalancers(input: TopologyInput, clusters: readonly ClusterSpec[], engine: Engine | undefined, add: Add): void {
  const options = input.networking.perPodLoadBalancers!;
  const internal = options.internal ?? true;
  if (options.internal !== undefined && typeof options.internal !== 'boolean') {
    add('networking.internal', `${show(options.internal)} must be true or false`);
  }
  if (!internal && input.tls instanceof Tls && !input.tls.secure) {
    add('networking.internal', 'internet-facing load balancers are refused with Tls.insecure(): anyone could join or read the database; use a secure Tls or internal load balancers');
  }
  const addresses = (options.addresses ?? {}) as Record<string, unknown>;
  clusters.forEach((cluster, i) => {
    const at = `clusters[${i}]`;
    const profile = resolveCloudProfile(cluster);
    if (engine !== undefined && internal && !profile.internalLoadBalancers) {
      add(`${at}.generic.privateLoadBalancers`, 'internal load balancers were asked for, and the library cannot make a load balancer internal on a generic cluster: set it to true if your implementation hands out private addresses only, or choose internet-facing ones explicitly with internal: false');
    }
    const list = addresses[cluster.name];
    if (!Array.isArray(list)) return;
    list.forEach((entry: unknown, j: number) => {
      if (entry === null || typeof entry !== 'object') {
        if (cluster.cloud === 'aws' && internal && typeof entry === 'string' && isIpAddress(entry)) {
          findAwsAddressProblems(cluster.eks, entry, `networking.addresses.${cluster.name}[${j}]`, `${at}.eks`, add);
        }
        return;
      }
      checkPodAddress(cluster, entry as PodAddress, internal, `networking.addresses.${cluster.name}[${j}]`, `${at}.eks`, add);
    });
  });
}

function checkPodAddress(cluster: ClusterSpec, pod: PodAddress, internal: boolean, path: string, eksPath: string, add: Add): void {
  const aws = cluster.cloud === 'aws';
  for (const field of ['awsSubnet', 'awsPrivateIps', 'awsEipAllocations'] as const) {
    if (pod[field] !== undefined && !aws) add(`${path}.${field}`, `is for AWS clusters; this one is ${show(cluster.cloud)}`);
  }
  if (pod.gcpAddressName !== undefined && cluster.cloud !== 'gcp') add(`${path}.gcpAddressName`, `is for GKE clusters; this one is ${show(cluster.cloud)}`);
  if (!aws) return;
  if (pod.awsSubnet !== undefined) {
    add(`${path}.awsSubnet`, "an NLB in one subnet cannot reach its pod when the pod runs in another AZ: remove it; every NLB spans all subnets of the cluster's eks.subnets (give its private IP per subnet in awsPrivateIps)");
  }
  const subnets = eksSubnetsInOrder(cluster.eks);
  if (internal) {
    const ips = pod.awsPrivateIps ?? (isIpAddress(pod.address) ? pod.address : undefined);
    if (pod.awsPrivateIps !== undefined && !Array.isArray(pod.awsPrivateIps)) {
      add(`${path}.awsPrivateIps`, `expected a list of IPs, got ${show(pod.awsPrivateIps)}`);
      return;
    }
    if (ips) findAwsAddressProblems(cluster.eks, ips, pod.awsPrivateIps ? `${path}.awsPrivateIps` : `${path}.address`, eksPath, add);
    // The pod advertises one of its NLB's IPs, or a name (a private DNS record) that resolves to them.
    if (pod.awsPrivateIps && isIpAddress(pod.address) && !pod.awsPrivateIps.includes(pod.address)) {
      add(`${path}.address`, `${show(pod.address)} is not one of awsPrivateIps: the pod advertises one of its NLB's addresses (or a DNS name that resolves to them)`);
    }
  } else {
    const eips = pod.awsEipAllocations ?? (pod.awsEipAllocation !== undefined ? [pod.awsEipAllocation] : undefined);
    if (eips && eips.length !== subnets.length) {
      add(`${path}.awsEipAllocations`, `${eips.length} Elastic IP allocation${eips.length === 1 ? '' : 's'} for ${subnets.length} subnets of eks.subnets: an internet-facing NLB needs exactly one per subnet, in AZ order`);
    }
  }
}

function checkNetworkPolicy(input: TopologyInput, add: Add): void {
  const policy = input.networkPolicy;
  if (policy === undefined) return;
  if (policy === null || typeof policy !== 'object') {
    add('networkPolicy', `expected { enabled?, clients? }, got ${show(policy)}`);
    return;
  }
  if (policy.enabled !== undefined && typeof policy.enabled !== 'boolean') add('networkPolicy.enabled', `${show(policy.enabled)} must be true or false`);
  if (policy.clients === undefined) return;
  if (!Array.isArray(policy.clients)) {
    add('networkPolicy.clients', `expected a list of clients, got ${show(policy.clients)}`);
    return;
  }
  policy.clients.forEach((client: DatabaseClient, i: number) => {
    const at = `networkPolicy.clients[${i}]`;
    if (client === null || typeof client !== 'object') {
      add(at, `expected { podSelector?, namespaceSelector? } or { cidr }, got ${show(client)}`);
      return;
    }
    if (client.cidr !== undefined) {
      const parsed = parseCidr(client.cidr);
      if (typeof parsed === 'string') add(`${at}.cidr`, parsed);
      if (client.podSelector !== undefined || client.namespaceSelector !== undefined) add(at, 'give either cidr or selectors, not both (a NetworkPolicy peer is one or the other)');
      return;
    }
    if (client.podSelector === undefined && client.namespaceSelector === undefined) {
      add(at, 'give podSelector and/or namespaceSelector, or cidr');
    }
    for (const field of ['podSelector', 'namespaceSelector'] as const) {
      const labels = client[field];
      if (labels === undefined) continue;
      if (labels === null || typeof labels !== 'object' || Array.isArray(labels)) {
        add(`${at}.${field}`, `expected labels { key: value }, got ${show(labels)}`);
        continue;
      }
      for (const [key, value] of Object.entries(labels)) {
        if (!/^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/.test(key)) add(`${at}.${field}`, `${show(key)} is not a label key`);
        if (typeof value !== 'string' || !/^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/.test(value)) add(`${at}.${field}.${key}`, `${show(value)} is not a label value`);
      }
    }
  });
}

/** True when a GKE cluster uses Cloud DNS (re-exported for the engines). */
export function usesCloudDns(cluster: ClusterSpec): boolean {
  return cluster.cloud === 'gcp' && gkeDnsProvider(cluster.gke) === 'cloud-dns';
}
