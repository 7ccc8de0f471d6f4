import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { DnsAddressInput, ingressAddress, pendingDnsAddresses, resolveDnsAddresses } from './address-inputs';
import { PulumiClusterSpec, toClusterSpecs } from './cluster-spec';
import { registerKubeObject } from './kube-resource';
import { loadBalancerTimeoutProblems, loadBalancerTimeouts } from './load-balancer-timeout';
import { WAIT_FOR_INGRESS } from './per-pod-load-balancers';
import { requireArgs, validatePulumiTopology } from './validation';
import { isIpAddress } from '../core/cidr';
import { TopologyInput } from '../core/input';
import { DatabaseNetworkPolicyOptions } from '../core/network-policy-options';
import { Networking } from '../core/networking';
import { planDeployment } from '../core/plan';
import { OwnCorednsOptions } from '../core/strategies/own-coredns';
import { Tls } from '../core/tls';
import { ownValue } from '../core/validation/read';
import { dnsConfigMapName, DNS_NAMESPACE, eksAddonConfiguration, renderDnsLoadBalancers } from '../manifests/dns';
import { dnsPatchData } from '../manifests/dns-patch';
import { KubeObject, objectKey } from '../manifests/kube-object';
import { renderOwnCoredns, renderOwnCorednsLoadBalancers, renderOwnCorefile } from '../manifests/own-coredns';

/** Annotation that lets the DNS patch take the keys it sets from another field manager. */
export const PATCH_FORCE = { 'pulumi.com/patchForce': 'true' } as const;

/** Arguments of {@link DnsChain}. */
export interface DnsChainArgs {
  /** The clusters, each with its provider. Their namespaces are the forwarded domains. */
  readonly clusters: readonly PulumiClusterSpec[];
  /**
   * The static IP(s) of each cluster's DNS load balancer, by cluster name (may be outputs, e.g. a
   * reserved internal address). AWS: one plain IP per subnet of `eks.subnets`, in AZ order. GKE Cloud
   * DNS: the cluster's Cloud DNS inbound server-policy addresses. A missing one is read from the
   * Service's status where the cloud reports an IP.
   * @default {}
   */
  readonly dnsAddresses?: Readonly<Record<string, DnsAddressInput>>;
  /**
   * Must stay `true`: cluster DNS never faces the internet.
   * @default true
   */
  readonly internal?: boolean;
  /**
   * Clusters whose DNS load balancer answers on TCP only; CoreDNS forwards to them with `force_tcp`.
   * @default []
   */
  readonly tcpOnlyClusters?: readonly string[];
  /**
   * `loadBalancerSourceRanges` of the DNS load balancers, replacing the derived allow-list.
   * @default - the peers' pod and node CIDRs
   */
  readonly sourceRanges?: readonly string[];
  /**
   * How long `pulumi up` waits for the cloud to give each load balancer its address (a Pulumi
   * duration such as '10m'). A load balancer the cloud refuses fails the update after this.
   * @default '15m'
   */
  readonly loadBalancerTimeout?: string;
  /**
   * A CoreDNS of the library's own in every cluster's database namespace does the chaining; see
   * `DnsChainOptions.ownCoredns` and docs/cluster-set.md.
   * @default - the cluster DNS itself is exposed and forwards
   */
  readonly ownCoredns?: OwnCorednsOptions;
  /**
   * Base name of the database's objects (its StatefulSet); the own CoreDNS is named and restricted after it.
   * @default 'cockroachdb'
   */
  readonly name?: string;
  /**
   * Per cluster name, the resource that creates the database namespace when the same program creates it;
   * the own CoreDNS's objects wait for it.
   * @default - the namespaces exist already
   */
  readonly namespaces?: Readonly<Record<string, pulumi.Resource>>;
  /**
   * With `ownCoredns`: the NetworkPolicy options of the database, which the own CoreDNS's policy follows.
   * @default - a NetworkPolicy in front of the own CoreDNS
   */
  readonly networkPolicy?: DatabaseNetworkPolicyOptions;
}

