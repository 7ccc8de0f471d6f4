// Day 2 on real API servers, as docs/day-2.md tells a GitOps user: the scale-down guard (a real
// ValidatingAdmissionPolicy) refuses lowering `nodes` before a decommission; the decommission Job's
// containers run for real (its script against a stand-in `cockroach`, its recorder with its own token
// and Role against the API server); the staged upgrade's six commits apply without an immutable-field
// error, each rolling at most one cluster; a renewed certificate reaches the pods' mounted files.
import * as fs from 'fs';
import * as path from 'path';
import { runPodContainers, materializePod } from './support/container-runner';
import { fakeCalls, fakeCockroach, FakeNode, fakeRegions, writeFakeCluster } from './support/fake-cockroach';
import { applyFile, provisionSharedCa, synthInto } from './support/gitops';
import { cloudRules, World, WorldClusterSpec } from './support/harness';
import { KubeResource, resourcePath } from './support/kube-client';
import { removeDir, tempDir } from '../e2e/support/processes';
import { ClusterSpec, MultiRegionCockroach, MultiRegionCockroachProps, Networking, Tls } from 'crosscluster/cdk8s';

jest.setTimeout(900_000);

const GKE = { version: '1.36.2-gke.1498000', dns: 'kube-dns', subsetting: true } as const;
const BASE: ClusterSpec[] = [
  { name: 'us-east1', cloud: 'gcp', region: 'us-east1', nodes: 5, zones: ['us-east1-b', 'us-east1-c', 'us-east1-d'], nodeCidrs: ['10.10.0.0/20'], podCidrs: ['10.12.0.0/14'], serviceCidrs: ['10.16.0.0/20'], gke: GKE },
  { name: 'us-west1', cloud: 'gcp', region: 'us-west1', nodes: 3, zones: ['us-west1-a', 'us-west1-b', 'us-west1-c'], nodeCidrs: ['10.20.0.0/20'], podCidrs: ['10.24.0.0/14'], serviceCidrs: ['10.28.0.0/20'], gke: GKE },
];

function props(clusters: ClusterSpec[], extra: Partial<MultiRegionCockroachProps> = {}): MultiRegionCockroachProps {
  return {
    clusters,
    networking: Networking.dnsChain({
      dnsAddresses: Object.fromEntries(Object.entries({ 'us-east1': '10.10.15.250', 'us-west1': '10.20.15.250' }).filter(([name]) => clusters.some((c) => c.name === name))),
    }),
    tls: Tls.certManager(),
    version: 'v25.2.4',
    ...extra,
  };
}

const WORLD: readonly WorldClusterSpec[] = BASE.map((c) => ({
  name: c.name,
  region: c.region,
  zones: [...c.zones!],
  serviceCidr: c.serviceCidrs![0],
  podCidr: c.podCidrs![0],
  dns: 'gke-kube-dns' as const,
  loadBalancerPool: `${c.nodeCidrs![0].split('.').slice(0, 2).join('.')}.14.`,
  admit: cloudRules({ cloud: 'gcp', version: GKE.version, subsetting: true, subnetCidr: c.nodeCidrs![0] }),
}));

let world: World;
let work: string;
let commit = 0;
const fake = () => path.join(work, 'cockroach-state');

/** Synthesizes one "commit" and applies every file as the docs say; returns each file's kubectl result. */
async function applyCommit(
  clusters: ClusterSpec[], extra: Partial<MultiRegionCockroachProps> = {},
): Promise<Record<string, { code: number; stderr: string }>> {
  const dir = path.join(work, `commit-${++commit}`);
  synthInto(dir, (app) => new MultiRegionCockroach(app, 'cockroachdb', props(clusters, extra)));
  const results: Record<string, { code: number; stderr: string }> = {};
  for (const c of clusters) {
    for (const file of [`${c.name}.k8s.yaml`, `${c.name}-dns.k8s.yaml`]) {
      // A single cluster forwards nothing: no DNS file.
      if (!fs.existsSync(path.join(dir, file))) continue;
      const r = await applyFile(world.clusters, c.name, path.join(dir, file));
      results[file] = { code: r.code, stderr: r.stderr };
    }
  }
  return results;
}

async function statefulSet(cluster: string): Promise<KubeResource> {
  return world.clusters.cluster(cluster).client.get(resourcePath('apps/v1', 'statefulsets', cluster, 'cockroachdb'));
}

