// Invariant 1 for the direct-path strategies with real components.
//
// Networking.podIps: each pod's certificate is obtained exactly as the pod obtains it: the pod's
// `node-certificate` init container script runs in sh with the pod's downward-API environment; the
// Certificate it applies (captured from its request) is issued by openssl as cert-manager's CA
// issuer would; the script then writes the key pair where cockroach reads it. One mutual-TLS server
// per pod, with the files the script wrote; every address a peer dials (each pod's IPs, its names,
// every join load-balancer address, which may land on any pod of its cluster, the public names) is
// dialed from the other clusters' pod identities, verified by node's tls and openssl s_client.
//
// Networking.hostNetwork: each cluster's node certificate as the synthesized Certificate says; one
// server per listed node; every listed address and join entry dialed from the other clusters.
import { X509Certificate } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { IssuedCert, OpensslPki, TestCa } from './support/pki';
import { loopbackBase, removeDir, tempDir } from './support/processes';
import { mapLimit, nodeHandshake, NodeTlsServer, opensslHandshake, startNodeServer } from './support/tls';
import { topology as hostTopology } from '../../examples/host-network/main';
import { topology as podTopology } from '../../examples/pod-ips/main';
import { StubBin } from '../support/stub-cockroach';
import {
  allObjects, ClusterPlan, DeploymentPlan, isCoveredBySans, KubeObject, planDeployment, podCertificateScript, renderDeployment, stripPort,
} from 'crosscluster';

const PORT = 26257;
const BASE = loopbackBase(5);
const stats = { certificates: 0, handshakes: 0, rejected: 0 };

let dir: string;
let pki: OpensslPki;
let ca: TestCa;
let foreignCa: TestCa;

beforeAll(async () => {
  dir = tempDir('direct-tls');
  pki = new OpensslPki(dir);
  ca = await pki.createCa('shared-ca');
  foreignCa = await pki.createCa('foreign-ca');
});

afterAll(() => {
  removeDir(dir);
  // eslint-disable-next-line no-console
  console.log(`direct-path TLS e2e: ${stats.certificates} certificates, ${stats.handshakes} verified handshakes, ${stats.rejected} rejected as expected`);
});

type Obj = Record<string, any>;

/** One simulated pod: its identity, its pod IPs, and where its server listens. */
interface Pod {
  readonly cluster: ClusterPlan;
  readonly name: string;
  readonly ips: readonly string[];
  readonly host: string;
  cert?: IssuedCert;
  server?: NodeTlsServer;
}

/**
 * Obtains a pod's certificate the way the pod does: runs its init container script with sh, a
 * cert-manager stand-in behind curl (Ready once the certificate is issued), and openssl issuing
 * exactly the Certificate the script applied. Returns the files the script wrote.
 */