/** One remote domain a cluster forwards, with the addresses it forwards to. */
export interface DnsForwardOutput {
  /** The remote cluster. */
  readonly cluster: string;
  /** `<namespace>.svc.<clusterDomain>` of the remote cluster. */
  readonly domain: string;
  /** The remote DNS load balancer's IPs. */
  readonly servers: pulumi.Output<string[]>;
}

/**
 * DNS chaining: an internal load balancer in front of every cluster's DNS pods (admitting the peers
 * only), then in every other cluster the forwarding of that cluster's `<namespace>.svc.<clusterDomain>`
 * to it, as the cluster's cloud profile says: kube-dns `stubDomains` and a self-managed CoreDNS's
 * Corefile through `ConfigMapPatch` (a marked section merged into the live Corefile), AKS through
 * `coredns-custom`. Two kinds of cluster get their forwarding from cloud resources instead, fed by
 * this component's outputs: the EKS CoreDNS add-on (`EksCorednsAddon` with `eksAddonConfigurations`)
 * and GKE Cloud DNS (`GkeCloudDnsForwarding` with `cloudDnsForwards`). The cluster's DNS ConfigMap
 * is never overwritten.
 *
 * With `ownCoredns`, a CoreDNS of the library's own in each database namespace does the chaining: its
 * load balancer is the one pinned to `dnsAddresses`, its Corefile follows the other clusters' addresses
 * as they resolve, and the cluster DNS gets at most one forwarding entry per remote domain (none with
 * `resolvers: 'database-pods'`).
 */
export class DnsChain extends pulumi.ComponentResource {
  /** Per cluster name, the IP(s) of its DNS load balancer. */
  public readonly dnsAddresses: pulumi.Output<Record<string, string[]>>;
  /** Per cluster name, the DNS load-balancer Services (two on GKE before mixed-protocol support, none on Cloud DNS). */
  public readonly services: Readonly<Record<string, readonly k8s.core.v1.Service[]>>;
  /** Per cluster name, the patch of its DNS ConfigMap, for the clusters forwarded through a ConfigMap. */
  public readonly patches: Readonly<Record<string, k8s.core.v1.ConfigMapPatch>>;
  /** Per EKS cluster whose CoreDNS is the add-on: the add-on's `configurationValues` (for `EksCorednsAddon`). */
  public readonly eksAddonConfigurations: Readonly<Record<string, pulumi.Output<string>>>;
  /** Per GKE Cloud DNS cluster: the domains it forwards and where (for `GkeCloudDnsForwarding`). */
  public readonly cloudDnsForwards: Readonly<Record<string, readonly DnsForwardOutput[]>>;
  /** Per cluster name, with `ownCoredns`: the CoreDNS of the library's own, every object but its load balancer (in `services`). */
  public readonly servers: Readonly<Record<string, readonly pulumi.CustomResource[]>>;

