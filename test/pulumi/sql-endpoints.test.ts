// Client endpoints under the shipped mocks, per cloud: the mixed GKE/EKS example with Route 53 (latency
// records aliased to the NLBs the Services name, with their target health) and a three-region GKE
// topology with Cloud DNS (a geolocation or weighted routing policy over the internal load balancers).
import type * as pulumiType from '@pulumi/pulumi';
import { kubeObjectOf, kubeResources, lbAddress, mocks, Recorded, settle, startMocks, valueOf, withoutEngineAnnotations } from './mock-engine';
import { validateKubeObjects } from '../support/kube-schema';
import { invokeAnswer } from 'crosscluster/pulumi/testing';

const PROJECT = 'pulumi-sql-endpoints';
const AWS = 'service.beta.kubernetes.io/aws-load-balancer-';

let pulumi: typeof pulumiType;
let recorded: Recorded[];
let program: typeof import('../../examples/pulumi-sql-endpoints/index');
let geo: import('../../lib/pulumi').MultiRegionCockroach;
let weighted: import('../../lib/pulumi').GlobalSqlEndpoints;

/** The same three GKE regions as examples/sql-endpoints (cdk8s), unpinned: the cloud assigns the addresses. */
const GKE = [
  { name: 'us-east1', nodeCidrs: ['10.10.0.0/20'], podCidrs: ['10.12.0.0/14'] },
  { name: 'us-west1', nodeCidrs: ['10.20.0.0/20'], podCidrs: ['10.24.0.0/14'] },
  { name: 'europe-west1', nodeCidrs: ['10.30.0.0/20'], podCidrs: ['10.32.0.0/14'] },
];

beforeAll(async () => {
  pulumi = await import('@pulumi/pulumi');
  recorded = await startMocks({ project: PROJECT });
  pulumi.runtime.setAllConfig({
    [`${PROJECT}:kubeconfigs`]: JSON.stringify({ 'gke-us-east1': 'a', 'eks-us-east-1': 'b', 'eks-eu-west-1': 'c' }),
    [`${PROJECT}:hostedZoneId`]: 'Z0123456789ABCDEFGHIJ',
  }, [`${PROJECT}:kubeconfigs`]);
  program = await import('../../examples/pulumi-sql-endpoints/index');

  const k8s = await import('@pulumi/kubernetes');
  const { GlobalSqlEndpoints, MultiRegionCockroach, Networking, SqlEndpoints, Tls } = await import('../../lib/pulumi');
  const { CloudDnsSqlRecords } = await import('../../lib/pulumi/gcp');
  const clusters = (prefix: string) => GKE.map((c) => ({
    ...c,
    name: `${prefix}-${c.name}`,
    namespace: `${prefix}-${c.name}`,
    cloud: 'gcp' as const,
    region: c.name,
    nodes: 3,
    provider: new k8s.Provider(`${prefix}-${c.name}`, { kubeconfig: c.name }),
  }));
  geo = new MultiRegionCockroach('geo', {
    clusters: clusters('geo'),
    networking: Networking.perPodLoadBalancers(),
    tls: Tls.certManager(),
    survivalGoal: 'region',
    sqlEndpoints: SqlEndpoints.cloudDns({ zone: 'db.example.com', project: 'acme-prod', network: 'projects/acme-prod/global/networks/crdb' }),
  });
  new CloudDnsSqlRecords('geo', { endpoints: geo.sqlEndpoints!, managedZone: 'db-example-com' });
  // Alone, next to a database of another program: weighted round robin, one region left out.
  weighted = new GlobalSqlEndpoints('rr', {
    clusters: clusters('rr'),
    sqlEndpoints: SqlEndpoints.cloudDns({ zone: 'rr.example.com', routing: 'weighted', globalClusters: ['rr-us-east1', 'rr-us-west1'], ttl: 60 }),
  });
  new CloudDnsSqlRecords('rr', {
    endpoints: weighted, managedZone: 'rr-example-com', project: pulumi.output('acme-rr'), network: 'projects/acme-rr/global/networks/crdb',
  });
  await valueOf(program.joinAddresses);
  await valueOf(program.globalEndpoint);
  await valueOf(geo.sqlEndpoints!.records);
  await valueOf(weighted.records);
  await settle();
});

const sqlServices = (prefix: string) => kubeResources(recorded)
  .filter((r) => r.type === 'kubernetes:core/v1:Service' && r.name.startsWith(prefix) && r.name.endsWith('-cockroachdb-sql'));
const ofType = (type: string, prefix: string) => recorded.filter((r) => r.type === type && r.name.startsWith(prefix));

