// The real cert-manager controller against a real API server: one etcd and one kube-apiserver on
// 127.0.0.1, the cert-manager CRDs applied by the real kubectl, and the library's own Issuer and node
// Certificate (renderCertificates of a planned topology) issued from an openssl-made CA. Checks the issued
// Secret with openssl, then a manual renewal (what `cmctl renew` does) and a reissue after a SAN change.
// Every wait is bounded; every process is stopped in afterAll, also when beforeAll fails.
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { installCertManagerCrds, startCertManager } from './support/cert-manager';
import { KubeClient, KubeResource, resourcePath } from './support/kube-client';
import { tool } from './support/tools';
import { ManagedProcess, ProcessGroup, removeDir, runOk, tempDir, waitFor } from '../e2e/support/processes';
import { perPodTopology, THREE_CLUSTERS } from '../support/topologies';
import { ClusterPlan, KubeObject, planDeployment, renderCertificates } from 'crosscluster';

const CM = 'cert-manager.io/v1';
const FIELD_MANAGER = 'crosscluster-test';
const ISSUE_TIMEOUT_MS = 90_000;

/** One figure per step, printed in afterAll (what the tier costs on this machine). */
const figures: Record<string, string> = {};
function since(started: number): string {
  return `${((Date.now() - started) / 1000).toFixed(1)} s`;
}

/** A free TCP port on 127.0.0.1 (bound, read, released). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

async function openssl(args: readonly string[], input?: string): Promise<string> {
  return (await runOk('openssl', args, { timeoutMs: 20_000, input })).stdout;
}

/** The cluster plan whose Issuer and node Certificate the test applies (GKE, per-pod addresses). */
function clusterPlan(nodes: number): { cluster: ClusterPlan; issuer: KubeObject; node: KubeObject } {
  const clusters = THREE_CLUSTERS.map((c, i) => (i === 0 ? { ...c, nodes } : c));
  const plan = planDeployment(perPodTopology(clusters));
  const cluster = plan.clusters[0];
  const objects = renderCertificates(plan, cluster);
  const issuer = objects.find((o) => o.kind === 'Issuer');
  const node = objects.find((o) => o.kind === 'Certificate' && (o as any).spec.commonName === 'node');
  if (!issuer || !node) throw new Error('renderCertificates returned no Issuer or node Certificate');
  return { cluster, issuer, node };
}

