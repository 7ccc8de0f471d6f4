// The kube-system DNS objects each managed flavour ships, created with the field managers the real
// platforms use, so an apply over them meets what it would meet on the real cluster:
//   gke-kube-dns   kube-dns Deployment + Service and an empty `kube-dns` ConfigMap, created by GKE's
//                  addon manager (EnsureExists: users own the data).
//   eks-coredns    the EKS CoreDNS add-on: Deployment, Service and the `coredns` ConfigMap, server-side
//                  applied by the field manager `eks` (as measured on EKS: an apply over it conflicts
//                  with "eks" on .data.Corefile).
//   aks-coredns    AKS: `coredns` reconciled by the addon manager (edits are reverted) and the
//                  `coredns-custom` ConfigMap users put `<name>.server` keys into (imported by the Corefile).
//   kubeadm        a plain kubeadm cluster's CoreDNS.
import { KubeClient, resourcePath } from './kube-client';

/** A managed DNS flavour. */
export type DnsFlavour = 'gke-kube-dns' | 'eks-coredns' | 'aks-coredns' | 'kubeadm';

const NS = 'kube-system';

/** The default EKS add-on / kubeadm Corefile. */
export const DEFAULT_COREFILE = `.:53 {
    errors
    health {
        lameduck 5s
      }
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
      pods insecure
      fallthrough in-addr.arpa ip6.arpa
    }
    prometheus :9153
    forward . /etc/resolv.conf
    cache 30
    loop
    reload
    loadbalance
}
`;

/** AKS's Corefile: it imports the user's server blocks from the `coredns-custom` ConfigMap. */
export const AKS_COREFILE = `.:53 {
    errors
    ready
    health {
      lameduck 5s
    }
    kubernetes cluster.local in-addr.arpa ip6.arpa {
      pods insecure
      fallthrough in-addr.arpa ip6.arpa
      ttl 30
    }
    prometheus :9153
    forward . /etc/resolv.conf
    cache 30
    loop
    reload
    loadbalance
    import custom/*.override
}
import custom/*.server
`;

/** The DNS ConfigMaps of one flavour as shipped (name -> data). */
export function shippedDnsConfigMaps(flavour: DnsFlavour): Record<string, Record<string, string>> {
  switch (flavour) {
    case 'gke-kube-dns': return { 'kube-dns': {} };
    case 'aks-coredns': return { 'coredns': { Corefile: AKS_COREFILE }, 'coredns-custom': {} };
    default: return { coredns: { Corefile: DEFAULT_COREFILE } };
  }
}

/** The field manager that owns the shipped objects on each platform. */
export function dnsFieldManager(flavour: DnsFlavour): string {
  switch (flavour) {
    case 'eks-coredns': return 'eks';
    case 'gke-kube-dns': return 'kube-addon-manager';
    case 'aks-coredns': return 'addon-manager';
    default: return 'kubeadm';
  }
}

/** Creates the flavour's kube-system DNS objects, each with the platform's field manager. */
export async function installManagedDns(cluster: { client: KubeClient; spec: { serviceCidr: string } }, flavour: DnsFlavour): Promise<void> {
  const client = cluster.client;
  const manager = dnsFieldManager(flavour);
  const deploymentName = flavour === 'gke-kube-dns' ? 'kube-dns' : 'coredns';
  const labels = { 'k8s-app': 'kube-dns', ...(flavour === 'aks-coredns' ? { 'addonmanager.kubernetes.io/mode': 'Reconcile' } : {}) };
  const objects: { path: string; object: Record<string, unknown> }[] = [];
  for (const [name, data] of Object.entries(shippedDnsConfigMaps(flavour))) {
    const mode = name === 'coredns' && flavour === 'aks-coredns' ? 'Reconcile' : 'EnsureExists';
    objects.push({
      path: resourcePath('v1', 'configmaps', NS, name),
      object: {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name, namespace: NS, labels: flavour === 'kubeadm' ? {} : { 'addonmanager.kubernetes.io/mode': mode } },
        data,
      },
    });
  }
  objects.push({
    path: resourcePath('apps/v1', 'deployments', NS, deploymentName),
    object: {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: deploymentName, namespace: NS, labels },
      spec: {
        replicas: 2,
        selector: { matchLabels: { 'k8s-app': 'kube-dns' } },
        template: {
          metadata: { labels: { 'k8s-app': 'kube-dns' } },
          spec: {
            containers: [{
              name: deploymentName === 'kube-dns' ? 'kubedns' : 'coredns',
              image: deploymentName === 'kube-dns' ? 'registry.k8s.io/dns/k8s-dns-kube-dns:1.23.0' : 'registry.k8s.io/coredns/coredns:v1.11.3',
              ports: [{ name: 'dns', containerPort: 53, protocol: 'UDP' }, { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' }],
            }],
          },
        },
      },
    },
  });
  objects.push({
    path: resourcePath('v1', 'services', NS, 'kube-dns'),
    object: {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'kube-dns', namespace: NS, labels },
      spec: {
        selector: { 'k8s-app': 'kube-dns' },
        clusterIP: tenthAddress(cluster.spec.serviceCidr),
        ports: [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53, protocol: 'TCP' }],
      },
    },
  });
  for (const { path, object } of objects) {
    if (flavour === 'eks-coredns') {
      await client.apply(path, object, manager);
    } else {
      const collection = path.slice(0, path.lastIndexOf('/'));
      await client.request('POST', `${collection}?fieldManager=${manager}`, object);
    }
  }
}

