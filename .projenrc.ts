import { javascript, typescript } from 'projen';
import { distPathOf, ENTRY_POINTS, PEER_RANGES, subpathOf } from './projenrc/entry-points';

// The public home of the package: repository, homepage and bug tracker derive from it.
const REPOSITORY = 'https://github.com/crosscluster/crosscluster';

const project = new typescript.TypeScriptProject({
  name: 'crosscluster',
  description:
    'Run CockroachDB across Kubernetes clusters, regions and clouds from one typed topology (cdk8s and Pulumi).',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  projenVersion: '0.103.25',
  srcdir: 'lib',
  entrypoint: 'dist/index.js',
  entrypointTypes: 'dist/index.d.ts',
  libdir: 'dist',
  testdir: 'test',
  license: 'Apache-2.0',
  copyrightOwner: 'crosscluster authors',
  repository: `${REPOSITORY}.git`,
  homepage: `${REPOSITORY}#readme`,
  bugsUrl: `${REPOSITORY}/issues`,
  keywords: [
    'cockroachdb', 'kubernetes', 'multi-cluster', 'multi-region', 'multi-cloud', 'cdk8s', 'pulumi',
    'gitops', 'infrastructure-as-code', 'dns', 'cert-manager', 'vpn',
  ],
  // True for the package and its one dependency; the Pulumi peers set their own (the README says which).
  minNodeVersion: '20.0.0',
  typescriptVersion: '~5.8.0',

  // The tarball is an allow-list (`files` below), not an ignore list.
  npmignoreEnabled: false,

  // CI is .ci/run; no hosted workflows, releases or bots.
  github: false,
  release: false,
  buildWorkflow: false,
  depsUpgrade: false,
  pullRequestTemplate: false,
  sampleCode: false,
  prettier: false,

  deps: ['ip-num@^1.6.2'],
  // Engine packages are optional peers: each entry point loads only its own (projenrc/entry-points.ts).
  peerDeps: Object.entries(PEER_RANGES).map(([name, range]) => `${name}@${range}`),
  devDeps: [
    // Pure-JS transform and resolver: the registry this project installs from carries no
    // prebuilt binaries for other platforms, and `npm ci` needs every optional one in the lock.
    'sucrase@^3.35.0',
    '@sucrase/jest-plugin@^3.0.0',
    'cdk8s-cli@^2.207.0',
    'fast-check@^4.10.0',
    'kubernetes-models@^4.5.1',
    '@kubernetes-models/cert-manager@^4.4.4',
    'tsx@^4.20.0',
    'typedoc@~0.28.20',
    'typedoc-plugin-markdown@~4.14.1',
    'yaml@^2.9.0',
  ],

  tsconfig: {
    compilerOptions: {
      target: 'ES2022',
      lib: ['es2022'],
      module: 'commonjs',
      esModuleInterop: true,
      // The tarball ships plain JS and .d.ts: no inline source maps or sources (lib/ does not ship).
      inlineSourceMap: false,
      inlineSources: false,
      skipLibCheck: true,
      noUnusedLocals: true,
      noUnusedParameters: true,
    },
  },
  tsconfigDev: {
    include: ['../lib/**/*.ts', '../examples/**/*.ts', '../bench/**/*.ts', '../scripts/**/*.ts'],
    compilerOptions: {
      baseUrl: '..',
      // Tests and examples import the package by its public name, as users do.
      paths: {
        'crosscluster': ['lib/index.ts'],
        'crosscluster/*': ['lib/*/index.ts'],
      },
    },
  },

  jestOptions: {
    // jest 30 resolves through native unrs-resolver bindings; 29 is pure JS (see the resolver note below).
    jestVersion: '^29',
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    coverageText: false,
    jestConfig: {
      // Coverage instruments every file and slows the loop; `npx jest --coverage` when wanted.
      collectCoverage: false,
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      moduleNameMapper: {
        '^crosscluster$': '<rootDir>/lib/index.ts',
        '^crosscluster/(.*)$': '<rootDir>/lib/$1/index.ts',
      },
      testTimeout: 60_000,
      // The README snippets are run by test/readme.test.ts, not as tests of their own.
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/readme-snippets/'],
    },
  },
  eslintOptions: {
    dirs: ['lib'],
    devdirs: ['test', 'examples', 'bench'],
    tsconfigPath: './test/tsconfig.json',
  },
});

// Peer dependencies are optional: each entry point needs only the peers it lists.
project.package.addField(
  'peerDependenciesMeta',
  Object.fromEntries(Object.keys(PEER_RANGES).map((name) => [name, { optional: true }])),
);

// Subpath entry points; typesVersions lets node10 module resolution find their types.
project.package.addField('exports', {
  ...Object.fromEntries(ENTRY_POINTS.map((entry) => [subpathOf(entry), {
    types: `./${distPathOf(entry)}.d.ts`,
    default: `./${distPathOf(entry)}.js`,
  }])),
  './package.json': './package.json',
});
project.package.addField('typesVersions', {
  '*': Object.fromEntries(ENTRY_POINTS.filter((entry) => subpathOf(entry) !== '.').map((entry) => [
    subpathOf(entry).slice(2), [`${distPathOf(entry)}.d.ts`],
  ])),
});

