// MultiRegionCockroach with per-pod load balancers under mocks: addresses flow from the mocked
// Services into the join list, the advertise addresses and the node certificate SANs.
import type * as pulumiType from '@pulumi/pulumi';
import {
  isSecretValue, kubeObjectOf, kubeResources, lbAddress, Recorded, settle, startMocks, valueOf,
} from './mock-engine';
import { validateKubeObjects } from '../support/kube-schema';
import { withNetworks } from '../support/topologies';

let pulumi: typeof pulumiType;
let recorded: Recorded[];
let component: import('../../lib/pulumi').MultiRegionCockroach;

const CLUSTERS = withNetworks([
  { name: 'us-east', cloud: 'gcp', region: 'us-east1', nodes: 3 },
  { name: 'eu-west', cloud: 'aws', region: 'eu-west-1', nodes: 3 },
  { name: 'ap-south', cloud: 'azure', region: 'centralindia', nodes: 4 },
] as const);

/** The mocked address of pod `ordinal` of a cluster, as the per-pod Service reports it. */
function address(cluster: string, ordinal: number): string {
  return lbAddress(cluster, cluster, `cockroachdb-${ordinal}-lb`);
}

beforeAll(async () => {
  pulumi = await import('@pulumi/pulumi');
  recorded = await startMocks();
  const k8s = await import('@pulumi/kubernetes');
  const { MultiRegionCockroach, Networking } = await import('../../lib/pulumi');
  component = new MultiRegionCockroach('crdb', {
    clusters: CLUSTERS.map((c) => ({ ...c, provider: new k8s.Provider(c.name, { kubeconfig: `kubeconfig-${c.name}` }) })),
    networking: Networking.perPodLoadBalancers(),
  });
  await valueOf(component.joinAddresses);
  await valueOf(component.certs!.nodeCertPems['ap-south']);
  await settle();
});

function ofType(type: string): Recorded[] {
  return recorded.filter((r) => r.type === type);
}

test('the component and its children use the crosscluster:index type tokens', () => {
  const types = new Set(recorded.map((r) => r.type));
  for (const t of ['MultiRegionCockroach', 'PerPodLoadBalancers', 'ClusterCerts']) {
    expect(types).toContain(`crosscluster:index:${t}`);
  }
});

test('every Kubernetes resource uses the provider of the cluster whose namespace it lives in', () => {
  const k8sResources = kubeResources(recorded);
  expect(k8sResources.length).toBeGreaterThan(40);
  for (const r of k8sResources) {
    const object = kubeObjectOf(r);
    const cluster = object.metadata.namespace ?? object.metadata.labels?.['crosscluster.io/cluster'];
    expect({ name: r.name, provider: r.provider }).toEqual({ name: r.name, provider: cluster });
  }
});

test('one per-pod LoadBalancer Service per pod, waited on for its address only', () => {
  const services = ofType('kubernetes:core/v1:Service').filter((r) => r.inputs.spec.type === 'LoadBalancer');
  expect(services.map((s) => `${s.provider}/${s.inputs.metadata.name}`).sort()).toEqual(
    CLUSTERS.flatMap((c) => Array.from({ length: c.nodes }, (_, i) => `${c.name}/cockroachdb-${i}-lb`)).sort(),
  );
  for (const s of services) {
    expect(s.inputs.metadata.annotations['pulumi.com/waitFor']).toBe('jsonpath={.status.loadBalancer.ingress}');
    expect(s.inputs.spec.publishNotReadyAddresses).toBe(true);
  }
});

test('addresses, advertise addresses and the join list come from the mocked load balancers', async () => {
  const expected = Object.fromEntries(CLUSTERS.map((c) => [c.name, Array.from({ length: c.nodes }, (_, i) => address(c.name, i))]));
  expect(await valueOf(component.loadBalancers!.addresses)).toEqual(expected);
  expect(await valueOf(component.advertiseAddresses)).toEqual(expected);
  const join = CLUSTERS.flatMap((c) => [0, 1, 2].map((i) => `${address(c.name, i)}:26257`));
  expect(await valueOf(component.joinAddresses)).toEqual(join);
  // The topology ConfigMap of every cluster carries the same join list and each pod's own address.
  // The ConfigMap and the patch that carries its data, as one object (kubeResources merges them).
  const configMaps = kubeResources(recorded).filter((r) => r.type === 'kubernetes:core/v1:ConfigMap' && r.inputs.metadata.name === 'cockroachdb-topology');
  expect(configMaps).toHaveLength(3);
  for (const cm of configMaps) {
    expect(cm.inputs.data.join).toBe(join.join(','));
    const cluster = CLUSTERS.find((c) => c.name === cm.provider)!;
    for (let i = 0; i < cluster.nodes; i++) expect(cm.inputs.data[`advertise-host.cockroachdb-${i}`]).toBe(address(cluster.name, i));
  }
});

test('the StatefulSets carry no address (the pods read them from the ConfigMap) and are not awaited', () => {
  const statefulSets = ofType('kubernetes:apps/v1:StatefulSet');
  expect(statefulSets).toHaveLength(3);
  for (const sts of statefulSets) {
    expect(sts.inputs.metadata.annotations).toEqual({ 'pulumi.com/skipAwait': 'true' });
    const text = JSON.stringify(sts.inputs);
    for (const c of CLUSTERS) for (let i = 0; i < c.nodes; i++) expect(text).not.toContain(address(c.name, i));
    expect(text).toContain('cockroachdb-topology');
  }
});