async function obtainPodCertificate(
  plan: DeploymentPlan, objects: readonly KubeObject[], pod: Pod, index: number,
): Promise<{ cert: IssuedCert; applied: Obj }> {
  const stubs = new StubBin();
  try {
    const sts = objects.find((o) => o.kind === 'StatefulSet') as Obj;
    const container = sts.spec.template.spec.initContainers.find((c: Obj) => c.name === 'node-certificate');
    let script = podCertificateScript(plan, pod.cluster);
    const mounts = [...container.volumeMounts].sort((a: Obj, b: Obj) => b.mountPath.length - a.mountPath.length);
    const root = path.join(stubs.dir, 'pod');
    for (const m of mounts) {
      fs.mkdirSync(path.join(root, m.name), { recursive: true });
      script = script.split(m.mountPath).join(path.join(root, m.name));
    }
    // The mounted volumes: the pod's token, the client certificate and CA (the `certs` projection), the topology.
    fs.writeFileSync(path.join(root, 'node-reader-token', 'token'), 'pod-token');
    fs.writeFileSync(path.join(root, 'node-reader-token', 'ca.crt'), 'api-ca');
    for (const f of ['ca.crt', 'client.root.crt', 'client.root.key']) fs.writeFileSync(path.join(root, 'certs', f), f === 'ca.crt' ? ca.certPem : `${f}\n`);
    const topology = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'cockroachdb-topology') as Obj;
    for (const [key, value] of Object.entries(topology.data as Record<string, string>)) fs.writeFileSync(path.join(root, 'topology', key), value);
    stubs.stub('curl', [
      'respond() {',
      '  local url="" body="" prev=""',
      '  for a in "$@"; do [ "$prev" = --data-binary ] && body="$a"; case "$a" in https://kubernetes.default.svc/*) url="$a" ;; esac; prev="$a"; done',
      '  case "$url" in',
      '    *certificates/*fieldManager=*) printf \'%s\' "$body" > "$STATE/applied.json"; echo \'{"metadata":{"generation": 1}}\' ;;',
      '    *certificates/*) if [ -e "$STATE/secret.json" ]; then echo \'{"status":{"conditions":[{"observedGeneration":1,"status":"True","type":"Ready"}]}}\'; else echo \'{"status":{}}\'; fi ;;',
      '    *secrets/*) cat "$STATE/secret.json" ;;',
      '  esac',
      '}',
    ].join('\n'));
    // The first run stops at its first wait: the Certificate is applied, not issued yet.
    stubs.stub('sleep', '[ -e "$STATE/secret.json" ] || kill -TERM "$PPID"; respond() { :; }');
    const file = path.join(stubs.dir, 'script.sh');
    fs.writeFileSync(file, script);
    const env = { POD_NAME: pod.name, POD_NAMESPACE: pod.cluster.namespace, POD_UID: `uid-${index}`, POD_IPS: pod.ips.join(',') };
    stubs.run(`exec sh ${file}`, 30_000, env);
    const applied = JSON.parse(fs.readFileSync(path.join(stubs.dir, 'applied.json'), 'utf8'));
    // cert-manager's CA issuer, played by openssl: exactly the spec the pod applied.
    const issued = await pki.issueFromCertificate(ca, applied.spec, `pod-${pod.cluster.name}-${pod.name}`);
    stats.certificates++;
    fs.writeFileSync(path.join(stubs.dir, 'secret.json'), JSON.stringify({
      data: { 'ca.crt': Buffer.from(ca.certPem).toString('base64'), 'tls.crt': Buffer.from(issued.certPem).toString('base64'), 'tls.key': Buffer.from(issued.keyPem).toString('base64') },
    }));
    const second = stubs.run(`exec sh ${file}`, 30_000, env);
    if (second.status !== 0) throw new Error(`the pod's certificate script failed: ${second.stderr}`);
    // What cockroach reads: the files the script wrote.
    const certs = path.join(root, 'node-cert');
    const keep = path.join(dir, `written-${pod.cluster.name}-${pod.name}`);
    fs.mkdirSync(keep);
    for (const f of ['node.crt', 'node.key', 'ca.crt']) fs.copyFileSync(path.join(certs, f), path.join(keep, f));
    return {
      applied,
      cert: {
        certFile: path.join(keep, 'node.crt'),
        keyFile: path.join(keep, 'node.key'),
        certPem: fs.readFileSync(path.join(keep, 'node.crt'), 'utf8'),
        keyPem: fs.readFileSync(path.join(keep, 'node.key'), 'utf8'),
      },
    };
  } finally {
    stubs.remove();
  }
}

async function expectRejected(what: string, host: string, name: string, trust: TestCa, client: IssuedCert | undefined): Promise<void> {
  const viaNode = await nodeHandshake(host, PORT, name, trust, client);
  const viaOpenssl = await opensslHandshake(pki.openssl, host, PORT, name, trust, client);
  stats.rejected += 2;
  expect({ what, node: viaNode.ok, openssl: viaOpenssl.ok }).toEqual({ what, node: false, openssl: false });
}

