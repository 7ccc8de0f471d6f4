// The cluster set and the own CoreDNS on real API servers, the GitOps way (docs/cluster-set.md):
// `cdk8s synth` in the examples, `kubectl apply --server-side` of every file. The MCS API's CRDs come
// from the module that defines them (sigs.k8s.io/mcs-api); the real EndpointSlice controller publishes
// the exported pods; real CoreDNS serves the names: for the cluster set CoreDNS's own MCS implementation
// (the `multicluster` option Cilium configures) fed by a stand-in for the MCS controller, for the own
// CoreDNS the library's Corefile with the `kubernetes` plugin reading the real API server with the token
// of the ServiceAccount the library renders (its RBAC is what is checked, positively and negatively).
import * as fs from 'fs';
import * as path from 'path';
import { applyFile, cdk8sSynth, objectsOf, provisionSharedCa, synthInto } from './support/gitops';
import { cloudRules, World, WorldClusterSpec } from './support/harness';
import { KubeApiError, KubeClient, KubeResource, resourcePath } from './support/kube-client';
import { snapshotManagedDns } from './support/managed-dns';
import { installMcsCrds, serviceAccountToken, syncClusterSet, tokenKubeconfig } from './support/mcs-api';
import { changes, PulumiStack } from './support/pulumi-stack';
import { build as buildSet, topology as setTopology } from '../../examples/cluster-set/main';
import { build as buildOwn, topology as ownTopology } from '../../examples/own-coredns/main';
import { renderOwnCorefile } from '../../lib/manifests/own-coredns';
import { Endpoint, query, startCoreDns, UpstreamSink, writeFile } from '../e2e/support/dns';
import { dnsPort, E2E_HOME, loopbackBase, ProcessGroup, removeDir, requireTool, tempDir } from '../e2e/support/processes';
import { ClusterSpec, MultiRegionCockroachProps, planDeployment, TopologyInput } from 'crosscluster/cdk8s';

jest.setTimeout(600_000);

const DNS_BASE = loopbackBase(7);
const namespaceOf = (c: ClusterSpec) => c.namespace ?? c.name;

/**
 * Starts CoreDNS and waits until its DNS listener answers: `ready` turns 200 once the `kubernetes` plugin
 * has synced, but the plugin starts the servers only after its own startup poll notices (up to 500 ms later).
 */
