import { dnsChainTopology, perPodTopology, THREE_CLUSTERS } from '../support/topologies';
import { localityFor, multiRegionSql, Networking, planDeployment, Tls } from 'crosscluster';

describe('naming and addressing', () => {
  const plan = planDeployment(dnsChainTopology(), { engine: 'cdk8s' });

  test('namespace per cluster, and the default is the cluster name', () => {
    expect(plan.clusters.map((c) => c.namespace)).toEqual(['us-east1', 'us-west1', 'eu-west-1']);
    const defaulted = planDeployment(dnsChainTopology(THREE_CLUSTERS.map((c) => ({ ...c, namespace: undefined }))));
    expect(defaulted.clusters.map((c) => c.namespace)).toEqual(['gke-us-east1', 'gke-us-west1', 'eks-eu-west-1']);
  });

  test('service names and pod FQDNs', () => {
    const east = plan.clusters[0];
    expect(east.names.headlessService).toBe('cockroachdb');
    expect(east.names.publicService).toBe('cockroachdb-public');
    expect(east.pods.map((p) => p.fqdn)).toEqual([
      'cockroachdb-0.cockroachdb.us-east1.svc.cluster.local',
      'cockroachdb-1.cockroachdb.us-east1.svc.cluster.local',
      'cockroachdb-2.cockroachdb.us-east1.svc.cluster.local',
    ]);
    const custom = planDeployment(dnsChainTopology([{ ...THREE_CLUSTERS[0], clusterDomain: 'east.example' }], { name: 'crdb' }));
    expect(custom.clusters[0].pods[0].fqdn).toBe('crdb-0.crdb.us-east1.svc.east.example');
  });

  test('DNS defaults by cloud', () => {
    expect(plan.clusters.map((c) => c.dns)).toEqual(['kube-dns', 'kube-dns', 'coredns']);
  });
});

describe('the join list', () => {
  test('first min(3, nodes) pods of every cluster, independent of replica counts beyond three', () => {
    const clusters = [{ ...THREE_CLUSTERS[0], nodes: 7 }, { ...THREE_CLUSTERS[1], nodes: 1 }, THREE_CLUSTERS[2]];
    const plan = planDeployment(dnsChainTopology(clusters));
    expect(plan.joinAddresses).toEqual([
      'cockroachdb-0.cockroachdb.us-east1.svc.cluster.local:26257',
      'cockroachdb-1.cockroachdb.us-east1.svc.cluster.local:26257',
      'cockroachdb-2.cockroachdb.us-east1.svc.cluster.local:26257',
      'cockroachdb-0.cockroachdb.us-west1.svc.cluster.local:26257',
      'cockroachdb-0.cockroachdb.eu-west-1.svc.cluster.local:26257',
      'cockroachdb-1.cockroachdb.eu-west-1.svc.cluster.local:26257',
      'cockroachdb-2.cockroachdb.eu-west-1.svc.cluster.local:26257',
    ]);
    const more = planDeployment(dnsChainTopology([{ ...clusters[0], nodes: 30 }, ...clusters.slice(1)]));
    expect(more.joinAddresses).toEqual(plan.joinAddresses);
  });

  test('per-pod load balancers: the first three LB addresses of every cluster', () => {
    const plan = planDeployment(perPodTopology(), { engine: 'cdk8s' });
    expect(plan.joinAddresses).toEqual([
      '10.200.0.10:26257', '10.200.0.11:26257', '10.200.0.12:26257',
      '10.201.0.10:26257', '10.201.0.11:26257', '10.201.0.12:26257',
      'db-0.eks-eu-west-1.example.com:26257', 'db-1.eks-eu-west-1.example.com:26257', 'db-2.eks-eu-west-1.example.com:26257',
    ]);
    expect(plan.clusters[0].pods[1].advertiseHost).toBe('10.200.0.11');
  });

  test('resolved addresses from an engine override the options; placeholders name unknown ones', () => {
    const input = { clusters: THREE_CLUSTERS, networking: Networking.perPodLoadBalancers(), tls: Tls.generated() };
    expect(() => planDeployment(input, { engine: 'pulumi' })).toThrow(/load-balancer address of pod cockroachdb-0 is not known/);
    const placeholder = planDeployment(input, { engine: 'pulumi', placeholders: true });
    expect(placeholder.clusters[0].pods[0].advertiseHost).toMatch(/\.invalid$/);
    const resolved = planDeployment(input, {
      engine: 'pulumi',
      resolved: { podAddresses: { 'gke-us-east1': ['1.1.1.1', '1.1.1.2', '1.1.1.3'], 'gke-us-west1': ['2.2.2.1', '2.2.2.2', '2.2.2.3'], 'eks-eu-west-1': ['a.elb', 'b.elb', 'c.elb'] } },
    });
    expect(resolved.joinAddresses[0]).toBe('1.1.1.1:26257');
    expect(resolved.clusters[2].nodeCertSans.dnsNames).toEqual(expect.arrayContaining(['a.elb', 'b.elb', 'c.elb']));
    expect(resolved.clusters[0].nodeCertSans.ipAddresses).toEqual(expect.arrayContaining(['1.1.1.1', '1.1.1.2', '1.1.1.3']));
  });
});

