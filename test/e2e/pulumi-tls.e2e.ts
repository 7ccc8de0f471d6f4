// Invariant 1 for the Pulumi flavour: the arguments MultiRegionCockroach passes to @pulumi/tls
// (PrivateKey, CertRequest, LocallySignedCert), captured under pulumi.runtime.setMocks with the
// load-balancer addresses flowing from the mocked Services, are turned into real certificates with
// openssl; every join entry, advertise address and public service name from the component's
// outputs must pass a real mutual-TLS handshake with hostname verification.
import { hostOf } from './support/deployments';
import { IssuedCert, OpensslPki, TestCa } from './support/pki';
import { loopbackBase, removeDir, tempDir } from './support/processes';
import { mapLimit, nodeHandshake, NodeTlsServer, opensslHandshake, startNodeServer } from './support/tls';
import { Recorded, settle, startMocks, unwrapSecrets, valueOf } from '../pulumi/mock-engine';
import { withNetworks } from '../support/topologies';
import { isCoveredBySans } from 'crosscluster';

const BASE = loopbackBase(3);
const PORT = 26257;

interface PulumiCase {
  readonly key: string;
  readonly name: string;
  readonly clusters: ReadonlyArray<{ name: string; cloud: 'gcp' | 'aws' | 'azure'; region: string; nodes: number }>;
  readonly dnsChain: boolean;
}

const CASES: PulumiCase[] = [
  {
    key: 'pp',
    name: 'per-pod load balancers, addresses from the Services (IPs and AWS hostnames)',
    clusters: [
      { name: 'us-east', cloud: 'gcp', region: 'us-east1', nodes: 3 },
      { name: 'eu-west', cloud: 'aws', region: 'eu-west-1', nodes: 3 },
      { name: 'ap-south', cloud: 'azure', region: 'centralindia', nodes: 4 },
    ],
    dnsChain: false,
  },
  {
    key: 'dc',
    name: 'DNS chain',
    clusters: [
      { name: 'east', cloud: 'gcp', region: 'us-east1', nodes: 3 },
      { name: 'west', cloud: 'aws', region: 'us-west-2', nodes: 5 },
    ],
    dnsChain: true,
  },
];

let recorded: Recorded[];
let dir: string;
let pki: OpensslPki;
let ca: TestCa;
const components = new Map<string, import('../../lib/pulumi').MultiRegionCockroach>();
const stats = { handshakes: 0, rejected: 0 };

beforeAll(async () => {
  recorded = await startMocks();
  const k8s = await import('@pulumi/kubernetes');
  const { MultiRegionCockroach, Networking, Tls } = await import('../../lib/pulumi');
  for (const kase of CASES) {
    const component = new MultiRegionCockroach(`${kase.key}-crdb`, {
      clusters: withNetworks(kase.clusters).map((c) => ({ ...c, provider: new k8s.Provider(`${kase.key}-${c.name}`, { kubeconfig: `kubeconfig-${c.name}` }) })),
      networking: kase.dnsChain
        ? Networking.dnsChain({ dnsAddresses: Object.fromEntries(kase.clusters.map((c, i) => [c.name, `10.9${i}.0.53`])) })
        : Networking.perPodLoadBalancers(),
      tls: Tls.generated(),
    });
    components.set(kase.key, component);
    await valueOf(component.joinAddresses);
    for (const c of kase.clusters) await valueOf(component.certs!.nodeCertPems[c.name]);
  }
  await settle();
  dir = tempDir('pulumi-tls');
  pki = new OpensslPki(dir);
  ca = await pki.createCa('pulumi-ca');
}, 120_000);

afterAll(() => {
  removeDir(dir);
  // eslint-disable-next-line no-console
  console.log(`Pulumi TLS e2e: ${stats.handshakes} verified handshakes with certificates issued from the captured @pulumi/tls inputs, ${stats.rejected} rejected as expected`);
});

/** The one recorded resource of a type whose name is `<prefix>...<suffix>`. */
function captured(type: string, prefix: string, suffix: string): Record<string, any> {
  const found = recorded.filter((r) => r.type === type && r.name.startsWith(prefix) && r.name.endsWith(suffix));
  if (found.length !== 1) throw new Error(`expected one ${type} named ${prefix}*${suffix}, found ${found.map((r) => r.name).join(', ') || 'none'}`);
  return unwrapSecrets(found[0].inputs);
}

