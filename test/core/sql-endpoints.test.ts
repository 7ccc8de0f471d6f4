// The client endpoints' rules, one test per rule with accepted and refused inputs; the plan (names,
// SANs, allow-lists, connection strings), the records per DNS service, and the SQL load balancer each
// cloud gets, checked against the stand-in controllers written from the providers' documentation.
import { admitLoadBalancer, CloudFacts, PodFacts, ServiceObject } from '../support/cloud-load-balancer-rules';
import { validateKubeObjects } from '../support/kube-schema';
import {
  allObjects, awsSqlLoadBalancerName, ClusterSpec, CloudDnsRecordSet, connectionString, findTopologyProblems, isCoveredBySans, KubeObject,
  Networking, planDeployment, renderDeployment, Route53RecordSet, SqlEndpoints, sqlRecordSets, Tls, TopologyError, TopologyInput,
} from 'crosscluster';

const EKS_SUBNETS = {
  'eu-west-1b': { id: 'subnet-0b000002', cidr: '10.30.16.0/20' },
  'eu-west-1a': { id: 'subnet-0a000001', cidr: '10.30.0.0/20' },
};
const GKE_EAST: ClusterSpec = { name: 'gke-east', cloud: 'gcp', region: 'us-east1', nodes: 3, podCidrs: ['10.4.0.0/14'], nodeCidrs: ['10.0.0.0/20'], serviceCidrs: ['10.8.0.0/20'] };
const GKE_WEST: ClusterSpec = { name: 'gke-west', cloud: 'gcp', region: 'us-west1', nodes: 3, podCidrs: ['10.20.0.0/14'], nodeCidrs: ['10.16.0.0/20'] };
const EKS: ClusterSpec = {
  name: 'eks', cloud: 'aws', region: 'eu-west-1', nodes: 3, podCidrs: ['10.32.0.0/16'], nodeCidrs: ['10.30.0.0/16'], eks: { subnets: EKS_SUBNETS },
};
const EKS_US: ClusterSpec = {
  name: 'eks-us',
  cloud: 'aws',
  region: 'us-east-2',
  nodes: 3,
  podCidrs: ['10.42.0.0/16'],
  nodeCidrs: ['10.40.0.0/16'],
  eks: { subnets: { 'us-east-2a': { id: 'subnet-0c000003', cidr: '10.40.0.0/20' } } },
};
const AKS: ClusterSpec = { name: 'aks', cloud: 'azure', region: 'westeurope', nodes: 3, podCidrs: ['10.244.0.0/16'], nodeCidrs: ['10.60.0.0/16'] };
const ONPREM: ClusterSpec = { name: 'onprem', cloud: 'generic', region: 'dc1', nodes: 3, podCidrs: ['10.80.0.0/16'], nodeCidrs: ['10.81.0.0/16'] };

const GKE_ADDRESSES = { 'gke-east': '10.0.15.240', 'gke-west': '10.16.15.240' };

function topology(clusters: ClusterSpec[], sqlEndpoints: SqlEndpoints, extra: Partial<TopologyInput> = {}): TopologyInput {
  return { clusters, networking: Networking.perPodLoadBalancers(), tls: Tls.certManager(), sqlEndpoints, ...extra };
}
const cloudDns = (o: Partial<Parameters<typeof SqlEndpoints.cloudDns>[0]> = {}) => SqlEndpoints.cloudDns({ zone: 'db.example.com', addresses: GKE_ADDRESSES, ...o });
const route53 = (o: Partial<Parameters<typeof SqlEndpoints.route53>[0]> = {}) => SqlEndpoints.route53({ zone: 'db.example.com', ...o });
const problems = (input: TopologyInput, engine: 'cdk8s' | 'pulumi' | undefined = 'pulumi') =>
  findTopologyProblems(input, engine).filter((p) => !p.path.startsWith('networking.addresses'));
const at = (input: TopologyInput, engine: 'cdk8s' | 'pulumi' | undefined = 'pulumi') => problems(input, engine).map((p) => p.path);
const messageAt = (input: TopologyInput, path: string, engine: 'cdk8s' | 'pulumi' | undefined = 'pulumi') =>
  problems(input, engine).filter((p) => p.path === path).map((p) => p.message).join('\n');
const plan = (input: TopologyInput) => planDeployment(input, { engine: 'pulumi', placeholders: true });
const sqlServices = (input: TopologyInput): Record<string, KubeObject> =>
  Object.fromEntries(renderDeployment(plan(input)).map((m) => [m.cluster, m.sqlEndpoints[0]]));

const GKE_TWO = [GKE_EAST, GKE_WEST];

