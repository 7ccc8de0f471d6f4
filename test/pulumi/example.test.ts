// The Pulumi example runs under mocks with its stack configuration.
import type * as pulumiType from '@pulumi/pulumi';
import { lbAddress, Recorded, settle, startMocks, valueOf } from './mock-engine';

const PROJECT = 'pulumi-three-regions';
const REGIONS = ['us-east1', 'us-west1', 'europe-west1'];

let pulumi: typeof pulumiType;
let recorded: Recorded[];
let program: typeof import('../../examples/pulumi-three-regions/index');

beforeAll(async () => {
  pulumi = await import('@pulumi/pulumi');
  recorded = await startMocks({ project: PROJECT });
  pulumi.runtime.setAllConfig(
    { [`${PROJECT}:kubeconfigs`]: JSON.stringify(Object.fromEntries(REGIONS.map((r) => [r, `kubeconfig of ${r}`]))) },
    [`${PROJECT}:kubeconfigs`],
  );
  program = await import('../../examples/pulumi-three-regions/index');
  await valueOf(program.joinAddresses);
  await settle();
});

test('the example deploys three clusters with per-pod load balancers and generated certificates', async () => {
  const expectedJoin = REGIONS.flatMap((r) => [0, 1, 2].map((i) => `${lbAddress(r, r, `cockroachdb-${i}-lb`)}:26257`));
  expect(await valueOf(program.joinAddresses)).toEqual(expectedJoin);
  expect(Object.keys(await valueOf(program.advertiseAddresses))).toEqual(REGIONS);
  expect(await valueOf(program.multiRegionSql)).toContain('ALTER DATABASE "defaultdb" SURVIVE REGION FAILURE;');
  expect(recorded.filter((r) => r.type === 'pulumi:providers:kubernetes').map((r) => r.name)).toEqual(REGIONS);
  expect(recorded.filter((r) => r.type === 'kubernetes:apps/v1:StatefulSet')).toHaveLength(3);
  // One init Job and one multi-region SQL Job, in the init cluster.
  expect(recorded.filter((r) => r.type === 'kubernetes:batch/v1:Job').map((r) => r.inputs.spec.template.metadata.labels['app.kubernetes.io/component']).sort()).toEqual(['init', 'multi-region-sql']);
  expect(recorded.filter((r) => r.type === 'tls:index/selfSignedCert:SelfSignedCert')).toHaveLength(1);
  // The kubeconfigs come from the secret stack configuration and stay secret.
  const provider = recorded.find((r) => r.type === 'pulumi:providers:kubernetes')!;
  expect(JSON.stringify(provider.inputs.kubeconfig)).toContain('kubeconfig of us-east1');
  expect(await pulumi.isSecret(program.caCertPem)).toBe(false);
});

test('every per-pod load balancer admits the three clusters\' ranges only, and a NetworkPolicy guards each database', () => {
  const ranges = Object.values(program.NETWORKS).flatMap((n) => [...n.podCidrs, ...n.nodeCidrs]);
  const services = recorded.filter((r) => r.type === 'kubernetes:core/v1:Service' && r.inputs.spec?.type === 'LoadBalancer');
  expect(services).toHaveLength(9);
  for (const s of services) expect([...s.inputs.spec.loadBalancerSourceRanges].sort()).toEqual([...ranges].sort());
  expect(recorded.filter((r) => r.type === 'kubernetes:networking.k8s.io/v1:NetworkPolicy')).toHaveLength(3);
});
