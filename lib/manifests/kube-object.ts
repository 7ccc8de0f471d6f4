/** A plain Kubernetes object, as both engines emit it. */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: ObjectMeta;
  readonly [field: string]: unknown;
}

/** The metadata fields the renderers set. */
export interface ObjectMeta {
  readonly name: string;
  readonly namespace?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** `<apiVersion>/<kind>/<namespace>/<name>`: the identity of an object in one cluster. */
export function objectKey(object: KubeObject): string {
  return `${object.apiVersion}/${object.kind}/${object.metadata.namespace ?? ''}/${object.metadata.name}`;
}

/** The label every object of this library carries. */
export const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'crosscluster' } as const;
