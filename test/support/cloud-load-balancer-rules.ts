// A stand-in for the clouds' load-balancer controllers, for the real-control-plane tier: given what
// is true of a cloud (its subnets, its GKE version, its reserved addresses) and a Service of type
// LoadBalancer, it says whether the real controller would provision it, and on which addresses.
//
// Written from the providers' documentation and controller behaviour, deliberately NOT from
// lib/core/cloud: a check of the library against its own rules proves nothing. The sources:
// - AWS Load Balancer Controller v2 docs, `guide/service/annotations.md` and `guide/service/nlb.md`;
//   its service model builder (private IPs are matched to subnets by containment; the counts must match);
//   ELB docs "Network Load Balancers — Availability Zones / cross-zone load balancing".
// - GKE docs "LoadBalancer Service parameters" (internal type, global access, reserved addresses,
//   mixed protocol: internal from 1.36.2-gke.1498000 with subsetting, external from 1.34.1),
//   "Internal passthrough Network Load Balancer" (shared IPs need purpose SHARED_LOADBALANCER_VIP).
// - cloud-provider-azure docs "LoadBalancer annotations" (internal, internal-subnet, ipv4/ipv6).
//
// The open-source controllers could not be run here instead: the Go module proxy serves no v2
// release of sigs.k8s.io/aws-load-balancer-controller (only v1.1.9, the ALB ingress controller of
// 2020, without NLB Services), and refuses k8s.io/ingress-gce and sigs.k8s.io/cloud-provider-azure
// (403), so none of their parsing code can be built on this machine.
import { IPv4, IPv4CidrRange } from 'ip-num';

/** A Kubernetes object as the tests handle it. */
export interface ServiceObject {
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly annotations?: Record<string, string> };
  readonly spec: {
    readonly type?: string;
    readonly selector?: Record<string, string>;
    readonly ports?: ReadonlyArray<{ readonly port: number; readonly protocol?: string }>;
    readonly loadBalancerIP?: string;
    readonly loadBalancerClass?: string;
    readonly loadBalancerSourceRanges?: readonly string[];
  };
}

/** A pod a Service selects: its labels and the zone of the node it runs on. */
export interface PodFacts {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly zone: string;
}

/** An AWS VPC subnet. */
export interface AwsSubnetFacts { readonly id: string; readonly zone: string; readonly cidr: string }

/** What is true of a cloud, as its controller sees it. */
export type CloudFacts =
  | {
    readonly cloud: 'aws';
    /** The VPC's CIDR blocks (an internal NLB without source ranges admits only these). */
    readonly vpcCidrs: readonly string[];
    /** Every subnet of the VPC the controller may discover or be given. */
    readonly subnets: readonly AwsSubnetFacts[];
  }
  | {
    readonly cloud: 'gcp';
    /** The control-plane version, e.g. '1.35.1-gke.1000000'. */
    readonly version: string;
    readonly subsetting: boolean;
    /** The cluster's node subnet (internal addresses come from it). */
    readonly subnetCidr: string;
    /** Reserved regional addresses by name. */
    readonly reservedAddresses?: Readonly<Record<string, { readonly address: string; readonly purpose?: 'GCE_ENDPOINT' | 'SHARED_LOADBALANCER_VIP' }>>;
    /** Services already provisioned (for address sharing). */
    readonly existing?: readonly ServiceObject[];
  }
  | {
    readonly cloud: 'azure';
    /** The VNet's subnets by name; the first is the cluster's node subnet. */
    readonly subnets: Readonly<Record<string, string>>;
  }
  | {
    readonly cloud: 'generic';
    /** The implementation's address pool. */
    readonly pool: readonly string[];
    /** The class the implementation answers to, if any. */
    readonly loadBalancerClass?: string;
  };

/** One address of a provisioned load balancer. */
export interface Ingress { readonly ip?: string; readonly hostname?: string }

/** The controller's verdict. */
export type Admission =
  | {
    readonly accepted: true;
    readonly ingress: readonly Ingress[];
    readonly internal: boolean;
    /** Who may connect (what the controller programs into the firewall or security group). */
    readonly sourceRanges: readonly string[];
    /** GKE internal without global access: clients in other regions are not served. */
    readonly regionalOnly?: boolean;
  }
  | { readonly accepted: false; readonly reason: string };

const refuse = (reason: string): Admission => ({ accepted: false, reason });

