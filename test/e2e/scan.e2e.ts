// A maintained manifest security scanner (checkov, kubernetes + secrets frameworks) over every
// manifest the cdk8s flavour synthesizes for every example and strategy. Zero findings, except the
// checks suppressed in .checkov.yaml, each with its reason; the suppressions are kept honest too.
import * as fs from 'fs';
import * as path from 'path';
import { isSeq, parseDocument, Scalar, stringify } from 'yaml';
import { DNS_CASES, E2eCase, synthesize, TLS_CASES } from './support/deployments';
import { E2E_HOME, removeDir, requireTool, ROOT, run, tempDir } from './support/processes';
import { dnsChainTopology, perPodTopology } from '../support/topologies';
import { Tls, TopologyInput } from 'crosscluster';

const CONFIG = path.join(ROOT, '.checkov.yaml');

/** Both strategies × both cert-manager and insecure TLS, every TLS and DNS case, the examples. */
const SCAN_CASES: E2eCase[] = [
  ...TLS_CASES,
  ...DNS_CASES.filter((c) => !TLS_CASES.some((t) => t.name === c.name)),
  { name: 'three clusters, DNS chain, insecure', input: dnsChainTopology(undefined, { tls: Tls.insecure() }) },
  { name: 'three clusters, per-pod load balancers, insecure', input: perPodTopology(undefined, { tls: Tls.insecure() }) as TopologyInput },
];

interface Finding {
  readonly check_id: string;
  readonly check_name: string;
  readonly resource: string;
  readonly file_path: string;
}
interface Report {
  readonly check_type: string;
  readonly results: { readonly failed_checks: Finding[]; readonly passed_checks: unknown[] };
  readonly summary: { passed: number; failed: number; parsing_errors: number; resource_count: number; checkov_version: string };
}

let dir: string;
let checkov: string;
let objectCount = 0;

