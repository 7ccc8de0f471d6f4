import { dnsChainTopology, perPodTopology, THREE_CLUSTERS } from '../support/topologies';
import { findTopologyProblems, Networking, planDeployment, Tls, TopologyError, TopologyInput } from 'crosscluster';

function problemsOf(input: TopologyInput, engine?: 'cdk8s' | 'pulumi') {
  return findTopologyProblems(input, engine);
}

function paths(input: TopologyInput, engine?: 'cdk8s' | 'pulumi'): string[] {
  return problemsOf(input, engine).map((p) => p.path);
}

describe('validation: each rule alone', () => {
  test('a valid topology has no problems', () => {
    expect(problemsOf(dnsChainTopology(), 'cdk8s')).toEqual([]);
    expect(problemsOf(perPodTopology(), 'cdk8s')).toEqual([]);
  });

  test('no clusters', () => {
    expect(paths(dnsChainTopology([]))).toEqual(['clusters']);
  });

  test('cluster names must be DNS-1123 labels', () => {
    const clusters = [{ ...THREE_CLUSTERS[0], name: 'US_East' }, ...THREE_CLUSTERS.slice(1)];
    const problems = problemsOf(dnsChainTopology(clusters));
    expect(problems.map((p) => p.path)).toContain('clusters[0].name');
    expect(problems.find((p) => p.path === 'clusters[0].name')!.message).toContain("'US_East'");
  });

  test('cluster names must be unique', () => {
    const clusters = [THREE_CLUSTERS[0], { ...THREE_CLUSTERS[1], name: THREE_CLUSTERS[0].name }];
    expect(paths(dnsChainTopology(clusters))).toContain('clusters[1].name');
  });

  test('namespaces must be unique across clusters (DNS forwarding keys on them)', () => {
    const clusters = [THREE_CLUSTERS[0], { ...THREE_CLUSTERS[1], namespace: THREE_CLUSTERS[0].namespace }];
    const problems = problemsOf(dnsChainTopology(clusters));
    const p = problems.find((x) => x.path === 'clusters[1].namespace');
    expect(p?.message).toMatch(/already used by clusters\[0\]/);
  });

  test('the default namespace (the cluster name) is checked too', () => {
    const clusters = [{ ...THREE_CLUSTERS[0], namespace: 'shared' }, { ...THREE_CLUSTERS[1], name: 'shared', namespace: undefined }];
    expect(paths(dnsChainTopology(clusters))).toContain('clusters[1].name (the default namespace)');
  });

  test.each([0, -1, 1.5, NaN, '3' as unknown as number])('nodes = %p is rejected', (nodes) => {
    const clusters = [{ ...THREE_CLUSTERS[0], nodes }, ...THREE_CLUSTERS.slice(1)];
    expect(paths(dnsChainTopology(clusters))).toContain('clusters[0].nodes');
  });

  test('region is required and must be a locality value', () => {
    const clusters = [{ ...THREE_CLUSTERS[0], region: '' }, { ...THREE_CLUSTERS[1], region: 'us west' }, THREE_CLUSTERS[2]];
    expect(paths(dnsChainTopology(clusters))).toEqual(expect.arrayContaining(['clusters[0].region', 'clusters[1].region']));
  });

  test('unknown cloud and dns kind', () => {
    const clusters = [{ ...THREE_CLUSTERS[0], cloud: 'ibm' as any, dns: 'bind' as any }, ...THREE_CLUSTERS.slice(1)];
    expect(paths(dnsChainTopology(clusters))).toEqual(expect.arrayContaining(['clusters[0].cloud', 'clusters[0].dns']));
  });

  test('the longest pod FQDN must fit DNS limits', () => {
    const longDomain = Array.from({ length: 4 }, () => 'a'.repeat(60)).join('.');
    const clusters = [{ ...THREE_CLUSTERS[0], clusterDomain: longDomain }, ...THREE_CLUSTERS.slice(1)];
    const problem = problemsOf(dnsChainTopology(clusters)).find((p) => p.message.includes('DNS allows 253'));
    expect(problem?.path).toBe('clusters[0].namespace');
  });

  test('an unparsable CIDR is named', () => {
    const clusters = [{ ...THREE_CLUSTERS[0], podCidrs: ['10.0.0.0/33'] }, { ...THREE_CLUSTERS[1], serviceCidrs: ['10.100.16.1/20'] }, THREE_CLUSTERS[2]];
    expect(paths(dnsChainTopology(clusters))).toEqual(expect.arrayContaining(['clusters[0].podCidrs[0]', 'clusters[1].serviceCidrs[0]']));
  });

  test('CIDRs must be disjoint across clusters and kinds, IPv4 and IPv6', () => {
    const clusters = [
      { ...THREE_CLUSTERS[0], podCidrs: ['10.0.0.0/14', 'fd00:10::/48'] },
      { ...THREE_CLUSTERS[1], nodeCidrs: ['10.2.0.0/20'] }, // inside cluster 0's pods
      { ...THREE_CLUSTERS[2], serviceCidrs: ['fd00:10:0:1::/64'] }, // inside cluster 0's IPv6 pods
    ];
    const problems = problemsOf(dnsChainTopology(clusters));
    expect(problems.map((p) => p.path)).toEqual(expect.arrayContaining(['clusters[1].nodeCidrs[0]', 'clusters[2].serviceCidrs[0]']));
    expect(problems.find((p) => p.path === 'clusters[1].nodeCidrs[0]')!.message).toContain("overlaps '10.0.0.0/14' at clusters[0].podCidrs[0]");
  });

  test('the init cluster must exist', () => {
    expect(paths(dnsChainTopology(THREE_CLUSTERS, { initCluster: 'nowhere' }))).toEqual(['initCluster']);
  });

  test('region survival needs three regions', () => {
    const two = THREE_CLUSTERS.slice(0, 2);
    const problems = problemsOf(dnsChainTopology(two, { survivalGoal: 'region' }));
    expect(problems).toEqual([{ path: 'survivalGoal', message: expect.stringContaining('at least 3 regions') }]);
    expect(problemsOf(dnsChainTopology(THREE_CLUSTERS, { survivalGoal: 'region' }))).toEqual([]);
  });

  test('flags the library owns cannot be passed again', () => {
    expect(paths(dnsChainTopology(THREE_CLUSTERS, { extraStartFlags: ['--join=x', '--max-offset=250ms', 'bad flag'] })))
      .toEqual(['extraStartFlags[0]', 'extraStartFlags[2]']);
  });

  test('quantities and the image tag', () => {
    expect(paths(dnsChainTopology(THREE_CLUSTERS, { memory: '8 GB', cpu: '0', storageSize: 'lots', version: 'latest' })))
      .toEqual(['version', 'storageSize', 'cpu', 'memory']);
  });

  test('cdk8s needs every DNS address up front; Pulumi only for AWS (NLBs report hostnames)', () => {
    const input = { ...dnsChainTopology(), networking: Networking.dnsChain({ dnsAddresses: { 'gke-us-east1': '10.128.0.53' } }) };
    expect(paths(input, 'cdk8s')).toEqual(['networking.dnsAddresses.gke-us-west1', 'networking.dnsAddresses.eks-eu-west-1']);
    // Pulumi reads a missing IP from the Service, except where there is none to read: an AWS NLB reports
    // a hostname, and GKE before mixed-protocol internal LBs needs two Services on one shared address.
    expect(paths({ ...input, tls: Tls.generated() }, 'pulumi')).toEqual(['networking.dnsAddresses.eks-eu-west-1', 'networking.dnsAddresses.gke-us-west1']);
    const recent = input.clusters.map((c) => (c.cloud === 'gcp' ? { ...c, gke: { version: '1.36.2-gke.1498000', subsetting: true } } : c));
    expect(paths({ ...input, clusters: recent, tls: Tls.generated() }, 'pulumi')).toEqual(['networking.dnsAddresses.eks-eu-west-1']);
  });

  test('a TCP-only DNS load balancer cannot serve kube-dns stubDomains', () => {
    const input = { ...dnsChainTopology(), networking: Networking.dnsChain({ dnsAddresses: { 'gke-us-east1': '10.128.0.53', 'gke-us-west1': '10.138.0.53', 'eks-eu-west-1': '10.9.0.53' }, tcpOnlyClusters: ['eks-eu-west-1'] }) };
    const problems = problemsOf(input);
    expect(problems).toEqual([{ path: 'networking.tcpOnlyClusters[0]', message: expect.stringContaining("'gke-us-east1', 'gke-us-west1' forward to it with kube-dns stubDomains") }]);
    const allCoreDns = { ...input, clusters: THREE_CLUSTERS.map((c) => ({ ...c, dns: 'coredns' as const })) };
    expect(problemsOf(allCoreDns)).toEqual([]);
  });

  test('DNS addresses must be IPs of known clusters', () => {
    const input = { ...dnsChainTopology(), networking: Networking.dnsChain({ dnsAddresses: { 'gke-us-east1': 'dns.example.com', 'elsewhere': '10.250.0.1' } }) };
    expect(paths(input)).toEqual(['networking.dnsAddresses.gke-us-east1', 'networking.dnsAddresses.elsewhere']);
  });

  test('fewer per-pod addresses than nodes is a clear error', () => {
    const input = { ...perPodTopology(), networking: Networking.perPodLoadBalancers({ addresses: { 'gke-us-east1': ['10.250.0.1'] } }) };
    const problems = problemsOf(input, 'cdk8s');
    expect(problems[0]).toEqual({ path: 'networking.addresses.gke-us-east1', message: '1 address for 3 nodes: every pod needs its own load-balancer address' });
    expect(problems.map((p) => p.path)).toEqual([
      'networking.addresses.gke-us-east1',
      'networking.addresses.gke-us-west1',
      'networking.addresses.eks-eu-west-1',
    ]);
  });

  test('per-pod addresses must be unique IPs or DNS names', () => {
    const input = {
      ...perPodTopology(),
      networking: Networking.perPodLoadBalancers({
        addresses: { 'gke-us-east1': ['10.250.0.1', '10.250.0.1', 'not an address'] },
      }),
    };
    expect(paths(input)).toEqual(['networking.addresses.gke-us-east1[1]', 'networking.addresses.gke-us-east1[2]']);
  });

  test('Tls.generated() in cdk8s is rejected with the reason and the alternative', () => {
    const problem = problemsOf({ ...dnsChainTopology(), tls: Tls.generated() }, 'cdk8s')[0];
    expect(problem.path).toBe('tls');
    expect(problem.message).toMatch(/private keys/);
    expect(problem.message).toMatch(/Tls\.certManager\(\)/);
  });

  test('bad TLS options are named', () => {
    expect(paths({ ...dnsChainTopology(), tls: Tls.certManager({ duration: 'a year' }) })).toEqual(['tls.duration']);
    expect(paths({ ...dnsChainTopology(), tls: Tls.generated({ validityHours: 100, earlyRenewalHours: 200 }) }, 'pulumi'))
      .toEqual(['tls.earlyRenewalHours']);
  });
});

describe('validation: several problems at once', () => {
  test('one TopologyError lists every problem, each naming its field', () => {
    const clusters = [
      { ...THREE_CLUSTERS[0], nodes: 0 },
      { ...THREE_CLUSTERS[1], name: 'Bad Name', podCidrs: ['10.0.0.0/16'] },
      { ...THREE_CLUSTERS[2], region: '' },
    ];
    let error: unknown;
    try {
      planDeployment({ ...dnsChainTopology(clusters), initCluster: 'missing', survivalGoal: 'region' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TopologyError);
    const problems = (error as TopologyError).problems.map((p) => p.path);
    expect(problems).toEqual(expect.arrayContaining([
      'clusters[0].nodes', 'clusters[1].name', 'clusters[1].podCidrs[0]', 'clusters[2].region', 'initCluster', 'survivalGoal',
    ]));
    expect((error as Error).message).toContain(`${problems.length} problems`);
  });

  test('garbage input never throws anything but a TopologyError', () => {
    for (const input of [null, 42, {}, { clusters: 'x' }, { clusters: [null, 3] }, { clusters: [{}], networking: {}, tls: {} }]) {
      expect(() => planDeployment(input as any)).toThrow(TopologyError);
    }
  });
});
