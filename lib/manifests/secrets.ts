import { KubeObject } from './kube-object';
import { commonLabels } from './labels';
import { ClusterPlan } from '../core/plan';

/** PEM material of one certificate Secret; the values may be an engine's secret wrappers. */
export interface TlsSecretData<T = string> {
  /** The CA certificate. */
  readonly caCrt: T;
  /** The certificate. */
  readonly tlsCrt: T;
  /** The private key. */
  readonly tlsKey: T;
}

/**
 * A `kubernetes.io/tls` Secret with `ca.crt`, the same keys cert-manager writes, so the pods mount
 * certificates the same way whichever engine issued them.
 */
export function renderTlsSecret<T>(cluster: ClusterPlan, name: string, data: TlsSecretData<T>): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: cluster.namespace, labels: commonLabels(cluster) },
    type: 'kubernetes.io/tls',
    stringData: { 'ca.crt': data.caCrt, 'tls.crt': data.tlsCrt, 'tls.key': data.tlsKey },
  };
}