test('node certificate requests carry the load-balancer addresses of their own cluster only', () => {
  const csrs = ofType('tls:index/certRequest:CertRequest').filter((r) => r.name.endsWith('-node-csr'));
  expect(csrs).toHaveLength(3);
  for (const c of CLUSTERS) {
    const csr = csrs.find((r) => r.name === `crdb-certs-${c.name}-node-csr`)!;
    const sans = [...(csr.inputs.dnsNames ?? []), ...(csr.inputs.ipAddresses ?? [])];
    expect(csr.inputs.subject.commonName).toBe('node');
    for (let i = 0; i < c.nodes; i++) expect(sans).toContain(address(c.name, i));
    for (const other of CLUSTERS.filter((o) => o.name !== c.name)) expect(sans).not.toContain(address(other.name, 0));
    expect(sans).toEqual(expect.arrayContaining(['localhost', `cockroachdb-public.${c.name}`, `*.cockroachdb.${c.name}.svc.cluster.local`, '127.0.0.1']));
  }
  // The AWS cluster's addresses are hostnames: dNSName SANs, not iPAddress ones.
  const aws = csrs.find((r) => r.name === 'crdb-certs-eu-west-node-csr')!;
  expect(aws.inputs.dnsNames).toContain(address('eu-west', 0));
});

test('node and client certificates are signed by the one CA with the expected usages', () => {
  const signed = ofType('tls:index/locallySignedCert:LocallySignedCert');
  expect(signed.map((s) => s.name).sort()).toEqual(
    ['crdb-certs-client-root-cert', ...CLUSTERS.map((c) => `crdb-certs-${c.name}-node-cert`)].sort(),
  );
  for (const s of signed) {
    expect(s.inputs.caCertPem).toContain('crdb-certs-ca');
    expect(s.inputs.validityPeriodHours).toBe(8760);
    expect(s.inputs.earlyRenewalHours).toBe(720);
    expect(s.inputs.allowedUses).toEqual(s.name.includes('node')
      ? ['digital_signature', 'key_encipherment', 'server_auth', 'client_auth']
      : ['digital_signature', 'key_encipherment', 'client_auth']);
  }
  const [ca] = ofType('tls:index/selfSignedCert:SelfSignedCert');
  expect(ca.inputs).toMatchObject({ isCaCertificate: true, validityPeriodHours: 43800 });
  expect(ca.inputs.allowedUses).toContain('cert_signing');
  for (const key of ofType('tls:index/privateKey:PrivateKey')) expect(key.inputs).toEqual({ algorithm: 'ECDSA', ecdsaCurve: 'P256' });
});

test('private keys and everything carrying them are secret', async () => {
  const certs = component.certs!;
  expect(await pulumi.isSecret(certs.caPrivateKeyPem!)).toBe(true);
  expect(await pulumi.isSecret(certs.clientKeyPem!)).toBe(true);
  for (const c of CLUSTERS) {
    expect(await pulumi.isSecret(certs.nodeKeyPems[c.name])).toBe(true);
    expect(await pulumi.isSecret(certs.secrets[c.name][0].stringData)).toBe(true);
  }
  expect(await pulumi.isSecret(component.caCertPem)).toBe(false);
  // The engine receives the key material of the CA signature, the CSRs and the Secrets as secrets.
  for (const r of ofType('tls:index/locallySignedCert:LocallySignedCert')) expect(isSecretValue(r.inputs.caPrivateKeyPem)).toBe(true);
  for (const r of ofType('tls:index/certRequest:CertRequest')) expect(isSecretValue(r.inputs.privateKeyPem)).toBe(true);
  const secrets = kubeResources(recorded).filter((r) => r.type === 'kubernetes:core/v1:Secret');
  expect(secrets).toHaveLength(6);
  for (const s of secrets) {
    expect(isSecretValue(s.inputs.stringData)).toBe(true);
    expect(s.inputs.type).toBe('kubernetes.io/tls');
    expect(Object.keys(kubeObjectOf(s).stringData).sort()).toEqual(['ca.crt', 'tls.crt', 'tls.key']);
  }
});

test('the init Job exists once, in the init cluster', () => {
  const jobs = ofType('kubernetes:batch/v1:Job').filter((j) => j.inputs.metadata.name.startsWith('cockroachdb-init-'));
  expect(jobs).toHaveLength(1);
  expect(jobs[0].provider).toBe('us-east');
  expect(jobs[0].inputs.metadata).toMatchObject({ name: expect.stringMatching(/^cockroachdb-init-[0-9a-f]{10}$/), namespace: 'us-east' });
  expect(component.initJob).toBeDefined();
});

test('outputs: clusters, multi-region SQL, CA certificate', async () => {
  expect(await valueOf(component.clusters)).toEqual(Object.fromEntries(CLUSTERS.map((c) => [c.name, {
    namespace: c.name,
    statefulSet: 'cockroachdb',
    publicService: 'cockroachdb-public',
    nodeSecret: 'cockroachdb-node',
    clientSecret: 'cockroachdb-client-root',
  }])));
  expect(await valueOf(component.multiRegionSql)).toEqual([
    'CREATE DATABASE IF NOT EXISTS "defaultdb";',
    'ALTER DATABASE "defaultdb" PRIMARY REGION "us-east1";',
    'ALTER DATABASE "defaultdb" ADD REGION IF NOT EXISTS "eu-west-1";',
    'ALTER DATABASE "defaultdb" ADD REGION IF NOT EXISTS "centralindia";',
    'ALTER DATABASE "defaultdb" SURVIVE ZONE FAILURE;',
  ]);
  expect(await valueOf(component.caCertPem)).toContain('BEGIN CERTIFICATE');
});

test('every registered Kubernetes object passes the Kubernetes schema', () => {
  validateKubeObjects(kubeResources(recorded).map(kubeObjectOf));
});
