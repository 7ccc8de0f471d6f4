// The certificate reloader for real: the StatefulSet's start script runs with bash against a stub
// `cockroach` that counts the SIGHUPs it receives, while the certificate files are swapped the
// way the kubelet updates a Secret volume (a new timestamped directory, then an atomic rename of
// the `..data` symlink), and with the modes the kubelet gives them (0440, group = fsGroup).
import { ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { StubBin } from '../support/stub-cockroach';
import { dnsChainTopology, THREE_CLUSTERS } from '../support/topologies';
import { CERT_FILE_MODE, CERT_RELOAD_SECONDS, planDeployment, renderDatabase, Tls } from 'crosscluster';

const FILES = ['ca.crt', 'node.crt', 'node.key', 'client.root.crt', 'client.root.key'];

/** Writes one version of the Secret volume, as the kubelet's atomic writer does. */
function writeVersion(certsDir: string, version: number): void {
  const stamp = `..2026_01_01_00_00_0${version}.00000000${version}`;
  const dir = path.join(certsDir, stamp);
  fs.mkdirSync(dir);
  for (const file of FILES) {
    fs.writeFileSync(path.join(dir, file), `-----BEGIN ${file} v${version}-----\n`);
    fs.chmodSync(path.join(dir, file), CERT_FILE_MODE);
  }
  const tmp = path.join(certsDir, '..data_tmp');
  fs.symlinkSync(stamp, tmp);
  const previous = fs.existsSync(path.join(certsDir, '..data')) ? fs.readlinkSync(path.join(certsDir, '..data')) : undefined;
  fs.renameSync(tmp, path.join(certsDir, '..data'));
  for (const file of FILES) {
    if (!fs.existsSync(path.join(certsDir, file))) fs.symlinkSync(path.join('..data', file), path.join(certsDir, file));
  }
  if (previous) fs.rmSync(path.join(certsDir, previous), { recursive: true });
}

async function waitFor(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

describe('the SIGHUP reloader in the start script', () => {
  let stubs: StubBin;
  let root: string;
  let child: ChildProcess | undefined;
  const hups = () => (fs.existsSync(path.join(stubs.dir, 'hups')) ? Number(fs.readFileSync(path.join(stubs.dir, 'hups'), 'utf8')) : 0);

  beforeEach(() => {
    stubs = new StubBin();
    root = path.join(stubs.dir, 'root');
    for (const d of ['topology', 'locality', 'cockroach-certs']) fs.mkdirSync(path.join(root, d), { recursive: true });
    fs.writeFileSync(path.join(root, 'topology', 'join'), 'a:26257,b:26257');
    fs.writeFileSync(path.join(root, 'topology', 'locality'), 'cloud=gcp,region=us-east1');
    fs.writeFileSync(path.join(root, 'topology', `advertise-host.${os.hostname()}`), 'cockroachdb-0.cockroachdb.us-east1.svc.cluster.local');
    fs.writeFileSync(path.join(root, 'locality', 'zone'), 'us-east1-b');
    writeVersion(path.join(root, 'cockroach-certs'), 1);
    // `cockroach start`: records its arguments and its pid, counts SIGHUPs, runs until terminated.
    stubs.stub('cockroach', [
      'respond() {',
      '  echo "$$" > "$STATE/pid"; printf \'%s\\n\' "$@" > "$STATE/args"',
      '  trap \'n=$(( $(cat "$STATE/hups" 2>/dev/null || echo 0) + 1 )); echo $n > "$STATE/hups"\' HUP',
      '  trap \'exit 0\' TERM',
      '  while :; do sleep 0.05; done',
      '}',
    ].join('\n'));
  });

  afterEach(async () => {
    if (child && child.exitCode === null) {
      // Kill the whole process group: the script's pid (now cockroach) and the background reloader.
      process.kill(-child.pid!, 'SIGKILL');
    }
    stubs.remove();
  });

  function startScript(): string {
    const plan = planDeployment(dnsChainTopology(THREE_CLUSTERS, { tls: Tls.certManager() }));
    const sts: any = renderDatabase(plan, plan.clusters[0]).find((o) => o.kind === 'StatefulSet');
    const script: string = sts.spec.template.spec.containers[0].command[2];
    expect(script).toContain(`sleep ${CERT_RELOAD_SECONDS}`);
    return script.replace(/\/cockroach\//g, `${root}/`).replace(`sleep ${CERT_RELOAD_SECONDS}`, 'sleep 0.1');
  }

  test('cockroach is exec\'d with the mounted certificates, and every kubelet swap of ..data gives it exactly one SIGHUP', async () => {
    const { spawn } = await import('child_process');
    child = spawn('bash', ['-c', startScript()], { env: stubs.env({ MEMORY_LIMIT_MIB: '8192' }), stdio: 'ignore', detached: true });
    expect(await waitFor(() => fs.existsSync(path.join(stubs.dir, 'pid')), 10_000)).toBe(true);
    // exec kept the script's pid: the process the reloader signals is cockroach itself.
    expect(Number(fs.readFileSync(path.join(stubs.dir, 'pid'), 'utf8'))).toBe(child.pid);
    const args = fs.readFileSync(path.join(stubs.dir, 'args'), 'utf8').split('\n');
    expect(args).toContain(`--certs-dir=${root}/cockroach-certs`);
    expect(args).toContain('--locality=cloud=gcp,region=us-east1,zone=us-east1-b');

    await new Promise((r) => setTimeout(r, 600));
    expect(hups()).toBe(0);
    writeVersion(path.join(root, 'cockroach-certs'), 2);
    expect(await waitFor(() => hups() === 1, 5_000)).toBe(true);
    await new Promise((r) => setTimeout(r, 600));
    expect(hups()).toBe(1);
    writeVersion(path.join(root, 'cockroach-certs'), 3);
    expect(await waitFor(() => hups() === 2, 5_000)).toBe(true);
    await new Promise((r) => setTimeout(r, 600));
    expect(hups()).toBe(2);
    // The files the process reads are the new ones, through the symlinks, with the kubelet's mode.
    const key = path.join(root, 'cockroach-certs', 'node.key');
    expect(fs.readFileSync(key, 'utf8')).toContain('node.key v3');
    expect((fs.statSync(key).mode % 0o1000).toString(8)).toBe('440');
  });

  test('when cockroach is gone, the reloader stops signalling and the container ends with it', async () => {
    const { spawn } = await import('child_process');
    child = spawn('bash', ['-c', startScript()], { env: stubs.env({ MEMORY_LIMIT_MIB: '8192' }), stdio: 'ignore', detached: true });
    expect(await waitFor(() => fs.existsSync(path.join(stubs.dir, 'pid')), 10_000)).toBe(true);
    const exited = new Promise<number | null>((resolve) => child!.on('exit', (code) => resolve(code)));
    process.kill(child.pid!, 'SIGTERM');
    expect(await exited).toBe(0);
    writeVersion(path.join(root, 'cockroach-certs'), 2);
    await new Promise((r) => setTimeout(r, 500));
    expect(hups()).toBe(0);
  });
});
