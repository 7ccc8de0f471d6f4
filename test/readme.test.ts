// Every README snippet runs as written: the TypeScript ones are type-checked with the project
// (`npm test` extracts them first) and run here; the shell ones name scripts, files, packages
// and names that exist.
import { spawnSync } from 'child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { renderDatabase } from '../lib/manifests/database';
import { CERTS_DIR } from '../lib/manifests/scripts';
import { ENTRY_POINTS, PEER_RANGES } from '../projenrc/entry-points';
import { extractReadmeSnippets, readmeBlocks, ROOT, SNIPPETS_DIR } from '../scripts/readme-snippets';
import { planDeployment, Networking, Tls } from 'crosscluster';

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
/** The README's prose with line breaks as spaces. */
const PROSE = README.replace(/\s+/g, ' ');
const snippets = extractReadmeSnippets();
const code = (file: string) => snippets.find((s) => s.file === file)!.code;
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

test('every code block of the README is a marked snippet, and every snippet is checked below', () => {
  expect(readmeBlocks(README).filter((b) => b.file === '')).toEqual([]);
  expect(snippets.map((s) => s.file).sort()).toEqual([
    'cdk8s/main.ts', 'connect.sh', 'contributing.sh', 'install.sh', 'pulumi/index.test.ts', 'pulumi/index.ts', 'suites.sh',
  ]);
});

test('the cdk8s quick start synthesizes one database file and one DNS file per cluster', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'readme-cdk8s-'));
  try {
    // As `npx tsx main.ts` in a project of its own: output under the working directory.
    const run = spawnSync(join(ROOT, 'node_modules', '.bin', 'tsx'), [join(SNIPPETS_DIR, 'cdk8s', 'main.ts')], {
      cwd, encoding: 'utf8', env: { ...process.env, TSX_TSCONFIG_PATH: join(ROOT, 'test', 'tsconfig.json') },
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('ALTER DATABASE "defaultdb" SURVIVE REGION FAILURE;');
    const clusters = ['gke-us-east1', 'gke-us-west1', 'eks-eu-west-1'];
    expect(readdirSync(join(cwd, 'dist')).sort()).toEqual(clusters.flatMap((c) => [`${c}-dns.k8s.yaml`, `${c}.k8s.yaml`]).sort());
    expect(readFileSync(join(cwd, 'dist', 'gke-us-east1.k8s.yaml'), 'utf8')).toContain('kind: Certificate');
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}, 120_000);

// The README's unit test of the Pulumi quick start, run as the user's Jest would run it: it
// imports the quick start's index.ts under the shipped mocks.
describe('the Pulumi quick start under its README unit test', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- its tests register at collection, synchronously
  require(join(SNIPPETS_DIR, 'pulumi', 'index.test.ts'));
});

test('the install table lists every entry point with exactly the peers it loads', () => {
  const rows = README.split('\n').filter((line) => /^\| `crosscluster[`/]/.test(line));
  expect(rows.map((row) => {
    const [specifier, summary, peers] = row.split(' | ').map((cell) => cell.replace(/^\| /, '').replace(/ \|$/, ''));
    return { specifier: specifier.replace(/`/g, ''), summary, peers: peers === '—' ? [] : peers.replace(/`/g, '').split(' ') };
  })).toEqual(ENTRY_POINTS.map((e) => ({ specifier: e.specifier, summary: e.summary, peers: [...e.peers] })));
  for (const m of README.matchAll(/`npm install ([^`]+)`/g)) {
    for (const name of m[1].split(' ')) expect(['crosscluster', ...Object.keys(PEER_RANGES)]).toContain(name);
  }
  expect(code('install.sh')).toBe('npm install crosscluster\n');
});

test('the SQL client command names the container, the certificates directory and the Service the library renders', () => {
  const command = code('connect.sh');
  const plan = planDeployment({
    clusters: [{ name: 'gke-us-east1', cloud: 'gcp', region: 'us-east1', nodes: 3 }],
    networking: Networking.dnsChain({ dnsAddresses: { 'gke-us-east1': '10.10.15.250' } }),
    tls: Tls.certManager(),
  });
  const cluster = plan.clusters[0];
  const statefulSet: any = renderDatabase(plan, cluster).find((o) => o.kind === 'StatefulSet');
  expect(command).toContain(`-n ${cluster.namespace} exec -it ${cluster.pods[0].name} -c ${statefulSet.spec.template.spec.containers[0].name} --`);
  expect(command).toContain(`--certs-dir=${CERTS_DIR} --host=${cluster.names.publicService}`);
  expect(PROSE).toContain(`Secret \`${cluster.names.clientSecret}\``);
  expect(PROSE).toContain(`Service \`${cluster.names.publicService}\` on port 26257`);
});

test('the contributors\' commands name scripts and files that exist', () => {
  const commands = `${code('contributing.sh')}${code('suites.sh')}`;
  expect(code('contributing.sh').split('\n')[0]).toMatch(/^npm ci && npm run synth:example +#/);
  expect(code('contributing.sh').split('\n')[1]).toMatch(/^npm test +#/);
  for (const m of commands.matchAll(/npm run ([\w:-]+)/g)) expect(Object.keys(pkg.scripts)).toContain(m[1]);
  for (const m of commands.matchAll(/(?:^|&& )(scripts\/[\w./-]+)/gm)) expect(existsSync(join(ROOT, m[1]))).toBe(true);
});

test('every relative link of the README points at a file of the repository', () => {
  const links = [...README.matchAll(/\]\(((?!https?:)[^)#]+)(?:#[^)]*)?\)/g)].map((m) => m[1]);
  expect(links.length).toBeGreaterThan(5);
  expect(links.filter((link) => !existsSync(join(ROOT, link)))).toEqual([]);
});
