// The direct-path strategies on real API servers, the GitOps way (docs/direct-path.md): the two
// examples synthesized with the cdk8s CLI and applied with `kubectl apply --server-side`.
//
// Networking.podIps: kwok gives pods IPs from each cluster's pod range; the stand-in cloud
// controllers provision the join load balancers at their reserved addresses; each pod's
// `node-certificate` init container runs for real (its own ServiceAccount token, its Role, the real
// cert-manager issuing) and writes a certificate for the pod's IP; a rescheduled pod gets a new IP and
// a certificate for it; a scale-up changes no template and no join list.
//
// Networking.hostNetwork: nodes named and addressed as the example lists them, labelled; one pod per
// listed node, on the node's IP; the start script (run for real, a stand-in `cockroach`) advertises the
// listed address; the node certificate cert-manager issues covers every listed address; adding a node
// scales without a template change.
import { X509Certificate } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { checkServerIdentity } from 'tls';
import { App } from 'cdk8s';
import { runPodContainers } from './support/container-runner';
import { fakeCalls, fakeCockroach, FakeNode, writeFakeCluster } from './support/fake-cockroach';
import { applyFile, cdk8sSynth, provisionSharedCa, synthInto } from './support/gitops';
import { cloudRules, World, WorldClusterSpec } from './support/harness';
import { KubeClient, KubeResource, resourcePath } from './support/kube-client';
import { build as buildHostNetwork, topology as hostTopology } from '../../examples/host-network/main';
import { build as buildPodIps, topology as podTopology } from '../../examples/pod-ips/main';
import { removeDir, tempDir } from '../e2e/support/processes';
import { cidrContainsIp, parseCidr, ParsedCidr, parseIp, ParsedIp } from 'crosscluster';
import { ClusterSpec, MultiRegionCockroachProps, Networking } from 'crosscluster/cdk8s';

jest.setTimeout(900_000);

const namespaceOf = (c: ClusterSpec) => c.namespace ?? c.name;
const ready = (p: KubeResource) => p.status?.conditions?.some((x: any) => x.type === 'Ready' && x.status === 'True');

async function databasePods(world: World, cluster: string, namespace: string): Promise<KubeResource[]> {
  return (await world.clusters.cluster(cluster).client.list(resourcePath('v1', 'pods', namespace)))
    .filter((p) => p.metadata.ownerReferences?.[0]?.kind === 'StatefulSet' && !p.metadata.deletionTimestamp);
}

async function applyDir(world: World, dir: string, clusters: readonly string[]): Promise<void> {
  for (const cluster of clusters) {
    const result = await applyFile(world.clusters, cluster, path.join(dir, `${cluster}.k8s.yaml`));
    if (result.code !== 0) throw new Error(`kubectl apply --server-side -f ${cluster}.k8s.yaml failed:\n${result.stderr}`);
  }
}

async function certificatesReady(world: World, cluster: string, namespace: string, count: number): Promise<void> {
  const client = world.clusters.cluster(cluster).client;
  await world.waitFor(`${count} Ready certificates in ${cluster}`, async () => {
    const certs = await client.list(resourcePath('cert-manager.io/v1', 'certificates', namespace));
    return certs.length >= count && certs.every((x) => x.status?.conditions?.some((k: any) => k.type === 'Ready' && k.status === 'True'));
  }, 120_000);
}

function inside(ip: string, cidr: string): boolean {
  return cidrContainsIp(parseCidr(cidr) as ParsedCidr, parseIp(ip) as ParsedIp);
}

/** Synthesizes a variation of an example and applies every file; returns each cluster's kubectl result. */
async function applyVariant(
  world: World, dir: string, build: (app: App) => unknown, clusters: readonly string[],
): Promise<Record<string, { code: number; stderr: string }>> {
  synthInto(dir, build);
  const results: Record<string, { code: number; stderr: string }> = {};
  for (const cluster of clusters) {
    const r = await applyFile(world.clusters, cluster, path.join(dir, `${cluster}.k8s.yaml`));
    results[cluster] = { code: r.code, stderr: r.stderr };
  }
  return results;
}

/**
 * `getent hosts <name>` as the cluster DNS answers a database pod's name: from the headless Service's
 * EndpointSlices as the endpoint-slice controller wrote them (hostname and address of every pod, ready
 * or not), so a pod's name resolves to its pod IP (podIps) or its node's IP (hostNetwork).
 */
async function clusterDnsStub(client: KubeClient, namespace: string): Promise<{ body: string; records: Record<string, string> }> {
  const slices = await client.list(resourcePath('discovery.k8s.io/v1', 'endpointslices', namespace), 'labelSelector=kubernetes.io%2Fservice-name%3Dcockroachdb');
  const records: Record<string, string> = {};
  for (const slice of slices) {
    for (const endpoint of slice.endpoints ?? []) {
      if (endpoint.hostname) records[`${endpoint.hostname}.cockroachdb.${namespace}.svc.cluster.local`] = endpoint.addresses[0];
    }
  }
  const body = [
    '[ "$1" = hosts ] || exit 2',
    'case "$2" in',
    ...Object.entries(records).map(([name, ip]) => `  ${name}) echo "${ip}      ${name}" ;;`),
    '  *) exit 2 ;;',
    'esac',
  ].join('\n');
  return { body, records };
}

