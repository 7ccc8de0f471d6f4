// `pulumi up` of MultiRegionCockroach with `sqlEndpoints`, by the real Pulumi CLI and Kubernetes
// provider, on three simulated GKE clusters whose stand-in cloud controller applies GKE's rules and
// gives every load balancer an address after a delay. No SQL load balancer asks for an address: what
// the controller assigns must flow into the stack outputs (hosts, connection strings, record values)
// and into the node certificates the real cert-manager issues; the real EndpointSlice controller puts
// only ready pods behind each one; the NetworkPolicy is accepted by the API server.
import { X509Certificate } from 'crypto';
import * as path from 'path';
import { checkServerIdentity } from 'tls';
import { IPv4CidrRange } from 'ip-num';
import { provisionSharedCa } from './support/gitops';
import { cloudRules, World } from './support/harness';
import { resourcePath } from './support/kube-client';
import { admits } from './support/network-policy';
import { changes, PulumiStack } from './support/pulumi-stack';
import { removeDir, tempDir } from '../e2e/support/processes';

jest.setTimeout(900_000);

const ZONE = 'db.example.com';
const CLUSTERS = {
  'us-east1': { nodeCidrs: ['10.10.0.0/20'], podCidrs: ['10.12.0.0/14'], serviceCidrs: ['10.16.0.0/20'] },
  'us-west1': { nodeCidrs: ['10.20.0.0/20'], podCidrs: ['10.24.0.0/14'], serviceCidrs: ['10.28.0.0/20'] },
  'europe-west1': { nodeCidrs: ['10.30.0.0/20'], podCidrs: ['10.32.0.0/14'], serviceCidrs: ['10.36.0.0/20'] },
} as const;
const NAMES = Object.keys(CLUSTERS);
const GKE_VERSION = '1.35.1-gke.1396000';

let world: World;
let work: string;
let stack: PulumiStack;
let outputs: Record<string, any>;
/** While set, the cloud refuses the SQL load balancers (as it does one its rules do not allow); the others it serves. */
let refuseSql = false;

const config = (extra: Record<string, { value: string }> = {}) => ({
  kubeconfigs: { value: world.kubeconfigsJson(), secret: true },
  clusters: {
    value: JSON.stringify(Object.fromEntries(Object.entries(CLUSTERS).map(([region, ranges]) => [region, {
      cloud: 'gcp', region, nodes: 3, zones: ['b', 'c', 'd'].map((z) => `${region}-${z}`), ...ranges, gke: { version: GKE_VERSION },
    }]))),
  },
  zone: { value: ZONE },
  ...extra,
});
/** What the stand-in controller assigned to one Service of one cluster (its record, not the Service). */
const assignedTo = (cluster: string, service: string) => world.loadBalancers.records
  .filter((r) => r.cluster === cluster && r.service.endsWith(service) && r.outcome === 'assigned')
  .map((r) => JSON.parse(r.detail)[0].ip as string);

beforeAll(async () => {
  work = tempDir('pulumi-sql-endpoints');
  world = await World.start(NAMES.map((region, i) => ({
    name: region,
    region,
    zones: ['b', 'c', 'd'].map((z) => `${region}-${z}`),
    serviceCidr: CLUSTERS[region as keyof typeof CLUSTERS].serviceCidrs[0],
    podCidr: CLUSTERS[region as keyof typeof CLUSTERS].podCidrs[0],
    dns: 'gke-kube-dns' as const,
    loadBalancerPool: `10.${(i + 1) * 10}.14.`,
    admit: (service, allocate, context) => (refuseSql && service.metadata.name === 'cockroachdb-sql'
      ? { accepted: false, reason: 'refused by the test: the cloud never provisions it' }
      : cloudRules({ cloud: 'gcp', version: GKE_VERSION, subsetting: false, subnetCidr: CLUSTERS[region as keyof typeof CLUSTERS].nodeCidrs[0] })(service, allocate, context)),
  })), { suite: 17, loadBalancerDelayMs: 2_000 });
  for (const region of NAMES) await world.installCertManager(region);
  await provisionSharedCa(world.clusters, path.join(work, 'ca'), Object.fromEntries(NAMES.map((r) => [r, r])));
  stack = new PulumiStack(path.join(work, 'stack'), path.join(__dirname, 'programs', 'sql-endpoints.ts'));
});

