// The Pulumi tests run on the mocks the package ships (crosscluster/pulumi/testing), as a user's
// tests would; this file only adds the few helpers the tests share.
import {
  CloudMocks, CloudMocksOptions, isSecretValue, MOCK_EXISTING_COREFILE, MockedResource, outputValue, settle as settleMocks, unwrapSecrets,
  withDataPatchesMerged,
} from 'crosscluster/pulumi/testing';

export { isSecretValue, unwrapSecrets };

/** One resource as the engine saw it. */
export type Recorded = MockedResource;

/** The Corefile the mocked clusters run before the DNS chain is applied: the default, customized. */
export const EXISTING_COREFILE = MOCK_EXISTING_COREFILE.replace('    loadbalance\n', '    loadbalance\n    # customized by the user\n');

/** The mocks of the running test file (set by {@link startMocks}). */
export let mocks: CloudMocks;

/** Installs the shipped mocks (project `crosscluster` unless given) and returns the recorded resources. */
export async function startMocks(options: CloudMocksOptions = {}): Promise<Recorded[]> {
  mocks = await CloudMocks.install({ project: 'crosscluster', existingCorefile: EXISTING_COREFILE, ...options });
  return mocks.resources;
}

/** Waits until every registration and every output the program started has settled. */
export const settle = settleMocks;

/** The value of an output (never resolves for an unknown one, so only outside preview). */
export const valueOf = outputValue;

/** The address the mocked cloud gave the load balancer `namespace/name` of `cluster`. */
export function lbAddress(cluster: string, namespace: string, name: string): string {
  const ingress = mocks.loadBalancerIngress(namespace, name, cluster);
  if (!ingress) throw new Error(`no load balancer ${namespace}/${name} in ${cluster}`);
  return (ingress.ip ?? ingress.hostname)!;
}

/** The registered Kubernetes object of a recorded resource, as a plain object (`apiVersion`, `kind`, ...). */
export function kubeObjectOf(resource: Recorded): Record<string, any> {
  return unwrapSecrets(resource.inputs);
}

/** Only the Kubernetes resources that create or patch objects (no providers, no reads). */
export function kubeResources(recorded: readonly Recorded[]): Recorded[] {
  // A ConfigMap or Secret and the patch carrying its data are one object in the cluster.
  return withDataPatchesMerged(recorded.filter((r) => r.type.startsWith('kubernetes:') && r.readId === undefined));
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
