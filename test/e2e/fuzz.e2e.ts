// Property-based checks against the real components (test/core/property.test.ts covers the pure
// invariants and the schema for thousands of topologies; this suite adds what only a real
// implementation can say):
// 1. differential: for random topologies, the library's own SAN matcher (isCoveredBySans) agrees
//    with OpenSSL's X509_check_host / X509_check_ip on a certificate openssl issued from the
//    rendered Certificate, for every planned address and for near-miss mutations of them;
// 2. every random DNS-chain topology's generated Corefile loads in the pinned CoreDNS and serves
//    its cluster's records.
import { X509Certificate } from 'crypto';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import * as fc from 'fast-check';
import { corefileForTest, dnsObjects, Endpoint, query, startCoreDns, writeFile, zoneFile, clusterRecords } from './support/dns';
import { OpensslPki, TestCa } from './support/pki';
import { dnsPort, E2E_HOME, loopbackBase, ProcessGroup, removeDir, requireTool, tempDir } from './support/processes';
import {
  allObjects, ClusterSpec, DeploymentPlan, isCoveredBySans, Networking, planDeployment, renderDeployment, Tls, TopologyError, TopologyInput,
} from 'crosscluster';

const BASE = loopbackBase(4);
const label = fc.stringMatching(/^[a-z][a-z0-9]{0,6}(-[a-z0-9]{1,4})?$/);
const octet = (min: number, max: number) => fc.integer({ min, max });
const ipv4 = fc.tuple(octet(1, 223), octet(0, 255), octet(0, 255), octet(1, 254))
  .map((o) => o.join('.'));
const ipv6 = fc.tuple(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 1, max: 0xffff })).map(([a, b]) => `fd00:${a.toString(16)}::${b.toString(16)}`);
const dnsName = fc.tuple(label, label, fc.constantFrom('example.com', 'db.example.org', 'internal')).map((p) => p.join('.'));
const address = fc.oneof(ipv4, ipv6, dnsName);

const cluster = fc.record({
  name: label,
  cloud: fc.constantFrom('gcp', 'aws', 'azure', 'generic'),
  region: label,
  nodes: fc.integer({ min: 1, max: 6 }),
  namespace: fc.option(label, { nil: undefined }),
  clusterDomain: fc.option(fc.constantFrom('cluster.local', 'east.example', 'k8s.corp.internal'), { nil: undefined }),
  dns: fc.option(fc.constantFrom('kube-dns', 'coredns'), { nil: undefined }),
});

const topology = fc
  .tuple(
    fc.uniqueArray(cluster, { minLength: 1, maxLength: 4, selector: (c) => c.name }),
    fc.boolean(),
    fc.array(address, { minLength: 24, maxLength: 24 }),
    fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
  )
  .map(([clusters, dnsChain, addresses, tcpOnly]) => {
    // What the cloud profiles and allow-lists need: disjoint CIDRs per cluster, an NLB subnet holding
    // every IPv4 address on AWS, private load balancers on generic clusters.
    const specs = (clusters as ClusterSpec[]).map((c, i): ClusterSpec => ({
      ...c,
      podCidrs: [`100.${64 + i}.0.0/16`],
      nodeCidrs: [`192.168.${i}.0/24`],
      ...(c.cloud === 'aws' ? { eks: { subnets: { [`${c.region}-a`]: { id: 'subnet-0a000001', cidr: '0.0.0.0/0' } } } } : {}),
      ...(c.cloud === 'generic' ? { generic: { privateLoadBalancers: true } } : {}),
    }));
    let next = 0;
    const networking = dnsChain
      ? Networking.dnsChain({
        dnsAddresses: Object.fromEntries(specs.map((c, i) => [c.name, `10.250.${i}.53`])),
        tcpOnlyClusters: specs.filter((_, i) => tcpOnly[i]).map((c) => c.name),
      })
      : Networking.perPodLoadBalancers({
        // An internal NLB takes private IPv4 addresses: IPv6 ones become names on AWS clusters.
        addresses: Object.fromEntries(specs.map((c) => [c.name, Array.from({ length: c.nodes }, () => addresses[next++ % addresses.length])
          .map((a, k) => (c.cloud === 'aws' && a.includes(':') ? `v6-${k}.${c.name}.example.com` : a))])),
      });
    return { clusters: specs, networking, tls: Tls.certManager() } as TopologyInput;
  });

/** Plans a topology, or returns undefined for one the library rejects (with a TopologyError only). */
function planOrUndefined(input: TopologyInput): DeploymentPlan | undefined {
  try {
    return planDeployment(input, { engine: 'cdk8s' });
  } catch (error) {
    if (error instanceof TopologyError) return undefined;
    throw error;
  }
}

/** Near misses of a planned address: another label in front, the first label removed, changed case, another form of the IP. */
function mutations(name: string): string[] {
  if (name.includes(':')) return [expandV6(name), name.toUpperCase(), name.replace(/[0-9a-f]$/, (d) => (d === '1' ? '2' : '1'))];
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) return [name.replace(/\d+$/, (d) => String((Number(d) % 254) + 1)), `${name}.example.com`];
  const labels = name.split('.');
  return [`x.${name}`, labels.slice(1).join('.'), name.toUpperCase(), `${labels[0]}x.${labels.slice(1).join('.')}`, `*.${labels.slice(1).join('.')}`];
}