  constructor(name: string, args: DnsChainArgs, opts?: pulumi.ComponentResourceOptions) {
    requireArgs(args, 'DnsChain');
    const topology = dnsTopology(args, pendingDnsAddresses(args.dnsAddresses));
    validatePulumiTopology(topology, args.clusters, 'pulumi', loadBalancerTimeoutProblems(args.loadBalancerTimeout));
    const skeleton = planDeployment(topology, { engine: 'pulumi', placeholders: true });
    super('crosscluster:index:DnsChain', name, {}, opts);

    const reserved = resolveDnsAddresses(args.dnsAddresses);
    // The Services are pinned to reserved IPs only, never to the IP they report themselves.
    const servicePlan = reserved.apply((a) => planDeployment(dnsTopology(args, a), { engine: 'pulumi', placeholders: true }));
    // The cluster DNS's load balancer, or the own CoreDNS's (in the database namespace).
    const loadBalancersOf = (p: typeof skeleton, c: typeof skeleton.clusters[number]) =>
      [...renderDnsLoadBalancers(p, c), ...renderOwnCorednsLoadBalancers(p, c)];
    const rendered = servicePlan.apply((p) => p.clusters.map((c) => new Map(loadBalancersOf(p, c).map((o) => [objectKey(o), o]))));
    const namespaceOf = (cluster: string): pulumi.Resource[] => {
      const namespace = ownValue(args.namespaces, cluster);
      return namespace ? [namespace] : [];
    };
    const services: Record<string, k8s.core.v1.Service[]> = {};
    const addresses: Record<string, pulumi.Output<string[]>> = {};
    skeleton.clusters.forEach((cluster, i) => {
      services[cluster.name] = loadBalancersOf(skeleton, cluster).map((object) =>
        registerKubeObject(`${name}-${cluster.name}-${object.metadata.name}`, {
          skeleton: object,
          live: rendered.apply((r) => findObject(r[i], objectKey(object))),
          // The DNS pods are ready long before: wait for the controller to give the address only,
          // and for a bounded time (the address proves the cloud accepted the load balancer).
          engineAnnotations: WAIT_FOR_INGRESS,
        }, {
          parent: this,
          provider: args.clusters[i].provider,
          deleteBeforeReplace: true,
          customTimeouts: loadBalancerTimeouts(args.loadBalancerTimeout),
          dependsOn: object.metadata.namespace === DNS_NAMESPACE ? [] : namespaceOf(cluster.name),
        }) as k8s.core.v1.Service);
      const given = ownValue(args.dnsAddresses, cluster.name);
      if (given !== undefined) {
        addresses[cluster.name] = pulumi.output(given as pulumi.Input<string>).apply((v) => (Array.isArray(v) ? [...v] : [v]));
      } else if (services[cluster.name].length > 0) {
        addresses[cluster.name] = services[cluster.name][0].status.apply((status) => {
          const address = ingressAddress(status);
          if (!address || !isIpAddress(address)) {
            throw new Error(`crosscluster: the DNS load balancer of cluster '${cluster.name}' reports ${address ? `the hostname '${address}'` : 'no address'}; DNS servers forward to IPs only: set dnsAddresses.${cluster.name}`);
          }
          return [address];
        });
      } else {
        addresses[cluster.name] = pulumi.output([]);
      }
    });
    this.services = services;
    this.dnsAddresses = pulumi.all(addresses);

    const plan = this.dnsAddresses.apply((a) => planDeployment(dnsTopology(args, a), { engine: 'pulumi' }));
    this.servers = this.registerServers(name, args, skeleton, plan, namespaceOf);
    const patches: Record<string, k8s.core.v1.ConfigMapPatch> = {};
    const addonConfigurations: Record<string, pulumi.Output<string>> = {};
    const cloudDnsForwards: Record<string, DnsForwardOutput[]> = {};
    skeleton.clusters.forEach((cluster, i) => {
      if (cluster.dnsForwards.length === 0) return;
      const method = cluster.profile.dnsForwarding;
      if (method === 'eks-coredns-addon') {
        addonConfigurations[cluster.name] = plan.apply((p) => eksAddonConfiguration(p.clusters[i])!);
        void pulumi.log.info(`crosscluster: cluster '${cluster.name}' runs the EKS CoreDNS add-on, which owns kube-system/coredns: `
          + `its forwarding takes effect once the add-on carries dnsChain.eksAddonConfigurations['${cluster.name}'] `
          + '(new EksCorednsAddon(...)), or set eks.corednsAddon: false for a self-managed CoreDNS', this);
        return;
      }
      if (method === 'cloud-dns-forwarding-zones') {
        void pulumi.log.info(`crosscluster: cluster '${cluster.name}' uses GKE Cloud DNS: its forwarding takes effect once `
          + `GkeCloudDnsForwarding creates the zones from dnsChain.cloudDnsForwards['${cluster.name}']`, this);
        cloudDnsForwards[cluster.name] = cluster.dnsForwards.map((f, k) => ({
          cluster: f.cluster,
          domain: f.domain,
          servers: plan.apply((p) => [...p.clusters[i].dnsForwards[k].servers]),
        }));
        return;
      }
      const provider = args.clusters[i].provider;
      const configMap = dnsConfigMapName(cluster)!;
      let data: pulumi.Output<Record<string, string>>;
      if (method === 'corefile') {
        // Read the live Corefile so the patch keeps every customization outside its own section.
        const existing = k8s.core.v1.ConfigMap.get(`${name}-${cluster.name}-${configMap}-current`, `${DNS_NAMESPACE}/${configMap}`, {
          parent: this,
          provider,
        });
        data = pulumi.all([plan, existing.data]).apply(([p, d]) => dnsPatchData(p.clusters[i], d?.Corefile));
      } else {
        data = plan.apply((p) => dnsPatchData(p.clusters[i]));
      }
      patches[cluster.name] = new k8s.core.v1.ConfigMapPatch(`${name}-${cluster.name}-${configMap}`, {
        metadata: { name: configMap, namespace: DNS_NAMESPACE, annotations: { ...PATCH_FORCE } },
        data,
      }, {
        parent: this,
        provider,
        // Deleting the patch would take the Corefile key with it and break the cluster's DNS.
        retainOnDelete: method === 'corefile',
      });
    });
    this.patches = patches;
    this.eksAddonConfigurations = addonConfigurations;
    this.cloudDnsForwards = cloudDnsForwards;
    this.registerOutputs({ dnsAddresses: this.dnsAddresses });
  }