describe('the zone and the names', () => {
  test('defaults: <region>.<zone> per cluster and sql.<zone>, canonical (lower case, no trailing dot)', () => {
    const sql = plan(topology(GKE_TWO, cloudDns({ zone: 'DB.Example.com.' }))).sqlEndpoints!;
    expect(sql.zone).toBe('db.example.com');
    expect(sql.regions.map((r) => r.name)).toEqual(['us-east1.db.example.com', 'us-west1.db.example.com']);
    expect(sql.global.name).toBe('sql.db.example.com');
  });

  test('names of your own, anywhere in the zone (its apex too), canonical', () => {
    const input = topology(GKE_TWO, cloudDns({ regionalNames: { 'gke-east': 'East.DB.example.com.' }, globalName: 'db.example.com' }));
    expect(at(input)).toEqual([]);
    const sql = plan(input).sqlEndpoints!;
    expect([sql.regions[0].name, sql.regions[1].name, sql.global.name]).toEqual(['east.db.example.com', 'us-west1.db.example.com', 'db.example.com']);
  });

  test('refused: no zone, a zone that is no DNS name, a name outside the zone, a name of no cluster', () => {
    expect(messageAt(topology(GKE_TWO, SqlEndpoints.cloudDns({} as never)), 'sqlEndpoints.zone')).toMatch(/is required/);
    expect(messageAt(topology(GKE_TWO, cloudDns({ zone: 'db_example.com' })), 'sqlEndpoints.zone')).toMatch(/'db_example.com' is not a DNS name/);
    const outside = topology(GKE_TWO, cloudDns({ regionalNames: { 'gke-east': 'east.example.org' }, globalName: 'sqldb.example.com' }));
    expect(messageAt(outside, 'sqlEndpoints.regionalNames.gke-east')).toMatch(/'east.example.org' is not inside the zone 'db.example.com'/);
    // A suffix of the zone's text is no name in the zone.
    expect(messageAt(outside, 'sqlEndpoints.globalName')).toMatch(/'sqldb.example.com' is not inside the zone/);
    expect(messageAt(topology(GKE_TWO, cloudDns({ regionalNames: { nope: 'a.db.example.com' } })), 'sqlEndpoints.regionalNames.nope'))
      .toMatch(/'nope' is not the name of any cluster \('gke-east', 'gke-west'\)/);
    expect(messageAt(topology(GKE_TWO, cloudDns({ regionalNames: { 'gke-east': '*.db.example.com' } })), 'sqlEndpoints.regionalNames.gke-east')).toMatch(/is not a DNS name/);
  });

  test('refused: two names alike (two clusters of one region by default, or the global name taken), in any spelling', () => {
    const sameRegion = { ...GKE_WEST, region: 'us-east1' };
    expect(messageAt(topology([GKE_EAST, sameRegion], cloudDns()), 'sqlEndpoints.regionalNames.gke-west'))
      .toMatch(/'us-east1.db.example.com' is also the name of clusters\[0\] .*give each cluster of one region a name of its own/);
    expect(at(topology([GKE_EAST, sameRegion], cloudDns({ regionalNames: { 'gke-west': 'us-east1-b.db.example.com' } })))).toEqual([]);
    expect(messageAt(topology(GKE_TWO, cloudDns({ globalName: 'US-EAST1.db.example.com.' })), 'sqlEndpoints.globalName'))
      .toMatch(/'us-east1.db.example.com' is also the name of clusters\[0\]/);
  });

  test('refused: a region that is no DNS label for the default name', () => {
    const odd = { ...GKE_WEST, region: 'us_west1' };
    expect(messageAt(topology([GKE_EAST, odd], cloudDns()), 'sqlEndpoints.regionalNames.gke-west')).toMatch(/'us_west1' is no DNS label/);
  });
});

describe('TTL', () => {
  test('180 s by default (Kubernetes Federated Services); 10 to 3600 accepted', () => {
    expect(plan(topology(GKE_TWO, cloudDns())).sqlEndpoints!.ttl).toBe(180);
    for (const ttl of [10, 60, 3600]) expect(at(topology(GKE_TWO, cloudDns({ ttl })))).toEqual([]);
  });

  test.each([9, 3601, 1.5, 0, -60, Number.NaN, '180'])('refused: %p', (ttl) => {
    expect(messageAt(topology(GKE_TWO, cloudDns({ ttl: ttl as number })), 'sqlEndpoints.ttl')).toMatch(/is not a whole number of seconds from 10 to 3600/);
  });
});

describe('exposure', () => {
  test('internal by default; internet-facing only explicitly, with who may connect, never for an insecure database', () => {
    const external = { internal: false, sourceRanges: ['203.0.113.0/24'], globalClusters: ['eks'] };
    expect(at(topology([EKS, EKS_US], route53({ ...external, globalClusters: undefined })))).toEqual([]);
    expect(messageAt(topology([EKS, EKS_US], route53({ internal: false })), 'sqlEndpoints.sourceRanges')).toMatch(/is required with internal: false/);
    const insecure = topology([EKS, EKS_US], route53({ internal: false, sourceRanges: ['203.0.113.0/24'] }), { tls: Tls.insecure() });
    expect(messageAt(insecure, 'sqlEndpoints.internal')).toMatch(/internet-facing SQL endpoint is refused with Tls.insecure\(\)/);
    // Internal endpoints of an insecure database are allowed (and say so: sslmode=disable).
    const internalInsecure = topology([EKS, EKS_US], route53(), { tls: Tls.insecure() });
    expect(at(internalInsecure)).toEqual([]);
    expect(plan(internalInsecure).sqlEndpoints!.global.connectionString).toBe('postgresql://sql.db.example.com:26257/defaultdb?sslmode=disable');
  });

  test('the allow-list: every cluster\'s pod and node CIDRs and the cidr clients, or the ranges given; never empty', () => {
    const input = topology(GKE_TWO, cloudDns(), { networkPolicy: { clients: [{ cidr: '10.200.0.0/16' }, { namespaceSelector: { team: 'shop' } }] } });
    expect(plan(input).sqlEndpoints!.regions[1].sourceRanges).toEqual(['10.4.0.0/14', '10.0.0.0/20', '10.20.0.0/14', '10.16.0.0/20', '10.200.0.0/16']);
    expect(plan(topology(GKE_TWO, cloudDns({ sourceRanges: ['10.9.0.0/16'] }))).sqlEndpoints!.regions[0].sourceRanges).toEqual(['10.9.0.0/16']);
    expect(messageAt(topology(GKE_TWO, cloudDns({ sourceRanges: [] })), 'sqlEndpoints.sourceRanges')).toMatch(/an empty list admits everyone/);
    expect(messageAt(topology(GKE_TWO, cloudDns({ sourceRanges: ['10.9.0.1/16'] })), 'sqlEndpoints.sourceRanges[0]')).toMatch(/has host bits set/);
    const bare = { name: 'solo', cloud: 'gcp' as const, region: 'us-east1', nodes: 3 };
    const single = { clusters: [bare], networking: Networking.dnsChain(), tls: Tls.certManager(), sqlEndpoints: cloudDns({ addresses: { solo: '10.0.15.240' } }) };
    expect(messageAt(single, 'sqlEndpoints.sourceRanges')).toMatch(/no allow-list can be derived/);
  });

  test('generic clusters: internal only where the implementation hands out private addresses', () => {
    const sql = cloudDns({ globalClusters: ['gke-east'], addresses: { 'gke-east': '10.0.15.240' } });
    expect(messageAt(topology([GKE_EAST, ONPREM], sql), 'clusters[1].generic.privateLoadBalancers')).toMatch(/the SQL load balancer is internal/);
    expect(at(topology([GKE_EAST, { ...ONPREM, generic: { privateLoadBalancers: true } }], sql))).toEqual([]);
  });
});

