// The Pulumi examples start as their Pulumi.yaml says (`node --import tsx`, `main: index.ts`, in
// the example's folder) and resolve `crosscluster/*` to the sources: no build step before `pulumi up`.
import { spawnSync } from 'child_process';
import { readFileSync } from 'fs';
import { join } from 'path';
import { parse } from 'yaml';

const ROOT = join(__dirname, '..', '..');

const EXAMPLES = [
  {
    dir: 'pulumi-three-regions',
    config: { kubeconfigs: JSON.stringify({ 'us-east1': 'a', 'us-west1': 'b', 'europe-west1': 'c' }) },
    entries: ['lib/pulumi/index.ts'],
  },
  {
    dir: 'pulumi-gke-eks-vpn',
    config: {
      kubeconfigs: JSON.stringify({ 'gke-us-east4': 'a', 'eks-us-west-2': 'b' }),
      gcpNetwork: 'projects/p/global/networks/crdb',
      gkeNodeTag: 'gke-crdb-node',
      awsVpcId: 'vpc-123',
      awsRouteTableIds: JSON.stringify(['rtb-a']),
      eksClusterName: 'eks-crdb',
      eksSecurityGroupId: 'sg-eks',
    },
    entries: ['lib/pulumi/index.ts', 'lib/pulumi/cloud/index.ts'],
  },
  {
    dir: 'pulumi-sql-endpoints',
    config: {
      kubeconfigs: JSON.stringify({ 'gke-us-east1': 'a', 'eks-us-east-1': 'b', 'eks-eu-west-1': 'c' }),
      hostedZoneId: 'Z0123456789ABCDEFGHIJ',
    },
    entries: ['lib/pulumi/index.ts', 'lib/pulumi/aws/index.ts'],
  },
];

test.each(EXAMPLES)('$dir runs from a clone without a build', ({ dir, config, entries }) => {
  const cwd = join(ROOT, 'examples', dir);
  const project = parse(readFileSync(join(cwd, 'Pulumi.yaml'), 'utf8'));
  expect(project.main).toBe('index.ts');
  expect(project.runtime.options).toEqual({ typescript: false, nodeargs: '--import tsx' });
  const args = {
    project: project.name,
    config: Object.fromEntries(Object.entries(config).map(([k, v]) => [`${project.name}:${k}`, v])),
    secretKeys: [`${project.name}:kubeconfigs`],
  };
  const run = spawnSync(process.execPath, [...project.runtime.options.nodeargs.split(' '), join(ROOT, 'test', 'support', 'run-pulumi-example.ts'), JSON.stringify(args)], {
    cwd, encoding: 'utf8', env: { ...process.env, TSX_TSCONFIG_PATH: '' },
  });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  const result = JSON.parse(run.stdout);
  expect(result.joinAddresses.length).toBeGreaterThanOrEqual(3);
  expect(result.resources).toBeGreaterThan(40);
  // Notes only (warnings and errors would be on stderr).
  for (const line of result.logs) expect(line).toMatch(/^info: /);
  // Resolved to the sources through the example's tsconfig.json, never to a built dist/.
  expect(result.crosscluster).toEqual(expect.arrayContaining(entries));
  expect(result.crosscluster.filter((file: string) => !file.startsWith('lib/'))).toEqual([]);
}, 120_000);