/** One container run of a Job the tier runs for real. */
interface JobRun { readonly cluster: string; readonly container: string; readonly code: number; readonly stdout: string; readonly stderr: string }

/**
 * Runs the decommission Job's containers for real when the readiness model sees its pod running: the
 * script against the stand-in `cockroach` (state in `fakeDir`), names resolved by the cluster DNS stub,
 * the recorder with the Job's own token against the API server.
 */
function runDecommissionForReal(world: () => World, fakeDir: () => string, runs: JobRun[]) {
  return async (cluster: { name: string }, pod: KubeResource): Promise<'succeed' | 'fail'> => {
    try {
      const { client } = world().clusters.cluster(cluster.name);
      const dns = await clusterDnsStub(client, pod.metadata.namespace!);
      const result = await runPodContainers(client, pod, { stubs: { cockroach: fakeCockroach(fakeDir()), getent: dns.body } });
      removeDir(result.sandbox.dir);
      runs.push(...result.runs.map((r) => ({ cluster: cluster.name, container: r.container, code: r.code, stdout: r.stdout, stderr: r.stderr })));
      const all = (pod.spec.initContainers?.length ?? 0) + pod.spec.containers.length;
      return result.runs.length === all && result.runs.every((r) => r.code === 0) ? 'succeed' : 'fail';
    } catch (error) {
      runs.push({ cluster: cluster.name, container: '(runner)', code: -1, stdout: '', stderr: String(error) });
      return 'fail';
    }
  };
}

async function decommissionJobs(world: World, cluster: string, namespace: string): Promise<KubeResource[]> {
  return (await world.clusters.cluster(cluster).client.list(resourcePath('batch/v1', 'jobs', namespace)))
    .filter((j) => j.spec.template.metadata.labels['app.kubernetes.io/component'] === 'decommission');
}

const byName = (a: KubeResource, b: KubeResource) => a.metadata.name.localeCompare(b.metadata.name);

