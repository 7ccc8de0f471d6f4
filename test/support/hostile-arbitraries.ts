// fast-check arbitraries for hostile and careless input: a valid-looking topology, then mutations
// that put a hostile value into any field (every field of the props, of a cluster, of the
// strategies and of the TLS options), or change the shape of the props themselves.
import * as fc from 'fast-check';
import { ClusterSpec, Networking, Tls, TopologyInput } from 'crosscluster';

/** PEM armour built at run time, so no key-looking literal sits in the repository. */
const PEM_KEY_HEADER = ['-----BEGIN', 'PRIVATE KEY-----'].join(' ');
const PEM_KEY_FOOTER = ['-----END', 'PRIVATE KEY-----'].join(' ');
/** Marker inside every fake key and pre-shared key the harness hands in; it must never come back out. */
export const SECRET_MARKER = 'Zq7SecretMarkerXv93';
/** A fake private key: PEM armour around the marker and random base64. */
export const fakeKeyPem = fc.base64String({ minLength: 40, maxLength: 80 }).map((b64) => `${PEM_KEY_HEADER}\n${SECRET_MARKER}${b64}\n${PEM_KEY_FOOTER}\n`);

/**
 * A value made only when a mutation is applied: fast-check inspects and prints the values it
 * generates, which a proxy or a throwing getter would break, so those travel as recipes.
 */
export class Lazy {
  constructor(private readonly make: () => unknown, private readonly label: string) {}
  /** The value itself. */
  public value(): unknown {
    return this.make();
  }
  public toString(): string {
    return this.label;
  }
}

/** The value of a {@link Lazy}, or the value itself. */
export function materialize(value: unknown): unknown {
  return value instanceof Lazy ? value.value() : value;
}

/** Values that break naive code: wrong types, special numbers, prototype keys, throwing getters, proxies. */
export function trickyValue(): fc.Arbitrary<unknown> {
  const throwingGetter = fc.constant(new Lazy(() => Object.defineProperty({}, 'name', { enumerable: true, get: () => { throw new Error(`getter ${SECRET_MARKER}`); } }), 'throwing getter'));
  const throwingProxy = fc.constant(new Lazy(() => new Proxy({}, { get: () => { throw new Error('trap'); }, ownKeys: () => { throw new Error('trap'); } }), 'throwing proxy'));
  const revoked = fc.constant(new Lazy(() => {
    const { proxy, revoke } = Proxy.revocable([], {});
    revoke();
    return proxy;
  }, 'revoked proxy'));
  return fc.oneof(
    fc.constantFrom(null, undefined, true, false, 0, -0, -1, 1.5, NaN, Infinity, -Infinity, 1e300, -1e300, 2 ** 53 + 1, 10n),
    fc.constantFrom('', ' ', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'a,b', 'a\nb', 'a=b', "'; rm -rf / #", '$(id)', '`id`',
      'UPPER', '-lead', 'trail-', 'x'.repeat(300), 'ü', '\u0000', '..', '.', '*', 'kube-system', 'default', 'latest'),
    fc.constantFrom([], [null], [[]], {}, { length: 3 }, new Map(), new Date(0), Object.freeze({}), Object.freeze([1])),
    fc.constant(0).map(() => JSON.parse('{"__proto__": {"polluted": true}, "constructor": 1}')),
    fc.constant(0).map(() => Symbol('s')),
    fc.constant(0).map(() => () => 1),
    throwingGetter,
    throwingProxy,
    revoked,
    fakeKeyPem,
    fc.string({ maxLength: 12 }),
    fc.integer(),
    fc.double(),
  );
}

// ---- field values: mostly what a careful or careless user writes, sometimes hostile ----

const label = fc.stringMatching(/^[a-z][a-z0-9]{0,6}(-[a-z0-9]{1,4})?$/);
/** The same IPv4 address written three ways: plain, IPv4-mapped IPv6, and with a leading zero (refused). */
const ipv4Spellings = (o: number[]) => [o.join('.'), `::ffff:${o.join('.')}`, [o[0], `0${o[1]}`, o[2], o[3]].join('.')];
const privateIp = fc.tuple(fc.integer({ min: 200, max: 254 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 254 }))
  .map(([b, c, d]) => [10, b, c, d]);
