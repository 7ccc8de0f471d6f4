// NetworkPolicy semantics evaluated on live objects, independently of the renderers: which sources a
// pod admits on which port.
import { IPv4, IPv4CidrRange } from 'ip-num';
import { KubeResource } from './kube-client';

/**
 * NetworkPolicy semantics (Kubernetes docs, "Network Policies"), evaluated on live objects: a pod
 * selected by any Ingress policy admits a packet only if one rule of one such policy has a peer whose
 * ipBlock contains the source (minus `except`) and a port matching the destination (number, or the
 * name of a container port).
 */
export function admits(policies: readonly KubeResource[], pod: KubeResource, source: string, port: number): boolean {
  const selecting = policies.filter((p) => (p.spec.policyTypes ?? ['Ingress']).includes('Ingress')
    && Object.entries(p.spec.podSelector?.matchLabels ?? {}).every(([k, v]) => pod.metadata.labels?.[k] === v));
  if (selecting.length === 0) return true;
  const ip = IPv4.fromDecimalDottedString(source);
  const inBlock = (cidr: string) => {
    const range = IPv4CidrRange.fromCidr(cidr);
    return range.getFirst().isLessThanOrEquals(ip) && ip.isLessThanOrEquals(range.getLast());
  };
  const namedPorts = new Map<string, number>((pod.spec.containers as any[])
    .flatMap((c) => (c.ports ?? []).map((p: any) => [p.name, p.containerPort] as [string, number])));
  return selecting.some((policy) => (policy.spec.ingress ?? []).some((rule: any) => {
    const portOk = (rule.ports ?? [{}]).some((p: any) => p.port === undefined || (typeof p.port === 'number' ? p.port : namedPorts.get(p.port)) === port);
    const peerOk = (rule.from ?? [{ ipBlock: { cidr: '0.0.0.0/0' } }]).some((peer: any) => peer.ipBlock
      && inBlock(peer.ipBlock.cidr) && !(peer.ipBlock.except ?? []).some(inBlock));
    return portOk && peerOk;
  }));
}
