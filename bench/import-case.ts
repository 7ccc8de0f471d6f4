// Child process: loads one entry point (or a set of packages) in a fresh process and reports the
// time and the modules it loaded, from require.cache. Run through tsx with test/tsconfig.json, so
// `crosscluster/*` resolves to lib/*/index.ts and its TypeScript is transformed on load.
import { childArgs, report } from './support/measure';

export interface ImportCaseArgs {
  /** Module specifiers loaded one after the other, e.g. `['crosscluster/cdk8s']` or `['@pulumi/pulumi', '@pulumi/kubernetes']`. */
  readonly specifiers: readonly string[];
}

export interface ImportCaseResult {
  readonly args: ImportCaseArgs;
  readonly ms: number;
  /** Modules added to require.cache. */
  readonly modules: number;
  /** Of which under node_modules/@pulumi/. */
  readonly pulumiModules: number;
  /** Of which from cdk8s, cdk8s-plus-* or constructs. */
  readonly cdk8sModules: number;
  /** Of which this repository's TypeScript (lib/). */
  readonly libModules: number;
  /** The top-level packages loaded (node_modules/<pkg>), sorted. */
  readonly packages: string[];
}

function packageOf(file: string): string | undefined {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules\/)/.exec(file);
  return m?.[1];
}

function main(): void {
  const args = childArgs<ImportCaseArgs>();
  const before = new Set(Object.keys(require.cache));
  const t0 = performance.now();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  for (const specifier of args.specifiers) require(specifier);
  const ms = performance.now() - t0;
  const added = Object.keys(require.cache).filter((k) => !before.has(k));
  const packages = [...new Set(added.map(packageOf).filter((p): p is string => p !== undefined))].sort();
  const result: ImportCaseResult = {
    args,
    ms,
    modules: added.length,
    pulumiModules: added.filter((f) => f.includes('/node_modules/@pulumi/')).length,
    cdk8sModules: added.filter((f) => /\/node_modules\/(cdk8s|cdk8s-plus-\d+|constructs)\//.test(f)).length,
    libModules: added.filter((f) => !f.includes('/node_modules/') && /\/lib\/.*\.ts$/.test(f)).length,
    packages,
  };
  report(result);
}

if (require.main === module) main();
