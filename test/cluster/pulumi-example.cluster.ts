// examples/pulumi-three-regions itself, `pulumi up` by the real CLI and Kubernetes provider as its header
// says (kubeconfigs set with `pulumi config set --secret --path`), with cert-manager TLS (`tls:
// cert-manager`; the pulumi-tls provider cannot be built here). The per-pod load balancers' addresses,
// given by GKE's stand-in controller, flow into the join list, the advertise addresses and the node
// Certificates, and the real cert-manager issues certificates that cover every address a peer dials.
import { X509Certificate } from 'crypto';
import * as path from 'path';
import { checkServerIdentity } from 'tls';
import { provisionSharedCa } from './support/gitops';
import { cloudRules, World } from './support/harness';
import { resourcePath } from './support/kube-client';
import { PulumiStack } from './support/pulumi-stack';
import { ROOT, removeDir, tempDir } from '../e2e/support/processes';

jest.setTimeout(900_000);

// The example's three clusters (examples/pulumi-three-regions/index.ts builds its stack when loaded,
// so its constants are restated here rather than imported).
const REGIONS = ['us-east1', 'us-west1', 'europe-west1'] as const;
const NETWORKS: Record<string, { nodeCidrs: string[]; podCidrs: string[] }> = {
  'us-east1': { nodeCidrs: ['10.10.0.0/20'], podCidrs: ['10.12.0.0/14'] },
  'us-west1': { nodeCidrs: ['10.20.0.0/20'], podCidrs: ['10.24.0.0/14'] },
  'europe-west1': { nodeCidrs: ['10.30.0.0/20'], podCidrs: ['10.32.0.0/14'] },
};

let world: World;
let work: string;
let stack: PulumiStack;

beforeAll(async () => {
  work = tempDir('pulumi-example');
  world = await World.start(REGIONS.map((region, i) => ({
    name: region,
    region,
    zones: [`${region}-b`, `${region}-c`, `${region}-d`],
    serviceCidr: `10.${100 + i}.0.0/20`,
    podCidr: NETWORKS[region].podCidrs[0],
    dns: 'gke-kube-dns' as const,
    loadBalancerPool: `${NETWORKS[region].nodeCidrs[0].split('.').slice(0, 2).join('.')}.14.`,
    admit: cloudRules({ cloud: 'gcp', version: '1.35.1-gke.1396000', subsetting: false, subnetCidr: NETWORKS[region].nodeCidrs[0] }),
  })), { suite: 8, loadBalancerDelayMs: 2_000 });
  // The prerequisites of cert-manager TLS, as in docs/cdk8s.md: cert-manager, and one CA in every namespace.
  for (const region of REGIONS) await world.installCertManager(region);
  await provisionSharedCa(world.clusters, path.join(work, 'ca'), Object.fromEntries(REGIONS.map((r) => [r, r])));
  stack = new PulumiStack(path.join(work, 'stack'), path.join(ROOT, 'examples', 'pulumi-three-regions', 'index.ts'), { projectName: 'pulumi-three-regions' });
});

afterAll(async () => {
  await world?.stop();
  removeDir(work);
});

test('pulumi up of the example: load-balancer addresses in the join list, the advertise addresses and the issued certificates', async () => {
  const config = {
    ...Object.fromEntries(REGIONS.map((r) => [`kubeconfigs.${r}`, { value: world.clusters.cluster(r).kubeconfig, secret: true, path: true }])),
    tls: { value: 'cert-manager' },
  };
  const up = await stack.run('up', { config });
  expect(up.error).toBeUndefined();
  expect(world.loadBalancers.refusals()).toEqual([]);
  const advertise = up.outputs!.advertiseAddresses.value as Record<string, string[]>;
  const join = up.outputs!.joinAddresses.value as string[];
  for (const region of REGIONS) {
    const assigned = world.loadBalancers.records.filter((r) => r.cluster === region && r.outcome === 'assigned').map((r) => JSON.parse(r.detail)[0].ip).sort();
    expect([...advertise[region]].sort()).toEqual(assigned);
    const { client } = world.clusters.cluster(region);
    await world.waitFor(`the node certificate of ${region} issued`, async () =>
      (await client.find(resourcePath('v1', 'secrets', region, 'cockroachdb-node')))?.data?.['tls.crt'] !== undefined, 120_000);
    const secret = await client.get(resourcePath('v1', 'secrets', region, 'cockroachdb-node'));
    const cert = new X509Certificate(Buffer.from(secret.data['tls.crt'], 'base64'));
    // Every pod's load-balancer address (what peers dial) is in the certificate cert-manager issued.
    for (const address of [...advertise[region], ...join.map((j) => j.replace(/:\d+$/, '')).filter((h) => advertise[region].includes(h))]) {
      expect([region, address, checkServerIdentity(address, cert.toLegacyObject() as any)]).toEqual([region, address, undefined]);
    }
  }
  expect(world.cockroach.jobRuns.filter((r) => r.component === 'init' && r.outcome === 'succeed')).toHaveLength(1);
});