function inCidr(ip: string, cidr: string): boolean {
  try {
    return IPv4CidrRange.fromCidr(cidr).contains(IPv4CidrRange.fromCidr(`${IPv4.fromDecimalDottedString(ip).toString()}/32`));
  } catch {
    return false;
  }
}

function protocols(service: ServiceObject): Set<string> {
  return new Set((service.spec.ports ?? []).map((p) => p.protocol ?? 'TCP'));
}

function selected(service: ServiceObject, pods: readonly PodFacts[]): PodFacts[] {
  const selector = service.spec.selector ?? {};
  return pods.filter((p) => Object.entries(selector).every(([k, v]) => p.labels[k] === v));
}

function list(value: string | undefined): string[] {
  return value === undefined ? [] : value.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}

/**
 * Would the cloud's controller provision this Service, and on which addresses? For AWS and GKE
 * `pods` (the pods the Service selects, with their zones) also decides reachability: a load
 * balancer that cannot send to a selected pod is refused with the reason.
 */
export function admitLoadBalancer(facts: CloudFacts, service: ServiceObject, pods: readonly PodFacts[] = []): Admission {
  if (service.spec.type !== 'LoadBalancer') return refuse(`type ${service.spec.type ?? 'ClusterIP'} is not LoadBalancer`);
  switch (facts.cloud) {
    case 'aws': return admitAws(facts, service, pods);
    case 'gcp': return admitGke(facts, service);
    case 'azure': return admitAzure(facts, service);
    default: return admitGeneric(facts, service);
  }
}

function admitAws(facts: Extract<CloudFacts, { cloud: 'aws' }>, service: ServiceObject, pods: readonly PodFacts[]): Admission {
  const a = service.metadata.annotations ?? {};
  const key = (k: string) => a[`service.beta.kubernetes.io/aws-load-balancer-${k}`];
  const handled = key('type') === 'external' || service.spec.loadBalancerClass === 'service.k8s.aws/nlb';
  if (!handled) return refuse('not for the AWS Load Balancer Controller: aws-load-balancer-type is not "external" (the legacy in-tree controller would make a CLB/NLB with instance targets)');
  const targetType = key('nlb-target-type') ?? 'instance';
  if (targetType !== 'ip' && targetType !== 'instance') return refuse(`nlb-target-type ${targetType} is not ip or instance`);
  const scheme = key('scheme') ?? 'internal';
  if (scheme !== 'internal' && scheme !== 'internet-facing') return refuse(`scheme ${scheme} is not internal or internet-facing`);
  // Subnets: given ones resolved by id, else one discovered subnet per AZ.
  let subnets: AwsSubnetFacts[];
  const given = list(key('subnets'));
  if (given.length > 0) {
    subnets = [];
    for (const id of given) {
      const s = facts.subnets.find((x) => x.id === id);
      if (!s) return refuse(`subnet ${id} not found in the VPC`);
      if (subnets.some((x) => x.zone === s.zone)) return refuse(`subnets ${subnets.find((x) => x.zone === s.zone)!.id} and ${id} are both in ${s.zone}: one subnet per AZ`);
      subnets.push(s);
    }
  } else {
    const byZone = new Map<string, AwsSubnetFacts>();
    for (const s of facts.subnets) if (!byZone.has(s.zone)) byZone.set(s.zone, s);
    subnets = [...byZone.values()];
  }
  const privateIps = list(key('private-ipv4-addresses'));
  const eips = list(key('eip-allocations'));
  if (privateIps.length > 0) {
    if (scheme !== 'internal') return refuse('private-ipv4-addresses is for internal load balancers only');
    if (privateIps.length !== subnets.length) return refuse(`count of private-ipv4-addresses (${privateIps.length}) and subnets (${subnets.length}) must match`);
    for (const s of subnets) {
      if (!privateIps.some((ip) => inCidr(ip, s.cidr))) return refuse(`no private IPv4 address inside subnet ${s.id} (${s.cidr})`);
    }
  }
  if (eips.length > 0) {
    if (scheme !== 'internet-facing') return refuse('eip-allocations is for internet-facing load balancers only');
    if (eips.length !== subnets.length) return refuse(`count of EIP allocations (${eips.length}) and subnets (${subnets.length}) must match`);
  }
  const ports = service.spec.ports ?? [];
  const byPort = new Map<number, Set<string>>();
  for (const p of ports) byPort.set(p.port, new Set([...(byPort.get(p.port) ?? []), p.protocol ?? 'TCP']));
  // TCP and UDP on one port become one TCP_UDP listener; anything else on one port twice is a conflict.
  for (const [port, protos] of byPort) {
    if ([...protos].some((p) => p !== 'TCP' && p !== 'UDP')) return refuse(`port ${port}: protocol ${[...protos].join('+')} is not supported on an NLB`);
  }
  // Reachability: with IP targets an NLB only routes to targets in its AZs; without cross-zone, each
  // address only to targets in its own AZ.
  const crossZone = list(key('attributes')).includes('load_balancing.cross_zone.enabled=true');
  const zones = new Set(subnets.map((s) => s.zone));
  if (targetType === 'ip') {
    for (const pod of selected(service, pods)) {
      if (!zones.has(pod.zone)) return refuse(`pod ${pod.name} runs in ${pod.zone}, an AZ the NLB does not span (${[...zones].join(', ')}): registered but never sent traffic`);
      if (!crossZone && zones.size > 1) return refuse(`pod ${pod.name} is reachable only through the NLB address in ${pod.zone}: cross-zone load balancing is off`);
    }
  }
  const sourceRanges = service.spec.loadBalancerSourceRanges && service.spec.loadBalancerSourceRanges.length > 0
    ? [...service.spec.loadBalancerSourceRanges]
    : scheme === 'internal' ? [...facts.vpcCidrs] : ['0.0.0.0/0'];
  // The NLB reports its DNS name; its private IPs are the pinned ones (or allocated by AWS).
  return {
    accepted: true,
    internal: scheme === 'internal',
    sourceRanges,
    ingress: [{ hostname: `k8s-${service.metadata.namespace ?? 'default'}-${service.metadata.name}.elb.amazonaws.com` }],
  };
}