describe('a health check for every region behind the global name', () => {
  test('Route 53 checks EKS regions through their NLB (alias, target health); Cloud DNS checks GKE internal load balancers', () => {
    expect(at(topology([EKS, EKS_US], route53()))).toEqual([]);
    const r53 = plan(topology([EKS, EKS_US], route53())).sqlEndpoints!;
    expect(r53.regions[0].healthCheck).toEqual({ kind: 'load-balancer-target-health', protocol: 'HTTPS', port: 8080, path: '/health?ready=1', probedBy: 'the NLB, on each pod' });
    expect(plan(topology([EKS, EKS_US], route53({ healthCheck: 'tcp' }))).sqlEndpoints!.regions[0].healthCheck)
      .toEqual({ kind: 'load-balancer-target-health', protocol: 'TCP', port: 26257, probedBy: 'the NLB, on each pod' });
    expect(at(topology(GKE_TWO, cloudDns()))).toEqual([]);
    expect(plan(topology(GKE_TWO, cloudDns())).sqlEndpoints!.regions[0].healthCheck!.kind).toBe('internal-load-balancer');
  });

  test.each([
    ['Route 53, a GKE region', [EKS, GKE_EAST], route53(), 'clusters[1] (\'gke-east\', cloud \'gcp\') has no health check Route 53 can run'],
    ['Route 53, an AKS region', [EKS, AKS], route53(), 'clusters[1] (\'aks\', cloud \'azure\') has no health check Route 53 can run'],
    ['Cloud DNS, an EKS region', [GKE_EAST, EKS], cloudDns({ addresses: { ...GKE_ADDRESSES, eks: { address: '10.30.15.240', awsPrivateIps: ['10.30.15.240', '10.30.31.240'] } } }),
      'clusters[1] (\'eks\', cloud \'aws\') has no health check Cloud DNS can run'],
    ['Cloud DNS, an internet-facing GKE region', GKE_TWO, cloudDns({ internal: false, sourceRanges: ['203.0.113.0/24'] }), 'public-IP health checks'],
  ])('refused: %s, with the way out', (_what, clusters, sql, message) => {
    const found = messageAt(topology(clusters as ClusterSpec[], sql as SqlEndpoints), 'sqlEndpoints.globalClusters');
    expect(found).toContain(message);
    expect(found).toMatch(/leave it out of globalClusters \(it keeps its regional name\)/);
  });

  test('a region left out of the global name keeps its regional name and needs no health check', () => {
    const input = topology([EKS, EKS_US, GKE_EAST], route53({ globalClusters: ['eks', 'eks-us'], addresses: { 'gke-east': '10.0.15.240' } }), { survivalGoal: 'region' });
    expect(at(input, 'cdk8s')).toEqual([]);
    const sql = plan(input).sqlEndpoints!;
    expect(sql.regions.map((r) => [r.cluster, r.inGlobal])).toEqual([['eks', true], ['eks-us', true], ['gke-east', false]]);
  });
});

describe('the regions behind the global name', () => {
  test('with a survival goal at least two; without one, one is accepted', () => {
    const one = route53({ globalClusters: ['eks'] });
    expect(messageAt(topology([EKS, EKS_US], one, { survivalGoal: 'zone' }), 'sqlEndpoints.globalClusters'))
      .toMatch(/1 region behind the global name with survivalGoal 'zone': clients fail over only to another region behind it, so give at least two/);
    expect(at(topology([EKS, EKS_US], one))).toEqual([]);
    expect(at(topology([EKS, EKS_US], route53(), { survivalGoal: 'zone' }))).toEqual([]);
  });

  test('refused: a cluster that does not exist, twice, or none', () => {
    expect(messageAt(topology([EKS, EKS_US], route53({ globalClusters: ['eks', 'nope'] })), 'sqlEndpoints.globalClusters[1]')).toMatch(/'nope' is not the name of any cluster/);
    expect(messageAt(topology([EKS, EKS_US], route53({ globalClusters: ['eks', 'eks'] })), 'sqlEndpoints.globalClusters[1]')).toMatch(/listed twice/);
    expect(messageAt(topology([EKS, EKS_US], route53({ globalClusters: [] })), 'sqlEndpoints.globalClusters')).toMatch(/is empty/);
  });
});

