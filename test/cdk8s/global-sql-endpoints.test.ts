// GlobalSqlEndpoints with cdk8s: the example synthesized as a GitOps repo commits it (manifests and the
// records file a DNS team reviews), checked against each other; the construct alone; the parity with
// the renderers; and what cdk8s refuses because it writes every record at synth time.
import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, Chart, Testing } from 'cdk8s';
import { allOf, Obj, only, readOutdir, Synthesized } from './helpers';
import { build, topology } from '../../examples/sql-endpoints/main';
import { validateKubeObjects } from '../support/kube-schema';
import { isCoveredBySans, planDeployment, renderDeployment, sqlRecordSets } from 'crosscluster';
import {
  ClusterCerts, GlobalSqlEndpoints, MultiRegionCockroach, Networking, SQL_RECORDS_FILE, SqlEndpoints, Tls, TopologyError,
} from 'crosscluster/cdk8s';

const REGIONS = ['us-east1', 'us-west1', 'europe-west1'];

function synthExample(): { files: Synthesized; records: any; db: MultiRegionCockroach } {
  const outdir = mkdtempSync(join(tmpdir(), 'crosscluster-sql-'));
  try {
    const app = new App({ outdir });
    const db = build(app);
    app.synth();
    const file = db.sqlEndpoints!.writeRecords(outdir);
    expect(file).toBe(join(outdir, SQL_RECORDS_FILE));
    return { files: readOutdir(outdir), records: JSON.parse(readFileSync(file, 'utf8')), db };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

describe('examples/sql-endpoints', () => {
  const { files, records, db } = synthExample();
  const database = (region: string): Obj[] => files[`${region}.k8s.yaml`].objects;

  test('one SQL load balancer per cluster file, next to the database; every object valid', () => {
    expect(Object.keys(files)).toEqual(REGIONS.flatMap((r) => [`${r}-dns.k8s.yaml`, `${r}.k8s.yaml`]).sort());
    validateKubeObjects(allOf(files));
    for (const region of REGIONS) {
      const service = only(database(region), 'Service', 'cockroachdb-sql');
      expect(service.metadata.namespace).toBe(region);
      expect(service.metadata.annotations).toEqual({
        'networking.gke.io/load-balancer-type': 'Internal',
        'networking.gke.io/internal-load-balancer-allow-global-access': 'true',
        'external-dns.alpha.kubernetes.io/hostname': `${region}.db.example.com`,
        'external-dns.alpha.kubernetes.io/ttl': '180',
      });
      expect(service.spec.loadBalancerSourceRanges).toEqual([
        '10.12.0.0/14', '10.10.0.0/20', '10.24.0.0/14', '10.20.0.0/20', '10.32.0.0/14', '10.30.0.0/20', '10.200.0.0/16',
      ]);
    }
  });

  test('the records file agrees with the manifests: each A record is the address its Service is pinned to', () => {
    expect(records.provider).toBe('cloud-dns');
    const regional = records.records.filter((r: any) => r.scope === 'regional');
    for (const region of REGIONS) {
      const service = only(database(region), 'Service', 'cockroachdb-sql');
      const record = regional.find((r: any) => r.name === `${region}.db.example.com`);
      expect(record).toEqual({
        provider: 'cloud-dns',
        name: `${region}.db.example.com`,
        type: 'A',
        ttl: 180,
        scope: 'regional',
        clusters: [region],
        values: [service.spec.loadBalancerIP],
        writer: 'external-dns',
      });
      const item = records.records.find((r: any) => r.scope === 'global').routingPolicy.items.find((i: any) => i.cluster === region);
      expect(item.healthCheckedTarget).toEqual({
        loadBalancerType: 'regionalL4ilb',
        ipAddress: service.spec.loadBalancerIP,
        port: String(service.spec.ports[0].port),
        ipProtocol: 'tcp',
        region,
        project: 'acme-prod',
        networkUrl: 'projects/acme-prod/global/networks/crdb',
      });
    }
    const global = records.records.find((r: any) => r.scope === 'global');
    expect([global.name, global.writer, global.routingPolicy.kind]).toEqual(['sql.db.example.com', 'you', 'geolocation']);
    expect(records.global.connectionString).toBe('postgresql://shop@sql.db.example.com:26257/defaultdb?sslmode=verify-full&sslrootcert=/etc/cockroach-ca/ca.crt');
    expect(records.records).toEqual(JSON.parse(JSON.stringify(db.sqlEndpoints!.records)));
  });

  test('each node Certificate covers its regional name, the global name and its load balancer\'s address', () => {
    for (const region of REGIONS) {
      const cert = only(database(region), 'Certificate', 'cockroachdb-node');
      const sans = { dnsNames: cert.spec.dnsNames, ipAddresses: cert.spec.ipAddresses };
      const service = only(database(region), 'Service', 'cockroachdb-sql');
      for (const name of [`${region}.db.example.com`, 'sql.db.example.com', service.spec.loadBalancerIP]) expect([region, name, isCoveredBySans(name, sans)]).toEqual([region, name, true]);
      for (const other of REGIONS.filter((r) => r !== region)) expect(isCoveredBySans(`${other}.db.example.com`, sans)).toBe(false);
    }
  });

  test('the NetworkPolicy admits the SQL load balancer\'s clients on the SQL port (the application VPC too)', () => {
    const policy = only(database('us-west1'), 'NetworkPolicy');
    const sqlRule = policy.spec.ingress.find((r: any) => r.from.length === 7);
    expect(sqlRule).toEqual({ from: only(database('us-west1'), 'Service', 'cockroachdb-sql').spec.loadBalancerSourceRanges.map((cidr: string) => ({ ipBlock: { cidr } })), ports: [{ protocol: 'TCP', port: 26257 }] });
  });

  test('the construct\'s outputs: host, port, connection string per region and global', () => {
    expect(db.sqlEndpoints!.regions['us-east1']).toEqual({
      host: 'us-east1.db.example.com',
      port: 26257,
      addresses: ['10.10.15.240'],
      connectionString: 'postgresql://shop@us-east1.db.example.com:26257/defaultdb?sslmode=verify-full&sslrootcert=/etc/cockroach-ca/ca.crt',
    });
    expect(db.sqlEndpoints!.global).toMatchObject({ host: 'sql.db.example.com', clusters: REGIONS, addresses: ['10.10.15.240', '10.20.15.240', '10.30.15.240'] });
  });

  test('the same objects as the renderers (the parity Pulumi shares)', () => {
    const rendered = renderDeployment(planDeployment({ ...topology, tls: topology.tls! }, { engine: 'cdk8s' }));
    for (const m of rendered) expect(only(database(m.cluster), 'Service', 'cockroachdb-sql')).toEqual(JSON.parse(JSON.stringify(m.sqlEndpoints[0])));
  });
});

describe('GlobalSqlEndpoints alone', () => {
  const clusters = topology.clusters;
  const sqlEndpoints = SqlEndpoints.route53({ zone: 'db.example.com', globalClusters: [], addresses: { 'us-east1': '10.10.15.240', 'us-west1': '10.20.15.240', 'europe-west1': '10.30.15.240' } });

  test('places the Services in one Chart per cluster; ClusterCerts with the same endpoints certifies the names', () => {
    const app = Testing.app();
    const regional = SqlEndpoints.cloudDns({ zone: 'db.example.com', addresses: { 'us-east1': '10.10.15.240', 'us-west1': '10.20.15.240', 'europe-west1': '10.30.15.240' } });
    const endpoints = new GlobalSqlEndpoints(app, 'sql', { clusters, sqlEndpoints: regional });
    const certs = new ClusterCerts(app, 'certs', { clusters, sqlEndpoints: regional });
    expect(Object.keys(endpoints.charts)).toEqual(REGIONS);
    const objects = Testing.synth(endpoints.charts['us-west1'] as Chart);
    expect(objects.map((o: any) => `${o.kind}/${o.metadata.name}`)).toEqual(['Service/cockroachdb-sql', 'Issuer/cockroachdb-ca', 'Certificate/cockroachdb-node', 'Certificate/cockroachdb-client-root']);
    expect(isCoveredBySans('sql.db.example.com', certs.nodeCertificateSans['us-west1'])).toBe(true);
    expect(endpoints.records).toEqual(sqlRecordSets(endpoints.endpoints));
  });

  test('refused before anything is created: an empty global name, and the addresses cdk8s must know', () => {
    expect(() => new GlobalSqlEndpoints(Testing.app(), 'sql', { clusters, sqlEndpoints })).toThrow(TopologyError);
    expect(() => new GlobalSqlEndpoints(Testing.app(), 'sql', { clusters, sqlEndpoints })).toThrow(/sqlEndpoints.globalClusters: is empty/);
    const unpinned = SqlEndpoints.cloudDns({ zone: 'db.example.com', addresses: { 'us-east1': '10.10.15.240' } });
    expect(() => new GlobalSqlEndpoints(Testing.app(), 'sql', { clusters, sqlEndpoints: unpinned }))
      .toThrow(/2 problems[^]*sqlEndpoints.addresses.us-west1: the SQL load-balancer address of clusters\[1\] is required[^]*sqlEndpoints.addresses.europe-west1/);
  });
});

describe('MultiRegionCockroach refuses in one error', () => {
  test('every SQL endpoint problem with the others, before any construct exists', () => {
    const app = Testing.app();
    const props = {
      ...topology,
      networking: Networking.dnsChain({ dnsAddresses: { 'us-east1': '10.10.15.250' } }),
      tls: Tls.insecure(),
      sqlEndpoints: SqlEndpoints.route53({ zone: 'db.example.com', internal: false, ttl: 5 }),
    };
    let error: TopologyError | undefined;
    try {
      new MultiRegionCockroach(app, 'db', props);
    } catch (e) {
      error = e as TopologyError;
    }
    expect(error).toBeInstanceOf(TopologyError);
    expect(error!.problems.map((p) => p.path)).toEqual(expect.arrayContaining([
      'networking.dnsAddresses.us-west1', 'sqlEndpoints.ttl', 'sqlEndpoints.internal', 'sqlEndpoints.globalClusters', 'sqlEndpoints.sourceRanges',
    ]));
    expect(app.node.findAll().length).toBe(1);
  });
});
