// The DNS chain through a CoreDNS of the library's own, with real servers on loopback: per simulated
// cluster the pinned CoreDNS build runs the instance's generated Corefile (its `kubernetes` block
// standing in as a zone file of the cluster's records, its forward targets mapped to the other
// clusters' instances), next to the cluster DNS it leaves alone ('database-pods': dnsmasq, untouched) or
// gives one forwarding entry per remote domain ('cluster-dns': dnsmasq with the synthesized stubDomains,
// or CoreDNS with the synthesized Corefile, forwarding to the instance's ClusterIP). Every join entry and
// advertise address must resolve from every cluster, through what the database pods use; NXDOMAIN stays
// fast; nothing loops; an instance that is down fails its own cluster's names only.
import * as fs from 'fs';
import * as path from 'path';
import { Deployment, E2eCase, hostOf, single, synthesize } from './support/deployments';
import {
  clusterRecords, CorefileEdit, corefileForTest, dig, dnsmasqArgs, Endpoint, pinnedAddresses, query, SimulatedDns, startCoreDns, startDnsmasq,
  UpstreamSink, writeFile, zoneFile,
} from './support/dns';
import { DnsWorld, startDnsWorld, stopDnsWorld } from './support/dns-world';
import { OpensslPki, TestCa } from './support/pki';
import { loopbackBase, ManagedProcess, ProcessGroup } from './support/processes';
import { nodeHandshake, NodeTlsServer, startNodeServer } from './support/tls';
import { topology as exampleTopology } from '../../examples/own-coredns/main';
import { DNS_ADDRESSES, THREE_CLUSTERS } from '../support/topologies';
import { advertiseKey, ClusterPlan, Networking, ownCorefile, Tls, TopologyInput } from 'crosscluster';

const BASE = loopbackBase(5);
const stats = { instances: 0, clusterDns: 0, queries: 0, localNames: 0, nxdomain: 0, maxNxMs: 0, handshakes: 0, downFailed: 0, maxAliveMs: 0 };

const own = (resolvers: 'database-pods' | 'cluster-dns'): TopologyInput => ({
  clusters: THREE_CLUSTERS,
  networking: Networking.dnsChain({ dnsAddresses: DNS_ADDRESSES, ownCoredns: { resolvers } }),
  tls: Tls.certManager(),
});

const CASES: readonly E2eCase[] = [
  { name: "three clusters, 'database-pods' (2 GKE kube-dns, 1 EKS add-on)", input: own('database-pods') },
  { name: "three clusters, 'cluster-dns' (kube-dns stubDomains and the EKS Corefile forward to the instance)", input: own('cluster-dns') },
  { name: 'example own-coredns (GKE Cloud DNS, EKS with two NLB subnets, AKS)', input: exampleTopology as TopologyInput },
];

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
  world = await startDnsWorld('own-coredns', BASE, { dnsmasq: true });
  ({ dir, group, port, sink, pki, ca, coredns, dig: digBinary, dnsmasq } = world);
}, 60_000);

afterAll(async () => {
  await stopDnsWorld(world);
  // eslint-disable-next-line no-console
  console.log(`own CoreDNS e2e (port ${port}): ${stats.instances} instances running the generated Corefile, ${stats.clusterDns} cluster DNS servers, `
    + `${stats.queries} queries resolved to the right pod, ${stats.localNames} local names through the instance, ${stats.nxdomain} NXDOMAIN (slowest ${stats.maxNxMs} ms), `
    + `${stats.handshakes} TLS handshakes to resolved addresses; with an instance down, ${stats.downFailed} of its names failed and the others answered within ${stats.maxAliveMs} ms`);
});

/** The records of a cluster's DNS: the database's, plus one name outside it (`kubernetes.default`). */
function localRecords(c: ClusterPlan, octet: number): Map<string, string[]> {
  const records = clusterRecords(c, (ordinal) => `127.${BASE}.${octet}.${10 + ordinal}`, `127.${BASE}.${octet}.100`);
  records.set(`kubernetes.default.svc.${c.clusterDomain}`, [`127.${BASE}.${octet}.1`]);
  return records;
}

