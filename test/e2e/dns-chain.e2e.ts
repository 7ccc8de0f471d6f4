// Invariant 2 with real DNS servers: per simulated cluster, dnsmasq (kube-dns clusters, the server
// behind `stubDomains`) or a pinned CoreDNS build running the complete generated Corefile (CoreDNS
// clusters), each on its own loopback IP, forwarding exactly what the synthesized ConfigMaps say.
// Every join entry and advertise address must resolve from every cluster; then a real TLS
// handshake to the resolved address proves invariants 1 and 2 together.
import * as fs from 'fs';
import * as path from 'path';
import { Deployment, DNS_CASES, hostOf, single, synthesize } from './support/deployments';
import {
  aksCorefile, clusterRecords, CorefileEdit, corefileForTest, corefileZones, dig, dnsmasqArgs, dnsObjects, Endpoint, pinnedAddresses, query,
  SimulatedDns, startCoreDns, startDnsmasq, UpstreamSink, writeFile, zoneFile,
} from './support/dns';
import { DnsWorld, startDnsWorld, stopDnsWorld } from './support/dns-world';
import { OpensslPki, TestCa } from './support/pki';
import { loopbackBase, ProcessGroup } from './support/processes';
import { nodeHandshake, NodeTlsServer, startNodeServer } from './support/tls';
import { advertiseKey, ClusterPlan } from 'crosscluster';

const BASE = loopbackBase(2);
const stats = { dnsmasq: 0, coredns: 0, aks: 0, queries: 0, nxdomain: 0, maxNxMs: 0, handshakes: 0, multiAddressForwards: 0 };

let world: DnsWorld | undefined;
let dir: string;
let group: ProcessGroup;
let port = 53;
let sink: UpstreamSink;
let pki: OpensslPki;
let ca: TestCa;
let dnsmasq: string;
let coredns: string;
let digBinary: string;

beforeAll(async () => {
  world = await startDnsWorld('dns', BASE, { dnsmasq: true });
  ({ dir, group, port, sink, pki, ca, coredns, dig: digBinary, dnsmasq } = world);
}, 60_000);

afterAll(async () => {
  await stopDnsWorld(world);
  // eslint-disable-next-line no-console
  console.log(`DNS e2e (port ${port}): ${stats.dnsmasq} dnsmasq and ${stats.coredns} CoreDNS servers (${stats.aks} with AKS's coredns-custom layout), `
    + `${stats.multiAddressForwards} forwards to a load balancer with several addresses, ${stats.queries} queries resolved to the right pod, `
    + `${stats.nxdomain} NXDOMAIN answers (slowest ${stats.maxNxMs} ms), ${stats.handshakes} TLS handshakes to DNS-resolved addresses`);
});