describe('routing', () => {
  test('Route 53 latency by default: each EKS region\'s own AWS Region; a region that is none is refused', () => {
    expect(plan(topology([EKS, EKS_US], route53())).sqlEndpoints!.routing).toBe('latency');
    expect(messageAt(topology([{ ...EKS, region: 'europe-west1' }, EKS_US], route53()), 'clusters[0].region')).toMatch(/is not an AWS Region/);
  });

  test('Route 53 geolocation: a continent or country per region, distinct, and a default region behind the global name', () => {
    const geo = route53({ routing: 'geolocation', geolocations: { 'eks': { continent: 'EU' }, 'eks-us': { country: 'US', subdivision: 'OH' } } });
    expect(at(topology([EKS, EKS_US], geo))).toEqual([]);
    expect(at(topology([EKS, EKS_US], route53({ routing: 'geolocation', geolocations: { eks: { continent: 'EU' } } })))).toEqual(['sqlEndpoints.geolocations.eks-us']);
    const bad = route53({
      routing: 'geolocation',
      geolocations: { 'eks': { continent: 'XX' }, 'eks-us': { country: 'usa', subdivision: 'OH' } },
      defaultCluster: 'gke',
    });
    expect(at(topology([EKS, EKS_US], bad))).toEqual(['sqlEndpoints.geolocations.eks.continent', 'sqlEndpoints.geolocations.eks-us.country', 'sqlEndpoints.geolocations.eks-us.subdivision', 'sqlEndpoints.defaultCluster']);
    expect(at(topology([EKS, EKS_US], route53({ routing: 'geolocation', geolocations: { 'eks': { continent: 'EU', country: 'DE' }, 'eks-us': { continent: 'EU' } } }))))
      .toEqual(['sqlEndpoints.geolocations.eks']);
    expect(messageAt(topology([EKS, EKS_US], route53({ routing: 'geolocation', geolocations: { 'eks': { country: 'DE' }, 'eks-us': { country: 'DE' } } })), 'sqlEndpoints.geolocations.eks-us'))
      .toMatch(/country DE is also the location of 'eks'/);
  });

  test('Cloud DNS geolocation by default, each GKE region\'s own region or the one given; weighted; anything else refused', () => {
    expect(plan(topology(GKE_TWO, cloudDns())).sqlEndpoints!.regions.map((r) => r.location)).toEqual(['us-east1', 'us-west1']);
    expect(plan(topology(GKE_TWO, cloudDns({ locations: { 'gke-west': 'us-west2' } }))).sqlEndpoints!.regions[1].location).toBe('us-west2');
    expect(messageAt(topology(GKE_TWO, cloudDns({ locations: { 'gke-west': 'US West' } })), 'sqlEndpoints.locations.gke-west')).toMatch(/is not a Google Cloud region/);
    expect(at(topology(GKE_TWO, cloudDns({ routing: 'weighted' })))).toEqual([]);
    expect(at(topology(GKE_TWO, cloudDns({ routing: 'latency' as never })))).toEqual(['sqlEndpoints.routing']);
    expect(at(topology([EKS, EKS_US], route53({ routing: 'weighted' as never })))).toEqual(['sqlEndpoints.routing']);
  });
});

