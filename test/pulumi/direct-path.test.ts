// MultiRegionCockroach with Networking.podIps and Networking.hostNetwork under the shipped mocks:
// the join load balancers are registered first and their addresses (an IP on GKE, the NLB's name on
// AWS) flow into the join list; every registered object equals the renderers' object for the same
// resolved addresses (parity with cdk8s); what is refused is refused before anything is registered.
import {
  kubeObjectOf, kubeResources, lbAddress, Recorded, settle, startMocks, valueOf, withoutEngineAnnotations,
} from './mock-engine';
import { validateKubeObjects } from '../support/kube-schema';
import { withNetworks } from '../support/topologies';

type Obj = Record<string, any>;

const CLUSTERS = withNetworks([
  { name: 'us-east', cloud: 'gcp', region: 'us-east1', nodes: 3 },
  { name: 'eu-west', cloud: 'aws', region: 'eu-west-1', nodes: 2 },
] as const);
const HOSTS = withNetworks([
  { name: 'dc-a', cloud: 'generic', region: 'east', nodes: 2 },
  { name: 'dc-b', cloud: 'generic', region: 'west', nodes: 1 },
] as const);
const NODES = {
  'dc-a': [{ name: 'a-1', address: '192.168.0.11' }, { name: 'a-2', address: 'a-2.dc.example' }],
  'dc-b': [{ name: 'b-1', address: '192.168.1.11' }],
};

let recorded: Recorded[];
let podIps: import('../../lib/pulumi').MultiRegionCockroach;
let hostNet: import('../../lib/pulumi').MultiRegionCockroach;

beforeAll(async () => {
  recorded = await startMocks();
  const k8s = await import('@pulumi/kubernetes');
  const { MultiRegionCockroach, Networking, Tls } = await import('../../lib/pulumi');
  const provider = (name: string) => new k8s.Provider(name, { kubeconfig: name });
  podIps = new MultiRegionCockroach('pods', {
    clusters: CLUSTERS.map((c) => ({ ...c, provider: provider(c.name) })),
    networking: Networking.podIps(),
    tls: Tls.certManager(),
  });
  hostNet = new MultiRegionCockroach('hosts', {
    clusters: HOSTS.map((c) => ({ ...c, provider: provider(c.name) })),
    networking: Networking.hostNetwork({ nodes: NODES }),
  });
  await valueOf(podIps.joinAddresses);
  await valueOf(hostNet.certs!.nodeCertPems['dc-a']);
  await settle();
});

const registered = (namespaces: readonly string[]) => kubeResources(recorded).map(kubeObjectOf)
  .filter((o) => namespaces.includes(o.metadata.namespace ?? o.metadata.labels?.['crosscluster.io/cluster']));