/** Runs checkov on a directory with a config file; returns one report per framework. */
async function scan(target: string, config: string, extraArgs: readonly string[] = []): Promise<Report[]> {
  // cwd outside the project: checkov also merges a .checkov.yaml it finds in its cwd, and the
  // unsuppressed run below must see no suppressions at all.
  const result = await run(checkov, ['-d', target, '--config-file', config, ...extraArgs], { timeoutMs: 300_000, cwd: dir });
  // checkov exits 1 when it has findings; anything else but 0/1 is a scanner failure.
  if (result.code !== 0 && result.code !== 1) throw new Error(`checkov exited ${result.code}:\n${result.stderr}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(result.stdout);
  } catch {
    throw new Error(`checkov printed no JSON report:\n${result.stdout.slice(0, 2000)}\n${result.stderr.slice(0, 2000)}`);
  }
  const reports = (Array.isArray(parsed) ? parsed : [parsed]) as Report[];
  // An empty directory gives an empty summary object; keep only real reports.
  return reports.filter((r) => r.check_type !== undefined);
}

beforeAll(() => {
  checkov = requireTool('checkov', [path.join(E2E_HOME, 'venv', 'bin')]);
  // Keep checkov offline: no guideline download, no Prisma Cloud mapping.
  process.env.BC_SKIP_MAPPING = 'TRUE';
  dir = tempDir('scan');
  for (const kase of SCAN_CASES) {
    const d = synthesize(kase);
    const caseDir = path.join(dir, 'manifests', kase.name.replace(/[^a-z0-9]+/gi, '-').toLowerCase());
    fs.mkdirSync(caseDir, { recursive: true });
    for (const [file, text] of Object.entries(d.files)) fs.writeFileSync(path.join(caseDir, file), text);
    // checkov's secrets framework misses a key in a multi-document file (see the negative control
    // below), so it also scans every object as its own file.
    const splitDir = caseDir.replace(`${path.sep}manifests${path.sep}`, `${path.sep}split${path.sep}`);
    fs.mkdirSync(splitDir, { recursive: true });
    Object.values(d.objects).flat().forEach((o, i) => fs.writeFileSync(path.join(splitDir, `${i}.yaml`), stringify(o)));
    objectCount += Object.values(d.objects).reduce((n, list) => n + list.length, 0);
  }
  // The examples' own dist, when `cdk8s synth` has been run in them.
  for (const example of fs.readdirSync(path.join(ROOT, 'examples'))) {
    const dist = path.join(ROOT, 'examples', example, 'dist');
    if (!fs.existsSync(dist)) continue;
    const target = path.join(dir, 'manifests', `example-dist-${example}`);
    fs.mkdirSync(target, { recursive: true });
    for (const file of fs.readdirSync(dist).filter((f) => f.endsWith('.yaml'))) fs.copyFileSync(path.join(dist, file), path.join(target, file));
  }
});

afterAll(() => removeDir(dir));

test('every suppression in .checkov.yaml has its reason right above it', () => {
  const lines = fs.readFileSync(CONFIG, 'utf8').split('\n');
  const skips = parseDocument(lines.join('\n')).get('skip-check');
  expect(isSeq(skips)).toBe(true);
  const ids = isSeq(skips) ? (skips.items as Scalar[]).map((i) => String(i.value)) : [];
  expect(ids.length).toBeGreaterThan(0);
  for (const id of ids) {
    const at = lines.findIndex((l) => l.trim() === `- ${id}`);
    let reason = '';
    for (let i = at - 1; i >= 0 && lines[i].trim().startsWith('#'); i--) reason = `${lines[i].trim().slice(1).trim()} ${reason}`;
    expect({ id, reason: reason.includes(id) && reason.length > 60 }).toEqual({ id, reason: true });
  }
});

test('checkov finds nothing in any synthesized manifest beyond the listed suppressions', async () => {
  const reports = await scan(path.join(dir, 'manifests'), CONFIG);
  const kubernetes = reports.find((r) => r.check_type === 'kubernetes');
  expect(kubernetes).toBeDefined();
  expect(kubernetes!.summary.parsing_errors).toBe(0);
  expect(kubernetes!.summary.passed).toBeGreaterThan(1000);
  expect(kubernetes!.summary.resource_count).toBeGreaterThanOrEqual(objectCount);
  const secrets = await scan(path.join(dir, 'split'), CONFIG, ['--framework', 'secrets']);
  const findings = [...reports, ...secrets].flatMap((r) => r.results.failed_checks.map((f) => `${r.check_type} ${f.check_id} ${f.check_name}: ${f.resource} (${f.file_path})`));
  expect(findings).toEqual([]);
  // Invariant 7 without depending on the scanner's heuristics: no PEM private key, plain or base64, anywhere.
  const pem = /-----BEGIN [A-Z ]*PRIVATE KEY-----|LS0tLS1CRUdJTi[A-Za-z0-9+/=]*UFJJVkFURSBLRVkt/;
  const leaking = walk(path.join(dir, 'manifests')).filter((f) => pem.test(fs.readFileSync(f, 'utf8')));
  expect(leaking).toEqual([]);
  // eslint-disable-next-line no-console
  console.log(`checkov ${kubernetes!.summary.checkov_version}: ${SCAN_CASES.length} deployments, ${objectCount} objects, `
    + `${kubernetes!.summary.resource_count} resources, ${kubernetes!.summary.passed} passed checks, 0 findings`);
}, 300_000);

test('every suppression still fires (none is stale), and the scanner catches a planted key and a privileged pod', async () => {
  // The same scan without the suppressions must report each suppressed check at least once.
  const text = fs.readFileSync(CONFIG, 'utf8');
  const doc = parseDocument(text);
  const suppressed = (doc.get('skip-check') as { items: Scalar[] }).items.map((i) => String(i.value));
  doc.delete('skip-check');
  const unsuppressed = path.join(dir, 'checkov-unsuppressed.yaml');
  fs.writeFileSync(unsuppressed, doc.toString());
  // Negative controls next to the real manifests: a private key in YAML (invariant 7) and a privileged pod,
  // in one multi-document file as synthesized files are, and split into one file per object.
  const planted = path.join(dir, 'manifests', 'planted');
  const plantedSplit = path.join(dir, 'split', 'planted');
  fs.mkdirSync(planted, { recursive: true });
  fs.mkdirSync(plantedSplit, { recursive: true });
  const key = (await run(requireTool('openssl'), ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'])).stdout;
  const leak = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'leak', namespace: 'planted' }, stringData: { 'tls.key': key } };
  const privileged = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'privileged', namespace: 'planted' },
    spec: { containers: [{ name: 'c', image: 'busybox:1.36', securityContext: { privileged: true } }] },
  };
  fs.writeFileSync(path.join(planted, 'planted.k8s.yaml'), `${stringify(leak)}---\n${stringify(privileged)}`);
  fs.writeFileSync(path.join(plantedSplit, '0.yaml'), stringify(leak));
  fs.writeFileSync(path.join(plantedSplit, '1.yaml'), stringify(privileged));
  try {
    const reports = [...await scan(path.join(dir, 'manifests'), unsuppressed), ...await scan(path.join(dir, 'split'), unsuppressed, ['--framework', 'secrets'])];
    const fired = new Set(reports.flatMap((r) => r.results.failed_checks.map((f) => f.check_id)));
    expect(suppressed.filter((id) => !fired.has(id))).toEqual([]);
    const plantedFindings = reports.flatMap((r) => r.results.failed_checks.filter((f) => f.file_path.includes('planted')).map((f) => f.check_id));
    expect(plantedFindings).toEqual(expect.arrayContaining(['CKV_SECRET_13', 'CKV_K8S_16']));
    const pem = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;
    expect(walk(path.join(dir, 'manifests')).filter((f) => pem.test(fs.readFileSync(f, 'utf8')))).toEqual([path.join(planted, 'planted.k8s.yaml')]);
  } finally {
    fs.rmSync(planted, { recursive: true, force: true });
    fs.rmSync(plantedSplit, { recursive: true, force: true });
  }
}, 300_000);

/** Every file under a directory. */
function walk(root: string): string[] {
  return fs.readdirSync(root, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(root, e.name)) : [path.join(root, e.name)]));
}