const ipText = fc.oneof(
  { weight: 8, arbitrary: privateIp.map((o) => o.join('.')) },
  { weight: 2, arbitrary: fc.tuple(privateIp, fc.nat(2)).map(([o, k]) => ipv4Spellings(o)[k]) },
  { weight: 2, arbitrary: fc.tuple(fc.integer({ min: 1, max: 0xfff }), fc.integer({ min: 1, max: 0xffff })).map(([a, b]) => `fd00:${a.toString(16)}::${b.toString(16)}`) },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 1, max: 0xfff }), fc.integer({ min: 1, max: 0xffff })).map(([a, b]) => `FD00:${a.toString(16)}:0:0::${b.toString(16)}`) },
  {
    weight: 2,
    arbitrary: fc.constantFrom('127.0.0.1', '0.0.0.0', '255.255.255.255', '224.0.0.5', '169.254.169.254', '::', '::1', 'fe80::1', 'ff02::1',
      '010.2.0.53', '10.0.0.1', '10.4.0.7', '1.2.3', '10.2.0.53/32', 'fe80::1%eth0', '[fd00::1]'),
  },
);
const dnsName = fc.tuple(label, label, fc.constantFrom('example.com', 'Example.COM', 'example.com.', 'internal')).map((p) => p.join('.'));
const domain = fc.oneof(
  { weight: 30, arbitrary: fc.constant(undefined) },
  { weight: 3, arbitrary: fc.constantFrom('cluster.local', 'Cluster.Local', 'cluster.local.', 'east.example', 'k8s.corp.internal') },
  { weight: 2, arbitrary: label.map((l) => `${l}.svc.cluster.local`) },
  { weight: 1, arbitrary: fc.constantFrom('CLUSTER.LOCAL.', 'bad domain', '.', 'a..b', `${'a'.repeat(64)}.local`) },
);
const cidr = (second: number) => fc.oneof(
  { weight: 40, arbitrary: fc.constantFrom(16, 20).map((p) => `10.${second}.0.0/${p}`) },
  { weight: 1, arbitrary: fc.constantFrom('0.0.0.0/0', '0.0.0.0/1', '8.8.8.0/24', '10.0.0.1/8', '300.0.0.0/8', 'fd00::/300', 'nonsense', '10.0.0.0/08') },
);

/** Mostly one block, sometimes none (the allow-lists and the NetworkPolicy need the pod and node CIDRs). */
const cidrs = (second: number) => fc.oneof({ weight: 40, arbitrary: cidr(second).map((c) => [c]) }, { weight: 1, arbitrary: fc.constant([]) });

/**
 * One cluster, mostly valid; its CIDRs come from a second octet unique to its index so most
 * topologies are disjoint. Its cloud profile is what the cloud needs: on AWS one NLB subnet
 * (10.192.0.0/10 holds every generated private address) in its zone, on a generic cluster
 * private load balancers, on AKS CoreDNS.
 */
function clusterAt(index: number): fc.Arbitrary<ClusterSpec> {
  return fc.record({
    name: fc.oneof({ weight: 60, arbitrary: label }, { weight: 1, arbitrary: fc.constantFrom('constructor', 'tostring', 'kube-dns', 'Bad_Name', '__proto__') }),
    cloud: fc.oneof({ weight: 60, arbitrary: fc.constantFrom('gcp', 'aws', 'azure', 'generic') }, { weight: 1, arbitrary: fc.constantFrom('GCP', 'mars') }),
    region: fc.oneof({ weight: 60, arbitrary: label }, { weight: 1, arbitrary: fc.constantFrom('us east', 'a,b', 'a=b', 'r"; DROP', 'x'.repeat(64)) }),
    nodes: fc.oneof(
      { weight: 60, arbitrary: fc.integer({ min: 1, max: 5 }) },
      { weight: 1, arbitrary: fc.constantFrom(0, -1, 2.5, 1e300, NaN, 10001) },
    ),
    namespace: fc.option(fc.oneof({ weight: 60, arbitrary: label }, { weight: 1, arbitrary: fc.constantFrom('kube-system', 'kube-public', 'kube-node-lease', 'default', 'kube-x') }), { nil: undefined }),
    clusterDomain: domain,
    dns: fc.option(fc.constantFrom('kube-dns', 'coredns'), { nil: undefined }),
    zones: fc.option(fc.array(fc.oneof({ weight: 60, arbitrary: label.map((l) => `${l}-a`) }, { weight: 1, arbitrary: fc.constantFrom('a b', 'a,b', '-x', 'x'.repeat(64), '') }), { maxLength: 3 }), { nil: undefined }),
    podCidrs: cidrs(index * 4),
    serviceCidrs: fc.array(cidr(index * 4 + 1), { maxLength: 1 }),
    nodeCidrs: cidrs(index * 4 + 2),
  }, { requiredKeys: ['name', 'cloud', 'region', 'nodes', 'podCidrs', 'nodeCidrs'] }).map((c) => {
    if (c.cloud === 'generic') return { ...c, generic: { privateLoadBalancers: true } };
    // AKS runs CoreDNS only.
    if (c.cloud === 'azure' && c.dns === 'kube-dns') return { ...c, dns: 'coredns' };
    if (c.cloud !== 'aws') return c;
    // An NLB spans the subnets of the zones its pods run in: one zone, one subnet.
    const zones = c.zones?.slice(0, 1);
    const zone = zones?.[0] ?? `${c.region}a`;
    return { ...c, ...(zones ? { zones } : {}), eks: { subnets: { [zone]: { id: `subnet-0${index}a1b2c3d`, cidr: '10.192.0.0/10' } } } };
  }) as fc.Arbitrary<ClusterSpec>;
}

