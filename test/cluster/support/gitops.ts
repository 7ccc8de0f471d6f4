// The GitOps path exactly as docs/cdk8s.md tells a user: synthesize with the cdk8s CLI, provision
// the shared CA with openssl and `kubectl create secret tls`, and apply every file with
// `kubectl apply --server-side`.
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { KubeResource } from './kube-client';
import { SimulatedClusters } from './simulated-clusters';
import { tool } from './tools';
import { ROOT, run, runOk, RunResult } from '../../e2e/support/processes';

/** The files of one synth, by file name. */
export type ManifestFiles = Readonly<Record<string, string>>;

/** Runs `npx cdk8s synth --output <dir>` in an example directory, as its README says, and reads the files. */
export async function cdk8sSynth(example: string, outdir: string): Promise<ManifestFiles> {
  await runOk('npx', ['cdk8s', 'synth', '--output', outdir], {
    cwd: path.join(ROOT, 'examples', example),
    timeoutMs: 180_000,
  });
  return readManifestDir(outdir);
}

/** Synthesizes a program's App into `outdir` (for variations of an example: scale, upgrade, removal). */
export function synthInto<T>(outdir: string, build: (app: App) => T): { files: ManifestFiles; result: T } {
  fs.rmSync(outdir, { recursive: true, force: true });
  fs.mkdirSync(outdir, { recursive: true });
  const app = new App({ outdir });
  const result = build(app);
  app.synth();
  return { files: readManifestDir(outdir), result };
}

/** Every `*.yaml` file of a directory. */
export function readManifestDir(dir: string): ManifestFiles {
  return Object.fromEntries(fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()
    .map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));
}

/** The objects of one manifest file. */
export function objectsOf(yamlText: string): KubeResource[] {
  return parseAllDocuments(yamlText).map((d) => d.toJSON()).filter((o) => o && typeof o === 'object');
}

/** `kubectl apply --server-side -f <file>` (what the docs say), optionally with extra flags. */
export function applyFile(clusters: SimulatedClusters, cluster: string, file: string, extra: readonly string[] = []): Promise<RunResult> {
  return clusters.kubectl(cluster, ['apply', '--server-side', ...extra, '-f', file], { timeoutMs: 120_000 });
}

/**
 * Step 2 and 3 of the cdk8s prerequisites: one CA made with openssl (the docs' command), stored as
 * the same TLS Secret in the database namespace of every cluster. Returns the CA certificate path.
 */
export async function provisionSharedCa(clusters: SimulatedClusters, dir: string, namespaces: Readonly<Record<string, string>>): Promise<string> {
  const certs = path.join(dir, 'certs');
  const safe = path.join(dir, 'safe');
  fs.mkdirSync(certs, { recursive: true });
  fs.mkdirSync(safe, { recursive: true, mode: 0o700 });
  await runOk('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', path.join(safe, 'ca.key'), '-out', path.join(certs, 'ca.crt'), '-days', '3650', '-subj', '/O=Cockroach/CN=Cockroach CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  for (const [cluster, ns] of Object.entries(namespaces)) {
    const manifest = await runOk(tool('kubectl'), ['create', 'namespace', ns, '--dry-run=client', '-o', 'yaml']);
    const created = await clusters.kubectl(cluster, ['apply', '-f', '-'], { input: manifest.stdout });
    if (created.code !== 0) throw new Error(`namespace ${ns} in ${cluster}: ${created.stderr}`);
    const secret = await clusters.kubectl(cluster, ['-n', ns, 'create', 'secret', 'tls', 'cockroachdb-ca',
      `--cert=${path.join(certs, 'ca.crt')}`, `--key=${path.join(safe, 'ca.key')}`]);
    if (secret.code !== 0) throw new Error(`CA Secret in ${cluster}/${ns}: ${secret.stderr}`);
  }
  return path.join(certs, 'ca.crt');
}

/** Runs a command and returns its result (re-exported for scenario files). */
export { run };
