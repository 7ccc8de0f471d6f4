// The cdk8s GitOps example on real API servers, exactly as docs/cdk8s.md tells a user: synthesize
// with the cdk8s CLI, provision the CA, `kubectl apply --server-side` every file; then re-apply,
// scale up, add a cluster and tear down, checking what the real controllers do.
import { X509Certificate } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { checkServerIdentity } from 'tls';
import { runPodContainers } from './support/container-runner';
import { applyFile, cdk8sSynth, objectsOf, provisionSharedCa, synthInto } from './support/gitops';
import { cloudRules, World, WorldClusterSpec } from './support/harness';
import { KubeClient, KubeResource, resourcePath } from './support/kube-client';
import { DEFAULT_COREFILE, eksUpdateAddon, snapshotManagedDns } from './support/managed-dns';
import { build, topology } from '../../examples/gitops/main';
import { removeDir, tempDir } from '../e2e/support/processes';
import { ClusterSpec, MultiRegionCockroachProps } from 'crosscluster/cdk8s';

jest.setTimeout(600_000);

const EXTRA: ClusterSpec = {
  name: 'ap-south1',
  cloud: 'gcp',
  region: 'asia-south1',
  nodes: 3,
  zones: ['asia-south1-a', 'asia-south1-b', 'asia-south1-c'],
  nodeCidrs: ['10.40.0.0/20'],
  podCidrs: ['10.44.0.0/14'],
  serviceCidrs: ['10.48.0.0/20'],
  gke: { version: '1.34.3-gke.1000000', dns: 'kube-dns' },
};

let world: World;
let work: string;
const original: Record<string, Awaited<ReturnType<typeof snapshotManagedDns>>> = {};

function namespaceOf(c: ClusterSpec): string {
  return c.namespace ?? c.name;
}

/** Every object of a cluster's files as the server has it now, by `kind/namespace/name`. */
async function liveObjects(cluster: string, files: Record<string, string>): Promise<Map<string, KubeResource>> {
  const client = world.clusters.cluster(cluster).client;
  const live = new Map<string, KubeResource>();
  for (const [file, text] of Object.entries(files)) {
    if (!file.startsWith(`${cluster}.`) && !file.startsWith(`${cluster}-dns.`)) continue;
    for (const object of objectsOf(text)) {
      const found = await client.find(objectPath(object));
      if (found) live.set(`${object.kind}/${object.metadata.namespace ?? ''}/${object.metadata.name}`, found);
    }
  }
  return live;
}

const PLURALS: Record<string, string> = {
  Namespace: 'namespaces',
  ServiceAccount: 'serviceaccounts',
  ClusterRole: 'clusterroles',
  ClusterRoleBinding: 'clusterrolebindings',
  Service: 'services',
  ConfigMap: 'configmaps',
  StatefulSet: 'statefulsets',
  PodDisruptionBudget: 'poddisruptionbudgets',
  Job: 'jobs',
  Issuer: 'issuers',
  Certificate: 'certificates',
  Secret: 'secrets',
  NetworkPolicy: 'networkpolicies',
  Role: 'roles',
  RoleBinding: 'rolebindings',
};

function objectPath(object: KubeResource): string {
  const plural = PLURALS[object.kind!] ?? `${object.kind!.toLowerCase()}s`;
  return resourcePath(object.apiVersion!, plural, object.metadata.namespace, object.metadata.name);
}

async function applyAll(dir: string, clusters: readonly string[]): Promise<void> {
  for (const cluster of clusters) {
    for (const file of [`${cluster}.k8s.yaml`, `${cluster}-dns.k8s.yaml`]) {
      if (!fs.existsSync(path.join(dir, file))) continue;
      // docs/cloud-profiles.md: on EKS with the CoreDNS add-on the DNS file takes the Corefile from the
      // add-on's field manager, so it is applied with --force-conflicts under its own field manager.
      const eks = WORLD.find((w) => w.name === cluster)?.dns === 'eks-coredns' && file.endsWith('-dns.k8s.yaml');
      const result = await applyFile(world.clusters, cluster, path.join(dir, file), eks ? ['--force-conflicts', '--field-manager=crosscluster'] : []);
      if (result.code !== 0) throw new Error(`kubectl apply --server-side -f ${file} failed in ${cluster}:\n${result.stderr}`);
    }
  }
}