const podAddress = fc.oneof(
  { weight: 6, arbitrary: ipText },
  { weight: 3, arbitrary: dnsName },
  {
    weight: 2,
    arbitrary: fc.record({
      address: fc.oneof(ipText, dnsName),
      gcpAddressName: fc.option(fc.constantFrom('db-0', 'Bad Name', 'a,b'), { nil: undefined }),
      awsSubnet: fc.option(fc.constantFrom('subnet-0123456789abcdef0', 'my-subnet', 'a,b', 'a\nb'), { nil: undefined }),
      awsEipAllocation: fc.option(fc.constantFrom('eipalloc-0123456789abcdef0', 'eip'), { nil: undefined }),
    }, { requiredKeys: ['address'] }),
  },
);

/** A map keyed by cluster name, sometimes with hostile keys, sometimes as a Map, sometimes null-prototype. */
function keyedBy<T>(names: readonly string[], value: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc.tuple(
    fc.array(value, { minLength: names.length, maxLength: names.length }),
    fc.constantFrom('object', 'object', 'object', 'map', 'null-prototype', 'extra-key', 'json-proto'),
    value,
  ).map(([values, form, extra]) => {
    const entries: Array<[string, unknown]> = names.map((n, i) => [n, values[i]]);
    switch (form) {
      case 'map': return new Map(entries);
      case 'null-prototype': return Object.assign(Object.create(null), Object.fromEntries(entries));
      case 'extra-key': return { ...Object.fromEntries(entries), constructor: extra };
      case 'json-proto': return Object.assign(JSON.parse('{"__proto__": "10.250.9.9"}'), Object.fromEntries(entries));
      default: return Object.fromEntries(entries);
    }
  });
}

const tls = fc.oneof(
  { weight: 24, arbitrary: fc.constant(Tls.certManager()) },
  { weight: 6, arbitrary: fc.constant(Tls.insecure()) },
  {
    weight: 2,
    arbitrary: fc.record({
      caSecretName: fc.option(fc.constantFrom('cockroachdb-ca', 'cockroachdb-node', 'Bad_Name', 'a.b'), { nil: undefined }),
      issuerName: fc.option(fc.constantFrom('issuer', 'UPPER'), { nil: undefined }),
      duration: fc.option(fc.constantFrom('8760h', '2160h', '30m', 'a year', '1e9h', '-1h', '99999999999h'), { nil: undefined }),
      renewBefore: fc.option(fc.constantFrom('720h', '9000h', '1m', '1h30m'), { nil: undefined }),
    }).map((o) => Tls.certManager(o)),
  },
  // A Tls from another copy of the library, carrying a CA key: it must never be echoed.
  { weight: 1, arbitrary: fakeKeyPem.map((key) => ({ kind: 'existingCa', options: { caCertPem: 'cert', caKeyPem: key } })) },
  { weight: 1, arbitrary: fakeKeyPem.map((key) => ({ kind: 'certManager', options: { caKeyPem: key } })) },
  { weight: 1, arbitrary: fakeKeyPem.map((key) => ({ caKeyPem: key })) },
);

/** Mostly one of the good values, sometimes a bad one, often left out. */
function optionValue<T>(good: readonly T[], bad: readonly unknown[]): fc.Arbitrary<unknown> {
  const value = fc.oneof({ weight: 40, arbitrary: fc.constantFrom(...good) }, { weight: 1, arbitrary: fc.constantFrom(...bad) });
  return fc.option(value, { nil: undefined, freq: 3 });
}