async function databasePods(cluster: string): Promise<KubeResource[]> {
  return (await world.clusters.cluster(cluster).client.list(resourcePath('v1', 'pods', cluster)))
    .filter((p) => p.metadata.ownerReferences?.[0]?.kind === 'StatefulSet' && !p.metadata.deletionTimestamp);
}

async function jobs(cluster: string, component: string): Promise<KubeResource[]> {
  return (await world.clusters.cluster(cluster).client.list(resourcePath('batch/v1', 'jobs', cluster)))
    .filter((j) => j.spec.template.metadata.labels['app.kubernetes.io/component'] === component);
}

/**
 * The fake CockroachDB cluster's nodes: every pod that ever joined, with its node id for life (as
 * CockroachDB keeps decommissioned nodes listed), new pods getting the next ids in pod order.
 */
async function refreshFakeCluster(): Promise<void> {
  const file = path.join(fake(), 'nodes.tsv');
  const known = new Map<string, FakeNode>();
  if (fs.existsSync(file)) {
    for (const row of fs.readFileSync(file, 'utf8').split('\n').slice(1).filter((l) => l !== '')) {
      const [id, address, , , , , locality] = row.split('\t');
      known.set(address, { id: Number(id), address, locality, replicas: 1 });
    }
  }
  for (const c of BASE) {
    const topology = await world.clusters.cluster(c.name).client.find(resourcePath('v1', 'configmaps', c.name, 'cockroachdb-topology'));
    for (const key of Object.keys(topology?.data ?? {}).filter((k) => k.startsWith('advertise-host.')).sort()) {
      const address = `${topology!.data[key]}:26257`;
      if (!known.has(address)) known.set(address, { id: known.size + 1, address, locality: `region=${c.region}`, replicas: 1 });
    }
  }
  writeFakeCluster(fake(), [...known.values()].sort((a, b) => a.id - b.id));
}

async function rolledOut(cluster: string): Promise<boolean> {
  const sts = await statefulSet(cluster);
  const pods = await databasePods(cluster);
  return sts.status?.updatedReplicas === sts.spec.replicas && sts.status?.currentRevision === sts.status?.updateRevision &&
    pods.length === sts.spec.replicas && pods.every((p) => p.status?.conditions?.some((k: any) => k.type === 'Ready' && k.status === 'True'));
}

beforeAll(async () => {
  work = tempDir('day-two');
  world = await World.start(WORLD, { suite: 5 });
  // The decommission Job's containers run for real: its script against the fake CockroachDB, its
  // recorder (curl) with the Job's own token against the API server.
  // So do the multi-region SQL Jobs: the fake keeps each database's regions, which the retiring
  // region's decommission waits on.
  const runForReal = (component: string) => async (cluster: { name: string }, pod: KubeResource) => {
    try {
      const { client } = world.clusters.cluster(cluster.name);
      const { runs, sandbox } = await runPodContainers(client, pod, { stubs: { cockroach: fakeCockroach(fake()) } });
      removeDir(sandbox.dir);
      containerRuns.push(...runs.map((r) => ({ component, cluster: cluster.name, ...r })));
      return runs.length === (pod.spec.initContainers?.length ?? 0) + pod.spec.containers.length && runs.every((r) => r.code === 0) ? 'succeed' : 'fail';
    } catch (error) {
      containerRuns.push({ component, cluster: cluster.name, container: '(runner)', code: -1, stdout: '', stderr: String(error) });
      return 'fail';
    }
  };
  world.cockroach.containerJobs.decommission = runForReal('decommission');
  world.cockroach.containerJobs['multi-region-sql'] = runForReal('multi-region-sql');
  for (const c of BASE) await world.installCertManager(c.name);
  await provisionSharedCa(world.clusters, path.join(work, 'ca'), Object.fromEntries(BASE.map((c) => [c.name, c.name])));
});

afterAll(async () => {
  await world?.stop();
  removeDir(work);
});

const containerRuns: { component: string; cluster: string; container: string; code: number; stdout: string; stderr: string }[] = [];
const runsOf = (component: string) => containerRuns.filter((r) => r.component === component);

