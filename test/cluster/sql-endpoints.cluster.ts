// The client endpoints' Kubernetes side on real API servers: examples/sql-endpoints synthesized with
// the cdk8s CLI and applied with `kubectl apply --server-side` as docs/sql-endpoints.md says, with the
// stand-in cloud controller enforcing GKE's load-balancer rules. Every SQL load balancer is accepted at
// its pinned address and allow-listed; the real EndpointSlice controller lists a pod behind it only
// once it is ready; the ExternalDNS annotations are on the live objects; the live NetworkPolicy admits
// every client of the load balancer on the SQL port (evaluated here, independently of the renderers);
// the node certificates the real cert-manager issues cover every name and address a client dials.
import { X509Certificate } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { checkServerIdentity } from 'tls';
import { IPv4CidrRange } from 'ip-num';
import { applyFile, cdk8sSynth, objectsOf, provisionSharedCa } from './support/gitops';
import { cloudRules, World, WorldClusterSpec } from './support/harness';
import { resourcePath } from './support/kube-client';
import { admits } from './support/network-policy';
import { topology } from '../../examples/sql-endpoints/main';
import { removeDir, tempDir } from '../e2e/support/processes';
import { admitLoadBalancer, CloudFacts, ServiceObject } from '../support/cloud-load-balancer-rules';

jest.setTimeout(600_000);

const SUBNETS: Record<string, string> = { 'us-east1': '10.10.0.0/20', 'us-west1': '10.20.0.0/20', 'europe-west1': '10.30.0.0/20' };
const facts = (cluster: string): CloudFacts => ({ cloud: 'gcp', version: '1.36.2-gke.1498000', subsetting: true, subnetCidr: SUBNETS[cluster] });

/** What each GKE cluster really is, stated from the example's infrastructure rather than read from the library. */
const WORLD: readonly WorldClusterSpec[] = topology.clusters.map((c, i) => ({
  name: c.name,
  region: c.region,
  zones: ['b', 'c', 'd'].map((z) => `${c.region}-${z}`),
  serviceCidr: c.serviceCidrs![0],
  podCidr: c.podCidrs![0],
  dns: 'gke-kube-dns' as const,
  loadBalancerPool: `10.${(i + 1) * 10}.14.`,
  admit: cloudRules(facts(c.name)),
}));
const NAMES = topology.clusters.map((c) => c.name);

let world: World;
let work: string;
let records: any;

beforeAll(async () => {
  work = tempDir('sql-endpoints');
  world = await World.start(WORLD, { suite: 16 });
});

afterAll(async () => {
  await world?.stop();
  removeDir(work);
});

const dist = () => path.join(work, 'dist');
const sqlService = (cluster: string) => world.clusters.cluster(cluster).client.get(resourcePath('v1', 'services', cluster, 'cockroachdb-sql'));
/** The endpoints the real EndpointSlice controller publishes for a Service: address and readiness. */
async function endpointsOf(cluster: string, service: string): Promise<Array<[string, boolean]>> {
  const slices = await world.clusters.cluster(cluster).client.list(resourcePath('discovery.k8s.io/v1', 'endpointslices', cluster), `labelSelector=kubernetes.io%2Fservice-name%3D${service}`);
  return slices.flatMap((s) => (s.endpoints ?? []).map((e: any) => [e.targetRef?.name, e.conditions?.ready === true] as [string, boolean])).sort();
}

