// GKE: the rules of its L4 load-balancer controller and of Cloud DNS, each with its source.
import { LoadBalancerRequest, LoadBalancerShape } from './load-balancer';
import { GkeDnsProvider, GkeProfile } from './profiles';
import { show } from '../problems';

/**
 * The first GKE version whose internal passthrough load balancer accepts UDP and TCP on one Service
 * (mixed protocol), and only with GKE subsetting. Before it, such a Service gets no load balancer at
 * all. Source: GKE docs, "LoadBalancer Service parameters", section "Mixed-protocol Services"
 * (internal: 1.36.2-gke.1498000 and later with subsetting; 1.34.1 to 1.36.2: external only).
 */
export const GKE_MIXED_PROTOCOL_INTERNAL_MIN_VERSION = '1.36.2-gke.1498000';

/**
 * Where Cloud DNS sends forwarded queries from: a forwarding target must admit this range, and the
 * network path back to it (VPN: advertise it from the Cloud Router). Source: Cloud DNS docs, "DNS
 * zones overview", section "Forwarding targets and routing methods" (source of requests 35.199.192.0/19).
 */
export const CLOUD_DNS_FORWARDING_SOURCE_RANGE = '35.199.192.0/19';

/** GKE internal passthrough load balancer. Source: GKE docs, "LoadBalancer Service parameters". */
export const GKE_LOAD_BALANCER_TYPE = 'networking.gke.io/load-balancer-type';
/**
 * Clients in other regions reach an internal load balancer only with global access. Source: GKE docs,
 * "LoadBalancer Service parameters", "Global access"; kubernetes/kubernetes#81555.
 */
export const GKE_GLOBAL_ACCESS = 'networking.gke.io/internal-load-balancer-allow-global-access';
/**
 * A reserved `compute.Address` by name; two Services can share one internal address reserved with
 * purpose `SHARED_LOADBALANCER_VIP`. Source: GKE docs, "LoadBalancer Service parameters", "Static IP
 * addresses"; precedence annotation > `spec.loadBalancerIP` in ingress-gce's L4 controller.
 */
export const GKE_RESERVED_ADDRESSES = 'networking.gke.io/load-balancer-ip-addresses';

/** A parsed GKE version: `1.36.2-gke.1498000` → [1, 36, 2, 1498000]. */
export type GkeVersion = readonly [number, number, number, number];

const GKE_VERSION = /^(\d+)\.(\d+)(?:\.(\d+)(?:-gke\.(\d+))?)?$/;

/**
 * Parses a GKE version (`1.36`, `1.36.2`, `1.36.2-gke.1498000`). A shorter form stands for the
 * lowest version it covers, so a feature is only assumed when every version it covers has it.
 */
export function parseGkeVersion(version: string): GkeVersion | undefined {
  const m = typeof version === 'string' ? GKE_VERSION.exec(version) : null;
  if (!m) return undefined;
  return [Number(m[1]), Number(m[2]), Number(m[3] ?? 0), Number(m[4] ?? 0)];
}

/** Negative when a < b, zero when equal, positive when a > b. */
export function compareGkeVersions(a: GkeVersion, b: GkeVersion): number {
  for (let i = 0; i < 4; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

/** True when the cluster's internal load balancers take UDP and TCP on one Service. */
export function gkeSupportsMixedProtocolInternal(profile: GkeProfile | undefined): boolean {
  const version = profile?.version === undefined ? undefined : parseGkeVersion(profile.version);
  return version !== undefined && profile?.subsetting === true &&
    compareGkeVersions(version, parseGkeVersion(GKE_MIXED_PROTOCOL_INTERNAL_MIN_VERSION)!) >= 0;
}

/** The GKE DNS provider. */
export function gkeDnsProvider(profile: GkeProfile | undefined): GkeDnsProvider {
  return profile?.dns ?? 'kube-dns';
}

/**
 * The GKE load balancer: internal with global access (clusters in other regions dial it), pinned by
 * reserved-address name or IP. A UDP+TCP load balancer is one Service where mixed protocol is
 * supported, else two Services (`-udp`, `-tcp`) sharing the one address.
 */
export function gkeLoadBalancer(profile: GkeProfile | undefined, request: LoadBalancerRequest): LoadBalancerShape {
  const annotations: Record<string, string> = {};
  if (request.internal) {
    annotations[GKE_LOAD_BALANCER_TYPE] = 'Internal';
    annotations[GKE_GLOBAL_ACCESS] = 'true';
  }
  if (request.gcpAddressName) annotations[GKE_RESERVED_ADDRESSES] = request.gcpAddressName;
  const mixed = request.protocols.length > 1;
  const oneService = !mixed || !request.internal || gkeSupportsMixedProtocolInternal(profile);
  return {
    services: oneService
      ? [{ nameSuffix: '', protocols: request.protocols }]
      : request.protocols.map((p) => ({ nameSuffix: `-${p.toLowerCase()}`, protocols: [p] })),
    annotations,
    loadBalancerIP: request.gcpAddressName ? undefined : request.addresses[0],
    addresses: request.addresses.slice(0, 1),
  };
}

/** Problems of a `gke` profile, each naming its field. */
export function findGkeProfileProblems(profile: GkeProfile, at: string, add: (path: string, message: string) => void): void {
  if (profile === null || typeof profile !== 'object') {
    add(at, `expected a GKE profile object, got ${show(profile)}`);
    return;
  }
  if (profile.version !== undefined && parseGkeVersion(profile.version) === undefined) {
    add(`${at}.version`, `${show(profile.version)} is not a GKE version such as '1.36.2-gke.1498000' (see currentMasterVersion of the cluster)`);
  }
  if (profile.dns !== undefined && profile.dns !== 'kube-dns' && profile.dns !== 'cloud-dns') {
    add(`${at}.dns`, `${show(profile.dns)} is not one of 'kube-dns', 'cloud-dns'`);
  }
  if (profile.subsetting !== undefined && typeof profile.subsetting !== 'boolean') {
    add(`${at}.subsetting`, `${show(profile.subsetting)} must be true or false`);
  }
}
