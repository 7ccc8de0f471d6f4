// ClusterCerts on its own: an existing CA given as (secret) outputs, RSA keys, SANs from outputs.
import type * as pulumiType from '@pulumi/pulumi';
import { isSecretValue, kubeObjectOf, kubeResources, Recorded, settle, startMocks, valueOf } from './mock-engine';

let pulumi: typeof pulumiType;
let recorded: Recorded[];
let certs: import('../../lib/pulumi').ClusterCerts;

beforeAll(async () => {
  pulumi = await import('@pulumi/pulumi');
  recorded = await startMocks();
  const k8s = await import('@pulumi/kubernetes');
  const { ClusterCerts, Tls } = await import('../../lib/pulumi');
  certs = new ClusterCerts('certs', {
    clusters: [
      { name: 'a', cloud: 'gcp', region: 'r1', nodes: 2, provider: new k8s.Provider('a', { kubeconfig: 'a' }) },
      { name: 'b', cloud: 'aws', region: 'r2', nodes: 1, namespace: 'crdb-b', provider: new k8s.Provider('b', { kubeconfig: 'b' }) },
    ],
    tls: Tls.existingCa({
      caCertPem: pulumi.output('-----BEGIN CERTIFICATE-----\nMY CA\n-----END CERTIFICATE-----\n'),
      caKeyPem: pulumi.output('MY CA KEY'),
      algorithm: 'RSA',
      validityHours: 2000,
      earlyRenewalHours: 100,
    }),
    podAddresses: { a: ['192.0.2.1', pulumi.output('192.0.2.2')], b: pulumi.output(['db-b0.example.com']) },
  });
  await valueOf(certs.nodeCertPems.b);
  await settle();
});

test('no CA is generated: the given CA signs, its key stays secret', async () => {
  expect(recorded.filter((r) => r.type === 'tls:index/selfSignedCert:SelfSignedCert')).toHaveLength(0);
  const signed = recorded.filter((r) => r.type === 'tls:index/locallySignedCert:LocallySignedCert');
  expect(signed).toHaveLength(3);
  for (const s of signed) {
    expect(s.inputs.caCertPem).toContain('MY CA');
    expect(isSecretValue(s.inputs.caPrivateKeyPem)).toBe(true);
    expect(s.inputs).toMatchObject({ validityPeriodHours: 2000, earlyRenewalHours: 100 });
  }
  expect(await pulumi.isSecret(certs.caPrivateKeyPem!)).toBe(true);
  expect(await valueOf(certs.caCertPem!)).toContain('MY CA');
});

test('RSA 2048 keys, all secret', async () => {
  const keys = recorded.filter((r) => r.type === 'tls:index/privateKey:PrivateKey');
  expect(keys.map((k) => k.name).sort()).toEqual(['certs-a-node-key', 'certs-b-node-key', 'certs-client-root-key']);
  for (const k of keys) expect(k.inputs).toEqual({ algorithm: 'RSA', rsaBits: 2048 });
  for (const c of ['a', 'b']) expect(await pulumi.isSecret(certs.nodeKeyPems[c])).toBe(true);
  expect(await pulumi.isSecret(certs.clientKeyPem!)).toBe(true);
});

test('the SANs include the given per-pod addresses, split into IPs and names', async () => {
  expect(await valueOf(certs.nodeSans.a)).toMatchObject({ ipAddresses: expect.arrayContaining(['192.0.2.1', '192.0.2.2']) });
  const b = await valueOf(certs.nodeSans.b);
  expect(b.dnsNames).toEqual(expect.arrayContaining(['db-b0.example.com', 'cockroachdb-public.crdb-b', '*.cockroachdb.crdb-b.svc.cluster.local']));
  const csr = recorded.find((r) => r.name === 'certs-b-node-csr')!;
  expect(csr.inputs.dnsNames).toEqual(b.dnsNames);
  expect(csr.inputs.subject).toEqual({ commonName: 'node', organization: 'Cockroach' });
  const client = recorded.find((r) => r.name === 'certs-client-root-csr')!;
  expect(client.inputs.subject).toEqual({ commonName: 'root', organization: 'Cockroach' });
});

test('Secrets in every cluster namespace, with cert-manager key names', async () => {
  const secrets = kubeResources(recorded).filter((r) => r.type === 'kubernetes:core/v1:Secret');
  expect(secrets.map((s) => `${s.provider}:${s.inputs.metadata.namespace}/${s.inputs.metadata.name}`).sort()).toEqual([
    'a:a/cockroachdb-client-root', 'a:a/cockroachdb-node', 'b:crdb-b/cockroachdb-client-root', 'b:crdb-b/cockroachdb-node',
  ]);
  const node = kubeObjectOf(secrets.find((s) => s.name === 'certs-b-cockroachdb-node')!);
  expect(node.stringData['ca.crt']).toContain('MY CA');
  expect(node.stringData['tls.key']).toContain('certs-b-node-key');
  expect(await valueOf(certs.secretNames)).toEqual({
    a: { nodeSecret: 'cockroachdb-node', clientSecret: 'cockroachdb-client-root' },
    b: { nodeSecret: 'cockroachdb-node', clientSecret: 'cockroachdb-client-root' },
  });
});

test('insecure TLS is rejected before anything is registered', async () => {
  const { ClusterCerts, Tls, TopologyError } = await import('../../lib/pulumi');
  const k8s = await import('@pulumi/kubernetes');
  const provider = new k8s.Provider('c', { kubeconfig: 'c' });
  const before = recorded.length;
  expect(() => new ClusterCerts('bad', { clusters: [{ name: 'c', cloud: 'gcp', region: 'r', nodes: 1, provider }], tls: Tls.insecure() }))
    .toThrow(/use Tls.generated\(\), Tls.existingCa\(...\) or Tls.certManager\(\)/);
  expect(TopologyError).toBeDefined();
  await new Promise((r) => setTimeout(r, 50));
  expect(recorded.slice(before).filter((r) => r.name === 'bad')).toHaveLength(0);
});