/** The JSON paths where two objects differ (for readable failures). */
function changedPaths(a: unknown, b: unknown, at = ''): string[] {
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const keys = new Set([...Object.keys(a as object), ...Object.keys(b as object)]);
    return [...keys].flatMap((k) => changedPaths((a as any)[k], (b as any)[k], `${at}.${k}`));
  }
  return [`${at}: ${JSON.stringify(a)?.slice(0, 200)} -> ${JSON.stringify(b)?.slice(0, 200)}`];
}

async function podsOf(cluster: string, namespace: string): Promise<KubeResource[]> {
  return (await world.clusters.cluster(cluster).client.list(resourcePath('v1', 'pods', namespace)))
    .filter((p) => p.metadata.ownerReferences?.[0]?.kind === 'StatefulSet');
}

/**
 * What each cloud really is (the facts its stand-in controller enforces), stated here from the
 * example's infrastructure rather than read from the library: GKE versions and subnets, the reserved
 * shared address of us-east1's DNS load balancers, the EKS VPC and its subnets.
 */
const WORLD: readonly WorldClusterSpec[] = [
  {
    name: 'us-east1',
    region: 'us-east1',
    zones: ['us-east1-b', 'us-east1-c', 'us-east1-d'],
    serviceCidr: '10.16.0.0/20',
    podCidr: '10.12.0.0/14',
    dns: 'gke-kube-dns',
    loadBalancerPool: '10.10.14.',
    admit: cloudRules({
      cloud: 'gcp',
      version: '1.35.1-gke.1396000',
      subsetting: false,
      subnetCidr: '10.10.0.0/20',
      reservedAddresses: { 'crdb-dns-us-east1': { address: '10.10.15.250', purpose: 'SHARED_LOADBALANCER_VIP' } },
    }),
  },
  {
    name: 'us-west1',
    region: 'us-west1',
    zones: ['us-west1-a', 'us-west1-b', 'us-west1-c'],
    serviceCidr: '10.28.0.0/20',
    podCidr: '10.24.0.0/14',
    dns: 'gke-kube-dns',
    loadBalancerPool: '10.20.14.',
    admit: cloudRules({ cloud: 'gcp', version: '1.36.2-gke.1498000', subsetting: true, subnetCidr: '10.20.0.0/20' }),
  },
  {
    name: 'eu-west-1',
    region: 'eu-west-1',
    zones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
    serviceCidr: '172.20.0.0/16',
    podCidr: '100.64.0.0/16',
    dns: 'eks-coredns',
    loadBalancerPool: '10.30.14.',
    admit: cloudRules({
      cloud: 'aws',
      vpcCidrs: ['10.30.0.0/16', '100.64.0.0/16'],
      subnets: [
        { id: 'subnet-0a1b2c3d4e5f60001', zone: 'eu-west-1a', cidr: '10.30.0.0/20' },
        { id: 'subnet-0a1b2c3d4e5f60002', zone: 'eu-west-1b', cidr: '10.30.16.0/20' },
        { id: 'subnet-0a1b2c3d4e5f60003', zone: 'eu-west-1c', cidr: '10.30.32.0/20' },
      ],
    }),
  },
  {
    name: EXTRA.name,
    region: EXTRA.region,
    zones: [...EXTRA.zones!],
    serviceCidr: EXTRA.serviceCidrs![0],
    podCidr: EXTRA.podCidrs![0],
    dns: 'gke-kube-dns',
    loadBalancerPool: '10.40.14.',
    admit: cloudRules({
      cloud: 'gcp',
      version: '1.34.3-gke.1000000',
      subsetting: false,
      subnetCidr: '10.40.0.0/20',
      reservedAddresses: { 'crdb-dns-ap-south1': { address: '10.40.15.250', purpose: 'SHARED_LOADBALANCER_VIP' } },
    }),
  },
];

beforeAll(async () => {
  work = tempDir('gitops');
  world = await World.start(WORLD, { suite: 1 });
  for (const c of world.clusters.clusters) original[c.name] = await snapshotManagedDns(c.client);
});

afterAll(async () => {
  await world?.stop();
  removeDir(work);
});