describe('pinned addresses', () => {
  test('GKE: a reserved internal IP (or its name); AWS: one private IP per subnet, each inside it', () => {
    const eks = { address: '10.30.15.240', awsPrivateIps: ['10.30.15.240', '10.30.31.240'] };
    expect(at(topology([EKS, EKS_US], route53({ addresses: { eks } })))).toEqual([]);
    expect(messageAt(topology([EKS, EKS_US], route53({ addresses: { eks: '10.30.15.240' } })), 'sqlEndpoints.addresses.eks'))
      .toMatch(/1 private IP for 2 subnets \(eu-west-1a, eu-west-1b\)/);
    expect(messageAt(topology([EKS, EKS_US], route53({ addresses: { eks: { ...eks, awsPrivateIps: ['10.30.31.240', '10.30.15.240'] } } })), 'sqlEndpoints.addresses.eks.awsPrivateIps[0]'))
      .toMatch(/is not inside subnet/);
    expect(at(topology(GKE_TWO, cloudDns({ addresses: { ...GKE_ADDRESSES, 'gke-east': { address: '10.0.15.240', gcpAddressName: 'crdb-sql-east' } } })))).toEqual([]);
  });

  test('refused: no IP, unreachable, a pod or Service IP, taken by another load balancer, a handle of another cloud', () => {
    const check = (address: unknown, path = 'sqlEndpoints.addresses.gke-east', clusters = GKE_TWO) =>
      messageAt(topology(clusters, cloudDns({ addresses: { ...GKE_ADDRESSES, 'gke-east': address as string } }), {
        networking: Networking.dnsChain({ dnsAddresses: { 'gke-east': '10.0.15.53', 'gke-west': '10.16.15.53' } }),
      }), path);
    expect(check('db.example.com')).toMatch(/is not an IP address: a SQL load balancer is pinned to an IP/);
    expect(check('127.0.0.1')).toMatch(/is loopback/);
    expect(check('10.20.0.9')).toMatch(/lies inside '10.20.0.0\/14', clusters\[1\].podCidrs/);
    expect(check('10.8.0.9')).toMatch(/lies inside '10.8.0.0\/20', clusters\[0\].serviceCidrs/);
    expect(check('10.16.15.240', 'sqlEndpoints.addresses.gke-west')).toMatch(/'10.16.15.240' is also the SQL address of 'gke-east'/);
    expect(check('::ffff:10.0.15.53')).toMatch(/is also the DNS load-balancer address of 'gke-east'/);
    expect(check({ address: '10.0.15.240', awsPrivateIps: ['10.0.15.240'] }, 'sqlEndpoints.addresses.gke-east.awsPrivateIps')).toMatch(/is for AWS clusters/);
    expect(check({ address: '10.0.15.240', gcpAddressName: 'Bad Name' }, 'sqlEndpoints.addresses.gke-east.gcpAddressName')).toMatch(/is not the name of a reserved GCE address/);
    expect(messageAt(topology(GKE_TWO, cloudDns({ addresses: { ...GKE_ADDRESSES, nope: '10.0.15.241' } })), 'sqlEndpoints.addresses.nope')).toMatch(/is not the name of any cluster/);
  });

  test('cdk8s writes every record at synth time: the address of each record holding one is required', () => {
    expect(at(topology(GKE_TWO, cloudDns({ addresses: { 'gke-east': '10.0.15.240' } })), 'cdk8s')).toEqual(['sqlEndpoints.addresses.gke-west']);
    expect(at(topology(GKE_TWO, cloudDns({ addresses: { 'gke-east': '10.0.15.240' } })), 'pulumi')).toEqual([]);
    // Route 53 aliases an NLB by name: no address needed; a GKE region's A record needs one.
    expect(at(topology([EKS, EKS_US, GKE_EAST], route53({ globalClusters: ['eks', 'eks-us'] })), 'cdk8s')).toEqual(['sqlEndpoints.addresses.gke-east']);
  });

  test('AWS clusters need their subnets (the NLB spans them; the policy admits its health checks from them)', () => {
    const bare = { ...EKS_US, eks: undefined };
    expect(at(topology([EKS, bare], route53()))).toContain('clusters[1].eks.subnets');
  });
});

describe('values and shapes', () => {
  test('refused: a health check, user, CA path, project or network that is none', () => {
    const input = topology(GKE_TWO, cloudDns({
      healthCheck: 'http' as never, user: 'bad user', sslRootCert: '', project: 'P', network: 'crdb', externalDns: 'yes' as never, internal: 'no' as never,
    }));
    expect(at(input).sort()).toEqual(['sqlEndpoints.externalDns', 'sqlEndpoints.healthCheck', 'sqlEndpoints.internal', 'sqlEndpoints.network',
      'sqlEndpoints.project', 'sqlEndpoints.sslRootCert', 'sqlEndpoints.user']);
  });

  test('a value of the wrong shape is a problem at its field, never a throw; one from another copy of the library is read by its shape', () => {
    expect(at(topology(GKE_TWO, 'cloud-dns' as never))).toEqual(['sqlEndpoints']);
    expect(at(topology(GKE_TWO, { provider: 'bind', options: {} } as never))).toEqual(['sqlEndpoints']);
    expect(at(topology(GKE_TWO, { provider: 'cloud-dns', options: { zone: 'db.example.com', regionalNames: 'x', globalClusters: {} } } as never)).sort())
      .toEqual(['sqlEndpoints.globalClusters', 'sqlEndpoints.regionalNames']);
    const foreign = { provider: 'cloud-dns', options: { zone: 'db.example.com' } } as unknown as SqlEndpoints;
    expect(plan(topology(GKE_TWO, foreign)).sqlEndpoints!.global.name).toBe('sql.db.example.com');
    const hostile = { provider: 'cloud-dns', get options(): never { throw new Error('boom'); } } as unknown as SqlEndpoints;
    expect(at(topology(GKE_TWO, hostile))).toEqual(['sqlEndpoints']);
    const proto = Object.create({ inherited: '10.0.15.249' });
    proto['gke-east'] = '10.0.15.240';
    expect(plan(topology(GKE_TWO, cloudDns({ addresses: proto }))).sqlEndpoints!.regions.map((r) => r.addresses)).toEqual([['10.0.15.240'], []]);
  });

  test('the plan is derived from a copy: changing the options afterwards changes nothing', () => {
    const options = { zone: 'db.example.com', regionalNames: { 'gke-east': 'a.db.example.com' } as Record<string, string> };
    const planned = plan(topology(GKE_TWO, SqlEndpoints.cloudDns(options)));
    options.regionalNames['gke-east'] = 'b.db.example.com';
    expect(planned.sqlEndpoints!.regions[0].name).toBe('a.db.example.com');
  });

  test('planDeployment throws one TopologyError with every problem', () => {
    expect(() => plan(topology(GKE_TWO, cloudDns({ ttl: 1, globalName: 'x.org' })))).toThrow(TopologyError);
    expect(() => plan(topology(GKE_TWO, cloudDns({ ttl: 1, globalName: 'x.org' })))).toThrow(/2 problems[^]*sqlEndpoints.ttl[^]*sqlEndpoints.globalName/);
  });
});

