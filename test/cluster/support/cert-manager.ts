// cert-manager in the real-control-plane tier: the CRDs, applied by the real kubectl, and the real
// cert-manager controller (our build of its public packages, test/cluster/cert-manager-controller, made
// by scripts/build-cert-manager.sh) as a long-running child process of the suite. It runs the Issuer
// (CA, SelfSigned), CertificateRequest (auto-approval, CA and SelfSigned signing) and Certificate
// (issuance, renewal, key rotation) control loops; no webhook, no ACME, no ClusterIssuers.
import * as fs from 'fs';
import * as path from 'path';
import { certManagerCrdDir, tool } from './tools';
import { ManagedProcess, ProcessGroup, runOk, waitFor } from '../../e2e/support/processes';

/** The line the controller prints to stderr once its informer caches have synced. */
export const CERT_MANAGER_READY_LINE = 'cert-manager-controller: ready';

/** The CRDs the controller needs before it can sync its informers. */
export const CERT_MANAGER_CRDS = [
  'certificates.cert-manager.io',
  'certificaterequests.cert-manager.io',
  'issuers.cert-manager.io',
  'clusterissuers.cert-manager.io',
  'orders.acme.cert-manager.io',
  'challenges.acme.cert-manager.io',
] as const;

/** Options of {@link startCertManager}. */
export interface StartCertManagerOptions {
  /** The kubeconfig of the one API server the controller manages. */
  readonly kubeconfig: string;
  /** The suite's process group; its `stopAll` (in afterAll) stops the controller. */
  readonly group: ProcessGroup;
  /** The process name in failure messages (default `cert-manager`); name it after the cluster when there are several. */
  readonly name?: string;
  /** Watch only this namespace (default: all namespaces). */
  readonly namespace?: string;
  /** klog verbosity (default 2: one line per issuance step, enough to debug a failed wait). */
  readonly verbosity?: number;
  /** How long to wait for the informer caches to sync (default 60 s). */
  readonly readyTimeoutMs?: number;
  /** Further controller flags, e.g. `--certificate-request-minimum-backoff-duration=10s`. */
  readonly extraArgs?: readonly string[];
}

/**
 * Starts the cert-manager controller for one API server and resolves once its caches have synced
 * (bounded). The CRDs must be installed first ({@link installCertManagerCrds}). The process belongs
 * to `options.group`: the caller stops it with `group.stopAll()` (or `process.stop()`).
 */
export async function startCertManager(options: StartCertManagerOptions): Promise<ManagedProcess> {
  const args = [
    `--kubeconfig=${options.kubeconfig}`,
    `--v=${options.verbosity ?? 2}`,
    ...(options.namespace ? [`--namespace=${options.namespace}`] : []),
    ...(options.extraArgs ?? []),
  ];
  const controller = options.group.start(options.name ?? 'cert-manager', tool('cert-manager-controller'), args);
  // The controller gives up on its own after --cache-sync-timeout (2 min); the wait here is shorter.
  await waitFor(`${controller.name} controller caches synced`, async () => controller.output.includes(CERT_MANAGER_READY_LINE),
    { timeoutMs: options.readyTimeoutMs ?? 60_000, process: controller });
  return controller;
}

/**
 * Installs the cert-manager CRDs with the real `kubectl apply --server-side` (bounded) and waits until
 * the API server serves them (`kubectl wait --for condition=established`, bounded).
 */
export async function installCertManagerCrds(kubeconfig: string, options: { timeoutMs?: number } = {}): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const dir = certManagerCrdDir();
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();
  if (files.length === 0) throw new Error(`no cert-manager CRDs in ${dir}: run scripts/build-cert-manager.sh`);
  const kubectl = tool('kubectl');
  await runOk(kubectl, [
    `--kubeconfig=${kubeconfig}`, 'apply', '--server-side', '--field-manager=crosscluster-test',
    ...files.flatMap((f) => ['-f', path.join(dir, f)]),
  ], { timeoutMs });
  await runOk(kubectl, [
    `--kubeconfig=${kubeconfig}`, 'wait', '--for=condition=established', `--timeout=${Math.ceil(timeoutMs / 1000)}s`,
    ...CERT_MANAGER_CRDS.map((crd) => `crd/${crd}`),
  ], { timeoutMs: timeoutMs + 5_000 });
}