afterAll(async () => {
  await world?.stop();
  removeDir(work);
});

describe('pulumi up: client endpoints on three simulated GKE clusters', () => {
  test('up: every SQL load balancer accepted by GKE\'s rules, its assigned address in the outputs, the records and the connection strings', async () => {
    const up = await stack.run('up', { config: config() });
    expect(up.error).toBeUndefined();
    expect(up.ok).toBe(true);
    expect(world.loadBalancers.refusals()).toEqual([]);
    outputs = Object.fromEntries(Object.entries(up.outputs!).map(([k, v]) => [k, v.value]));
    for (const region of NAMES) {
      const assigned = assignedTo(region, '/cockroachdb-sql');
      expect(assigned).toHaveLength(1);
      // The address is one the controller handed out of this cluster's pool, not one the program named.
      expect(assigned[0]).toMatch(new RegExp(`^10\\.${(NAMES.indexOf(region) + 1) * 10}\\.14\\.\\d+$`));
      const live = await world.clusters.cluster(region).client.get(resourcePath('v1', 'services', region, 'cockroachdb-sql'));
      expect(live.status.loadBalancer.ingress.map((i: any) => i.ip)).toEqual(assigned);
      expect(outputs.sqlAddresses[region]).toEqual(assigned);
      const endpoint = outputs.regionalEndpoints[region];
      expect(endpoint).toMatchObject({ host: `${region}.${ZONE}`, port: 26257, addresses: assigned });
      const url = new URL(endpoint.connectionString);
      expect([url.protocol, url.hostname, url.port]).toEqual(['postgresql:', `${region}.${ZONE}`, '26257']);
      expect(url.searchParams.get('sslmode')).toBe('verify-full');
      expect(url.searchParams.get('sslrootcert')).toBe('/etc/cockroach-ca/ca.crt');
      // The regional record holds what the cloud assigned.
      const regional = (outputs.records as any[]).filter((r) => r.name === `${region}.${ZONE}`);
      expect(regional.map((r) => r.values ?? r.rrdatas)).toEqual([assigned]);
    }
    expect(outputs.globalEndpoint).toMatchObject({ host: `sql.${ZONE}`, port: 26257, clusters: NAMES });
    expect([...outputs.globalEndpoint.addresses].sort()).toEqual(NAMES.flatMap((r) => assignedTo(r, '/cockroachdb-sql')).sort());
    expect(world.cockroach.jobRuns.filter((r) => r.component === 'init' && r.outcome === 'succeed')).toHaveLength(1);
  });

  test('the global record: one geolocation item per region, health-checked on the address the cloud assigned', () => {
    const global = (outputs.records as any[]).filter((r) => r.name === `sql.${ZONE}`);
    expect(global).toHaveLength(1);
    expect(global[0].routingPolicy.kind).toBe('geolocation');
    const items = global[0].routingPolicy.items
      .map((item: any) => [item.cluster, item.location, item.healthCheckedTarget.ipAddress, item.healthCheckedTarget.port]);
    expect(items).toEqual(NAMES.map((region) => [region, region, assignedTo(region, '/cockroachdb-sql')[0], '26257']));
  });

  test('the node certificates cert-manager issued cover every SQL name and the assigned SQL address of their region', async () => {
    for (const region of NAMES) {
      const { client } = world.clusters.cluster(region);
      await world.waitFor(`the node certificate of ${region} issued`, async () =>
        (await client.find(resourcePath('v1', 'secrets', region, 'cockroachdb-node')))?.data?.['tls.crt'] !== undefined, 120_000);
      const secret = await client.get(resourcePath('v1', 'secrets', region, 'cockroachdb-node'));
      const cert = new X509Certificate(Buffer.from(secret.data['tls.crt'], 'base64')).toLegacyObject() as any;
      for (const host of [`${region}.${ZONE}`, `sql.${ZONE}`, ...assignedTo(region, '/cockroachdb-sql')]) {
        expect([region, host, checkServerIdentity(host, cert)]).toEqual([region, host, undefined]);
      }
      // Another region's SQL address is not this certificate's.
      const other = NAMES.find((n) => n !== region)!;
      expect(checkServerIdentity(assignedTo(other, '/cockroachdb-sql')[0], cert)).toMatchObject({ code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
    }
  });

  test('behind each SQL load balancer: every database pod, ready; the NetworkPolicy the API server accepted admits its clients', async () => {
    for (const region of NAMES) {
      const { client } = world.clusters.cluster(region);
      await world.waitFor(`ready SQL endpoints in ${region}`, async () => {
        const slices = await client.list(resourcePath('discovery.k8s.io/v1', 'endpointslices', region), 'labelSelector=kubernetes.io%2Fservice-name%3Dcockroachdb-sql');
        const ready = slices.flatMap((s) => (s.endpoints ?? []).filter((e: any) => e.conditions?.ready === true))
          .map((e: any) => e.targetRef?.name).sort();
        return JSON.stringify(ready) === JSON.stringify(['cockroachdb-0', 'cockroachdb-1', 'cockroachdb-2']);
      }, 120_000);
      const live = await client.get(resourcePath('v1', 'services', region, 'cockroachdb-sql'));
      const policies = await client.list(resourcePath('networking.k8s.io/v1', 'networkpolicies', region));
      const pods = (await client.list(resourcePath('v1', 'pods', region))).filter((p) => p.metadata.ownerReferences?.[0]?.kind === 'StatefulSet');
      expect(pods).toHaveLength(3);
      expect(policies.length).toBeGreaterThan(0);
      for (const pod of pods) {
        for (const cidr of live.spec.loadBalancerSourceRanges as string[]) {
          const range = IPv4CidrRange.fromCidr(cidr);
          for (const address of [range.getFirst().toString(), range.getLast().toString()]) {
            expect([pod.metadata.name, address, admits(policies, pod, address, 26257)]).toEqual([pod.metadata.name, address, true]);
          }
        }
        expect(admits(policies, pod, '192.0.2.10', 26257)).toBe(false);
      }
    }
  });

  test('preview after up shows no changes', async () => {
    const preview = await stack.run('preview', { config: config() });
    expect(preview.error).toBeUndefined();
    expect(changes(preview)).toEqual([]);
  });

  test('a cloud that never provisions the SQL load balancers fails the up after loadBalancerTimeout, naming the Service', async () => {
    const destroyed = await stack.run('destroy', { config: config() });
    expect(destroyed.error).toBeUndefined();
    for (const region of NAMES) {
      expect(await world.clusters.cluster(region).client.find(resourcePath('v1', 'services', region, 'cockroachdb-sql'))).toBeUndefined();
    }
    refuseSql = true;
    try {
      const started = Date.now();
      const up = await stack.run('up', { config: config({ loadBalancerTimeout: { value: '40s' } }) });
      expect(up.ok).toBe(false);
      expect(up.error).toMatch(/cockroachdb-sql/);
      expect(up.error).toMatch(/timed out|Timeout|timeout/);
      expect(Date.now() - started).toBeLessThan(5 * 60_000);
      expect(world.loadBalancers.refusals().filter((r) => r.includes('/cockroachdb-sql')).length).toBeGreaterThan(0);
    } finally {
      refuseSql = false;
      const cleaned = await stack.run('destroy', { config: config() });
      expect(cleaned.error).toBeUndefined();
    }
  });
});