describe('the node certificates cover every SQL name and address a client uses', () => {
  test('its own regional name, the global name when behind it, its load balancer\'s addresses; no other region\'s name', () => {
    const eks = { address: '10.30.15.240', awsPrivateIps: ['10.30.15.240', '10.30.31.240'] };
    const input = topology([EKS, EKS_US, GKE_EAST], route53({ globalClusters: ['eks', 'eks-us'], addresses: { eks, 'gke-east': '10.0.15.240' } }));
    const planned = planDeployment(input, { engine: 'pulumi', placeholders: true, resolved: { sqlAddresses: { 'eks-us': ['k8s-x.elb.us-east-2.amazonaws.com'] } } });
    const covered = (cluster: string, name: string) => isCoveredBySans(name, planned.clusters.find((c) => c.name === cluster)!.nodeCertSans);
    for (const region of planned.sqlEndpoints!.regions) {
      for (const name of [region.name, ...region.addresses, ...(region.inGlobal ? [planned.sqlEndpoints!.global.name] : [])]) {
        expect([region.cluster, name, covered(region.cluster, name)]).toEqual([region.cluster, name, true]);
      }
      for (const other of planned.sqlEndpoints!.regions.filter((r) => r !== region)) expect(covered(region.cluster, other.name)).toBe(false);
    }
    expect(covered('eks-us', 'k8s-x.elb.us-east-2.amazonaws.com')).toBe(true);
    expect(covered('gke-east', 'sql.db.example.com')).toBe(false);
    expect(covered('eks', '10.30.31.240')).toBe(true);
    // The in-cluster names stay (invariant 1 for the peers).
    expect(covered('eks', 'cockroachdb-0.cockroachdb.eks.svc.cluster.local')).toBe(true);
  });

  test('a reported address that is neither an IP nor a DNS name is refused, not certified', () => {
    expect(() => planDeployment(topology(GKE_TWO, cloudDns()), { engine: 'pulumi', resolved: { sqlAddresses: { 'gke-east': ['not a name!'] } } }))
      .toThrow(/sqlEndpoints.addresses.gke-east: the load balancer reported 'not a name!'/);
  });
});

describe('connection strings', () => {
  test('verify-full with the CA path, the user when given, percent-encoded; IPv6 hosts in brackets', () => {
    const sql = plan(topology(GKE_TWO, cloudDns({ user: 'shop_app', sslRootCert: '/etc/ssl/crdb ca.crt' }), { database: 'orders' })).sqlEndpoints!;
    expect(sql.regions[0].connectionString).toBe('postgresql://shop_app@us-east1.db.example.com:26257/orders?sslmode=verify-full&sslrootcert=/etc/ssl/crdb%20ca.crt');
    expect(sql.global.connectionString).toBe('postgresql://shop_app@sql.db.example.com:26257/orders?sslmode=verify-full&sslrootcert=/etc/ssl/crdb%20ca.crt');
    expect(connectionString({ host: 'fd00::1', port: 26257, database: 'a/b', sslRootCert: 'ca.crt', secure: true }))
      .toBe('postgresql://[fd00::1]:26257/a/b?sslmode=verify-full&sslrootcert=ca.crt');
    expect(new URL(sql.global.connectionString).searchParams.get('sslrootcert')).toBe('/etc/ssl/crdb ca.crt');
  });
});

describe('records per DNS service', () => {
  test('Route 53 latency: EKS regions as aliases to their NLB (by name) with target health, others as A records with the TTL', () => {
    const input = topology([EKS, EKS_US, GKE_EAST], route53({ globalClusters: ['eks', 'eks-us'], addresses: { 'gke-east': '10.0.15.240' }, ttl: 60 }));
    const records = sqlRecordSets(plan(input).sqlEndpoints!) as Route53RecordSet[];
    expect(records.map((r) => [r.name, r.setIdentifier ?? '', r.latencyRegion ?? '', r.alias ? 'alias' : r.values!.join(), r.ttl ?? '', r.writer])).toEqual([
      ['eu-west-1.db.example.com', '', '', 'alias', '', 'you'],
      ['us-east-2.db.example.com', '', '', 'alias', '', 'you'],
      ['us-east1.db.example.com', '', '', '10.0.15.240', 60, 'you'],
      ['sql.db.example.com', 'eks', 'eu-west-1', 'alias', '', 'you'],
      ['sql.db.example.com', 'eks-us', 'us-east-2', 'alias', '', 'you'],
    ]);
    expect(records[3].alias).toEqual({ loadBalancerName: awsSqlLoadBalancerName('eks', 'cockroachdb-sql', 'db.example.com'), service: 'eks/cockroachdb-sql', evaluateTargetHealth: true });
    expect(records[3].healthCheck!.path).toBe('/health?ready=1');
  });

  test('Route 53 geolocation: one record per location and a default one; with ExternalDNS, what it can write is marked so', () => {
    const geo = route53({ routing: 'geolocation', geolocations: { 'eks': { continent: 'EU' }, 'eks-us': { country: 'US' } }, defaultCluster: 'eks-us', externalDns: true });
    const records = sqlRecordSets(plan(topology([EKS, EKS_US], geo)).sqlEndpoints!) as Route53RecordSet[];
    expect(records.map((r) => [r.name, r.setIdentifier ?? '', JSON.stringify(r.geolocation ?? null), r.writer])).toEqual([
      ['eu-west-1.db.example.com', 'eks', '{"continent":"EU"}', 'external-dns'],
      ['us-east-2.db.example.com', 'eks-us', '{"country":"US"}', 'external-dns'],
      ['sql.db.example.com', 'eks', '{"continent":"EU"}', 'external-dns'],
      ['sql.db.example.com', 'eks-us', '{"country":"US"}', 'external-dns'],
      ['sql.db.example.com', 'eks-us-default', '{"country":"*"}', 'you'],
    ]);
  });

  test('Cloud DNS: A records per region, and one record set with a routing policy over the internal load balancers', () => {
    const sql = plan(topology(GKE_TWO, cloudDns({ project: 'acme-prod', network: 'projects/acme-prod/global/networks/crdb', externalDns: true }))).sqlEndpoints!;
    const records = sqlRecordSets(sql) as CloudDnsRecordSet[];
    expect(records.map((r) => [r.name, r.values?.join() ?? '', r.writer])).toEqual([
      ['us-east1.db.example.com', '10.0.15.240', 'external-dns'],
      ['us-west1.db.example.com', '10.16.15.240', 'external-dns'],
      ['sql.db.example.com', '', 'you'],
    ]);
    expect(records[2].routingPolicy).toEqual({
      kind: 'geolocation',
      items: [['gke-east', 'us-east1', '10.0.15.240'], ['gke-west', 'us-west1', '10.16.15.240']].map(([cluster, region, ip]) => ({
        cluster,
        location: region,
        healthCheckedTarget: {
          loadBalancerType: 'regionalL4ilb', ipAddress: ip, port: '26257', ipProtocol: 'tcp', region, project: 'acme-prod', networkUrl: 'projects/acme-prod/global/networks/crdb',
        },
        healthCheck: sql.regions.find((r) => r.cluster === cluster)!.healthCheck,
      })),
    });
  });
});