/** A canonical spelling of an IPv4 or IPv6 address (openssl prints ::1 as 0:0:0:0:0:0:0:1). */
function canonicalIp(ip: string): string {
  if (!ip.includes(':')) return ip;
  const [head, tail] = ip.includes('::') ? ip.split('::') : [ip, undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  return groups.map((g) => parseInt(g, 16).toString(16)).join(':');
}

/** The SANs the Certificate asks for, as `DNS:x` / `IP:y`, sorted. */
function requestedSans(certificate: KubeObject): string[] {
  const spec = (certificate as any).spec;
  return [
    ...(spec.dnsNames ?? []).map((d: string) => `DNS:${d}`),
    ...(spec.ipAddresses ?? []).map((ip: string) => `IP:${canonicalIp(ip)}`),
  ].sort();
}

/** Facts of an issued certificate, read with openssl. */
interface CertFacts {
  readonly serial: string;
  readonly subject: string;
  readonly sans: string[];
  readonly text: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

async function certFacts(file: string): Promise<CertFacts> {
  const sanOut = await openssl(['x509', '-in', file, '-noout', '-ext', 'subjectAltName']);
  const sans = sanOut.split('\n').slice(1).join(',').split(',').map((s) => s.trim()).filter(Boolean).map((s) => {
    if (s.startsWith('DNS:')) return s;
    if (s.startsWith('IP Address:')) return `IP:${canonicalIp(s.slice('IP Address:'.length))}`;
    return `OTHER:${s}`;
  }).sort();
  const serial = (await openssl(['x509', '-in', file, '-noout', '-serial'])).trim().replace(/^serial=/, '');
  const subject = (await openssl(['x509', '-in', file, '-noout', '-subject', '-nameopt', 'RFC2253'])).trim().replace(/^subject=/, '');
  const dates = await openssl(['x509', '-in', file, '-noout', '-startdate', '-enddate']);
  const date = (key: string) => new Date(/=(.*)$/m.exec(dates.split('\n').find((l) => l.startsWith(key)) ?? '')?.[1] ?? 'invalid');
  const text = await openssl(['x509', '-in', file, '-noout', '-text']);
  return { serial, subject, sans, text, notBefore: date('notBefore'), notAfter: date('notAfter') };
}

/** The line after `header` in `openssl x509 -text` output (the extension's value). */
function extensionValue(text: string, header: string): string {
  const lines = text.split('\n');
  const i = lines.findIndex((l) => l.trim().startsWith(header));
  return i >= 0 ? (lines[i + 1] ?? '').trim() : '';
}

function condition(object: KubeResource | undefined, type: string): { status?: string; reason?: string; message?: string } | undefined {
  return object?.status?.conditions?.find((c: { type: string }) => c.type === type);
}

describe('real cert-manager controller on a real API server', () => {
  const group = new ProcessGroup();
  let dir: string | undefined;
  let client: KubeClient | undefined;
  let kubeconfig = '';
  let controller: ManagedProcess | undefined;
  let caCertPem = '';
  let caCertFile = '';
  const first = clusterPlan(3);
  const ns = first.cluster.namespace;
  const nodeName = first.node.metadata.name;
  const secretName = (first.node as any).spec.secretName as string;

  const kube = (): KubeClient => {
    if (!client) throw new Error('API server not started');
    return client;
  };
  const certPath = (name: string) => resourcePath(CM, 'certificates', ns, name);
  const secretPath = (name: string) => resourcePath('v1', 'secrets', ns, name);
  const apply = (o: KubeObject) => kube().apply(resourcePath(o.apiVersion, `${o.kind.toLowerCase()}s`, ns, o.metadata.name), o, FIELD_MANAGER, true);

  /** Writes a Secret's PEM fields to files under `dir/<label>/`. */
  function writeSecret(secret: KubeResource, label: string): { ca: string; crt: string; key: string; crtPem: string; keyPem: string } {
    const out = path.join(dir!, label);
    fs.mkdirSync(out, { recursive: true });
    const field = (k: string) => Buffer.from(secret.data?.[k] ?? '', 'base64').toString('utf8');
    const files = { ca: path.join(out, 'ca.crt'), crt: path.join(out, 'tls.crt'), key: path.join(out, 'tls.key') };
    fs.writeFileSync(files.ca, field('ca.crt'));
    fs.writeFileSync(files.crt, field('tls.crt'));
    fs.writeFileSync(files.key, field('tls.key'), { mode: 0o600 });
    return { ...files, crtPem: field('tls.crt'), keyPem: field('tls.key') };
  }

  /** Waits until the Certificate is Ready at `revision` and its Secret holds a certificate for exactly `sans`. */
  async function waitIssued(name: string, revision: number, what: string): Promise<{ certificate: KubeResource; secret: KubeResource }> {
    let certificate: KubeResource | undefined;
    let secret: KubeResource | undefined;
    await waitFor(what, async () => {
      certificate = await kube().find(certPath(name));
      if (certificate?.status?.revision !== revision || condition(certificate, 'Ready')?.status !== 'True') return false;
      if (condition(certificate, 'Issuing')) return false;
      secret = await kube().find(secretPath(certificate.spec.secretName));
      return ['ca.crt', 'tls.crt', 'tls.key'].every((k) => (secret?.data?.[k] ?? '').length > 0);
    }, { timeoutMs: ISSUE_TIMEOUT_MS, process: controller }).catch((error: Error) => {
      throw new Error(`${error.message}\nCertificate status: ${JSON.stringify(certificate?.status)}`);
    });
    return { certificate: certificate!, secret: secret! };
  }

  beforeAll(async () => {
    dir = tempDir('cert-manager');
    const tls = path.join(dir, 'pki');
    fs.mkdirSync(tls);
    const file = (name: string) => path.join(tls, name);

    // The API server's own PKI: a serving CA and leaf (ECDSA P-256) and the service-account key (RSA).
    await openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', file('apiserver-ca.key')]);
    await openssl(['req', '-x509', '-new', '-key', file('apiserver-ca.key'), '-subj', '/CN=crosscluster-test-apiserver-ca', '-days', '2',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign', '-out', file('apiserver-ca.crt')]);
    await openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', file('apiserver.key')]);
    await openssl(['req', '-new', '-key', file('apiserver.key'), '-subj', '/CN=kube-apiserver', '-out', file('apiserver.csr')]);
    fs.writeFileSync(file('apiserver.ext'), 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n'
      + 'extendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes.default.svc\n');
    await openssl(['x509', '-req', '-in', file('apiserver.csr'), '-CA', file('apiserver-ca.crt'), '-CAkey', file('apiserver-ca.key'),
      '-CAcreateserial', '-days', '2', '-extfile', file('apiserver.ext'), '-out', file('apiserver.crt')]);
    await openssl(['genrsa', '-out', file('sa.key'), '2048']);
    const token = createHash('sha256').update(`${process.pid}-${Date.now()}-${Math.random()}`).digest('hex');
    fs.writeFileSync(file('tokens.csv'), `${token},crosscluster-admin,crosscluster-admin,"system:masters"\n`, { mode: 0o600 });

    // etcd and kube-apiserver on 127.0.0.1, random high ports.
    const [etcdClient, etcdPeer, apiPort] = [await freePort(), await freePort(), await freePort()];
    let started = Date.now();
    const etcd = group.start('etcd', tool('etcd'), [
      '--name=cmtest', `--data-dir=${path.join(dir, 'etcd')}`, '--unsafe-no-fsync',
      `--listen-client-urls=http://127.0.0.1:${etcdClient}`, `--advertise-client-urls=http://127.0.0.1:${etcdClient}`,
      `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`, `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-cluster=cmtest=http://127.0.0.1:${etcdPeer}`, '--log-level=warn',
    ]);
    await waitFor('etcd health', async () => {
      const res = await fetch(`http://127.0.0.1:${etcdClient}/health`, { signal: AbortSignal.timeout(2_000) });
      return res.ok && ((await res.json()) as { health?: string }).health === 'true';
    }, { timeoutMs: 30_000, process: etcd });
    figures['etcd ready'] = since(started);

    started = Date.now();
    const apiserver = group.start('kube-apiserver', tool('kube-apiserver'), [
      `--etcd-servers=http://127.0.0.1:${etcdClient}`, '--etcd-prefix=/registry-cmtest',
      '--bind-address=127.0.0.1', '--advertise-address=127.0.0.1', `--secure-port=${apiPort}`,
      `--tls-cert-file=${file('apiserver.crt')}`, `--tls-private-key-file=${file('apiserver.key')}`, `--cert-dir=${path.join(dir, 'apiserver-certs')}`,
      `--service-account-key-file=${file('sa.key')}`, `--service-account-signing-key-file=${file('sa.key')}`,
      '--service-account-issuer=https://kubernetes.default.svc', '--api-audiences=https://kubernetes.default.svc',
      `--token-auth-file=${file('tokens.csv')}`, '--authorization-mode=RBAC',
      '--service-cluster-ip-range=10.96.0.0/16', '--enable-priority-and-fairness=false', '--endpoint-reconciler-type=none',
      '--profiling=false',
    ]);
    const caPem = fs.readFileSync(file('apiserver-ca.crt'), 'utf8');
    client = new KubeClient({ server: `https://127.0.0.1:${apiPort}`, token, ca: caPem });
    await waitFor('kube-apiserver /readyz', async () => (await kube().get<string>('/readyz')) === 'ok', { timeoutMs: 120_000, process: apiserver });
    figures['kube-apiserver ready'] = since(started);

    kubeconfig = path.join(dir, 'kubeconfig');
    fs.writeFileSync(kubeconfig, JSON.stringify({
      'apiVersion': 'v1',
      'kind': 'Config',
      'current-context': 'cmtest',
      'clusters': [{ name: 'cmtest', cluster: { 'server': `https://127.0.0.1:${apiPort}`, 'certificate-authority': file('apiserver-ca.crt') } }],
      'users': [{ name: 'admin', user: { token } }],
      'contexts': [{ name: 'cmtest', context: { cluster: 'cmtest', user: 'admin' } }],
    }), { mode: 0o600 });

    started = Date.now();
    await installCertManagerCrds(kubeconfig);
    figures['CRDs applied and established'] = since(started);

    started = Date.now();
    controller = await startCertManager({ kubeconfig, group });
    figures['cert-manager controller ready'] = since(started);

    // The namespace and the CA Secret the library's Issuer names; the CA key exists only in the temp dir.
    await kube().create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    await openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', file('ca.key')]);
    await openssl(['req', '-x509', '-new', '-key', file('ca.key'), '-subj', '/O=crosscluster test/CN=cockroachdb test CA', '-days', '3650',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign', '-out', file('ca.crt')]);
    caCertFile = file('ca.crt');
    caCertPem = fs.readFileSync(caCertFile, 'utf8');
    const caSecretName = (first.issuer as any).spec.ca.secretName as string;
    await kube().create(resourcePath('v1', 'secrets', ns), {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/tls',
      metadata: { name: caSecretName, namespace: ns },
      data: { 'tls.crt': Buffer.from(caCertPem).toString('base64'), 'tls.key': fs.readFileSync(file('ca.key')).toString('base64') },
    });
  }, 300_000);

  afterAll(async () => {
    client?.close();
    await group.stopAll();
    const deaths = group.deaths().filter((d) => !/exited (0|143|130|128):/.test(d.split('\n')[0]));
    if (deaths.length > 0) process.stderr.write(`processes that died:\n${deaths.join('\n')}\n`);
    // CROSSCLUSTER_CLUSTER_LOGS=1 shows the controller's log (its last 64 KiB) after the suite.
    if (process.env.CROSSCLUSTER_CLUSTER_LOGS && controller) process.stderr.write(`cert-manager controller log:\n${controller.output}\n`);
    removeDir(dir);
    process.stdout.write(`cert-manager cluster figures:\n${Object.entries(figures).map(([k, v]) => `  ${k}: ${v}`).join('\n')}\n`);
  }, 30_000);

  test('the CA Issuer of the library becomes Ready', async () => {
    const started = Date.now();
    await apply(first.issuer);
    let issuer: KubeResource | undefined;
    await waitFor('Issuer Ready', async () => {
      issuer = await kube().find(resourcePath(CM, 'issuers', ns, first.issuer.metadata.name));
      return condition(issuer, 'Ready')?.status === 'True';
    }, { timeoutMs: 60_000, process: controller });
    figures['Issuer Ready'] = since(started);
    expect(condition(issuer, 'Ready')).toMatchObject({ status: 'True', reason: 'KeyPairVerified' });
  }, 90_000);

  test('the node Certificate is issued: chains to the CA, exactly the requested SANs, ECDSA P-256', async () => {
    const started = Date.now();
    await apply(first.node);
    const { certificate, secret } = await waitIssued(nodeName, 1, 'node Certificate issued');
    figures['node Certificate issued'] = since(started);
    expect(secret.metadata.name).toBe(secretName);
    const files = writeSecret(secret, 'issued-1');

    // ca.crt is our CA; tls.crt chains to it for both TLS purposes the Certificate asks for.
    expect(fs.readFileSync(files.ca, 'utf8').trim()).toBe(caCertPem.trim());
    for (const purpose of ['sslserver', 'sslclient']) {
      const verified = await openssl(['verify', '-purpose', purpose, '-CAfile', caCertFile, files.crt]);
      expect(verified.trim()).toBe(`${files.crt}: OK`);
    }
    const facts = await certFacts(files.crt);
    expect(facts.sans).toEqual(requestedSans(first.node));
    expect(facts.sans.filter((s) => s.startsWith('DNS:*.'))).not.toHaveLength(0);
    expect(facts.sans.some((s) => s.startsWith('IP:') && s.includes(':', 3))).toBe(true); // ::1
    expect(facts.subject).toBe('CN=node');
    expect(facts.text).toMatch(/Public Key Algorithm: id-ecPublicKey/);
    expect(facts.text).toMatch(/ASN1 OID: prime256v1/);
    expect(extensionValue(facts.text, 'X509v3 Extended Key Usage')).toBe('TLS Web Server Authentication, TLS Web Client Authentication');
    expect(extensionValue(facts.text, 'X509v3 Key Usage')).toBe('Digital Signature, Key Encipherment');
    expect(extensionValue(facts.text, 'X509v3 Basic Constraints')).toBe('CA:FALSE');

    // tls.key is the certificate's key.
    const certPub = await openssl(['x509', '-in', files.crt, '-noout', '-pubkey']);
    const keyPub = await openssl(['pkey', '-in', files.key, '-pubout']);
    expect(keyPub).toBe(certPub);

    // duration and renewBefore of the library reach the certificate and the renewal schedule.
    const spec = (first.node as any).spec;
    const hours = (s: string) => Number(/^(\d+)h$/.exec(s)?.[1] ?? NaN);
    const lifetimeH = (facts.notAfter.getTime() - facts.notBefore.getTime()) / 3_600_000;
    expect(Math.abs(lifetimeH - hours(spec.duration))).toBeLessThan(0.1);
    expect(new Date(certificate.status.notAfter).getTime()).toBe(facts.notAfter.getTime());
    const renewalLeadH = (new Date(certificate.status.notAfter).getTime() - new Date(certificate.status.renewalTime).getTime()) / 3_600_000;
    expect(Math.abs(renewalLeadH - hours(spec.renewBefore))).toBeLessThan(0.1);

    // The request went through the real approver and the CA signer.
    const requests = await kube().list(resourcePath(CM, 'certificaterequests', ns));
    const request = requests.find((r) => r.metadata.annotations?.['cert-manager.io/certificate-name'] === nodeName
      && r.metadata.annotations?.['cert-manager.io/certificate-revision'] === '1');
    expect(condition(request, 'Approved')).toMatchObject({ status: 'True', reason: 'cert-manager.io' });
    expect(condition(request, 'Ready')).toMatchObject({ status: 'True', reason: 'Issued' });
    figures['node certificate serial (revision 1)'] = facts.serial;
  }, 120_000);

  test('a manual renewal (the Issuing condition, as `cmctl renew` sets it) reissues into the same Secret with a new key', async () => {
    const before = await kube().get(secretPath(secretName));
    const old = writeSecret(before, 'before-renewal');
    const oldFacts = await certFacts(old.crt);

    // cmctl renew: set Issuing=True (reason ManuallyTriggered) on the status subresource with an update.
    const certificate = await kube().get(certPath(nodeName));
    const conditions = (certificate.status?.conditions ?? []).filter((c: { type: string }) => c.type !== 'Issuing');
    conditions.push({
      type: 'Issuing',
      status: 'True',
      reason: 'ManuallyTriggered',
      message: 'Certificate re-issuance manually triggered',
      lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      observedGeneration: certificate.metadata.generation,
    });
    const started = Date.now();
    await kube().request('PUT', `${certPath(nodeName)}/status`, { ...certificate, status: { ...certificate.status, conditions } });
    const { secret } = await waitIssued(nodeName, 2, 'renewed node Certificate');
    figures['manual renewal'] = since(started);

    const renewed = writeSecret(secret, 'renewed');
    const facts = await certFacts(renewed.crt);
    expect(secret.metadata.name).toBe(secretName);
    expect(secret.metadata.uid).toBe(before.metadata.uid); // the same Secret object, updated in place
    expect(facts.serial).not.toBe(oldFacts.serial);
    expect(renewed.crtPem).not.toBe(old.crtPem);
    expect(renewed.keyPem).not.toBe(old.keyPem); // rotationPolicy Always
    expect(facts.sans).toEqual(oldFacts.sans);
    expect((await openssl(['verify', '-CAfile', caCertFile, renewed.crt])).trim()).toBe(`${renewed.crt}: OK`);
    figures['node certificate serial (revision 2)'] = facts.serial;
  }, 120_000);

  test('a SAN change in the Certificate spec (a fourth node) is reissued with exactly the new SANs', async () => {
    const grown = clusterPlan(4);
    expect(grown.node.metadata.name).toBe(nodeName);
    const added = requestedSans(grown.node).filter((s) => !requestedSans(first.node).includes(s));
    expect(added.length).toBeGreaterThan(0);
    const before = await kube().get(secretPath(secretName));
    const oldSerial = (await certFacts(writeSecret(before, 'before-san-change').crt)).serial;

    const started = Date.now();
    await apply(grown.node);
    const { secret } = await waitIssued(nodeName, 3, 'reissued node Certificate');
    figures['reissue after SAN change'] = since(started);

    const files = writeSecret(secret, 'san-change');
    const facts = await certFacts(files.crt);
    expect(facts.sans).toEqual(requestedSans(grown.node));
    expect(facts.serial).not.toBe(oldSerial);
    expect(secret.metadata.uid).toBe(before.metadata.uid);
    expect((await openssl(['verify', '-CAfile', caCertFile, files.crt])).trim()).toBe(`${files.crt}: OK`);
    figures['SANs added by the fourth node'] = added.join(' ');
  }, 120_000);

  test('a SelfSigned Issuer issues a CA certificate', async () => {
    const selfSigned = { apiVersion: CM, kind: 'Issuer', metadata: { name: 'bootstrap', namespace: ns }, spec: { selfSigned: {} } };
    const rootCa = {
      apiVersion: CM,
      kind: 'Certificate',
      metadata: { name: 'bootstrap-ca', namespace: ns },
      spec: {
        secretName: 'bootstrap-ca',
        isCA: true,
        commonName: 'bootstrap CA',
        duration: '87600h',
        privateKey: { algorithm: 'ECDSA', size: 256 },
        issuerRef: { name: 'bootstrap', kind: 'Issuer', group: 'cert-manager.io' },
      },
    };
    const started = Date.now();
    await apply(selfSigned as KubeObject);
    await apply(rootCa as KubeObject);
    const { secret } = await waitIssued('bootstrap-ca', 1, 'self-signed CA Certificate issued');
    figures['SelfSigned CA issued'] = since(started);
    const files = writeSecret(secret, 'self-signed');
    const facts = await certFacts(files.crt);
    expect(facts.subject).toBe('CN=bootstrap CA');
    expect(extensionValue(facts.text, 'X509v3 Basic Constraints')).toBe('CA:TRUE');
    expect((await openssl(['verify', '-CAfile', files.crt, files.crt])).trim()).toBe(`${files.crt}: OK`);
    expect(fs.readFileSync(files.ca, 'utf8')).toBe(fs.readFileSync(files.crt, 'utf8'));
  }, 120_000);

  test('the controller is still running and reported no API errors it could not recover from', () => {
    expect(controller?.running).toBe(true);
    expect(controller?.output ?? '').not.toMatch(/forbidden|the server could not find the requested resource/i);
  });
});
