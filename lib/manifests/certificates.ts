import { KubeObject } from './kube-object';
import { commonLabels } from './labels';
import { ClusterPlan, DeploymentPlan } from '../core/plan';
import { usesPodCertificates } from '../core/strategies/pod-ips';
import { CertManagerTlsOptions } from '../core/tls';

/** The cert-manager defaults. */
export const CERT_MANAGER_DEFAULTS = {
  caSecretName: 'cockroachdb-ca',
  issuerName: 'cockroachdb-ca',
  duration: '8760h',
  renewBefore: '720h',
} as const;

/** cert-manager options with defaults filled in. */
export function resolveCertManagerOptions(options: CertManagerTlsOptions): Required<Omit<CertManagerTlsOptions, 'trustBundle'>> & Pick<CertManagerTlsOptions, 'trustBundle'> {
  return { ...CERT_MANAGER_DEFAULTS, ...stripUndefined(options) };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * The cert-manager objects of one cluster: a CA Issuer on the shared CA Secret, the node
 * Certificate (CN `node`, server and client auth, the cluster's complete SAN plan) and the root
 * client Certificate (CN `root`). Keys are created inside the cluster; none is in the YAML.
 * Empty unless the TLS strategy is cert-manager.
 */
export function renderCertificates(plan: DeploymentPlan, cluster: ClusterPlan): KubeObject[] {
  if (plan.tls.kind !== 'certManager') return [];
  const o = resolveCertManagerOptions(plan.tls.options as CertManagerTlsOptions);
  const labels = commonLabels(cluster);
  const ns = cluster.namespace;
  const issuerRef = { name: o.issuerName, kind: 'Issuer', group: 'cert-manager.io' };
  const privateKey = { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' };
  // With pod IPs each pod applies a Certificate of its own at start (pod-certificates.ts).
  const perPod = usesPodCertificates(plan);
  return [
    {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Issuer',
      metadata: { name: o.issuerName, namespace: ns, labels },
      spec: { ca: { secretName: o.caSecretName } },
    },
    ...perPod ? [] : [{
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name: cluster.names.nodeSecret, namespace: ns, labels },
      spec: {
        secretName: cluster.names.nodeSecret,
        commonName: 'node',
        usages: ['digital signature', 'key encipherment', 'server auth', 'client auth'],
        dnsNames: [...cluster.nodeCertSans.dnsNames],
        ipAddresses: [...cluster.nodeCertSans.ipAddresses],
        duration: o.duration,
        renewBefore: o.renewBefore,
        privateKey,
        issuerRef,
      },
    }],
    {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name: cluster.names.clientSecret, namespace: ns, labels },
      spec: {
        secretName: cluster.names.clientSecret,
        commonName: 'root',
        usages: ['digital signature', 'key encipherment', 'client auth'],
        duration: o.duration,
        renewBefore: o.renewBefore,
        privateKey,
        issuerRef,
      },
    },
  ];
}