describe('Networking.podIps', () => {
  test('one join load balancer per cluster, registered with the cluster\'s provider and awaited for its address only', () => {
    const services = kubeResources(recorded).filter((r) => r.type === 'kubernetes:core/v1:Service' && r.inputs.spec.type === 'LoadBalancer');
    expect(services.map((s) => `${s.provider}/${s.inputs.metadata.name}`).sort()).toEqual(['eu-west/cockroachdb-join', 'us-east/cockroachdb-join']);
    for (const s of services) expect(s.inputs.metadata.annotations['pulumi.com/waitFor']).toBe('jsonpath={.status.loadBalancer.ingress}');
    expect(Object.keys(podIps.joinLoadBalancers!)).toEqual(['us-east', 'eu-west']);
  });

  test('the join list is the load balancers\' addresses as the clouds report them (GKE an IP, the NLB a name), in every cluster', async () => {
    const join = await valueOf(podIps.joinAddresses);
    expect(join).toEqual([
      `${lbAddress('us-east', 'us-east', 'cockroachdb-join')}:26257`,
      `${lbAddress('eu-west', 'eu-west', 'cockroachdb-join')}:26257`,
    ]);
    expect(join[1]).toMatch(/\.elb\.example\.com:26257$/);
    const maps = registered(['us-east', 'eu-west']).filter((o) => o.kind === 'ConfigMap' && o.metadata.name === 'cockroachdb-topology');
    expect(maps.map((m) => m.data.join)).toEqual([join.join(','), join.join(',')]);
    // Each cluster's per-pod certificates will hold its own join load balancer's address.
    expect(maps.map((m) => [m.data['join-lb-ips'], m.data['join-lb-names']])).toEqual([[join[0].replace(':26257', ''), ''], ['', join[1].replace(':26257', '')]]);
    const advertised = await valueOf(podIps.advertiseAddresses);
    expect(advertised).toEqual({ 'us-east': ['$(POD_IP)', '$(POD_IP)', '$(POD_IP)'], 'eu-west': ['$(POD_IP)', '$(POD_IP)'] });
  });

  test('parity: every registered object equals the renderers\' object for the same resolved join addresses', async () => {
    const join = await valueOf(podIps.joinAddresses);
    const { planDeployment, Networking, Tls } = await import('../../lib/core');
    const { renderDeployment, allObjects } = await import('../../lib/manifests');
    const plan = planDeployment({ clusters: CLUSTERS, networking: Networking.podIps(), tls: Tls.certManager() }, {
      engine: 'pulumi', resolved: { joinAddresses: { 'us-east': [join[0].replace(':26257', '')], 'eu-west': [join[1].replace(':26257', '')] } },
    });
    const key = (o: Obj) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    const canonical = (o: Obj) => {
      const copy = withoutEngineAnnotations(o);
      if (copy.metadata.annotations && Object.keys(copy.metadata.annotations).length === 0) delete copy.metadata.annotations;
      return copy;
    };
    // The join Services are registered unpinned (their addresses are what the cloud gives): compare without the pin.
    const expected = Object.fromEntries(renderDeployment(plan).flatMap(allObjects).map((o) => [key(o), canonical(o as Obj)]));
    const actual = Object.fromEntries(registered(['us-east', 'eu-west']).map((o) => [key(o), canonical(o)]));
    for (const name of Object.keys(expected).filter((k) => k.startsWith('Service/') && k.endsWith('/cockroachdb-join'))) {
      delete expected[name].spec.loadBalancerIP;
      delete expected[name].metadata.annotations?.['service.beta.kubernetes.io/aws-load-balancer-private-ipv4-addresses'];
    }
    expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
    expect(actual).toEqual(expected);
    validateKubeObjects(Object.values(actual));
  });

  test('per-pod certificates: cert-manager\'s Issuer and the root client Certificate, no node Certificate, the Role that lets pods request theirs', () => {
    const objects = registered(['us-east']);
    expect(objects.filter((o) => o.kind === 'Certificate').map((o) => o.metadata.name)).toEqual(['cockroachdb-client-root']);
    expect(objects.filter((o) => o.kind === 'Issuer')).toHaveLength(1);
    expect(objects.filter((o) => o.kind === 'Role').map((o) => o.metadata.name)).toContain('cockroachdb-pod-certificates');
  });

  test('refused before anything is registered: Tls.generated (no pod IP at deploy time)', async () => {
    const k8s = await import('@pulumi/kubernetes');
    const { MultiRegionCockroach, Networking, TopologyError } = await import('../../lib/pulumi');
    const before = recorded.length;
    const attempt = () => new MultiRegionCockroach('refused', {
      clusters: CLUSTERS.map((c) => ({ ...c, provider: new k8s.Provider(`${c.name}-x`, { kubeconfig: c.name }) })),
      networking: Networking.podIps(),
    });
    expect(attempt).toThrow(TopologyError);
    expect(attempt).toThrow(/Tls.generated\(\) signs certificates at deploy time/);
    await settle();
    expect(recorded.filter((r) => r.name.startsWith('refused'))).toEqual([]);
    expect(recorded.length - before).toBe(4); // only the four providers of the two attempts
  });
});

describe('Networking.hostNetwork', () => {
  test('no load balancer; the join list is the listed addresses; generated certificates cover every listed node of their cluster', async () => {
    expect(registered(['dc-a', 'dc-b']).filter((o) => o.kind === 'Service' && o.spec.type === 'LoadBalancer')).toEqual([]);
    expect(await valueOf(hostNet.joinAddresses)).toEqual(['192.168.0.11:26257', 'a-2.dc.example:26257', '192.168.1.11:26257']);
    const sans = await valueOf(hostNet.certs!.nodeSans['dc-a']);
    expect(sans.ipAddresses).toContain('192.168.0.11');
    expect(sans.dnsNames).toContain('a-2.dc.example');
    expect(sans.ipAddresses).not.toContain('192.168.1.11');
  });

  test('the StatefulSet runs on the host network, one pod per labelled node', () => {
    const sts = registered(['dc-a']).find((o) => o.kind === 'StatefulSet')!;
    expect(sts.spec.template.spec).toMatchObject({ hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' });
    expect(sts.metadata.annotations['pulumi.com/skipAwait']).toBe('true');
  });
});