describe('day 2, the GitOps way (docs/day-2.md)', () => {
  test('deploy: every file accepted, the scale-down guard and its binding among them', async () => {
    const results = await applyCommit(BASE);
    for (const [file, r] of Object.entries(results)) expect([file, r.code, r.stderr]).toEqual([file, 0, '']);
    for (const c of BASE) {
      await world.waitFor(`${c.name} rolled out`, () => rolledOut(c.name), 180_000);
      const policies = await world.clusters.cluster(c.name).client.list('/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies');
      expect(policies.map((p) => p.metadata.name)).toEqual([`cockroachdb-${c.name}-scale-down-guard`]);
    }
    await refreshFakeCluster();
  });

  test('lowering nodes without a decommission is refused by the admission policy, by kubectl apply and by kubectl scale alike', async () => {
    const results = await applyCommit([{ ...BASE[0], nodes: 3 }, BASE[1]]);
    expect(results['us-east1.k8s.yaml'].code).not.toBe(0);
    expect(results['us-east1.k8s.yaml'].stderr).toMatch(/scale-down-guard.*denied request|ValidatingAdmissionPolicy/s);
    expect(results['us-east1.k8s.yaml'].stderr).toContain('scaleDownTo');
    const scaled = await world.clusters.kubectl('us-east1', ['-n', 'us-east1', 'scale', 'statefulset/cockroachdb', '--replicas=3']);
    expect(scaled.code).not.toBe(0);
    expect((await statefulSet('us-east1')).spec.replicas).toBe(5);
    expect(await databasePods('us-east1')).toHaveLength(5);
  });

  test('commit 1, scaleDownTo: 3 — the decommission Job decommissions nodes 4 and 5 and records it with its own narrow token', async () => {
    const results = await applyCommit([{ ...BASE[0], nodes: 5, scaleDownTo: 3 }, BASE[1]]);
    for (const [file, r] of Object.entries(results)) expect([file, r.code, r.stderr]).toEqual([file, 0, '']);
    await world.waitFor('the decommission Job completed', async () =>
      (await jobs('us-east1', 'decommission')).some((j) => (j.status?.succeeded ?? 0) > 0), 120_000);
    expect(runsOf('decommission').map((r) => [r.container, r.code, r.stderr])).toEqual([['decommission', 0, ''], ['record', 0, '']]);
    // The fake cluster's nodes 4 and 5 are the pods cockroachdb-3 and -4 of us-east1.
    const calls = fakeCalls(fake());
    expect(calls.filter((c) => c.startsWith('node decommission')).map((c) => c.split(' --')[0])).toEqual(['node decommission 4 5', 'node decommission 4 5']);
    const record = await world.clusters.cluster('us-east1').client.get(resourcePath('v1', 'configmaps', 'us-east1', 'cockroachdb-decommissioned'));
    expect(record.data).toEqual({ 'decommissioned-from': '3', 'generation': String((await statefulSet('us-east1')).metadata.generation) });
    // Still five pods: GitOps cannot order objects, the second commit lowers nodes.
    expect(await databasePods('us-east1')).toHaveLength(5);
  });

  test('commit 2, nodes: 3 — accepted now; pods 3 and 4 and their volumes go, nothing else restarts', async () => {
    const before = new Map((await databasePods('us-east1')).map((p) => [p.metadata.name, p.metadata.uid]));
    const results = await applyCommit([{ ...BASE[0], nodes: 3 }, BASE[1]]);
    for (const [file, r] of Object.entries(results)) expect([file, r.code, r.stderr]).toEqual([file, 0, '']);
    await world.waitFor('us-east1 at three pods and three volumes', async () => {
      const claims = await world.clusters.cluster('us-east1').client.list(resourcePath('v1', 'persistentvolumeclaims', 'us-east1'));
      return (await databasePods('us-east1')).length === 3 && claims.filter((c) => !c.metadata.deletionTimestamp).length === 3;
    }, 120_000);
    for (const pod of await databasePods('us-east1')) expect(pod.metadata.uid).toBe(before.get(pod.metadata.name));
  });

  const UPGRADE = { version: 'v25.3.1' } as const;
  const at = (east: string, west: string): ClusterSpec[] => [{ ...BASE[0], nodes: 3, version: east }, { ...BASE[1], version: west }];
  const images = async () => Object.fromEntries(await Promise.all(BASE.map(async (c) =>
    [c.name, (await statefulSet(c.name)).spec.template.spec.containers[0].image] as const)));

  test('upgrade, the six commits of docs/day-2.md: never an immutable-field error, one cluster rolls at a time, finalize last', async () => {
    const steps: { clusters: ClusterSpec[]; extra: Partial<MultiRegionCockroachProps>; images: [string, string]; job?: string }[] = [
      { clusters: at('v25.2.4', 'v25.2.4').map(({ version: _v, ...c }) => c), extra: { ...UPGRADE, upgrade: { from: 'v25.2.4' } }, images: ['v25.2.4', 'v25.2.4'], job: 'upgrade' },
      { clusters: at('v25.3.1', 'v25.2.4'), extra: { ...UPGRADE, upgrade: { from: 'v25.2.4' } }, images: ['v25.3.1', 'v25.2.4'] },
      { clusters: at('v25.3.1', 'v25.3.1'), extra: { ...UPGRADE, upgrade: { from: 'v25.2.4' } }, images: ['v25.3.1', 'v25.3.1'] },
      { clusters: at('v25.3.1', 'v25.3.1').map(({ version: _v, ...c }) => c), extra: { ...UPGRADE, upgrade: { from: 'v25.2.4', finalize: true } }, images: ['v25.3.1', 'v25.3.1'], job: 'upgrade' },
      { clusters: at('v25.3.1', 'v25.3.1').map(({ version: _v, ...c }) => c), extra: UPGRADE, images: ['v25.3.1', 'v25.3.1'] },
    ];
    let previous = await images();
    for (const [i, step] of steps.entries()) {
      const generations = Object.fromEntries(await Promise.all(BASE.map(async (c) =>
        [c.name, (await statefulSet(c.name)).metadata.generation] as const)));
      const jobsBefore = (await jobs('us-east1', 'upgrade')).length;
      const results = await applyCommit(step.clusters, step.extra);
      for (const [file, r] of Object.entries(results)) expect([`step ${i + 1}`, file, r.code, r.stderr]).toEqual([`step ${i + 1}`, file, 0, '']);
      const now = await images();
      expect(Object.values(now)).toEqual(step.images.map((v) => `cockroachdb/cockroach:${v}`));
      // At most one cluster's template changed in this commit.
      const changed = BASE.filter((c) => now[c.name] !== previous[c.name]);
      expect(changed.length).toBeLessThanOrEqual(1);
      for (const c of BASE) {
        if (!changed.includes(c)) expect([c.name, (await statefulSet(c.name)).metadata.generation]).toEqual([c.name, generations[c.name]]);
      }
      if (step.job) {
        await world.waitFor(`step ${i + 1}: a new ${step.job} Job completed`, async () => {
          const list = await jobs('us-east1', step.job!);
          return list.length === jobsBefore + 1 && list.every((j) => (j.status?.succeeded ?? 0) > 0);
        }, 120_000);
      }
      for (const c of changed) await world.waitFor(`step ${i + 1}: ${c.name} rolled out`, () => rolledOut(c.name), 180_000);
      previous = now;
    }
  });

  test('removing a region (docs/day-2.md): retire us-west1, its nodes decommissioned through the staying cluster, then its files go; us-east1 restarts nothing', async () => {
    const final = at('v25.3.1', 'v25.3.1').map(({ version: _v, ...c }) => c);
    const eastPods = new Map((await databasePods('us-east1')).map((p) => [p.metadata.name, p.metadata.uid]));
    const eastTemplate = JSON.stringify((await statefulSet('us-east1')).spec.template);
    const sqlBefore = (await jobs('us-east1', 'multi-region-sql')).length;
    await refreshFakeCluster();
    containerRuns.length = 0;
    // Step 2: retiring. A new multi-region SQL Job drops the region; us-west1's decommission Job takes all its nodes.
    const retire = await applyCommit([final[0], { ...final[1], retiring: true }], UPGRADE);
    for (const [file, r] of Object.entries(retire)) expect([file, r.code, r.stderr]).toEqual([file, 0, '']);
    const done = world.waitFor('the new SQL Job and us-west1\'s decommission Job completed', async () =>
      (await jobs('us-east1', 'multi-region-sql')).length === sqlBefore + 1 &&
      (await jobs('us-east1', 'multi-region-sql')).every((j) => (j.status?.succeeded ?? 0) > 0) &&
      (await jobs('us-west1', 'decommission')).some((j) => (j.status?.succeeded ?? 0) > 0), 180_000);
    await done.catch((error) => {
      throw new Error(`${error.message}\n${containerRuns.map((r) => `${r.component}/${r.container} exit ${r.code}: ${r.stderr.slice(-800)}`).join('\n')}`);
    });
    expect(fakeRegions(fake(), 'defaultdb')).toEqual(['us-east1']);
    expect(runsOf('decommission').map((r) => [r.cluster, r.container, r.code, r.stderr])).toEqual([['us-west1', 'decommission', 0, ''], ['us-west1', 'record', 0, '']]);
    const sql = (await jobs('us-east1', 'multi-region-sql')).map((j) => j.spec.template.spec.containers[0].command.join(' ')).join('\n');
    expect(sql).toContain('DROP REGION IF EXISTS "us-west1"');
    // us-west1's three nodes (ids 6-8 after us-east1's five), decommissioned through a us-east1 host.
    const decommissions = fakeCalls(fake()).filter((c) => c.startsWith('node decommission') && c.includes('--wait=none'));
    expect(decommissions.at(-1)).toMatch(/^node decommission 6 7 8 --wait=none .*--host=cockroachdb-0\.cockroachdb\.us-east1\.svc\.cluster\.local:26257/);
    // us-east1 no longer joins through us-west1: its join list is its own pods only (ConfigMap data).
    const join = (await world.clusters.cluster('us-east1').client.get(resourcePath('v1', 'configmaps', 'us-east1', 'cockroachdb-topology'))).data.join as string;
    expect(join.split(',').every((entry) => entry.includes('.us-east1.svc.'))).toBe(true);
    // Step 3: the cluster leaves the topology; its files are pruned, us-east1's applied again.
    const gone = await world.clusters.kubectl('us-west1', ['delete', '--wait=true', '--timeout=120s', '-f', path.join(work, `commit-${commit}`, 'us-west1.k8s.yaml')], { timeoutMs: 150_000 });
    expect([gone.code, gone.stderr]).toEqual([0, '']);
    const remaining = await applyCommit([final[0]], UPGRADE);
    for (const [file, r] of Object.entries(remaining)) expect([file, r.code, r.stderr]).toEqual([file, 0, '']);
    expect(JSON.stringify((await statefulSet('us-east1')).spec.template)).toBe(eastTemplate);
    for (const pod of await databasePods('us-east1')) expect(pod.metadata.uid).toBe(eastPods.get(pod.metadata.name));
  });

  test('a renewed certificate reaches the pod as mounted: the Secret is the volume, no copy at start', async () => {
    const { client } = world.clusters.cluster('us-east1');
    const secretPath = resourcePath('v1', 'secrets', 'us-east1', 'cockroachdb-node');
    const before = (await client.get(secretPath)).data['tls.crt'];
    // `cmctl renew`: the Issuing condition on the Certificate's status.
    await client.mergePatch(`${resourcePath('cert-manager.io/v1', 'certificates', 'us-east1', 'cockroachdb-node')}/status`, {
      status: { conditions: [{ type: 'Issuing', status: 'True', reason: 'ManuallyTriggered', message: 'renewal requested by the test', lastTransitionTime: new Date().toISOString() }] },
    });
    await world.waitFor('the Secret holds a renewed certificate', async () => (await client.get(secretPath)).data['tls.crt'] !== before, 60_000);
    const renewed = Buffer.from((await client.get(secretPath)).data['tls.crt'], 'base64').toString('utf8');
    // What the kubelet puts into the running pod's certificate directory now: the renewed certificate.
    const pod = (await databasePods('us-east1'))[0];
    const sandbox = await materializePod(client, pod);
    const certsMount = pod.spec.containers.find((c: any) => c.name === 'cockroachdb').volumeMounts.find((m: any) => m.mountPath === '/cockroach/cockroach-certs');
    expect(fs.readFileSync(path.join(sandbox.volumes[certsMount.name], 'node.crt'), 'utf8')).toBe(renewed);
    expect(pod.spec.initContainers.map((c: any) => c.name)).not.toContain('copy-certs');
    removeDir(sandbox.dir);
  });
});
