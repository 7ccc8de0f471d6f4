// The day-2 Jobs' bash, run by real bash with a stub `cockroach` on PATH that records its calls
// and answers as CockroachDB's CLI does (TSV output, exit codes), including failures and hangs.
import * as fs from 'fs';
import * as path from 'path';
import { fast, StubBin, tsv } from '../support/stub-cockroach';
import {
  Connection, DECOMMISSION_ATTEMPTS, decommissionScript, finalizeScript, HEALTH_ATTEMPTS, multiRegionSql, multiRegionSqlScript,
  preserveDowngradeScript, recordDecommissionScript, SQL_ATTEMPTS,
} from 'crosscluster';

const CONN: Connection = { sqlHost: 'cockroachdb-public:26257', rpcHost: 'cockroachdb-public:26257', secure: true };
const NODE_HEADER = ['id', 'address', 'sql_address', 'build', 'started_at', 'updated_at', 'locality', 'is_available', 'is_live'];
const STATUS_HEADER = [...NODE_HEADER, 'gossiped_replicas', 'is_decommissioning', 'membership', 'is_draining'];

let stubs: StubBin;
beforeEach(() => {
  stubs = new StubBin();
});
afterEach(() => stubs.remove());

/** Five nodes; node N at cockroachdb-(N-1).cockroachdb.ns.svc.cluster.local:26257, build v25.2.4. */
function nodeRows(build: (id: number) => string = () => 'v25.2.4', live: (id: number) => boolean = () => true) {
  return [1, 2, 3, 4, 5].map((id) => [id, `cockroachdb-${id - 1}.cockroachdb.ns.svc.cluster.local:26257`, 'x:26257', build(id), 't', 't',
    'region=us-east1,zone=us-east1-b', 'true', String(live(id))]);
}

/** A handler answering `node status` from a file and SQL from a case statement. */
function handler(sqlCases: string, nodeStatus = 'cat "$STATE/nodes.tsv"'): string {
  return [
    'respond() {',
    '  case "$1 $2" in',
    `    "node status") ${nodeStatus} ;;`,
    '    "node decommission") echo "decommission $*" ;;',
    '    sql*)',
    '      local statement="${@: -1}"',
    '      case "$statement" in',
    sqlCases,
    '        *) echo "OK" ;;',
    '      esac ;;',
    '  esac',
    '}',
  ].join('\n');
}

function writeNodes(rows: (string | number)[][], header = NODE_HEADER): void {
  fs.writeFileSync(path.join(stubs.dir, 'nodes.tsv'), tsv([header, ...rows]) + '\n');
}

const HEALTHY_SQL = [
  '        *"ranges.underreplicated"*) printf \'coalesce\\n0\\n\' ;;',
  '        "SHOW CLUSTER SETTING version") printf \'version\\n25.2\\n\' ;;',
  '        "SHOW CLUSTER SETTING cluster.preserve_downgrade_option") printf \'cluster.preserve_downgrade_option\\n%s\\n\' "$(cat "$STATE/preserve" 2>/dev/null)" ;;',
  '        "SET CLUSTER SETTING cluster.preserve_downgrade_option = \'25.2\';") echo 25.2 > "$STATE/preserve"; echo "SET CLUSTER SETTING" ;;',
].join('\n');

