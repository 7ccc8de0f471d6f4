// `pulumi up` of MultiRegionCockroach with per-pod load balancers, by the real Pulumi CLI and the real
// Kubernetes provider, against three simulated clusters whose stand-in cloud controller answers
// after a delay: deploy, preview and refresh clean, scale up in place, destroy leaves nothing.
import * as path from 'path';
import { cloudRules, World } from './support/harness';
import { KubeResource, resourcePath } from './support/kube-client';
import { changes, PulumiStack } from './support/pulumi-stack';
import { removeDir, tempDir } from '../e2e/support/processes';

jest.setTimeout(900_000);

const CLUSTERS = {
  'us-east1': {
    cloud: 'gcp',
    region: 'us-east1',
    nodes: 3,
    zones: ['us-east1-b', 'us-east1-c', 'us-east1-d'],
    nodeCidrs: ['10.10.0.0/20'],
    serviceCidrs: ['10.16.0.0/20'],
    podCidrs: ['10.12.0.0/14'],
    gke: { version: '1.35.1-gke.1396000' },
  },
  'us-west1': {
    cloud: 'gcp',
    region: 'us-west1',
    nodes: 3,
    zones: ['us-west1-a', 'us-west1-b', 'us-west1-c'],
    nodeCidrs: ['10.20.0.0/20'],
    serviceCidrs: ['10.28.0.0/20'],
    podCidrs: ['10.24.0.0/14'],
    gke: { version: '1.35.1-gke.1396000' },
  },
  'europe-west1': {
    cloud: 'gcp',
    region: 'europe-west1',
    nodes: 3,
    zones: ['europe-west1-b', 'europe-west1-c', 'europe-west1-d'],
    nodeCidrs: ['10.30.0.0/20'],
    serviceCidrs: ['10.38.0.0/20'],
    podCidrs: ['10.32.0.0/14'],
    gke: { version: '1.35.1-gke.1396000' },
  },
} as const;

let world: World;
let work: string;
let stack: PulumiStack;

function configFor(clusters: Record<string, object>) {
  return {
    kubeconfigs: { value: world.kubeconfigsJson(), secret: true },
    clusters: { value: JSON.stringify(clusters) },
    networking: { value: 'perPodLoadBalancers' },
  };
}

async function databasePods(cluster: string): Promise<KubeResource[]> {
  return (await world.clusters.cluster(cluster).client.list(resourcePath('v1', 'pods', cluster)))
    .filter((p) => p.metadata.ownerReferences?.[0]?.kind === 'StatefulSet');
}

beforeAll(async () => {
  work = tempDir('pulumi-per-pod');
  world = await World.start(Object.entries(CLUSTERS).map(([name, c], i) => ({
    name,
    region: c.region,
    zones: c.zones,
    serviceCidr: c.serviceCidrs[0],
    podCidr: c.podCidrs[0],
    dns: 'gke-kube-dns' as const,
    loadBalancerPool: `10.${10 * (i + 1)}.14.`,
    // What GKE is: its controller's rules for internal load balancers in the cluster's node subnet.
    admit: cloudRules({ cloud: 'gcp', version: '1.35.1-gke.1396000', subsetting: false, subnetCidr: c.nodeCidrs[0] }),
  })), { suite: 2, loadBalancerDelayMs: 3_000 });
  stack = new PulumiStack(path.join(work, 'stack'), path.join(__dirname, 'programs', 'multi-region.ts'));
});

afterAll(async () => {
  await world?.stop();
  removeDir(work);
});

