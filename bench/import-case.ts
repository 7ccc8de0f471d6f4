// Child process: loads one entry point (or a set of packages) in a fresh process and reports the
// CPU time, the wall time and the modules it loaded, from require.cache. `crosscluster/*` loads
// the compiled package (`args.build`, built by bench/run.ts with the project's tsconfig.json), as
// a user's program does; engine packages load from node_modules.
import * as path from 'path';
import { childArgs, report } from './support/measure';

export interface ImportCaseArgs {
  /** Module specifiers loaded one after the other, e.g. `['crosscluster/cdk8s']` or `['@pulumi/pulumi', '@pulumi/kubernetes']`. */
  readonly specifiers: readonly string[];
  /** The compiled library (the `dist/` of the package) that `crosscluster/*` resolves to. */
  readonly build: string;
}

export interface ImportCaseResult {
  readonly args: ImportCaseArgs;
  /** Wall time of the requires. */
  readonly ms: number;
  /** CPU time (user + system) of the requires: steadier than wall time on a shared machine. */
  readonly cpuMs: number;
  /** Modules added to require.cache. */
  readonly modules: number;
  /** Of which under node_modules/@pulumi/. */
  readonly pulumiModules: number;
  /** Of which from cdk8s, cdk8s-plus-* or constructs. */
  readonly cdk8sModules: number;
  /** Of which this library's compiled files. */
  readonly libModules: number;
  /** The top-level packages loaded (node_modules/<pkg>), sorted. */
  readonly packages: string[];
}

function packageOf(file: string): string | undefined {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules\/)/.exec(file);
  return m?.[1];
}

/** `crosscluster/pulumi` → `<build>/pulumi/index.js`, as package.json's `exports` map it. */
function resolveSpecifier(specifier: string, build: string): string {
  if (specifier === 'crosscluster') return path.join(build, 'index.js');
  if (specifier.startsWith('crosscluster/')) return path.join(build, specifier.slice('crosscluster/'.length), 'index.js');
  return specifier;
}

function main(): void {
  const args = childArgs<ImportCaseArgs>();
  const before = new Set(Object.keys(require.cache));
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  for (const specifier of args.specifiers) require(resolveSpecifier(specifier, args.build));
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const added = Object.keys(require.cache).filter((k) => !before.has(k));
  const packages = [...new Set(added.map(packageOf).filter((p): p is string => p !== undefined))].sort();
  const result: ImportCaseResult = {
    args,
    ms,
    cpuMs: (cpu.user + cpu.system) / 1000,
    modules: added.length,
    pulumiModules: added.filter((f) => f.includes('/node_modules/@pulumi/')).length,
    cdk8sModules: added.filter((f) => /\/node_modules\/(cdk8s|cdk8s-plus-\d+|constructs)\//.test(f)).length,
    libModules: added.filter((f) => f.startsWith(args.build)).length,
    packages,
  };
  report(result);
}

if (require.main === module) main();
