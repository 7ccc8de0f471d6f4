// Bad input raises one TopologyError listing every problem, before any resource is registered.
import { Recorded, settle, startMocks } from './mock-engine';

let recorded: Recorded[];

beforeAll(async () => {
  recorded = await startMocks();
});

test('MultiRegionCockroach: every problem at once, zero resources registered', async () => {
  const { MultiRegionCockroach, Networking, Tls, TopologyError } = await import('../../lib/pulumi');
  let error: unknown;
  try {
    new MultiRegionCockroach('bad', {
      clusters: [
        { name: 'East', cloud: 'gcp', region: 'us-east1', nodes: 0, provider: undefined as any },
        { name: 'west', cloud: 'aws', region: 'us-west-2', nodes: 3, podCidrs: ['10.0.0.0/16'], provider: undefined as any },
        { name: 'west', cloud: 'aws', region: 'us-west-2', nodes: 3, podCidrs: ['10.0.128.0/17'], provider: undefined as any },
      ],
      networking: Networking.dnsChain(),
      tls: Tls.certManager({ duration: 'a year' }),
      survivalGoal: 'region',
    });
  } catch (e) {
    error = e;
  }
  await settle();
  expect(error).toBeInstanceOf(TopologyError);
  const paths = (error as InstanceType<typeof TopologyError>).problems.map((p) => p.path);
  expect(paths).toEqual(expect.arrayContaining([
    'clusters[0].name', 'clusters[0].nodes', 'clusters[2].name', 'clusters[2].podCidrs[0]', 'tls.duration', 'survivalGoal',
    'networking.dnsAddresses.west', 'clusters[0].provider', 'clusters[1].provider',
  ]));
  expect(recorded).toHaveLength(0);
});

test.each([
  ['PerPodLoadBalancers', { clusters: [{ name: 'a', cloud: 'gcp', region: 'r', nodes: 2 }], addresses: { a: ['10.0.0.1'] } }],
  ['DnsChain', { clusters: [{ name: 'a', cloud: 'gcp', region: 'r', nodes: 1 }], dnsAddresses: { b: 'not-an-ip' } }],
  ['ClusterCerts', { clusters: [{ name: 'a', cloud: 'gcp', region: 'r', nodes: 1, namespace: 'Bad_NS' }] }],
])('%s: bad input throws TopologyError before registering anything', async (component, args) => {
  const pulumiModule = await import('../../lib/pulumi');
  const k8s = await import('@pulumi/kubernetes');
  const before = recorded.length;
  const provider = new k8s.Provider(`p-${component}`, { kubeconfig: 'x' });
  const clusters = (args as any).clusters.map((c: object) => ({ ...c, provider }));
  const Ctor = (pulumiModule as any)[component];
  expect(() => new Ctor(`bad-${component}`, { ...args, clusters })).toThrow(pulumiModule.TopologyError);
  await settle();
  expect(recorded.slice(before).map((r) => r.type)).toEqual(['pulumi:providers:kubernetes']);
});

test('a loadBalancerTimeout Pulumi cannot take is refused before anything is registered, naming the field', async () => {
  const k8s = await import('@pulumi/kubernetes');
  const { MultiRegionCockroach, Networking, TopologyError } = await import('../../lib/pulumi');
  const clusters = [
    { name: 'a', cloud: 'gcp' as const, region: 'us-east1', nodes: 3, podCidrs: ['10.0.0.0/16'], nodeCidrs: ['10.1.0.0/16'] },
  ].map((c) => ({ ...c, provider: new k8s.Provider(`lbt-${c.name}`, { kubeconfig: c.name }) }));
  for (const bad of ['15 minutes', '0m', 15, '']) {
    const before = recorded.filter((r) => r.name.startsWith('lbt-') && !r.type.startsWith('pulumi:providers')).length;
    let error: unknown;
    try {
      new MultiRegionCockroach(`lbt-${String(bad)}`, { clusters, networking: Networking.perPodLoadBalancers(), loadBalancerTimeout: bad as string });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TopologyError);
    expect((error as InstanceType<typeof TopologyError>).problems.map((p) => p.path)).toEqual(['loadBalancerTimeout']);
    expect(recorded.filter((r) => r.name.startsWith('lbt-') && !r.type.startsWith('pulumi:providers')).length).toBe(before);
  }
});
