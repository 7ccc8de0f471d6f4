// A stand-in `cockroach` binary for the Jobs' containers when the tier runs them for real (no CockroachDB
// runs here): it answers the CLI calls the library's scripts make as the documented CLI does, from a
// state directory that holds the cluster's nodes. `node status` prints the nodes as TSV (with
// `--decommission`, replicas and membership), `node decommission --wait=none` starts a decommission
// whose replicas drain one per status call, `--wait=all` completes it, and SQL answers the health
// gate (no under-replicated range) and anything else with OK. Every call is logged.
import * as fs from 'fs';
import * as path from 'path';

/** A node of the fake cluster. */
export interface FakeNode {
  readonly id: number;
  /** `host:port` the node advertises. */
  readonly address: string;
  readonly locality: string;
  /** Replicas on the node when a decommission starts. @default 4 */
  readonly replicas?: number;
}

const HEADER = ['id', 'address', 'sql_address', 'build', 'started_at', 'updated_at', 'locality', 'is_available', 'is_live'];
const DECOMMISSION_HEADER = [...HEADER, 'gossiped_replicas', 'is_decommissioning', 'membership', 'is_draining'];

/** Writes the fake cluster's nodes into `state` (replaces what was there). */
export function writeFakeCluster(state: string, nodes: readonly FakeNode[], build = 'v25.2.4'): void {
  fs.mkdirSync(state, { recursive: true });
  const rows = nodes.map((n) => [n.id, n.address, n.address, build, 't', 't', n.locality, 'true', 'true'].join('\t'));
  fs.writeFileSync(path.join(state, 'nodes.tsv'), [HEADER.join('\t'), ...rows].join('\n') + '\n');
  for (const n of nodes) {
    if (!fs.existsSync(path.join(state, `replicas.${n.id}`))) fs.writeFileSync(path.join(state, `replicas.${n.id}`), String(n.replicas ?? 4));
  }
}

/** The regions the fake knows for a database. */
export function fakeRegions(state: string, database: string): string[] {
  const file = path.join(state, `regions.${database}`);
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter((l) => l !== '') : [];
}

/** The calls the fake received, one argument line each. */
export function fakeCalls(state: string): string[] {
  const file = path.join(state, 'calls');
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter((l) => l !== '') : [];
}

/** The body of the stub (bash), for the container runner's `stubs.cockroach`. */
export function fakeCockroach(state: string): string {
  const s = JSON.stringify(state);
  return `
state=${s}
printf '%s\\n' "$*" >> "$state/calls"
membership() { if [ -e "$state/decommissioned.$1" ]; then echo decommissioned; elif [ -e "$state/decommissioning.$1" ]; then echo decommissioning; else echo active; fi; }
status_row() { # id -> the node's row with replicas and membership
  local row r m
  row="$(awk -F'\\t' -v id="$1" 'NR > 1 && $1 == id' "$state/nodes.tsv")"
  r="$(cat "$state/replicas.$1" 2>/dev/null || echo 0)"
  m="$(membership "$1")"
  # A decommissioning node sheds one replica per look.
  if [ "$m" = decommissioning ] && [ "$r" -gt 0 ]; then echo $((r - 1)) > "$state/replicas.$1"; fi
  printf '%s\\t%s\\t%s\\t%s\\tfalse\\n' "$row" "$r" "$([ "$m" = active ] && echo false || echo true)" "$m"
}
ids=(); for a in "$@"; do [[ "$a" =~ ^[0-9]+$ ]] && ids+=("$a"); done
case "$1 $2" in
  "node status")
    if [[ " $* " == *" --decommission "* ]]; then
      printf '%b\\n' "${DECOMMISSION_HEADER.join('\\t')}"
      if [ "\${#ids[@]}" -gt 0 ]; then for id in "\${ids[@]}"; do status_row "$id"; done
      else awk -F'\\t' 'NR > 1 { print $1 }' "$state/nodes.tsv" | while read -r id; do status_row "$id"; done; fi
    else
      cat "$state/nodes.tsv"
    fi ;;
  "node decommission")
    for id in "\${ids[@]}"; do touch "$state/decommissioning.$id"; done
    if [[ " $* " == *" --wait=all "* ]]; then
      for id in "\${ids[@]}"; do
        [ "$(cat "$state/replicas.$id")" = 0 ] || { echo "node $id still has replicas" >&2; exit 1; }
        touch "$state/decommissioned.$id"
      done
    fi
    echo "id	is_live	replicas	is_decommissioning	membership	is_draining"
    for id in "\${ids[@]}"; do echo "$id	true	$(cat "$state/replicas.$id")	true	$(membership "$id")	false"; done ;;
  sql*)
    # A few statements the Jobs run, kept as state: the databases and their regions.
    statement="\${@: -1}"
    case "$statement" in
      *ranges.underreplicated*) printf 'coalesce\\n0\\n' ;;
      *"SHOW REGIONS FROM DATABASE"*)
        region="$(sed -n "s/.*WHERE region = '\\([^']*\\)'.*/\\1/p" <<<"$statement")"
        count=0
        for db in $(grep -o 'SHOW REGIONS FROM DATABASE "[^"]*"' <<<"$statement" | sed 's/.*"\\(.*\\)"/\\1/'); do
          grep -qx "$region" "$state/regions.$db" 2>/dev/null && count=$((count + 1))
        done
        printf 'count\\n%s\\n' "$count" ;;
      *)
        # Each statement of a -e list (';'-separated) in turn.
        while IFS= read -r one; do
          db="$(sed -n 's/.*DATABASE \\(IF NOT EXISTS \\)\\{0,1\\}"\\([^"]*\\)".*/\\2/p' <<<"$one")"
          region="$(sed -n 's/.*REGION \\(IF \\(NOT \\)\\{0,1\\}EXISTS \\)\\{0,1\\}"\\([^"]*\\)".*/\\3/p' <<<"$one")"
          case "$one" in
            *"CREATE DATABASE"*) touch "$state/regions.$db" ;;
            *"PRIMARY REGION"*|*"ADD REGION"*) grep -qx "$region" "$state/regions.$db" 2>/dev/null || echo "$region" >> "$state/regions.$db" ;;
            *"DROP REGION"*) [ -e "$state/regions.$db" ] && { grep -vx "$region" "$state/regions.$db" > "$state/regions.$db.new" || true; mv "$state/regions.$db.new" "$state/regions.$db"; } ;;
          esac
        done < <(tr ';' '\\n' <<<"$statement")
        echo OK ;;
    esac ;;
  *) echo "fake cockroach: unexpected call: $*" >&2; exit 2 ;;
esac`;
}