describe('multi-region SQL Job', () => {
  const statements = multiRegionSql('defaultdb', 'us-east1', ['us-east1', 'us-west1', 'eu-west-1'], 'region');

  test('runs every statement once, in order, with the client certificates, and succeeds', () => {
    stubs.stub('cockroach', handler(''));
    const r = stubs.run(fast(multiRegionSqlScript(CONN, statements)));
    expect(r.status).toBe(0);
    const calls = stubs.calls('cockroach');
    expect(calls).toEqual(statements.map((s) => `sql --certs-dir=/cockroach/cockroach-certs --host=cockroachdb-public:26257 --format=tsv -e ${s}`));
    expect(r.stdout).toContain(`applied ${statements.length} multi-region statements`);
  });

  test('retries the whole list while a region has not joined yet, then succeeds', () => {
    stubs.stub('cockroach', handler([
      '        *"ADD REGION IF NOT EXISTS \\"eu-west-1\\""*)',
      '          n=$(( $(cat "$STATE/tries" 2>/dev/null || echo 0) + 1 )); echo $n > "$STATE/tries"',
      '          if [ $n -le 2 ]; then echo \'ERROR: region "eu-west-1" does not exist\' >&2; return 1; fi; echo OK ;;',
    ].join('\n')));
    const r = stubs.run(fast(multiRegionSqlScript(CONN, statements)));
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('attempt 1/90: ALTER DATABASE "defaultdb" ADD REGION IF NOT EXISTS "eu-west-1"; -> ERROR: region "eu-west-1" does not exist');
    expect(stubs.calls('cockroach').filter((c) => c.includes('PRIMARY REGION'))).toHaveLength(3);
  });

  test('idempotent: against a database that keeps its regions, a second run changes nothing and succeeds', () => {
    // The stub keeps the regions as CockroachDB does: ADD REGION of a present region fails unless IF NOT EXISTS.
    stubs.stub('cockroach', handler([
      '        *"PRIMARY REGION"*) r="${statement##*REGION \\"}"; r="${r%%\\"*}"; grep -qx "$r" "$STATE/regions" 2>/dev/null || echo "$r" >> "$STATE/regions"; echo OK ;;',
      '        *"ADD REGION"*) r="${statement##*\\"}"; r="${statement%\\";}"; r="${r##*\\"}"',
      '          if grep -qx "$r" "$STATE/regions" 2>/dev/null; then case "$statement" in *"IF NOT EXISTS"*) echo "NOTICE: region already added" ;; *) echo "ERROR: region \\"$r\\" already added" >&2; return 1 ;; esac',
      '          else echo "$r" >> "$STATE/regions"; echo OK; fi ;;',
    ].join('\n')));
    const script = fast(multiRegionSqlScript(CONN, statements));
    expect(stubs.run(script).status).toBe(0);
    const after = fs.readFileSync(path.join(stubs.dir, 'regions'), 'utf8');
    expect(after.split('\n').filter(Boolean).sort()).toEqual(['eu-west-1', 'us-east1', 'us-west1']);
    const second = stubs.run(script);
    expect(second.status).toBe(0);
    expect(fs.readFileSync(path.join(stubs.dir, 'regions'), 'utf8')).toBe(after);
    // The same statements without IF NOT EXISTS would fail on the second run: the stub does enforce it.
    expect(stubs.run(fast(multiRegionSqlScript(CONN, statements.map((s) => s.replace(' IF NOT EXISTS', ''))))).stdout).toContain('already added');
  });

  test('fails loudly after a bounded number of attempts', () => {
    stubs.stub('cockroach', handler('        *"SURVIVE"*) echo "ERROR: region survival needs 3 regions" >&2; return 1 ;;'));
    const r = stubs.run(fast(multiRegionSqlScript(CONN, statements)));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`did not all succeed after ${SQL_ATTEMPTS} attempts`);
    expect(stubs.calls('cockroach').filter((c) => c.includes('SURVIVE'))).toHaveLength(SQL_ATTEMPTS);
  });
});

