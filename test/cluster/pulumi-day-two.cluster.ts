// Day 2 through the real Pulumi engine (docs/day-2.md, "Pulumi"): a scale-down in one `up` — the
// StatefulSet is scaled only after the decommission Job, whose containers run for real (script against a
// stand-in CockroachDB, recorder with its own token) and which the real admission policy requires — and
// a staged upgrade, one `up` per state, where only Jobs are created and at most one StatefulSet changes.
import * as path from 'path';
import { runPodContainers } from './support/container-runner';
import { fakeCalls, fakeCockroach, writeFakeCluster } from './support/fake-cockroach';
import { cloudRules, World, WorldClusterSpec } from './support/harness';
import { KubeResource, resourcePath } from './support/kube-client';
import { ResourceStep } from './support/pulumi-runner';
import { PulumiStack } from './support/pulumi-stack';
import { removeDir, tempDir } from '../e2e/support/processes';

jest.setTimeout(900_000);

const GKE = { version: '1.36.2-gke.1498000', dns: 'kube-dns', subsetting: true };
const CLUSTERS: Record<string, Record<string, unknown>> = {
  'us-east1': { cloud: 'gcp', region: 'us-east1', nodes: 5, zones: ['us-east1-b', 'us-east1-c', 'us-east1-d'], nodeCidrs: ['10.10.0.0/20'], podCidrs: ['10.12.0.0/14'], serviceCidrs: ['10.16.0.0/20'], gke: GKE },
  'us-west1': { cloud: 'gcp', region: 'us-west1', nodes: 3, zones: ['us-west1-a', 'us-west1-b', 'us-west1-c'], nodeCidrs: ['10.20.0.0/20'], podCidrs: ['10.24.0.0/14'], serviceCidrs: ['10.28.0.0/20'], gke: GKE },
};
const WORLD: readonly WorldClusterSpec[] = Object.entries(CLUSTERS).map(([name, c]: [string, any]) => ({
  name,
  region: c.region,
  zones: c.zones,
  serviceCidr: c.serviceCidrs[0],
  podCidr: c.podCidrs[0],
  dns: 'gke-kube-dns' as const,
  loadBalancerPool: `${c.nodeCidrs[0].split('.').slice(0, 2).join('.')}.14.`,
  admit: cloudRules({ cloud: 'gcp', version: GKE.version, subsetting: true, subnetCidr: c.nodeCidrs[0] }),
}));

let world: World;
let work: string;
let stack: PulumiStack;

function config(clusters: Record<string, Record<string, unknown>>, extra: Record<string, unknown> = {}) {
  return {
    kubeconfigs: { value: world.kubeconfigsJson(), secret: true },
    clusters: { value: JSON.stringify(clusters) },
    networking: { value: 'dnsChain' },
    dnsAddresses: { value: JSON.stringify({ 'us-east1': '10.10.15.250', 'us-west1': '10.20.15.250' }) },
    ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, { value: typeof v === 'string' ? v : JSON.stringify(v) }])),
  };
}

async function statefulSet(cluster: string): Promise<KubeResource> {
  return world.clusters.cluster(cluster).client.get(resourcePath('apps/v1', 'statefulsets', cluster, 'cockroachdb'));
}

/** The steps of a run on objects of a kind, as `op name` (engine-only steps left out). */
function stepsOf(steps: readonly ResourceStep[], type: string): string[] {
  return steps.filter((s) => s.type === type && !['same', 'read'].includes(s.op)).map((s) => `${s.op} ${s.urn.split('::').pop()}`);
}

beforeAll(async () => {
  work = tempDir('pulumi-day-two');
  world = await World.start(WORLD, { suite: 6 });
  world.cockroach.containerJobs.decommission = async (cluster, pod) => {
    const { runs, sandbox } = await runPodContainers(world.clusters.cluster(cluster.name).client, pod, { stubs: { cockroach: fakeCockroach(path.join(work, 'cockroach')) } });
    removeDir(sandbox.dir);
    return runs.length === 2 && runs.every((r) => r.code === 0) ? 'succeed' : 'fail';
  };
  stack = new PulumiStack(path.join(work, 'stack'), path.join(__dirname, 'programs', 'multi-region.ts'));
});