describe('DNS forwarding plan', () => {
  test('every remote domain once, the local one never', () => {
    const plan = planDeployment(dnsChainTopology(), { engine: 'cdk8s' });
    for (const cluster of plan.clusters) {
      const domains = cluster.dnsForwards.map((f) => f.domain);
      expect(domains).not.toContain(cluster.serviceDomain);
      expect(new Set(domains).size).toBe(domains.length);
      expect(domains.sort()).toEqual(plan.clusters.filter((c) => c !== cluster).map((c) => c.serviceDomain).sort());
      for (const f of cluster.dnsForwards) {
        expect(f.servers).toEqual([plan.clusters.find((c) => c.name === f.cluster)!.dnsAddress]);
      }
    }
  });
});

describe('locality and multi-region SQL', () => {
  test('locality always carries region, and the zone is added from the node', () => {
    expect(localityFor(THREE_CLUSTERS[0], 'us-east1-b')).toBe('cloud=gcp,region=us-east1,zone=us-east1-b');
    expect(localityFor(THREE_CLUSTERS[0], undefined)).toBe('cloud=gcp,region=us-east1');
    const plan = planDeployment(dnsChainTopology());
    expect(plan.clusters.map((c) => c.localityPrefix)).toEqual([
      'cloud=gcp,region=us-east1', 'cloud=gcp,region=us-west1', 'cloud=aws,region=eu-west-1',
    ]);
  });

  test('the SQL names exactly the locality regions, primary first', () => {
    const plan = planDeployment(dnsChainTopology(THREE_CLUSTERS, { survivalGoal: 'region', database: 'bank', initCluster: 'gke-us-west1' }));
    expect(plan.multiRegionSql).toEqual([
      'CREATE DATABASE IF NOT EXISTS "bank";',
      'ALTER DATABASE "bank" PRIMARY REGION "us-west1";',
      'ALTER DATABASE "bank" ADD REGION IF NOT EXISTS "us-east1";',
      'ALTER DATABASE "bank" ADD REGION IF NOT EXISTS "eu-west-1";',
      'ALTER DATABASE "bank" SURVIVE REGION FAILURE;',
    ]);
    const regions = plan.clusters.map((c) => /region=([^,]+)/.exec(c.localityPrefix)![1]);
    for (const r of regions) expect(plan.multiRegionSql.join('\n')).toContain(`"${r}"`);
  });

  test('two clusters in one region give one region', () => {
    expect(multiRegionSql('d', 'r1', ['r1', 'r2', 'r1', 'r2'], 'zone')).toEqual([
      'CREATE DATABASE IF NOT EXISTS "d";', 'ALTER DATABASE "d" PRIMARY REGION "r1";', 'ALTER DATABASE "d" ADD REGION IF NOT EXISTS "r2";',
      'ALTER DATABASE "d" SURVIVE ZONE FAILURE;',
    ]);
  });
});
