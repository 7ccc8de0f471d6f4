import { javascript, typescript } from 'projen';

// Engine packages are optional peers: a cdk8s user never installs @pulumi/*, and the reverse.
const enginePeers: Record<string, string> = {
  'cdk8s': '^2.70.106',
  'cdk8s-plus-27': '^2.9.5',
  'constructs': '^10.8.1',
  '@pulumi/pulumi': '^3.270.0',
  '@pulumi/kubernetes': '^4.34.2',
  '@pulumi/gcp': '^9.37.0',
  '@pulumi/aws': '^7.48.0',
  '@pulumi/tls': '^5.6.1',
};

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
  minNodeVersion: '20.0.0',
  typescriptVersion: '~5.8.0',

  // CI is .ci/run; no hosted workflows, releases or bots.
  github: false,
  release: false,
  buildWorkflow: false,
  depsUpgrade: false,
  pullRequestTemplate: false,
  sampleCode: false,
  prettier: false,

  deps: ['ip-num@^1.6.2'],
  peerDeps: Object.entries(enginePeers).map(([name, range]) => `${name}@${range}`),
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
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      moduleNameMapper: {
        '^crosscluster$': '<rootDir>/lib/index.ts',
        '^crosscluster/(.*)$': '<rootDir>/lib/$1/index.ts',
      },
      testTimeout: 60_000,
    },
  },
  eslintOptions: {
    dirs: ['lib'],
    devdirs: ['test', 'examples', 'bench'],
    tsconfigPath: './test/tsconfig.json',
  },
});

// Peer dependencies are optional per entry point.
project.package.addField(
  'peerDependenciesMeta',
  Object.fromEntries(Object.keys(enginePeers).map((name) => [name, { optional: true }])),
);

// Subpath entry points; typesVersions lets node10 module resolution find their types.
project.package.addField('exports', {
  '.': { types: './dist/index.d.ts', default: './dist/index.js' },
  './cdk8s': { types: './dist/cdk8s/index.d.ts', default: './dist/cdk8s/index.js' },
  './pulumi': { types: './dist/pulumi/index.d.ts', default: './dist/pulumi/index.js' },
  './package.json': './package.json',
});
project.package.addField('typesVersions', {
  '*': {
    cdk8s: ['dist/cdk8s/index.d.ts'],
    pulumi: ['dist/pulumi/index.d.ts'],
  },
});

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
  description: 'Type-check library, tests, examples and benchmarks once',
  exec: 'tsc --noEmit -p test/tsconfig.json',
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
// Lint without --fix: a test run must report problems, not rewrite files.
project.testTask.exec('eslint --ext .ts --no-error-on-unmatched-pattern lib test examples bench .projenrc.ts', {
  env: { ESLINT_USE_FLAT_CONFIG: 'false', NODE_NO_WARNINGS: '1' },
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

project.addTask('synth:example', {
  description: 'Render the example multi-region deployment (three clusters) to YAML with cdk8s',
  cwd: 'examples/gitops',
  // The CLI otherwise asks the registry for a newer version on every run.
  env: { CDK8S_CHECK_UPGRADE: 'false' },
  exec: 'cdk8s synth && echo "Manifests written to examples/gitops/dist:" && ls -1 dist',
});

project.gitignore.exclude('/examples/*/dist/', '/.api-md/', '/bench/out/', '/.e2e/', '/.scratch/');
// Also a node_modules symlink (worktrees share one install): `node_modules/` matches directories only.
project.gitignore.exclude('/node_modules');
project.npmignore?.exclude('/examples/', '/bench/', '/scripts/', '/.ci/');

project.synth();
