import * as pulumi from '@pulumi/pulumi';
import { computedAttributes, invokeAnswer, LoadBalancerIngress, loadBalancerIngress, MOCK_EXISTING_COREFILE } from './cloud-answers';
import { unwrapSecrets } from './secret-values';

/** Options of {@link CloudMocks}. */
export interface CloudMocksOptions {
  /**
   * Run as `pulumi preview`: values the clouds compute (load-balancer addresses, tunnel
   * addresses, certificates) stay unknown, so `apply` callbacks on them never run.
   * @default false
   */
  readonly preview?: boolean;
  /**
   * The project name: the namespace of `new pulumi.Config()` in the program under test.
   * @default 'project'
   */
  readonly project?: string;
  /**
   * The stack name.
   * @default 'stack'
   */
  readonly stack?: string;
  /**
   * The Corefile every existing `kube-system/coredns` ConfigMap holds when the program reads it.
   * @default MOCK_EXISTING_COREFILE (an EKS-like default Corefile)
   */
  readonly existingCorefile?: string;
  /**
   * Answers for your own resources, asked first: return the state to add to the resource's
   * inputs, or `undefined` to let these mocks answer.
   * @default - these mocks answer every resource
   */
  readonly answer?: (args: pulumi.runtime.MockResourceArgs) => Record<string, unknown> | undefined;
}

/** A resource registration (or read) as the mocked engine saw it. */
export interface MockedResource {
  /** The type token, e.g. `kubernetes:core/v1:Service`. */
  readonly type: string;
  /** The Pulumi resource name. */
  readonly name: string;
  /** The inputs as the engine received them; secret values are wrapped (see {@link unwrapSecrets}). */
  readonly inputs: Record<string, any>;
  /** The state the mocks answered with: the inputs plus what the cloud computes. */
  readonly state: Record<string, any>;
  /** The name of the provider resource it was registered with, when one was given. */
  readonly provider?: string;
  /** False for component resources. */
  readonly custom: boolean;
  /** The ID of the existing resource, for reads (`Resource.get`). */
  readonly readId?: string;
}

/** A Kubernetes object a program created, with the provider (cluster) it went to. */
export interface MockedKubeObject {
  /** The provider resource name, e.g. the cluster's `k8s.Provider`. */
  readonly provider?: string;
  /** The object as sent, secrets unwrapped: `apiVersion`, `kind`, `metadata`, ... */
  readonly object: Record<string, any>;
}

/** The resource types of a ConfigMap or Secret and of the patch that carries its data. */
const DATA_PATCH_OF: Readonly<Record<string, string>> = {
  'kubernetes:core/v1:ConfigMap': 'kubernetes:core/v1:ConfigMapPatch',
  'kubernetes:core/v1:Secret': 'kubernetes:core/v1:SecretPatch',
};

/**
 * The library registers a ConfigMap or Secret whose data can change as the object (created and deleted
 * with the stack) plus a patch named `<name>-data` carrying its data, so data changes update in place.
 * Tests look at the object as it ends up in the cluster: the two merged into one, the patch left out.
 */
export function withDataPatchesMerged(resources: readonly MockedResource[]): MockedResource[] {
  const patches = new Map(resources.filter((r) => Object.values(DATA_PATCH_OF).includes(r.type)).map((r) => [`${r.provider}/${r.type}/${r.name}`, r]));
  const merged: MockedResource[] = [];
  const used = new Set<MockedResource>();
  for (const r of resources) {
    const patch = DATA_PATCH_OF[r.type] && r.readId === undefined ? patches.get(`${r.provider}/${DATA_PATCH_OF[r.type]}/${r.name}-data`) : undefined;
    if (!patch) {
      merged.push(r);
      continue;
    }
    used.add(patch);
    const { metadata: _metadata, ...data } = patch.inputs;
    merged.push({ ...r, inputs: { ...r.inputs, ...data }, state: { ...r.state, ...data } });
  }
  return merged.filter((r) => !used.has(r));
}

/** The provider's resource name in a provider reference (`<urn>::<id>`, the URN ending in `::<name>`). */
function providerName(reference: string | undefined): string | undefined {
  if (!reference) return undefined;
  const parts = reference.split('::');
  return parts.length >= 2 ? parts[parts.length - 2] : undefined;
}

/**
 * Pulumi mocks that answer the way the clouds and Kubernetes do, for unit tests of programs
 * that use crosscluster: a `LoadBalancer` Service gets `.status.loadBalancer.ingress` (an IP, or
 * on AWS a hostname), the existing CoreDNS ConfigMap has a Corefile, GCP HA VPN gateways and AWS
 * VPN connections get their interface and tunnel attributes, and `@pulumi/tls` resources get
 * stand-ins that are plainly not key material. Everything else echoes its inputs. Every
 * registration is recorded in {@link CloudMocks.resources}.
 *
 * @example
 * import * as pulumi from '@pulumi/pulumi';
 * import { CloudMocks, outputValue } from 'crosscluster/pulumi/testing';
 *
 * const mocks = await CloudMocks.install({ project: 'my-project' });
 * const { joinAddresses } = await import('./index'); // the program under test
 * console.log(await outputValue(joinAddresses));
 * console.log(mocks.ofType('kubernetes:apps/v1:StatefulSet').length);
 */
export class CloudMocks implements pulumi.runtime.Mocks {
  /** Creates the mocks and installs them in `@pulumi/pulumi` (`pulumi.runtime.setMocks`). */
  public static async install(options: CloudMocksOptions = {}): Promise<CloudMocks> {
    const mocks = new CloudMocks(options);
    await pulumi.runtime.setMocks(mocks, options.project ?? 'project', options.stack ?? 'stack', options.preview ?? false);
    return mocks;
  }