describe('upgrade: preserve_downgrade_option', () => {
  test('after the health gate, sets the option to the running major version and verifies it', () => {
    writeNodes(nodeRows());
    stubs.stub('cockroach', handler(HEALTHY_SQL));
    const r = stubs.run(fast(preserveDowngradeScript(CONN, '25.2')));
    expect(r.status).toBe(0);
    const calls = stubs.calls('cockroach');
    const set = calls.findIndex((c) => c.includes("SET CLUSTER SETTING cluster.preserve_downgrade_option = '25.2';"));
    expect(set).toBeGreaterThan(calls.findIndex((c) => c.includes('ranges.underreplicated')));
    expect(calls.findIndex((c) => c.startsWith('node status'))).toBeLessThan(set);
    // Idempotent: a second run sets the same value and succeeds.
    expect(stubs.run(fast(preserveDowngradeScript(CONN, '25.2'))).status).toBe(0);
  });

  test('waits while a node is dead, then proceeds', () => {
    writeNodes(nodeRows(undefined, (id) => id !== 3));
    stubs.stub('cockroach', handler(HEALTHY_SQL, [
      'n=$(( $(cat "$STATE/polls" 2>/dev/null || echo 0) + 1 )); echo $n > "$STATE/polls"',
      '      if [ $n -ge 3 ]; then sed -i "s/\\tfalse$/\\ttrue/" "$STATE/nodes.tsv"; fi; cat "$STATE/nodes.tsv"',
    ].join('\n')));
    const r = stubs.run(fast(preserveDowngradeScript(CONN, '25.2')));
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('health gate, attempt 1/60: 1 dead node(s), 0 under-replicated range(s); waiting');
  });

  test('refuses when ranges stay under-replicated, without touching the setting', () => {
    writeNodes(nodeRows());
    stubs.stub('cockroach', handler(`        *"ranges.underreplicated"*) printf 'coalesce\\n12\\n' ;;\n${HEALTHY_SQL}`));
    const r = stubs.run(fast(preserveDowngradeScript(CONN, '25.2')));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`health gate failed after ${HEALTH_ATTEMPTS} checks: 0 dead node(s), 12 under-replicated range(s)`);
    expect(stubs.calls('cockroach').some((c) => c.includes('SET CLUSTER SETTING'))).toBe(false);
  });

  test('refuses when the cluster does not run upgrade.from (a skipped major version)', () => {
    writeNodes(nodeRows());
    stubs.stub('cockroach', handler(`        "SHOW CLUSTER SETTING version") printf 'version\\n24.3\\n' ;;\n${HEALTHY_SQL}`));
    const r = stubs.run(fast(preserveDowngradeScript(CONN, '25.2')));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('the cluster version is 24.3, not 25.2');
    expect(stubs.calls('cockroach').some((c) => c.includes('SET CLUSTER SETTING'))).toBe(false);
  });
});

describe('upgrade: finalization', () => {
  const finalizeSql = [
    '        *"ranges.underreplicated"*) printf \'coalesce\\n0\\n\' ;;',
    '        "RESET CLUSTER SETTING cluster.preserve_downgrade_option;") touch "$STATE/reset"; echo RESET ;;',
    '        "SHOW CLUSTER SETTING version") if [ -e "$STATE/reset" ]; then printf \'version\\n25.3\\n\'; else printf \'version\\n25.2\\n\'; fi ;;',
  ].join('\n');

  test('waits until every node runs the new build, then resets the option and waits for the cluster version', () => {
    writeNodes(nodeRows((id) => (id === 5 ? 'v25.2.4' : 'v25.3.1')));
    stubs.stub('cockroach', handler(finalizeSql, [
      'n=$(( $(cat "$STATE/polls" 2>/dev/null || echo 0) + 1 )); echo $n > "$STATE/polls"',
      '      if [ $n -ge 2 ]; then sed -i "s/v25.2.4/v25.3.1/" "$STATE/nodes.tsv"; fi; cat "$STATE/nodes.tsv"',
    ].join('\n')));
    const r = stubs.run(fast(finalizeScript(CONN, 'v25.3.1', '25.3')));
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('nodes not on v25.3.1 yet: 5=v25.2.4');
    expect(r.stdout).toContain('finalized: cluster version 25.3');
  });

  test('never resets while a cluster still runs the old build', () => {
    writeNodes(nodeRows((id) => (id === 5 ? 'v25.2.4' : 'v25.3.1')));
    stubs.stub('cockroach', handler(finalizeSql));
    const r = stubs.run(fast(finalizeScript(CONN, 'v25.3.1', '25.3')), 120_000);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('not every node runs v25.3.1');
    expect(stubs.calls('cockroach').some((c) => c.includes('RESET'))).toBe(false);
  });
});