describe('Networking.podIps: per-pod certificates, as the pods obtain them', () => {
  let plan: DeploymentPlan;
  let objects: Record<string, KubeObject[]>;
  const pods: Pod[] = [];
  const appliedSpecs = new Map<Pod, Obj>();

  beforeAll(async () => {
    plan = planDeployment({ ...podTopology, tls: podTopology.tls! }, { engine: 'cdk8s' });
    objects = Object.fromEntries(renderDeployment(plan).map((m) => [m.cluster, allObjects(m)]));
    plan.clusters.forEach((cluster, c) => {
      const base = cluster.podCidrs[0].split('/')[0].split('.').slice(0, 2).join('.');
      cluster.pods.forEach((p, i) => pods.push({
        cluster,
        name: p.name,
        // Pod IPs from the cluster's pod range; the first cluster's pods are dual-stack.
        ips: [`${base}.${7 + c}.${10 + i}`, ...(c === 0 ? [`fd00:${c + 1}::${10 + i}`] : [])],
        host: `127.${BASE}.${c + 1}.${i + 1}`,
      }));
    });
    for (const [i, pod] of pods.entries()) {
      const { cert, applied } = await obtainPodCertificate(plan, objects[pod.cluster.name], pod, i);
      expect(applied.metadata).toMatchObject({ name: `${pod.name}-node`, namespace: pod.cluster.namespace, ownerReferences: [{ kind: 'Pod', name: pod.name, uid: `uid-${i}` }] });
      pod.cert = cert;
      appliedSpecs.set(pod, applied.spec);
      pod.server = await startNodeServer(`${pod.cluster.name}/${pod.name}`, [pod.host], PORT, ca, cert);
    }
  });

  afterAll(async () => {
    await Promise.all(pods.map((p) => p.server?.close()));
  });

  test('each certificate is what CockroachDB needs: CN node, server and client auth, P-256, exactly the SANs the pod asked for (its IPs, its names, its join address), from the shared CA', async () => {
    for (const pod of pods) {
      const x509 = new X509Certificate(pod.cert!.certPem);
      expect(x509.subject).toBe('CN=node');
      expect(x509.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
      const text = await pki.describe(pod.cert!.certFile);
      expect(text).toMatch(/TLS Web Server Authentication, TLS Web Client Authentication/);
      const spec = appliedSpecs.get(pod)!;
      const sans = (x509.subjectAltName ?? '').split(', ').map(canonicalSan).sort();
      const asked = [...spec.dnsNames.map((n: string) => `DNS:${n}`), ...spec.ipAddresses.map((ip: string) => `IP Address:${ip}`)].map(canonicalSan).sort();
      expect(sans).toEqual(asked);
      for (const ip of [...pod.ips, ...pod.cluster.joinLoadBalancer!.addresses]) expect(asked).toContain(canonicalSan(`IP Address:${ip}`));
      expect(await pki.verify(ca, pod.cert!.certFile, 'sslserver')).toMatchObject({ ok: true });
      expect(await pki.verify(ca, pod.cert!.certFile, 'sslclient')).toMatchObject({ ok: true });
    }
  });

  test('every address a peer dials verifies from every other cluster\'s pod identity (node tls and openssl s_client, mutual TLS)', async () => {
    const join = (objects[plan.clusters[0].name].find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'cockroachdb-topology') as Obj).data.join.split(',');
    const dials: Array<{ name: string; servers: Pod[]; why: string }> = [];
    for (const pod of pods) {
      for (const ip of pod.ips) dials.push({ name: ip, servers: [pod], why: `advertise address of ${pod.name}` });
      dials.push({ name: `${pod.name}.cockroachdb.${pod.cluster.serviceDomain}`, servers: [pod], why: 'the pod\'s FQDN (the init Job dials pod 0)' });
    }
    for (const cluster of plan.clusters) {
      const mine = pods.filter((p) => p.cluster === cluster);
      dials.push({ name: `cockroachdb-public.${cluster.namespace}`, servers: mine, why: 'public Service' });
      // A join entry reaches whichever pod the load balancer picks: every pod must answer to it.
      for (const entry of join.filter((e: string) => cluster.joinLoadBalancer!.addresses.includes(stripPort(e)))) {
        dials.push({ name: stripPort(entry), servers: mine, why: `join entry ${entry}` });
      }
    }
    expect(dials.filter((d) => d.why.startsWith('join')).map((d) => d.name).sort()).toEqual(join.map(stripPort).sort());
    const jobs = dials.flatMap((dial) => dial.servers.flatMap((server) => plan.clusters
      .filter((c) => c !== server.cluster)
      .map((peer) => ({ dial, server, client: pods.find((p) => p.cluster === peer)! }))));
    const failures: string[] = [];
    await mapLimit(jobs, 4, async ({ dial, server, client }) => {
      const viaNode = await nodeHandshake(server.host, PORT, dial.name, ca, client.cert);
      const viaOpenssl = await opensslHandshake(pki.openssl, server.host, PORT, dial.name, ca, client.cert);
      for (const [tool, r] of [['node tls', viaNode], ['openssl', viaOpenssl]] as const) {
        if (r.ok && r.detail === `${server.cluster.name}/${server.name} node`) stats.handshakes++;
        else failures.push(`${tool}: ${client.cluster.name}/${client.name} -> ${dial.name} at ${server.name} (${dial.why}): ${r.detail}`);
      }
    });
    expect(failures).toEqual([]);
  });

  test('negative controls: a pod is not its sibling, nor another cluster\'s join address, nor its own old IP; a foreign CA or no client certificate fails', async () => {
    for (const cluster of plan.clusters) {
      const [a, b] = pods.filter((p) => p.cluster === cluster);
      const peer = pods.find((p) => p.cluster !== cluster)!;
      await expectRejected(`${a.name} as its sibling's IP`, a.host, b.ips[0], ca, peer.cert);
      await expectRejected(`${a.name} as its sibling's FQDN`, a.host, `${b.name}.cockroachdb.${cluster.serviceDomain}`, ca, peer.cert);
      const other = plan.clusters.find((c) => c !== cluster)!;
      await expectRejected(`${a.name} as ${other.name}'s join address`, a.host, other.joinLoadBalancer!.addresses[0], ca, peer.cert);
      // Rescheduled: a certificate issued for yesterday's IP does not cover today's.
      await expectRejected(`${a.name} as an IP it does not have`, a.host, `${a.ips[0].split('.').slice(0, 3).join('.')}.250`, ca, peer.cert);
      await expectRejected(`${a.name} trusted through a foreign CA`, a.host, a.ips[0], foreignCa, peer.cert);
      expect((await nodeHandshake(a.host, PORT, a.ips[0], ca, undefined)).ok).toBe(false);
      stats.rejected++;
      for (const name of [b.ips[0], other.joinLoadBalancer!.addresses[0]]) {
        expect(isCoveredBySans(name, { dnsNames: [], ipAddresses: a.ips })).toBe(false);
      }
    }
  });
});

