// The bash the day-2 Jobs run in the CockroachDB image (which has bash and coreutils, no awk or
// procps). Every script is idempotent, bounded (a fixed number of attempts, then a loud failure),
// and talks to the cluster through the `cockroach` CLI only. Each has its own tests, run by bash
// with a stub `cockroach` on PATH (test/manifests/job-scripts.test.ts).
import { CERTS_DIR } from './scripts';
import { quoteIdentifier } from '../core/multi-region-sql';
import { COCKROACH_PORT as COCKROACH_SQL_PORT } from '../core/topology';

/** How a script reaches the cluster. */
export interface Connection {
  /** `host:port` of SQL (the public Service). */
  readonly sqlHost: string;
  /** `host:port` of inter-node RPC (the public Service), for `cockroach node decommission`. */
  readonly rpcHost: string;
  readonly secure: boolean;
}

/** Seconds between two checks of a waiting script. */
export const POLL_SECONDS = 10;

/** Quotes a value for bash (single quotes). */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, '\'\\\'\'')}'`;
}

/** Quotes a SQL string literal. */
export function sqlString(value: string): string {
  return `'${value.replace(/'/g, '\'\'')}'`;
}

/**
 * Shared functions: `sql` (one statement, TSV out), `scalar` (the value of a one-cell query),
 * `nodes_tsv` (`cockroach node status` as TSV; locality has commas, never tabs), `column` (a
 * column of a TSV row by header name) and `health_gate` (no dead node, no under-replicated range).
 */
function prelude(c: Connection): string[] {
  return [
    'set -u',
    `poll_seconds=${POLL_SECONDS}`,
    `conn=(${c.secure ? `--certs-dir=${CERTS_DIR}` : '--insecure'})`,
    `sql_host=${shellQuote(c.sqlHost)}`,
    `rpc_host=${shellQuote(c.rpcHost)}`,
    'sql() { cockroach sql "${conn[@]}" --host="$sql_host" --format=tsv -e "$1"; }',
    'scalar() { local out; out="$(sql "$1")" || return 1; out="${out%$\'\\n\'}"; printf \'%s\' "${out##*$\'\\n\'}"; }',
    'nodes_tsv() { cockroach node status "${conn[@]}" --host="$sql_host" --format=tsv "$@"; }',
    // column <header line> <row> <name>: the row's field under that header.
    'column() {',
    '  local -a names values; local i',
    '  IFS=$\'\\t\' read -r -a names <<<"$1"; IFS=$\'\\t\' read -r -a values <<<"$2"',
    '  for i in "${!names[@]}"; do if [ "${names[$i]}" = "$3" ]; then printf \'%s\' "${values[$i]:-}"; return 0; fi; done',
    '  return 1',
    '}',
    // Prints the number of live-listed nodes that are not live.
    'dead_nodes() {',
    '  local out header row dead=0',
    '  out="$(nodes_tsv)" || return 1',
    '  header="${out%%$\'\\n\'*}"',
    '  while IFS= read -r row; do',
    '    [ -z "$row" ] && continue',
    '    [ "$(column "$header" "$row" is_live)" = false ] && dead=$((dead + 1))',
    '  done <<<"${out#*$\'\\n\'}"',
    '  printf \'%s\' "$dead"',
    '}',
    'under_replicated() { scalar "SELECT coalesce(sum((metrics->>\'ranges.underreplicated\')::DECIMAL)::INT, 0) FROM crdb_internal.kv_store_status"; }',
    'health_gate() {',
    '  local attempt dead under',
    '  for attempt in $(seq 1 "$1"); do',
    '    dead="$(dead_nodes)" || dead="?"',
    '    under="$(under_replicated)" || under="?"',
    '    if [ "$dead" = 0 ] && [ "$under" = 0 ]; then echo "health gate: no dead node, no under-replicated range"; return 0; fi',
    '    echo "health gate, attempt ${attempt}/$1: ${dead} dead node(s), ${under} under-replicated range(s); waiting"',
    '    sleep "$poll_seconds"',
    '  done',
    '  echo "health gate failed after $1 checks: ${dead} dead node(s), ${under} under-replicated range(s). Fix or decommission dead nodes first." >&2',
    '  return 1',
    '}',
  ];
}