describe('examples/sql-endpoints, applied as docs/sql-endpoints.md says', () => {
  test('synth with the cdk8s CLI: manifests per cluster and the records file next to them', async () => {
    const files = await cdk8sSynth('sql-endpoints', dist());
    expect(Object.keys(files)).toEqual(NAMES.flatMap((n) => [`${n}-dns.k8s.yaml`, `${n}.k8s.yaml`]).sort());
    records = JSON.parse(fs.readFileSync(path.join(dist(), 'sql-endpoints.records.json'), 'utf8'));
    expect(records.regions.map((r: any) => r.cluster)).toEqual(NAMES);
  });

  test('before init: the SQL load balancers get their pinned addresses, and no pod is behind them while none is ready', async () => {
    for (const name of NAMES) await world.installCertManager(name);
    await provisionSharedCa(world.clusters, work, Object.fromEntries(NAMES.map((n) => [n, n])));
    for (const name of NAMES) {
      // Everything but the init Job first, so the pods run and stay unready.
      const objects = objectsOf(fs.readFileSync(path.join(dist(), `${name}.k8s.yaml`), 'utf8'))
        .filter((o) => !(o.kind === 'Job' && o.spec?.template?.metadata?.labels?.['app.kubernetes.io/component'] === 'init'));
      const file = path.join(work, `${name}-without-init.yaml`);
      fs.writeFileSync(file, objects.map((o) => JSON.stringify(o)).join('\n---\n'));
      for (const f of [path.join(dist(), `${name}-dns.k8s.yaml`), file]) {
        const result = await applyFile(world.clusters, name, f);
        expect([f, result.code, result.stderr]).toEqual([f, 0, '']);
      }
    }
    for (const region of records.regions) {
      await world.waitFor(`the SQL load balancer of ${region.cluster} has an address`, async () =>
        ((await sqlService(region.cluster)).status?.loadBalancer?.ingress ?? []).length > 0);
      expect((await sqlService(region.cluster)).status.loadBalancer.ingress.map((i: any) => i.ip)).toEqual(region.addresses);
      await world.waitFor(`3 running pods in ${region.cluster}`, async () =>
        (await world.clusters.cluster(region.cluster).client.list(resourcePath('v1', 'pods', region.cluster))).filter((p) => p.status?.phase === 'Running' && p.metadata.name.startsWith('cockroachdb-')).length === 3);
      await world.waitFor(`the endpoints of ${region.cluster}`, async () => (await endpointsOf(region.cluster, 'cockroachdb')).length === 3
        && (await endpointsOf(region.cluster, 'cockroachdb-sql')).length === 3);
      // Peers reach every pod before init (the headless Service publishes unready pods); clients reach none.
      expect(await endpointsOf(region.cluster, 'cockroachdb')).toEqual([0, 1, 2].map((i) => [`cockroachdb-${i}`, true]));
      expect(await endpointsOf(region.cluster, 'cockroachdb-sql')).toEqual([0, 1, 2].map((i) => [`cockroachdb-${i}`, false]));
    }
  });

  test('after init every pod is behind its region\'s SQL load balancer; every load balancer was accepted by the cloud\'s rules', async () => {
    for (const name of NAMES) {
      const result = await applyFile(world.clusters, name, path.join(dist(), `${name}.k8s.yaml`));
      expect([name, result.code, result.stderr]).toEqual([name, 0, '']);
    }
    for (const name of NAMES) {
      await world.waitFor(`ready SQL endpoints in ${name}`, async () =>
        JSON.stringify(await endpointsOf(name, 'cockroachdb-sql')) === JSON.stringify([0, 1, 2].map((i) => [`cockroachdb-${i}`, true])), 180_000);
    }
    expect(world.loadBalancers.refusals()).toEqual([]);
  });

  test('each live SQL load balancer is internal with global access and admits exactly its allow-list, as the cloud programs it', async () => {
    for (const region of records.regions) {
      const live = await sqlService(region.cluster);
      const verdict = admitLoadBalancer(facts(region.cluster), live as unknown as ServiceObject);
      expect(verdict).toMatchObject({ accepted: true, internal: true, ingress: region.addresses.map((ip: string) => ({ ip })) });
      if (!verdict.accepted) continue;
      expect(verdict.regionalOnly).toBeFalsy();
      expect(verdict.sourceRanges).toEqual(['10.12.0.0/14', '10.10.0.0/20', '10.24.0.0/14', '10.20.0.0/20', '10.32.0.0/14', '10.30.0.0/20', '10.200.0.0/16']);
      expect(live.spec.externalTrafficPolicy).toBe('Local');
      expect(live.spec.healthCheckNodePort).toBeGreaterThan(0);
    }
  });

  test('the ExternalDNS annotations on the live objects name what the records file says ExternalDNS writes', async () => {
    const written = records.records.filter((r: any) => r.writer === 'external-dns');
    expect(written).toHaveLength(3);
    for (const record of written) {
      const live = await sqlService(record.clusters[0]);
      expect(live.metadata.annotations!['external-dns.alpha.kubernetes.io/hostname']).toBe(record.name);
      expect(live.metadata.annotations!['external-dns.alpha.kubernetes.io/ttl']).toBe(String(record.ttl));
      // ExternalDNS writes the Service's load-balancer address: the one the record holds.
      expect(live.status.loadBalancer.ingress.map((i: any) => i.ip)).toEqual(record.values);
    }
  });

  test('the node certificates cert-manager issued cover the regional name, the global name and the live SQL address; the connection strings name them', async () => {
    for (const region of records.regions) {
      const { client } = world.clusters.cluster(region.cluster);
      await world.waitFor(`the node certificate of ${region.cluster} issued`, async () =>
        (await client.find(resourcePath('v1', 'secrets', region.cluster, 'cockroachdb-node')))?.data?.['tls.crt'] !== undefined, 120_000);
      const secret = await client.get(resourcePath('v1', 'secrets', region.cluster, 'cockroachdb-node'));
      const cert = new X509Certificate(Buffer.from(secret.data['tls.crt'], 'base64')).toLegacyObject() as any;
      const live = await sqlService(region.cluster);
      const hosts = [`${region.cluster}.db.example.com`, 'sql.db.example.com', ...live.status.loadBalancer.ingress.map((i: any) => i.ip)];
      for (const host of hosts) expect([region.cluster, host, checkServerIdentity(host, cert)]).toEqual([region.cluster, host, undefined]);
      const other = records.regions.find((r: any) => r.cluster !== region.cluster);
      expect(checkServerIdentity(other.addresses[0], cert)).toMatchObject({ code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
      // What a client dials: the regional name, verify-full, on the port the live Service serves.
      const url = new URL(region.connectionString);
      expect([url.hostname, Number(url.port), url.searchParams.get('sslmode')]).toEqual([`${region.cluster}.db.example.com`, live.spec.ports[0].port, 'verify-full']);
    }
    const global = new URL(records.global.connectionString);
    expect([global.hostname, global.searchParams.get('sslmode')]).toEqual(['sql.db.example.com', 'verify-full']);
  });

  test('the live NetworkPolicy admits every client of the load balancer on the SQL port, and nothing else gets in', async () => {
    for (const region of records.regions) {
      const client = world.clusters.cluster(region.cluster).client;
      const live = await sqlService(region.cluster);
      const policies = await client.list(resourcePath('networking.k8s.io/v1', 'networkpolicies', region.cluster));
      const pods = (await client.list(resourcePath('v1', 'pods', region.cluster))).filter((p) => p.metadata.name.startsWith('cockroachdb-') && p.metadata.ownerReferences?.[0]?.kind === 'StatefulSet');
      expect(pods).toHaveLength(3);
      for (const pod of pods) {
        for (const cidr of live.spec.loadBalancerSourceRanges as string[]) {
          const range = IPv4CidrRange.fromCidr(cidr);
          for (const address of [range.getFirst().toString(), range.getLast().toString()]) {
            expect([pod.metadata.name, address, admits(policies, pod, address, 26257)]).toEqual([pod.metadata.name, address, true]);
          }
        }
        expect(admits(policies, pod, '192.0.2.10', 26257)).toBe(false);
        // The HTTP port is not the load balancer's: another cluster's pods, admitted on the SQL port, do not reach it.
        expect(admits(policies, pod, '10.24.0.1', 26257)).toBe(true);
        expect(admits(policies, pod, '10.24.0.1', 8080)).toBe(false);
      }
    }
  });
});
