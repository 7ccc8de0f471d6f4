// CloudMocks in a program: what a user's test of their own stack sees.
import { spawnSync } from 'child_process';
import { join } from 'path';
import * as pulumi from '@pulumi/pulumi';
import { CloudMocks, outputValue, settle } from 'crosscluster/pulumi/testing';

let mocks: CloudMocks;
let component: import('crosscluster/pulumi').MultiRegionCockroach;
let own: Bucket;

/** A resource of the user's own, which the mocks know nothing about. */
class Bucket extends pulumi.CustomResource {
  declare public readonly url: pulumi.Output<string>;
  constructor(name: string) {
    super('shop:index:Bucket', name, { url: undefined });
  }
}

beforeAll(async () => {
  mocks = await CloudMocks.install({
    project: 'shop',
    // Answers for the user's own resources come first.
    answer: (args) => (args.type === 'shop:index:Bucket' ? { url: `https://${args.name}.example.com` } : undefined),
  });
  const k8s = await import('@pulumi/kubernetes');
  const { MultiRegionCockroach, Networking, Tls } = await import('crosscluster/pulumi');
  const provider = (name: string) => new k8s.Provider(name, { kubeconfig: name });
  component = new MultiRegionCockroach('db', {
    clusters: [
      { name: 'gke', cloud: 'gcp', region: 'us-east1', nodes: 3, podCidrs: ['10.12.0.0/14'], nodeCidrs: ['10.10.0.0/20'], provider: provider('gke') },
      { name: 'eks', cloud: 'aws', region: 'eu-west-1', nodes: 3, podCidrs: ['100.64.0.0/16'], nodeCidrs: ['10.30.0.0/16'], provider: provider('eks') },
    ],
    networking: Networking.perPodLoadBalancers({ internal: true }),
    tls: Tls.generated(),
  });
  own = new Bucket('assets');
  await outputValue(component.joinAddresses);
  await settle();
});

test('the join list is made of what the clouds reported: IPs on GKE, hostnames on AWS', async () => {
  const joinList = await outputValue(component.joinAddresses);
  expect(joinList.slice(0, 3).every((a) => /^10\.250\.\d+\.\d+:26257$/.test(a))).toBe(true);
  expect(joinList.slice(3).every((a) => /\.elb\.example\.com:26257$/.test(a))).toBe(true);
  expect(joinList[0]).toBe(`${mocks.loadBalancerIngress('gke', 'cockroachdb-0-lb')!.ip}:26257`);
});

test('every registration is recorded; Kubernetes objects come back plain, per provider', () => {
  expect(mocks.ofType('kubernetes:apps/v1:StatefulSet')).toHaveLength(2);
  const gke = mocks.kubeObjects('gke').map((o) => o.object);
  expect(gke.find((o) => o.kind === 'StatefulSet')?.metadata.namespace).toBe('gke');
  // Secrets arrive wrapped as secrets and come back unwrapped here.
  const secret = gke.find((o) => o.kind === 'Secret')!;
  expect(secret.stringData['tls.key']).toContain('not key material');
});

test('your own answers take precedence', async () => {
  expect(await outputValue(own.url)).toBe('https://assets.example.com');
});

test('the mocks need no test framework: the same test under node --test', () => {
  const root = join(__dirname, '..', '..');
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--test', join(root, 'test', 'support', 'node-test-stack.ts')], {
    cwd: root, encoding: 'utf8', env: { ...process.env, TSX_TSCONFIG_PATH: join(root, 'test', 'tsconfig.json') },
  });
  expect(run.stdout).toMatch(/^# pass 1$/m);
  expect(run.stdout).toMatch(/^# fail 0$/m);
  expect(run.status).toBe(0);
}, 60_000);
