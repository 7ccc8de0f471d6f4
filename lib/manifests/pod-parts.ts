import { CERTS_DIR } from './scripts';
import { ClusterPlan, DeploymentPlan } from '../core/plan';
import { CertManagerTlsOptions } from '../core/tls';

/** The user and group every container runs as; also the pods' fsGroup, so mounted keys are group-readable. */
export const RUN_AS = 1000;

/**
 * Mode of the mounted certificate files. With `fsGroup` the kubelet makes them `root:<fsGroup>`
 * 0440; cockroach accepts a key owned by root and by its own group up to 0740 (`pkg/security`
 * checkFilePermissions), so no copy with `chmod` is needed and renewed files arrive in place.
 */
export const CERT_FILE_MODE = 0o440;

/** Pod-level security: non-root, RuntimeDefault seccomp, files group-owned by the cockroach user. */
export function podSecurityContext(): Record<string, unknown> {
  return {
    runAsNonRoot: true,
    runAsUser: RUN_AS,
    runAsGroup: RUN_AS,
    fsGroup: RUN_AS,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** Container-level security: no privilege escalation, no capabilities, read-only root. */
export function containerSecurityContext(): Record<string, unknown> {
  return {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
    privileged: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    runAsUser: RUN_AS,
    runAsGroup: RUN_AS,
  };
}

/** Requests = limits, so the pod is Guaranteed and the 25% cache arithmetic is exact. */
export function fixedResources(cpu: string, memory: string): Record<string, unknown> {
  return { requests: { cpu, memory }, limits: { cpu, memory } };
}

/** The image reference of a cluster, pinned to the version it runs (they differ during a staged upgrade). */
export function cockroachImage(plan: DeploymentPlan, cluster?: ClusterPlan): string {
  return `${plan.cockroach.image}:${cluster?.version ?? plan.cockroach.version}`;
}

/** The image the Jobs of the deployment run: the version of the init cluster. */
export function jobImage(plan: DeploymentPlan): string {
  return cockroachImage(plan, plan.clusters.find((c) => c.runsInit));
}

/** The ConfigMap holding the trusted CA bundle instead of the issuing CA, if the TLS options name one. */
function trustBundleOf(plan: DeploymentPlan): { configMap: string; key: string } | undefined {
  const bundle = plan.tls.kind === 'certManager' ? (plan.tls.options as CertManagerTlsOptions).trustBundle : undefined;
  return bundle ? { configMap: bundle.configMapName, key: bundle.key ?? 'ca.crt' } : undefined;
}

/**
 * The `certs` volume: the certificate Secrets projected with cockroach's file names and mode 0440,
 * mounted as they are (no copy), so the kubelet's updates reach the running process. The CA comes
 * from the trust bundle ConfigMap when one is configured (CA rotation: old and new CA), else from
 * the Secret. The node certificate only for database pods; every pod gets the root client certificate.
 */
export function certsVolume(plan: DeploymentPlan, cluster: ClusterPlan, withNodeCert: boolean): Record<string, unknown> {
  const bundle = trustBundleOf(plan);
  const caItem = { key: 'ca.crt', path: 'ca.crt' };
  const sources: Record<string, unknown>[] = [];
  if (bundle) sources.push({ configMap: { name: bundle.configMap, items: [{ key: bundle.key, path: 'ca.crt' }] } });
  if (withNodeCert) {
    sources.push({
      secret: {
        name: cluster.names.nodeSecret,
        items: [...(bundle ? [] : [caItem]), { key: 'tls.crt', path: 'node.crt' }, { key: 'tls.key', path: 'node.key' }],
      },
    });
  }
  sources.push({
    secret: {
      name: cluster.names.clientSecret,
      items: [...(bundle || withNodeCert ? [] : [caItem]), { key: 'tls.crt', path: 'client.root.crt' }, { key: 'tls.key', path: 'client.root.key' }],
    },
  });
  return { name: 'certs', projected: { defaultMode: CERT_FILE_MODE, sources } };
}

/** The mount of the `certs` volume. */
export function certsMount(): Record<string, unknown> {
  return { name: 'certs', mountPath: CERTS_DIR, readOnly: true };
}