/** How many times the multi-region SQL is attempted (all regions must have joined). */
export const SQL_ATTEMPTS = 90;

/**
 * Runs the multi-region statements in order, each idempotent, retrying the whole list until every
 * statement succeeds: a region is accepted only once one of its nodes has joined.
 */
export function multiRegionSqlScript(c: Connection, statements: readonly string[]): string {
  return [
    ...prelude(c),
    `statements=(${statements.map(shellQuote).join(' ')})`,
    `for attempt in $(seq 1 ${SQL_ATTEMPTS}); do`,
    '  failed=""',
    '  for statement in "${statements[@]}"; do',
    '    if ! output="$(sql "$statement" 2>&1)"; then failed="${statement} -> ${output}"; break; fi',
    '  done',
    '  if [ -z "$failed" ]; then echo "applied ${#statements[@]} multi-region statements"; exit 0; fi',
    `  echo "attempt \${attempt}/${SQL_ATTEMPTS}: \${failed}"`,
    '  sleep "$poll_seconds"',
    'done',
    `echo "the multi-region statements did not all succeed after ${SQL_ATTEMPTS} attempts; last: \${failed}" >&2`,
    'exit 1',
  ].join('\n');
}

/** Checks of the health gate before an upgrade step. */
export const HEALTH_ATTEMPTS = 60;

/**
 * Before any StatefulSet rolls: the health gate, a check that the cluster runs `upgrade.from`'s
 * major version (so a wrong `from` cannot skip a major version), then
 * `SET CLUSTER SETTING cluster.preserve_downgrade_option`. Idempotent.
 */
export function preserveDowngradeScript(c: Connection, preserve: string): string {
  return [
    ...prelude(c),
    `health_gate ${HEALTH_ATTEMPTS} || exit 1`,
    'active="$(scalar "SHOW CLUSTER SETTING version")" || { echo "cannot read the cluster version" >&2; exit 1; }',
    `case "$active" in ${shellQuote(preserve)}|${shellQuote(preserve)}-*) ;; *)`,
    `  echo "the cluster version is \${active}, not ${preserve} (the major version of upgrade.from): correct upgrade.from, never skip a major version" >&2; exit 1 ;;`,
    'esac',
    `sql ${shellQuote(`SET CLUSTER SETTING cluster.preserve_downgrade_option = ${sqlString(preserve)};`)} >/dev/null || exit 1`,
    'current="$(scalar "SHOW CLUSTER SETTING cluster.preserve_downgrade_option")" || exit 1',
    `if [ "$current" != ${shellQuote(preserve)} ]; then echo "cluster.preserve_downgrade_option is '\${current}', expected '${preserve}'" >&2; exit 1; fi`,
    `echo "cluster.preserve_downgrade_option = ${preserve}: the StatefulSets may roll, one cluster at a time"`,
  ].join('\n');
}

/** Checks of the finalization gates (every node on the new build; then the cluster version). */
export const FINALIZE_ATTEMPTS = 360;

/**
 * Finalizes once every node runs `toVersion` and the health gate passes: resets
 * `cluster.preserve_downgrade_option`, then waits until the cluster version is `targetMajor`.
 */