const cockroachOptions = fc.record({
  name: optionValue(['cockroachdb', 'db', 'x'.repeat(52)], ['0db', 'Db', 'x'.repeat(53)]),
  image: optionValue(['cockroachdb/cockroach', 'registry.example.com:5000/db/cockroach', `cockroachdb/cockroach@sha256:${'a'.repeat(64)}`],
    ['Cockroach', 'a b', 'img;rm', `img@sha256:${'z'.repeat(64)}`, 'cockroachdb/cockroach:v1', `${'a'.repeat(40)}!`]),
  version: optionValue(['v25.2.4', `v25.2.4@sha256:${'b'.repeat(64)}`], ['latest', 'v1 2', '-v']),
  storageSize: optionValue(['100Gi', '1Gi', '10Ti'], ['500Mi', '1e300', '0', 'lots']),
  storageClass: optionValue(['standard', 'premium-rwo', 'a.b'], ['Fast_SSD', 'a..b']),
  cpu: optionValue(['2', '500m', '4'], ['0', '1e300', '-1']),
  memory: optionValue(['8Gi', '4Gi', '1Gi'], ['100Mi', '500m', '128Ti', '8 GB']),
  extraStartFlags: fc.option(fc.array(fc.oneof(
    { weight: 30, arbitrary: fc.constantFrom('--max-offset=250ms', '--cluster-name=prod') },
    { weight: 1, arbitrary: fc.constantFrom('--sql-addr=:26258', '--listen-addr=:1', '--http-addr=:1', '--join=x', "--x='y'", 'bad flag', '--Upper', '--advertise-sql-addr=x') },
  ), { maxLength: 2 }), { nil: undefined }),
  survivalGoal: optionValue(['zone', 'zone', 'zone', 'zone', 'zone', 'zone', 'zone', 'region'], ['planet']),
  database: optionValue(['defaultdb', 'app'], ['', 'a\nb', 'x'.repeat(64)]),
  terminationGracePeriodSeconds: optionValue([300, 0, 86400], [1e300, -1, 1.5, 86401]),
  localityImage: optionValue(['curlimages/curl:8.11.1', `curlimages/curl@sha256:${'c'.repeat(64)}`], ['curlimages/curl', 'curlimages/curl:latest', 'CURL']),
}, { requiredKeys: [] }).map((o) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)));

/** A field a mutation can replace, with the hostile values to put there. */
interface Mutation {
  readonly category: string;
  apply(input: Record<string, any>): void;
}

function clusterFieldMutation(field: string): fc.Arbitrary<Mutation> {
  return fc.tuple(fc.nat(3), trickyValue()).map(([i, value]) => ({
    category: `clusters[].${field}`,
    apply(input) {
      value = materialize(value);
      const clusters = input.clusters;
      if (Array.isArray(clusters) && clusters.length > 0 && clusters[i % clusters.length] && typeof clusters[i % clusters.length] === 'object') {
        clusters[i % clusters.length] = { ...clusters[i % clusters.length], [field]: value };
      }
    },
  }));
}

function topFieldMutation(field: string): fc.Arbitrary<Mutation> {
  return trickyValue().map((value) => ({ category: field, apply(input) { input[field] = materialize(value); } }));
}

function optionMutation(field: string): fc.Arbitrary<Mutation> {
  return trickyValue().map((value) => ({
    category: `networking.${field}`,
    apply(input) {
      const networking = input.networking;
      if (networking instanceof Networking) {
        const options = { ...networking.options, [field]: materialize(value) };
        input.networking = networking.kind === 'dnsChain' ? Networking.dnsChain(options as any) : Networking.perPodLoadBalancers(options as any);
      }
    },
  }));
}

const CLUSTER_FIELDS = ['name', 'cloud', 'region', 'nodes', 'zones', 'namespace', 'clusterDomain', 'dns', 'podCidrs', 'serviceCidrs', 'nodeCidrs'];
const TOP_FIELDS = ['clusters', 'networking', 'tls', 'image', 'version', 'name', 'storageSize', 'storageClass', 'cpu', 'memory', 'extraStartFlags',
  'initCluster', 'survivalGoal', 'database', 'primaryRegion', 'terminationGracePeriodSeconds', 'localityImage'];
const OPTION_FIELDS = ['dnsAddresses', 'addresses', 'tcpOnlyClusters', 'sourceRanges', 'internal'];

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  ...CLUSTER_FIELDS.map(clusterFieldMutation),
  ...TOP_FIELDS.map(topFieldMutation),
  ...OPTION_FIELDS.map(optionMutation),
  fc.tuple(fc.nat(3), trickyValue()).map(([i, value]) => ({
    category: 'clusters[]',
    apply(input: Record<string, any>) {
      if (Array.isArray(input.clusters) && input.clusters.length > 0) input.clusters[i % input.clusters.length] = materialize(value);
    },
  })),
);

