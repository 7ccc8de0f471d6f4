import * as pulumi from '@pulumi/pulumi';
import { placeholderIp } from '../core/cidr';
import { PodAddress } from '../core/networking';

/**
 * A reserved per-pod address whose parts may be outputs of other resources of the stack, such as
 * a `gcp.compute.Address` (`address.address`, `address.name`) or an `aws.ec2.Eip`.
 */
export interface PulumiPodAddress {
  /** The address peers dial: an IP address or a DNS name. */
  readonly address: pulumi.Input<string>;
  /**
   * GKE: name of the reserved `compute.Address` (`networking.gke.io/load-balancer-ip-addresses`).
   * @default - the IP is requested through `spec.loadBalancerIP`
   */
  readonly gcpAddressName?: pulumi.Input<string>;
  /**
   * AWS: Elastic IP allocation id (internet-facing NLBs in a single subnet only).
   * @default - none
   */
  readonly awsEipAllocation?: pulumi.Input<string>;
  /**
   * AWS, internet-facing NLBs: one Elastic IP allocation per subnet of `eks.subnets`, in AZ order.
   * @default - none
   */
  readonly awsEipAllocations?: readonly string[];
  /**
   * AWS, internal NLBs: the NLB's private IP in each subnet of `eks.subnets`, in AZ order; `address`
   * is one of them. Plain strings: they are checked against the subnets before anything is created.
   * @default - `[address]`
   */
  readonly awsPrivateIps?: readonly string[];
  /**
   * Refused: an NLB in one subnet cannot reach a pod in another AZ.
   * @deprecated use the cluster's `eks.subnets` and `awsPrivateIps`
   */
  readonly awsSubnet?: pulumi.Input<string>;
}

/** A reserved per-pod address: a plain or output string (IP or DNS name), or a {@link PulumiPodAddress}. */
export type PodAddressInput = pulumi.Input<string> | PulumiPodAddress;

/**
 * A DNS load balancer's address(es): one IP (may be an output), or on AWS the NLB's IP per subnet
 * (plain strings, checked against the subnets before anything is created).
 */
export type DnsAddressInput = pulumi.Input<string> | readonly string[];

/** Per cluster name, per pod ordinal: reserved addresses. */
export type PodAddressInputs = Readonly<Record<string, readonly PodAddressInput[]>>;

const POD_ADDRESS_HANDLES = ['gcpAddressName', 'awsEipAllocation', 'awsSubnet'] as const;
/** Stand-ins for handles that are still outputs: well-formed, so they pass the checks their real values will get. */
const PENDING_HANDLES: Readonly<Record<(typeof POD_ADDRESS_HANDLES)[number], string>> = {
  gcpAddressName: 'pending',
  awsEipAllocation: 'eipalloc-00000000',
  awsSubnet: 'subnet-00000000',
};

function isPending(value: unknown): boolean {
  return pulumi.Output.isInstance(value) || value instanceof Promise;
}

/** True when some reserved address (or a handle of one) is still an output or a promise. */
export function hasPendingPodAddresses(addresses: PodAddressInputs | undefined): boolean {
  if (addresses === undefined || addresses === null || typeof addresses !== 'object') return false;
  return Object.values(addresses).some((list) => Array.isArray(list) && list.some((entry: PodAddressInput) =>
    isPending(entry) || (entry !== null && typeof entry === 'object' &&
      [(entry as PulumiPodAddress).address, ...POD_ADDRESS_HANDLES.map((k) => (entry as PulumiPodAddress)[k])].some(isPending))));
}

/**
 * The reserved addresses as the core validates them before anything is created: known strings
 * as they are; a value that is still an output becomes a unique placeholder under `.invalid`
 * (its real value is used, and checked again, once it resolves).
 */
export function pendingPodAddresses(addresses: PodAddressInputs | undefined): Record<string, Array<string | PodAddress>> | undefined {
  if (addresses === undefined || addresses === null || typeof addresses !== 'object') return addresses as undefined;
  const result: Record<string, Array<string | PodAddress>> = {};
  for (const [cluster, list] of Object.entries(addresses)) {
    if (!Array.isArray(list)) {
      result[cluster] = list as unknown as Array<string | PodAddress>;
      continue;
    }
    result[cluster] = list.map((entry: PodAddressInput, i: number) => {
      const placeholder = `reserved-${i}.${cluster}.pending.invalid`;
      if (isPending(entry)) return placeholder;
      if (entry === null || typeof entry !== 'object') return entry as string;
      const podAddress = entry as PulumiPodAddress;
      const plain: Record<string, unknown> = { address: isPending(podAddress.address) ? placeholder : podAddress.address };
      for (const key of POD_ADDRESS_HANDLES) {
        const value = podAddress[key];
        if (value !== undefined) plain[key] = isPending(value) ? PENDING_HANDLES[key] : value;
      }
      if (podAddress.awsPrivateIps !== undefined) plain.awsPrivateIps = podAddress.awsPrivateIps;
      if (podAddress.awsEipAllocations !== undefined) plain.awsEipAllocations = podAddress.awsEipAllocations;
      return plain as unknown as PodAddress;
    });
  }
  return result;
}

/**
 * DNS load-balancer IPs as the core validates them before anything is created: known strings as
 * they are, outputs as unique placeholders from 198.18.0.0/15 (IPv4, as some clouds' annotations require).
 */
export function pendingDnsAddresses(
  addresses: Readonly<Record<string, DnsAddressInput>> | undefined,
): Record<string, string | readonly string[]> | undefined {
  if (addresses === undefined || addresses === null || typeof addresses !== 'object') return addresses as undefined;
  return Object.fromEntries(
    Object.entries(addresses).map(([cluster, ip], i) =>
      [cluster, isPending(ip) ? placeholderIp(i) : (ip as string | readonly string[])]),
  );
}

/** The reserved addresses once every output among them has resolved. */
export function resolvePodAddresses(addresses: PodAddressInputs | undefined): pulumi.Output<Record<string, Array<string | PodAddress>>> {
  return pulumi.output(addresses ?? {}) as unknown as pulumi.Output<Record<string, Array<string | PodAddress>>>;
}

/** The DNS load-balancer IPs once every output among them has resolved. */
export function resolveDnsAddresses(
  addresses: Readonly<Record<string, DnsAddressInput>> | undefined,
): pulumi.Output<Record<string, string | string[]>> {
  return pulumi.output(addresses ?? {}) as unknown as pulumi.Output<Record<string, string | string[]>>;
}

/** The address a load-balancer Service reports: the first ingress IP, or its hostname where the cloud gives one. */
export function ingressAddress(status: { loadBalancer?: { ingress?: Array<{ ip?: string; hostname?: string }> } } | undefined): string | undefined {
  const ingress = status?.loadBalancer?.ingress?.[0];
  return ingress?.ip || ingress?.hostname || undefined;
}