  /**
   * The own CoreDNS of every cluster, but its load balancer: the configuration first (RBAC, the
   * Corefile, rendered from the plan whose addresses have resolved), then the Deployment and the rest.
   * The set of objects comes from the skeleton: it never depends on an address.
   */
  private registerServers(
    name: string,
    args: DnsChainArgs,
    skeleton: ReturnType<typeof planDeployment>,
    plan: pulumi.Output<ReturnType<typeof planDeployment>>,
    namespaceOf: (cluster: string) => pulumi.Resource[],
  ): Record<string, pulumi.CustomResource[]> {
    const servers: Record<string, pulumi.CustomResource[]> = {};
    skeleton.clusters.forEach((cluster, i) => {
      if (!cluster.ownCoredns) return;
      const loadBalancers = new Set(renderOwnCorednsLoadBalancers(skeleton, cluster).map(objectKey));
      const objects = renderOwnCoredns(skeleton, cluster).filter((o) => !loadBalancers.has(objectKey(o)));
      const corefile = objectKey(renderOwnCorefile(cluster));
      const configuration: pulumi.Resource[] = [];
      servers[cluster.name] = objects.map((object) => {
        const first = ['ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'ConfigMap'].includes(object.kind);
        const resource = registerKubeObject(`${name}-${cluster.name}-${object.metadata.name}`, {
          skeleton: object,
          live: objectKey(object) === corefile ? plan.apply((p) => renderOwnCorefile(p.clusters[i])) : undefined,
        }, {
          parent: this,
          provider: args.clusters[i].provider,
          deleteBeforeReplace: true,
          dependsOn: [...(object.metadata.namespace !== undefined ? namespaceOf(cluster.name) : []), ...(first ? [] : configuration)],
          // The Deployment's pods are ready once the API is synced; a Service only gets its fixed ClusterIP.
          ...(object.kind === 'Service' ? { customTimeouts: loadBalancerTimeouts(args.loadBalancerTimeout) } : {}),
        });
        if (first) configuration.push(resource);
        return resource;
      });
    });
    return servers;
  }
}


function findObject(objects: ReadonlyMap<string, KubeObject>, key: string): KubeObject {
  const object = objects.get(key);
  if (!object) throw new Error(`crosscluster: ${key} is missing from the rendering; the set of objects must not depend on addresses`);
  return object;
}

function dnsTopology(args: DnsChainArgs, dnsAddresses: Readonly<Record<string, string | readonly string[]>> | undefined): TopologyInput {
  return {
    clusters: toClusterSpecs(args.clusters),
    name: args.name,
    networking: Networking.dnsChain({
      dnsAddresses,
      internal: args.internal,
      tcpOnlyClusters: args.tcpOnlyClusters,
      sourceRanges: args.sourceRanges,
      ownCoredns: args.ownCoredns,
    }),
    tls: Tls.insecure(),
    // The DNS objects need no database NetworkPolicy, and its CIDR requirement is the database's; the
    // own CoreDNS gets its own NetworkPolicy as the database would.
    networkPolicy: args.ownCoredns ? args.networkPolicy : { enabled: false },
  };
}