describe('mixed GKE/EKS, Route 53 (examples/pulumi-sql-endpoints)', () => {
  test('one SQL load balancer per cluster, internal, allow-listed, ready pods only, as each cloud takes it', () => {
    const services = sqlServices('cockroachdb-sql-');
    expect(services.map((s) => s.provider).sort()).toEqual(['eks-eu-west-1', 'eks-us-east-1', 'gke-us-east1']);
    const objects = services.map(kubeObjectOf);
    validateKubeObjects(objects.map(withoutEngineAnnotations));
    for (const s of objects) {
      expect(s.spec).toMatchObject({ type: 'LoadBalancer', externalTrafficPolicy: 'Local', ports: [{ name: 'sql', port: 26257, targetPort: 'grpc', protocol: 'TCP' }] });
      expect(s.spec.publishNotReadyAddresses).toBeUndefined();
      expect(s.spec.selector).toEqual({ 'app.kubernetes.io/name': 'cockroachdb', 'app.kubernetes.io/instance': 'cockroachdb', 'app.kubernetes.io/component': 'database' });
      expect(s.spec.loadBalancerSourceRanges).toEqual(['10.12.0.0/14', '10.10.0.0/20', '100.64.0.0/16', '10.40.0.0/16', '100.65.0.0/16', '10.50.0.0/16']);
      // Pulumi waits for the cloud's address, not for ready endpoints (none before init).
      expect(s.metadata.annotations['pulumi.com/waitFor']).toBe('jsonpath={.status.loadBalancer.ingress}');
    }
    const gke = objects.find((s) => s.metadata.namespace === 'gke-us-east1')!;
    expect(gke.metadata.annotations).toMatchObject({ 'networking.gke.io/load-balancer-type': 'Internal', 'networking.gke.io/internal-load-balancer-allow-global-access': 'true' });
    const eks = objects.find((s) => s.metadata.namespace === 'eks-eu-west-1')!;
    expect(eks.metadata.annotations).toMatchObject({
      [`${AWS}scheme`]: 'internal',
      [`${AWS}nlb-target-type`]: 'ip',
      [`${AWS}subnets`]: 'subnet-50a00000000000001,subnet-50b00000000000002',
      [`${AWS}healthcheck-protocol`]: 'HTTPS',
      [`${AWS}healthcheck-port`]: '8080',
      [`${AWS}healthcheck-path`]: '/health?ready=1',
    });
    expect(eks.metadata.annotations[`${AWS}name`]).toMatch(/^sql-eks-eu-west-1-[0-9a-f]{8}$/);
    // No ExternalDNS annotation: Pulumi writes the records.
    expect(Object.keys(eks.metadata.annotations).filter((k) => k.startsWith('external-dns'))).toEqual([]);
  });

  test('Route 53: the regional names, and the global name as latency aliases over the two EKS regions with their NLBs\' health', async () => {
    const records = ofType('aws:route53/record:Record', 'sql-').map((r) => r.inputs);
    const byName = (name: string) => records.filter((r) => r.name === name);
    const nlbName = (cluster: string) => kubeObjectOf(sqlServices('cockroachdb-sql-').find((s) => s.provider === cluster)!).metadata.annotations[`${AWS}name`];
    // The NLB is looked up by the name its Service gives it, in its region, once its Service has an address.
    const lookups = mocks.invokes.filter((i) => i.token === 'aws:lb/getLoadBalancer:getLoadBalancer').map((i) => [i.inputs.name, i.inputs.region]).sort();
    expect(lookups).toEqual([[nlbName('eks-eu-west-1'), 'eu-west-1'], [nlbName('eks-us-east-1'), 'us-east-1']].sort());
    const alias = (cluster: string, region: string) => {
      const answer = invokeAnswer('aws:lb/getLoadBalancer:getLoadBalancer', { name: nlbName(cluster), region });
      return [{ name: answer.dnsName, zoneId: answer.zoneId, evaluateTargetHealth: true }];
    };
    for (const r of records) expect(r.zoneId).toBe('Z0123456789ABCDEFGHIJ');
    // The GKE region: an A record of its internal load balancer's address, with the TTL; no routing.
    expect(byName('us-east1.db.example.com')).toEqual([expect.objectContaining({
      type: 'A', ttl: 180, records: [lbAddress('gke-us-east1', 'gke-us-east1', 'cockroachdb-sql')],
    })]);
    expect(byName('us-east1.db.example.com')[0].setIdentifier).toBeUndefined();
    // The EKS regions: aliases to their NLB.
    expect(byName('us-east-1.db.example.com')).toEqual([expect.objectContaining({ type: 'A', aliases: alias('eks-us-east-1', 'us-east-1') })]);
    expect(byName('eu-west-1.db.example.com')).toEqual([expect.objectContaining({ type: 'A', aliases: alias('eks-eu-west-1', 'eu-west-1') })]);
    // The global name: one latency record per EKS region, told apart by set identifier.
    const global = byName('sql.db.example.com').sort((a, b) => a.setIdentifier.localeCompare(b.setIdentifier));
    expect(global).toEqual([
      expect.objectContaining({ setIdentifier: 'eks-eu-west-1', latencyRoutingPolicies: [{ region: 'eu-west-1' }], aliases: alias('eks-eu-west-1', 'eu-west-1') }),
      expect.objectContaining({ setIdentifier: 'eks-us-east-1', latencyRoutingPolicies: [{ region: 'us-east-1' }], aliases: alias('eks-us-east-1', 'us-east-1') }),
    ]);
    expect(records).toHaveLength(5);
  });

  test('each node certificate covers its region\'s name, the global name behind which it is, and its load balancer\'s address', () => {
    const csr = (cluster: string) => recorded.find((r) => r.type === 'tls:index/certRequest:CertRequest' && r.name === `cockroachdb-certs-${cluster}-node-csr`)!.inputs;
    const gke = csr('gke-us-east1');
    expect(gke.dnsNames).toEqual(expect.arrayContaining(['us-east1.db.example.com']));
    expect(gke.dnsNames).not.toContain('sql.db.example.com');
    expect(gke.ipAddresses).toContain(lbAddress('gke-us-east1', 'gke-us-east1', 'cockroachdb-sql'));
    const eks = csr('eks-eu-west-1');
    expect(eks.dnsNames).toEqual(expect.arrayContaining(['eu-west-1.db.example.com', 'sql.db.example.com', lbAddress('eks-eu-west-1', 'eks-eu-west-1', 'cockroachdb-sql')]));
    expect(eks.dnsNames).not.toContain('us-east-1.db.example.com');
  });

  test('outputs: per region and global, host, port and a verify-full connection string with the CA path', async () => {
    expect(await valueOf(program.globalEndpoint)).toEqual({
      host: 'sql.db.example.com',
      port: 26257,
      connectionString: 'postgresql://sql.db.example.com:26257/defaultdb?sslmode=verify-full&sslrootcert=/etc/cockroach-ca/ca.crt',
      addresses: [lbAddress('eks-us-east-1', 'eks-us-east-1', 'cockroachdb-sql'), lbAddress('eks-eu-west-1', 'eks-eu-west-1', 'cockroachdb-sql')],
      clusters: ['eks-us-east-1', 'eks-eu-west-1'],
    });
    const regions = await valueOf(program.regionalEndpoints);
    expect(Object.keys(regions)).toEqual(['gke-us-east1', 'eks-us-east-1', 'eks-eu-west-1']);
    expect(regions['gke-us-east1'].connectionString).toBe('postgresql://us-east1.db.example.com:26257/defaultdb?sslmode=verify-full&sslrootcert=/etc/cockroach-ca/ca.crt');
    expect(await valueOf(program.caCertPem)).toMatch(/^-----BEGIN CERTIFICATE-----/);
  });

  test('the NetworkPolicy admits the load balancer\'s clients on the SQL port, and on EKS its health checks on the HTTP port', () => {
    const policy = (cluster: string) => kubeResources(recorded).filter((r) => r.type === 'kubernetes:networking.k8s.io/v1:NetworkPolicy' && r.provider === cluster).map(kubeObjectOf)[0];
    const eks = policy('eks-eu-west-1');
    expect(eks.spec.ingress).toContainEqual({
      from: ['10.12.0.0/14', '10.10.0.0/20', '100.64.0.0/16', '10.40.0.0/16', '100.65.0.0/16', '10.50.0.0/16'].map((cidr) => ({ ipBlock: { cidr } })),
      ports: [{ protocol: 'TCP', port: 26257 }],
    });
    expect(eks.spec.ingress).toContainEqual({ from: [{ ipBlock: { cidr: '10.50.0.0/20' } }, { ipBlock: { cidr: '10.50.16.0/20' } }], ports: [{ protocol: 'TCP', port: 8080 }] });
    // GKE's health check asks kube-proxy on the node, never the pod: the HTTP port stays closed.
    expect(policy('gke-us-east1').spec.ingress.filter((r: any) => r.ports.some((p: any) => p.port === 8080))).toHaveLength(1);
  });
});

