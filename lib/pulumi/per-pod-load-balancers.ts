import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import {
  hasPendingPodAddresses, ingressAddress, pendingPodAddresses, PodAddressInputs, resolvePodAddresses,
} from './address-inputs';
import { PulumiClusterSpec, toClusterSpecs } from './cluster-spec';
import { registerKubeObject } from './kube-resource';
import { loadBalancerTimeoutProblems, loadBalancerTimeouts } from './load-balancer-timeout';
import { requireArgs, validatePulumiTopology } from './validation';
import { TopologyInput } from '../core/input';
import { Networking, PodAddress, toPodAddress } from '../core/networking';
import { planDeployment } from '../core/plan';
import { Tls } from '../core/tls';
import { ownValue } from '../core/validation/read';
import { KubeObject, objectKey } from '../manifests/kube-object';
import { renderPendingPerPodServices } from '../manifests/pending-load-balancers';

/**
 * Annotation that makes Pulumi wait for the load balancer's address only. The default await of a
 * Service also waits for ready endpoints, which a database pod cannot have before it knows its
 * address: the wait would never end.
 */
export const WAIT_FOR_INGRESS = { 'pulumi.com/waitFor': 'jsonpath={.status.loadBalancer.ingress}' } as const;

/** Arguments of {@link PerPodLoadBalancers}. */
export interface PerPodLoadBalancersArgs {
  /** The clusters, each with its provider. */
  readonly clusters: readonly PulumiClusterSpec[];
  /**
   * Base name of the StatefulSet whose pods get a load balancer each.
   * @default 'cockroachdb'
   */
  readonly name?: string;
  /**
   * Reserved addresses by cluster name, indexed by pod ordinal (all pods of a cluster, or none),
   * for a one-pass deploy: the address is known before the load balancer exists. Entries may be
   * outputs (a `gcp.compute.Address`, an `aws.ec2.Eip`).
   * @default - every address is read from its Service's status
   */
  readonly addresses?: PodAddressInputs;
  /**
   * Internal load balancers (reachable over VPN/peering). `false` is the explicit opt-in to
   * internet-facing ones.
   * @default true
   */
  readonly internal?: boolean;
  /**
   * `loadBalancerSourceRanges` of every Service, replacing the derived allow-list.
   * @default - every cluster's pod and node CIDRs
   */
  readonly sourceRanges?: readonly string[];
  /**
   * Annotate each Service with `external-dns.alpha.kubernetes.io/hostname` when its reserved address is a DNS name.
   * @default false
   */
  readonly externalDns?: boolean;
  /**
   * Per cluster name, the resource that creates the database namespace when the same program
   * creates it; the cluster's Services wait for it.
   * @default - the namespaces exist already
   */
  readonly namespaces?: Readonly<Record<string, pulumi.Resource>>;
  /**
   * How long `pulumi up` waits for the cloud to give each load balancer its address (a Pulumi
   * duration such as '10m'). A load balancer the cloud refuses fails the update after this.
   * @default '15m'
   */
  readonly loadBalancerTimeout?: string;
}

/**
 * One LoadBalancer Service per StatefulSet pod, in every cluster, with each pod's address as an
 * output: the reserved address when one is given, else the Service's ingress IP (or hostname,
 * where the cloud reports one). Created before anything that needs the addresses.
 */
export class PerPodLoadBalancers extends pulumi.ComponentResource {
  /** Per cluster name, per pod ordinal: the address peers dial. */
  public readonly addresses: pulumi.Output<Record<string, string[]>>;
  /** Per cluster name, per pod ordinal: the address peers dial, one output per pod. */
  public readonly podAddresses: Readonly<Record<string, readonly pulumi.Output<string>[]>>;
  /** Per cluster name, the Services in pod order. */
  public readonly services: Readonly<Record<string, readonly k8s.core.v1.Service[]>>;

