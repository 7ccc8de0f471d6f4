// Validates plain Kubernetes objects against the Kubernetes OpenAPI schema (kubernetes-models)
// and the cert-manager CRD schema (@kubernetes-models/cert-manager).
import * as certManager from '@kubernetes-models/cert-manager/cert-manager.io/v1';
import * as admission from 'kubernetes-models/admissionregistration.k8s.io/v1';
import * as apps from 'kubernetes-models/apps/v1';
import * as batch from 'kubernetes-models/batch/v1';
import * as networking from 'kubernetes-models/networking.k8s.io/v1';
import * as policy from 'kubernetes-models/policy/v1';
import * as rbac from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import * as core from 'kubernetes-models/v1';

type Model = new (data: any) => { validate(): void };

const MODELS: Record<string, Record<string, Model>> = {
  'v1': core as unknown as Record<string, Model>,
  'admissionregistration.k8s.io/v1': admission as unknown as Record<string, Model>,
  'apps/v1': apps as unknown as Record<string, Model>,
  'batch/v1': batch as unknown as Record<string, Model>,
  'networking.k8s.io/v1': networking as unknown as Record<string, Model>,
  'policy/v1': policy as unknown as Record<string, Model>,
  'rbac.authorization.k8s.io/v1': rbac as unknown as Record<string, Model>,
  'cert-manager.io/v1': certManager as unknown as Record<string, Model>,
};

/**
 * The MCS API's `ServiceExport` (sigs.k8s.io/mcs-api v0.5 CRD, v1alpha1; GKE's `net.gke.io/v1` alike) has
 * no spec field a manifest sets: it names the Service to export by its own name and namespace. No npm
 * package models it, so the shape is checked here; the cluster tier applies it to the real CRDs.
 */
const SERVICE_EXPORTS = new Set(['multicluster.x-k8s.io/v1alpha1', 'multicluster.x-k8s.io/v1beta1', 'net.gke.io/v1']);

function validateServiceExport(object: Record<string, any>): void {
  const extra = Object.keys(object).filter((k) => !['apiVersion', 'kind', 'metadata', 'spec'].includes(k));
  const meta = object.metadata ?? {};
  const problems = [
    ...extra.map((k) => `unknown field ${k}`),
    ...(object.spec !== undefined && (typeof object.spec !== 'object' || Object.keys(object.spec).length > 0) ? ['spec must be empty'] : []),
    ...(typeof meta.name !== 'string' || !/^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/.test(meta.name) ? ['metadata.name must be a Service name (DNS-1035 label)'] : []),
    ...(typeof meta.namespace !== 'string' || meta.namespace === '' ? ['metadata.namespace is required (it is the Service\'s)'] : []),
  ];
  if (problems.length > 0) throw new Error(problems.join('; '));
}

/** Throws with the object's identity and the schema error when the object is invalid. */
export function validateKubeObject(object: { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } }): void {
  if (object.kind === 'ServiceExport' && SERVICE_EXPORTS.has(String(object.apiVersion))) {
    try {
      validateServiceExport(object as Record<string, any>);
      return;
    } catch (error) {
      throw new Error(`ServiceExport ${String(object.metadata?.namespace ?? '')}/${String(object.metadata?.name)} fails its schema: ${(error as Error).message}`);
    }
  }
  const group = MODELS[String(object.apiVersion)];
  const model = group?.[String(object.kind)];
  if (!model) {
    throw new Error(`no schema for ${String(object.apiVersion)}/${String(object.kind)}`);
  }
  try {
    new model(object).validate();
  } catch (error) {
    const id = `${String(object.kind)} ${String(object.metadata?.namespace ?? '')}/${String(object.metadata?.name)}`;
    throw new Error(`${id} fails its schema: ${(error as Error).message}`);
  }
}

/** Validates every object; reports all failures at once. */
export function validateKubeObjects(objects: readonly object[]): void {
  const failures: string[] = [];
  for (const o of objects) {
    try {
      validateKubeObject(o as any);
    } catch (error) {
      failures.push((error as Error).message);
    }
  }
  if (failures.length > 0) throw new Error(failures.join('\n'));
}