  /** Every registration and read so far, in order. */
  public readonly resources: MockedResource[] = [];
  /** Every provider function call (invoke) so far, in order. */
  public readonly invokes: Array<{ readonly token: string; readonly inputs: Record<string, any> }> = [];
  private readonly options: CloudMocksOptions;
  private readonly ingresses = new Map<string, LoadBalancerIngress>();
  private readonly takenAddresses = new Set<string>();

  /** Use {@link CloudMocks.install}, or pass the instance to `pulumi.runtime.setMocks` yourself. */
  public constructor(options: CloudMocksOptions = {}) {
    this.options = options;
  }

  /** Answers a resource registration or read (called by the Pulumi runtime). */
  public newResource(args: pulumi.runtime.MockResourceArgs): pulumi.runtime.MockResourceResult {
    const inputs: Record<string, any> = args.inputs ?? {};
    const provider = providerName(args.provider);
    // Reads (`Resource.get`) carry the ID of the existing resource; registrations an empty one.
    const readId = args.id ? args.id : undefined;
    const state: Record<string, any> = { ...inputs };
    if (readId !== undefined && args.type === 'kubernetes:core/v1:ConfigMap' && readId.endsWith('/coredns')) {
      state.data = { ...state.data, Corefile: this.options.existingCorefile ?? MOCK_EXISTING_COREFILE };
    }
    if (!this.options.preview) {
      const own = this.options.answer?.(args);
      if (own !== undefined) {
        Object.assign(state, own);
      } else {
        if (args.type === 'kubernetes:core/v1:Service' && inputs.spec?.type === 'LoadBalancer') {
          const ingress = this.ingressFor(inputs, provider);
          state.status = { ...state.status, loadBalancer: { ingress: [ingress] } };
        }
        Object.assign(state, computedAttributes(args.type, args.name, inputs));
        // GCP and AWS name a resource after it when no name is given (Pulumi's auto-naming).
        if (/^(gcp|aws):/.test(args.type) && state.name === undefined) state.name = args.name;
      }
    }
    const id = readId ?? `${args.name}-id`;
    this.resources.push({
      type: args.type,
      name: args.name,
      inputs,
      state,
      provider,
      custom: args.custom ?? true,
      ...(readId !== undefined ? { readId } : {}),
    });
    return { id, state };
  }

  /**
   * Answers a provider function call (an invoke) with its inputs and what the cloud would add
   * (`aws.lb.getLoadBalancer`: the NLB's DNS name, ARN and hosted zone); called by the Pulumi runtime.
   */
  public call(args: pulumi.runtime.MockCallArgs): pulumi.runtime.MockCallResult {
    this.invokes.push({ token: args.token, inputs: args.inputs });
    return { ...args.inputs, ...invokeAnswer(args.token, args.inputs) };
  }

  /** The resources of one type token, in registration order. */
  public ofType(type: string): MockedResource[] {
    return this.resources.filter((r) => r.type === type);
  }

  /**
   * The Kubernetes objects the program created (reads and providers excluded), secrets unwrapped.
   * @param provider only the objects sent through the provider resource of this name
   */
  public kubeObjects(provider?: string): MockedKubeObject[] {
    return withDataPatchesMerged(this.resources.filter((r) => r.type.startsWith('kubernetes:') && r.readId === undefined))
      .filter((r) => provider === undefined || r.provider === provider)
      .map((r) => ({ provider: r.provider, object: unwrapSecrets(r.inputs) }));
  }

  /**
   * The ingress the mocks gave a `LoadBalancer` Service, by its namespace and name (and, when
   * several clusters have one of that name, the cluster: its `crosscluster.io/cluster` label,
   * else its provider's name). Undefined before the Service is registered.
   */
  public loadBalancerIngress(namespace: string, name: string, cluster?: string): LoadBalancerIngress | undefined {
    if (cluster !== undefined) return this.ingresses.get(`${cluster}/${namespace}/${name}`);
    const matches = [...this.ingresses].filter(([key]) => key.endsWith(`/${namespace}/${name}`));
    if (matches.length > 1) {
      throw new Error(`CloudMocks: ${matches.length} clusters have a Service ${namespace}/${name}; pass the cluster (${matches.map(([k]) => `'${k.split('/')[0]}'`).join(', ')})`);
    }
    return matches[0]?.[1];
  }

  /** Forgets the recorded resources (the assigned addresses stay, so they never repeat). */
  public reset(): void {
    this.resources.length = 0;
  }

  private ingressFor(service: Record<string, any>, provider: string | undefined): LoadBalancerIngress {
    const metadata = unwrapSecrets(service.metadata) ?? {};
    const cluster = metadata.labels?.['crosscluster.io/cluster'] ?? provider ?? 'default';
    const key = `${cluster}/${metadata.namespace ?? 'default'}/${metadata.name}`;
    const known = this.ingresses.get(key);
    if (known) return known;
    const ingress = loadBalancerIngress(unwrapSecrets(service), key, this.takenAddresses);
    this.ingresses.set(key, ingress);
    return ingress;
  }
}

/**
 * The value of an output once it is known. Never settles for an output that stays unknown
 * (in preview, a value the cloud computes).
 */
export function outputValue<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((value) => {
    resolve(value);
    return value;
  }));
}

/**
 * Waits until every resource registration and output the program has started is done, so the
 * recorded resources are complete. Call it once a program has been constructed.
 */
export function settle(): Promise<void> {
  return pulumi.runtime.disconnect();
}
