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

/** Throws with the object's identity and the schema error when the object is invalid. */
export function validateKubeObject(object: { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } }): void {
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