describe('decommission', () => {
  const dir = () => stubs.dir;
  const script = (extra: Partial<Parameters<typeof decommissionScript>[1]> = {}) => {
    // The topology ConfigMap as mounted: each pod's advertise host, and the join list.
    const topology = path.join(dir(), 'topology');
    fs.mkdirSync(topology, { recursive: true });
    for (const i of [0, 1, 2, 3, 4]) fs.writeFileSync(path.join(topology, `advertise-host.cockroachdb-${i}`), `cockroachdb-${i}.cockroachdb.ns.svc.cluster.local`);
    fs.writeFileSync(path.join(topology, 'join'), 'db-0.other.example:26257,db-1.other.example:26257');
    return fast(decommissionScript(
      { ...CONN, rpcHost: 'cockroachdb-0.cockroachdb.ns.svc.cluster.local:26257' },
      { pods: ['cockroachdb-3', 'cockroachdb-4'], topologyDir: topology, rpcPort: 26257, fromOrdinal: 3, resultFile: path.join(dir(), 'result'), ...extra },
    ));
  };
  /** `node status --all --decommission` from nodes.tsv; `node status <id> --decommission` with replicas from replicas.<id>. */
  const statusHandler = (sqlCases = '', decommission = 'echo "decommission $*"') => [
    'respond() {',
    '  case "$1 $2" in',
    '    "node status")',
    '      local id=""; for a in "$@"; do [[ "$a" =~ ^[0-9]+$ ]] && id="$a"; done',
    '      if [ -n "$id" ]; then',
    '        r="$(cat "$STATE/replicas.$id" 2>/dev/null || echo 0)"; m=decommissioning; [ -e "$STATE/done.$id" ] && m=decommissioned',
    '        [ "$r" -gt 0 ] && echo $((r - 1)) > "$STATE/replicas.$id"',
    `        printf '%b\\n' "${STATUS_HEADER.join('\\t')}" "$id\\taddr\\tx\\tv25.2.4\\tt\\tt\\tregion=r,zone=z\\ttrue\\ttrue\\t$r\\ttrue\\t$m\\tfalse"`,
    '      else cat "$STATE/nodes.tsv"; fi ;;',
    '    "node decommission")',
    '      case "$*" in *--wait=all*) for id in "$3" "$4"; do touch "$STATE/done.$id"; done ;; esac',
    `      ${decommission} ;;`,
    '    sql*) local statement="${@: -1}"; case "$statement" in',
    sqlCases,
    '      *) echo OK ;; esac ;;',
    '  esac',
    '}',
  ].join('\n');
  const statusRows = (membership: (id: number) => string = () => 'active') =>
    nodeRows().map((row) => [...row, '10', 'false', membership(Number(row[0])), 'false']);

  test('finds the node ids behind the highest ordinals, waits for zero replicas, completes and verifies, then writes the result', () => {
    writeNodes(statusRows(), STATUS_HEADER);
    fs.writeFileSync(path.join(dir(), 'replicas.4'), '3');
    fs.writeFileSync(path.join(dir(), 'replicas.5'), '2');
    stubs.stub('cockroach', statusHandler());
    const r = stubs.run(script());
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const calls = stubs.calls('cockroach');
    expect(calls[0]).toBe('node status --certs-dir=/cockroach/cockroach-certs --host=cockroachdb-public:26257 --format=tsv --all --decommission');
    expect(calls).toContain('node decommission 4 5 --wait=none --certs-dir=/cockroach/cockroach-certs --host=cockroachdb-0.cockroachdb.ns.svc.cluster.local:26257');
    const completeAt = calls.indexOf('node decommission 4 5 --wait=all --certs-dir=/cockroach/cockroach-certs --host=cockroachdb-0.cockroachdb.ns.svc.cluster.local:26257');
    expect(completeAt).toBeGreaterThan(1);
    expect(r.stdout).toContain('replicas left on node(s): 4=3 5=2');
    expect(r.stdout).toContain('node(s) 4 5 decommissioned: no replicas left, membership decommissioned');
    expect(fs.readFileSync(path.join(dir(), 'result'), 'utf8')).toBe('3');
  });

  test('replicas that never move: fails loudly within the bound, and records nothing', () => {
    writeNodes(statusRows(), STATUS_HEADER);
    stubs.stub('cockroach', statusHandler().replace('[ "$r" -gt 0 ] && echo $((r - 1)) > "$STATE/replicas.$id"', ':').replace('echo 0)"; m=', 'echo 7)"; m='));
    const started = Date.now();
    const r = stubs.run(script(), 120_000);
    expect(r.timedOut).toBe(false);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`decommission did not finish after ${DECOMMISSION_ATTEMPTS} checks; replicas left: 4=7 5=7`);
    expect(fs.existsSync(path.join(dir(), 'result'))).toBe(false);
    expect(Date.now() - started).toBeLessThan(120_000);
  });

  test('a decommission that hangs is cut off by the bounded wait and fails, recording nothing', () => {
    writeNodes(statusRows(), STATUS_HEADER);
    stubs.stub('cockroach', statusHandler('', 'case "$*" in *--wait=all*) sleep 600 ;; esac'));
    const r = stubs.run(script(), 60_000);
    expect(r.timedOut).toBe(false);
    expect(r.status).not.toBe(0);
    expect(fs.existsSync(path.join(dir(), 'result'))).toBe(false);
  });

  test('idempotent: nodes already decommissioned are not touched again, and the result is written', () => {
    writeNodes(statusRows((id) => (id >= 4 ? 'decommissioned' : 'active')), STATUS_HEADER);
    stubs.stub('cockroach', statusHandler());
    const r = stubs.run(script());
    expect(r.status).toBe(0);
    expect(stubs.calls('cockroach').some((c) => c.startsWith('node decommission'))).toBe(false);
    expect(r.stdout).toContain('no node at');
    expect(fs.readFileSync(path.join(dir(), 'result'), 'utf8')).toBe('3');
  });

  test('retiring: waits until the region is dropped from every managed database before decommissioning', () => {
    writeNodes(statusRows(), STATUS_HEADER);
    stubs.stub('cockroach', statusHandler([
      '      *"SHOW REGIONS FROM DATABASE"*) n=$(( $(cat "$STATE/checks" 2>/dev/null || echo 0) + 1 )); echo $n > "$STATE/checks"',
      '        if [ $n -le 2 ]; then printf \'count\\n1\\n\'; else printf \'count\\n0\\n\'; fi ;;',
    ].join('\n')));
    const r = stubs.run(script({ viaJoinList: true, droppedRegion: { region: 'eu-west-1', databases: ['defaultdb', 'app'] } }));
    expect(r.status).toBe(0);
    // A retiring cluster loses all its nodes: the Job talks to the first join entry, a cluster that stays.
    expect(stubs.calls('cockroach').filter((c) => c.startsWith('node decommission')).every((c) => c.endsWith('--host=db-0.other.example:26257'))).toBe(true);
    expect(stubs.calls('cockroach')[0]).toContain('--host=db-0.other.example:26257');
    expect(r.stdout).toContain('region eu-west-1 is still a region of 1 database(s)');
    const calls = stubs.calls('cockroach');
    const lastCheck = calls.map((c, i) => (c.includes('SHOW REGIONS') ? i : -1)).reduce((a, b) => Math.max(a, b));
    expect(calls[lastCheck]).toContain('[SHOW REGIONS FROM DATABASE "defaultdb"] WHERE region = \'eu-west-1\' UNION ALL');
    expect(calls.findIndex((c) => c.startsWith('node decommission'))).toBeGreaterThan(lastCheck);
  });
});

