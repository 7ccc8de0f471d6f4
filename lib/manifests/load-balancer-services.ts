import { KubeObject } from './kube-object';
import { loadBalancerShape } from '../core/cloud/cloud-profile';
import { LoadBalancerRequest, Protocol } from '../core/cloud/load-balancer';
import { ClusterPlan } from '../core/plan';

/** One port of a load balancer, before the cloud splits protocols over Services. */
export interface LoadBalancerPort {
  readonly name: string;
  readonly port: number;
  readonly targetPort: number | string;
  readonly protocol: Protocol;
}

/** What a load balancer is, apart from how its cloud expresses it. */
export interface LoadBalancerServiceSpec {
  /** Base name; a cloud that needs one Service per protocol appends `-udp`/`-tcp`. */
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly selector: Readonly<Record<string, string>>;
  readonly ports: readonly LoadBalancerPort[];
  /** `loadBalancerSourceRanges`: who may connect. Never empty for a load balancer the library emits. */
  readonly sourceRanges: readonly string[];
  /** Annotations besides the cloud's (e.g. external-dns). @default {} */
  readonly annotations?: Readonly<Record<string, string>>;
  /** Other `spec` fields (publishNotReadyAddresses, externalTrafficPolicy). @default {} */
  readonly spec?: Readonly<Record<string, unknown>>;
}

/**
 * The Service(s) of one load balancer on the cluster's cloud: the cloud profile decides the
 * annotations, the pinning fields and whether UDP and TCP share one Service (see lib/core/cloud).
 */
export function renderLoadBalancerServices(cluster: ClusterPlan, request: Omit<LoadBalancerRequest, 'protocols'>, spec: LoadBalancerServiceSpec): KubeObject[] {
  const protocols = [...new Set(spec.ports.map((p) => p.protocol))];
  const shape = loadBalancerShape(cluster.profile, { ...request, protocols });
  return shape.services.map((service) => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: `${spec.name}${service.nameSuffix}`,
      namespace: spec.namespace,
      labels: spec.labels,
      annotations: { ...shape.annotations, ...spec.annotations },
    },
    spec: {
      type: 'LoadBalancer',
      ...(shape.loadBalancerClass ? { loadBalancerClass: shape.loadBalancerClass } : {}),
      selector: spec.selector,
      ...spec.spec,
      ports: spec.ports.filter((p) => service.protocols.includes(p.protocol)).map((p) => ({ ...p })),
      ...(shape.loadBalancerIP ? { loadBalancerIP: shape.loadBalancerIP } : {}),
      loadBalancerSourceRanges: [...spec.sourceRanges],
    },
  }));
}
