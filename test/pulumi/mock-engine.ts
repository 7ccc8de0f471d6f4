// Shared by the Pulumi tests: a mock engine that records every registered resource.
// Import @pulumi/pulumi and the code under test only after `startMocks`, through `loadModules`.
import type * as pulumiType from '@pulumi/pulumi';

/** One resource as the engine saw it. */
export interface Recorded {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, any>;
  /** The name of the provider resource the resource was registered with. */
  readonly provider?: string;
  /** Set for reads (`.get`). */
  readonly id?: string;
}

/** How the mocked clouds answer. */
export interface MockOptions {
  /** Preview: load-balancer addresses (and every other computed output) are unknown. @default false */
  readonly preview?: boolean;
  /** The Corefile of every existing `coredns` ConfigMap. @default a minimal Corefile */
  readonly existingCorefile?: string;
  /** Providers whose load balancers report hostnames (AWS), by provider name. @default [] */
  readonly hostnameProviders?: readonly string[];
  /** The project name (the namespace of `new pulumi.Config()`). @default 'crosscluster' */
  readonly project?: string;
}

/** The Corefile the mocked clusters run before the DNS chain is applied. */
export const EXISTING_COREFILE = [
  '.:53 {',
  '    errors',
  '    kubernetes cluster.local in-addr.arpa ip6.arpa',
  '    forward . /etc/resolv.conf',
  '    cache 30',
  '    reload',
  '    # customized by the user',
  '}',
  '',
].join('\n');

/** The provider name in a provider reference (`<urn>::<id>`, the URN ending in `::<name>`). */
export function providerName(reference: string | undefined): string | undefined {
  if (!reference) return undefined;
  const parts = reference.split('::');
  return parts.length >= 2 ? parts[parts.length - 2] : undefined;
}

/** The mocked address of a load-balancer Service: a stable function of cluster, namespace and name. */
export function mockLbAddress(cluster: string, namespace: string, name: string, hostname: boolean): { ip?: string; hostname?: string } {
  if (hostname) return { hostname: `${name}.${namespace}.${cluster}.elb.example.com` };
  const clusterOctet = [...cluster].reduce((a, c) => (a * 31 + c.charCodeAt(0)) % 200, 7) + 20;
  const pod = /-(\d+)-lb$/.exec(name);
  const last = pod ? Number(pod[1]) + 10 : 53;
  return { ip: `10.${clusterOctet}.${namespace === 'kube-system' ? 53 : 1}.${last}` };
}

/** Installs the mocks on this module registry's @pulumi/pulumi and returns the recorder. */
export async function startMocks(pulumi: typeof pulumiType, options: MockOptions = {}): Promise<Recorded[]> {
  const recorded: Recorded[] = [];
  const hostnameProviders = new Set(options.hostnameProviders ?? []);
  await pulumi.runtime.setMocks({
    newResource(args) {
      const provider = providerName(args.provider);
      recorded.push({ type: args.type, name: args.name, inputs: args.inputs, provider, id: args.id });
      const state: Record<string, any> = { ...args.inputs };
      if (args.id && args.type === 'kubernetes:core/v1:ConfigMap') {
        state.data = { Corefile: options.existingCorefile ?? EXISTING_COREFILE };
      }
      if (!options.preview) {
        if (args.type === 'kubernetes:core/v1:Service' && args.inputs.spec?.type === 'LoadBalancer') {
          const md = args.inputs.metadata;
          state.status = { loadBalancer: { ingress: [mockLbAddress(provider ?? '?', md.namespace, md.name, hostnameProviders.has(provider ?? ''))] } };
        }
        Object.assign(state, mockCloudState(args.type, args.name, args.inputs));
        if (args.type === 'tls:index/privateKey:PrivateKey') state.privateKeyPem = `mock private key of ${args.name}`; // a stand-in, not PEM: no key material in the repo
        if (args.type === 'tls:index/certRequest:CertRequest') state.certRequestPem = `CSR ${args.name}`;
        if (args.type === 'tls:index/selfSignedCert:SelfSignedCert' || args.type === 'tls:index/locallySignedCert:LocallySignedCert') {
          state.certPem = `-----BEGIN CERTIFICATE-----\n${args.name}\n-----END CERTIFICATE-----\n`;
        }
      }
      return { id: args.id ?? `${args.name}-id`, state };
    },
    call(args) {
      return args.inputs;
    },
  }, options.project ?? 'crosscluster', 'test', options.preview ?? false);
  return recorded;
}

/** What the mocked GCP and AWS APIs compute for the VPN resources (interface IPs, tunnel addresses, keys). */
function mockCloudState(type: string, name: string, inputs: Record<string, any>): Record<string, any> {
  switch (type) {
    case 'gcp:compute/haVpnGateway:HaVpnGateway':
      return { vpnInterfaces: [{ id: 0, ipAddress: '35.242.10.1' }, { id: 1, ipAddress: '35.242.10.2' }] };
    case 'aws:ec2/vpnConnection:VpnConnection': {
      const k = Number(name.split('-').pop()) || 0;
      const state: Record<string, any> = {};
      for (const t of [1, 2]) {
        const cidr = String(unwrapSecrets(inputs[`tunnel${t}InsideCidr`]) ?? `169.254.${10 + 2 * k + t}.0/30`);
        const [a, b, c, d] = cidr.split('/')[0].split('.').map(Number);
        state[`tunnel${t}Address`] = `52.1.${k}.${t}`;
        state[`tunnel${t}VgwInsideAddress`] = `${a}.${b}.${c}.${d + 1}`;
        state[`tunnel${t}CgwInsideAddress`] = `${a}.${b}.${c}.${d + 2}`;
        state[`tunnel${t}PresharedKey`] = inputs[`tunnel${t}PresharedKey`] ?? `AwsGenerated_key.${k}${t}`;
      }
      return state;
    }
    default:
      return {};
  }
}

/** Waits until every registration and every output the program started has settled. */
export async function settle(pulumi: typeof pulumiType): Promise<void> {
  await pulumi.runtime.disconnect();
}

/** The value of an output (never resolves for an unknown one, so only outside preview). */
export function valueOf<T>(output: pulumiType.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((v) => {
    resolve(v);
    return v;
  }));
}

/** True for a value the engine received as a secret. */
export function isSecretValue(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as any)['4dabf18193072939515e22adb298388d'] === '1b47061264138c4ac30d75fd1eb44270';
}

/** Removes the secret wrappers the engine receives around secret values. */
export function unwrapSecrets(value: any): any {
  if (isSecretValue(value)) return unwrapSecrets(value.value);
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v)]));
  return value;
}

/** The registered Kubernetes object of a recorded resource, as a plain object (`apiVersion`, `kind`, ...). */
export function kubeObjectOf(resource: Recorded): Record<string, any> {
  return unwrapSecrets(resource.inputs);
}

/** Only the Kubernetes resources that create or patch objects (no providers, no reads). */
export function kubeResources(recorded: readonly Recorded[]): Recorded[] {
  return recorded.filter((r) => r.type.startsWith('kubernetes:') && !r.id);
}

/** Drops `pulumi.com/` annotations (engine hints), and `annotations` when nothing else is left. */
export function withoutEngineAnnotations(object: Record<string, any>): Record<string, any> {
  const copy = JSON.parse(JSON.stringify(object));
  const annotations = copy.metadata?.annotations;
  if (annotations) {
    for (const key of Object.keys(annotations)) if (key.startsWith('pulumi.com/')) delete annotations[key];
  }
  return copy;
}
