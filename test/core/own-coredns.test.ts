// The DNS chain's CoreDNS of its own: what the plan derives (fixed ClusterIP, what the instance and
// what the cluster DNS forward, the allow-list) and every rule it adds, each alone, accepted and refused.
import { DNS_ADDRESSES, THREE_CLUSTERS } from '../support/topologies';
import {
  ClusterSpec, defaultOwnCorednsClusterIp, findTopologyProblems, Networking, OwnCorednsOptions, ownCorednsClusterIpProblem, parseCidr,
  ParsedCidr, planDeployment, staticBandSize, Tls, TopologyInput,
} from 'crosscluster';

function ownTopology(own: OwnCorednsOptions = {}, clusters: ClusterSpec[] = THREE_CLUSTERS, extra: Partial<TopologyInput> = {}): TopologyInput {
  return { clusters, networking: Networking.dnsChain({ dnsAddresses: DNS_ADDRESSES, ownCoredns: own }), tls: Tls.certManager(), ...extra };
}

function problems(input: TopologyInput, engine: 'cdk8s' | 'pulumi' | undefined = 'cdk8s') {
  return findTopologyProblems(input, engine);
}

describe('the plan', () => {
  const plan = planDeployment(ownTopology(), { engine: 'cdk8s' });

  test('pods advertise their in-cluster names, as with the DNS chain (same names, join list, certificates)', () => {
    const chain = planDeployment({ ...ownTopology(), networking: Networking.dnsChain({ dnsAddresses: DNS_ADDRESSES }) }, { engine: 'cdk8s' });
    expect(plan.joinAddresses).toEqual(chain.joinAddresses);
    expect(plan.clusters.map((c) => c.nodeCertSans)).toEqual(chain.clusters.map((c) => c.nodeCertSans));
  });

  test('each instance forwards every remote service domain to that cluster\'s load balancer, never its own', () => {
    for (const c of plan.clusters) {
      const own = c.ownCoredns!;
      expect(own.forwards.map((f) => f.domain).sort()).toEqual(plan.clusters.filter((o) => o.name !== c.name).map((o) => o.serviceDomain).sort());
      for (const f of own.forwards) expect(f.servers).toEqual([(DNS_ADDRESSES as Record<string, string>)[f.cluster]]);
    }
  });

  test('the default ClusterIP is the 53rd address of the first service block', () => {
    expect(plan.clusters.map((c) => c.ownCoredns!.clusterIp)).toEqual(['10.100.0.53', '10.100.16.53', '172.20.0.53']);
  });

  test("'database-pods' (the default): the cluster DNS forwards nothing", () => {
    for (const c of plan.clusters) {
      expect(c.ownCoredns!.resolvers).toBe('database-pods');
      expect(c.dnsForwards).toEqual([]);
    }
  });

  test("'cluster-dns': the cluster DNS forwards each remote domain to the local instance's ClusterIP, once", () => {
    const clusterDns = planDeployment(ownTopology({ resolvers: 'cluster-dns', clusterIps: { 'gke-us-east1': '10.100.0.77' } }), { engine: 'cdk8s' });
    const east = clusterDns.clusters[0];
    expect(east.ownCoredns!.clusterIp).toBe('10.100.0.77');
    expect(east.dnsForwards).toEqual([
      { cluster: 'gke-us-west1', domain: 'us-west1.svc.cluster.local', servers: ['10.100.0.77'], forceTcp: false },
      { cluster: 'eks-eu-west-1', domain: 'eu-west-1.svc.cluster.local', servers: ['10.100.0.77'], forceTcp: false },
    ]);
  });

  test("GKE Cloud DNS with 'cluster-dns': the forwarding zones target the instance's load balancer (Cloud DNS reaches no ClusterIP)", () => {
    const clusters = THREE_CLUSTERS.map((c, i) => (i === 0 ? { ...c, gke: { dns: 'cloud-dns' as const } } : c));
    const p = planDeployment(ownTopology({ resolvers: 'cluster-dns' }, clusters), { engine: 'pulumi' });
    expect(p.clusters[0].dnsForwards.map((f) => f.servers)).toEqual([['10.128.0.53'], ['10.128.0.53']]);
    // Cloud DNS's forwarders must reach that load balancer.
    expect(p.clusters[0].ownCoredns!.sourceRanges).toContain('35.199.192.0/19');
    expect(p.clusters[1].ownCoredns!.sourceRanges).not.toContain('35.199.192.0/19');
  });

  test('the load balancer admits the peers\' pod and node CIDRs (not its own cluster\'s), or the explicit list', () => {
    expect(plan.clusters[0].ownCoredns!.sourceRanges).toEqual(['10.4.0.0/14', '10.138.0.0/20', '10.8.0.0/16', '10.9.0.0/16']);
    const explicit = planDeployment({ ...ownTopology(), networking: Networking.dnsChain({ dnsAddresses: DNS_ADDRESSES, ownCoredns: {}, sourceRanges: ['10.0.0.0/8'] }) });
    expect(explicit.clusters.map((c) => c.ownCoredns!.sourceRanges)).toEqual([['10.0.0.0/8'], ['10.0.0.0/8'], ['10.0.0.0/8']]);
  });

  test('replicas and image by default: two, CoreDNS pinned by digest', () => {
    expect(plan.clusters[0].ownCoredns!.replicas).toBe(2);
    expect(plan.clusters[0].ownCoredns!.image).toMatch(/^registry\.k8s\.io\/coredns\/coredns:v1\.12\.1@sha256:[0-9a-f]{64}$/);
  });

  test('one cluster: an instance with nothing to forward (so adding a cluster later changes no pod template)', () => {
    const one = planDeployment(ownTopology({}, [THREE_CLUSTERS[0]], { networking: Networking.dnsChain({ ownCoredns: {} }) }), { engine: 'cdk8s' });
    expect(one.clusters[0].ownCoredns!.forwards).toEqual([]);
  });
});

