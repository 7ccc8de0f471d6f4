// The cdk8s constructs with hostile or careless props: a TopologyError naming the field, before
// any construct exists; a cluster named like a prototype property is placed correctly.
import { App, Chart, Testing } from 'cdk8s';
import { ClusterCerts, DnsChain, MultiRegionCockroach, Networking, PerPodLoadBalancers, TopologyError } from '../../lib/cdk8s';
import { withNetworks } from '../support/topologies';

const CONSTRUCTS = { MultiRegionCockroach, DnsChain, PerPodLoadBalancers, ClusterCerts } as const;

test.each(Object.keys(CONSTRUCTS))('%s: props of the wrong shape give a TopologyError and create nothing', (name) => {
  const Ctor = (CONSTRUCTS as any)[name];
  for (const props of [null, undefined, 'props', 42, [], { clusters: 'a' }, { clusters: [null] }, { clusters: [{ name: 'a', cloud: 'gcp', region: 'r', nodes: 1 }], charts: 'a' }]) {
    const app = Testing.app();
    expect(() => new Ctor(app, 'db', props)).toThrow(TopologyError);
    expect(app.node.children).toHaveLength(0);
  }
});

test("charts given as null or a string are named; a cluster named 'constructor' missing from charts is not placed into Object", () => {
  const clusters = withNetworks([{ name: 'constructor', cloud: 'gcp' as const, region: 'us-east1', nodes: 1 }, { name: 'b', cloud: 'gcp' as const, region: 'us-west1', nodes: 1 }]);
  const networking = Networking.dnsChain({ dnsAddresses: { constructor: '10.1.0.53', b: '10.2.0.53' } });
  for (const charts of [null, 'b']) {
    let error: unknown;
    try {
      new MultiRegionCockroach(Testing.app(), 'db', { clusters, networking, charts: charts as never });
    } catch (e) {
      error = e;
    }
    expect((error as TopologyError).problems.map((p) => p.path)).toEqual(['charts']);
  }
  const app = new App();
  const only = new Chart(app, 'only-b');
  const db = new MultiRegionCockroach(app, 'db', { clusters, networking, charts: { b: only }, dnsCharts: { b: only } });
  expect(Object.keys(db.charts)).toEqual(['b']);
  expect(Object.keys(db.databaseObjects)).toEqual(['b']);
});
