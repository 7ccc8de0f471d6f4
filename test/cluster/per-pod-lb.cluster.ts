// examples/per-pod-lb (GKE, EKS and AKS with one internal load balancer per pod) applied as
// docs/cdk8s.md says, with each cloud's stand-in load-balancer controller enforcing that cloud's
// documented rules: every per-pod Service is accepted at its reserved address (GKE by reserved-address
// name, EKS with one private IP per subnet reaching its pod in any AZ, AKS on a static private IP), the
// database comes up, and the certificates the real cert-manager issues cover every advertised address.
import { X509Certificate } from 'crypto';
import * as path from 'path';
import { checkServerIdentity } from 'tls';
import { applyFile, cdk8sSynth, provisionSharedCa } from './support/gitops';
import { cloudRules, World, WorldClusterSpec } from './support/harness';
import { resourcePath } from './support/kube-client';
import { topology } from '../../examples/per-pod-lb/main';
import { removeDir, tempDir } from '../e2e/support/processes';

jest.setTimeout(900_000);

const WORLD: readonly WorldClusterSpec[] = [
  {
    name: 'europe-west1',
    region: 'europe-west1',
    zones: ['europe-west1-b', 'europe-west1-c', 'europe-west1-d'],
    serviceCidr: '10.48.0.0/20',
    podCidr: '10.44.0.0/14',
    dns: 'gke-kube-dns',
    loadBalancerPool: '10.40.14.',
    admit: cloudRules({
      cloud: 'gcp',
      version: '1.35.1-gke.1396000',
      subsetting: false,
      subnetCidr: '10.40.0.0/20',
      reservedAddresses: Object.fromEntries([0, 1, 2].map((i) => [`crdb-europe-west1-${i}`, { address: `10.40.15.${10 + i}`, purpose: 'GCE_ENDPOINT' as const }])),
    }),
  },
  {
    name: 'us-east-1',
    region: 'us-east-1',
    zones: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
    serviceCidr: '172.20.0.0/16',
    podCidr: '100.64.0.0/16',
    dns: 'eks-coredns',
    loadBalancerPool: '10.50.14.',
    admit: cloudRules({
      cloud: 'aws',
      vpcCidrs: ['10.50.0.0/16', '100.64.0.0/16'],
      subnets: [
        { id: 'subnet-0a1b2c3d4e5f60001', zone: 'us-east-1a', cidr: '10.50.10.0/24' },
        { id: 'subnet-0a1b2c3d4e5f60002', zone: 'us-east-1b', cidr: '10.50.20.0/24' },
        { id: 'subnet-0a1b2c3d4e5f60003', zone: 'us-east-1c', cidr: '10.50.30.0/24' },
      ],
    }),
  },
  {
    name: 'eastus',
    region: 'eastus',
    zones: ['eastus-1', 'eastus-2', 'eastus-3'],
    serviceCidr: '10.0.0.0/16',
    podCidr: '10.244.0.0/16',
    dns: 'aks-coredns',
    loadBalancerPool: '10.60.14.',
    admit: cloudRules({ cloud: 'azure', subnets: { nodes: '10.60.0.0/16' } }),
  },
];

let world: World;
let work: string;

beforeAll(async () => {
  work = tempDir('per-pod-lb');
  world = await World.start(WORLD, { suite: 9 });
});

afterAll(async () => {
  await world?.stop();
  removeDir(work);
});

test('synth, prerequisites, apply: every per-pod load balancer accepted at its reserved address, the database up, the certificates cover every address', async () => {
  const dist = path.join(work, 'dist');
  await cdk8sSynth('per-pod-lb', dist);
  for (const c of topology.clusters) await world.installCertManager(c.name);
  await provisionSharedCa(world.clusters, path.join(work, 'ca'), Object.fromEntries(topology.clusters.map((c) => [c.name, c.namespace ?? c.name])));
  for (const c of topology.clusters) {
    const applied = await applyFile(world.clusters, c.name, path.join(dist, `${c.name}.k8s.yaml`));
    expect([c.name, applied.code, applied.stderr]).toEqual([c.name, 0, '']);
  }
  const addresses = topology.networking.perPodLoadBalancers!.addresses!;
  for (const c of topology.clusters) {
    const ns = c.namespace ?? c.name;
    const { client } = world.clusters.cluster(c.name);
    await world.waitFor(`${c.name}: ${c.nodes} ready pods and every load balancer answered`, async () => {
      const pods = (await client.list(resourcePath('v1', 'pods', ns))).filter((p) => p.metadata.ownerReferences?.[0]?.kind === 'StatefulSet');
      const services = (await client.list(resourcePath('v1', 'services', ns))).filter((s) => s.spec.type === 'LoadBalancer');
      return pods.length === c.nodes && pods.every((p) => p.status?.conditions?.some((k: any) => k.type === 'Ready' && k.status === 'True')) &&
        services.length === c.nodes && services.every((s) => s.status?.loadBalancer?.ingress?.length);
    }, 180_000);
    expect(world.loadBalancers.refusals()).toEqual([]);
    const reserved = (addresses[c.name] as ReadonlyArray<string | { address: string }>).map((a) => (typeof a === 'string' ? a : a.address));
    const topologyMap = await client.get(resourcePath('v1', 'configmaps', ns, 'cockroachdb-topology'));
    const advertised = Object.entries(topologyMap.data as Record<string, string>).filter(([k]) => k.startsWith('advertise-host.')).map(([, v]) => v);
    expect(advertised.sort()).toEqual(reserved.slice(0, c.nodes).sort());
    if (c.cloud !== 'aws') {
      // GKE and AKS report the reserved IP; an NLB reports its DNS name.
      const ingress = (await client.list(resourcePath('v1', 'services', ns))).filter((s) => s.spec.type === 'LoadBalancer').map((s) => s.status.loadBalancer.ingress[0].ip);
      expect(ingress.sort()).toEqual(reserved.slice(0, c.nodes).sort());
    }
    await world.waitFor(`${c.name}: node certificate issued`, async () =>
      (await client.find(resourcePath('v1', 'secrets', ns, 'cockroachdb-node')))?.data?.['tls.crt'] !== undefined, 120_000);
    const cert = new X509Certificate(Buffer.from((await client.get(resourcePath('v1', 'secrets', ns, 'cockroachdb-node'))).data['tls.crt'], 'base64'));
    for (const address of advertised) {
      expect([c.name, address, checkServerIdentity(address, cert.toLegacyObject() as any)]).toEqual([c.name, address, undefined]);
    }
  }
});
