import * as fc from 'fast-check';
import { validateKubeObjects } from '../support/kube-schema';
import { allObjects, isCoveredBySans, Networking, planDeployment, renderDeployment, Tls, TopologyError, TopologyInput } from 'crosscluster';

// Labels drawn mostly from a small valid alphabet, sometimes invalid, so both paths are exercised.
const label = fc.oneof(
  { weight: 20, arbitrary: fc.stringMatching(/^[a-z][a-z0-9-]{0,10}[a-z0-9]$/) },
  { weight: 1, arbitrary: fc.constantFrom('', 'UPPER', 'has_underscore', '-dash', 'x'.repeat(70)) },
);
const cidr = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(fc.integer({ min: 0, max: 255 }), fc.constantFrom(16, 20, 24)).map(([o, p]) => `10.${o}.0.0/${p}`) },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 0, max: 0xffff }), fc.constantFrom(48, 64)).map(([h, p]) => `fd00:${h.toString(16)}::/${p}`) },
  { weight: 1, arbitrary: fc.constantFrom('10.0.0.1/8', 'nonsense', '300.0.0.0/8') },
);
const cluster = fc.record({
  name: label,
  cloud: fc.oneof({ weight: 12, arbitrary: fc.constantFrom('gcp', 'aws', 'azure', 'generic') }, { weight: 1, arbitrary: fc.constant('mars') }),
  region: fc.oneof({ weight: 12, arbitrary: label }, { weight: 1, arbitrary: fc.constant('a,b') }),
  nodes: fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 1, max: 7 }) }, { weight: 1, arbitrary: fc.constantFrom(0, -2, 2.5) }),
  namespace: fc.option(label, { nil: undefined }),
  clusterDomain: fc.option(fc.constantFrom('cluster.local', 'east.example', 'bad domain'), { nil: undefined }),
  dns: fc.option(fc.constantFrom('kube-dns', 'coredns'), { nil: undefined }),
  podCidrs: fc.oneof({ weight: 8, arbitrary: fc.array(cidr, { minLength: 1, maxLength: 2 }) }, { weight: 1, arbitrary: fc.constant([]) }),
  nodeCidrs: fc.oneof({ weight: 8, arbitrary: fc.array(cidr, { minLength: 1, maxLength: 1 }) }, { weight: 1, arbitrary: fc.constant([]) }),
  // Cloud profiles (used only on their cloud): one NLB subnet holding every test address, private generic load balancers.
  withProfile: fc.oneof({ weight: 8, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
}).map(({ withProfile, ...c }) => ({
  ...c,
  ...(withProfile && c.cloud === 'aws' ? { eks: { subnets: { [`${c.region}-a`]: { id: 'subnet-0a000001', cidr: '10.0.0.0/8' } } } } : {}),
  ...(withProfile && c.cloud === 'generic' ? { generic: { privateLoadBalancers: true } } : {}),
}));

const topology = fc
  .tuple(
    fc.array(cluster, { minLength: 0, maxLength: 4 }),
    fc.constantFrom('dnsChain', 'perPodLoadBalancers', 'ownCoredns', 'clusterSet'),
    fc.boolean(),
    fc.oneof({ weight: 8, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    fc.constantFrom('zone', 'zone', 'region'),
  )
  .map(([generated, strategy, secure, fullAddresses, survivalGoal]) => {
    // A cluster set shares one namespace (usually: sometimes the first cluster's is left as generated).
    const clusters = strategy === 'clusterSet' && fullAddresses ? generated.map((c) => ({ ...c, namespace: generated[0].namespace ?? 'crdb' })) : generated;
    const dnsAddresses = Object.fromEntries(clusters.map((c, i) => [c.name, `10.250.${i}.53`]));
    const networking = strategy === 'dnsChain' ? Networking.dnsChain({ dnsAddresses })
      : strategy === 'ownCoredns' ? Networking.dnsChain({ dnsAddresses, ownCoredns: { clusterIps: Object.fromEntries(clusters.map((c, i) => [c.name, `10.252.${i}.53`])) } })
        : strategy === 'clusterSet' ? Networking.clusterSet({ clusterIds: Object.fromEntries(clusters.slice(0, 1).map((c) => [c.name, 'first'])) })
          : Networking.perPodLoadBalancers({
            addresses: Object.fromEntries(clusters.map((c, i) => [
              c.name,
              Array.from({ length: fullAddresses && Number.isInteger(c.nodes) && c.nodes > 0 ? c.nodes : 1 }, (_, j) => `10.251.${i}.${j + 1}`),
            ])),
          });
    return { clusters, networking, tls: secure ? Tls.certManager() : Tls.insecure(), survivalGoal } as TopologyInput;
  });

test('random topologies either render schema-valid objects that keep the invariants, or raise a TopologyError', () => {
  let valid = 0;
  let invalid = 0;
  fc.assert(
    fc.property(topology, (input) => {
      let plan;
      try {
        plan = planDeployment(input, { engine: 'cdk8s' });
      } catch (error) {
        if (!(error instanceof TopologyError)) throw error;
        expect(error.problems.length).toBeGreaterThan(0);
        for (const p of error.problems) expect(p.path).toMatch(/^(clusters|networking|tls|survivalGoal|initCluster)/);
        invalid++;
        return;
      }
      valid++;
      const rendered = renderDeployment(plan);
      validateKubeObjects(rendered.flatMap(allObjects));
      const joins = new Set(rendered.map((r) => (r.database.find((o) => o.kind === 'ConfigMap') as any).data.join));
      expect(joins.size).toBe(1);
      expect(rendered.flatMap((r) => r.database).filter((o) => o.kind === 'Job' && o.metadata.name.startsWith('cockroachdb-init-'))).toHaveLength(1);
      // Safe exposure: every load balancer admits a non-empty list of the clusters' own CIDRs, none faces the internet.
      const known = new Set(plan.clusters.flatMap((c) => [...c.podCidrs, ...c.nodeCidrs]));
      for (const service of rendered.flatMap(allObjects).filter((o: any) => o.spec?.type === 'LoadBalancer') as any[]) {
        expect(service.spec.loadBalancerSourceRanges.length).toBeGreaterThan(0);
        for (const range of service.spec.loadBalancerSourceRanges) expect(known.has(range)).toBe(true);
        expect(JSON.stringify(service.metadata.annotations)).not.toMatch(/internet-facing|"External"/);
      }
      expect(rendered.map((r) => r.database.filter((o) => o.kind === 'NetworkPolicy').length)).toEqual(plan.clusters.map(() => 1));
      for (const c of plan.clusters) {
        for (const pod of c.pods) expect(isCoveredBySans(pod.advertiseHost, c.nodeCertSans)).toBe(true);
        expect(c.localityPrefix).toContain(`region=${c.region}`);
      }
    }),
    { numRuns: 500, seed: 20261121 },
  );
  // Both outcomes must actually occur, or the generator is not testing anything.
  expect(valid).toBeGreaterThan(20);
  expect(invalid).toBeGreaterThan(20);
});
