import { ClusterPlan, DeploymentPlan } from '../core/plan';
import { COCKROACH_HTTP_PORT, COCKROACH_PORT } from '../core/topology';

/** Where the pod finds what the ConfigMap says: the join list, the locality and its own address. */
export const TOPOLOGY_DIR = '/cockroach/topology';
/** Where the locality init container writes the node's zone. */
export const LOCALITY_DIR = '/cockroach/locality';
/** Where cockroach reads its certificates (copied here with mode 0400). */
export const CERTS_DIR = '/cockroach/cockroach-certs';
/** Where the certificate Secrets are projected with cockroach's file names. */
export const CERTS_SOURCE_DIR = '/cockroach/certs-source';
/** The data directory (the PVC). */
export const DATA_DIR = '/cockroach/cockroach-data';

/** ConfigMap key with a pod's advertise host. */
export function advertiseKey(podName: string): string {
  return `advertise-host.${podName}`;
}

function quote(value: string): string {
  return `'${value.replace(/'/g, '\'\\\'\'')}'`;
}

/**
 * The start command. Everything that depends on addresses or on the set of clusters is read from
 * the mounted ConfigMap, so the pod template is the same whatever the topology: scaling a cluster
 * or adding one changes ConfigMap data only and restarts no pod.
 */
export function startScript(plan: DeploymentPlan): string {
  const secure = plan.tls.secure;
  const extra = plan.cockroach.extraStartFlags.map(quote).join(' ');
  return [
    'set -eu',
    'pod="$(hostname)"',
    `advertise_file="${TOPOLOGY_DIR}/advertise-host.\${pod}"`,
    'if [ ! -s "$advertise_file" ]; then',
    '  echo "no advertise address for ${pod} in the topology ConfigMap yet; retrying on restart" >&2',
    '  exit 1',
    'fi',
    'locality="$(cat ' + `${TOPOLOGY_DIR}/locality)"`,
    `zone="$(cat ${LOCALITY_DIR}/zone 2>/dev/null || true)"`,
    'if [ -n "$zone" ]; then locality="${locality},zone=${zone}"; fi',
    'exec /cockroach/cockroach start --logtostderr' +
      (secure ? ` --certs-dir=${CERTS_DIR}` : ' --insecure') +
      ' --advertise-host="$(cat "$advertise_file")"' +
      ` --listen-addr=:${COCKROACH_PORT} --http-addr=:${COCKROACH_HTTP_PORT}` +
      ` --join="$(cat ${TOPOLOGY_DIR}/join)"` +
      ' --locality="$locality"' +
      ' --cache="$((MEMORY_LIMIT_MIB / 4))MiB" --max-sql-memory="$((MEMORY_LIMIT_MIB / 4))MiB"' +
      (extra ? ` ${extra}` : ''),
  ].join('\n');
}

/**
 * Reads the node's zone label through the API (the ServiceAccount may only `get` nodes) and writes
 * it for the start script. An unlabelled node gives no zone tier rather than a wrong one.
 */
export function localityScript(): string {
  return [
    'set -eu',
    'sa=/var/run/secrets/kubernetes.io/serviceaccount',
    'node_json="$(curl -sS --fail --max-time 10 --retry 5 --retry-all-errors --cacert "$sa/ca.crt" \\',
    '  -H "Authorization: Bearer $(cat "$sa/token")" \\',
    '  "https://kubernetes.default.svc/api/v1/nodes/${NODE_NAME}")"',
    'zone="$(printf \'%s\' "$node_json" | tr -d \'\\n\' | sed -n \'s/.*"topology\\.kubernetes\\.io\\/zone": *"\\([^"]*\\)".*/\\1/p\')"',
    `printf '%s' "$zone" > ${LOCALITY_DIR}/zone`,
    'echo "node ${NODE_NAME} zone: ${zone:-<none>}"',
  ].join('\n');
}

/** Copies the projected certificates and makes the keys 0400, as cockroach insists (fsGroup adds group bits). */
export function copyCertsScript(): string {
  return `cp -L ${CERTS_SOURCE_DIR}/* ${CERTS_DIR}/ && chmod 0400 ${CERTS_DIR}/*`;
}

/** How many times the init Job tries `cockroach init` before it fails. */
export const INIT_ATTEMPTS = 60;

/**
 * Retries `cockroach init` against pod 0 of the init cluster until it succeeds or reports that the
 * cluster was already initialized: idempotent, and bounded.
 */
export function initScript(plan: DeploymentPlan, cluster: ClusterPlan): string {
  const host = `${cluster.pods[0].fqdn}:${COCKROACH_PORT}`;
  const security = plan.tls.secure ? `--certs-dir=${CERTS_DIR}` : '--insecure';
  return [
    'set -u',
    `for attempt in $(seq 1 ${INIT_ATTEMPTS}); do`,
    `  if output="$(/cockroach/cockroach init ${security} --host=${host} 2>&1)"; then echo "$output"; exit 0; fi`,
    '  echo "attempt ${attempt}: ${output}"',
    '  case "$output" in *"already been initialized"*) exit 0 ;; esac',
    '  sleep 10',
    'done',
    `echo "cockroach init did not succeed after ${INIT_ATTEMPTS} attempts" >&2`,
    'exit 1',
  ].join('\n');
}