/** The managed DNS state that a teardown must give back: the ConfigMaps' data and the kube-system Services. */
export async function snapshotManagedDns(client: KubeClient): Promise<{ configMaps: Record<string, unknown>; services: string[] }> {
  const configMaps: Record<string, unknown> = {};
  for (const cm of await client.list(resourcePath('v1', 'configmaps', NS))) {
    if (cm.metadata.name === 'kube-root-ca.crt' || cm.metadata.name.startsWith('extension-apiserver')) continue;
    configMaps[cm.metadata.name] = cm.data ?? {};
  }
  const services = (await client.list(resourcePath('v1', 'services', NS))).map((s) => s.metadata.name).sort();
  return { configMaps, services };
}

/** The `.10` address of a service CIDR, where clusters put their DNS Service. */
function tenthAddress(cidr: string): string {
  const [base] = cidr.split('/');
  const octets = base.split('.').map(Number);
  octets[3] = 10;
  return octets.join('.');
}

/**
 * The addon manager of GKE and AKS, as far as the DNS ConfigMaps go (kubernetes/cluster/addons/addon-manager):
 * an object labelled `addonmanager.kubernetes.io/mode: EnsureExists` is re-created when it is missing and
 * otherwise left to its users; one labelled `Reconcile` is put back to the shipped content whenever it differs.
 * EKS runs no such loop (its add-on writes the ConfigMap on install and update only), nor does kubeadm.
 */
export class AddonManager {
  private running = true;
  private readonly loop: Promise<void>;

  constructor(private readonly clusters: readonly { client: KubeClient; flavour: DnsFlavour }[], private readonly periodMs = 1_000) {
    this.loop = this.run();
  }

  public async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  /** One pass over every cluster (also called by tests to make the reconcile happen now). */
  public async reconcileOnce(): Promise<void> {
    for (const { client, flavour } of this.clusters) {
      if (flavour !== 'gke-kube-dns' && flavour !== 'aks-coredns') continue;
      const manager = dnsFieldManager(flavour);
      for (const [name, data] of Object.entries(shippedDnsConfigMaps(flavour))) {
        const reconcile = flavour === 'aks-coredns' && name === 'coredns';
        const path = resourcePath('v1', 'configmaps', NS, name);
        const live = await client.find(path);
        const object = {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name, namespace: NS, labels: { 'addonmanager.kubernetes.io/mode': reconcile ? 'Reconcile' : 'EnsureExists' } },
          data,
        };
        if (!live) {
          await client.request('POST', `${resourcePath('v1', 'configmaps', NS)}?fieldManager=${manager}`, object);
        } else if (reconcile && JSON.stringify(live.data ?? {}) !== JSON.stringify(data)) {
          await client.request('PUT', `${path}?fieldManager=${manager}`, { ...object, metadata: { ...object.metadata, resourceVersion: live.metadata.resourceVersion } });
        }
      }
    }
  }

  private async run(): Promise<void> {
    while (this.running) {
      await this.reconcileOnce().catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, this.periodMs));
    }
  }
}

/**
 * `aws eks update-addon --addon-name coredns --configuration-values <json> --resolve-conflicts OVERWRITE`,
 * as the EKS add-on manager carries it out on the cluster: it server-side applies its Corefile (the
 * `corefile` of the configuration, or its own default without one) as the field manager `eks`, taking
 * the field from any other manager.
 */
export async function eksUpdateAddon(client: KubeClient, configurationValues: string): Promise<void> {
  const values = JSON.parse(configurationValues) as { corefile?: string };
  await client.apply(resourcePath('v1', 'configmaps', NS, 'coredns'), {
    apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'coredns', namespace: NS }, data: { Corefile: values.corefile ?? DEFAULT_COREFILE },
  }, 'eks', true);
}
