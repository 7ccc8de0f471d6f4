// Builds the package into dist/ and checks what `npm pack` would publish against the allow-list:
// compiled JS without source maps, .d.ts, README.md, LICENSE and package.json, nothing else;
// every entry point's files present.   node scripts/check-pack.mjs   (npm run check:pack)
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';

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
const kib = (bytes) => `${(bytes / 1024).toFixed(0)} KiB`;
console.log(`${pack.filename}: ${files.length} files (${files.filter((f) => f.endsWith('.js')).length} .js, ` +
  `${files.filter((f) => f.endsWith('.d.ts')).length} .d.ts, README.md, LICENSE, package.json), ${kib(pack.size)} packed, ${kib(pack.unpackedSize)} unpacked: allow-list met.`);