afterAll(async () => {
  await world?.stop();
  removeDir(work);
});

describe('day 2 through the real Pulumi engine', () => {
  test('up', async () => {
    const up = await stack.run('up', { config: config(CLUSTERS, { version: 'v25.2.4' }) });
    expect(up.error).toBeUndefined();
    // The stand-in CockroachDB knows the nodes the pods advertise.
    const topology = await world.clusters.cluster('us-east1').client.get(resourcePath('v1', 'configmaps', 'us-east1', 'cockroachdb-topology'));
    writeFakeCluster(path.join(work, 'cockroach'), [0, 1, 2, 3, 4].map((i) => ({
      id: i + 1, address: `${topology.data[`advertise-host.cockroachdb-${i}`]}:26257`, locality: 'region=us-east1', replicas: 1,
    })));
  });

  test('scale-down in one up: the StatefulSet is scaled to 3 only after the decommission Job verified nodes 4 and 5', async () => {
    const scaled = { ...CLUSTERS, 'us-east1': { ...CLUSTERS['us-east1'], scaleDownTo: 3 } };
    const up = await stack.run('up', { config: config(scaled, { version: 'v25.2.4' }) });
    expect(up.error).toBeUndefined();
    const job = up.steps.find((s) => s.type === 'kubernetes:batch/v1:Job' && s.op === 'create' && s.urn.includes('decommission'))!;
    const sts = up.steps.find((s) => s.type === 'kubernetes:apps/v1:StatefulSet' && s.op === 'update' && s.urn.includes('us-east1'))!;
    expect(job.endMs).toBeDefined();
    expect(sts.startMs).toBeGreaterThanOrEqual(job.endMs!);
    expect(fakeCalls(path.join(work, 'cockroach')).filter((c) => c.startsWith('node decommission')).map((c) => c.split(' --')[0]))
      .toEqual(['node decommission 4 5', 'node decommission 4 5']);
    expect((await statefulSet('us-east1')).spec.replicas).toBe(3);
    // Nothing was replaced: the topology ConfigMap and every Service updated in place.
    expect(up.steps.filter((s) => s.op.includes('replace')).map((s) => s.urn)).toEqual([]);
  });

  test('a staged upgrade, one up per state: only Jobs are created, at most one StatefulSet changes, finalize last', async () => {
    const three: Record<string, Record<string, unknown>> = { ...CLUSTERS, 'us-east1': { ...CLUSTERS['us-east1'], nodes: 3 } };
    const at = (east?: string, west?: string) => ({
      'us-east1': { ...three['us-east1'], ...(east ? { version: east } : {}) },
      'us-west1': { ...three['us-west1'], ...(west ? { version: west } : {}) },
    });
    const states = [
      { clusters: at(), extra: { version: 'v25.3.1', upgrade: { from: 'v25.2.4' } }, rolled: [] as string[] },
      { clusters: at('v25.3.1'), extra: { version: 'v25.3.1', upgrade: { from: 'v25.2.4' } }, rolled: ['us-east1'] },
      { clusters: at('v25.3.1', 'v25.3.1'), extra: { version: 'v25.3.1', upgrade: { from: 'v25.2.4' } }, rolled: ['us-west1'] },
      { clusters: at(), extra: { version: 'v25.3.1', upgrade: { from: 'v25.2.4', finalize: true } }, rolled: [] },
      { clusters: at(), extra: { version: 'v25.3.1' }, rolled: [] },
    ];
    for (const [i, state] of states.entries()) {
      const up = await stack.run('up', { config: config(state.clusters, state.extra) });
      expect([i, up.error]).toEqual([i, undefined]);
      expect([i, up.steps.filter((s) => s.op.includes('replace') && !s.type.endsWith(':Job')).map((s) => s.urn)]).toEqual([i, []]);
      const updated = stepsOf(up.steps, 'kubernetes:apps/v1:StatefulSet');
      expect([i, updated]).toEqual([i, state.rolled.map((c) => `update cockroachdb-${c}-cockroachdb`)]);
      for (const c of state.rolled) expect((await statefulSet(c)).spec.template.spec.containers[0].image).toBe('cockroachdb/cockroach:v25.3.1');
    }
  });
});
