import { ClusterPlan, DeploymentPlan } from '../core/plan';
import { COCKROACH_HTTP_PORT, COCKROACH_PORT, COCKROACH_RPC_PORT } from '../core/topology';

/** Where the pod finds what the ConfigMap says: the join list, the locality and its own address. */
export const TOPOLOGY_DIR = '/cockroach/topology';
/** Where the locality init container writes the node's zone. */
export const LOCALITY_DIR = '/cockroach/locality';
/**
 * Where the certificate Secrets are mounted, with cockroach's file names and mode 0440: the kubelet
 * owns the files as root with the pod's fsGroup as group, which cockroach accepts for keys (owned
 * by root and by the process's group, at most 0740: cockroach `pkg/security` checkFilePermissions).
 * The kubelet updates the files in place when a Secret changes; the reloader sends SIGHUP.
 */
export const CERTS_DIR = '/cockroach/cockroach-certs';
/** The data directory (the PVC). */
export const DATA_DIR = '/cockroach/cockroach-data';
/** The WAL failover volume. */
export const WAL_FAILOVER_DIR = '/cockroach/cockroach-wal-failover';
/** Where the encryption-at-rest key Secret is mounted. */
export const ENCRYPTION_DIR = '/cockroach/encryption';
/** Where the log configuration ConfigMap is mounted. */
export const LOG_CONFIG_DIR = '/cockroach/log-config';
/** The log configuration's file name. */
export const LOG_CONFIG_FILE = 'logs.yaml';
/** Seconds between two checks of the mounted certificates. */
export const CERT_RELOAD_SECONDS = 10;

/** ConfigMap key with a pod's advertise host. */
export function advertiseKey(podName: string): string {
  return `advertise-host.${podName}`;
}

function quote(value: string): string {
  return `'${value.replace(/'/g, '\'\\\'\'')}'`;
}

/**
 * The certificate reloader: a bash loop that runs beside cockroach in its own container and sends
 * it SIGHUP when the mounted certificates change (cockroach then reloads its node, client and CA
 * certificates without restarting). It compares `cksum` of the files, which the kubelet replaces
 * atomically through the `..data` symlink. Defines `reload_certs <pid>`.
 */
export function certReloaderFunction(): string[] {
  return [
    `cert_signature() { cksum ${CERTS_DIR}/*.crt ${CERTS_DIR}/*.key 2>/dev/null || true; }`,
    'reload_certs() {',
    '  local last current',
    '  last="$(cert_signature)"',
    '  while :; do',
    `    sleep ${CERT_RELOAD_SECONDS}`,
    '    current="$(cert_signature)"',
    '    if [ -n "$current" ] && [ "$current" != "$last" ]; then',
    `      echo "crosscluster: certificates in ${CERTS_DIR} changed; SIGHUP to cockroach (pid $1) reloads them" >&2`,
    '      kill -HUP "$1" 2>/dev/null || return 0',
    '      last="$current"',
    '    fi',
    '  done',
    '}',
  ];
}

/**
 * The start command. Everything that depends on addresses or on the set of clusters is read from
 * the mounted ConfigMap, so the pod template is the same whatever the topology: scaling a cluster
 * or adding one changes ConfigMap data only and restarts no pod.
 */