export function finalizeScript(c: Connection, toVersion: string, targetMajor: string): string {
  return [
    ...prelude(c),
    `for attempt in $(seq 1 ${FINALIZE_ATTEMPTS}); do`,
    '  out="$(nodes_tsv)" || out=""',
    '  header="${out%%$\'\\n\'*}"; behind=""; count=0',
    '  while IFS= read -r row; do',
    '    [ -z "$row" ] && continue',
    '    count=$((count + 1))',
    `    build="$(column "$header" "$row" build)"; [ "$build" = ${shellQuote(toVersion)} ] || behind="\${behind} $(column "$header" "$row" id)=\${build}"`,
    '  done <<<"${out#*$\'\\n\'}"',
    '  if [ "$count" -gt 0 ] && [ -z "$behind" ]; then break; fi',
    `  echo "attempt \${attempt}/${FINALIZE_ATTEMPTS}: nodes not on ${toVersion} yet:\${behind:- (no node status)}"`,
    `  if [ "$attempt" = ${FINALIZE_ATTEMPTS} ]; then echo "not every node runs ${toVersion}; finalize only once every cluster has rolled" >&2; exit 1; fi`,
    '  sleep "$poll_seconds"',
    'done',
    `health_gate ${HEALTH_ATTEMPTS} || exit 1`,
    `sql ${shellQuote('RESET CLUSTER SETTING cluster.preserve_downgrade_option;')} >/dev/null || exit 1`,
    `for attempt in $(seq 1 ${FINALIZE_ATTEMPTS}); do`,
    '  active="$(scalar "SHOW CLUSTER SETTING version")" || active="?"',
    `  if [ "$active" = ${shellQuote(targetMajor)} ]; then echo "finalized: cluster version \${active}"; exit 0; fi`,
    `  echo "attempt \${attempt}/${FINALIZE_ATTEMPTS}: cluster version \${active}, finalizing to ${targetMajor}"`,
    '  sleep "$poll_seconds"',
    'done',
    `echo "the cluster version did not reach ${targetMajor}" >&2`,
    'exit 1',
  ].join('\n');
}

/** Checks of a decommission (replicas moving away) before it fails: 360 × 10 s = 1 hour. */
export const DECOMMISSION_ATTEMPTS = 360;

/** What the decommission script removes and where it writes the result. */
export interface DecommissionTarget {
  /**
   * The pods whose nodes are decommissioned. Their advertise addresses are read at run time from
   * the mounted topology ConfigMap (`advertise-host.<pod>`), so the Job does not depend on addresses.
   */
  readonly pods: readonly string[];
  /** Where the topology ConfigMap is mounted. */
  readonly topologyDir: string;
  /** The RPC port nodes advertise. */
  readonly rpcPort: number;
  /**
   * Connect through the first join entry rather than `Connection` (a retiring cluster loses every
   * node; the join list holds only clusters that stay).
   * @default false
   */
  readonly viaJoinList?: boolean;
  /** The lowest decommissioned ordinal, written to `resultFile` once verified. */
  readonly fromOrdinal: number;
  /** File the verified result goes to (an emptyDir shared with the recorder). */
  readonly resultFile: string;
  /** For a retiring cluster: the region that must be gone from these databases first. */
  readonly droppedRegion?: { readonly region: string; readonly databases: readonly string[] };
  /**
   * The pods' in-cluster FQDNs, in `pods` order, when the pods learn their advertise address at start
   * (`Networking.podIps`, `Networking.hostNetwork`): the script then finds each pod's address by
   * resolving its FQDN (the headless Service publishes not-ready pods too), and with host networking
   * also accepts the listed node address (`node-address.*` in the topology) that resolves to it.
   * @default - each pod's advertise address from the topology ConfigMap
   */
  readonly fqdns?: readonly string[];
}

/**
 * Decommissions the nodes behind the given addresses and verifies it: for a retiring region, first
 * waits until no managed database has the region; then finds every node id advertised at those
 * addresses (a pod re-created with a new volume has had several), starts the decommission,
 * polls until each has zero replicas, completes it, and checks the membership is `decommissioned`.
 * Bounded: fails loudly, naming the nodes and their replica counts, after
 * {@link DECOMMISSION_ATTEMPTS} checks.
 */
