import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { KubeObject } from '../manifests/kube-object';

type Factory = (name: string, args: any, opts: pulumi.CustomResourceOptions) => pulumi.CustomResource;

/** The typed @pulumi/kubernetes class of every kind the renderers emit. */
const FACTORIES: Readonly<Record<string, Factory>> = {
  'v1/Namespace': (n, a, o) => new k8s.core.v1.Namespace(n, a, o),
  'v1/ServiceAccount': (n, a, o) => new k8s.core.v1.ServiceAccount(n, a, o),
  'v1/Service': (n, a, o) => new k8s.core.v1.Service(n, a, o),
  'v1/ConfigMap': (n, a, o) => new k8s.core.v1.ConfigMap(n, a, o),
  'v1/Secret': (n, a, o) => new k8s.core.v1.Secret(n, a, o),
  'rbac.authorization.k8s.io/v1/ClusterRole': (n, a, o) => new k8s.rbac.v1.ClusterRole(n, a, o),
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': (n, a, o) => new k8s.rbac.v1.ClusterRoleBinding(n, a, o),
  'rbac.authorization.k8s.io/v1/Role': (n, a, o) => new k8s.rbac.v1.Role(n, a, o),
  'rbac.authorization.k8s.io/v1/RoleBinding': (n, a, o) => new k8s.rbac.v1.RoleBinding(n, a, o),
  'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy': (n, a, o) => new k8s.admissionregistration.v1.ValidatingAdmissionPolicy(n, a, o),
  'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding': (n, a, o) =>
    new k8s.admissionregistration.v1.ValidatingAdmissionPolicyBinding(n, a, o),
  'apps/v1/StatefulSet': (n, a, o) => new k8s.apps.v1.StatefulSet(n, a, o),
  'apps/v1/Deployment': (n, a, o) => new k8s.apps.v1.Deployment(n, a, o),
  'policy/v1/PodDisruptionBudget': (n, a, o) => new k8s.policy.v1.PodDisruptionBudget(n, a, o),
  'batch/v1/Job': (n, a, o) => new k8s.batch.v1.Job(n, a, o),
  'networking.k8s.io/v1/NetworkPolicy': (n, a, o) => new k8s.networking.v1.NetworkPolicy(n, a, o),
  // cert-manager's kinds (Tls.certManager()): custom resources, so no typed class.
  'cert-manager.io/v1/Issuer': (n, a, o) => new k8s.apiextensions.CustomResource(n, { apiVersion: 'cert-manager.io/v1', kind: 'Issuer', ...a }, o),
  'cert-manager.io/v1/Certificate': (n, a, o) => new k8s.apiextensions.CustomResource(n, { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', ...a }, o),
  // The MCS API's ServiceExport (Networking.clusterSet), and GKE's own.
  'multicluster.x-k8s.io/v1alpha1/ServiceExport': (n, a, o) =>
    new k8s.apiextensions.CustomResource(n, { apiVersion: 'multicluster.x-k8s.io/v1alpha1', kind: 'ServiceExport', ...a }, o),
  'net.gke.io/v1/ServiceExport': (n, a, o) => new k8s.apiextensions.CustomResource(n, { apiVersion: 'net.gke.io/v1', kind: 'ServiceExport', ...a }, o),
};

/** A rendered object and, when its content waits on addresses, the output that renders it. */
export interface KubeObjectSource {
  /**
   * The object as rendered before any address is known. Its identity (kind, name, namespace)
   * is final; so is its content unless `live` is given.
   */
  readonly skeleton: KubeObject;
  /**
   * The same object rendered once the addresses have resolved.
   * @default - the skeleton is the final object
   */
  readonly live?: pulumi.Output<KubeObject>;
  /**
   * Annotations for the Pulumi engine only (`pulumi.com/...`), added to the rendered ones.
   * @default {}
   */
  readonly engineAnnotations?: Readonly<Record<string, string>>;
}

/** True for the kinds {@link registerKubeObject} can create. */
export function isSupportedKind(object: Pick<KubeObject, 'apiVersion' | 'kind'>): boolean {
  return `${object.apiVersion}/${object.kind}` in FACTORIES;
}

function withEngineAnnotations(
  annotations: Readonly<Record<string, string>> | undefined,
  extra: Readonly<Record<string, string>> | undefined,
): Record<string, string> | undefined {
  if (!extra || Object.keys(extra).length === 0) return annotations ? { ...annotations } : undefined;
  return { ...annotations, ...extra };
}

/**
 * Creates a rendered Kubernetes object as its typed @pulumi/kubernetes resource. The name and
 * namespace come from the skeleton, so they are known in preview; every other field comes from
 * the live rendering when there is one. Never call it inside `apply`.
 */
export function registerKubeObject(name: string, source: KubeObjectSource, opts: pulumi.CustomResourceOptions): pulumi.CustomResource {
  const { skeleton, live, engineAnnotations } = source;
  const factory = FACTORIES[`${skeleton.apiVersion}/${skeleton.kind}`];
  if (!factory) {
    throw new Error(`crosscluster: no Pulumi resource type for ${skeleton.apiVersion}/${skeleton.kind} (${skeleton.metadata.name})`);
  }
  const args: Record<string, unknown> = {};
  for (const field of Object.keys(skeleton)) {
    if (field === 'apiVersion' || field === 'kind' || field === 'metadata') continue;
    args[field] = live ? live.apply((o) => o[field]) : skeleton[field];
  }
  args.metadata = {
    name: skeleton.metadata.name,
    ...(skeleton.metadata.namespace !== undefined ? { namespace: skeleton.metadata.namespace } : {}),
    labels: live ? live.apply((o) => o.metadata.labels) : skeleton.metadata.labels,
    annotations: live
      ? live.apply((o) => withEngineAnnotations(o.metadata.annotations, engineAnnotations))
      : withEngineAnnotations(skeleton.metadata.annotations, engineAnnotations),
  };
  const split = DATA_PATCHES[`${skeleton.apiVersion}/${skeleton.kind}`];
  if (!split) return factory(name, args, opts);
  // pulumi-kubernetes replaces a ConfigMap or Secret (delete, then create) whenever its data changes,
  // unless the user's provider sets enableConfigMapMutable/enableSecretMutable (provider/pkg/provider/diff.go).
  // A scale-up or new SANs would then delete the topology ConfigMap or a certificate Secret under running
  // pods. So the object is registered for its identity (created and deleted with the stack) and its data
  // by a patch resource, which the provider always updates in place (server-side apply, own field manager).
  const identityArgs: Record<string, unknown> = { metadata: args.metadata };
  const dataArgs: Record<string, unknown> = { metadata: { name: skeleton.metadata.name, namespace: skeleton.metadata.namespace } };
  for (const [field, value] of Object.entries(args)) {
    if (field === 'metadata') continue;
    (split.dataFields.includes(field) ? dataArgs : identityArgs)[field] = value;
  }
  const identity = factory(name, identityArgs, opts);
  return split.patch(`${name}-data`, dataArgs, {
    ...opts,
    // The identity object waits for everything the object would have waited for.
    dependsOn: [identity],
    deleteBeforeReplace: undefined,
  });
}

/** ConfigMaps and Secrets: their data goes through a patch resource, updated in place. */
const DATA_PATCHES: Readonly<Record<string, { dataFields: readonly string[]; patch: Factory }>> = {
  'v1/ConfigMap': { dataFields: ['data', 'binaryData'], patch: (n, a, o) => new k8s.core.v1.ConfigMapPatch(n, a, o) },
  'v1/Secret': { dataFields: ['data', 'stringData'], patch: (n, a, o) => new k8s.core.v1.SecretPatch(n, a, o) },
};