// The tarball: compiled JS and .d.ts (package.json, README and LICENSE are always in).
// scripts/check-pack.mjs checks `npm pack --dry-run` against this allow-list.
project.package.addField('files', ['dist/**/*.js', 'dist/**/*.d.ts']);

// v4 of the resolver pulls native bindings the registry lacks for other platforms; v3.8 is pure JS.
project.deps.removeDependency('eslint-import-resolver-typescript');
project.addDevDeps('eslint-import-resolver-typescript@~3.8.0');

// Type-check once with tsc; jest only strips types with sucrase (fast, no per-file type-check).
project.deps.removeDependency('ts-jest');
project.jest!.config.transform = {
  '^.+\\.ts$': new javascript.Transform('@sucrase/jest-plugin', { transforms: ['typescript', 'imports'] }),
};
project.jest!.config.maxWorkers = 2;

const typecheck = project.addTask('typecheck', {
  description: 'Type-check library, tests, examples, benchmarks and the README snippets once',
  steps: [
    { exec: 'tsx scripts/readme-snippets.ts' },
    { exec: 'tsc --noEmit -p test/tsconfig.json' },
  ],
});

const docgen = project.addTask('docgen', {
  description: 'Generate API.md from the TSDoc of the public API',
  exec: 'node scripts/api-md.mjs write',
});
const docgenCheck = project.addTask('docgen:check', {
  description: 'Fail when API.md is stale',
  exec: 'node scripts/api-md.mjs check',
});
project.postCompileTask.spawn(docgen);

project.testTask.reset();
project.testTask.spawn(typecheck);
project.testTask.exec('jest --passWithNoTests=false', { receiveArgs: true });
// Lint without --fix: a test run must report problems, not rewrite files. The cache (by content,
// so a branch switch does not void it) makes a re-run lint only the files that changed.
project.testTask.exec('eslint --ext .ts --no-error-on-unmatched-pattern --cache --cache-strategy content ' +
  '--cache-location node_modules/.cache/eslint/ lib test examples bench projenrc .projenrc.ts', {
  // Typed linting of every file on an empty cache (a fresh clone, CI) peaks at about 4.8 GB, past
  // Node's default heap: it died there with an OOM abort that the task did not report as a failure.
  env: { ESLINT_USE_FLAT_CONFIG: 'false', NODE_NO_WARNINGS: '1', NODE_OPTIONS: '--max-old-space-size=8192' },
});
project.testTask.spawn(docgenCheck);

project.addTask('test:e2e', {
  description: 'End-to-end checks with real openssl, dnsmasq, CoreDNS and a manifest scanner (loopback only)',
  exec: "jest --coverage=false --testMatch '<rootDir>/test/e2e/**/*.e2e.ts' --runInBand",
  receiveArgs: true,
});

project.addTask('test:cluster', {
  description: 'Real-control-plane tier: kube-apiserver, controllers, kwok and the Pulumi CLI on loopback (needs scripts/cluster-setup.sh)',
  exec: "jest --coverage=false --testMatch '<rootDir>/test/cluster/**/*.cluster.ts' --runInBand",
  receiveArgs: true,
});

project.addTask('bench', {
  description: 'Benchmarks: synth and program cost, scaling, import cost, change impact, deployed shape (writes BENCHMARKS.md)',
  exec: 'tsx --tsconfig test/tsconfig.json bench/run.ts',
  receiveArgs: true,
});

project.addTask('bench:cluster', {
  description: 'pulumi up on simulated clusters: time and critical-path waits (needs scripts/cluster-setup.sh; writes its BENCHMARKS.md section)',
  exec: 'tsx --tsconfig test/tsconfig.json bench/cluster-deploy.ts',
  receiveArgs: true,
});

project.addTask('bench:discovery', {
  description: 'The cluster set and the own CoreDNS against the DNS chain: synth, Pulumi under mocks, shape, change impact (writes its BENCHMARKS.md section)',
  exec: 'tsx --tsconfig test/tsconfig.json bench/discovery.ts',
  receiveArgs: true,
});

project.addTask('synth:example', {
  description: 'Render the example multi-region deployment (three clusters) to YAML with cdk8s',
  cwd: 'examples/gitops',
  // The CLI otherwise asks the registry for a newer version on every run.
  env: { CDK8S_CHECK_UPGRADE: 'false' },
  exec: 'cdk8s synth && echo "Manifests written to examples/gitops/dist:" && ls -1 dist',
});

project.gitignore.exclude('/examples/*/dist/', '/.api-md/', '/bench/out/', '/.e2e/', '/.scratch/', '/test/readme-snippets/');
// Also a node_modules symlink (worktrees share one install): `node_modules/` matches directories only.
project.gitignore.exclude('/node_modules');

project.addTask('check:pack', {
  description: 'Build into dist/ and check `npm pack --dry-run` against the allow-list (compiled JS, .d.ts, README, LICENSE, package.json)',
  exec: 'node scripts/check-pack.mjs',
});

project.synth();
