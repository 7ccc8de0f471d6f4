// Invariant 1 with real components: certificates issued by openssl exactly as the synthesized
// cert-manager Certificates specify them, one mutual-TLS server per cluster on its own loopback
// address, and every address a peer dials verified by a real handshake with hostname verification
// (node's tls and openssl s_client), plus negative controls.
import { X509Certificate } from 'crypto';
import { Deployment, hostOf, ofKind, single, synthesize, TLS_CASES } from './support/deployments';
import { IssuedCert, OpensslPki, TestCa } from './support/pki';
import { loopbackBase, removeDir, tempDir } from './support/processes';
import { mapLimit, nodeHandshake, NodeTlsServer, opensslHandshake, startNodeServer } from './support/tls';
import { advertiseKey, isCoveredBySans, KubeObject } from 'crosscluster';

const PORT = 26257;
const BASE = loopbackBase(1);
const stats = { certificates: 0, handshakes: 0, rejected: 0 };

let dir: string;
let pki: OpensslPki;
let ca: TestCa;
let foreignCa: TestCa;

beforeAll(async () => {
  dir = tempDir('tls');
  pki = new OpensslPki(dir);
  ca = await pki.createCa('shared-ca');
  foreignCa = await pki.createCa('foreign-ca');
});

afterAll(() => {
  removeDir(dir);
  // eslint-disable-next-line no-console
  console.log(`TLS e2e: ${stats.certificates} certificates issued with openssl, ${stats.handshakes} verified handshakes, ${stats.rejected} rejected as expected`);
});

/** An address a peer dials and the cluster whose node certificate must cover it. */
interface Dial {
  readonly name: string;
  readonly owner: string;
  readonly why: string;
}

/** Every address a peer dials, read from the synthesized YAML, with the cluster that owns it. */
function dialSet(d: Deployment): Dial[] {
  const dials: Dial[] = [];
  const advertised = new Map<string, string>();
  const joins = new Set<string>();
  for (const c of d.plan.clusters) {
    const config = single(d.objects[c.name], 'ConfigMap', c.names.topologyConfigMap);
    joins.add(config.data.join);
    for (const pod of c.pods) {
      const host = config.data[advertiseKey(pod.name)];
      expect(host).toBeDefined();
      advertised.set(host.toLowerCase(), c.name);
      dials.push({ name: host, owner: c.name, why: `advertise address of ${c.name}/${pod.name}` });
    }
    const service = single(d.objects[c.name], 'Service', c.names.publicService);
    for (const name of [service.metadata.name, `${service.metadata.name}.${c.namespace}`, `${service.metadata.name}.${c.namespace}.svc`, `${service.metadata.name}.${c.namespace}.svc.${c.clusterDomain}`]) {
      dials.push({ name, owner: c.name, why: `public service name of ${c.name}` });
    }
  }
  // The join list is the same string in every cluster, and each entry is some pod's advertise address.
  expect(joins.size).toBe(1);
  for (const entry of [...joins][0].split(',')) {
    const host = hostOf(entry);
    const owner = advertised.get(host.toLowerCase());
    if (!owner) throw new Error(`join entry ${entry} is no pod's advertise address`);
    dials.push({ name: host, owner, why: `join entry ${entry}` });
  }
  return dials;
}