/** `fd00:1::2` → `fd00:0001:0000:0000:0000:0000:0000:0002`. */
function expandV6(ip: string): string {
  const [head, tail] = ip.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  return [...h, ...new Array<string>(8 - h.length - t.length).fill('0'), ...t].map((g) => g.padStart(4, '0')).join(':');
}

let dir: string;
let pki: OpensslPki;
let ca: TestCa;
let group: ProcessGroup;

beforeAll(async () => {
  dir = tempDir('fuzz');
  pki = new OpensslPki(dir);
  ca = await pki.createCa('fuzz-ca');
  group = new ProcessGroup();
});

afterAll(async () => {
  await group?.stopAll();
  removeDir(dir);
});

test('isCoveredBySans agrees with OpenSSL\'s X509_check_host/X509_check_ip on openssl-issued certificates of random topologies', async () => {
  const samples = fc.sample(topology, { numRuns: 60, seed: 20261121 });
  let issued = 0;
  let compared = 0;
  const disagreements: string[] = [];
  for (const [n, input] of samples.entries()) {
    const plan = planOrUndefined(input);
    if (!plan) continue;
    const rendered = renderDeployment(plan);
    // One cluster per topology (rotating), to keep the openssl work bounded.
    const c = plan.clusters[n % plan.clusters.length];
    const spec = (allObjects(rendered.find((m) => m.cluster === c.name)!).find((o) => o.kind === 'Certificate' && o.metadata.name === c.names.nodeSecret) as any).spec;
    const cert = new X509Certificate((await pki.issueFromCertificate(ca, spec, `fuzz-${n}`)).certPem);
    issued++;
    const planned = [
      ...c.pods.map((p) => p.advertiseHost),
      ...c.pods.map((p) => p.fqdn),
      `${c.names.publicService}.${c.serviceDomain}`,
      ...plan.clusters.filter((o) => o !== c).flatMap((o) => o.pods.map((p) => p.advertiseHost)),
    ];
    for (const name of [...planned, ...planned.flatMap(mutations)]) {
      const ours = isCoveredBySans(name, c.nodeCertSans);
      const ip = net.isIP(name) !== 0;
      const theirs = ip
        ? cert.checkIP(name) !== undefined
        : cert.checkHost(name, { subject: 'never', wildcards: true, partialWildcards: false, multiLabelWildcards: false, singleLabelSubdomains: false }) !== undefined;
      compared++;
      if (ours !== theirs) disagreements.push(`${name}: isCoveredBySans=${ours}, OpenSSL=${theirs} (SANs ${cert.subjectAltName})`);
    }
  }
  expect(disagreements).toEqual([]);
  expect(issued).toBeGreaterThan(30);
  // eslint-disable-next-line no-console
  console.log(`fuzz: ${issued} openssl certificates from random topologies, ${compared} names compared with OpenSSL, 0 disagreements`);
}, 300_000);

test('the Corefile of every random DNS-chain topology loads in CoreDNS and serves its cluster\'s records', async () => {
  const coredns = requireTool('coredns', [path.join(E2E_HOME, 'bin')]);
  const port = await dnsPort(`127.${BASE}.255.53`);
  const samples = fc.sample(topology.filter((t) => t.networking.kind === 'dnsChain'), { numRuns: 150, seed: 20261122 });
  let loaded = 0;
  for (const [n, input] of samples.entries()) {
    if (loaded >= 6) break;
    const plan = planOrUndefined(input);
    const c = plan?.clusters.find((x) => ['corefile', 'eks-coredns-addon'].includes(x.profile.dnsForwarding) && plan.clusters.length > 1);
    if (!plan || !c) continue;
    const { configMap } = dnsObjects(allObjects(renderDeployment(plan).find((m) => m.cluster === c.name)!));
    const endpoint: Endpoint = { host: `127.${BASE}.${n + 1}.53`, port };
    const lbToResolver = new Map<string, Endpoint>(plan.clusters.flatMap((o, i) => o.dnsAddresses.map((a) => [a, { host: `127.${BASE}.200.${i + 1}`, port }] as const)));
    const records = clusterRecords(c, (ordinal) => `127.${BASE}.${n + 1}.${10 + ordinal}`, `127.${BASE}.${n + 1}.100`);
    const clusterDir = path.join(dir, `coredns-${n}`);
    fs.mkdirSync(clusterDir);
    const zone = writeFile(clusterDir, `db.${c.clusterDomain}`, zoneFile(c.clusterDomain, endpoint.host, records));
    const { corefile } = corefileForTest(configMap.data.Corefile, { endpoint, zoneFile: zone, upstream: { host: `127.${BASE}.255.53`, port }, lbToResolver });
    const p = await startCoreDns(group, coredns, `coredns fuzz ${n}`, writeFile(clusterDir, 'Corefile', corefile), { host: endpoint.host, port: 8181 }, endpoint);
    try {
      const r = await query(endpoint, c.pods[c.pods.length - 1].fqdn);
      expect({ corefile: configMap.data.Corefile, status: r.status, addresses: r.addresses })
        .toEqual({ corefile: configMap.data.Corefile, status: 'NOERROR', addresses: [`127.${BASE}.${n + 1}.${10 + c.pods.length - 1}`] });
    } finally {
      await p.stop(300);
    }
    loaded++;
  }
  expect(loaded).toBe(6);
  // eslint-disable-next-line no-console
  console.log(`fuzz: ${loaded} random generated Corefiles loaded and served by CoreDNS`);
}, 300_000);
