import { KubeObject, objectKey } from './kube-object';
import { allObjects, renderDeployment } from './render';
import { isPlaceholderIp, placeholderIp } from '../core/cidr';
import { Engine, TopologyInput } from '../core/input';
import { planDeployment } from '../core/plan';

/** `<cluster>:<apiVersion>/<kind>/<namespace>/<name>`: the identity of an object across the deployment. */
export function clusterObjectKey(cluster: string, object: KubeObject): string {
  return `${cluster}:${objectKey(object)}`;
}

/**
 * The objects whose content depends on addresses an engine learns at deploy time (load-balancer
 * addresses, DNS load-balancer IPs), as {@link clusterObjectKey}s. Found by rendering the topology
 * twice with two different sets of placeholder addresses: an object that renders the same both
 * times does not depend on any address, so an engine can create it before any address is known.
 */
export function addressDependentObjects(input: TopologyInput, engine?: Engine): ReadonlySet<string> {
  const first = planDeployment(input, { engine, placeholders: true });
  const podAddresses: Record<string, string[]> = {};
  const dnsAddresses: Record<string, string> = {};
  const joinAddresses: Record<string, string> = {};
  first.clusters.forEach((cluster, i) => {
    podAddresses[cluster.name] = cluster.pods.map((pod) => `probe-${pod.ordinal}.${cluster.name}.invalid`);
    // Only DNS addresses not known yet are probed: a known one (on AWS always known, one per subnet,
    // each inside its subnet) is final, and a probe in its place would break the cloud's rules.
    if (cluster.dnsAddresses.length === 0 || cluster.dnsAddresses.every(isPlaceholderIp)) dnsAddresses[cluster.name] = placeholderIp(1000 + i);
    // Join load balancers (pod IPs) not known yet: a probe name in place of the placeholder.
    if (cluster.joinLoadBalancer?.addresses.some((a) => a.endsWith('.invalid'))) joinAddresses[cluster.name] = `probe-join.${cluster.name}.invalid`;
  });
  const second = planDeployment(input, { engine, placeholders: true, resolved: { podAddresses, dnsAddresses, joinAddresses } });
  const firstObjects = renderDeployment(first);
  const secondObjects = renderDeployment(second);
  const dependent = new Set<string>();
  firstObjects.forEach((manifests, i) => {
    const other = new Map(allObjects(secondObjects[i]).map((o) => [objectKey(o), JSON.stringify(o)]));
    for (const object of allObjects(manifests)) {
      if (other.get(objectKey(object)) !== JSON.stringify(object)) dependent.add(clusterObjectKey(manifests.cluster, object));
    }
  });
  return dependent;
}