describe('the gitops example, applied as docs/cdk8s.md says', () => {
  let files: Record<string, string>;
  const names = topology.clusters.map((c) => c.name);

  test('synth with the cdk8s CLI, install the prerequisites, apply every file: all accepted', async () => {
    files = await cdk8sSynth('gitops', path.join(work, 'dist'));
    expect(Object.keys(files)).toEqual(names.flatMap((n) => [`${n}-dns.k8s.yaml`, `${n}.k8s.yaml`]).sort());
    for (const name of names) await world.installCertManager(name);
    await provisionSharedCa(world.clusters, work, Object.fromEntries(topology.clusters.map((c) => [c.name, namespaceOf(c)])));
    await applyAll(path.join(work, 'dist'), names);
  });

  test('the init Job completes once, every StatefulSet runs its pods, every pod becomes ready', async () => {
    for (const c of topology.clusters) {
      const client = world.clusters.cluster(c.name).client;
      await world.waitFor(`${c.nodes} ready pods in ${c.name}`, async () => {
        const pods = await podsOf(c.name, namespaceOf(c));
        return pods.length === c.nodes && pods.every((p) => p.status?.conditions?.some((x: any) => x.type === 'Ready' && x.status === 'True'));
      }, 180_000);
      // The init cluster runs `cockroach init` once, then the multi-region SQL; the others run no Job.
      await world.waitFor(`the Jobs of ${c.name} done`, async () =>
        (await client.list(resourcePath('batch/v1', 'jobs', namespaceOf(c)))).every((j) => (j.status?.succeeded ?? 0) === 1));
      const jobs = await client.list(resourcePath('batch/v1', 'jobs', namespaceOf(c)));
      expect(jobs.map((j) => [j.spec.template.metadata.labels['app.kubernetes.io/component'], j.status?.succeeded ?? 0]).sort())
        .toEqual(c.name === names[0] ? [['init', 1], ['multi-region-sql', 1]] : []);
    }
    expect(world.cockroach.jobRuns.filter((r) => r.component === 'init' && r.outcome === 'succeed')).toHaveLength(1);
    // The stand-in cloud controllers accepted every load balancer (a refusal would be a Warning Event and no address).
    await world.waitFor('every load balancer has its address', async () => {
      for (const name of names) {
        const services = (await world.clusters.cluster(name).client.list('/api/v1/services')).filter((s) => s.spec.type === 'LoadBalancer');
        if (services.length === 0 || services.some((s) => !s.status?.loadBalancer?.ingress?.length)) return false;
      }
      return true;
    });
    expect(world.loadBalancers.refusals()).toEqual([]);
  });

  test('the locality init container, run against the API server with its real token, reads each node\'s zone; that token can do nothing else', async () => {
    for (const c of topology.clusters) {
      const client = world.clusters.cluster(c.name).client;
      for (const pod of await podsOf(c.name, namespaceOf(c))) {
        const node = await client.get(resourcePath('v1', 'nodes', undefined, pod.spec.nodeName));
        const { runs, sandbox } = await runPodContainers(client, pod, { containers: ['locality'] });
        expect(runs.map((r) => [r.container, r.code, r.stderr])).toEqual([['locality', 0, '']]);
        expect(fs.readFileSync(path.join(sandbox.volumes.locality, 'zone'), 'utf8')).toBe(node.metadata.labels!['topology.kubernetes.io/zone']);
        // Least privilege: the same token may not read Secrets, list nodes or touch anything of the database.
        const token = fs.readFileSync(path.join(sandbox.volumes['node-reader-token'], 'token'), 'utf8');
        const asPod = new KubeClient({ ...client.endpoint, token });
        for (const forbidden of [resourcePath('v1', 'secrets', namespaceOf(c)), '/api/v1/nodes', resourcePath('v1', 'configmaps', namespaceOf(c))]) {
          await expect(asPod.get(forbidden)).rejects.toMatchObject({ status: 403 });
        }
        asPod.close();
        removeDir(sandbox.dir);
      }
    }
  });

  test('the real cert-manager issues every node certificate; it verifies against the CA and covers every join and advertise address', async () => {
    for (const c of topology.clusters) {
      const client = world.clusters.cluster(c.name).client;
      const ns = namespaceOf(c);
      await world.waitFor(`certificates of ${c.name} Ready`, async () => {
        const certs = await client.list(resourcePath('cert-manager.io/v1', 'certificates', ns));
        return certs.length === 2 && certs.every((x) => x.status?.conditions?.some((k: any) => k.type === 'Ready' && k.status === 'True'));
      }, 120_000);
      const secret = await client.get(resourcePath('v1', 'secrets', ns, 'cockroachdb-node'));
      const pem = Buffer.from(secret.data['tls.crt'], 'base64').toString('utf8');
      const ca = Buffer.from(secret.data['ca.crt'], 'base64').toString('utf8');
      const cert = new X509Certificate(pem);
      expect(cert.verify(new X509Certificate(ca).publicKey)).toBe(true);
      const topologyMap = await client.get(resourcePath('v1', 'configmaps', ns, 'cockroachdb-topology'));
      const advertised = Object.entries(topologyMap.data as Record<string, string>).filter(([k]) => k.startsWith('advertise-host.')).map(([, v]) => v);
      const joins = (topologyMap.data.join as string).split(',').map((j) => j.replace(/:\d+$/, '')).filter((h) => h.endsWith(`.${ns}.svc.cluster.local`));
      for (const host of [...advertised, ...joins]) {
        // Node's RFC 6125 check (a wildcard covers one label) on the certificate cert-manager issued.
        expect([host, checkServerIdentity(host, cert.toLegacyObject() as any)]).toEqual([host, undefined]);
      }
    }
  });

  test('negative control: a profile that claims a newer GKE than the cluster runs gets a DNS load balancer GKE refuses', async () => {
    // us-east1 runs 1.35.1 (no mixed-protocol internal load balancers); a profile claiming 1.36.2 with
    // subsetting renders one UDP+TCP Service, which the cloud's rules refuse: no address, a Warning Event.
    const wrong = { ...topology, clusters: topology.clusters.map((c) => (c.name === 'us-east1' ? { ...c, gke: { version: '1.36.2-gke.1498000', dns: 'kube-dns' as const, subsetting: true } } : c)) };
    const dir = path.join(work, 'dist-wrong');
    synthInto(dir, (app) => build(app, wrong));
    const file = path.join(dir, 'us-east1-dns.k8s.yaml');
    const mixed = objectsOf(fs.readFileSync(file, 'utf8')).find((o) => o.kind === 'Service' && o.spec.ports.length === 2)!;
    const { client } = world.clusters.cluster('us-east1');
    const applied = await world.clusters.kubectl('us-east1', ['apply', '--server-side', '-f', '-'], { input: JSON.stringify(mixed) });
    expect([applied.code, applied.stderr]).toEqual([0, '']);
    await world.waitFor('the stand-in GKE controller decided', async () => world.loadBalancers.refusals().some((r) => r.startsWith(`us-east1/kube-system/${mixed.metadata.name}`)));
    expect(world.loadBalancers.refusals().find((r) => r.startsWith(`us-east1/kube-system/${mixed.metadata.name}`))).toMatch(/needs GKE 1\.36\.2-gke\.1498000 with subsetting/);
    const service = await client.get(resourcePath('v1', 'services', 'kube-system', mixed.metadata.name));
    expect(service.status?.loadBalancer?.ingress ?? []).toEqual([]);
    await client.delete(resourcePath('v1', 'services', 'kube-system', mixed.metadata.name));
  });

  test('a second apply of the same files changes no object (generation and resourceVersion stay)', async () => {
    const before = new Map<string, Map<string, KubeResource>>();
    for (const name of names) before.set(name, await liveObjects(name, files));
    await applyAll(path.join(work, 'dist'), names);
    for (const name of names) {
      const after = await liveObjects(name, files);
      for (const [key, object] of before.get(name)!) {
        const now = after.get(key);
        expect([key, now?.metadata.generation, now?.metadata.resourceVersion, changedPaths(object, now)])
          .toEqual([key, object.metadata.generation, object.metadata.resourceVersion, []]);
      }
    }
  });

  test('EKS: the forced apply and the add-on configuration agree; an add-on update without it undoes the forwarding (as the docs warn)', async () => {
    const { client } = world.clusters.cluster('eu-west-1');
    const coredns = () => client.get(resourcePath('v1', 'configmaps', 'kube-system', 'coredns'));
    const configuration = fs.readFileSync(path.join(work, 'dist', 'eu-west-1-coredns-addon.json'), 'utf8');
    const applied = (await coredns()).data.Corefile;
    expect(JSON.parse(configuration).corefile).toBe(applied);
    expect(applied).toContain('us-east1.svc.cluster.local:53');
    // `aws eks update-addon --configuration-values file://dist/eu-west-1-coredns-addon.json`: nothing changes.
    await eksUpdateAddon(client, configuration);
    expect((await coredns()).data.Corefile).toBe(applied);
    // An add-on update without the configuration puts the add-on's own Corefile back.
    await eksUpdateAddon(client, '{}');
    expect((await coredns()).data.Corefile).toBe(DEFAULT_COREFILE);
    await eksUpdateAddon(client, configuration);
    expect((await coredns()).data.Corefile).toBe(applied);
  });

  test('scale-up 3 -> 5 and a new cluster: existing pods keep their UIDs and revision, no template changes', async () => {
    const pods = new Map<string, [string, string][]>();
    const templates = new Map<string, string>();
    for (const c of topology.clusters) {
      pods.set(c.name, (await podsOf(c.name, namespaceOf(c))).map((p) => [p.metadata.uid!, p.metadata.labels!['controller-revision-hash']]));
      const sts = await world.clusters.cluster(c.name).client.get(resourcePath('apps/v1', 'statefulsets', namespaceOf(c), 'cockroachdb'));
      templates.set(c.name, JSON.stringify(sts.spec.template));
    }
    const grown: MultiRegionCockroachProps = {
      ...topology,
      clusters: [...topology.clusters.map((c) => (c.name === names[0] ? { ...c, nodes: 5 } : c)), EXTRA],
      networking: topology.networking,
    };
    const dnsAddresses = { ...topology.networking.dnsChain!.dnsAddresses, [EXTRA.name]: '10.40.15.250' };
    const props = { ...grown, networking: (await import('crosscluster/cdk8s')).Networking.dnsChain({ ...topology.networking.dnsChain, dnsAddresses }) };
    const dir = path.join(work, 'dist-grown');
    synthInto(dir, (app) => build(app, props));
    await world.installCertManager(EXTRA.name);
    await provisionSharedCa(world.clusters, path.join(work, 'extra-ca'), { [EXTRA.name]: namespaceOf(EXTRA) });
    await applyAll(dir, [...names, EXTRA.name]);
    await world.waitFor('5 pods in the scaled cluster and 3 in the new one', async () =>
      (await podsOf(names[0], namespaceOf(topology.clusters[0]))).length === 5 &&
      (await podsOf(EXTRA.name, namespaceOf(EXTRA))).length === 3, 120_000);
    for (const c of topology.clusters) {
      const now = new Map((await podsOf(c.name, namespaceOf(c))).map((p) => [p.metadata.uid!, p.metadata.labels!['controller-revision-hash']]));
      for (const [uid, revision] of pods.get(c.name)!) expect([c.name, uid, now.get(uid)]).toEqual([c.name, uid, revision]);
      const sts = await world.clusters.cluster(c.name).client.get(resourcePath('apps/v1', 'statefulsets', namespaceOf(c), 'cockroachdb'));
      expect(JSON.stringify(sts.spec.template)).toBe(templates.get(c.name));
    }
  });

  test('teardown as docs/cdk8s.md says: every cluster as before, its managed DNS included', async () => {
    const dir = path.join(work, 'dist-grown');
    for (const name of [...names, EXTRA.name]) {
      const deleted = await world.clusters.kubectl(name, ['delete', '--wait=true', '--timeout=120s', '-f', path.join(dir, `${name}.k8s.yaml`)], { timeoutMs: 150_000 });
      expect([name, deleted.code, deleted.stderr]).toEqual([name, 0, '']);
      const services = await world.clusters.kubectl(name, ['-n', 'kube-system', 'delete', 'service', '-l', 'app.kubernetes.io/managed-by=crosscluster,app.kubernetes.io/component=dns-chain']);
      expect([name, services.code, services.stderr]).toEqual([name, 0, '']);
      if (WORLD.find((w) => w.name === name)!.dns === 'eks-coredns') {
        await eksUpdateAddon(world.clusters.cluster(name).client, '{}');
      } else {
        const identity = 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: kube-dns, namespace: kube-system }\n';
        const dropped = await world.clusters.kubectl(name, ['apply', '--server-side', '-f', '-'], { input: identity });
        expect([name, dropped.code, dropped.stderr]).toEqual([name, 0, '']);
      }
    }
    for (const c of world.clusters.clusters) {
      expect(await snapshotManagedDns(c.client)).toEqual(original[c.name]);
      // Nothing of the library is left: no namespace, no cluster-scoped object, no Service in kube-system.
      const leftovers = [
        ...(await c.client.list('/apis/rbac.authorization.k8s.io/v1/clusterroles', 'labelSelector=app.kubernetes.io%2Fmanaged-by%3Dcrosscluster')),
        ...(await c.client.list('/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies')),
        ...(await c.client.list('/api/v1/namespaces')).filter((n) => n.metadata.labels?.['app.kubernetes.io/managed-by'] === 'crosscluster'),
      ].map((o) => `${c.name}: ${o.kind ?? ''} ${o.metadata.name}`);
      expect(leftovers).toEqual([]);
    }
  });
});