describe.each(DNS_CASES)('DNS chain: $name', (kase) => {
  const caseIndex = DNS_CASES.indexOf(kase);
  let d: Deployment;
  const sims = new Map<string, SimulatedDns>();
  // Per cluster: the generated text CoreDNS ran (the Corefile, or AKS's `.server` key), as run, and the edits.
  const corefileEdits = new Map<string, { original: string; run: string; edits: CorefileEdit[]; standIns: number }>();
  const servers: NodeTlsServer[] = [];
  const octet = (i: number) => caseIndex * 8 + i + 1;

  beforeAll(async () => {
    d = synthesize(kase);
    // Each cluster: resolver 127.B.k.53, pods 127.B.k.(10+ordinal), public Service 127.B.k.100.
    const lbToResolver = new Map<string, Endpoint>();
    d.plan.clusters.forEach((c, i) => {
      const endpoint = { host: `127.${BASE}.${octet(i)}.53`, port };
      const records = clusterRecords(c, (ordinal) => `127.${BASE}.${octet(i)}.${10 + ordinal}`, `127.${BASE}.${octet(i)}.100`);
      sims.set(c.name, { cluster: c, endpoint, records });
      const { services } = dnsObjects(d.objects[c.name]);
      if (services.length === 0) throw new Error(`${c.name} has no DNS load-balancer Service`);
      // Every Service of the load balancer (UDP and TCP apart on older GKE) is pinned to the same address(es).
      const pinned = [...new Set(services.map((s) => pinnedAddresses(s).join(',')))];
      if (pinned.length !== 1 || pinned[0] === '') throw new Error(`${c.name}'s DNS load-balancer Services are pinned to ${JSON.stringify(pinned)}, not to one set of addresses`);
      for (const address of pinned[0].split(',')) lbToResolver.set(address, endpoint);
    });
    for (const c of d.plan.clusters) {
      const sim = sims.get(c.name)!;
      const { configMap } = dnsObjects(d.objects[c.name]);
      if (!configMap) throw new Error(`${c.name} has no DNS forwarding ConfigMap`);
      if (c.dns === 'kube-dns') {
        const stubs = JSON.parse(configMap.data.stubDomains) as Record<string, string[]>;
        const args = dnsmasqArgs(sim, stubs, lbToResolver, path.join(dir, `case${caseIndex}-${c.name}.dnsmasq.log`));
        await startDnsmasq(group, dnsmasq, `dnsmasq ${c.name}`, args, sim.endpoint);
        stats.dnsmasq++;
      } else {
        const clusterDir = path.join(dir, `case${caseIndex}-${c.name}`);
        fs.mkdirSync(clusterDir);
        const zone = writeFile(clusterDir, `db.${c.clusterDomain}`, zoneFile(c.clusterDomain, sim.endpoint.host, sim.records));
        const options = { endpoint: sim.endpoint, zoneFile: zone, upstream: sink.endpoint, lbToResolver };
        let corefilePath: string;
        if (configMap.metadata.name === 'coredns-custom') {
          // AKS: its own Corefile (which the library never touches) imports every `.server` key of
          // coredns-custom, mounted as files under custom/ as AKS mounts them.
          const aks = corefileForTest(aksCorefile(c.clusterDomain), options);
          fs.mkdirSync(path.join(clusterDir, 'custom'));
          for (const [key, text] of Object.entries(configMap.data as Record<string, string>)) {
            expect(key).toMatch(/\.server$/);
            const run = corefileForTest(text, options);
            corefileEdits.set(c.name, { original: text, run: run.corefile, edits: run.edits, standIns: 0 });
            writeFile(path.join(clusterDir, 'custom'), key, run.corefile);
          }
          corefilePath = writeFile(clusterDir, 'Corefile', aks.corefile);
          stats.aks++;
        } else {
          const { corefile, edits } = corefileForTest(configMap.data.Corefile, options);
          corefileEdits.set(c.name, { original: configMap.data.Corefile, run: corefile, edits, standIns: 1 });
          corefilePath = writeFile(clusterDir, 'Corefile', corefile);
        }
        await startCoreDns(group, coredns, `coredns ${c.name}`, corefilePath, { host: sim.endpoint.host, port: 8181 }, sim.endpoint);
        stats.coredns++;
      }
      stats.multiAddressForwards += c.dnsForwards.filter((f) => f.servers.length > 1).length;
    }
  }, 120_000);

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });

  test('the forwarding is exactly every remote service domain, never the local one', () => {
    for (const c of d.plan.clusters) {
      const remote = d.plan.clusters.filter((o) => o.name !== c.name).map((o) => o.serviceDomain).sort();
      const { configMap } = dnsObjects(d.objects[c.name]);
      if (c.dns === 'kube-dns') {
        expect(configMap.metadata.name).toBe('kube-dns');
        expect(Object.keys(JSON.parse(configMap.data.stubDomains)).sort()).toEqual(remote);
      } else if (c.cloud === 'azure') {
        // AKS: only coredns-custom, only server blocks of the remote domains; never the `.` zone.
        expect(configMap.metadata.name).toBe('coredns-custom');
        expect(d.objects[c.name].some((o) => o.metadata.name === 'coredns')).toBe(false);
        expect(corefileZones(configMap.data['crosscluster.server']).sort()).toEqual(remote);
      } else {
        expect(configMap.metadata.name).toBe('coredns');
        expect(corefileZones(configMap.data.Corefile).sort()).toEqual(['.', ...remote].sort());
      }
    }
  });

  test('CoreDNS runs the generated Corefile with only the listen addresses, forward targets and the kubernetes block changed', () => {
    for (const [cluster, { original, run, edits, standIns }] of corefileEdits) {
      const kinds = new Set(edits.map((e) => e.kind));
      expect([...kinds].every((k) => ['listen', 'bind', 'side-listener', 'forward-target', 'kubernetes-stand-in'].includes(k))).toBe(true);
      expect(edits.filter((e) => e.kind === 'kubernetes-stand-in')).toHaveLength(standIns);
      // Each forward edit only swaps addresses: the same number of targets, the same options.
      for (const e of edits.filter((x) => x.kind === 'forward-target')) {
        expect(e.to.split(' ').length).toBe(e.from.split(' ').length);
      }
      // Undoing the recorded edits, in order, gives back the generated Corefile byte for byte:
      // every other line runs exactly as generated.
      const undone: string[] = [];
      let next = 0;
      for (const line of run.split('\n')) {
        if (next < edits.length && edits[next].to === line) {
          if (edits[next].from !== '') undone.push(edits[next].from);
          next++;
        } else {
          undone.push(line);
        }
      }
      expect({ cluster, edits: next, corefile: undone.join('\n') }).toEqual({ cluster, edits: edits.length, corefile: original });
    }
  });

  test('every join entry, advertise address and public service resolves from every cluster to the owning pod', async () => {
    const failures: string[] = [];
    const expected = new Map<string, string[]>();
    for (const sim of sims.values()) for (const [name, ips] of sim.records) expected.set(name, [...ips].sort());
    const names = new Set<string>();
    for (const c of d.plan.clusters) {
      const config = single(d.objects[c.name], 'ConfigMap', c.names.topologyConfigMap);
      for (const entry of String(config.data.join).split(',')) names.add(hostOf(entry));
      for (const pod of c.pods) names.add(config.data[advertiseKey(pod.name)]);
      names.add(`${c.names.publicService}.${c.serviceDomain}`);
    }
    for (const sim of sims.values()) {
      for (const name of names) {
        const want = expected.get(name);
        if (!want) {
          failures.push(`${name} is no record of any cluster`);
          continue;
        }
        // Two tries, as a pod's resolver makes: one lost UDP datagram on a loaded machine is no defect.
        const r = await query(sim.endpoint, name, 2_000, 2);
        if (r.status === 'NOERROR' && JSON.stringify(r.addresses) === JSON.stringify(want)) stats.queries++;
        else failures.push(`${sim.cluster.name} (${sim.cluster.dns}) -> ${name}: ${r.status} ${r.addresses.join(',')} (want ${want.join(',')})`);
      }
    }
    expect(failures).toEqual([]);
  });

  test('a name that does not exist is NXDOMAIN, quickly, from every cluster, in every domain (no loop, no timeout)', async () => {
    const failures: string[] = [];
    for (const sim of sims.values()) {
      const missing = d.plan.clusters.flatMap((c) => [
        `no-such-pod.${c.names.headlessService}.${c.serviceDomain}`,
        `${c.names.statefulSet}-${c.nodes}.${c.names.headlessService}.${c.serviceDomain}`,
      ]);
      missing.push(`no-such-namespace.svc.${sim.cluster.clusterDomain}`);
      for (const name of missing) {
        const r = await dig(digBinary, sim.endpoint, name);
        stats.maxNxMs = Math.max(stats.maxNxMs, r.ms);
        if (r.status === 'NXDOMAIN' && r.ms < 1_500) stats.nxdomain++;
        else failures.push(`${sim.cluster.name} -> ${name}: ${r.status} after ${r.ms} ms`);
      }
    }
    expect(failures).toEqual([]);
  });

  test('the answers also come over TCP (what a TCP-only DNS load balancer carries)', async () => {
    for (const sim of sims.values()) {
      for (const c of d.plan.clusters) {
        const r = await dig(digBinary, sim.endpoint, c.pods[0].fqdn, true);
        expect({ from: sim.cluster.name, name: c.pods[0].fqdn, status: r.status, answers: r.answers })
          .toEqual({ from: sim.cluster.name, name: c.pods[0].fqdn, status: 'NOERROR', answers: [...sims.get(c.name)!.records.get(c.pods[0].fqdn)!] });
      }
    }
  });

  test('no cluster name reaches the upstream resolver; dnsmasq forwards only remote domains, each to its owner', () => {
    const domains = d.plan.clusters.map((c) => `.${c.serviceDomain}.`);
    expect(sink.names.filter((n) => domains.some((dm) => n.endsWith(dm)))).toEqual([]);
    for (const c of d.plan.clusters.filter((x) => x.dns === 'kube-dns')) {
      const log = fs.readFileSync(path.join(dir, `case${caseIndex}-${c.name}.dnsmasq.log`), 'utf8');
      const forwarded = [...log.matchAll(/forwarded (\S+) to (\S+)/g)].map((m) => ({ name: m[1], to: m[2].replace(/#\d+$/, '') }));
      expect(forwarded.length).toBeGreaterThan(0);
      const wrong = forwarded.filter((f) => {
        const owner = d.plan.clusters.find((o) => f.name.endsWith(`.${o.serviceDomain}`));
        return !owner || owner.name === c.name || sims.get(owner.name)!.endpoint.host !== f.to;
      });
      expect({ at: c.name, wrong }).toEqual({ at: c.name, wrong: [] });
    }
  });

  test('end to end: each cluster resolves the join list through its DNS and the TLS handshake to the resolved address verifies', async () => {
    for (const [i, c] of d.plan.clusters.entries()) {
      const spec = single(d.objects[c.name], 'Certificate', c.names.nodeSecret).spec;
      const cert = await pki.issueFromCertificate(ca, spec, `dns-case${caseIndex}-${c.name}-node`);
      servers.push(await startNodeServer(c.name, c.pods.map((p) => `127.${BASE}.${octet(i)}.${10 + p.ordinal}`), 26257, ca, cert));
    }
    const peerCert = await pki.issueFromCertificate(ca, single(d.objects[d.plan.clusters[0].name], 'Certificate', d.plan.clusters[0].names.nodeSecret).spec, `dns-case${caseIndex}-peer`);
    const failures: string[] = [];
    for (const sim of sims.values()) {
      for (const entry of d.plan.joinAddresses) {
        const host = hostOf(entry);
        const r = await query(sim.endpoint, host);
        const owner = d.plan.clusters.find((c: ClusterPlan) => c.pods.some((p) => p.advertiseHost === host))!;
        const result = r.addresses.length === 1 ? await nodeHandshake(r.addresses[0], 26257, host, ca, peerCert) : { ok: false, detail: r.status };
        if (result.ok && result.detail === `${owner.name} node`) stats.handshakes++;
        else failures.push(`${sim.cluster.name} -> ${entry}: ${result.detail}`);
      }
    }
    expect(failures).toEqual([]);
  });
});

test('the cases cover AKS\'s coredns-custom layout and forwarders to a load balancer with several addresses', () => {
  expect(stats.aks).toBeGreaterThan(0);
  expect(stats.multiAddressForwards).toBeGreaterThan(0);
});

describe('CoreDNS refuses a broken Corefile and the suite notices', () => {
  test('a Corefile with an unknown directive makes startCoreDns fail with CoreDNS\'s error', async () => {
    const brokenDir = path.join(dir, 'broken');
    fs.mkdirSync(brokenDir);
    const host = `127.${BASE}.254.53`;
    const file = writeFile(brokenDir, 'Corefile', `.:${port} {\n    bind ${host}\n    ready ${host}:8181\n    kubernetess cluster.local\n}\n`);
    await expect(startCoreDns(group, coredns, 'coredns broken', file, { host, port: 8181 })).rejects.toThrow(/exited with .*(kubernetess|Unknown directive)/s);
  });
});