describe('Networking.podIps (examples/pod-ips), applied as the docs say', () => {
  const names = podTopology.clusters.map((c) => c.name);
  const WORLD: readonly WorldClusterSpec[] = [
    {
      name: 'us-east1',
      region: 'us-east1',
      zones: ['us-east1-b', 'us-east1-c'],
      serviceCidr: '10.16.0.0/20',
      podCidr: '10.12.0.0/14',
      dns: 'gke-kube-dns',
      loadBalancerPool: '10.10.14.',
      admit: cloudRules({ cloud: 'gcp', version: '1.35.1-gke.1396000', subsetting: false, subnetCidr: '10.10.0.0/20' }),
    },
    {
      name: 'us-west1',
      region: 'us-west1',
      zones: ['us-west1-a', 'us-west1-b'],
      serviceCidr: '10.28.0.0/20',
      podCidr: '10.24.0.0/14',
      dns: 'gke-kube-dns',
      loadBalancerPool: '10.20.14.',
      admit: cloudRules({ cloud: 'gcp', version: '1.36.2-gke.1498000', subsetting: true, subnetCidr: '10.20.0.0/20' }),
    },
    {
      name: 'eu-west-1',
      region: 'eu-west-1',
      zones: ['eu-west-1a', 'eu-west-1b'],
      serviceCidr: '172.20.0.0/16',
      podCidr: '10.32.0.0/16',
      dns: 'eks-coredns',
      loadBalancerPool: '10.30.14.',
      admit: cloudRules({
        cloud: 'aws',
        vpcCidrs: ['10.30.0.0/16', '10.32.0.0/16'],
        subnets: [
          { id: 'subnet-0a1b2c3d4e5f60001', zone: 'eu-west-1a', cidr: '10.30.0.0/20' },
          { id: 'subnet-0a1b2c3d4e5f60002', zone: 'eu-west-1b', cidr: '10.30.16.0/20' },
        ],
      }),
    },
  ];
  let world: World;
  let work: string;
  let files: Record<string, string>;
  let caFile: string;

  const decommissionRuns: JobRun[] = [];
  const fake = () => path.join(work, 'cockroach-state');

  beforeAll(async () => {
    work = tempDir('pod-ips');
    world = await World.start(WORLD, { suite: 5 });
    world.cockroach.containerJobs.decommission = runDecommissionForReal(() => world, fake, decommissionRuns);
  });

  afterAll(async () => {
    await world?.stop();
    removeDir(work);
  });

  test('synth with the cdk8s CLI, install cert-manager and the CA, apply every file: all accepted (no CSI driver, no webhook)', async () => {
    // As on GKE (VPC-native) and with a node-range IPAM: each node hands out pod IPs from its own /24
    // of the cluster's pod range, so a pod rescheduled to another node gets another IP.
    for (const c of podTopology.clusters) {
      const nodes = Object.values(world.clusters.cluster(c.name).nodesByZone).flat();
      const [a, b, third] = c.podCidrs![0].split('/')[0].split('.').map(Number);
      for (const [i, node] of nodes.entries()) {
        const range = `${a}.${b}.${third + i}.0/24`;
        await world.clusters.cluster(c.name).client.mergePatch(`/api/v1/nodes/${node}`, { spec: { podCIDR: range, podCIDRs: [range] } });
      }
    }
    files = await cdk8sSynth('pod-ips', path.join(work, 'dist'));
    expect(Object.keys(files)).toEqual(names.map((n) => `${n}.k8s.yaml`).sort());
    for (const name of names) await world.installCertManager(name);
    caFile = await provisionSharedCa(world.clusters, work, Object.fromEntries(podTopology.clusters.map((c) => [c.name, namespaceOf(c)])));
    await applyDir(world, path.join(work, 'dist'), names);
  });

  test('pods run with IPs from their cluster\'s pod range; the join load balancers get their reserved addresses; the init Job runs once', async () => {
    for (const c of podTopology.clusters) {
      await world.waitFor(`${c.nodes} ready pods in ${c.name}`, async () => {
        const pods = await databasePods(world, c.name, namespaceOf(c));
        return pods.length === c.nodes && pods.every(ready);
      }, 180_000);
      for (const pod of await databasePods(world, c.name, namespaceOf(c))) {
        expect([pod.metadata.name, inside(pod.status.podIP, c.podCidrs![0])]).toEqual([pod.metadata.name, true]);
      }
      const join = await world.clusters.cluster(c.name).client.get(resourcePath('v1', 'services', namespaceOf(c), 'cockroachdb-join'));
      await world.waitFor(`the join load balancer of ${c.name}`, async () =>
        Boolean((await world.clusters.cluster(c.name).client.get(resourcePath('v1', 'services', namespaceOf(c), 'cockroachdb-join'))).status?.loadBalancer?.ingress?.length));
      const reserved = podTopology.networking.podIps!.joinAddresses![c.name];
      if (c.cloud === 'gcp') {
        const live = await world.clusters.cluster(c.name).client.get(resourcePath('v1', 'services', namespaceOf(c), 'cockroachdb-join'));
        expect(live.status.loadBalancer.ingress.map((i: { ip?: string }) => i.ip)).toEqual([reserved]);
      }
      expect(join.spec.publishNotReadyAddresses).toBe(true);
    }
    expect(world.loadBalancers.refusals()).toEqual([]);
    expect(world.cockroach.jobRuns.filter((r) => r.component === 'init' && r.outcome === 'succeed')).toHaveLength(1);
  });

  test('each pod obtains its own certificate: the init container runs with its real token, the real cert-manager issues it for the pod\'s IP', async () => {
    const ca = new X509Certificate(fs.readFileSync(caFile, 'utf8'));
    for (const c of podTopology.clusters) {
      const ns = namespaceOf(c);
      const client = world.clusters.cluster(c.name).client;
      await certificatesReady(world, c.name, ns, 1); // the root client Certificate (the pods' CA and client files)
      for (const pod of await databasePods(world, c.name, ns)) {
        const { runs, sandbox } = await runPodContainers(client, pod, { containers: ['node-certificate'], timeoutMs: 120_000 });
        expect(runs.map((r) => [r.container, r.code, r.stderr])).toEqual([['node-certificate', 0, '']]);
        const pem = fs.readFileSync(path.join(sandbox.volumes['node-cert'], 'node.crt'), 'utf8');
        const cert = new X509Certificate(pem);
        expect(cert.verify(ca.publicKey)).toBe(true);
        expect(cert.subject).toBe('CN=node');
        // Every address a peer dials this pod at: its IP (advertised), its name (the init Job), the join load balancer.
        const joinAddresses = ([] as string[]).concat(podTopology.networking.podIps!.joinAddresses![c.name]);
        for (const host of [pod.status.podIP, `${pod.metadata.name}.cockroachdb.${ns}.svc.cluster.local`, ...joinAddresses]) {
          expect([pod.metadata.name, host, checkServerIdentity(host, cert.toLegacyObject() as any)]).toEqual([pod.metadata.name, host, undefined]);
        }
        expect(fs.statSync(path.join(sandbox.volumes['node-cert'], 'node.key')).mode % 0o1000).toBe(0o600);
        // The Certificate belongs to the pod (garbage-collected with it).
        const owned = await client.get(resourcePath('cert-manager.io/v1', 'certificates', ns, `${pod.metadata.name}-node`));
        expect(owned.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'Pod', name: pod.metadata.name, uid: pod.metadata.uid })]);
        // Least privilege: the pod's token reads its own Secret, never the CA's, and lists nothing.
        const token = fs.readFileSync(path.join(sandbox.volumes['node-reader-token'], 'token'), 'utf8');
        const asPod = new KubeClient({ ...client.endpoint, token });
        await expect(asPod.get(resourcePath('v1', 'secrets', ns, 'cockroachdb-ca'))).rejects.toMatchObject({ status: 403 });
        await expect(asPod.get(resourcePath('v1', 'secrets', ns))).rejects.toMatchObject({ status: 403 });
        await expect(asPod.get(resourcePath('cert-manager.io/v1', 'certificates', ns))).rejects.toMatchObject({ status: 403 });
        asPod.close();
        removeDir(sandbox.dir);
      }
    }
  });

  test('the start script (run for real, a stand-in cockroach) advertises the pod IP the downward API gives', async () => {
    const c = podTopology.clusters[2];
    const client = world.clusters.cluster(c.name).client;
    const [pod] = await databasePods(world, c.name, namespaceOf(c));
    const { runs } = await runPodContainers(client, pod, {
      containers: ['locality', 'cockroachdb'],
      // `sleep` fails so the certificate reloader the script starts in the background ends at once.
      stubs: { cockroach: 'echo "cockroach $*"', sleep: 'exit 1' },
    });
    expect(runs.map((r) => [r.container, r.code])).toEqual([['locality', 0], ['cockroachdb', 0]]);
    const start = runs[1].stdout;
    expect(start).toContain(`--advertise-host=${pod.status.podIP} `);
    expect(start).toContain('--join=10.10.15.200:26257,10.20.15.200:26257,10.30.15.200:26257,10.30.31.200:26257 ');
    expect(start).toMatch(/--locality=cloud=aws,region=eu-west-1,zone=eu-west-1[ab] /);
  });

  test('a rescheduled pod gets a new IP, and its init container a certificate for that IP (not the old one)', async () => {
    const c = podTopology.clusters[0];
    const ns = namespaceOf(c);
    const client = world.clusters.cluster(c.name).client;
    const before = (await databasePods(world, c.name, ns)).find((p) => p.metadata.name === 'cockroachdb-1')!;
    const oldCertificate = await client.get(resourcePath('cert-manager.io/v1', 'certificates', ns, 'cockroachdb-1-node'));
    // Its node is drained (cordoned, the pod evicted): the StatefulSet re-creates it, the scheduler puts it elsewhere.
    const drained = before.spec.nodeName;
    await client.mergePatch(`/api/v1/nodes/${drained}`, { spec: { unschedulable: true } });
    let after: KubeResource | undefined;
    try {
      await client.delete(resourcePath('v1', 'pods', ns, 'cockroachdb-1'));
      await world.waitFor('cockroachdb-1 back with a new IP', async () => {
        after = (await databasePods(world, c.name, ns)).find((p) => p.metadata.name === 'cockroachdb-1' && p.metadata.uid !== before.metadata.uid);
        return Boolean(after?.status?.podIP);
      }, 120_000);
    } finally {
      await client.mergePatch(`/api/v1/nodes/${drained}`, { spec: { unschedulable: false } });
    }
    expect(after!.spec.nodeName).not.toBe(drained);
    expect(after!.status.podIP).not.toBe(before.status.podIP);
    const node = await client.get(`/api/v1/nodes/${after!.spec.nodeName}`);
    expect(inside(after!.status.podIP, node.spec.podCIDR)).toBe(true);
    // The old pod's Certificate went with it (garbage collector) or is taken over by the new pod's apply.
    const { runs, sandbox } = await runPodContainers(client, after!, { containers: ['node-certificate'], timeoutMs: 120_000 });
    expect(runs.map((r) => [r.code, r.stderr])).toEqual([[0, '']]);
    const cert = new X509Certificate(fs.readFileSync(path.join(sandbox.volumes['node-cert'], 'node.crt'), 'utf8'));
    expect(checkServerIdentity(after!.status.podIP, cert.toLegacyObject() as any)).toBeUndefined();
    expect(checkServerIdentity(before.status.podIP, cert.toLegacyObject() as any)?.message).toMatch(/does not match certificate's altnames/);
    const now = await client.get(resourcePath('cert-manager.io/v1', 'certificates', ns, 'cockroachdb-1-node'));
    if (now.metadata.uid === oldCertificate.metadata.uid) expect(now.metadata.generation!).toBeGreaterThan(oldCertificate.metadata.generation!);
    expect(now.metadata.ownerReferences![0].uid).toBe(after!.metadata.uid);
    removeDir(sandbox.dir);
  });

  test('scale-up 3 -> 5: no template change, no restarted pod, the same join list; the pods\' Role grows to the new pods', async () => {
    const c = podTopology.clusters[0];
    const ns = namespaceOf(c);
    const client = world.clusters.cluster(c.name).client;
    const pods = new Map((await databasePods(world, c.name, ns)).map((p) => [p.metadata.uid!, p.metadata.labels!['controller-revision-hash']]));
    const template = JSON.stringify((await client.get(resourcePath('apps/v1', 'statefulsets', ns, 'cockroachdb'))).spec.template);
    const joins = await Promise.all(names.map(async (n) => (await world.clusters.cluster(n).client.get(resourcePath('v1', 'configmaps', n, 'cockroachdb-topology'))).data.join));
    const props: MultiRegionCockroachProps = {
      ...podTopology,
      clusters: podTopology.clusters.map((x) => (x.name === c.name ? { ...x, nodes: 5 } : x)),
    };
    const dir = path.join(work, 'dist-scaled');
    synthInto(dir, (app) => buildPodIps(app, props));
    await applyDir(world, dir, names);
    await world.waitFor('5 ready pods', async () => {
      const now = await databasePods(world, c.name, ns);
      return now.length === 5 && now.every(ready);
    }, 120_000);
    const now = new Map((await databasePods(world, c.name, ns)).map((p) => [p.metadata.uid!, p.metadata.labels!['controller-revision-hash']]));
    for (const [uid, revision] of pods) expect([uid, now.get(uid)]).toEqual([uid, revision]);
    expect(JSON.stringify((await client.get(resourcePath('apps/v1', 'statefulsets', ns, 'cockroachdb'))).spec.template)).toBe(template);
    for (const [i, n] of names.entries()) {
      expect((await world.clusters.cluster(n).client.get(resourcePath('v1', 'configmaps', n, 'cockroachdb-topology'))).data.join).toBe(joins[i]);
    }
    const role = await client.get(resourcePath('rbac.authorization.k8s.io/v1', 'roles', ns, 'cockroachdb-pod-certificates'));
    expect(role.rules[2].resourceNames).toEqual([0, 1, 2, 3, 4].map((i) => `cockroachdb-${i}-node`));
    // The new pod obtains its certificate like the others.
    const fifth = (await databasePods(world, c.name, ns)).find((p) => p.metadata.name === 'cockroachdb-4')!;
    const { runs, sandbox } = await runPodContainers(client, fifth, { containers: ['node-certificate'], timeoutMs: 120_000 });
    expect(runs.map((r) => [r.code, r.stderr])).toEqual([[0, '']]);
    removeDir(sandbox.dir);
  });

  test('scale-down 5 -> 3 (docs/day-2.md): refused before a decommission; the decommission Job finds pods 3 and 4 at their pod IPs by their names; then only they go', async () => {
    const c = podTopology.clusters[0];
    const ns = namespaceOf(c);
    const client = world.clusters.cluster(c.name).client;
    const at = (nodes: number, scaleDownTo?: number): MultiRegionCockroachProps => ({
      ...podTopology,
      clusters: podTopology.clusters.map((x) => (x.name === c.name ? { ...x, nodes, ...(scaleDownTo === undefined ? {} : { scaleDownTo }) } : x)),
    });
    // The stand-in CockroachDB knows every running pod as a node advertising its pod IP, ids in order.
    const nodes: FakeNode[] = [];
    const idOf = new Map<string, number>();
    for (const x of podTopology.clusters) {
      for (const pod of (await databasePods(world, x.name, namespaceOf(x))).sort(byName)) {
        nodes.push({ id: nodes.length + 1, address: `${pod.status.podIP}:26257`, locality: `region=${x.region}`, replicas: 1 });
        idOf.set(`${x.name}/${pod.metadata.name}`, nodes.length);
      }
    }
    writeFakeCluster(fake(), nodes);
    const leaving = [idOf.get(`${c.name}/cockroachdb-3`), idOf.get(`${c.name}/cockroachdb-4`)];
    const template = JSON.stringify((await client.get(resourcePath('apps/v1', 'statefulsets', ns, 'cockroachdb'))).spec.template);
    const joins = await Promise.all(names.map(async (n) => (await world.clusters.cluster(n).client.get(resourcePath('v1', 'configmaps', n, 'cockroachdb-topology'))).data.join));

    // Lowering nodes first is refused by the real admission policy.
    const early = await applyVariant(world, path.join(work, 'dist-down-early'), (app) => buildPodIps(app, at(3)), [c.name]);
    expect(early[c.name].code).not.toBe(0);
    expect(early[c.name].stderr).toContain('scaleDownTo');
    expect((await databasePods(world, c.name, ns)).length).toBe(5);

    // Commit 1: scaleDownTo 3. The Job's script resolves the pods' names (the cluster DNS from the real EndpointSlices).
    const first = await applyVariant(world, path.join(work, 'dist-down-1'), (app) => buildPodIps(app, at(5, 3)), names);
    for (const [name, r] of Object.entries(first)) expect([name, r.code, r.stderr]).toEqual([name, 0, '']);
    await world.waitFor('the decommission Job completed', async () =>
      (await decommissionJobs(world, c.name, ns)).some((j) => (j.status?.succeeded ?? 0) > 0), 180_000);
    expect(decommissionRuns.map((r) => [r.cluster, r.container, r.code, r.stderr])).toEqual([[c.name, 'decommission', 0, ''], [c.name, 'record', 0, '']]);
    const decommissions = fakeCalls(fake()).filter((call) => call.startsWith('node decommission')).map((call) => call.split(' --')[0]);
    expect(decommissions).toEqual([`node decommission ${leaving.join(' ')}`, `node decommission ${leaving.join(' ')}`]);
    const pods = await databasePods(world, c.name, ns);
    const leavingIps = pods.filter((p) => ['cockroachdb-3', 'cockroachdb-4'].includes(p.metadata.name)).map((p) => `${p.status.podIP}:26257`).sort();
    expect(decommissionRuns[0].stdout).toContain(`decommissioning node(s) ${leaving.join(' ')} at `);
    expect(leavingIps.every((a) => decommissionRuns[0].stdout.includes(a))).toBe(true);
    expect((await client.get(resourcePath('v1', 'configmaps', ns, 'cockroachdb-decommissioned'))).data['decommissioned-from']).toBe('3');
    expect(pods).toHaveLength(5);

    expect(await client.find(resourcePath('cert-manager.io/v1', 'certificates', ns, 'cockroachdb-4-node'))).toBeDefined();

    // Commit 2: nodes 3, accepted now. Pods 3 and 4 and their volumes go; the others keep running.
    const before = new Map(pods.map((p) => [p.metadata.name, p.metadata.uid]));
    const second = await applyVariant(world, path.join(work, 'dist-down-2'), (app) => buildPodIps(app, at(3)), names);
    for (const [name, r] of Object.entries(second)) expect([name, r.code, r.stderr]).toEqual([name, 0, '']);
    await world.waitFor(`${c.name} at three pods and three volumes`, async () => {
      const claims = await client.list(resourcePath('v1', 'persistentvolumeclaims', ns));
      return (await databasePods(world, c.name, ns)).length === 3 && claims.filter((x) => !x.metadata.deletionTimestamp).length === 3;
    }, 120_000);
    const after = await databasePods(world, c.name, ns);
    expect(after.map((p) => [p.metadata.name, p.metadata.uid]).sort()).toEqual([0, 1, 2].map((i) => [`cockroachdb-${i}`, before.get(`cockroachdb-${i}`)]));
    expect(JSON.stringify((await client.get(resourcePath('apps/v1', 'statefulsets', ns, 'cockroachdb'))).spec.template)).toBe(template);
    for (const [i, n] of names.entries()) {
      expect((await world.clusters.cluster(n).client.get(resourcePath('v1', 'configmaps', n, 'cockroachdb-topology'))).data.join).toBe(joins[i]);
    }
    // The per-pod Certificates of the removed pods went with them (owned by the pods); the Role shrinks back.
    await world.waitFor('the removed pods\' Certificates collected', async () => {
      const certificates = await client.list(resourcePath('cert-manager.io/v1', 'certificates', ns));
      return !certificates.some((x) => ['cockroachdb-3-node', 'cockroachdb-4-node'].includes(x.metadata.name));
    }, 60_000);
    const role = await client.get(resourcePath('rbac.authorization.k8s.io/v1', 'roles', ns, 'cockroachdb-pod-certificates'));
    expect(role.rules[2].resourceNames).toEqual([0, 1, 2].map((i) => `cockroachdb-${i}-node`));
  });
});