describe('pulumi up: per-pod load balancers on three simulated GKE clusters', () => {
  test('up creates everything, waits for the load balancers once and for the init Job, and feeds the addresses in', async () => {
    const up = await stack.run('up', { config: configFor(CLUSTERS) });
    expect(up.error).toBeUndefined();
    expect(up.ok).toBe(true);
    const assigned = world.loadBalancers.records.filter((r) => r.outcome === 'assigned');
    expect(world.loadBalancers.refusals()).toEqual([]);
    expect(assigned).toHaveLength(9);
    const advertise = up.outputs!.advertiseAddresses.value as Record<string, string[]>;
    for (const [name] of Object.entries(CLUSTERS)) {
      const ips = assigned.filter((r) => r.cluster === name).map((r) => JSON.parse(r.detail)[0].ip).sort();
      expect([...advertise[name]].sort()).toEqual(ips);
      const configMap = await world.clusters.cluster(name).client.get(resourcePath('v1', 'configmaps', name, 'cockroachdb-topology'));
      expect(configMap.data.join).toBe((up.outputs!.joinAddresses.value as string[]).join(','));
      advertise[name].forEach((ip, ordinal) => expect(configMap.data[`advertise-host.cockroachdb-${ordinal}`]).toBe(ip));
    }
    expect(world.cockroach.jobRuns.filter((r) => r.component === 'init' && r.outcome === 'succeed')).toHaveLength(1);
  });

  test('preview after up shows no changes, and refresh is clean', async () => {
    const preview = await stack.run('preview', { config: configFor(CLUSTERS) });
    expect(preview.error).toBeUndefined();
    expect(changes(preview)).toEqual([]);
    const refreshed = await stack.run('preview', { config: configFor(CLUSTERS), refresh: true });
    expect(refreshed.error).toBeUndefined();
    expect(changes(refreshed)).toEqual([]);
  });

  test('scale-up 3 -> 5 updates in place: no ConfigMap, StatefulSet or Service replaced, no pod restarted', async () => {
    const before = new Map((await databasePods('us-west1')).map((p) => [p.metadata.name, p.metadata.uid]));
    const grown = { ...CLUSTERS, 'us-west1': { ...CLUSTERS['us-west1'], nodes: 5 } };
    const up = await stack.run('up', { config: configFor(grown) });
    expect(up.error).toBeUndefined();
    const replaced = up.steps.filter((s) => ['replace', 'create-replacement', 'delete-replaced'].includes(s.op));
    expect(replaced.map((s) => `${s.op} ${s.urn}`)).toEqual([]);
    const after = await databasePods('us-west1');
    expect(after).toHaveLength(5);
    for (const [name, uid] of before) expect(after.find((p) => p.metadata.name === name)?.metadata.uid).toBe(uid);
  });

  test('destroy leaves nothing of the library in any cluster', async () => {
    const destroyed = await stack.run('destroy', { config: configFor(CLUSTERS) });
    expect(destroyed.error).toBeUndefined();
    for (const c of world.clusters.clusters) {
      const namespaces = (await c.client.list('/api/v1/namespaces')).map((n) => n.metadata.name);
      expect(namespaces).not.toContain(c.name);
      const managed = (await c.client.list('/apis/rbac.authorization.k8s.io/v1/clusterroles', 'labelSelector=app.kubernetes.io%2Fmanaged-by%3Dcrosscluster'));
      expect(managed).toEqual([]);
    }
  });

  test('a cloud that never provisions a load balancer fails the up after loadBalancerTimeout, naming the Service, instead of blocking', async () => {
    world.loadBalancers.paused = true;
    try {
      const started = Date.now();
      const up = await stack.run('up', { config: { ...configFor(CLUSTERS), loadBalancerTimeout: { value: '45s' } } });
      expect(up.ok).toBe(false);
      expect(up.error).toMatch(/cockroachdb-\d-lb/);
      expect(up.error).toMatch(/timed out|Timeout|timeout/);
      // Well before the provider's default of ten minutes.
      expect(Date.now() - started).toBeLessThan(5 * 60_000);
    } finally {
      world.loadBalancers.paused = false;
      const destroyed = await stack.run('destroy', { config: configFor(CLUSTERS) });
      expect(destroyed.error).toBeUndefined();
    }
  });
});
