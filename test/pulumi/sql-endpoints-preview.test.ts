// The set of resources of the client endpoints depends on the topology only: a preview, where no load
// balancer has an address yet, registers exactly the Services, records and certificates a normal run does.
import { Recorded, settle, startMocks } from './mock-engine';
import { withNetworks } from '../support/topologies';

async function run(preview: boolean): Promise<Recorded[]> {
  const recorded = await startMocks({ preview });
  const k8s = await import('@pulumi/kubernetes');
  const { MultiRegionCockroach, Networking, SqlEndpoints, Tls } = await import('../../lib/pulumi');
  const { CloudDnsSqlRecords, Route53SqlRecords } = await import('../../lib/pulumi/cloud');
  const subnets = { 'eu-west-1a': { id: 'subnet-0a000001', cidr: '10.20.0.0/20' }, 'eu-west-1b': { id: 'subnet-0b000002', cidr: '10.20.16.0/20' } };
  const clusters = withNetworks([
    { name: 'gke-east', cloud: 'gcp' as const, region: 'us-east1', nodes: 3 },
    { name: 'gke-west', cloud: 'gcp' as const, region: 'us-west1', nodes: 3 },
    { name: 'eks-eu', cloud: 'aws' as const, region: 'eu-west-1', nodes: 3, eks: { subnets } },
    { name: 'eks-us', cloud: 'aws' as const, region: 'us-east-2', nodes: 3, eks: { subnets: { 'us-east-2a': { id: 'subnet-0c000003', cidr: '10.30.0.0/20' } } } },
  ]).map((c) => ({ ...c, provider: new k8s.Provider(c.name, { kubeconfig: c.name }) }));
  const cloudDns = new MultiRegionCockroach('gcp', {
    clusters: clusters.map((c) => ({ ...c, namespace: `gcp-${c.name}` })),
    networking: Networking.perPodLoadBalancers(),
    tls: Tls.generated(),
    sqlEndpoints: SqlEndpoints.cloudDns({ zone: 'gcp.example.com', globalClusters: ['gke-east', 'gke-west'], project: 'acme-prod', network: 'projects/acme-prod/global/networks/crdb' }),
  });
  new CloudDnsSqlRecords('gcp', { endpoints: cloudDns.sqlEndpoints!, managedZone: 'gcp-zone' });
  const route53 = new MultiRegionCockroach('aws', {
    clusters: clusters.map((c) => ({ ...c, namespace: `aws-${c.name}` })),
    networking: Networking.perPodLoadBalancers(),
    tls: Tls.generated(),
    sqlEndpoints: SqlEndpoints.route53({ zone: 'aws.example.com', globalClusters: ['eks-eu', 'eks-us'] }),
  });
  new Route53SqlRecords('aws', { endpoints: route53.sqlEndpoints!, zoneId: 'Z0AWS' });
  await settle();
  return recorded;
}

function resourceSet(recorded: readonly Recorded[]): string[] {
  return recorded.map((r) => `${r.type} ${r.name}`).sort();
}

test('preview registers the same SQL load balancers, records and certificates as a normal run', async () => {
  const normal = await run(false);
  const preview = await run(true);
  const count = (pattern: RegExp) => resourceSet(normal).filter((x) => pattern.test(x)).length;
  // Per deployment a SQL Service and a node certificate per cluster; a record per name (Route 53: per region of the global name).
  expect([count(/cockroachdb-sql$/), count(/^gcp:dns\/recordSet/), count(/^aws:route53\/record/), count(/node-csr$/)]).toEqual([8, 5, 6, 8]);
  expect(resourceSet(preview)).toEqual(resourceSet(normal));
  // The SQL Services are final before any address is known; the records and SANs wait on the addresses.
  const unknown = { __pulumiUnknown: true };
  const service = (r: Recorded[]) => r.find((x) => x.name === 'aws-sql-eks-eu-cockroachdb-sql')!.inputs;
  expect(service(preview)).toEqual(service(normal));
  const regional = (r: Recorded[]) => r.find((x) => x.type === 'gcp:dns/recordSet:RecordSet' && x.inputs.name === 'us-east1.gcp.example.com.')?.inputs;
  expect(regional(normal)?.rrdatas).toHaveLength(1);
  expect(regional(preview)?.rrdatas).toEqual(unknown);
});