describe('three GKE regions, Cloud DNS', () => {
  test('the regional A records hold each internal load balancer\'s address', () => {
    const sets = ofType('gcp:dns/recordSet:RecordSet', 'geo-').map((r) => r.inputs);
    for (const region of ['us-east1', 'us-west1', 'europe-west1']) {
      expect(sets.find((s) => s.name === `${region}.db.example.com.`)).toEqual({
        managedZone: 'db-example-com',
        project: 'acme-prod',
        name: `${region}.db.example.com.`,
        type: 'A',
        ttl: 180,
        rrdatas: [lbAddress(`geo-${region}`, `geo-${region}`, 'cockroachdb-sql')],
      });
    }
  });

  test('the global name: a geolocation policy, one item per region, its internal load balancer health-checked, no geofencing', () => {
    const global = ofType('gcp:dns/recordSet:RecordSet', 'geo-').map((r) => r.inputs).find((s) => s.name === 'sql.db.example.com.')!;
    expect(global.rrdatas).toBeUndefined();
    expect(global.routingPolicy).toEqual({
      enableGeoFencing: false,
      geos: ['us-east1', 'us-west1', 'europe-west1'].map((region) => ({
        location: region,
        healthCheckedTargets: {
          internalLoadBalancers: [{
            loadBalancerType: 'regionalL4ilb',
            ipAddress: lbAddress(`geo-${region}`, `geo-${region}`, 'cockroachdb-sql'),
            port: '26257',
            ipProtocol: 'tcp',
            region,
            project: 'acme-prod',
            networkUrl: 'projects/acme-prod/global/networks/crdb',
          }],
        },
      })),
    });
  });

  test('weighted round robin over the regions behind the global name only, with their TTL', async () => {
    const sets = ofType('gcp:dns/recordSet:RecordSet', 'rr-').map((r) => r.inputs);
    expect(sets.map((s) => s.name).sort()).toEqual(['europe-west1.rr.example.com.', 'sql.rr.example.com.', 'us-east1.rr.example.com.', 'us-west1.rr.example.com.']);
    const global = sets.find((s) => s.name === 'sql.rr.example.com.')!;
    expect(global.ttl).toBe(60);
    const target = (w: any) => w.healthCheckedTargets.internalLoadBalancers[0];
    expect(global.routingPolicy.wrrs.map((w: any) => [w.weight, target(w).region, target(w).project]))
      .toEqual([[1, 'us-east1', 'acme-rr'], [1, 'us-west1', 'acme-rr']]);
    expect((await valueOf(weighted.global)).clusters).toEqual(['rr-us-east1', 'rr-us-west1']);
  });

  test('cert-manager: each node Certificate covers its regional name, the global name and its load balancer\'s address', () => {
    const certificate = kubeResources(recorded).filter((r) => r.type === 'kubernetes:cert-manager.io/v1:Certificate' && r.provider === 'geo-us-west1')
      .map(kubeObjectOf).find((c) => c.metadata.name === 'cockroachdb-node')!;
    expect(certificate.spec.dnsNames).toEqual(expect.arrayContaining(['us-west1.db.example.com', 'sql.db.example.com']));
    expect(certificate.spec.ipAddresses).toContain(lbAddress('geo-us-west1', 'geo-us-west1', 'cockroachdb-sql'));
  });
});