const GKE_VERSION = /^(\d+)\.(\d+)\.(\d+)-gke\.(\d+)$/;

function gkeAtLeast(version: string, minimum: string): boolean {
  const a = GKE_VERSION.exec(version);
  const b = GKE_VERSION.exec(minimum)!;
  if (!a) throw new Error(`facts.version ${version} is not a full GKE version`);
  for (let i = 1; i <= 4; i++) if (Number(a[i]) !== Number(b[i])) return Number(a[i]) > Number(b[i]);
  return true;
}

function admitGke(facts: Extract<CloudFacts, { cloud: 'gcp' }>, service: ServiceObject): Admission {
  const a = service.metadata.annotations ?? {};
  const byClass = service.spec.loadBalancerClass === 'networking.gke.io/l4-regional-internal';
  if (byClass && !(facts.subsetting && gkeAtLeast(facts.version, '1.33.1-gke.1779000'))) {
    return refuse('loadBalancerClass networking.gke.io/l4-regional-internal needs GKE 1.33.1-gke.1779000 and subsetting');
  }
  const internal = byClass || a['networking.gke.io/load-balancer-type'] === 'Internal' || a['cloud.google.com/load-balancer-type'] === 'Internal';
  const protos = protocols(service);
  if (protos.size > 1) {
    if (internal && !(facts.subsetting && gkeAtLeast(facts.version, '1.36.2-gke.1498000'))) {
      return refuse(`an internal load balancer with ${[...protos].join(' and ')} on one Service needs GKE 1.36.2-gke.1498000 with subsetting (cluster: ${facts.version}${facts.subsetting ? ', subsetting' : ''}): no load balancer is created`);
    }
    if (!internal && !gkeAtLeast(facts.version, '1.34.1-gke.0')) return refuse('an external mixed-protocol load balancer needs GKE 1.34.1');
  }
  const globalAccess = a['networking.gke.io/internal-load-balancer-allow-global-access'] === 'true';
  // The address: the reserved-address annotation, then spec.loadBalancerIP, then an ephemeral one.
  let ip: string | undefined;
  let shared = false;
  const names = list(a['networking.gke.io/load-balancer-ip-addresses']);
  if (names.length > 0) {
    const reserved = facts.reservedAddresses?.[names[0]];
    if (!reserved) return refuse(`reserved address ${names[0]} does not exist`);
    ip = reserved.address;
    shared = reserved.purpose === 'SHARED_LOADBALANCER_VIP';
  } else if (service.spec.loadBalancerIP) {
    ip = service.spec.loadBalancerIP;
    const reserved = Object.values(facts.reservedAddresses ?? {}).find((r) => r.address === ip);
    shared = reserved?.purpose === 'SHARED_LOADBALANCER_VIP';
  }
  if (ip !== undefined && internal && !inCidr(ip, facts.subnetCidr)) return refuse(`internal address ${ip} is outside the subnet ${facts.subnetCidr}`);
  if (ip !== undefined) {
    for (const other of facts.existing ?? []) {
      const otherIp = other.spec.loadBalancerIP ?? other.metadata.annotations?.['networking.gke.io/load-balancer-ip-addresses'];
      if (other.metadata.name === service.metadata.name && other.metadata.namespace === service.metadata.namespace) continue;
      if (otherIp !== ip && facts.reservedAddresses?.[otherIp ?? '']?.address !== ip) continue;
      if (!shared) return refuse(`address ${ip} is already used by ${other.metadata.namespace}/${other.metadata.name}; two Services share an address only when it is reserved with purpose SHARED_LOADBALANCER_VIP`);
      const clash = (other.spec.ports ?? []).some((p) => (service.spec.ports ?? []).some((q) => q.port === p.port && (q.protocol ?? 'TCP') === (p.protocol ?? 'TCP')));
      if (clash) return refuse(`address ${ip} already forwards the same protocol and port for ${other.metadata.name}`);
    }
  }
  return {
    accepted: true,
    internal,
    sourceRanges: service.spec.loadBalancerSourceRanges && service.spec.loadBalancerSourceRanges.length > 0 ? [...service.spec.loadBalancerSourceRanges] : ['0.0.0.0/0'],
    ingress: [{ ip: ip ?? (internal ? firstHost(facts.subnetCidr, 200) : '203.0.113.10') }],
    ...(internal && !globalAccess ? { regionalOnly: true } : {}),
  };
}

