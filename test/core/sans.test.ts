import { dnsChainTopology, perPodTopology } from '../support/topologies';
import { isCoveredBySans, planDeployment, stripPort, toSanPlan } from 'crosscluster';

describe('isCoveredBySans', () => {
  const sans = toSanPlan(['*.cockroachdb.ns.svc.cluster.local', 'cockroachdb-public', '10.0.0.1', 'fd00::1']);

  test('a wildcard matches exactly one label', () => {
    expect(isCoveredBySans('cockroachdb-0.cockroachdb.ns.svc.cluster.local', sans)).toBe(true);
    expect(isCoveredBySans('a.b.cockroachdb.ns.svc.cluster.local', sans)).toBe(false);
    expect(isCoveredBySans('cockroachdb.ns.svc.cluster.local', sans)).toBe(false);
    expect(isCoveredBySans('.cockroachdb.ns.svc.cluster.local', sans)).toBe(false);
  });

  test('names match case-insensitively, with or without a port or a trailing dot', () => {
    expect(isCoveredBySans('CockroachDB-Public:26257', sans)).toBe(true);
    expect(isCoveredBySans('cockroachdb-0.cockroachdb.ns.svc.cluster.local.', sans)).toBe(true);
  });

  test('IPs match IP entries only, IPv6 in any spelling', () => {
    expect(isCoveredBySans('10.0.0.1:26257', sans)).toBe(true);
    expect(isCoveredBySans('10.0.0.2', sans)).toBe(false);
    expect(isCoveredBySans('[fd00:0:0::1]:26257', sans)).toBe(true);
    expect(isCoveredBySans('10.0.0.1', toSanPlan(['*.0.0.1']))).toBe(false);
  });

  test('stripPort', () => {
    expect(stripPort('host:1')).toBe('host');
    expect(stripPort('[::1]:1')).toBe('::1');
    expect(stripPort('::1')).toBe('::1');
  });
});

describe('the SAN plan covers every name a peer or client uses', () => {
  test.each([
    ['DNS chain', dnsChainTopology()],
    ['per-pod load balancers', perPodTopology()],
  ])('%s', (_, input) => {
    const plan = planDeployment(input, { engine: 'cdk8s' });
    for (const join of plan.joinAddresses) {
      const owners = plan.clusters.filter((c) => c.pods.some((p) => join.startsWith(p.advertiseHost)));
      expect(owners).toHaveLength(1);
      expect(isCoveredBySans(join, owners[0].nodeCertSans)).toBe(true);
    }
    for (const cluster of plan.clusters) {
      const other = plan.clusters.find((c) => c !== cluster)!;
      for (const pod of cluster.pods) {
        expect(isCoveredBySans(pod.advertiseHost, cluster.nodeCertSans)).toBe(true);
        expect(isCoveredBySans(pod.fqdn, cluster.nodeCertSans)).toBe(true);
        expect(isCoveredBySans(`${pod.name}.${cluster.names.headlessService}`, cluster.nodeCertSans)).toBe(true);
        // A cluster's certificate never vouches for another cluster's pods.
        expect(isCoveredBySans(pod.advertiseHost, other.nodeCertSans)).toBe(false);
      }
      const pub = cluster.names.publicService;
      for (const name of [pub, `${pub}.${cluster.namespace}`, `${pub}.${cluster.serviceDomain}`, 'localhost', '127.0.0.1']) {
        expect(isCoveredBySans(name, cluster.nodeCertSans)).toBe(true);
      }
      expect(isCoveredBySans('evil.example.com', cluster.nodeCertSans)).toBe(false);
    }
  });
});