describe('recording a decommission for the guard', () => {
  test('reads the StatefulSet generation and patches the ConfigMap with it', () => {
    fs.writeFileSync(path.join(stubs.dir, 'result'), '3');
    stubs.stub('curl', [
      'respond() {',
      '  case "$*" in',
      '    *statefulsets*) printf \'{\\n  "metadata": {\\n    "name": "cockroachdb",\\n    "generation": 7,\\n    "labels": {"a": "b"}\\n  },\\n  "status": {"observedGeneration": 6}\\n}\' ;;',
      '    *configmaps*) echo "{}" ;;',
      '  esac',
      '}',
    ].join('\n'));
    const script = recordDecommissionScript('ns', 'cockroachdb', 'cockroachdb-decommissioned', path.join(stubs.dir, 'result'))
      .replace('sa=/var/run/secrets/kubernetes.io/serviceaccount', `sa=${stubs.dir}`);
    fs.writeFileSync(path.join(stubs.dir, 'token'), 'token');
    const r = stubs.run(script);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const [get, patch] = stubs.calls('curl');
    expect(get).toContain('https://kubernetes.default.svc/apis/apps/v1/namespaces/ns/statefulsets/cockroachdb');
    expect(patch).toContain('-X PATCH -H Content-Type: application/merge-patch+json --data {"data":{"decommissioned-from":"3","generation":"7"}}');
    expect(patch).toContain('https://kubernetes.default.svc/api/v1/namespaces/ns/configmaps/cockroachdb-decommissioned');
  });
});
