// Day 2 under the Pulumi mocks: a staged upgrade step registers the new image in one cluster only,
// and a scale-down happens in one `up` (the StatefulSet is registered with the remaining replicas,
// after the decommission Job).
import { kubeObjectOf, kubeResources, Recorded, settle, startMocks } from './mock-engine';
import { withNetworks } from '../support/topologies';

const CLUSTERS = [
  { name: 'us-east', cloud: 'gcp', region: 'us-east1', nodes: 3 },
  { name: 'eu-west', cloud: 'aws', region: 'eu-west-1', nodes: 5, scaleDownTo: 3, version: 'v25.3.1' },
  { name: 'ap-south', cloud: 'azure', region: 'centralindia', nodes: 3 },
] as const;

let recorded: Recorded[];
let jobs: Record<string, readonly unknown[]>;

beforeAll(async () => {
  recorded = await startMocks();
  const k8s = await import('@pulumi/kubernetes');
  const { MultiRegionCockroach, Networking } = await import('../../lib/pulumi');
  const db = new MultiRegionCockroach('crdb', {
    clusters: withNetworks(CLUSTERS).map((c) => ({ ...c, provider: new k8s.Provider(c.name, { kubeconfig: c.name }) })),
    networking: Networking.dnsChain({ dnsAddresses: { 'us-east': '10.1.0.53', 'eu-west': '10.2.0.53', 'ap-south': '10.3.0.53' } }),
    version: 'v25.3.1',
    upgrade: { from: 'v25.2.4' },
  });
  jobs = db.jobs;
  await settle();
});

const objects = () => kubeResources(recorded).map((r) => ({ provider: r.provider, object: kubeObjectOf(r) }));

test('a staged step: only the rolled cluster\'s StatefulSet runs the new version; the preserve Job is in the init cluster', () => {
  const images = Object.fromEntries(objects().filter((o) => o.object.kind === 'StatefulSet').map((o) => [o.provider, o.object.spec.template.spec.containers[0].image]));
  expect(images).toEqual({ 'us-east': 'cockroachdb/cockroach:v25.2.4', 'eu-west': 'cockroachdb/cockroach:v25.3.1', 'ap-south': 'cockroachdb/cockroach:v25.2.4' });
  const preserve = objects().filter((o) => o.object.kind === 'Job' && o.object.metadata.name.startsWith('cockroachdb-preserve-25-2-'));
  expect(preserve.map((o) => o.provider)).toEqual(['us-east']);
});

test('scale-down in one up: the StatefulSet gets the remaining replicas, and the decommission Job and the guard exist', () => {
  const euWest = objects().filter((o) => o.provider === 'eu-west').map((o) => o.object);
  expect(euWest.find((o) => o.kind === 'StatefulSet')!.spec.replicas).toBe(3);
  expect(euWest.filter((o) => o.kind === 'Job').map((o) => o.metadata.name)).toEqual([expect.stringMatching(/^cockroachdb-decommission-3-/)]);
  expect(euWest.map((o) => o.kind)).toEqual(expect.arrayContaining(['Role', 'RoleBinding', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding']));
  expect(Object.fromEntries(Object.entries(jobs).map(([c, list]) => [c, list.length]))).toEqual({ 'us-east': 3, 'eu-west': 1 });
});

test('every Job waits as long as its own deadline, and no object is registered twice', () => {
  const names = kubeResources(recorded).map((r) => `${r.provider}/${r.inputs.kind}/${r.inputs.metadata.namespace ?? ''}/${r.inputs.metadata.name}`);
  expect(new Set(names).size).toBe(names.length);
});