describe('Networking.hostNetwork (examples/host-network), applied as the docs say', () => {
  const names = hostTopology.clusters.map((c) => c.name);
  const listed = hostTopology.networking.hostNetwork!.nodes!;
  /** The IP each listed node really has (a DNS-named node's name resolves to it in the docs' setup). */
  const nodeIp = (cluster: string, i: number) => {
    const address = listed[cluster][i].address;
    return /^[0-9.]+$/.test(address) ? address : `${hostTopology.clusters.find((c) => c.name === cluster)!.nodeCidrs![0].split('.').slice(0, 3).join('.')}.${13 + i}`;
  };
  const WORLD: readonly WorldClusterSpec[] = hostTopology.clusters.map((c) => ({
    name: c.name,
    region: c.region,
    zones: [`${c.region}-a`],
    nodesPerZone: 1,
    serviceCidr: c.serviceCidrs![0],
    podCidr: c.podCidrs![0],
    // No load balancer is expected: any would be refused.
    loadBalancerPool: '192.168.200.',
    admit: () => ({ accepted: false, reason: 'host networking creates no load balancer' }),
  }));
  let world: World;
  let work: string;
  let files: Record<string, string>;

  /** A node as the example lists it: its name, its InternalIP, the placement label (as the docs say to set it). */
  async function addNode(cluster: string, name: string, ip: string): Promise<void> {
    const client = world.clusters.cluster(cluster).client;
    const c = hostTopology.clusters.find((x) => x.name === cluster)!;
    await client.create('/api/v1/nodes', {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name,
        annotations: { 'kwok.x-k8s.io/node': 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
        labels: {
          'kubernetes.io/hostname': name,
          'kubernetes.io/os': 'linux',
          'type': 'kwok',
          'topology.kubernetes.io/region': c.region,
          'topology.kubernetes.io/zone': `${c.region}-a`,
          'crosscluster.io/database': namespaceOf(c),
        },
      },
      spec: {},
      // The node's address from its creation (as a kubelet registers it): kwok fills in an address of
      // its own for a node that has none, and remembers it for the pods' hostIP.
      status: {
        addresses: [{ type: 'InternalIP', address: ip }, { type: 'Hostname', address: name }],
        allocatable: { 'cpu': '32', 'memory': '128Gi', 'pods': '110', 'ephemeral-storage': '500Gi' },
        capacity: { 'cpu': '32', 'memory': '128Gi', 'pods': '110', 'ephemeral-storage': '500Gi' },
      },
    });
    await world.waitFor(`node ${name} Ready at ${ip}`, async () => {
      const node = await client.get(`/api/v1/nodes/${name}`);
      return node.status?.addresses?.find((a: any) => a.type === 'InternalIP')?.address === ip &&
        node.status?.conditions?.some((k: any) => k.type === 'Ready' && k.status === 'True');
    });
  }

  const decommissionRuns: JobRun[] = [];
  const fake = () => path.join(work, 'cockroach-state');
  /** The listed nodes after the scale-up (east-db-4 added to dc-east). */
  const grown = { ...listed, [hostTopology.clusters[0].name]: [...listed[hostTopology.clusters[0].name], { name: 'east-db-4', address: '192.168.10.14' }] };
  const hostProps = (nodes: Record<string, readonly { name: string; address: string }[]>, scaleDownTo?: number): MultiRegionCockroachProps => ({
    ...hostTopology,
    clusters: hostTopology.clusters.map((x) => ({
      ...x,
      nodes: nodes[x.name].length,
      ...(x.name === names[0] && scaleDownTo !== undefined ? { scaleDownTo } : {}),
    })),
    networking: Networking.hostNetwork({ ...hostTopology.networking.hostNetwork!, nodes }),
  });

  beforeAll(async () => {
    work = tempDir('host-network');
    world = await World.start(WORLD, { suite: 6 });
    world.cockroach.containerJobs.decommission = runDecommissionForReal(() => world, fake, decommissionRuns);
  });

  afterAll(async () => {
    await world?.stop();
    removeDir(work);
  });

  test('label the listed nodes, synth with the cdk8s CLI, apply every file: all accepted', async () => {
    for (const c of hostTopology.clusters) for (const [i, node] of listed[c.name].entries()) await addNode(c.name, node.name, nodeIp(c.name, i));
    await world.waitFor('the listed nodes Ready', async () => {
      for (const c of hostTopology.clusters) {
        const nodes = await world.clusters.cluster(c.name).client.list('/api/v1/nodes');
        if (listed[c.name].some((n) => !nodes.some((x) => x.metadata.name === n.name && x.status?.conditions?.some((k: any) => k.type === 'Ready' && k.status === 'True')))) return false;
      }
      return true;
    });
    files = await cdk8sSynth('host-network', path.join(work, 'dist'));
    expect(Object.keys(files)).toEqual(names.map((n) => `${n}.k8s.yaml`).sort());
    for (const name of names) await world.installCertManager(name);
    await provisionSharedCa(world.clusters, work, Object.fromEntries(hostTopology.clusters.map((c) => [c.name, namespaceOf(c)])));
    await applyDir(world, path.join(work, 'dist'), names);
  });

  test('one pod per listed node, on the node\'s own IP (never on the unlabelled nodes); every pod ready; init once; no load balancer', async () => {
    for (const c of hostTopology.clusters) {
      const ns = namespaceOf(c);
      await world.waitFor(`${c.nodes} ready pods in ${c.name}`, async () => {
        const pods = await databasePods(world, c.name, ns);
        return pods.length === c.nodes && pods.every(ready);
      }, 180_000);
      const pods = await databasePods(world, c.name, ns);
      expect(pods.map((p) => p.spec.nodeName).sort()).toEqual(listed[c.name].map((n) => n.name).sort());
      for (const pod of pods) {
        const i = listed[c.name].findIndex((n) => n.name === pod.spec.nodeName);
        expect([pod.metadata.name, pod.status.podIP, pod.status.hostIP]).toEqual([pod.metadata.name, nodeIp(c.name, i), nodeIp(c.name, i)]);
      }
      const services = (await world.clusters.cluster(c.name).client.list(resourcePath('v1', 'services', ns))).filter((s) => s.spec.type === 'LoadBalancer');
      expect(services).toEqual([]);
    }
    expect(world.cockroach.jobRuns.filter((r) => r.component === 'init' && r.outcome === 'succeed')).toHaveLength(1);
  });

  test('the start script advertises the node\'s listed address (its IP, or its DNS name), read with the real downward API values', async () => {
    for (const c of hostTopology.clusters.filter((x) => x.name === 'dc-west')) {
      const client = world.clusters.cluster(c.name).client;
      for (const pod of await databasePods(world, c.name, namespaceOf(c))) {
        const { runs } = await runPodContainers(client, pod, { containers: ['cockroachdb'], stubs: { cockroach: 'echo "cockroach $*"', sleep: 'exit 1' } });
        expect(runs.map((r) => [r.code, r.stderr])).toEqual([[0, '']]);
        const node = listed[c.name].find((n) => n.name === pod.spec.nodeName)!;
        expect(runs[0].stdout).toContain(`--advertise-host=${node.address} `);
      }
    }
  });

  test('the real cert-manager issues each cluster\'s node certificate for every listed node address', async () => {
    for (const c of hostTopology.clusters) {
      const ns = namespaceOf(c);
      await certificatesReady(world, c.name, ns, 2);
      const secret = await world.clusters.cluster(c.name).client.get(resourcePath('v1', 'secrets', ns, 'cockroachdb-node'));
      const cert = new X509Certificate(Buffer.from(secret.data['tls.crt'], 'base64').toString('utf8'));
      for (const node of listed[c.name]) {
        expect([node.address, checkServerIdentity(node.address, cert.toLegacyObject() as any)]).toEqual([node.address, undefined]);
      }
      for (const other of names.filter((n) => n !== c.name)) {
        expect(checkServerIdentity(listed[other][0].address, cert.toLegacyObject() as any)?.message).toMatch(/does not match certificate's altnames/);
      }
    }
  });

  test('a node more (listed, labelled) and a pod more: no template change, no restarted pod; the join list (first three per cluster) stays', async () => {
    const c = hostTopology.clusters[0];
    const ns = namespaceOf(c);
    const client = world.clusters.cluster(c.name).client;
    const pods = new Map((await databasePods(world, c.name, ns)).map((p) => [p.metadata.uid!, p.metadata.labels!['controller-revision-hash']]));
    const template = JSON.stringify((await client.get(resourcePath('apps/v1', 'statefulsets', ns, 'cockroachdb'))).spec.template);
    const join = (await client.get(resourcePath('v1', 'configmaps', ns, 'cockroachdb-topology'))).data.join;
    await addNode(c.name, 'east-db-4', '192.168.10.14');
    const dir = path.join(work, 'dist-scaled');
    synthInto(dir, (app) => buildHostNetwork(app, hostProps(grown)));
    await applyDir(world, dir, names);
    await world.waitFor('4 ready pods in dc-east', async () => {
      const now = await databasePods(world, c.name, ns);
      return now.length === 4 && now.every(ready);
    }, 120_000);
    const now = await databasePods(world, c.name, ns);
    expect(now.find((p) => p.metadata.name === 'cockroachdb-3')!.spec.nodeName).toBe('east-db-4');
    const revisions = new Map(now.map((p) => [p.metadata.uid!, p.metadata.labels!['controller-revision-hash']]));
    for (const [uid, revision] of pods) expect([uid, revisions.get(uid)]).toEqual([uid, revision]);
    expect(JSON.stringify((await client.get(resourcePath('apps/v1', 'statefulsets', ns, 'cockroachdb'))).spec.template)).toBe(template);
    expect((await client.get(resourcePath('v1', 'configmaps', ns, 'cockroachdb-topology'))).data.join).toBe(join);
  });

  test('scale-down 4 -> 3 (docs/day-2.md): refused first; the decommission Job finds pod 3 at its node\'s address by its name; then pod 3 goes and east-db-4 is free', async () => {
    const c = hostTopology.clusters[0];
    const ns = namespaceOf(c);
    const client = world.clusters.cluster(c.name).client;
    // The stand-in CockroachDB knows every pod as a node advertising its node's listed address.
    const nodes: FakeNode[] = [];
    for (const x of hostTopology.clusters) {
      for (const pod of (await databasePods(world, x.name, namespaceOf(x))).sort(byName)) {
        nodes.push({ id: nodes.length + 1, address: `${grown[x.name].find((n) => n.name === pod.spec.nodeName)!.address}:26257`, locality: `region=${x.region}`, replicas: 1 });
      }
    }
    writeFakeCluster(fake(), nodes);
    const leaving = nodes.find((n) => n.address === '192.168.10.14:26257')!.id;
    const template = JSON.stringify((await client.get(resourcePath('apps/v1', 'statefulsets', ns, 'cockroachdb'))).spec.template);
    const joins = await Promise.all(hostTopology.clusters.map(async (x) =>
      (await world.clusters.cluster(x.name).client.get(resourcePath('v1', 'configmaps', namespaceOf(x), 'cockroachdb-topology'))).data.join));

    const shrunk = { ...grown, [c.name]: listed[c.name] };
    const early = await applyVariant(world, path.join(work, 'dist-down-early'), (app) => buildHostNetwork(app, hostProps(shrunk)), [c.name]);
    expect(early[c.name].code).not.toBe(0);
    expect(early[c.name].stderr).toContain('scaleDownTo');
    expect(await databasePods(world, c.name, ns)).toHaveLength(4);

    const first = await applyVariant(world, path.join(work, 'dist-down-1'), (app) => buildHostNetwork(app, hostProps(grown, 3)), names);
    for (const [name, r] of Object.entries(first)) expect([name, r.code, r.stderr]).toEqual([name, 0, '']);
    await world.waitFor('the decommission Job completed', async () =>
      (await decommissionJobs(world, c.name, ns)).some((j) => (j.status?.succeeded ?? 0) > 0), 180_000);
    expect(decommissionRuns.map((r) => [r.cluster, r.container, r.code, r.stderr])).toEqual([[c.name, 'decommission', 0, ''], [c.name, 'record', 0, '']]);
    expect(decommissionRuns[0].stdout).toContain(`decommissioning node(s) ${leaving} at 192.168.10.14:26257`);
    expect(fakeCalls(fake()).filter((call) => call.startsWith('node decommission')).map((call) => call.split(' --')[0]))
      .toEqual([`node decommission ${leaving}`, `node decommission ${leaving}`]);
    expect((await client.get(resourcePath('v1', 'configmaps', ns, 'cockroachdb-decommissioned'))).data['decommissioned-from']).toBe('3');

    const before = new Map((await databasePods(world, c.name, ns)).map((p) => [p.metadata.name, p.metadata.uid]));
    const second = await applyVariant(world, path.join(work, 'dist-down-2'), (app) => buildHostNetwork(app, hostProps(shrunk)), names);
    for (const [name, r] of Object.entries(second)) expect([name, r.code, r.stderr]).toEqual([name, 0, '']);
    await world.waitFor(`${c.name} at three pods and three volumes`, async () => {
      const claims = await client.list(resourcePath('v1', 'persistentvolumeclaims', ns));
      return (await databasePods(world, c.name, ns)).length === 3 && claims.filter((x) => !x.metadata.deletionTimestamp).length === 3;
    }, 120_000);
    const after = await databasePods(world, c.name, ns);
    expect(after.map((p) => [p.metadata.name, p.metadata.uid]).sort()).toEqual([0, 1, 2].map((i) => [`cockroachdb-${i}`, before.get(`cockroachdb-${i}`)]));
    expect(after.map((p) => p.spec.nodeName).sort()).toEqual(listed[c.name].map((n) => n.name).sort());
    expect(JSON.stringify((await client.get(resourcePath('apps/v1', 'statefulsets', ns, 'cockroachdb'))).spec.template)).toBe(template);
    for (const [i, x] of hostTopology.clusters.entries()) {
      expect((await world.clusters.cluster(x.name).client.get(resourcePath('v1', 'configmaps', namespaceOf(x), 'cockroachdb-topology'))).data.join).toBe(joins[i]);
    }
    // Nothing of the database is left on east-db-4: no pod, and no address of it in the topology.
    const onNode = (await client.list(resourcePath('v1', 'pods', ns))).filter((p) => p.spec.nodeName === 'east-db-4' && !p.metadata.deletionTimestamp);
    expect(onNode.filter((p) => p.metadata.ownerReferences?.[0]?.kind === 'StatefulSet')).toEqual([]);
    expect((await client.get(resourcePath('v1', 'configmaps', ns, 'cockroachdb-topology'))).data['node-address.east-db-4']).toBeUndefined();
  });
});