describe('refused before anything is created', () => {
  test('records of the other DNS service, or health-checked targets without their network', async () => {
    const { CloudDnsSqlRecords, Route53SqlRecords } = await import('../../lib/pulumi/cloud');
    const { TopologyError } = await import('../../lib/pulumi');
    expect(() => new Route53SqlRecords('wrong', { endpoints: geo.sqlEndpoints!, zoneId: 'Z1' })).toThrow(TopologyError);
    expect(() => new Route53SqlRecords('wrong', { endpoints: geo.sqlEndpoints!, zoneId: 'Z1' }))
      .toThrow(/endpoints: expected the endpoints of SqlEndpoints.route53\(...\), got SqlEndpoints.cloudDns\(...\): use CloudDnsSqlRecords/);
    expect(() => new CloudDnsSqlRecords('wrong', { endpoints: weighted, managedZone: 'z' }))
      .toThrow(/- project: is required[^]*- network: is required/);
  });

  test('a loadBalancerTimeout Pulumi cannot take, naming the field, with no resource registered', async () => {
    const k8s = await import('@pulumi/kubernetes');
    const { GlobalSqlEndpoints, SqlEndpoints, TopologyError } = await import('../../lib/pulumi');
    const clusters = GKE.map((c) => ({
      ...c, name: `lbt-${c.name}`, cloud: 'gcp' as const, region: c.name, nodes: 3, provider: new k8s.Provider(`lbt-${c.name}`, { kubeconfig: c.name }),
    }));
    for (const bad of ['15 minutes', '0m', 15]) {
      const before = recorded.filter((r) => r.name.startsWith('lbt') && !r.type.startsWith('pulumi:providers')).length;
      let error: unknown;
      try {
        new GlobalSqlEndpoints(`lbt${String(bad)}`, { clusters, sqlEndpoints: SqlEndpoints.cloudDns({ zone: 'lbt.example.com' }), loadBalancerTimeout: bad as string });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(TopologyError);
      expect((error as InstanceType<typeof TopologyError>).problems.map((p) => p.path)).toEqual(['loadBalancerTimeout']);
      await settle();
      expect(recorded.filter((r) => r.name.startsWith('lbt') && !r.type.startsWith('pulumi:providers')).length).toBe(before);
    }
  });
});