/** One generated input and the categories of the hostile values in it. */
export interface HostileCase {
  /** What `findTopologyProblems` / `planDeployment` receive (any shape at all). */
  readonly input: unknown; // a Lazy for exotic values: materialize() it
  /** `base` when no mutation was applied; otherwise the mutated fields' categories. */
  readonly categories: readonly string[];
}

/** A topology of up to 4 clusters, mostly valid-looking, with 0–3 hostile mutations; sometimes not even an object. */
export const hostileCase: fc.Arbitrary<HostileCase> = fc.oneof(
  {
    weight: 40,
    arbitrary: fc.tuple(
      fc.integer({ min: 1, max: 4 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => clusterAt(i)))),
      fc.boolean(),
      tls,
      cockroachOptions,
      fc.array(ipText, { minLength: 24, maxLength: 24 }),
      fc.array(podAddress, { minLength: 24, maxLength: 24 }),
      fc.array(fc.integer({ min: 0, max: 6 }).map((n) => n === 0), { minLength: 4, maxLength: 4 }),
      fc.array(mutation, { maxLength: 3 }),
      fc.boolean(),
    ).chain(([clusters, dnsChain, tlsValue, options, dnsIps, pods, tcpOnly, mutations, keyedForm]) => {
      const names = clusters.map((c) => c.name);
      let next = 0;
      const podCount = (nodes: number) => (Number.isInteger(nodes) && nodes > 0 && nodes < 10 ? nodes : 1);
      // A cloud handle goes to the cloud it is for (`gcpAddressName` on GKE, `aws*` on EKS); its value may still be hostile.
      const forCloud = (entry: unknown, cloud: string) => (entry !== null && typeof entry === 'object'
        ? Object.fromEntries(Object.entries(entry).filter(([key]) => key === 'address' || key.startsWith(cloud === 'gcp' ? 'gcp' : cloud)))
        : entry);
      const perPod = names.map((_, i) => Array.from({ length: podCount(clusters[i].nodes) },
        () => forCloud(pods[next++ % pods.length], clusters[i].cloud)));
      const keyed = keyedForm ? keyedBy(names, fc.constant(0)) : fc.constant(undefined);
      return keyed.map((shape) => {
        const asShape = (values: unknown[]) => {
          if (shape instanceof Map) return new Map(names.map((n, i) => [n, values[i]]));
          const base = shape !== undefined && Object.getPrototypeOf(shape) === null ? Object.create(null) : {};
          return Object.assign(base, Object.fromEntries(names.map((n, i) => [n, values[i]])));
        };
        const networking = dnsChain
          ? Networking.dnsChain({ dnsAddresses: asShape(dnsIps.slice(0, names.length)) as any, tcpOnlyClusters: names.filter((_, i) => tcpOnly[i]) })
          : Networking.perPodLoadBalancers({ addresses: asShape(perPod) as any });
        const build = () => {
          const input: Record<string, any> = { ...options, clusters: clusters.map((c) => ({ ...c })), networking, tls: tlsValue };
          for (const m of mutations) {
            try {
              m.apply(input);
            } catch {
            // The field is already unreadable (an earlier mutation put a throwing value around it).
            }
          }
          return input;
        };
        return { input: new Lazy(build, mutations.map((m) => m.category).join(', ') || 'base'), categories: mutations.length === 0 ? ['base'] : mutations.map((m) => m.category) };
      });
    }),
  },
  { weight: 1, arbitrary: trickyValue().map((input) => ({ input: new Lazy(() => materialize(input), String(input)), categories: ['(props)'] })) },
);

/** Builds a clean, valid two-cluster topology (for tests that mutate one field by hand). */
export function validTopology(): TopologyInput {
  return {
    clusters: [
      { name: 'east', cloud: 'gcp', region: 'us-east1', nodes: 3, podCidrs: ['10.0.0.0/16'], serviceCidrs: ['10.1.0.0/16'], nodeCidrs: ['10.2.0.0/16'] },
      {
        name: 'west',
        cloud: 'aws',
        region: 'us-west-2',
        nodes: 3,
        podCidrs: ['10.8.0.0/16'],
        serviceCidrs: ['10.9.0.0/16'],
        nodeCidrs: ['10.10.0.0/16'],
        // The subnet the NLBs use (the cloud profile): one private IP per subnet.
        eks: { subnets: { 'us-west-2a': { id: 'subnet-0a1b2c3d', cidr: '10.10.0.0/16' } } },
      },
    ],
    networking: Networking.dnsChain({ dnsAddresses: { east: '10.2.0.53', west: '10.10.0.53' } }),
    tls: Tls.certManager(),
  };
}
