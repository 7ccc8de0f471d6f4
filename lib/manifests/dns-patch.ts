import { mergeCorefile } from './corefile';
import { dnsForwardingData } from './dns';
import { ClusterPlan } from '../core/plan';

/**
 * The data keys a patch of the cluster DNS ConfigMap sets, for engines that patch the live
 * ConfigMap instead of owning it (Pulumi `ConfigMapPatch`): kube-dns gets `stubDomains`; AKS gets its
 * `coredns-custom` key; a self-managed CoreDNS gets its existing Corefile with the forwarding section
 * merged in (idempotent, everything outside the marked section kept). When no Corefile exists yet,
 * the complete default Corefile with the forwarding section is used.
 */
export function dnsPatchData(cluster: ClusterPlan, existingCorefile?: string): Record<string, string> {
  if (cluster.profile.dnsForwarding === 'corefile' && existingCorefile !== undefined && existingCorefile.trim() !== '') {
    return { Corefile: mergeCorefile(existingCorefile, cluster.dnsForwards) };
  }
  return dnsForwardingData(cluster);
}