describe.each(CASES)('own CoreDNS: $name', (kase) => {
  const caseIndex = CASES.indexOf(kase);
  const octet = (i: number) => caseIndex * 8 + i + 1;
  let d: Deployment;
  /** Per cluster: the instance (what peers reach through its load balancer). */
  const instances = new Map<string, SimulatedDns & { process?: ManagedProcess }>();
  /** Per cluster: the resolver the database pods use (the instance, or the cluster DNS with 'cluster-dns'). */
  const resolverOf = new Map<string, Endpoint>();
  const runs = new Map<string, { original: string; run: string; edits: CorefileEdit[] }>();
  const servers: NodeTlsServer[] = [];
  /** This case's servers (the instances and the cluster DNS servers). */
  const processes: ManagedProcess[] = [];

  beforeAll(async () => {
    d = synthesize(kase);
    const lbToResolver = new Map<string, Endpoint>();
    d.plan.clusters.forEach((c, i) => {
      const endpoint = { host: `127.${BASE}.${octet(i)}.53`, port };
      instances.set(c.name, { cluster: c, endpoint, records: clusterRecords(c, (o) => `127.${BASE}.${octet(i)}.${10 + o}`, `127.${BASE}.${octet(i)}.100`) });
      // The instance's load balancer (every Service of it, every pinned address) and its fixed ClusterIP lead to it.
      const lbs = d.objects[c.name].filter((o) => o.kind === 'Service' && o.metadata.name.startsWith(`${c.ownCoredns!.names.loadBalancer}`));
      if (lbs.length === 0) throw new Error(`${c.name} has no load balancer in front of its CoreDNS`);
      for (const service of lbs) for (const address of pinnedAddresses(service)) lbToResolver.set(address, endpoint);
      lbToResolver.set(single(d.objects[c.name], 'Service', c.ownCoredns!.names.name).spec.clusterIP, endpoint);
    });
    for (const [i, c] of d.plan.clusters.entries()) {
      const clusterDir = path.join(dir, `case${caseIndex}-${c.name}`);
      fs.mkdirSync(clusterDir);
      const records = localRecords(c, octet(i));
      const clusterDnsEndpoint = { host: `127.${BASE}.${octet(i)}.54`, port };
      const sim: SimulatedDns = { cluster: c, endpoint: clusterDnsEndpoint, records };
      // The cluster DNS: as the synthesized kube-system ConfigMap says ('cluster-dns'), untouched otherwise.
      const configMap = d.objects[c.name].find((o) => o.kind === 'ConfigMap' && o.metadata.namespace === 'kube-system') as any;
      if (c.ownCoredns!.resolvers === 'database-pods') {
        expect(configMap).toBeUndefined();
        processes.push(await startDnsmasq(group, dnsmasq, `cluster DNS ${c.name}`, dnsmasqArgs(sim, {}, lbToResolver, path.join(clusterDir, 'dnsmasq.log')), clusterDnsEndpoint));
      } else if (configMap.data.stubDomains !== undefined) {
        const stubs = JSON.parse(configMap.data.stubDomains) as Record<string, string[]>;
        processes.push(await startDnsmasq(group, dnsmasq, `cluster DNS ${c.name}`, dnsmasqArgs(sim, stubs, lbToResolver, path.join(clusterDir, 'dnsmasq.log')), clusterDnsEndpoint));
      } else {
        const zone = writeFile(clusterDir, 'db.cluster', zoneFile(c.clusterDomain, clusterDnsEndpoint.host, records));
        const run = corefileForTest(configMap.data.Corefile, { endpoint: clusterDnsEndpoint, zoneFile: zone, upstream: sink.endpoint, lbToResolver });
        processes.push(await startCoreDns(group, coredns, `cluster DNS ${c.name}`, writeFile(clusterDir, 'Corefile.cluster', run.corefile), { host: clusterDnsEndpoint.host, port: 8181 }));
      }
      stats.clusterDns++;
      // The instance: the generated Corefile, as synthesized (the ConfigMap in the cluster's file).
      const corefile: string = single(d.objects[c.name], 'ConfigMap', c.ownCoredns!.names.name).data.Corefile;
      expect(corefile).toBe(ownCorefile(c));
      const instance = instances.get(c.name)!;
      const zone = writeFile(clusterDir, 'db.instance', zoneFile(c.clusterDomain, instance.endpoint.host, instance.records));
      const run = corefileForTest(corefile, { endpoint: instance.endpoint, zoneFile: zone, upstream: clusterDnsEndpoint, lbToResolver });
      runs.set(c.name, { original: corefile, run: run.corefile, edits: run.edits });
      const process = await startCoreDns(group, coredns, `own CoreDNS ${c.name}`, writeFile(clusterDir, 'Corefile', run.corefile), { host: instance.endpoint.host, port: 8181 });
      processes.push(process);
      instances.set(c.name, { ...instance, process });
      stats.instances++;
      resolverOf.set(c.name, c.ownCoredns!.resolvers === 'database-pods' ? instance.endpoint : clusterDnsEndpoint);
    }
  }, 120_000);

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });

  test('CoreDNS runs the generated Corefile with only the listen addresses, forward targets and the kubernetes block changed', () => {
    for (const [cluster, { original, run, edits }] of runs) {
      expect(edits.filter((e) => e.kind === 'kubernetes-stand-in')).toHaveLength(1);
      expect(edits.every((e) => ['listen', 'bind', 'side-listener', 'forward-target', 'kubernetes-stand-in'].includes(e.kind))).toBe(true);
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
      expect({ cluster, corefile: undone.join('\n') }).toEqual({ cluster, corefile: original });
    }
  });

  test('every join entry, advertise address and public service resolves from every cluster, through what its database pods use', async () => {
    const expected = new Map<string, string[]>();
    for (const sim of instances.values()) for (const [name, ips] of sim.records) expected.set(name, [...ips].sort());
    const names = new Set<string>();
    for (const c of d.plan.clusters) {
      const config = single(d.objects[c.name], 'ConfigMap', c.names.topologyConfigMap);
      for (const entry of String(config.data.join).split(',')) names.add(hostOf(entry));
      for (const pod of c.pods) names.add(config.data[advertiseKey(pod.name)]);
      names.add(`${c.names.publicService}.${c.serviceDomain}`);
    }
    const failures: string[] = [];
    for (const [from, resolver] of resolverOf) {
      for (const name of names) {
        const r = await query(resolver, name);
        if (r.status === 'NOERROR' && JSON.stringify(r.addresses) === JSON.stringify(expected.get(name))) stats.queries++;
        else failures.push(`${from} -> ${name}: ${r.status} ${r.addresses.join(',')} (want ${expected.get(name)})`);
      }
    }
    expect(failures).toEqual([]);
  });

  test("with 'database-pods', names outside the database still resolve through the instance (it hands them to the cluster DNS)", async () => {
    for (const [i, c] of d.plan.clusters.entries()) {
      if (c.ownCoredns!.resolvers !== 'database-pods') continue;
      const r = await query(resolverOf.get(c.name)!, `kubernetes.default.svc.${c.clusterDomain}`);
      expect({ cluster: c.name, r: r.addresses }).toEqual({ cluster: c.name, r: [`127.${BASE}.${octet(i)}.1`] });
      stats.localNames++;
    }
  });

  test('a name that does not exist is NXDOMAIN, quickly, from every cluster, in every domain; over TCP too', async () => {
    const failures: string[] = [];
    for (const [from, resolver] of resolverOf) {
      const c = d.plan.clusters.find((x) => x.name === from)!;
      const missing = d.plan.clusters.flatMap((o) => [
        `no-such-pod.${o.names.headlessService}.${o.serviceDomain}`,
        `${o.names.statefulSet}-${o.nodes}.${o.names.headlessService}.${o.serviceDomain}`,
      ]);
      missing.push(`no-such-namespace.svc.${c.clusterDomain}`);
      for (const name of missing) {
        const r = await dig(digBinary, resolver, name);
        stats.maxNxMs = Math.max(stats.maxNxMs, r.ms);
        if (r.status === 'NXDOMAIN' && r.ms < 1_500) stats.nxdomain++;
        else failures.push(`${from} -> ${name}: ${r.status} after ${r.ms} ms`);
      }
      const tcp = await dig(digBinary, resolver, d.plan.clusters[2].pods[0].fqdn, true);
      expect({ from, status: tcp.status, answers: tcp.answers }).toEqual({ from, status: 'NOERROR', answers: instances.get(d.plan.clusters[2].name)!.records.get(d.plan.clusters[2].pods[0].fqdn) });
    }
    expect(failures).toEqual([]);
  });

  test('no loop: every server still runs (CoreDNS\'s loop plugin stops one that sees its own query), no database name reached the upstream', () => {
    expect(processes.filter((p) => !p.running).map((p) => `${p.name} exited ${p.exitCode}:\n${p.output}`)).toEqual([]);
    for (const { process } of instances.values()) expect(process!.output).not.toMatch(/Loop .* detected/);
    const domains = d.plan.clusters.map((c) => `.${c.serviceDomain}.`);
    expect(sink.names.filter((n) => domains.some((dm) => n.endsWith(dm)))).toEqual([]);
  });

  test('end to end: the join list resolved through each cluster\'s resolver, and the TLS handshake to that address verifies', async () => {
    for (const [i, c] of d.plan.clusters.entries()) {
      const cert = await pki.issueFromCertificate(ca, single(d.objects[c.name], 'Certificate', c.names.nodeSecret).spec, `own${caseIndex}-${c.name}-node`);
      servers.push(await startNodeServer(c.name, c.pods.map((p) => `127.${BASE}.${octet(i)}.${10 + p.ordinal}`), 26257, ca, cert));
    }
    const first = d.plan.clusters[0];
    const peer = await pki.issueFromCertificate(ca, single(d.objects[first.name], 'Certificate', first.names.nodeSecret).spec, `own${caseIndex}-peer`);
    const failures: string[] = [];
    for (const [from, resolver] of resolverOf) {
      for (const entry of d.plan.joinAddresses) {
        const host = hostOf(entry);
        const owner = d.plan.clusters.find((c) => c.pods.some((p) => p.advertiseHost === host))!;
        const r = await query(resolver, host);
        const result = r.addresses.length === 1 ? await nodeHandshake(r.addresses[0], 26257, host, ca, peer) : { ok: false, detail: r.status };
        if (result.ok && result.detail === `${owner.name} node`) stats.handshakes++;
        else failures.push(`${from} -> ${entry}: ${result.detail}`);
      }
    }
    expect(failures).toEqual([]);
  });

  test('an instance that is down fails only its own cluster\'s names; the others still answer, quickly', async () => {
    const down = d.plan.clusters[d.plan.clusters.length - 1];
    await instances.get(down.name)!.process!.stop();
    const failures: string[] = [];
    // A name of the cluster nobody has asked for yet: what the caches hold keeps answering until its TTL.
    const unasked = `${down.names.headlessService}.${down.serviceDomain}`;
    for (const c of d.plan.clusters.filter((x) => x.name !== down.name)) {
      const resolver = resolverOf.get(c.name)!;
      const lost = await query(resolver, unasked, 3_000);
      if (lost.status !== 'NOERROR') stats.downFailed++;
      else failures.push(`${c.name} -> ${unasked} still resolved (${lost.addresses}) with its instance down`);
      for (const alive of d.plan.clusters.filter((x) => x.name !== down.name)) {
        // Names asked before (cached on the way) and one nobody asked yet (forwarded now, past the dead instance).
        for (const name of [...alive.pods.map((p) => p.advertiseHost), `${alive.names.headlessService}.${alive.serviceDomain}`]) {
          const r = await query(resolver, name);
          stats.maxAliveMs = Math.max(stats.maxAliveMs, r.ms);
          const want = instances.get(alive.name)!.records.get(name);
          if (r.status !== 'NOERROR' || r.ms >= 1_500 || JSON.stringify(r.addresses) !== JSON.stringify([...want!].sort())) failures.push(`${c.name} -> ${name}: ${r.status} after ${r.ms} ms`);
        }
      }
    }
    expect(failures).toEqual([]);
  });
});
