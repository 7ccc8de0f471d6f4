import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { ingressAddress, pendingDnsAddresses, resolveDnsAddresses } from './address-inputs';
import { PulumiClusterSpec, toClusterSpecs } from './cluster-spec';
import { registerKubeObject } from './kube-resource';
import { requireArgs, validatePulumiTopology } from './validation';
import { isIpAddress } from '../core/cidr';
import { TopologyInput } from '../core/input';
import { Networking } from '../core/networking';
import { planDeployment } from '../core/plan';
import { Tls } from '../core/tls';
import { ownValue } from '../core/validation/read';
import { dnsConfigMapName, DNS_NAMESPACE, renderDnsLoadBalancer } from '../manifests/dns';
import { dnsPatchData } from '../manifests/dns-patch';

/** Annotation that lets the DNS patch take the keys it sets from another field manager. */
export const PATCH_FORCE = { 'pulumi.com/patchForce': 'true' } as const;

/** Arguments of {@link DnsChain}. */
export interface DnsChainArgs {
  /** The clusters, each with its provider. Their namespaces are the forwarded domains. */
  readonly clusters: readonly PulumiClusterSpec[];
  /**
   * The static IP of each cluster's DNS load balancer, by cluster name (may be outputs, e.g. a
   * reserved internal address). A missing one is read from the Service's status; AWS clusters
   * need one, because NLBs report hostnames and DNS servers forward to IPs only.
   * @default {}
   */
  readonly dnsAddresses?: Readonly<Record<string, pulumi.Input<string>>>;
  /**
   * Internal DNS load balancers. Cluster DNS must never face the internet.
   * @default true
   */
  readonly internal?: boolean;
  /**
   * Clusters whose DNS load balancer answers on TCP only; CoreDNS forwards to them with `force_tcp`.
   * @default []
   */
  readonly tcpOnlyClusters?: readonly string[];
  /**
   * `loadBalancerSourceRanges` of the DNS load balancers.
   * @default - no restriction beyond the load balancer being internal
   */
  readonly sourceRanges?: readonly string[];
}

/**
 * DNS chaining: an internal load balancer in front of every cluster's DNS pods, then in every
 * other cluster the forwarding of that cluster's `<namespace>.svc.<clusterDomain>` to it, applied
 * with `ConfigMapPatch` (kube-dns `stubDomains`; CoreDNS: the existing Corefile with a marked
 * section of server blocks merged in). The cluster's DNS ConfigMap is never overwritten.
 */
export class DnsChain extends pulumi.ComponentResource {
  /** Per cluster name, the IP of its DNS load balancer. */
  public readonly dnsAddresses: pulumi.Output<Record<string, string>>;
  /** Per cluster name, the DNS load-balancer Service. */
  public readonly services: Readonly<Record<string, k8s.core.v1.Service>>;
  /** Per cluster name, the patch of its DNS ConfigMap (absent with a single cluster). */
  public readonly patches: Readonly<Record<string, k8s.core.v1.ConfigMapPatch>>;

  constructor(name: string, args: DnsChainArgs, opts?: pulumi.ComponentResourceOptions) {
    requireArgs(args, 'DnsChain');
    const topology = dnsTopology(args, pendingDnsAddresses(args.dnsAddresses));
    validatePulumiTopology(topology, args.clusters);
    const skeleton = planDeployment(topology, { engine: 'pulumi', placeholders: true });
    super('crosscluster:index:DnsChain', name, {}, opts);

    const reserved = resolveDnsAddresses(args.dnsAddresses);
    // The Services are pinned to reserved IPs only, never to the IP they report themselves.
    const servicePlan = reserved.apply((a) => planDeployment(dnsTopology(args, a), { engine: 'pulumi', placeholders: true }));
    const services: Record<string, k8s.core.v1.Service> = {};
    const addresses: Record<string, pulumi.Output<string>> = {};
    skeleton.clusters.forEach((cluster, i) => {
      services[cluster.name] = registerKubeObject(`${name}-${cluster.name}-dns-lb`, {
        skeleton: renderDnsLoadBalancer(skeleton, cluster),
        live: servicePlan.apply((p) => renderDnsLoadBalancer(p, p.clusters[i])),
      }, { parent: this, provider: args.clusters[i].provider, deleteBeforeReplace: true }) as k8s.core.v1.Service;
      const given = ownValue(args.dnsAddresses, cluster.name);
      addresses[cluster.name] = given !== undefined
        ? pulumi.output(given)
        : services[cluster.name].status.apply((status) => {
          const address = ingressAddress(status);
          if (!address || !isIpAddress(address)) {
            throw new Error(`crosscluster: the DNS load balancer of cluster '${cluster.name}' reports ${address ? `the hostname '${address}'` : 'no address'}; DNS servers forward to IPs only: set dnsAddresses.${cluster.name}`);
          }
          return address;
        });
    });
    this.services = services;
    this.dnsAddresses = pulumi.all(addresses);

    const plan = this.dnsAddresses.apply((a) =>
      planDeployment(dnsTopology(args, a), { engine: 'pulumi' }));
    const patches: Record<string, k8s.core.v1.ConfigMapPatch> = {};
    skeleton.clusters.forEach((cluster, i) => {
      if (cluster.dnsForwards.length === 0) return;
      const provider = args.clusters[i].provider;
      const configMap = dnsConfigMapName(cluster);
      let data: pulumi.Output<Record<string, string>>;
      if (cluster.dns === 'coredns') {
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
        retainOnDelete: cluster.dns === 'coredns',
      });
    });
    this.patches = patches;
    this.registerOutputs({ dnsAddresses: this.dnsAddresses });
  }
}

function dnsTopology(args: DnsChainArgs, dnsAddresses: Readonly<Record<string, string>> | undefined): TopologyInput {
  return {
    clusters: toClusterSpecs(args.clusters),
    networking: Networking.dnsChain({
      dnsAddresses,
      internal: args.internal,
      tcpOnlyClusters: args.tcpOnlyClusters,
      sourceRanges: args.sourceRanges,
    }),
    tls: Tls.insecure(),
  };
}