describe('the SQL load balancer each cloud gets', () => {
  const GKE_FACTS: CloudFacts = { cloud: 'gcp', version: '1.35.1-gke.1396000', subsetting: false, subnetCidr: '10.0.0.0/20' };
  const AWS_FACTS: CloudFacts = { cloud: 'aws', vpcCidrs: ['10.30.0.0/16'], subnets: Object.entries(EKS_SUBNETS).map(([zone, s]) => ({ zone, ...s })) };
  const AZURE_FACTS: CloudFacts = { cloud: 'azure', subnets: { nodes: '10.60.0.0/16' } };
  const pods = (zones: string[]) => zones.map((zone, i): PodFacts => ({ name: `cockroachdb-${i}`, zone, labels: { 'app.kubernetes.io/name': 'cockroachdb', 'app.kubernetes.io/instance': 'cockroachdb', 'app.kubernetes.io/component': 'database' } }));

  test('every cloud\'s controller accepts it, at the pinned address, internal, admitting the allow-list only', () => {
    const eks = { address: '10.30.15.240', awsPrivateIps: ['10.30.15.240', '10.30.31.240'] };
    const input = topology([GKE_EAST, EKS, AKS], route53({ globalClusters: ['eks'], addresses: { 'gke-east': '10.0.15.240', eks, 'aks': '10.60.15.240' } }));
    const services = sqlServices(input);
    validateKubeObjects(Object.values(services));
    const verdicts = {
      'gke-east': admitLoadBalancer(GKE_FACTS, services['gke-east'] as unknown as ServiceObject),
      'eks': admitLoadBalancer(AWS_FACTS, services.eks as unknown as ServiceObject, pods(['eu-west-1a', 'eu-west-1b', 'eu-west-1a'])),
      'aks': admitLoadBalancer(AZURE_FACTS, services.aks as unknown as ServiceObject),
    };
    const expected = ['10.4.0.0/14', '10.0.0.0/20', '10.8.0.0/20', '10.32.0.0/16', '10.30.0.0/16', '10.244.0.0/16', '10.60.0.0/16'].filter((c) => c !== '10.8.0.0/20');
    for (const [cluster, verdict] of Object.entries(verdicts)) {
      expect([cluster, verdict.accepted]).toEqual([cluster, true]);
      if (!verdict.accepted) continue;
      expect(verdict.internal).toBe(true);
      expect(verdict.sourceRanges).toEqual(expected);
    }
    expect(verdicts['gke-east'].accepted && verdicts['gke-east'].ingress).toEqual([{ ip: '10.0.15.240' }]);
    expect(verdicts['gke-east'].accepted && verdicts['gke-east'].regionalOnly).toBeFalsy();
  });

  test('AWS: the NLB is named and checks each pod on /health?ready=1 (or TCP); the name fits the controller\'s rules', () => {
    const services = sqlServices(topology([EKS, EKS_US], route53()));
    const a = services.eks.metadata.annotations!;
    expect(a['service.beta.kubernetes.io/aws-load-balancer-name']).toBe(awsSqlLoadBalancerName('eks', 'cockroachdb-sql', 'db.example.com'));
    expect([a['service.beta.kubernetes.io/aws-load-balancer-healthcheck-protocol'], a['service.beta.kubernetes.io/aws-load-balancer-healthcheck-port'],
      a['service.beta.kubernetes.io/aws-load-balancer-healthcheck-path']]).toEqual(['HTTPS', '8080', '/health?ready=1']);
    const tcp = sqlServices(topology([EKS, EKS_US], route53({ healthCheck: 'tcp' }))).eks.metadata.annotations!;
    expect(tcp['service.beta.kubernetes.io/aws-load-balancer-healthcheck-port']).toBe('traffic-port');
    expect(tcp['service.beta.kubernetes.io/aws-load-balancer-healthcheck-path']).toBeUndefined();
    const insecure = sqlServices(topology([EKS, EKS_US], route53(), { tls: Tls.insecure() })).eks.metadata.annotations!;
    expect(insecure['service.beta.kubernetes.io/aws-load-balancer-healthcheck-protocol']).toBe('HTTP');
    for (const ns of ['a', 'x'.repeat(63), 'internal-db', 'db-']) {
      const name = awsSqlLoadBalancerName(ns, 'cockroachdb-sql', 'db.example.com');
      expect([ns, name.length <= 32, /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/.test(name), name.startsWith('internal-')]).toEqual([ns, true, true, false]);
    }
    expect(awsSqlLoadBalancerName('eks', 'cockroachdb-sql', 'a.example.com')).not.toBe(awsSqlLoadBalancerName('eks', 'cockroachdb-sql', 'b.example.com'));
  });

  test('only ready pods, the client\'s address kept; the SQL listener with separate SQL and RPC ports', () => {
    const service = sqlServices(topology(GKE_TWO, cloudDns()))['gke-east'] as any;
    expect(service.spec.publishNotReadyAddresses).toBeUndefined();
    expect(service.spec.externalTrafficPolicy).toBe('Local');
    expect(service.spec.ports).toEqual([{ name: 'sql', port: 26257, targetPort: 'grpc', protocol: 'TCP' }]);
    expect((sqlServices(topology(GKE_TWO, cloudDns(), { separateSqlPort: true }))['gke-east'] as any).spec.ports[0].targetPort).toBe('sql');
  });

  test('ExternalDNS annotations only when asked: Route 53 routing records; with Cloud DNS the regional name only', () => {
    expect(Object.keys(sqlServices(topology([EKS, EKS_US], route53())).eks.metadata.annotations!).filter((k) => k.startsWith('external-dns'))).toEqual([]);
    const withEks = sqlServices(topology([EKS, EKS_US, GKE_EAST], route53({ externalDns: true, ttl: 60, globalClusters: ['eks', 'eks-us'], addresses: { 'gke-east': '10.0.15.240' } })));
    const dns = (s: KubeObject) => Object.fromEntries(Object.entries(s.metadata.annotations!).filter(([k]) => k.startsWith('external-dns')));
    expect(dns(withEks.eks)).toEqual({
      'external-dns.alpha.kubernetes.io/hostname': 'eu-west-1.db.example.com,sql.db.example.com',
      'external-dns.alpha.kubernetes.io/ttl': '60',
      'external-dns.alpha.kubernetes.io/set-identifier': 'eks',
      'external-dns.alpha.kubernetes.io/aws-region': 'eu-west-1',
      'external-dns.alpha.kubernetes.io/aws-evaluate-target-health': 'true',
    });
    expect(dns(withEks['gke-east'])).toEqual({ 'external-dns.alpha.kubernetes.io/hostname': 'us-east1.db.example.com', 'external-dns.alpha.kubernetes.io/ttl': '60' });
    const gcp = sqlServices(topology(GKE_TWO, cloudDns({ externalDns: true })));
    expect(dns(gcp['gke-west'])).toEqual({ 'external-dns.alpha.kubernetes.io/hostname': 'us-west1.db.example.com', 'external-dns.alpha.kubernetes.io/ttl': '180' });
  });

  test('the database NetworkPolicy admits the allow-list on the SQL port, and an NLB\'s health checks from its subnets', () => {
    const input = topology([EKS, EKS_US], route53({ sourceRanges: ['10.200.0.0/16'] }));
    const policy = (cluster: string) => renderDeployment(plan(input)).find((m) => m.cluster === cluster)!.database.find((o) => o.kind === 'NetworkPolicy') as any;
    expect(policy('eks').spec.ingress.slice(2)).toEqual([
      { from: [{ ipBlock: { cidr: '10.200.0.0/16' } }], ports: [{ protocol: 'TCP', port: 26257 }] },
      { from: [{ ipBlock: { cidr: '10.30.0.0/20' } }, { ipBlock: { cidr: '10.30.16.0/20' } }], ports: [{ protocol: 'TCP', port: 8080 }] },
    ]);
    const tcp = topology([EKS, EKS_US], route53({ healthCheck: 'tcp' }));
    const tcpPolicy = renderDeployment(plan(tcp)).find((m) => m.cluster === 'eks')!.database.find((o) => o.kind === 'NetworkPolicy') as any;
    expect(tcpPolicy.spec.ingress.filter((r: any) => r.ports[0].port === 8080)).toHaveLength(1);
    // Without sqlEndpoints the policy is what it was.
    const without = renderDeployment(plan({ ...input, sqlEndpoints: undefined })).find((m) => m.cluster === 'eks')!.database.find((o) => o.kind === 'NetworkPolicy') as any;
    expect(without.spec.ingress).toHaveLength(2);
  });

  test('the SQL Service is among every object of its cluster, once', () => {
    const objects = renderDeployment(plan(topology(GKE_TWO, cloudDns()))).flatMap(allObjects);
    expect(objects.filter((o) => o.metadata.name === 'cockroachdb-sql').map((o) => o.metadata.namespace)).toEqual(['gke-east', 'gke-west']);
  });
});