export function decommissionScript(c: Connection, target: DecommissionTarget): string {
  const lines = [
    ...prelude(c),
    // host:port as cockroach prints addresses: IPv6 in brackets.
    'host_port() { case "$1" in *:*) printf \'[%s]:%s\' "$1" "$2" ;; *) printf \'%s:%s\' "$1" "$2" ;; esac; }',
    'targets=()',
    ...(target.fqdns ? [
      // Pods that advertise their pod IP or their node's address: resolve each pod's name.
      'first_address() { getent hosts "$1" | { read -r address _ && printf \'%s\' "$address"; }; }',
      `for fqdn in ${target.fqdns.map(shellQuote).join(' ')}; do`,
      '  ip="$(first_address "$fqdn")"',
      '  [ -n "$ip" ] || { echo "cannot resolve $fqdn to the address its node advertises" >&2; exit 1; }',
      `  targets+=("$(host_port "$ip" ${target.rpcPort})")`,
      `  for listed_file in ${shellQuote(target.topologyDir)}/node-address.*; do`,
      '    [ -s "$listed_file" ] || continue',
      '    listed="$(cat "$listed_file")"',
      `    if [ "$listed" != "$ip" ] && [ "$(first_address "$listed")" = "$ip" ]; then targets+=("$(host_port "$listed" ${target.rpcPort})"); fi`,
      '  done',
      'done',
    ] : [
      `for pod in ${target.pods.map(shellQuote).join(' ')}; do`,
      `  host="$(cat ${shellQuote(target.topologyDir)}/advertise-host."$pod")" || { echo "no advertise address for $pod in the topology ConfigMap" >&2; exit 1; }`,
      `  targets+=("$(host_port "$host" ${target.rpcPort})")`,
      'done',
    ]),
  ];
  if (target.viaJoinList) {
    lines.push(
      `join="$(cat ${shellQuote(target.topologyDir)}/join)"`,
      'rpc_host="${join%%,*}"',
      `sql_host="\${rpc_host%:*}:${COCKROACH_SQL_PORT}"`,
    );
  }
  if (target.droppedRegion) {
    const { region, databases } = target.droppedRegion;
    const query = databases.map((db) =>
      `SELECT region FROM [SHOW REGIONS FROM DATABASE ${quoteIdentifier(db)}] WHERE region = ${sqlString(region)}`).join(' UNION ALL ');
    lines.push(
      `for attempt in $(seq 1 ${DECOMMISSION_ATTEMPTS}); do`,
      `  left="$(scalar ${shellQuote(`SELECT count(*) FROM (${query})`)})" || left="?"`,
      '  [ "$left" = 0 ] && break',
      `  echo "attempt \${attempt}/${DECOMMISSION_ATTEMPTS}: region ${region} is still a region of \${left} database(s); waiting for the multi-region Job to drop it"`,
      `  if [ "$attempt" = ${DECOMMISSION_ATTEMPTS} ]; then echo "region ${region} was not dropped from the databases; its nodes stay" >&2; exit 1; fi`,
      '  sleep "$poll_seconds"',
      'done',
    );
  }
  lines.push(
    // Node ids advertised at the target addresses and not yet decommissioned.
    'find_ids() {',
    '  local out header row address membership target',
    '  out="$(nodes_tsv --all --decommission)" || return 1',
    '  header="${out%%$\'\\n\'*}"; ids=()',
    '  while IFS= read -r row; do',
    '    [ -z "$row" ] && continue',
    '    address="$(column "$header" "$row" address)"; membership="$(column "$header" "$row" membership)"',
    '    for target in "${targets[@]}"; do',
    '      if [ "$address" = "$target" ] && [ "$membership" != decommissioned ]; then ids+=("$(column "$header" "$row" id)"); fi',
    '    done',
    '  done <<<"${out#*$\'\\n\'}"',
    '}',
    'find_ids || { echo "cannot list the nodes" >&2; exit 1; }',
    'if [ "${#ids[@]}" -gt 0 ]; then',
    '  echo "decommissioning node(s) ${ids[*]} at ${targets[*]}"',
    '  cockroach node decommission "${ids[@]}" --wait=none "${conn[@]}" --host="$rpc_host" || exit 1',
    `  for attempt in $(seq 1 ${DECOMMISSION_ATTEMPTS}); do`,
    '    pending=""',
    '    for id in "${ids[@]}"; do',
    '      out="$(nodes_tsv "$id" --decommission)" || { pending="${pending} ${id}=?"; continue; }',
    '      header="${out%%$\'\\n\'*}"; row="${out#*$\'\\n\'}"; row="${row%%$\'\\n\'*}"',
    '      replicas="$(column "$header" "$row" replicas || column "$header" "$row" gossiped_replicas)"',
    '      [ "$replicas" = 0 ] || pending="${pending} ${id}=${replicas}"',
    '    done',
    '    [ -z "$pending" ] && break',
    `    echo "attempt \${attempt}/${DECOMMISSION_ATTEMPTS}: replicas left on node(s):\${pending}"`,
    `    if [ "$attempt" = ${DECOMMISSION_ATTEMPTS} ]; then`,
    `      echo "decommission did not finish after ${DECOMMISSION_ATTEMPTS} checks; replicas left:\${pending}. The remaining nodes may lack room or zones for the replicas (see cockroach node status --decommission)." >&2`,
    '      exit 1',
    '    fi',
    '    sleep "$poll_seconds"',
    '  done',
    // Zero replicas: completing the decommission marks the nodes decommissioned without waiting.
    '  timeout 300 cockroach node decommission "${ids[@]}" --wait=all "${conn[@]}" --host="$rpc_host" || exit 1',
    '  for id in "${ids[@]}"; do',
    '    out="$(nodes_tsv "$id" --all --decommission)" || exit 1',
    '    header="${out%%$\'\\n\'*}"; row="${out#*$\'\\n\'}"; row="${row%%$\'\\n\'*}"',
    '    membership="$(column "$header" "$row" membership)"',
    '    if [ "$membership" != decommissioned ]; then echo "node ${id} is ${membership:-unknown}, not decommissioned" >&2; exit 1; fi',
    '  done',
    '  echo "node(s) ${ids[*]} decommissioned: no replicas left, membership decommissioned"',
    'else',
    '  echo "no node at ${targets[*]} is left to decommission"',
    'fi',
    `printf '%s' ${target.fromOrdinal} > ${shellQuote(target.resultFile)}`,
  );
  return lines.join('\n');
}