export function startScript(plan: DeploymentPlan): string {
  const secure = plan.tls.secure;
  const o = plan.cockroach;
  const extra = o.extraStartFlags.map(quote).join(' ');
  const listen = o.separateSqlPort
    ? ` --listen-addr=:${COCKROACH_RPC_PORT} --sql-addr=:${COCKROACH_PORT} --advertise-sql-addr="$(sql_address "$advertise")"`
    : ` --listen-addr=:${COCKROACH_PORT}`;
  const logging = o.logConfig !== undefined ? ` --log-config-file=${LOG_CONFIG_DIR}/${LOG_CONFIG_FILE}` : ' --logtostderr';
  const wal = o.walFailover ? ` --wal-failover=path=${WAL_FAILOVER_DIR}` : '';
  const encryption = o.encryptionAtRest
    ? ` --enterprise-encryption=path=${DATA_DIR},key=${ENCRYPTION_DIR}/${o.encryptionAtRest.key ?? 'store.key'},old-key=` +
      (o.encryptionAtRest.oldKey ? `${ENCRYPTION_DIR}/${o.encryptionAtRest.oldKey}` : 'plain')
    : '';
  const direct = directAdvertise(plan);
  return [
    'set -eu',
    ...(secure ? certReloaderFunction() : []),
    ...(o.separateSqlPort ? [`sql_address() { case "$1" in *:*) printf '[%s]:${COCKROACH_PORT}' "$1" ;; *) printf '%s:${COCKROACH_PORT}' "$1" ;; esac; }`] : []),
    ...(direct ? direct.check : [
      'pod="$(hostname)"',
      `advertise_file="${TOPOLOGY_DIR}/advertise-host.\${pod}"`,
      'if [ ! -s "$advertise_file" ]; then',
      '  echo "no advertise address for ${pod} in the topology ConfigMap yet; retrying on restart" >&2',
      '  exit 1',
      'fi',
    ]),
    'locality="$(cat ' + `${TOPOLOGY_DIR}/locality)"`,
    `zone="$(cat ${LOCALITY_DIR}/zone 2>/dev/null || true)"`,
    'if [ -n "$zone" ]; then locality="${locality},zone=${zone}"; fi',
    ...(direct ? direct.read : ['advertise="$(cat "$advertise_file")"']),
    // exec keeps this shell's pid, so the reloader started here signals cockroach itself.
    ...(secure ? ['reload_certs "$$" &'] : []),
    'exec cockroach start' + logging +
      (secure ? ` --certs-dir=${CERTS_DIR}` : ' --insecure') +
      ' --advertise-host="$advertise"' +
      `${listen} --http-addr=:${COCKROACH_HTTP_PORT}` +
      ` --join="$(cat ${TOPOLOGY_DIR}/join)"` +
      ' --locality="$locality"' +
      ' --cache="$((MEMORY_LIMIT_MIB / 4))MiB" --max-sql-memory="$((MEMORY_LIMIT_MIB / 4))MiB"' +
      wal + encryption +
      (extra ? ` ${extra}` : ''),
  ].join('\n');
}

/**
 * Where a pod of the direct-path strategies finds its advertise address at start: its pod IP
 * (`Networking.podIps`, downward API), or its node's listed address from the topology ConfigMap
 * (`Networking.hostNetwork`), refused when the node is not listed or its IP is no longer the listed
 * one (a recreated VM): the pod would advertise an address no certificate covers.
 */
function directAdvertise(plan: DeploymentPlan): { check: string[]; read: string[] } | undefined {
  if (plan.networking.kind === 'podIps') {
    return {
      check: ['if [ -z "${POD_IP:-}" ]; then echo "no pod IP in the downward API (status.podIP) yet; retrying on restart" >&2; exit 1; fi'],
      read: ['advertise="$POD_IP"'],
    };
  }
  if (plan.networking.kind !== 'hostNetwork') return undefined;
  return {
    check: [
      `node_file="${TOPOLOGY_DIR}/node-address.\${NODE_NAME}"`,
      'if [ ! -s "$node_file" ]; then',
      '  echo "node ${NODE_NAME} carries the database placement label but is not one of the listed nodes of this cluster (networking.nodes): list it with its static address, or remove the label from it" >&2',
      '  exit 1',
      'fi',
      'listed="$(cat "$node_file")"',
      // A listed IP must be the node's: a VM recreated with a new IP must not advertise a stale one.
      'case "$listed" in',
      '  *:*|*[!0-9.]*) case "$listed" in *:*) [ "$listed" = "$HOST_IP" ] || mismatch=1 ;; esac ;;',
      '  *) [ "$listed" = "$HOST_IP" ] || mismatch=1 ;;',
      'esac',
      'if [ -n "${mismatch:-}" ]; then',
      '  echo "node ${NODE_NAME} has IP ${HOST_IP}, but networking.nodes lists ${listed} for it (was the VM recreated?): update the listed address (and the certificates follow), or reserve the node\'s static IP" >&2',
      '  exit 1',
      'fi',
    ],
    read: ['advertise="$listed"'],
  };
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

/** How many times the init Job tries `cockroach init` before it fails. */
export const INIT_ATTEMPTS = 60;

/**
 * Retries `cockroach init` against pod 0 of the init cluster until it succeeds or reports that the
 * cluster was already initialized: idempotent, and bounded.
 */
export function initScript(plan: DeploymentPlan, cluster: ClusterPlan): string {
  const host = `${cluster.pods[0].fqdn}:${plan.rpcPort}`;
  const security = plan.tls.secure ? `--certs-dir=${CERTS_DIR}` : '--insecure';
  return [
    'set -u',
    `for attempt in $(seq 1 ${INIT_ATTEMPTS}); do`,
    `  if output="$(cockroach init ${security} --host=${host} 2>&1)"; then echo "$output"; exit 0; fi`,
    '  echo "attempt ${attempt}: ${output}"',
    '  case "$output" in *"already been initialized"*) exit 0 ;; esac',
    '  sleep 10',
    'done',
    `echo "cockroach init did not succeed after ${INIT_ATTEMPTS} attempts" >&2`,
    'exit 1',
  ].join('\n');
}
