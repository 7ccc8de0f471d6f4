// What Networking.podIps and Networking.hostNetwork change in the database pod template. Nothing
// here depends on an address or on the set of clusters: a pod reads its advertise address at start
// (its pod IP, or its node's listed address from the topology ConfigMap), so scaling a cluster or
// adding one changes ConfigMap data only.
import { KubeObject } from './kube-object';
import { selectorLabels } from './labels';
import {
  JOIN_LB_IPS_KEY, JOIN_LB_NAMES_KEY, NODE_CERT_VOLUME, podCertificateInitContainer, podCertificateRenewContainer,
} from './pod-certificates';
import { certsVolume } from './pod-parts';
import { CERTS_DIR } from './scripts';
import { isIpAddress } from '../core/cidr';
import { ClusterPlan, DeploymentPlan } from '../core/plan';
import { usesPodCertificates } from '../core/strategies/pod-ips';

/** Topology ConfigMap key with a listed node's address (`Networking.hostNetwork`). */
export function nodeAddressKey(nodeName: string): string {
  return `node-address.${nodeName}`;
}

/** What the direct-path strategies add to the topology ConfigMap: data only, never read by the template. */
export function directPathTopologyData(cluster: ClusterPlan): Record<string, string> {
  if (cluster.joinLoadBalancer) {
    const addresses = cluster.joinLoadBalancer.addresses;
    return {
      [JOIN_LB_IPS_KEY]: addresses.filter(isIpAddress).join(','),
      [JOIN_LB_NAMES_KEY]: addresses.filter((a) => !isIpAddress(a)).join(','),
    };
  }
  if (cluster.hostNetwork) return Object.fromEntries(cluster.hostNetwork.nodes.map((n) => [nodeAddressKey(n.name), n.address]));
  return {};
}

type Obj = Record<string, any>;

/** The StatefulSet with the pod template of the cluster's direct-path strategy (unchanged for the others). */
export function withDirectPath(plan: DeploymentPlan, cluster: ClusterPlan, statefulSet: KubeObject): KubeObject {
  if (!cluster.joinLoadBalancer && !cluster.hostNetwork) return statefulSet;
  const spec = statefulSet.spec as Obj;
  const pod: Obj = { ...spec.template.spec };
  const [database, ...others] = pod.containers as Obj[];
  const container: Obj = { ...database, env: [...database.env] };
  if (cluster.joinLoadBalancer) {
    container.env.push({ name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } });
    if (usesPodCertificates(plan)) {
      // The key pair comes from the pod's own Certificate into a memory volume where cockroach reads
      // it; the root client certificate and the CA stay in `certs`, copied next to it.
      pod.volumes = [
        ...(pod.volumes as Obj[]).map((v) => (v.name === 'certs' ? certsVolume(plan, cluster, false) : v)),
        { name: NODE_CERT_VOLUME, emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } },
      ];
      container.volumeMounts = (container.volumeMounts as Obj[]).map((m) => (m.name === 'certs' ? { name: NODE_CERT_VOLUME, mountPath: CERTS_DIR, readOnly: true } : m));
      pod.initContainers = [...pod.initContainers, podCertificateInitContainer(plan, cluster)];
      others.push(podCertificateRenewContainer(plan, cluster));
    }
  } else {
    const host = cluster.hostNetwork!;
    container.env.push(
      { name: 'HOST_IP', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } },
      { name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
    );
    // The node's ports: declared as host ports, so the scheduler never puts two of them on one node.
    container.ports = (container.ports as Obj[]).map((p) => ({ ...p, hostPort: p.containerPort }));
    pod.hostNetwork = true;
    // Cluster DNS stays reachable (the headless names, the public Service) on the node's network.
    pod.dnsPolicy = 'ClusterFirstWithHostNet';
    const placement = Object.entries(host.nodeSelector).map(([key, value]) => ({ key, operator: 'In', values: [value] }));
    const terms: Obj[] = pod.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [{ matchExpressions: [] }];
    pod.affinity = {
      // One database pod per node, never two: required, not preferred.
      podAntiAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [
          { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: selectorLabels(cluster) } },
        ],
      },
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: terms.map((t) => ({ ...t, matchExpressions: [...(t.matchExpressions ?? []), ...placement] })),
        },
      },
    };
    // The listed nodes decide the spread over zones; a spread constraint could only leave a pod pending.
    delete pod.topologySpreadConstraints;
  }
  pod.containers = [container, ...others];
  return { ...statefulSet, spec: { ...spec, template: { ...spec.template, spec: pod } } };
}