describe('Networking.hostNetwork: the node certificate covers every listed node', () => {
  let plan: DeploymentPlan;
  const servers: Array<{ cluster: ClusterPlan; node: string; address: string; host: string; server: NodeTlsServer; cert: IssuedCert }> = [];

  beforeAll(async () => {
    plan = planDeployment({ ...hostTopology, tls: hostTopology.tls! }, { engine: 'cdk8s' });
    const manifests = renderDeployment(plan);
    for (const [c, cluster] of plan.clusters.entries()) {
      const certificate = allObjects(manifests[c]).find((o) => o.kind === 'Certificate' && o.metadata.name === 'cockroachdb-node') as Obj;
      const cert = await pki.issueFromCertificate(ca, certificate.spec, `host-${cluster.name}`);
      stats.certificates++;
      for (const [i, node] of cluster.hostNetwork!.nodes.entries()) {
        const host = `127.${BASE}.${100 + c}.${i + 1}`;
        const server = await startNodeServer(`${cluster.name}/${node.name}`, [host], PORT, ca, cert);
        servers.push({ cluster, node: node.name, address: node.address, host, cert, server });
      }
    }
  });

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.server.close()));
  });

  test('every listed address (IP or DNS name), which is every join entry and every advertise address, verifies from every other cluster', async () => {
    expect(plan.joinAddresses.map(stripPort).every((a) => servers.some((s) => s.address === a))).toBe(true);
    const jobs = servers.flatMap((s) => plan.clusters.filter((c) => c !== s.cluster)
      .map((peer) => ({ s, client: servers.find((x) => x.cluster === peer)! })));
    const failures: string[] = [];
    await mapLimit(jobs, 4, async ({ s, client }) => {
      for (const [tool, r] of [
        ['node tls', await nodeHandshake(s.host, PORT, s.address, ca, client.cert)],
        ['openssl', await opensslHandshake(pki.openssl, s.host, PORT, s.address, ca, client.cert)],
      ] as const) {
        if (r.ok && r.detail === `${s.cluster.name}/${s.node} node`) stats.handshakes++;
        else failures.push(`${tool}: ${client.cluster.name} -> ${s.address} (${s.node}): ${r.detail}`);
      }
    });
    expect(failures).toEqual([]);
  });

  test('negative controls: a node is never another cluster\'s node address', async () => {
    for (const s of servers.filter((x) => x.node.endsWith('-1'))) {
      const other = servers.find((x) => x.cluster !== s.cluster)!;
      await expectRejected(`${s.node} as ${other.address}`, s.host, other.address, ca, other.cert);
    }
  });
});

/** `IP Address:<ip>` with the IP in one form (IPv6 fully expanded, lower case); `DNS:x` as it is. */
function canonicalSan(san: string): string {
  const m = /^IP Address:(.*)$/.exec(san);
  if (!m || !m[1].includes(':')) return san;
  const [head, tail] = m[1].toLowerCase().split('::');
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const groups = tail !== undefined ? [...h, ...new Array<string>(8 - h.length - t.length).fill('0'), ...t] : h;
  return `IP Address:${groups.map((g) => g.replace(/^0+(?=.)/, '')).join(':')}`;
}