describe.each(TLS_CASES)('TLS: $name', (kase) => {
  let d: Deployment;
  const nodeCerts = new Map<string, IssuedCert>();
  const rootCerts = new Map<string, IssuedCert>();
  const servers = new Map<string, NodeTlsServer>();
  const hostOfCluster = new Map<string, string>();
  const caseIndex = TLS_CASES.indexOf(kase);

  beforeAll(async () => {
    d = synthesize(kase);
    for (const [i, c] of d.plan.clusters.entries()) {
      const objects = d.objects[c.name];
      const node = single(objects, 'Certificate', c.names.nodeSecret);
      const root = single(objects, 'Certificate', c.names.clientSecret);
      nodeCerts.set(c.name, await pki.issueFromCertificate(ca, node.spec, `case${caseIndex}-${c.name}-node`));
      rootCerts.set(c.name, await pki.issueFromCertificate(ca, root.spec, `case${caseIndex}-${c.name}-root`));
      stats.certificates += 2;
      const host = `127.${BASE}.${caseIndex * 16 + i + 1}.1`;
      hostOfCluster.set(c.name, host);
      servers.set(c.name, await startNodeServer(c.name, [host], PORT, ca, nodeCerts.get(c.name)!));
    }
  });

  afterAll(async () => {
    await Promise.all([...servers.values()].map((s) => s.close()));
  });

  test('cdk8s synthesizes exactly the renderers\' objects', () => {
    for (const c of d.plan.clusters) {
      const key = (o: KubeObject) => `${o.apiVersion}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
      // cdk8s omits empty metadata maps; nothing else may differ.
      const meta = (o: KubeObject) => Object.fromEntries(Object.entries(o.metadata).filter(([, v]) => !(typeof v === 'object' && Object.keys(v as object).length === 0)));
      const byKey = (list: readonly KubeObject[]) => Object.fromEntries(list.map((o) => [key(o), { ...o, metadata: meta(o) }]));
      expect(byKey(d.objects[c.name])).toEqual(byKey(d.rendered[c.name]));
    }
  });

  test('one shared CA: every cluster\'s Issuer uses the same CA Secret, every Certificate references that Issuer', () => {
    const secrets = new Set<string>();
    for (const c of d.plan.clusters) {
      const issuers = ofKind(d.objects[c.name], 'Issuer');
      expect(issuers).toHaveLength(1);
      expect(issuers[0].metadata.namespace).toBe(c.namespace);
      secrets.add(issuers[0].spec.ca.secretName);
      const certificates = ofKind(d.objects[c.name], 'Certificate');
      expect(certificates).toHaveLength(2);
      for (const cert of certificates) {
        expect(cert.metadata.namespace).toBe(c.namespace);
        expect(cert.spec.issuerRef).toEqual({ name: issuers[0].metadata.name, kind: 'Issuer', group: 'cert-manager.io' });
      }
    }
    expect(secrets.size).toBe(1);
  });

  test('certificates are what CockroachDB needs: node CN node (server+client auth), root CN root (client auth), ECDSA P-256, chain to the shared CA', async () => {
    for (const c of d.plan.clusters) {
      const node = nodeCerts.get(c.name)!;
      const root = rootCerts.get(c.name)!;
      const nodeX = new X509Certificate(node.certPem);
      const rootX = new X509Certificate(root.certPem);
      expect(nodeX.subject).toBe('CN=node');
      expect(rootX.subject).toBe('CN=root');
      expect(nodeX.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
      expect(rootX.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
      expect(nodeX.verify(new X509Certificate(ca.certPem).publicKey)).toBe(true);
      const nodeText = await pki.describe(node.certFile);
      expect(nodeText).toMatch(/TLS Web Server Authentication, TLS Web Client Authentication/);
      expect(nodeText).toMatch(/CA:FALSE/);
      const rootText = await pki.describe(root.certFile);
      expect(rootText).toMatch(/X509v3 Extended Key Usage:\s*\n\s*TLS Web Client Authentication\s*\n/);
      // openssl verify with the purposes TLS checks: node as server and as client, root as client only.
      expect(await pki.verify(ca, node.certFile, 'sslserver')).toMatchObject({ ok: true });
      expect(await pki.verify(ca, node.certFile, 'sslclient')).toMatchObject({ ok: true });
      expect(await pki.verify(ca, root.certFile, 'sslclient')).toMatchObject({ ok: true });
      expect((await pki.verify(ca, root.certFile, 'sslserver')).ok).toBe(false);
      expect((await pki.verify(foreignCa, node.certFile, 'sslserver')).ok).toBe(false);
      // The SANs in the issued certificate are exactly the plan's SANs.
      const sans = (nodeX.subjectAltName ?? '').split(', ').map(canonicalSan).sort();
      const expected = [...c.nodeCertSans.dnsNames.map((n) => `DNS:${n}`), ...c.nodeCertSans.ipAddresses.map((ip) => `IP Address:${ip}`)].map(canonicalSan).sort();
      expect(sans).toEqual(expected);
    }
  });

  test('every join entry, advertise address and public service name verifies from every peer (node tls and openssl s_client, mutual TLS)', async () => {
    const dials = dialSet(d);
    expect(dials.length).toBeGreaterThan(0);
    const jobs = d.plan.clusters.flatMap((peer) => dials.map((dial) => ({ peer: peer.name, dial })));
    const failures: string[] = [];
    await mapLimit(jobs, 4, async ({ peer, dial }) => {
      // Precondition from the library's own matcher, then the real thing.
      expect(isCoveredBySans(dial.name, d.plan.clusters.find((c) => c.name === dial.owner)!.nodeCertSans)).toBe(true);
      const host = hostOfCluster.get(dial.owner)!;
      const viaNode = await nodeHandshake(host, PORT, dial.name, ca, nodeCerts.get(peer));
      const viaOpenssl = await opensslHandshake(pki.openssl, host, PORT, dial.name, ca, nodeCerts.get(peer));
      for (const [tool, r] of [['node tls', viaNode], ['openssl', viaOpenssl]] as const) {
        if (r.ok && r.detail === `${dial.owner} node`) stats.handshakes++;
        else failures.push(`${tool}: ${peer} -> ${dial.name} (${dial.why}): ${r.detail}`);
      }
    });
    expect(failures).toEqual([]);
  });

  test('the root client certificate authenticates to every cluster under its public service names', async () => {
    const failures: string[] = [];
    for (const dial of dialSet(d).filter((x) => x.why.startsWith('public'))) {
      const r = await nodeHandshake(hostOfCluster.get(dial.owner)!, PORT, dial.name, ca, rootCerts.get(dial.owner));
      if (r.ok && r.detail === `${dial.owner} root`) stats.handshakes++;
      else failures.push(`root -> ${dial.name}: ${r.detail}`);
    }
    expect(failures).toEqual([]);
  });

  test('negative controls: names outside the plan, another cluster\'s names, a foreign CA, a missing or wrong client cert', async () => {
    const openssl = pki.openssl;
    const expectRejected = async (what: string, host: string, name: string, trust: TestCa, client: IssuedCert | undefined, port = PORT) => {
      const viaNode = await nodeHandshake(host, port, name, trust, client);
      const viaOpenssl = await opensslHandshake(openssl, host, port, name, trust, client);
      stats.rejected += 2;
      expect({ what, node: viaNode.ok, openssl: viaOpenssl.ok }).toEqual({ what, node: false, openssl: false });
    };
    for (const [i, c] of d.plan.clusters.entries()) {
      const host = hostOfCluster.get(c.name)!;
      const peer = nodeCerts.get(d.plan.clusters[(i + 1) % d.plan.clusters.length].name)!;
      const outside = [
        `${c.pods[0].name}.${c.names.headlessService}.not-${c.namespace}.svc.${c.clusterDomain}`,
        `extra.${c.pods[0].name}.${c.names.headlessService}.${c.serviceDomain}`,
        `${c.names.headlessService}.${c.serviceDomain}`,
        'cockroachdb.example.com',
        '10.255.255.254',
        'fd00:ffff::1',
      ];
      for (const other of d.plan.clusters.filter((o) => o.name !== c.name)) {
        const foreignName = other.pods[0].advertiseHost;
        if (!isCoveredBySans(foreignName, c.nodeCertSans)) outside.push(foreignName);
      }
      for (const name of outside) {
        expect(isCoveredBySans(name, c.nodeCertSans)).toBe(false);
        await expectRejected(`${c.name} server verified as ${name}`, host, name, ca, peer);
      }
      const planned = c.pods[0].advertiseHost;
      // A client that trusts another CA rejects the real server.
      await expectRejected(`${c.name} against a foreign CA`, host, planned, foreignCa, peer);
      // The server rejects a client without a certificate.
      expect((await nodeHandshake(host, PORT, planned, ca, undefined)).ok).toBe(false);
      stats.rejected++;
    }
    // A server with a node certificate of another CA (same SANs) is rejected by every peer; a
    // client presenting such a certificate is rejected by the server.
    const c = d.plan.clusters[0];
    const impostor = await pki.issueFromCertificate(foreignCa, single(d.objects[c.name], 'Certificate', c.names.nodeSecret).spec, `case${caseIndex}-impostor`);
    const nodeSpec = single(d.objects[c.name], 'Certificate', c.names.nodeSecret).spec;
    const without = (usage: string) => ({ ...nodeSpec, usages: nodeSpec.usages.filter((u: string) => u !== usage) });
    const noServerAuth = await pki.issueFromCertificate(ca, without('server auth'), `case${caseIndex}-no-server-auth`);
    const noClientAuth = await pki.issueFromCertificate(ca, without('client auth'), `case${caseIndex}-no-client-auth`);
    const impostorHost = `127.${BASE}.${caseIndex * 16 + 15}.1`;
    const impostorServer = await startNodeServer('impostor', [impostorHost], PORT, ca, impostor);
    const noServerAuthHost = `127.${BASE}.${caseIndex * 16 + 15}.2`;
    const noServerAuthServer = await startNodeServer('no-server-auth', [noServerAuthHost], PORT, ca, noServerAuth);
    try {
      await expectRejected('server certificate from a foreign CA', impostorHost, c.pods[0].advertiseHost, ca, nodeCerts.get(c.name));
      // The usages matter: without serverAuth the same SANs do not make a server certificate ...
      await expectRejected('node certificate without server auth', noServerAuthHost, c.pods[0].advertiseHost, ca, nodeCerts.get(c.name));
    } finally {
      await impostorServer.close();
      await noServerAuthServer.close();
    }
    // ... and without clientAuth a node cannot dial its peers.
    expect((await nodeHandshake(hostOfCluster.get(c.name)!, PORT, c.pods[0].advertiseHost, ca, noClientAuth)).ok).toBe(false);
    stats.rejected++;
    const viaNode = await nodeHandshake(hostOfCluster.get(c.name)!, PORT, c.pods[0].advertiseHost, ca, impostor);
    expect(viaNode.ok).toBe(false);
    stats.rejected++;
  });
});

/** `DNS:x` stays; `IP Address:<ip>` gets its IP in one canonical form (IPv6 expanded, lower case). */
function canonicalSan(san: string): string {
  const m = /^IP Address:(.*)$/.exec(san);
  if (!m || !m[1].includes(':')) return san;
  const [head, tail] = m[1].toLowerCase().split('::');
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const groups = tail !== undefined ? [...h, ...new Array<string>(8 - h.length - t.length).fill('0'), ...t] : h;
  return `IP Address:${groups.map((g) => g.replace(/^0+(?=.)/, '')).join(':')}`;
}