function firstHost(cidr: string, offset: number): string {
  const range = IPv4CidrRange.fromCidr(cidr);
  return IPv4.fromNumber(range.getFirst().getValue() + BigInt(offset)).toString();
}

function admitAzure(facts: Extract<CloudFacts, { cloud: 'azure' }>, service: ServiceObject): Admission {
  const a = service.metadata.annotations ?? {};
  const internal = a['service.beta.kubernetes.io/azure-load-balancer-internal'] === 'true';
  const subnetName = a['service.beta.kubernetes.io/azure-load-balancer-internal-subnet'] ?? Object.keys(facts.subnets)[0];
  if (a['service.beta.kubernetes.io/azure-load-balancer-internal-subnet'] !== undefined && !internal) {
    return refuse('azure-load-balancer-internal-subnet is only for internal load balancers');
  }
  const subnet = facts.subnets[subnetName];
  if (subnet === undefined) return refuse(`subnet ${subnetName} does not exist in the VNet`);
  const ip = a['service.beta.kubernetes.io/azure-load-balancer-ipv4'] ?? service.spec.loadBalancerIP;
  if (ip !== undefined && internal && !inCidr(ip, subnet)) return refuse(`private frontend IP ${ip} is outside subnet ${subnetName} (${subnet})`);
  return {
    accepted: true,
    internal,
    sourceRanges: service.spec.loadBalancerSourceRanges && service.spec.loadBalancerSourceRanges.length > 0 ? [...service.spec.loadBalancerSourceRanges] : ['0.0.0.0/0'],
    ingress: [{ ip: ip ?? (internal ? firstHost(subnet, 100) : '203.0.113.20') }],
  };
}

function admitGeneric(facts: Extract<CloudFacts, { cloud: 'generic' }>, service: ServiceObject): Admission {
  if (service.spec.loadBalancerClass !== undefined && service.spec.loadBalancerClass !== facts.loadBalancerClass) {
    return refuse(`no implementation answers to loadBalancerClass ${service.spec.loadBalancerClass}`);
  }
  const ip = service.spec.loadBalancerIP ?? facts.pool[0];
  if (ip === undefined) return refuse('the address pool is empty');
  if (!facts.pool.includes(ip)) return refuse(`${ip} is not in the address pool`);
  return { accepted: true, internal: false, sourceRanges: [...(service.spec.loadBalancerSourceRanges ?? [])], ingress: [{ ip }] };
}
