// Builds the package into dist/ and checks what `npm pack` would publish against the allow-list:
// compiled JS without source maps, .d.ts, README.md, LICENSE and package.json, nothing else;
// every entry point's files present. Then installs the tarball into a scratch consumer project and
// type-checks an import of every entry point under each module resolution a user may have
// (node10, node16, bundler).   node scripts/check-pack.mjs   (npm run check:pack)
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ALLOWED = [
  /^package\.json$/,
  /^README\.md$/,
  /^LICENSE$/,
  /^dist\/(?:[\w-]+\/)*[\w-]+\.js$/,
  /^dist\/(?:[\w-]+\/)*[\w-]+\.d\.ts$/,
];
const REQUIRED = ['package.json', 'README.md', 'LICENSE'];

rmSync('dist', { recursive: true, force: true });
execFileSync('npx', ['tsc', '-p', 'tsconfig.json'], { stdio: 'inherit' });
const [pack] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { encoding: 'utf8' }));
const files = pack.files.map((f) => f.path).sort();

const problems = [];
for (const file of files) {
  if (!ALLOWED.some((pattern) => pattern.test(file))) problems.push(`${file} is not on the allow-list`);
}
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const entryFiles = Object.values(pkg.exports).filter((t) => typeof t === 'object').flatMap((t) => [t.types, t.default]);
for (const file of [...REQUIRED, ...entryFiles.map((f) => f.replace(/^\.\//, ''))]) {
  if (!files.includes(file)) problems.push(`${file} is missing from the tarball`);
}
for (const file of files.filter((f) => f.endsWith('.js'))) {
  if (readFileSync(file, 'utf8').includes('sourceMappingURL')) problems.push(`${file} carries a source map`);
}

if (problems.length > 0) {
  console.error(`npm pack would publish a package that breaks the allow-list:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  process.exit(1);
}
// A consumer project inside the repository (so the peers resolve from its node_modules) whose
// node_modules/crosscluster is the unpacked tarball.
const consumer = join('bench', 'out', 'pack-consumer');
rmSync(consumer, { recursive: true, force: true });
mkdirSync(join(consumer, 'node_modules', 'crosscluster'), { recursive: true });
execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', consumer], { stdio: 'ignore' });
execFileSync('tar', ['-xzf', join(consumer, pack.filename), '-C', join(consumer, 'node_modules', 'crosscluster'), '--strip-components=1']);
const specifiers = Object.keys(pkg.exports).filter((k) => k !== './package.json').map((k) => (k === '.' ? pkg.name : `${pkg.name}/${k.slice(2)}`));
writeFileSync(join(consumer, 'index.ts'), specifiers.map((s, i) => `import * as entry${i} from '${s}';\nexport { entry${i} };\n`).join(''));
for (const [moduleResolution, module] of [['node10', 'commonjs'], ['node16', 'node16'], ['bundler', 'esnext']]) {
  try {
    execFileSync('npx', ['tsc', '--noEmit', '--strict', '--skipLibCheck', '--target', 'es2022', '--module', module,
      '--moduleResolution', moduleResolution, '--types', 'node', join(consumer, 'index.ts')], { encoding: 'utf8' });
  } catch (error) {
    problems.push(`the entry points' types do not resolve with moduleResolution ${moduleResolution}:\n${error.stdout}`);
  }
}
rmSync(consumer, { recursive: true, force: true });
if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exit(1);
}

const kib = (bytes) => `${(bytes / 1024).toFixed(0)} KiB`;
console.log(`${pack.filename}: ${files.length} files (${files.filter((f) => f.endsWith('.js')).length} .js, ` +
  `${files.filter((f) => f.endsWith('.d.ts')).length} .d.ts, README.md, LICENSE, package.json), ${kib(pack.size)} packed, ${kib(pack.unpackedSize)} unpacked: allow-list met; the types of all ${specifiers.length} entry points resolve with node10, node16 and bundler.`);
