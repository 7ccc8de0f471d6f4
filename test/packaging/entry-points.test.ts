// Each entry point loads exactly the peers projenrc/entry-points.ts lists for it, and loads even
// when every other peer is missing, as in a project that installed only those.
import { spawn } from 'child_process';
import { readFileSync } from 'fs';
import { join } from 'path';
import { distPathOf, ENTRY_POINTS, EntryPoint, PEER_RANGES, subpathOf } from '../../projenrc/entry-points';

const ROOT = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

// Runs in a fresh node (through tsx): packages outside `allowed` resolve as if not installed.
const CHILD = `
const Module = require('module');
const allowed = new Set(JSON.parse(process.env.ALLOWED_PEERS));
const peers = new Set(JSON.parse(process.env.ALL_PEERS));
const packageOf = (request) => request.startsWith('@') ? request.split('/').slice(0, 2).join('/') : request.split('/')[0];
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (peers.has(packageOf(request)) && !allowed.has(packageOf(request))) {
    const error = new Error("Cannot find module '" + request + "'");
    error.code = 'MODULE_NOT_FOUND';
    throw error;
  }
  return resolve.call(this, request, ...rest);
};
require(process.env.ENTRY);
const loaded = Object.keys(require.cache)
  .map((file) => /node_modules\\/((?:@[^/]+\\/)?[^/]+)\\/(?!.*node_modules\\/)/.exec(file)?.[1])
  .filter((name) => peers.has(name));
process.stdout.write(JSON.stringify([...new Set(loaded)].sort()));
`;

function loadWithOnly(entry: EntryPoint): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(join(ROOT, 'node_modules', '.bin', 'tsx'), ['-e', CHILD], {
      cwd: ROOT,
      env: {
        ...process.env,
        ALLOWED_PEERS: JSON.stringify(entry.peers),
        ALL_PEERS: JSON.stringify(Object.keys(PEER_RANGES)),
        ENTRY: join(ROOT, entry.source),
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

test.each(ENTRY_POINTS.map((e) => [e.specifier, e] as const))('%s loads exactly its peers, and loads without the others', async (_, entry) => {
  const run = await loadWithOnly(entry);
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  expect(JSON.parse(run.stdout)).toEqual([...entry.peers].sort());
}, 60_000);

test('package.json exports every entry point, with its types, and nothing else', () => {
  const expected = Object.fromEntries(ENTRY_POINTS.map((e) => [subpathOf(e), { types: `./${distPathOf(e)}.d.ts`, default: `./${distPathOf(e)}.js` }]));
  expect(pkg.exports).toEqual({ ...expected, './package.json': './package.json' });
  for (const entry of ENTRY_POINTS.filter((e) => subpathOf(e) !== '.')) {
    expect(pkg.typesVersions['*'][subpathOf(entry).slice(2)]).toEqual([`${distPathOf(entry)}.d.ts`]);
  }
});

test('every peer is optional and needed by some entry point; no other runtime dependency', () => {
  expect(pkg.peerDependencies).toEqual(PEER_RANGES);
  expect(Object.keys(pkg.peerDependenciesMeta).sort()).toEqual(Object.keys(PEER_RANGES).sort());
  for (const meta of Object.values(pkg.peerDependenciesMeta)) expect(meta).toEqual({ optional: true });
  const used = new Set(ENTRY_POINTS.flatMap((e) => e.peers));
  expect(Object.keys(PEER_RANGES).filter((p) => !used.has(p))).toEqual([]);
  expect(Object.keys(pkg.dependencies)).toEqual(['ip-num']);
});