describe.each(CASES)('Pulumi TLS: $name', (kase) => {
  const caseIndex = CASES.indexOf(kase);
  const nodeCerts = new Map<string, IssuedCert>();
  const nodeSans = new Map<string, { dnsNames: string[]; ipAddresses: string[] }>();
  const servers: NodeTlsServer[] = [];
  const hostOfCluster = new Map<string, string>();
  let rootCert: IssuedCert;
  let dials: Array<{ name: string; owner: string; why: string }>;

  beforeAll(async () => {
    const component = components.get(kase.key)!;
    const prefix = `${kase.key}-crdb`;
    for (const [i, c] of kase.clusters.entries()) {
      const key = captured('tls:index/privateKey:PrivateKey', prefix, `-${c.name}-node-key`);
      const csr = captured('tls:index/certRequest:CertRequest', prefix, `-${c.name}-node-csr`);
      const signed = captured('tls:index/locallySignedCert:LocallySignedCert', prefix, `-${c.name}-node-cert`);
      nodeSans.set(c.name, { dnsNames: csr.dnsNames ?? [], ipAddresses: csr.ipAddresses ?? [] });
      nodeCerts.set(c.name, await pki.issueFromPulumi(ca, key, csr, signed, `${kase.key}-${c.name}-node`));
      const host = `127.${BASE}.${caseIndex * 16 + i + 1}.1`;
      hostOfCluster.set(c.name, host);
      servers.push(await startNodeServer(c.name, [host], PORT, ca, nodeCerts.get(c.name)!));
    }
    rootCert = await pki.issueFromPulumi(
      ca,
      captured('tls:index/privateKey:PrivateKey', prefix, '-client-root-key'),
      captured('tls:index/certRequest:CertRequest', prefix, '-client-root-csr'),
      captured('tls:index/locallySignedCert:LocallySignedCert', prefix, '-client-root-cert'),
      `${kase.key}-root`,
    );
    // What peers dial, from the component's outputs.
    const advertise = await valueOf(component.advertiseAddresses);
    const joins = await valueOf(component.joinAddresses);
    const info = await valueOf(component.clusters);
    dials = [];
    const owners = new Map<string, string>();
    for (const c of kase.clusters) {
      for (const [ordinal, host] of advertise[c.name].entries()) {
        owners.set(host, c.name);
        dials.push({ name: host, owner: c.name, why: `advertise address of ${c.name}/${ordinal}` });
      }
      const { namespace, publicService } = info[c.name];
      for (const name of [publicService, `${publicService}.${namespace}`, `${publicService}.${namespace}.svc`, `${publicService}.${namespace}.svc.cluster.local`]) {
        dials.push({ name, owner: c.name, why: `public service name of ${c.name}` });
      }
    }
    for (const entry of joins) {
      const owner = owners.get(hostOf(entry));
      if (!owner) throw new Error(`join entry ${entry} is no pod's advertise address`);
      dials.push({ name: hostOf(entry), owner, why: `join entry ${entry}` });
    }
  }, 120_000);

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });

  test('the captured inputs ask for ECDSA P-256 keys, CN node with server+client auth, CN root with client auth', () => {
    const prefix = `${kase.key}-crdb`;
    for (const c of kase.clusters) {
      expect(captured('tls:index/privateKey:PrivateKey', prefix, `-${c.name}-node-key`)).toEqual({ algorithm: 'ECDSA', ecdsaCurve: 'P256' });
      expect(captured('tls:index/certRequest:CertRequest', prefix, `-${c.name}-node-csr`).subject.commonName).toBe('node');
      expect(captured('tls:index/locallySignedCert:LocallySignedCert', prefix, `-${c.name}-node-cert`).allowedUses).toEqual(expect.arrayContaining(['server_auth', 'client_auth']));
    }
    expect(captured('tls:index/certRequest:CertRequest', prefix, '-client-root-csr').subject.commonName).toBe('root');
    const rootUses = captured('tls:index/locallySignedCert:LocallySignedCert', prefix, '-client-root-cert').allowedUses;
    expect(rootUses).toContain('client_auth');
    expect(rootUses).not.toContain('server_auth');
  });

  test('every join entry, advertise address and public service name verifies from every peer (node tls and openssl)', async () => {
    const jobs = kase.clusters.flatMap((peer) => dials.map((dial) => ({ peer: peer.name, dial })));
    const failures: string[] = [];
    await mapLimit(jobs, 4, async ({ peer, dial }) => {
      expect(isCoveredBySans(dial.name, nodeSans.get(dial.owner)!)).toBe(true);
      const host = hostOfCluster.get(dial.owner)!;
      for (const [tool, r] of [
        ['node tls', await nodeHandshake(host, PORT, dial.name, ca, nodeCerts.get(peer))],
        ['openssl', await opensslHandshake(pki.openssl, host, PORT, dial.name, ca, nodeCerts.get(peer))],
      ] as const) {
        if (r.ok && r.detail === `${dial.owner} node`) stats.handshakes++;
        else failures.push(`${tool}: ${peer} -> ${dial.name} (${dial.why}): ${r.detail}`);
      }
    });
    expect(failures).toEqual([]);
  });

  test('the root client certificate authenticates under the public names; other clusters\' addresses are rejected', async () => {
    for (const dial of dials.filter((x) => x.why.startsWith('public'))) {
      const r = await nodeHandshake(hostOfCluster.get(dial.owner)!, PORT, dial.name, ca, rootCert);
      expect({ name: dial.name, detail: r.detail }).toEqual({ name: dial.name, detail: `${dial.owner} root` });
      stats.handshakes++;
    }
    for (const dial of dials.filter((x) => x.why.startsWith('advertise'))) {
      for (const other of kase.clusters.filter((c) => c.name !== dial.owner)) {
        if (isCoveredBySans(dial.name, nodeSans.get(other.name)!)) continue;
        const viaNode = await nodeHandshake(hostOfCluster.get(other.name)!, PORT, dial.name, ca, nodeCerts.get(dial.owner));
        const viaOpenssl = await opensslHandshake(pki.openssl, hostOfCluster.get(other.name)!, PORT, dial.name, ca, nodeCerts.get(dial.owner));
        expect({ name: dial.name, at: other.name, node: viaNode.ok, openssl: viaOpenssl.ok })
          .toEqual({ name: dial.name, at: other.name, node: false, openssl: false });
        stats.rejected += 2;
      }
    }
  });
});
