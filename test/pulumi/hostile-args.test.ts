// The Pulumi components with hostile or careless arguments: a TopologyError naming the fields and
// nothing registered, or (for a cluster named like a prototype property) the right resources.
import type * as pulumiType from '@pulumi/pulumi';
import { Recorded, settle, startMocks, valueOf } from './mock-engine';
import { withNetworks } from '../support/topologies';

let pulumi: typeof pulumiType;
let recorded: Recorded[];
const KEY_PEM = `${['-----BEGIN', 'PRIVATE KEY-----'].join(' ')}\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n${['-----END', 'PRIVATE KEY-----'].join(' ')}\n`;

beforeAll(async () => {
  pulumi = await import('@pulumi/pulumi');
  recorded = await startMocks();
});

const COMPONENTS = ['MultiRegionCockroach', 'DnsChain', 'PerPodLoadBalancers', 'ClusterCerts'] as const;

test.each(COMPONENTS)('%s: arguments of the wrong shape give a TopologyError and register nothing', async (component) => {
  const module = await import('../../lib/pulumi');
  const Ctor = (module as any)[component];
  const before = recorded.length;
  const shapes = [
    null, undefined, 'args', 42, [],
    { clusters: 'east' },
    { clusters: [null] },
    { clusters: [{ name: 'east', cloud: 'gcp', region: 'r', nodes: 3, provider: null }], networking: 'dns', tls: { caKeyPem: KEY_PEM }, dnsAddresses: 'x', addresses: 'y' },
  ];
  for (const args of shapes) {
    let error: unknown;
    try {
      new Ctor(`hostile-${component}`, args);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(module.TopologyError);
    expect((error as Error).message).not.toMatch(/PRIVATE KEY|MIIEvQ/);
  }
  await settle();
  expect(recorded.length).toBe(before);
});

test("DnsChain: a cluster named 'constructor' without a given address reads it from its Service, never from Object.prototype", async () => {
  const { DnsChain } = await import('../../lib/pulumi');
  const k8s = await import('@pulumi/kubernetes');
  // GKE with mixed-protocol internal load balancers: one DNS Service, whose address is read from its status.
  const gke = { version: '1.36.2-gke.1498000', subsetting: true };
  const clusters = withNetworks(['constructor', 'tostring'].map((name) => ({
    name, cloud: 'gcp' as const, region: 'us-east1', nodes: 3, gke, provider: new k8s.Provider(`p-${name}`, { kubeconfig: 'x' }),
  })));
  const chain = new DnsChain('ctor', { clusters, dnsAddresses: { tostring: '10.60.0.53' } });
  const addresses = await valueOf(chain.dnsAddresses);
  expect(Object.keys(addresses).sort()).toEqual(['constructor', 'tostring']);
  // A list of the load balancer's addresses (DNS addresses may be lists), not the Object function.
  expect(Array.isArray(addresses.constructor)).toBe(true);
  expect(addresses.constructor).toEqual([expect.stringMatching(/^\d+\.\d+\.\d+\.\d+$/)]);
  expect(addresses.tostring).toEqual(['10.60.0.53']);
  await settle();
  const patches = recorded.filter((r) => r.type === 'kubernetes:core/v1:ConfigMapPatch' && r.name.startsWith('ctor-'));
  expect(patches).toHaveLength(2);
  expect(JSON.stringify(patches.map((p) => p.inputs))).not.toMatch(/function|native code/);
});

test('an Elastic IP allocation that is still an output passes the checks before it resolves', async () => {
  const { PerPodLoadBalancers } = await import('../../lib/pulumi');
  const k8s = await import('@pulumi/kubernetes');
  const provider = new k8s.Provider('p-eip', { kubeconfig: 'x' });
  const lbs = new PerPodLoadBalancers('eip', {
    // One NLB subnet: one Elastic IP.
    clusters: withNetworks([{ name: 'a', cloud: 'aws' as const, region: 'us-east-1', nodes: 1, provider }]),
    internal: false,
    addresses: { a: [{ address: '203.0.113.10', awsEipAllocation: pulumi.output('eipalloc-0123456789abcdef0') }] },
  });
  expect(await valueOf(lbs.addresses)).toEqual({ a: ['203.0.113.10'] });
  await settle();
});