async function startServing(group: ProcessGroup, coredns: string, name: string, corefile: string, at: Endpoint): Promise<void> {
  const process = await startCoreDns(group, coredns, name, corefile, { host: at.host, port: 8181 });
  const deadline = Date.now() + 15_000;
  while (!['NOERROR', 'NXDOMAIN', 'NODATA', 'REFUSED', 'SERVFAIL'].includes((await query(at, 'listening.invalid', 500)).status)) {
    if (Date.now() > deadline || !process.running) throw new Error(`${name}: no DNS listener on ${at.host}:${at.port}\n${process.output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Database pods of a namespace (the StatefulSet's). */
async function databasePods(client: KubeClient, namespace: string): Promise<KubeResource[]> {
  return (await client.list(resourcePath('v1', 'pods', namespace))).filter((p) => p.metadata.ownerReferences?.[0]?.kind === 'StatefulSet');
}

async function applyClusters(world: World, dir: string, clusters: readonly string[]): Promise<void> {
  for (const cluster of clusters) {
    for (const file of [`${cluster}.k8s.yaml`, `${cluster}-dns.k8s.yaml`]) {
      if (!fs.existsSync(path.join(dir, file))) continue;
      const result = await applyFile(world.clusters, cluster, path.join(dir, file));
      if (result.code !== 0) throw new Error(`kubectl apply --server-side -f ${file} failed in ${cluster}:\n${result.stderr}`);
    }
  }
}

/** Waits until every database pod runs and is ready, and the Jobs are done (the init cluster's init and SQL). */
async function waitForDatabase(world: World, topology: MultiRegionCockroachProps): Promise<void> {
  for (const c of topology.clusters) {
    const client = world.clusters.cluster(c.name).client;
    await world.waitFor(`${c.nodes} ready database pods in ${c.name}`, async () => {
      const pods = await databasePods(client, namespaceOf(c));
      return pods.length === c.nodes && pods.every((p) => p.status?.podIP && p.status?.conditions?.some((x: any) => x.type === 'Ready' && x.status === 'True'));
    }, 180_000);
    await world.waitFor(`the Jobs of ${c.name} done`, async () =>
      (await client.list(resourcePath('batch/v1', 'jobs', namespaceOf(c)))).every((j) => (j.status?.succeeded ?? 0) === 1), 120_000);
  }
}

/** Pod name -> pod IP, per cluster, as the API server has them. */
async function podIps(world: World, topology: MultiRegionCockroachProps): Promise<Map<string, Map<string, string>>> {
  const result = new Map<string, Map<string, string>>();
  for (const c of topology.clusters) {
    const pods = await databasePods(world.clusters.cluster(c.name).client, namespaceOf(c));
    result.set(c.name, new Map(pods.map((p) => [p.metadata.name, p.status.podIP])));
  }
  return result;
}

/** The StatefulSet's template and every pod's uid and revision, to prove a change left them alone. */
async function podState(client: KubeClient, namespace: string): Promise<{ template: string; pods: Array<[string, string]> }> {
  const sts = await client.get(resourcePath('apps/v1', 'statefulsets', namespace, 'cockroachdb'));
  const pods = await databasePods(client, namespace);
  return { template: JSON.stringify(sts.spec.template), pods: pods.map((p) => [p.metadata.uid!, p.metadata.labels!['controller-revision-hash']]) };
}

describe('Networking.clusterSet: the cluster-set example on real API servers', () => {
  const WORLD: readonly WorldClusterSpec[] = [
    { name: 'gke-europe-west1', region: 'europe-west1', zones: ['europe-west1-b', 'europe-west1-c', 'europe-west1-d'], serviceCidr: '10.48.0.0/20', podCidr: '10.44.0.0/14', dns: 'gke-kube-dns', loadBalancerPool: '10.40.14.' },
    { name: 'eks-us-east-1', region: 'us-east-1', zones: ['us-east-1a'], nodesPerZone: 3, serviceCidr: '172.20.0.0/16', podCidr: '100.64.0.0/16', dns: 'eks-coredns', loadBalancerPool: '10.50.14.' },
    { name: 'aks-eastus', region: 'eastus', zones: ['eastus-1', 'eastus-2', 'eastus-3'], serviceCidr: '10.0.0.0/16', podCidr: '10.244.0.0/16', dns: 'aks-coredns', loadBalancerPool: '10.60.14.' },
  ];
  const names = setTopology.clusters.map((c) => c.name);
  const ids = setTopology.networking.clusterSet!.clusterIds!;
  let world: World;
  let work: string;
  const group = new ProcessGroup();
  let sink: UpstreamSink;
  let port: number;
  const resolvers = new Map<string, Endpoint>();

  beforeAll(async () => {
    work = tempDir('cluster-set');
    world = await World.start(WORLD, { suite: 3 });
    port = await dnsPort(`127.${DNS_BASE}.255.53`);
    sink = new UpstreamSink({ host: `127.${DNS_BASE}.255.53`, port });
    await sink.start();
  });

  afterAll(async () => {
    await group.stopAll();
    await sink?.stop();
    await world?.stop();
    removeDir(work);
  });

  test('the MCS CRDs of sigs.k8s.io/mcs-api accept the synthesized ServiceExports; every file applies; every pod runs', async () => {
    const files = await cdk8sSynth('cluster-set', path.join(work, 'dist'));
    expect(Object.keys(files)).toEqual(names.map((n) => `${n}.k8s.yaml`).sort());
    for (const c of world.clusters.clusters) {
      await installMcsCrds(c.kubeconfigPath);
      await world.installCertManager(c.name);
    }
    await provisionSharedCa(world.clusters, work, Object.fromEntries(setTopology.clusters.map((c) => [c.name, namespaceOf(c)])));
    await applyClusters(world, path.join(work, 'dist'), names);
    for (const c of setTopology.clusters) {
      const client = world.clusters.cluster(c.name).client;
      const exported = await client.get(resourcePath('multicluster.x-k8s.io/v1alpha1', 'serviceexports', 'cockroachdb', 'cockroachdb'));
      expect(exported.metadata.labels!['crosscluster.io/cluster']).toBe(c.name);
      // The API server stores it as v1beta1 (the storage version) and serves it in both.
      expect((await client.get(resourcePath('multicluster.x-k8s.io/v1beta1', 'serviceexports', 'cockroachdb', 'cockroachdb'))).metadata.uid).toBe(exported.metadata.uid);
    }
    await waitForDatabase(world, setTopology);
  });

  test('the EndpointSlice controller publishes every exported pod with its hostname, ready (publishNotReadyAddresses): what an MCS implementation exports', async () => {
    for (const c of setTopology.clusters) {
      const client = world.clusters.cluster(c.name).client;
      const slices = await client.list(resourcePath('discovery.k8s.io/v1', 'endpointslices', 'cockroachdb'), 'labelSelector=kubernetes.io%2Fservice-name%3Dcockroachdb');
      const endpoints = slices.flatMap((s) => s.endpoints ?? []);
      expect(endpoints.map((e) => e.hostname).sort()).toEqual(Array.from({ length: c.nodes }, (_, i) => `cockroachdb-${i}`));
      expect(endpoints.every((e) => e.conditions.ready === true && e.addresses.length === 1)).toBe(true);
      // The Service's labels travel with its slices (CoreDNS's `labels` option relies on it).
      expect(slices.every((s) => s.metadata.labels!['app.kubernetes.io/instance'] === 'cockroachdb')).toBe(true);
    }
  });

  test('CoreDNS\'s MCS implementation resolves every join entry and advertise address from every cluster; each pod its own name', async () => {
    const coredns = requireTool('coredns', [path.join(E2E_HOME, 'bin')]);
    const members = setTopology.clusters.map((c) => ({ name: c.name, clusterId: ids[c.name], client: world.clusters.cluster(c.name).client }));
    expect(await syncClusterSet(members)).toBeGreaterThanOrEqual(9);
    for (const [i, c] of world.clusters.clusters.entries()) {
      const endpoint = { host: `127.${DNS_BASE}.${i + 1}.53`, port };
      const corefile = [
        `cluster.local:${port} clusterset.local:${port} {`, `    bind ${endpoint.host}`, '    errors',
        '    kubernetes cluster.local clusterset.local {', `        kubeconfig ${c.kubeconfigPath} ${c.name}`, '        multicluster clusterset.local', '    }', '}',
        `.:${port} {`, `    bind ${endpoint.host}`, `    ready ${endpoint.host}:8181`, `    forward . ${sink.endpoint.host}:${sink.endpoint.port}`, '}', '',
      ].join('\n');
      const dir = path.join(work, `coredns-${c.name}`);
      fs.mkdirSync(dir, { recursive: true });
      await startServing(group, coredns, `MCS CoreDNS ${c.name}`, writeFile(dir, 'Corefile', corefile), endpoint);
      resolvers.set(c.name, endpoint);
    }
    const ips = await podIps(world, setTopology);
    const plan = planDeployment(setTopology as TopologyInput, { engine: 'cdk8s' });
    const failures: string[] = [];
    let own = 0;
    for (const [from, resolver] of resolvers) {
      for (const c of plan.clusters) {
        const topologyMap = await world.clusters.cluster(c.name).client.get(resourcePath('v1', 'configmaps', 'cockroachdb', 'cockroachdb-topology'));
        for (const pod of c.pods) {
          const name = topologyMap.data[`advertise-host.${pod.name}`];
          const r = await query(resolver, name, 3_000);
          if (r.status === 'NOERROR' && r.addresses.join() === ips.get(c.name)!.get(pod.name)) own += from === c.name ? 1 : 0;
          else failures.push(`${from} -> ${name}: ${r.status} ${r.addresses} (want ${ips.get(c.name)!.get(pod.name)})`);
        }
      }
      for (const entry of plan.joinAddresses) {
        const r = await query(resolver, entry.replace(/:\d+$/, ''), 3_000);
        if (r.status !== 'NOERROR' || r.addresses.length !== 1) failures.push(`${from} -> ${entry}: ${r.status}`);
      }
    }
    expect(failures).toEqual([]);
    expect(own).toBe(plan.clusters.reduce((n, c) => n + c.nodes, 0));
    expect(group.deaths()).toEqual([]);
  });

  test('scale-up 3 -> 5 changes no pod template; the new pods\' cluster-set names resolve everywhere after the next sync', async () => {
    const scaled = names[0];
    const client = world.clusters.cluster(scaled).client;
    const before = await podState(client, 'cockroachdb');
    const grown = { ...setTopology, clusters: setTopology.clusters.map((c) => (c.name === scaled ? { ...c, nodes: 5 } : c)) };
    const dir = path.join(work, 'dist-grown');
    const { files } = synthInto(dir, (app) => buildSet(app, grown));
    // The ServiceExport is the same object: an export names the Service, never its pods.
    const exportOf = (text: string) => objectsOf(text).find((o) => o.kind === 'ServiceExport');
    expect(exportOf(files[`${scaled}.k8s.yaml`])).toEqual(exportOf(fs.readFileSync(path.join(work, 'dist', `${scaled}.k8s.yaml`), 'utf8')));
    await applyClusters(world, dir, names);
    await world.waitFor('5 ready pods in the scaled cluster', async () => (await databasePods(client, 'cockroachdb')).filter((p) => p.status?.podIP).length === 5, 120_000);
    const after = await podState(client, 'cockroachdb');
    expect(after.template).toBe(before.template);
    for (const [uid, revision] of before.pods) expect(after.pods).toContainEqual([uid, revision]);
    await syncClusterSet(setTopology.clusters.map((c) => ({ name: c.name, clusterId: ids[c.name], client: world.clusters.cluster(c.name).client })));
    const ips = await podIps(world, grown);
    for (const [from, resolver] of resolvers) {
      await world.waitFor(`${from} resolves the new pods`, async () => {
        for (const pod of ['cockroachdb-3', 'cockroachdb-4']) {
          const r = await query(resolver, `${pod}.${ids[scaled]}.cockroachdb.cockroachdb.svc.clusterset.local`);
          if (r.addresses.join() !== ips.get(scaled)!.get(pod)) return false;
        }
        return true;
      }, 30_000);
    }
  });
});

/** The own-coredns example's clouds, as their stand-in controllers see them (Autopilot, EKS, AKS). */
const OWN_WORLD: readonly WorldClusterSpec[] = [
  {
    name: 'autopilot-us-east4',
    region: 'us-east4',
    zones: ['us-east4-a', 'us-east4-b', 'us-east4-c'],
    serviceCidr: '10.16.0.0/20',
    podCidr: '10.12.0.0/14',
    dns: 'gke-kube-dns',
    loadBalancerPool: '10.10.14.',
    admit: cloudRules({ cloud: 'gcp', version: '1.36.2-gke.1498000', subsetting: true, subnetCidr: '10.10.0.0/20' }),
  },
  {
    name: 'eu-west-1',
    region: 'eu-west-1',
    zones: ['eu-west-1a', 'eu-west-1b'],
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
      ],
    }),
  },
  {
    name: 'westeurope',
    region: 'westeurope',
    zones: ['westeurope-1', 'westeurope-2', 'westeurope-3'],
    serviceCidr: '10.0.0.0/16',
    podCidr: '10.244.0.0/16',
    dns: 'aks-coredns',
    loadBalancerPool: '10.40.14.',
    admit: cloudRules({ cloud: 'azure', subnets: { 'aks-nodes': '10.40.0.0/16' } }),
  },
];

describe('the own CoreDNS: the own-coredns example on real API servers', () => {
  const names = ownTopology.clusters.map((c) => c.name);
  const plan = planDeployment(ownTopology as TopologyInput, { engine: 'cdk8s' });
  let world: World;
  let work: string;
  const group = new ProcessGroup();
  let sink: UpstreamSink;
  let port: number;
  const managedBefore: Record<string, Awaited<ReturnType<typeof snapshotManagedDns>>> = {};
  const tokens = new Map<string, string>();
  const resolvers = new Map<string, Endpoint>();

  beforeAll(async () => {
    work = tempDir('own-coredns');
    world = await World.start(OWN_WORLD, { suite: 4 });
    for (const c of world.clusters.clusters) managedBefore[c.name] = await snapshotManagedDns(c.client);
    port = await dnsPort(`127.${DNS_BASE}.255.53`);
    sink = new UpstreamSink({ host: `127.${DNS_BASE}.254.53`, port });
    await sink.start();
  });

  afterAll(async () => {
    await group.stopAll();
    await sink?.stop();
    await world?.stop();
    removeDir(work);
  });

  test('every file applies; the CoreDNS runs beside the database; the cloud stand-ins give each load balancer its pinned address; kube-system untouched', async () => {
    const files = await cdk8sSynth('own-coredns', path.join(work, 'dist'));
    expect(Object.keys(files)).toEqual(names.map((n) => `${n}.k8s.yaml`).sort());
    for (const name of names) await world.installCertManager(name);
    await provisionSharedCa(world.clusters, work, Object.fromEntries(ownTopology.clusters.map((c) => [c.name, namespaceOf(c)])));
    await applyClusters(world, path.join(work, 'dist'), names);
    await waitForDatabase(world, ownTopology);
    for (const c of plan.clusters) {
      const client = world.clusters.cluster(c.name).client;
      const own = c.ownCoredns!;
      await world.waitFor(`the CoreDNS of ${c.name} available`, async () =>
        ((await client.get(resourcePath('apps/v1', 'deployments', c.namespace, own.names.name))).status?.availableReplicas ?? 0) === own.replicas);
      // The API server took the fixed ClusterIP the plan chose (in its service range, free).
      expect((await client.get(resourcePath('v1', 'services', c.namespace, own.names.name))).spec.clusterIP).toBe(own.clusterIp);
      await world.waitFor(`the load balancer of ${c.name}`, async () => {
        const lbs = (await client.list(resourcePath('v1', 'services', c.namespace))).filter((s) => s.spec.type === 'LoadBalancer');
        return lbs.length > 0 && lbs.every((s) => s.status?.loadBalancer?.ingress?.length);
      });
      const lbs = (await client.list(resourcePath('v1', 'services', c.namespace))).filter((s) => s.spec.type === 'LoadBalancer');
      if (c.cloud === 'aws') {
        // An NLB reports its DNS name; its private IPs are the ones it was pinned to, one per subnet.
        expect(lbs.map((s) => [s.status.loadBalancer.ingress[0].hostname !== undefined, s.metadata.annotations!['service.beta.kubernetes.io/aws-load-balancer-private-ipv4-addresses']]))
          .toEqual([[true, c.dnsAddresses.join(',')]]);
      } else {
        expect([...new Set(lbs.flatMap((s) => s.status.loadBalancer.ingress.map((x: any) => x.ip)))].sort()).toEqual([...c.dnsAddresses].sort());
      }
      // The database pods' only nameserver is that ClusterIP.
      for (const pod of await databasePods(client, c.namespace)) {
        expect([pod.spec.dnsPolicy, pod.spec.dnsConfig.nameservers]).toEqual(['None', [own.clusterIp]]);
      }
      // Nothing of the library in kube-system; the managed DNS exactly as it shipped.
      const kubeSystem = (await client.list(resourcePath('v1', 'configmaps', 'kube-system'))).concat(await client.list(resourcePath('v1', 'services', 'kube-system')));
      expect(kubeSystem.filter((o) => o.metadata.labels?.['app.kubernetes.io/managed-by'] === 'crosscluster')).toEqual([]);
      expect(await snapshotManagedDns(client)).toEqual(managedBefore[c.name]);
    }
    expect(world.loadBalancers.refusals()).toEqual([]);
  });

  test('the API server refuses a Service at the tenth address of the range, the cluster DNS\'s (the offset the library refuses)', async () => {
    const c = plan.clusters[0];
    const tenth = c.ownCoredns!.clusterIp.replace(/\.53$/, '.10');
    const result = await world.clusters.kubectl(c.name, ['-n', c.namespace, 'create', 'service', 'clusterip', 'probe', `--clusterip=${tenth}`, '--tcp=53:53']);
    expect([result.code, result.stderr]).toEqual([1, expect.stringMatching(/already allocated/)]);
  });

  test('the CoreDNS\'s ServiceAccount may list and watch Services, EndpointSlices and Namespaces, and nothing else', async () => {
    for (const c of plan.clusters) {
      const client = world.clusters.cluster(c.name).client;
      const token = await serviceAccountToken(client, c.namespace, c.ownCoredns!.names.name);
      tokens.set(c.name, token);
      const asCoredns = new KubeClient({ ...client.endpoint, token });
      try {
        for (const allowed of ['/api/v1/services', '/apis/discovery.k8s.io/v1/endpointslices', '/api/v1/namespaces', resourcePath('v1', 'services', c.namespace)]) {
          await expect(asCoredns.list(allowed)).resolves.toBeDefined();
        }
        // Watching too, asked of the API server's own authorizer (SelfSubjectAccessReview, as the ServiceAccount).
        const may = async (verb: string, apiGroup: string, resource: string) => (await asCoredns.create('/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
          apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes: { verb, group: apiGroup, resource } },
        })).status.allowed;
        expect(await Promise.all([['watch', '', 'services'], ['watch', 'discovery.k8s.io', 'endpointslices'], ['watch', '', 'namespaces']].map(([v, g, r]) => may(v, g, r))))
          .toEqual([true, true, true]);
        expect(await Promise.all([['get', '', 'secrets'], ['watch', '', 'pods'], ['update', '', 'services'], ['watch', 'multicluster.x-k8s.io', 'serviceimports']].map(([v, g, r]) => may(v, g, r))))
          .toEqual([false, false, false, false]);
        const forbidden: Array<[string, () => Promise<unknown>]> = [
          ['get a Service', () => asCoredns.get(resourcePath('v1', 'services', c.namespace, 'cockroachdb'))],
          ['list Secrets', () => asCoredns.list(resourcePath('v1', 'secrets', c.namespace))],
          ['list Pods', () => asCoredns.list('/api/v1/pods')],
          ['list ConfigMaps', () => asCoredns.list(resourcePath('v1', 'configmaps', c.namespace))],
          ['create a ConfigMap', () => asCoredns.create(resourcePath('v1', 'configmaps', c.namespace), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } })],
          ['delete a Service', () => asCoredns.request('DELETE', resourcePath('v1', 'services', c.namespace, 'cockroachdb'))],
        ];
        for (const [what, attempt] of forbidden) {
          const outcome = await attempt().then(() => 'allowed', (e) => (e instanceof KubeApiError ? e.status : String(e)));
          expect([c.name, what, outcome]).toEqual([c.name, what, 403]);
        }
      } finally {
        asCoredns.close();
      }
    }
  });

  test('the generated Corefile on real CoreDNS, reading the real API with that token: every join entry and advertise address resolves from every cluster', async () => {
    const coredns = requireTool('coredns', [path.join(E2E_HOME, 'bin')]);
    const lbToResolver = new Map<string, Endpoint>();
    plan.clusters.forEach((c, i) => {
      const endpoint = { host: `127.${DNS_BASE}.${10 + i}.53`, port };
      for (const address of c.dnsAddresses) lbToResolver.set(address, endpoint);
      resolvers.set(c.name, endpoint);
    });
    for (const c of plan.clusters) {
      const client = world.clusters.cluster(c.name).client;
      const live = (await client.get(resourcePath('v1', 'configmaps', c.namespace, c.ownCoredns!.names.name))).data.Corefile as string;
      const dir = path.join(work, `coredns-${c.name}`);
      fs.mkdirSync(dir, { recursive: true });
      const token = tokens.get(c.name) ?? await serviceAccountToken(client, c.namespace, c.ownCoredns!.names.name);
      const kubeconfig = writeFile(dir, 'kubeconfig', tokenKubeconfig(client.endpoint.server, client.endpoint.ca, token));
      const corefile = runnable(live, resolvers.get(c.name)!, kubeconfig, lbToResolver, sink.endpoint);
      await startServing(group, coredns, `own CoreDNS ${c.name}`, writeFile(dir, 'Corefile', corefile), resolvers.get(c.name)!);
    }
    const ips = await podIps(world, ownTopology);
    const failures: string[] = [];
    for (const [from, resolver] of resolvers) {
      for (const c of plan.clusters) {
        for (const pod of c.pods) {
          const r = await query(resolver, pod.advertiseHost, 3_000);
          if (r.status !== 'NOERROR' || r.addresses.join() !== ips.get(c.name)!.get(pod.name)) failures.push(`${from} -> ${pod.advertiseHost}: ${r.status} ${r.addresses}`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(group.deaths()).toEqual([]);
  });

  test('the instance serves the database\'s Services only: another Service of the namespace is unknown to it', async () => {
    const c = plan.clusters[1];
    const created = await world.clusters.kubectl(c.name, ['-n', c.namespace, 'create', 'service', 'clusterip', 'unrelated', '--tcp=80:80']);
    expect(created.code).toBe(0);
    // The same name through the Service the database has: answered. The unrelated one: NXDOMAIN, from every cluster.
    for (const resolver of resolvers.values()) {
      expect((await query(resolver, `cockroachdb-public.${c.serviceDomain}`)).status).toBe('NOERROR');
      expect((await query(resolver, `unrelated.${c.serviceDomain}`)).status).toBe('NXDOMAIN');
    }
  });

  test('negative control: with a Role in the database namespace instead of the ClusterRole, CoreDNS never syncs and answers nothing', async () => {
    const coredns = requireTool('coredns', [path.join(E2E_HOME, 'bin')]);
    const c = plan.clusters[2];
    const role = [
      'apiVersion: v1', 'kind: ServiceAccount', `metadata: { name: namespace-only, namespace: ${c.namespace} }`, '---',
      'apiVersion: rbac.authorization.k8s.io/v1', 'kind: Role', `metadata: { name: namespace-only, namespace: ${c.namespace} }`,
      'rules:', "- { apiGroups: [''], resources: [services], verbs: [list, watch] }", '- { apiGroups: [discovery.k8s.io], resources: [endpointslices], verbs: [list, watch] }', '---',
      'apiVersion: rbac.authorization.k8s.io/v1', 'kind: RoleBinding', `metadata: { name: namespace-only, namespace: ${c.namespace} }`,
      'roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: namespace-only }',
      `subjects: [{ kind: ServiceAccount, name: namespace-only, namespace: ${c.namespace} }]`, '',
    ].join('\n');
    expect((await world.clusters.kubectl(c.name, ['apply', '--server-side', '-f', '-'], { input: role })).code).toBe(0);
    const client = world.clusters.cluster(c.name).client;
    const dir = path.join(work, 'coredns-namespace-only');
    fs.mkdirSync(dir, { recursive: true });
    const kubeconfig = writeFile(dir, 'kubeconfig', tokenKubeconfig(client.endpoint.server, client.endpoint.ca, await serviceAccountToken(client, c.namespace, 'namespace-only')));
    const endpoint = { host: `127.${DNS_BASE}.20.53`, port };
    const live = (await client.get(resourcePath('v1', 'configmaps', c.namespace, c.ownCoredns!.names.name))).data.Corefile as string;
    const lbs = new Map(plan.clusters.flatMap((x) => x.dnsAddresses.map((a) => [a, resolvers.get(x.name)!] as const)));
    const corefile = runnable(live, endpoint, kubeconfig, lbs, sink.endpoint, true);
    const process = group.start('own CoreDNS, Role only', coredns, ['-conf', writeFile(dir, 'Corefile', corefile)], { cwd: dir });
    // The kubernetes plugin's informers list across every namespace: forbidden, so never synced.
    await world.waitFor('CoreDNS gives up waiting for the API', async () => /unsynced Kubernetes API/.test(process.output), 30_000);
    const r = await query(endpoint, c.pods[0].advertiseHost, 3_000);
    expect(r.status).not.toBe('NOERROR');
    expect(process.output).toMatch(/forbidden/);
    await process.stop();
  });

  test('scale-up 3 -> 5: no template changes (database and CoreDNS), the Corefile unchanged; the new pods resolve from the other clusters', async () => {
    const scaled = plan.clusters[0];
    const client = world.clusters.cluster(scaled.name).client;
    const before = await podState(client, scaled.namespace);
    const deployment = JSON.stringify((await client.get(resourcePath('apps/v1', 'deployments', scaled.namespace, 'cockroachdb-dns'))).spec.template);
    const corefiles = await Promise.all(plan.clusters.map(async (c) => (await world.clusters.cluster(c.name).client.get(resourcePath('v1', 'configmaps', c.namespace, 'cockroachdb-dns'))).data.Corefile));
    const grown = { ...ownTopology, clusters: ownTopology.clusters.map((c) => (c.name === scaled.name ? { ...c, nodes: 5 } : c)) };
    const dir = path.join(work, 'dist-grown');
    synthInto(dir, (app) => buildOwn(app, grown));
    await applyClusters(world, dir, names);
    await world.waitFor('5 pods in the scaled cluster', async () => (await databasePods(client, scaled.namespace)).filter((p) => p.status?.podIP).length === 5, 120_000);
    const after = await podState(client, scaled.namespace);
    expect(after.template).toBe(before.template);
    for (const [uid, revision] of before.pods) expect(after.pods).toContainEqual([uid, revision]);
    expect(JSON.stringify((await client.get(resourcePath('apps/v1', 'deployments', scaled.namespace, 'cockroachdb-dns'))).spec.template)).toBe(deployment);
    for (const [i, c] of plan.clusters.entries()) {
      expect((await world.clusters.cluster(c.name).client.get(resourcePath('v1', 'configmaps', c.namespace, 'cockroachdb-dns'))).data.Corefile).toBe(corefiles[i]);
    }
    const ips = await podIps(world, grown);
    for (const [from, resolver] of resolvers) {
      if (from === scaled.name) continue;
      await world.waitFor(`${from} resolves the new pods of ${scaled.name}`, async () => {
        for (const pod of ['cockroachdb-3', 'cockroachdb-4']) {
          const r = await query(resolver, `${pod}.cockroachdb.${scaled.serviceDomain}`);
          if (r.addresses.join() !== ips.get(scaled.name)!.get(pod)) return false;
        }
        return true;
      }, 60_000);
    }
  });
});

describe('both strategies through the real Pulumi engine (the own-coredns example\'s clouds)', () => {
  // The example's topology as a stack's configuration: the program (test/cluster/programs/multi-region.ts)
  // builds MultiRegionCockroach from it, insecure, like a user's stack.
  const clusters = Object.fromEntries(ownTopology.clusters.map(({ name, ...spec }) => [name, spec]));
  const names = ownTopology.clusters.map((c) => c.name);
  const plan = planDeployment(ownTopology as TopologyInput, { engine: 'cdk8s' });
  const ids: Record<string, string> = { 'autopilot-us-east4': 'virginia', 'eu-west-1': 'ireland', 'westeurope': 'netherlands' };
  let world: World;
  let work: string;
  const managedBefore: Record<string, Awaited<ReturnType<typeof snapshotManagedDns>>> = {};

  const base = () => ({ kubeconfigs: { value: world.kubeconfigsJson(), secret: true } });
  const ownConfig = () => ({
    ...base(),
    clusters: { value: JSON.stringify(clusters) },
    networking: { value: 'ownCoredns' },
    dnsAddresses: { value: JSON.stringify(ownTopology.networking.dnsChain!.dnsAddresses) },
  });
  const setConfig = () => ({
    ...base(),
    clusters: { value: JSON.stringify(Object.fromEntries(Object.entries(clusters).map(([n, c]) => [n, { ...c, namespace: 'cockroachdb' }]))) },
    networking: { value: 'clusterSet' },
    clusterIds: { value: JSON.stringify(ids) },
  });

  /** Nothing of the library in any cluster: its namespaces gone, no ClusterRole of its, kube-system as shipped. */
  async function expectNothingLeft(namespaces: (cluster: string) => string): Promise<void> {
    for (const c of world.clusters.clusters) {
      expect((await c.client.list('/api/v1/namespaces')).map((n) => n.metadata.name)).not.toContain(namespaces(c.name));
      expect((await c.client.list('/apis/rbac.authorization.k8s.io/v1/clusterroles', 'labelSelector=app.kubernetes.io%2Fmanaged-by%3Dcrosscluster'))
        .map((r) => r.metadata.name)).toEqual([]);
      expect(await snapshotManagedDns(c.client)).toEqual(managedBefore[c.name]);
    }
  }

  beforeAll(async () => {
    work = tempDir('cluster-set-pulumi');
    world = await World.start(OWN_WORLD, { suite: 10, loadBalancerDelayMs: 2_000 });
    for (const c of world.clusters.clusters) managedBefore[c.name] = await snapshotManagedDns(c.client);
  });

  afterAll(async () => {
    await world?.stop();
    removeDir(work);
  });

  test('own CoreDNS: up brings every instance up behind its pinned load balancer with the Corefile cdk8s renders; the database pods use it; kube-system untouched', async () => {
    const stack = new PulumiStack(path.join(work, 'own'), path.join(__dirname, 'programs', 'multi-region.ts'));
    const up = await stack.run('up', { config: ownConfig() });
    expect(up.error).toBeUndefined();
    expect(world.loadBalancers.refusals()).toEqual([]);
    for (const c of plan.clusters) {
      const client = world.clusters.cluster(c.name).client;
      const own = c.ownCoredns!;
      // Pulumi waited for the Deployment: it is available when `up` returns.
      expect((await client.get(resourcePath('apps/v1', 'deployments', c.namespace, own.names.name))).status.availableReplicas).toBe(own.replicas);
      expect((await client.get(resourcePath('v1', 'services', c.namespace, own.names.name))).spec.clusterIP).toBe(own.clusterIp);
      const lbs = (await client.list(resourcePath('v1', 'services', c.namespace))).filter((s) => s.spec.type === 'LoadBalancer');
      const ingress = lbs.flatMap((s) => s.status.loadBalancer.ingress ?? []);
      if (c.cloud === 'aws') expect(ingress.every((x: any) => typeof x.hostname === 'string')).toBe(true);
      else expect([...new Set(ingress.map((x: any) => x.ip))].sort()).toEqual([...c.dnsAddresses].sort());
      // The Corefile Pulumi rendered after the addresses resolved is the one cdk8s writes from the same topology.
      expect((await client.get(resourcePath('v1', 'configmaps', c.namespace, own.names.name))).data.Corefile).toBe((renderOwnCorefile(c).data as Record<string, string>).Corefile);
      const pods = await databasePods(client, c.namespace);
      expect(pods.map((p) => p.spec.dnsConfig?.nameservers)).toEqual(pods.map(() => [own.clusterIp]));
      expect(await snapshotManagedDns(client)).toEqual(managedBefore[c.name]);
    }
    expect(up.outputs!.advertiseAddresses.value).toEqual(Object.fromEntries(plan.clusters.map((c) => [c.name, c.pods.map((p) => p.advertiseHost)])));
    expect(world.cockroach.jobRuns.filter((r) => r.component === 'init' && r.outcome === 'succeed')).toHaveLength(1);

    const again = await stack.run('up', { config: ownConfig() });
    expect(again.error).toBeUndefined();
    expect(changes(again)).toEqual([]);

    const destroyed = await stack.run('destroy', { config: ownConfig() });
    expect(destroyed.error).toBeUndefined();
    await expectNothingLeft((cluster) => cluster);
  });

  test('cluster set: with the MCS CRDs installed, up exports the headless Service in every cluster and advertises the cluster-set names; no load balancer, no DNS change; destroy removes the exports', async () => {
    for (const c of world.clusters.clusters) await installMcsCrds(c.kubeconfigPath);
    const stack = new PulumiStack(path.join(work, 'set'), path.join(__dirname, 'programs', 'multi-region.ts'));
    const up = await stack.run('up', { config: setConfig() });
    expect(up.error).toBeUndefined();
    const advertise = up.outputs!.advertiseAddresses.value as Record<string, string[]>;
    for (const name of names) {
      const client = world.clusters.cluster(name).client;
      const nodes = ownTopology.clusters.find((c) => c.name === name)!.nodes;
      expect(advertise[name]).toEqual(Array.from({ length: nodes }, (_, i) => `cockroachdb-${i}.${ids[name]}.cockroachdb.cockroachdb.svc.clusterset.local`));
      const exports = await client.list('/apis/multicluster.x-k8s.io/v1alpha1/serviceexports');
      expect(exports.map((e) => `${e.metadata.namespace}/${e.metadata.name}`)).toEqual(['cockroachdb/cockroachdb']);
      const topologyMap = await client.get(resourcePath('v1', 'configmaps', 'cockroachdb', 'cockroachdb-topology'));
      expect(topologyMap.data.join).toBe((up.outputs!.joinAddresses.value as string[]).join(','));
      const services = await client.list('/api/v1/services');
      expect(services.filter((s) => s.spec.type === 'LoadBalancer').map((s) => s.metadata.name)).toEqual([]);
      expect(await snapshotManagedDns(client)).toEqual(managedBefore[name]);
    }
    const again = await stack.run('up', { config: setConfig() });
    expect(again.error).toBeUndefined();
    expect(changes(again)).toEqual([]);

    const destroyed = await stack.run('destroy', { config: setConfig() });
    expect(destroyed.error).toBeUndefined();
    for (const name of names) {
      expect(await world.clusters.cluster(name).client.list('/apis/multicluster.x-k8s.io/v1alpha1/serviceexports')).toEqual([]);
    }
    await expectNothingLeft(() => 'cockroachdb');
  });
});

/**
 * The instance's Corefile as the test runs it, changing only what cannot run on a shared loopback:
 * every server block on the instance's loopback address (and port), the side listeners there too, the
 * `kubernetes` block reading the simulated API server with the given kubeconfig (a line added), each
 * remote load-balancer address mapped to that cluster's instance, the node's resolvers to the sink.
 */
function runnable(
  corefile: string, at: Endpoint, kubeconfig: string, lbToResolver: ReadonlyMap<string, Endpoint>, upstream: Endpoint, shortStartup = false,
): string {
  const out: string[] = [];
  for (const line of corefile.split('\n')) {
    const block = /^(\S+):53 \{$/.exec(line);
    if (block) {
      out.push(`${block[1]}:${at.port} {`, `    bind ${at.host}`);
      continue;
    }
    if (/^\s*kubernetes \S+ \{$/.test(line)) {
      out.push(line, `        kubeconfig ${kubeconfig} c`, ...(shortStartup ? ['        startup_timeout 3s'] : []));
      continue;
    }
    const side = /^(\s*)(health|ready|prometheus)(?:\s+:(\d+))?(\s*\{)?$/.exec(line);
    if (side) {
      const sidePort = side[3] ?? { health: '8080', ready: '8181', prometheus: '9153' }[side[2]];
      out.push(`${side[1]}${side[2]} ${at.host}:${sidePort}${side[4] ?? ''}`);
      continue;
    }
    const forward = /^(\s*)forward \. (.+?)(\s*\{)?$/.exec(line);
    if (forward) {
      const targets = forward[2].split(/\s+/).map((t) => {
        if (t === '/etc/resolv.conf') return `${upstream.host}:${upstream.port}`;
        const target = lbToResolver.get(t);
        if (!target) throw new Error(`forward target ${t} is no cluster's load balancer`);
        return `${target.host}:${target.port}`;
      });
      out.push(`${forward[1]}forward . ${targets.join(' ')}${forward[3] ?? ''}`);
      continue;
    }
    out.push(line);
  }
  return out.join('\n');
}
