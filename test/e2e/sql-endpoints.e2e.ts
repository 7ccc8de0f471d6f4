// Client endpoints with real components. A pinned CoreDNS with its `view` plugin stands in for the
// geo-aware DNS service, generated from the records file cdk8s writes: a client in each region's range
// gets that region's load balancer for the global name, and another region's once its records are
// withdrawn. Each region's SQL stand-in serves its node certificate (issued with openssl exactly as the
// synthesized cert-manager Certificate says) behind the PostgreSQL TLS upgrade; psql (libpq) with the
// generated connection string, node's tls and openssl s_client verify every SQL name and address a
// client uses, resolved through the stand-in DNS, against the CA clients are given.
import { ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { Endpoint, query, startCoreDns, writeFile } from './support/dns';
import { ClientRangeEdit, geoCorefile, geoZoneFile, mapClientRanges, RecordsDocument, viewRecords } from './support/geo-dns';
import { IssuedCert, OpensslPki, TestCa } from './support/pki';
import { nodeSqlHandshake, opensslSqlHandshake, psqlHandshake, SqlStandIn, startSqlStandIn } from './support/postgres-tls';
import { dnsPort, E2E_HOME, loopbackBase, ManagedProcess, ProcessGroup, removeDir, requireTool, run, tempDir, waitFor } from './support/processes';
import { topology as exampleTopology } from '../../examples/sql-endpoints/main';
import { validateKubeObjects } from '../support/kube-schema';
import { KubeObject } from 'crosscluster';
import { MultiRegionCockroach, MultiRegionCockroachProps, Networking, SqlEndpoints, SQL_RECORDS_FILE, Tls } from 'crosscluster/cdk8s';

const BASE = loopbackBase(6);
const SQL_PORT = 26257;
const stats = { cases: 0, views: 0, queries: 0, failovers: 0, handshakes: 0, psql: 0, rejections: 0 };

let dir: string;
let group: ProcessGroup;
let pki: OpensslPki;
let ca: TestCa;
let otherCa: TestCa;
let coredns: string;
let psql: string;
let digBinary: string;
let dnsPortNumber: number;

/** Three EKS/GKE clusters with Route 53: the EKS regions behind the global name (aliases to NLBs with pinned IPs), GKE by its regional name. */
function route53Case(caFile: string): MultiRegionCockroachProps {
  const subnets = (prefix: string, zones: string[]) => Object.fromEntries(zones.map((z, i) => [z, { id: `subnet-${prefix}00000${i + 1}`, cidr: `10.${prefix}.${16 * i}.0/20` }]));
  return {
    clusters: [
      { name: 'gke-us-east1', cloud: 'gcp', region: 'us-east1', nodes: 3, nodeCidrs: ['10.10.0.0/20'], podCidrs: ['10.12.0.0/14'] },
      { name: 'eks-eu-west-1', cloud: 'aws', region: 'eu-west-1', nodes: 3, nodeCidrs: ['10.40.0.0/16'], podCidrs: ['100.64.0.0/16'], eks: { subnets: subnets('40', ['eu-west-1a', 'eu-west-1b']) } },
      { name: 'eks-us-east-2', cloud: 'aws', region: 'us-east-2', nodes: 3, nodeCidrs: ['10.50.0.0/16'], podCidrs: ['100.65.0.0/16'], eks: { subnets: subnets('50', ['us-east-2a']) } },
    ],
    networking: Networking.dnsChain({
      dnsAddresses: { 'gke-us-east1': '10.10.15.250', 'eks-eu-west-1': ['10.40.15.250', '10.40.31.250'], 'eks-us-east-2': '10.50.15.250' },
    }),
    tls: Tls.certManager(),
    survivalGoal: 'region',
    sqlEndpoints: SqlEndpoints.route53({
      zone: 'crdb.internal.example',
      globalClusters: ['eks-eu-west-1', 'eks-us-east-2'],
      addresses: {
        'gke-us-east1': '10.10.15.240',
        'eks-eu-west-1': { address: '10.40.15.240', awsPrivateIps: ['10.40.15.240', '10.40.31.240'] },
        'eks-us-east-2': { address: '10.50.15.240', awsPrivateIps: ['10.50.15.240'] },
      },
      externalDns: true,
      sslRootCert: caFile,
    }),
  };
}

/** What AWS answers for an alias to an internal NLB: its private IPs, as its Service pins them. */
function nlbAddresses(service: KubeObject): string[] | undefined {
  const ips = service.metadata.annotations?.['service.beta.kubernetes.io/aws-load-balancer-private-ipv4-addresses'];
  return ips?.split(',');
}

interface Synthesized {
  readonly db: MultiRegionCockroach;
  readonly doc: RecordsDocument;
  /** Per cluster: its objects as synthesized. */
  readonly objects: Record<string, KubeObject[]>;
}

function synthesize(props: MultiRegionCockroachProps, outdir: string): Synthesized {
  const app = new App({ outdir });
  const db = new MultiRegionCockroach(app, 'cockroachdb', props);
  app.synth();
  const file = db.sqlEndpoints!.writeRecords(outdir);
  expect(path.basename(file)).toBe(SQL_RECORDS_FILE);
  const objects = Object.fromEntries(props.clusters.map((c) => [c.name, parseAllDocuments(fs.readFileSync(path.join(outdir, `${c.name}.k8s.yaml`), 'utf8'))
    .map((d) => d.toJSON()).filter((o) => o !== null) as KubeObject[]]));
  return { db, doc: JSON.parse(fs.readFileSync(file, 'utf8')), objects };
}

beforeAll(async () => {
  coredns = requireTool('coredns', [path.join(E2E_HOME, 'bin')]);
  psql = requireTool('psql');
  digBinary = requireTool('dig');
  dir = tempDir('sql');
  group = new ProcessGroup();
  dnsPortNumber = await dnsPort(`127.${BASE}.255.53`);
  pki = new OpensslPki(dir);
  ca = await pki.createCa('shared-ca');
  otherCa = await pki.createCa('other-ca');
}, 60_000);

afterAll(async () => {
  await group?.stopAll();
  removeDir(dir);
  // eslint-disable-next-line no-console
  console.log(`SQL endpoints e2e: ${stats.cases} deployments, ${stats.views} CoreDNS views, ${stats.queries} answers checked, ${stats.failovers} failovers, `
    + `${stats.handshakes} verified handshakes (node tls and openssl), ${stats.psql} psql connections with the generated connection strings, ${stats.rejections} rejections`);
});

const CASES = [
  {
    name: 'examples/sql-endpoints: three GKE regions, Cloud DNS',
    props: (caFile: string) => ({
      ...exampleTopology,
      sqlEndpoints: SqlEndpoints.cloudDns({ ...exampleTopology.sqlEndpoints!.cloudDns!, sslRootCert: caFile }),
    }),
  },
  { name: 'GKE and two EKS regions, Route 53 (aliases to NLBs with two addresses)', props: route53Case },
];

describe.each(CASES)('$name', (kase) => {
  const caseIndex = CASES.indexOf(kase);
  const octet = (i: number) => caseIndex * 16 + i + 1;
  let s: Synthesized;
  let resolver: Endpoint;
  let server: ManagedProcess;
  let caseDir: string;
  let edits: ClientRangeEdit[];
  let generated: string;
  const withdrawn = new Set<string>();
  /** Per cluster: its load balancer's addresses as the DNS service answers; each maps to a loopback address of the region's stand-in. */
  const lbAddresses = new Map<string, string[]>();
  const lbToLoopback = new Map<string, string>();
  /** Per cluster: the loopback address its clients query and connect from. */
  const clientOf = new Map<string, string>();
  const standIns: SqlStandIn[] = [];
  const certs = new Map<string, IssuedCert>();
  let serial = 1;

  const zoneFileOf = (view: string) => path.join(caseDir, `${view}.zone`);
  const writeZones = () => {
    serial++;
    for (const view of [...s.doc.regions.map((r) => r.cluster), 'default']) {
      fs.writeFileSync(zoneFileOf(view), geoZoneFile(s.doc, viewRecords(s.doc, view === 'default' ? undefined : view, lbAddresses, withdrawn), serial));
    }
  };
  const ask = async (cluster: string | undefined, name: string) => {
    const source = cluster === undefined ? `127.${BASE}.${octet(15)}.9` : clientOf.get(cluster)!;
    stats.queries++;
    return query(resolver, name, 2_000, 1, source);
  };

  beforeAll(async () => {
    caseDir = path.join(dir, `case${caseIndex}`);
    fs.mkdirSync(caseDir);
    s = synthesize(kase.props(ca.certFile), path.join(caseDir, 'dist'));
    stats.cases++;
    resolver = { host: `127.${BASE}.${octet(0)}.53`, port: dnsPortNumber };
    const ranges = new Map<string, string>();
    s.doc.regions.forEach((region, i) => {
      const service = s.objects[region.cluster].find((o) => o.kind === 'Service' && o.metadata.name === 'cockroachdb-sql')!;
      // The load balancer's addresses as the DNS service answers: the A record's, or what AWS answers for the NLB alias.
      lbAddresses.set(region.cluster, nlbAddresses(service) ?? [String((service as any).spec.loadBalancerIP)]);
      lbAddresses.get(region.cluster)!.forEach((ip, j) => lbToLoopback.set(ip, `127.${BASE}.${octet(i + 1)}.${10 + j}`));
      for (const cidr of region.clientRanges) ranges.set(cidr, `127.${BASE}.${octet(i + 1)}.128/25`);
      clientOf.set(region.cluster, `127.${BASE}.${octet(i + 1)}.200`);
    });
    writeZones();
    generated = geoCorefile(s.doc, { bind: resolver.host, port: resolver.port, zoneFile: zoneFileOf });
    const mapped = mapClientRanges(generated, ranges);
    edits = mapped.edits;
    const corefile = writeFile(caseDir, 'Corefile', `${mapped.corefile}.:${resolver.port} {\n    bind ${resolver.host}\n    ready ${resolver.host}:8181\n}\n`);
    server = await startCoreDns(group, coredns, `coredns ${kase.name}`, corefile, { host: resolver.host, port: 8181 });
    stats.views += s.doc.regions.length;
    // Each region's node certificate, issued exactly as its synthesized Certificate says; its stand-in on its load balancer's addresses.
    for (const [i, region] of s.doc.regions.entries()) {
      const spec = s.objects[region.cluster].find((o) => o.kind === 'Certificate' && o.metadata.name === 'cockroachdb-node')!.spec as Record<string, any>;
      const cert = await pki.issueFromCertificate(ca, spec, `case${caseIndex}-${i}-node`);
      certs.set(region.cluster, cert);
      standIns.push(await startSqlStandIn(region.cluster, lbAddresses.get(region.cluster)!.map((ip) => lbToLoopback.get(ip)!), SQL_PORT, cert));
    }
  }, 120_000);

  afterAll(async () => {
    await Promise.all(standIns.map((x) => x.close()));
    await server?.stop();
  });

  test('the synthesized objects are valid, and the records file holds the addresses the Services are pinned to', () => {
    validateKubeObjects(Object.values(s.objects).flat());
    for (const region of s.doc.regions) expect([region.cluster, [...region.addresses]]).toEqual([region.cluster, lbAddresses.get(region.cluster)]);
    // Undoing the recorded edits gives back the Corefile generated from the records file.
    let undone = fs.readFileSync(path.join(caseDir, 'Corefile'), 'utf8');
    undone = undone.slice(0, undone.lastIndexOf(`.:${resolver.port} {`));
    for (const edit of edits) undone = undone.replace(`'${edit.to}'`, `'${edit.from}'`);
    expect(undone).toBe(generated);
    expect(edits.length).toBe(s.doc.regions.reduce((n, r) => n + r.clientRanges.length, 0));
  });

  test('a client in each region\'s range gets that region for the global name (or the nearest behind it); every regional name its own region', async () => {
    for (const region of s.doc.regions) {
      const global = await ask(region.cluster, s.doc.global.name);
      const expected = region.behindGlobalName ? region.cluster : s.doc.global.clusters[0];
      expect([region.cluster, global.status, global.addresses]).toEqual([region.cluster, 'NOERROR', [...lbAddresses.get(expected)!].sort()]);
      for (const other of s.doc.regions) {
        const answer = await ask(region.cluster, other.name);
        expect([region.cluster, other.name, answer.addresses]).toEqual([region.cluster, other.name, [...lbAddresses.get(other.cluster)!].sort()]);
      }
    }
    // A client of no region's range gets the default view; a name outside the plan does not exist.
    expect((await ask(undefined, s.doc.global.name)).addresses).toEqual([...lbAddresses.get(s.doc.global.clusters[0])!].sort());
    expect((await ask(s.doc.regions[0].cluster, `nope.${s.doc.zone}`)).status).toBe('NXDOMAIN');
  });

  test('the answers carry the records\' TTL and come over TCP too', async () => {
    const region = s.doc.regions[0];
    const viaDig = await run(digBinary, [
      '-b', clientOf.get(region.cluster)!, `@${resolver.host}`, '-p', String(resolver.port), '+tries=1', '+time=2', '+tcp', '+noall', '+answer', s.doc.global.name, 'A',
    ], { timeoutMs: 5_000 });
    const lines = viaDig.stdout.trim().split('\n');
    expect(lines.length).toBe(lbAddresses.get(region.behindGlobalName ? region.cluster : s.doc.global.clusters[0])!.length);
    for (const line of lines) expect(line.split(/\s+/)[1]).toBe(String(s.doc.ttl));
    stats.queries++;
  });

  test('every SQL name and address a client uses verifies, resolved through the stand-in DNS: psql with the generated connection string, node tls, openssl', async () => {
    const openssl = pki.openssl;
    for (const region of s.doc.regions) {
      const client = region.cluster;
      const names = [region.name, ...(region.behindGlobalName ? [s.doc.global.name] : [])];
      for (const name of names) {
        const answer = await ask(client, name);
        expect(answer.addresses.length).toBeGreaterThan(0);
        for (const ip of answer.addresses) {
          const loopback = lbToLoopback.get(ip)!;
          const node = await nodeSqlHandshake(loopback, SQL_PORT, name, ca);
          const ossl = await opensslSqlHandshake(openssl, loopback, SQL_PORT, name, ca);
          expect([name, ip, node.ok, node.detail.includes(`stand-in of ${region.cluster}`), ossl.ok]).toEqual([name, ip, true, true, true]);
          stats.handshakes += 2;
        }
        const endpoints = s.db.sqlEndpoints!;
        const connection = name === s.doc.global.name ? endpoints.global.connectionString : endpoints.regions[region.cluster].connectionString;
        expect(connection).toContain(`sslmode=verify-full&sslrootcert=${ca.certFile}`);
        const viaPsql = await psqlHandshake(psql, connection, lbToLoopback.get(answer.addresses[0])!);
        expect([connection, viaPsql]).toEqual([connection, { ok: true, detail: region.cluster }]);
        stats.psql++;
      }
      // Each of the load balancer's addresses, dialed by IP.
      for (const ip of lbAddresses.get(region.cluster)!) {
        const node = await nodeSqlHandshake(lbToLoopback.get(ip)!, SQL_PORT, ip, ca);
        const ossl = await opensslSqlHandshake(openssl, lbToLoopback.get(ip)!, SQL_PORT, ip, ca);
        expect([ip, node.ok, ossl.ok]).toEqual([ip, true, true]);
        stats.handshakes += 2;
      }
    }
  });

  test('refused by every client: another region\'s name or address, a name outside the plan, a client trusting another CA', async () => {
    const openssl = pki.openssl;
    const [first, second] = s.doc.regions;
    const target = lbToLoopback.get(lbAddresses.get(second.cluster)![0])!;
    const wrong = [first.name, lbAddresses.get(first.cluster)![0], `other.${s.doc.zone}`, ...(second.behindGlobalName ? [] : [s.doc.global.name])];
    for (const name of wrong) {
      const node = await nodeSqlHandshake(target, SQL_PORT, name, ca);
      const ossl = await opensslSqlHandshake(openssl, target, SQL_PORT, name, ca);
      expect([name, node.ok, ossl.ok]).toEqual([name, false, false]);
      stats.rejections += 2;
    }
    expect((await nodeSqlHandshake(target, SQL_PORT, second.name, otherCa)).ok).toBe(false);
    expect((await opensslSqlHandshake(openssl, target, SQL_PORT, second.name, otherCa)).ok).toBe(false);
    // psql with the right connection string, sent to another region's load balancer: verify-full refuses it.
    const refused = await psqlHandshake(psql, s.db.sqlEndpoints!.regions[first.cluster].connectionString, target);
    expect(refused.ok).toBe(false);
    expect(refused.detail).toMatch(/does not match host name|certificate/);
    stats.rejections += 5;
  });

  test('withdrawing a region\'s records: its clients get another region for the global name, which verifies; its own name stays its own', async () => {
    const members = s.doc.global.clusters;
    const gone = members[0];
    withdrawn.add(gone);
    writeZones();
    (server.child as ChildProcess).kill('SIGUSR1');
    const next = members.find((c) => !withdrawn.has(c))!;
    await waitFor('the global name moved', async () => (await ask(gone, s.doc.global.name)).addresses.join() === [...lbAddresses.get(next)!].sort().join(), { timeoutMs: 15_000, process: server });
    stats.failovers++;
    for (const region of s.doc.regions) {
      const answer = await ask(region.cluster, s.doc.global.name);
      const expected = region.behindGlobalName && region.cluster !== gone ? region.cluster : next;
      expect([region.cluster, answer.addresses]).toEqual([region.cluster, [...lbAddresses.get(expected)!].sort()]);
      expect((await ask(region.cluster, s.doc.regions.find((r) => r.cluster === gone)!.name)).addresses).toEqual([...lbAddresses.get(gone)!].sort());
    }
    // The failed-over client's connection: the global name on the other region's node certificate.
    const answer = await ask(gone, s.doc.global.name);
    const viaPsql = await psqlHandshake(psql, s.db.sqlEndpoints!.global.connectionString, lbToLoopback.get(answer.addresses[0])!);
    expect(viaPsql).toEqual({ ok: true, detail: next });
    expect((await nodeSqlHandshake(lbToLoopback.get(answer.addresses[0])!, SQL_PORT, s.doc.global.name, ca)).ok).toBe(true);
    stats.psql++;
    stats.handshakes++;
    // Every region of the global name withdrawn: the name answers with all of them rather than with nothing.
    for (const c of members) withdrawn.add(c);
    writeZones();
    (server.child as ChildProcess).kill('SIGUSR1');
    const all = members.flatMap((c) => lbAddresses.get(c)!).sort().join();
    await waitFor('every region answered', async () => (await ask(gone, s.doc.global.name)).addresses.join() === all, { timeoutMs: 15_000, process: server });
    withdrawn.clear();
  });
});