  constructor(name: string, args: PerPodLoadBalancersArgs, opts?: pulumi.ComponentResourceOptions) {
    requireArgs(args, 'PerPodLoadBalancers');
    const topology = perPodTopology(args, pendingPodAddresses(args.addresses));
    validatePulumiTopology(topology, args.clusters, 'pulumi', loadBalancerTimeoutProblems(args.loadBalancerTimeout));
    const skeleton = planDeployment(topology, { engine: 'pulumi', placeholders: true });
    super('crosscluster:index:PerPodLoadBalancers', name, {}, opts);

    const reserved = resolvePodAddresses(args.addresses);
    const plan = reserved.apply((addresses) =>
      planDeployment(perPodTopology(args, addresses), { engine: 'pulumi', placeholders: true }));
    // Rendered once per resolved plan; each Service looks its object up by key (not N renders of N Services).
    const rendered = plan.apply((p) => p.clusters.map((c) => new Map(renderPendingPerPodServices(p, c).map((o) => [objectKey(o), o]))));
    const known = !hasPendingPodAddresses(args.addresses);
    const podAddresses: Record<string, pulumi.Output<string>[]> = {};
    const services: Record<string, k8s.core.v1.Service[]> = {};
    skeleton.clusters.forEach((cluster, i) => {
      const spec = args.clusters[i];
      services[cluster.name] = renderPendingPerPodServices(skeleton, cluster).map((object) => {
        const key = objectKey(object);
        return registerKubeObject(`${name}-${cluster.name}-${object.metadata.name}`, {
          skeleton: object,
          // With every reserved address known now, the skeleton is the final object: no output needed.
          live: known ? undefined : rendered.apply((r) => findObject(r[i], key)),
          engineAnnotations: WAIT_FOR_INGRESS,
        }, {
          parent: this,
          provider: spec.provider,
          deleteBeforeReplace: true,
          dependsOn: ownValue(args.namespaces, cluster.name) ? [ownValue(args.namespaces, cluster.name)!] : [],
          customTimeouts: loadBalancerTimeouts(args.loadBalancerTimeout),
        }) as k8s.core.v1.Service;
      });
      podAddresses[cluster.name] = cluster.pods.map((pod, ordinal) => {
        if (ownValue(args.addresses, cluster.name)?.[ordinal] !== undefined) {
          return reserved.apply((r) => toPodAddress(r[cluster.name][ordinal]).address);
        }
        return services[cluster.name][ordinal].status.apply((status) => {
          const address = ingressAddress(status);
          if (!address) {
            throw new Error(`crosscluster: the load balancer of pod ${pod.name} in cluster '${cluster.name}' reports no address`);
          }
          return address;
        });
      });
    });
    this.podAddresses = podAddresses;
    this.services = services;
    this.addresses = pulumi.all(
      Object.fromEntries(Object.entries(podAddresses).map(([cluster, list]) => [cluster, pulumi.all(list)])),
    ) as pulumi.Output<Record<string, string[]>>;
    this.registerOutputs({ addresses: this.addresses });
  }
}

function findObject(objects: ReadonlyMap<string, KubeObject>, key: string): KubeObject {
  const object = objects.get(key);
  if (!object) throw new Error(`crosscluster: ${key} is missing from the rendering; the set of objects must not depend on addresses`);
  return object;
}

function perPodTopology(
  args: PerPodLoadBalancersArgs,
  addresses: Readonly<Record<string, ReadonlyArray<string | PodAddress>>> | undefined,
): TopologyInput {
  return {
    clusters: toClusterSpecs(args.clusters),
    name: args.name,
    networking: Networking.perPodLoadBalancers({
      addresses,
      internal: args.internal,
      sourceRanges: args.sourceRanges,
      externalDns: args.externalDns,
    }),
    // Secure: an internet-facing opt-in is refused only for an insecure database, which MultiRegionCockroach checks.
    tls: Tls.generated(),
    networkPolicy: { enabled: false },
  };
}