/** Where the recorder finds the API token (its own projected volume). */
export const RECORDER_TOKEN_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/**
 * Records a verified decommission in the guard's ConfigMap (sh and curl): the lowest decommissioned
 * ordinal and the StatefulSet's current generation, so the admission policy lets exactly this
 * StatefulSet, unchanged since, scale down to that ordinal.
 */
export function recordDecommissionScript(namespace: string, statefulSet: string, configMap: string, resultFile: string): string {
  const api = 'https://kubernetes.default.svc';
  const curl = 'curl -sS --fail-with-body --max-time 10 --retry 5 --retry-all-errors --cacert "$sa/ca.crt" -H "Authorization: Bearer $(cat "$sa/token")"';
  return [
    'set -eu',
    `sa=${RECORDER_TOKEN_DIR}`,
    `from="$(cat ${shellQuote(resultFile)})"`,
    `sts_json="$(${curl} "${api}/apis/apps/v1/namespaces/${namespace}/statefulsets/${statefulSet}")"`,
    // `generation` appears once in a StatefulSet: in its metadata (status has observedGeneration).
    'generation="$(printf \'%s\' "$sts_json" | tr -d \'\\n\' | sed -n \'s/.*"generation": *\\([0-9][0-9]*\\).*/\\1/p\')"',
    '[ -n "$generation" ] || { echo "no generation in the StatefulSet" >&2; exit 1; }',
    `${curl} -X PATCH -H 'Content-Type: application/merge-patch+json' \\`,
    '  --data "{\\"data\\":{\\"decommissioned-from\\":\\"${from}\\",\\"generation\\":\\"${generation}\\"}}" \\',
    `  "${api}/api/v1/namespaces/${namespace}/configmaps/${configMap}" >/dev/null`,
    `echo "recorded: ordinals >= \${from} of ${statefulSet} (generation \${generation}) are decommissioned"`,
  ].join('\n');
}
