import { clusterDomainField, namespaceField } from './clusters';
import { CheckContext } from './context';
import { isDnsLabel, isDnsName } from './kubernetes-values';
import { show } from '../problems';

/** True when `inner` is `outer` or a name under it (label-wise, on canonical names). */
export function isWithinDomain(inner: string, outer: string): boolean {
  return inner === outer || inner.endsWith(`.${outer}`);
}

/**
 * With DNS chaining, every cluster forwards each other cluster's service domain
 * (`<namespace>.svc.<clusterDomain>`) to that cluster's DNS. The forwarding is loop-free only
 * when no forwarded domain contains a name the forwarding cluster answers itself: a forwarded
 * domain equal to or above another cluster's own domain (for example `b.clusterDomain:
 * 'a.svc.cluster.local'` next to a cluster `a` on `cluster.local`) would send that cluster's own
 * names away, and the other cluster would send them back. Names are compared case-insensitively
 * and without a trailing dot, as resolvers compare them. The check runs for every strategy: the
 * certificate SANs and the advertised names rely on the same domains.
 */
export function checkDnsDomains(context: CheckContext): void {
  // A cluster set forwards nothing: its names live in a zone of their own (checked in cluster-set.ts).
  if (context.snapshot.networking?.kind === 'clusterSet') return;
  const domains = context.snapshot.clusters.flatMap((cluster, i) => {
    if (!cluster) return [];
    const namespace = namespaceField(cluster);
    const domain = clusterDomainField(cluster);
    if (!isDnsLabel(namespace) || !isDnsName(domain)) return [];
    return [{ index: i, clusterDomain: domain as string, serviceDomain: `${namespace}.svc.${domain as string}` }];
  });
  for (const local of domains) {
    for (const remote of domains) {
      if (remote.index === local.index) continue;
      // The remote service domain is forwarded away by `local`: it must not cover anything `local` answers.
      if (isWithinDomain(local.clusterDomain, remote.serviceDomain)) {
        context.report(`clusters[${local.index}].clusterDomain`, `${show(local.clusterDomain)} lies within ${show(remote.serviceDomain)}, the service domain of clusters[${remote.index}]: this cluster would forward its own names to that cluster, which would forward them back (a DNS loop); use a cluster domain outside every other cluster's service domain`);
      } else if (isWithinDomain(local.serviceDomain, remote.serviceDomain)) {
        context.report(`clusters[${local.index}].namespace`, `the service domain ${show(local.serviceDomain)} lies within ${show(remote.serviceDomain)} of clusters[${remote.index}]: the clusters would forward each other's names in a loop`);
      }
    }
  }
}