describe('the fixed ClusterIP (KEP-3070 static band)', () => {
  const block = (cidr: string) => parseCidr(cidr) as ParsedCidr;

  test.each([['10.96.0.0/12', 256n], ['10.100.0.0/20', 256n], ['10.0.0.0/22', 64n], ['10.0.0.0/24', 16n], ['10.0.0.0/28', 16n], ['fd00::/108', 256n], ['fd00::/118', 64n]])(
    'the static band of %s is %p addresses', (cidr, size) => {
      expect(staticBandSize(block(cidr))).toBe(size);
    });

  test('the default is offset 53 where the band reaches it, else none', () => {
    expect(defaultOwnCorednsClusterIp(['10.96.0.0/12'])).toBe('10.96.0.53');
    expect(defaultOwnCorednsClusterIp(['fd00:10::/108'])).toBe('fd00:10::35');
    expect(defaultOwnCorednsClusterIp(['10.0.0.0/22'])).toBe('10.0.0.53');
    expect(defaultOwnCorednsClusterIp(['10.0.0.0/23'])).toBeUndefined();
    expect(defaultOwnCorednsClusterIp([])).toBeUndefined();
    expect(defaultOwnCorednsClusterIp(undefined)).toBeUndefined();
  });

  test.each([
    ['10.96.0.53', undefined],
    ['10.96.200.7', undefined],
    ['10.97.0.53', /is not inside the cluster's serviceCidrs \(10\.96\.0\.0\/16\)/],
    ['10.96.0.0', /network address/],
    ['10.96.0.1', /'kubernetes' Service/],
    ['10.96.0.10', /cluster DNS Service on GKE, EKS, AKS and kubeadm/],
    ['10.96.255.255', /broadcast address/],
    ['10.096.0.53', /leading zero/],
    ['not-an-ip', /is not an IP address/],
  ])('%s in 10.96.0.0/16', (ip, expected) => {
    const problem = ownCorednsClusterIpProblem(ip, ['10.96.0.0/16']);
    if (expected === undefined) expect(problem).toBeUndefined();
    else expect(problem).toMatch(expected);
  });

  test('without service blocks only the address itself is checked', () => {
    expect(ownCorednsClusterIpProblem('10.96.0.10', [])).toBeUndefined();
    expect(ownCorednsClusterIpProblem('10.96.0.1000', [])).toMatch(/not an IP address/);
  });
});

describe('validation of the own CoreDNS: each rule alone', () => {
  test('valid for both engines; the plain DNS chain\'s Cloud DNS refusal does not apply to \'database-pods\'', () => {
    expect(problems(ownTopology())).toEqual([]);
    expect(problems(ownTopology(), 'pulumi')).toEqual([]);
    const cloudDns = THREE_CLUSTERS.map((c, i) => (i === 0 ? { ...c, gke: { dns: 'cloud-dns' as const } } : c));
    expect(problems(ownTopology({}, cloudDns))).toEqual([]);
    // ... which does apply when the cluster DNS (Cloud DNS) must forward: cdk8s cannot create the zones.
    expect(problems(ownTopology({ resolvers: 'cluster-dns' }, cloudDns)).map((p) => p.path)).toEqual(['clusters[0].gke.dns']);
    // The plain chain's refusal now names the own CoreDNS as a way out.
    const plain = problems({ ...ownTopology({}, cloudDns), networking: Networking.dnsChain({ dnsAddresses: DNS_ADDRESSES }) });
    expect(plain.find((p) => p.path === 'clusters[0].gke.dns')!.message).toMatch(/ownCoredns: \{\}/);
  });

  test('a TCP-only load balancer is fine with kube-dns clusters around: the instances force TCP', () => {
    const input = { ...ownTopology(), networking: Networking.dnsChain({ dnsAddresses: DNS_ADDRESSES, ownCoredns: {}, tcpOnlyClusters: ['eks-eu-west-1'] }) };
    expect(problems(input)).toEqual([]);
    const plan = planDeployment(input);
    expect(plan.clusters[0].ownCoredns!.forwards.find((f) => f.cluster === 'eks-eu-west-1')!.forceTcp).toBe(true);
  });

  test('resolvers must be one of the two', () => {
    expect(problems(ownTopology({ resolvers: 'everyone' as never }))).toEqual([
      { path: 'networking.ownCoredns.resolvers', message: "'everyone' is not one of 'database-pods', 'cluster-dns'" },
    ]);
  });

  test.each([0, 51, 1.5, '2'])('replicas = %p is refused', (replicas) => {
    expect(problems(ownTopology({ replicas: replicas as number })).map((p) => p.path)).toEqual(['networking.ownCoredns.replicas']);
  });

  test.each([
    ['coredns/coredns', /names no version/],
    ['coredns/coredns:latest', /names no version/],
    ['coredns/coredns@sha256:abc', /digest/],
    ['', /not an image reference/],
  ])('image %p is refused', (image, message) => {
    const found = problems(ownTopology({ image }));
    expect(found.map((p) => p.path)).toEqual(['networking.ownCoredns.image']);
    expect(found[0].message).toMatch(message);
  });

  test('a version tag or a digest is accepted', () => {
    expect(problems(ownTopology({ image: 'mirror.example/coredns:1.12.1' }))).toEqual([]);
  });

  test('a ClusterIP outside the cluster\'s service range is refused, naming the range', () => {
    const found = problems(ownTopology({ clusterIps: { 'gke-us-east1': '10.128.0.53' } }));
    expect(found).toEqual([{ path: 'networking.ownCoredns.clusterIps.gke-us-east1', message: expect.stringMatching(/not inside the cluster's serviceCidrs \(10\.100\.0\.0\/20\)/) }]);
  });

  test('the cluster DNS\'s own address is refused', () => {
    expect(problems(ownTopology({ clusterIps: { 'eks-eu-west-1': '172.20.0.10' } })).map((p) => p.path)).toEqual(['networking.ownCoredns.clusterIps.eks-eu-west-1']);
  });

  test('a ClusterIP for no cluster is refused', () => {
    expect(problems(ownTopology({ clusterIps: { nowhere: '10.100.0.53' } })).map((p) => p.path)).toEqual(['networking.ownCoredns.clusterIps.nowhere']);
  });

  test('without serviceCidrs the ClusterIP must be given', () => {
    const clusters = THREE_CLUSTERS.map(({ serviceCidrs: _s, ...c }) => c);
    const found = problems(ownTopology({}, clusters));
    expect(found.map((p) => p.path)).toEqual(THREE_CLUSTERS.map((c) => `networking.ownCoredns.clusterIps.${c.name}`));
    expect(found[0].message).toMatch(/is required/);
    expect(problems(ownTopology({ clusterIps: { 'gke-us-east1': '10.100.0.53', 'gke-us-west1': '10.100.16.53', 'eks-eu-west-1': '172.20.0.53' } }, clusters))).toEqual([]);
  });

  test('a service block smaller than a /22 needs the ClusterIP given', () => {
    const clusters = THREE_CLUSTERS.map((c, i) => (i === 2 ? { ...c, serviceCidrs: ['172.20.0.0/24'] } : c));
    expect(problems(ownTopology({}, clusters))).toEqual([{ path: 'networking.ownCoredns.clusterIps.eks-eu-west-1', message: expect.stringMatching(/smaller than a \/22/) }]);
    expect(problems(ownTopology({ clusterIps: { 'eks-eu-west-1': '172.20.0.12' } }, clusters))).toEqual([]);
  });

  test('ownCoredns and clusterIps of the wrong shape are refused, not thrown', () => {
    expect(problems(ownTopology('yes' as never)).map((p) => p.path)).toEqual(['networking.ownCoredns']);
    expect(problems(ownTopology({ clusterIps: ['10.100.0.53'] as never })).map((p) => p.path)).toEqual(['networking.ownCoredns.clusterIps']);
    const hostile = { get resolvers(): string { throw new Error('boom'); } };
    expect(problems(ownTopology(hostile as never)).map((p) => p.path)).toEqual(['networking.ownCoredns']);
  });

  test('the DNS addresses are still required for every cluster in cdk8s (they pin the instances\' load balancers)', () => {
    const input = { ...ownTopology(), networking: Networking.dnsChain({ ownCoredns: {} }) };
    expect(problems(input).map((p) => p.path)).toEqual(THREE_CLUSTERS.map((c) => `networking.dnsAddresses.${c.name}`));
  });
});
