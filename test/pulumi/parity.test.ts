// Parity: for the same topology and the same resolved addresses, the Kubernetes objects the Pulumi
// path registers equal the objects the pure renderers produce, and the objects cdk8s synthesizes.
import {
  kubeObjectOf, kubeResources, Recorded, settle, startMocks, withoutEngineAnnotations,
} from './mock-engine';
import { withNetworks } from '../support/topologies';

const CLUSTERS = withNetworks([
  { name: 'us-east', cloud: 'gcp', region: 'us-east1', nodes: 3, zones: ['us-east1-b', 'us-east1-c'] },
  { name: 'eu-west', cloud: 'aws', region: 'eu-west-1', nodes: 3 },
  { name: 'ap-south', cloud: 'generic', region: 'ap-south-1', nodes: 2, clusterDomain: 'cluster.ap' },
] as const);

const ADDRESSES = {
  'us-east': [{ address: '10.1.0.10', gcpAddressName: 'crdb-0' }, '10.1.0.11', '10.1.0.12'],
  'eu-west': ['10.2.0.10', { address: '10.2.0.11', awsPrivateIps: ['10.2.0.11'] }, '10.2.0.12'],
  'ap-south': ['db-0.ap.example.com', 'db-1.ap.example.com'],
};

type Obj = Record<string, any>;

/** Canonical form: engine annotations and empty annotation maps dropped, JSON round-tripped. */
function canonical(object: Obj): Obj {
  const copy = withoutEngineAnnotations(object);
  if (copy.metadata?.annotations && Object.keys(copy.metadata.annotations).length === 0) delete copy.metadata.annotations;
  return copy;
}

function byKey(objects: readonly Obj[]): Record<string, Obj> {
  const result: Record<string, Obj> = {};
  for (const o of objects) {
    const key = `${o.metadata.labels?.['crosscluster.io/cluster'] ?? '?'}:${o.apiVersion}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    expect(result[key]).toBeUndefined();
    result[key] = canonical(o);
  }
  return result;
}

type TlsKind = 'generated' | 'insecure' | 'certManager';

async function runPulumi(tls: TlsKind): Promise<Recorded[]> {
  const recorded = await startMocks();
  const k8s = await import('@pulumi/kubernetes');
  const { MultiRegionCockroach, Networking, Tls } = await import('../../lib/pulumi');
  new MultiRegionCockroach('crdb', {
    clusters: CLUSTERS.map((c) => ({ ...c, provider: new k8s.Provider(c.name, { kubeconfig: c.name }) })),
    networking: Networking.perPodLoadBalancers({ addresses: ADDRESSES, sourceRanges: ['10.0.0.0/8'], externalDns: true }),
    tls: Tls[tls](),
    memory: '4Gi',
    survivalGoal: 'region',
  });
  await settle();
  return recorded;
}

async function rendered(tls: TlsKind): Promise<Obj[]> {
  const { planDeployment, Networking, Tls } = await import('../../lib/core');
  const { renderDeployment, allObjects } = await import('../../lib/manifests');
  const plan = planDeployment({
    clusters: CLUSTERS,
    networking: Networking.perPodLoadBalancers({ addresses: ADDRESSES, sourceRanges: ['10.0.0.0/8'], externalDns: true }),
    tls: Tls[tls](),
    memory: '4Gi',
    survivalGoal: 'region',
  }, { engine: 'pulumi' });
  return renderDeployment(plan).flatMap(allObjects);
}

test('generated TLS: every registered object equals the rendered one; Secrets hold the generated certificates', async () => {
  const registered = kubeResources(await runPulumi('generated')).map(kubeObjectOf);
  const secrets = registered.filter((o) => o.kind === 'Secret');
  expect(secrets.map((s) => `${s.metadata.namespace}/${s.metadata.name}`).sort()).toEqual(
    CLUSTERS.flatMap((c) => [`${c.name}/cockroachdb-client-root`, `${c.name}/cockroachdb-node`]).sort(),
  );
  // Everything else is exactly what the renderers produce (they render no Secret: the keys are Pulumi's).
  const expected = byKey(await rendered('generated'));
  expect(Object.keys(expected).length).toBeGreaterThan(30);
  expect(byKey(registered.filter((o) => o.kind !== 'Secret'))).toEqual(expected);
});

test.each(['insecure', 'certManager'] as const)('%s: the Pulumi objects equal the cdk8s synthesis of the same topology', async (tls) => {
  const registered = kubeResources(await runPulumi(tls)).map(kubeObjectOf);
  const { App } = await import('cdk8s');
  const cdk8s = await import('../../lib/cdk8s');
  const app = new App({ outdir: `${__dirname}/.unused-outdir` });
  new cdk8s.MultiRegionCockroach(app, 'cockroachdb', {
    clusters: CLUSTERS,
    networking: cdk8s.Networking.perPodLoadBalancers({ addresses: ADDRESSES, sourceRanges: ['10.0.0.0/8'], externalDns: true }),
    tls: cdk8s.Tls[tls](),
    memory: '4Gi',
    survivalGoal: 'region',
  });
  const synthesized = app.charts.flatMap((chart) => chart.toJson()) as Obj[];
  expect(byKey(registered)).toEqual(byKey(synthesized));
  expect(byKey(registered)).toEqual(byKey(await rendered(tls)));
  if (tls === 'certManager') {
    // cert-manager issues the keys in the clusters: no @pulumi/tls resource, no Secret from Pulumi.
    expect(registered.filter((o) => o.kind === 'Certificate')).toHaveLength(2 * CLUSTERS.length);
    expect(registered.filter((o) => o.kind === 'Secret')).toEqual([]);
  }
});
