// One test per way a careless or hostile input used to break the library (issue 13): each is
// now either refused with its field path or turned into valid, safe output.
import { validTopology } from '../support/hostile-arbitraries';
import { validateKubeObjects } from '../support/kube-schema';
import {
  allObjects, canonicalIp, findTopologyProblems, Networking, parseCidr, planDeployment, renderDeployment, show, Tls, TopologyError, TopologyInput,
} from 'crosscluster';

/** The PEM armour of a private key, built at run time so no key-looking literal is in the repository. */
const KEY_PEM = `${['-----BEGIN', 'PRIVATE KEY-----'].join(' ')}\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n${['-----END', 'PRIVATE KEY-----'].join(' ')}\n`;

function problems(input: unknown, engine: 'cdk8s' | 'pulumi' | undefined = 'cdk8s') {
  return findTopologyProblems(input as TopologyInput, engine);
}
function paths(input: unknown, engine: 'cdk8s' | 'pulumi' | undefined = 'cdk8s'): string[] {
  return problems(input, engine).map((p) => p.path);
}
function withClusters(change: (clusters: any[]) => void, extra: Partial<TopologyInput> = {}): TopologyInput {
  const base = validTopology();
  const clusters = base.clusters.map((c) => ({ ...c }));
  change(clusters);
  return { ...base, clusters, ...extra };
}
function dnsChain(dnsAddresses: unknown, extra: object = {}): Networking {
  return Networking.dnsChain({ dnsAddresses: dnsAddresses as Record<string, string>, ...extra });
}
function render(input: TopologyInput) {
  const plan = planDeployment(input, { engine: 'cdk8s' });
  const rendered = renderDeployment(plan);
  validateKubeObjects(rendered.flatMap(allObjects));
  return { plan, rendered };
}

describe('DNS forwarding loops and self-capture', () => {
  test.each(['a.svc.cluster.local', 'A.SVC.Cluster.Local', 'a.svc.cluster.local.', 'x.a.svc.cluster.local'])(
    "a cluster domain inside another cluster's service domain (%s) is refused",
    (domain) => {
      const input = withClusters((c) => {
        c[0] = { ...c[0], name: 'a' };
        c[1] = { ...c[1], name: 'b', clusterDomain: domain };
      }, { networking: dnsChain({ a: '10.2.0.53', b: '10.10.0.53' }) });
      const found = problems(input);
      expect(found.map((p) => p.path)).toEqual(['clusters[1].clusterDomain']);
      expect(found[0].message).toMatch(/DNS loop/);
    },
  );

  test.each([
    ['10.2.0.53', '::ffff:10.2.0.53'],
    ['fd00::53', 'fd00:0:0::53'],
    ['fd00::53', 'FD00:0000::0053'],
  ])('two clusters on the same DNS address written differently (%s, %s) is refused: a cluster would forward to itself', (a, b) => {
    const input = { ...validTopology(), networking: dnsChain({ east: a, west: b }) };
    const found = problems(input, undefined);
    expect(found).toContainEqual({ path: 'networking.dnsAddresses.west', message: expect.stringMatching(/also the DNS address of 'east'.*forward to itself/) });
  });

  test.each([
    ['127.0.0.1', 'loopback'], ['0.0.0.0', 'unspecified'], ['255.255.255.255', 'broadcast'], ['224.0.0.251', 'multicast'],
    ['169.254.169.254', 'link-local'], ['::1', 'loopback'], ['::', 'unspecified'], ['fe80::53', 'link-local'], ['::ffff:127.0.0.1', 'loopback'],
  ])('%s is refused as a DNS address (%s)', (ip, why) => {
    const found = problems({ ...validTopology(), networking: dnsChain({ east: ip, west: '10.10.0.53' }) });
    expect(found).toEqual([{ path: 'networking.dnsAddresses.east', message: expect.stringContaining(why) }]);
  });

  test.each(['127.0.0.1', '0.0.0.0', '255.255.255.255'])('%s is refused as a per-pod load-balancer address', (ip) => {
    const input = {
      ...validTopology(),
      networking: Networking.perPodLoadBalancers({ addresses: { east: [ip, '10.20.0.2', '10.20.0.3'], west: ['10.10.1.1', '10.10.1.2', '10.10.1.3'] } }),
    };
    expect(paths(input)).toEqual(['networking.addresses.east[0]']);
  });

  test("a DNS address inside another cluster's pod or service range is refused; inside its own pod range it is fine (VPC-native CNIs)", () => {
    expect(problems({ ...validTopology(), networking: dnsChain({ east: '10.8.0.53', west: '10.10.0.53' }) })).toEqual([
      { path: 'networking.dnsAddresses.east', message: expect.stringContaining("inside '10.8.0.0/16', clusters[1].podCidrs") },
    ]);
    expect(paths({ ...validTopology(), networking: dnsChain({ east: '10.1.0.53', west: '10.10.0.53' }) })).toEqual(['networking.dnsAddresses.east']);
    expect(paths({ ...validTopology(), networking: dnsChain({ east: '10.0.0.53', west: '10.10.0.53' }) })).toEqual([]);
  });

  test('addresses are rendered in their one spelling, and a trailing dot or upper case never reaches the Corefile or the SANs', () => {
    const input = withClusters((c) => {
      c[0] = { ...c[0], dns: 'coredns', clusterDomain: 'Cluster.Local.' };
      // A GKE cluster on kube-dns (an internal AWS NLB takes IPv4 only; AKS runs CoreDNS only).
      c[1] = { ...c[1], cloud: 'gcp', dns: 'kube-dns', clusterDomain: 'EAST.example.' };
      delete c[1].eks;
    }, { networking: dnsChain({ east: '::ffff:10.2.0.53', west: 'FD00:0:0::53' }) });
    const { plan, rendered } = render(input);
    expect(plan.clusters.map((c) => c.clusterDomain)).toEqual(['cluster.local', 'east.example']);
    const corefile = (rendered[0].dns.find((o) => o.kind === 'ConfigMap') as any).data.Corefile as string;
    expect(corefile).toContain('kubernetes cluster.local in-addr.arpa');
    expect(corefile).toContain('west.svc.east.example:53');
    expect(corefile).toContain('forward . fd00::53');
    const stub = JSON.parse((rendered[1].dns.find((o) => o.kind === 'ConfigMap') as any).data.stubDomains);
    expect(stub).toEqual({ 'east.svc.cluster.local': ['10.2.0.53'] });
    const cert = rendered[1].certificates.find((o) => o.metadata.name === 'cockroachdb-node') as any;
    expect(cert.spec.dnsNames).toContain('*.cockroachdb.west.svc.east.example');
    expect(cert.spec.dnsNames.every((n: string) => !n.endsWith('.') && n === n.toLowerCase())).toBe(true);
  });
});

describe('system objects are never taken over', () => {
  test.each(['kube-system', 'kube-public', 'kube-node-lease', 'kube-anything', 'default'])('namespace %s is refused', (namespace) => {
    const found = problems(withClusters((c) => { c[0] = { ...c[0], namespace }; }));
    expect(found.map((p) => p.path)).toEqual(['clusters[0].namespace']);
  });

  test("a cluster named 'kube-system' is refused through its default namespace", () => {
    expect(paths(withClusters((c) => { c[0] = { ...c[0], name: 'kube-system' }; }, { networking: dnsChain({ 'kube-system': '10.2.0.53', 'west': '10.10.0.53' }) })))
      .toEqual(['clusters[0].name (the default namespace)']);
  });

  test('the CA Secret cannot be the Secret cert-manager writes a node or client certificate into', () => {
    for (const caSecretName of ['cockroachdb-node', 'cockroachdb-client-root']) {
      expect(paths({ ...validTopology(), tls: Tls.certManager({ caSecretName }) })).toEqual(['tls.caSecretName']);
    }
  });

  test('no accepted topology emits a kube-* or default Namespace, or anything in kube-system but the DNS objects', () => {
    const { rendered } = render(validTopology());
    for (const o of rendered.flatMap(allObjects)) {
      if (o.kind === 'Namespace') expect(o.metadata.name).not.toMatch(/^(kube-|default$)/);
      if (o.metadata.namespace === 'kube-system') expect(['kube-dns-lb', 'kube-dns-lb-udp', 'kube-dns-lb-tcp', 'kube-dns', 'coredns', 'coredns-custom']).toContain(o.metadata.name);
    }
  });
});

describe('user-keyed maps', () => {
  test("a cluster named 'constructor' is an ordinary cluster: its missing DNS address is reported, its given one is used", () => {
    const missing = withClusters((c) => { c[0] = { ...c[0], name: 'constructor' }; }, { networking: dnsChain({ west: '10.10.0.53' }) });
    expect(paths(missing)).toEqual(['networking.dnsAddresses.constructor']);
    const given = { ...missing, networking: dnsChain({ constructor: '10.2.0.53', west: '10.10.0.53' }) };
    const { rendered } = render(given);
    const corefile = JSON.stringify(rendered.flatMap((r) => r.dns));
    expect(corefile).not.toMatch(/function|native code/);
    expect(corefile).toContain('constructor.svc.cluster.local');
    expect((rendered[1].dns.find((o) => o.kind === 'ConfigMap') as any).data.Corefile).toContain('forward . 10.2.0.53');
  });

  test("the cloud checks read own keys too: a GKE cluster named 'constructor' without a DNS address is told to give one", () => {
    const input = withClusters((c) => { c[0] = { ...c[0], name: 'constructor' }; }, { networking: dnsChain({ west: '10.10.0.53' }) });
    expect(problems(input, 'pulumi')).toEqual([{ path: 'networking.dnsAddresses.constructor', message: expect.stringContaining('SHARED_LOADBALANCER_VIP') }]);
  });

  test('inherited properties of an address map are never read as addresses', () => {
    const inherited = Object.create({ east: '10.2.0.53', west: '10.10.0.53' });
    expect(paths({ ...validTopology(), networking: dnsChain(inherited) })).toEqual(['networking.dnsAddresses.east', 'networking.dnsAddresses.west']);
  });

  test("an own '__proto__' key is refused, and a Map or a null-prototype object is accepted", () => {
    const polluted = JSON.parse('{"__proto__": "10.99.0.1", "east": "10.2.0.53", "west": "10.10.0.53"}');
    expect(paths({ ...validTopology(), networking: dnsChain(polluted) })).toEqual(['networking.dnsAddresses.__proto__']);
    expect(paths({ ...validTopology(), networking: dnsChain(new Map([['east', '10.2.0.53'], ['west', '10.10.0.53']])) })).toEqual([]);
    const bare = Object.assign(Object.create(null), { east: '10.2.0.53', west: '10.10.0.53' });
    expect(paths({ ...validTopology(), networking: dnsChain(bare) })).toEqual([]);
  });
});

describe('shapes that used to crash give a TopologyError with a path', () => {
  const revoked = () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    return proxy;
  };
  test.each<[string, () => unknown, string]>([
    ['null props', () => null, '(props)'],
    ['a string for props', () => 'topology', '(props)'],
    ['an array for props', () => [], '(props)'],
    ['a string for clusters', () => ({ ...validTopology(), clusters: 'east,west' }), 'clusters'],
    ['a null cluster', () => ({ ...validTopology(), clusters: [null, validTopology().clusters[1]] }), 'clusters[0]'],
    ['a string for the address map', () => ({ ...validTopology(), networking: dnsChain('10.2.0.53') }), 'networking.dnsAddresses'],
    ['a string for tcpOnlyClusters', () => ({ ...validTopology(), networking: dnsChain({ east: '10.2.0.53', west: '10.10.0.53' }, { tcpOnlyClusters: 'east' }) }), 'networking.tcpOnlyClusters'],
    ['a string for a per-pod address list', () => ({ ...validTopology(), networking: Networking.perPodLoadBalancers({ addresses: { east: '10.20.0.1' as any, west: ['10.21.0.1', '10.21.0.2', '10.21.0.3'] } }) }), 'networking.addresses.east'],
    ['a getter that throws', () => ({ ...validTopology(), get clusters(): never { throw new Error('boom'); } }), '(props)'],
    ['a revoked proxy cluster', () => ({ ...validTopology(), clusters: [revoked(), validTopology().clusters[1]] }), 'clusters[0]'],
    ['a revoked proxy zone list', () => withClusters((c) => { c[0] = { ...c[0], zones: revoked() }; }), 'clusters[0].zones'],
    ['nodes = 1e300', () => withClusters((c) => { c[0] = { ...c[0], nodes: 1e300 }; }), 'clusters[0].nodes'],
    ['a Symbol name', () => withClusters((c) => { c[0] = { ...c[0], name: Symbol('x') }; }), 'clusters[0].name'],
    ['a BigInt of nodes', () => withClusters((c) => { c[0] = { ...c[0], nodes: 3n }; }), 'clusters[0].nodes'],
  ])('%s', (_, make, path) => {
    let error: unknown;
    try {
      planDeployment(make() as TopologyInput, { engine: 'cdk8s' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TopologyError);
    expect((error as TopologyError).problems.map((p) => p.path)).toContain(path);
  });

  test('frozen props are read, not written', () => {
    const frozen = Object.freeze({ ...validTopology(), clusters: Object.freeze(validTopology().clusters.map((c) => Object.freeze({ ...c }))) });
    expect(() => render(frozen)).not.toThrow();
  });

  test('a Networking and a Tls from another copy of the library are read by their shape', () => {
    const foreign = { ...validTopology(), networking: { kind: 'dnsChain', options: { dnsAddresses: { east: '10.2.0.53', west: '10.10.0.53' } } }, tls: { kind: 'insecure', options: {} } };
    const { plan } = render(foreign as unknown as TopologyInput);
    expect(plan.tls.secure).toBe(false);
  });
});

describe('values that broke at apply or at run time', () => {
  const refused: Array<[string, Partial<TopologyInput> | ((c: any[]) => void), string]> = [
    ['a zone that is not a label value', (c) => { c[0].zones = ['us east1-b']; }, 'clusters[0].zones[0]'],
    ['an upper-case image', { image: 'CockroachDB/cockroach' }, 'image'],
    ['shell characters in the image', { image: 'cockroachdb/cockroach;curl evil|sh' }, 'image'],
    ['a tag in image', { image: 'cockroachdb/cockroach:v25.2.4' }, 'image'],
    ['an unpinned locality image', { localityImage: 'curlimages/curl:latest' }, 'localityImage'],
    ['a StorageClass that is not a DNS subdomain', { storageClass: 'Fast_SSD' }, 'storageClass'],
    ['a grace period of 1e300', { terminationGracePeriodSeconds: 1e300 }, 'terminationGracePeriodSeconds'],
    ['memory that gives --cache=0MiB', { memory: '3Mi' }, 'memory'],
    ['memory in millibytes', { memory: '8000m' }, 'memory'],
    ['--sql-addr', { extraStartFlags: ['--sql-addr=:26258'] }, 'extraStartFlags[0]'],
    ['--advertise-sql-addr', { extraStartFlags: ['--advertise-sql-addr=x:1'] }, 'extraStartFlags[0]'],
    ['a start flag with a newline', { extraStartFlags: ['--max-offset=1s\n--insecure'] }, 'extraStartFlags[0]'],
    ['a database name with a newline', { database: 'app\nDROP' }, 'database'],
    ['a Service-invalid base name', { name: '0cockroach' }, 'name'],
  ];
  test.each(refused)('%s is refused', (_, change, path) => {
    const input = typeof change === 'function' ? withClusters(change) : { ...validTopology(), ...change };
    expect(paths(input)).toEqual([path]);
  });

  test('an issuer that is not a DNS subdomain, and renewBefore not shorter than duration, are refused', () => {
    expect(paths({ ...validTopology(), tls: Tls.certManager({ issuerName: 'My Issuer' }) })).toEqual(['tls.issuerName']);
    expect(problems({ ...validTopology(), tls: Tls.certManager({ duration: '720h', renewBefore: '30d' }) })[0].path).toBe('tls.renewBefore');
    expect(problems({ ...validTopology(), tls: Tls.certManager({ duration: '2160h', renewBefore: '3000h' }) })).toEqual([
      { path: 'tls.renewBefore', message: expect.stringContaining('not shorter than the certificate duration') },
    ]);
    expect(paths({ ...validTopology(), tls: Tls.certManager({ duration: '1h30m', renewBefore: '1h' }) })).toEqual([]);
  });

  test('an image pinned by digest is accepted for the main image and the locality image, and renders as one valid reference', () => {
    const digest = `sha256:${'0123456789abcdef'.repeat(4)}`;
    const { rendered } = render({ ...validTopology(), image: `registry.example.com:5000/db/cockroach@${digest}`, localityImage: `curlimages/curl@${digest}` });
    const sts = rendered[0].database.find((o) => o.kind === 'StatefulSet') as any;
    expect(sts.spec.template.spec.containers[0].image).toBe(`registry.example.com:5000/db/cockroach:v25.2.4@${digest}`);
    expect(sts.spec.template.spec.initContainers[0].image).toBe(`curlimages/curl@${digest}`);
  });

  test('an IPv4-mapped address is checked as the IPv4 address it is, and pins the NLB in that spelling', () => {
    const input = { ...validTopology(), networking: dnsChain({ east: '10.2.0.53', west: '::ffff:10.10.0.53' }) };
    expect(problems(input)).toEqual([]);
    const { rendered } = render(input);
    const nlb = rendered[1].dns.find((o) => o.kind === 'Service') as any;
    expect(nlb.metadata.annotations['service.beta.kubernetes.io/aws-load-balancer-private-ipv4-addresses']).toBe('10.10.0.53');
  });

  test('IPv6 where the AWS annotation is IPv4-only is refused', () => {
    const input = { ...validTopology(), networking: dnsChain({ east: '10.2.0.53', west: 'fd00:10::53' }) };
    expect(problems(input)).toEqual([{ path: 'networking.dnsAddresses.west', message: expect.stringContaining('IPv4 only') }]);
  });

  test('annotation values that are lists refuse commas and newlines', () => {
    const entry = (extra: object) => ({ address: '10.20.0.1', ...extra });
    const addresses = (first: object) => ({ east: [first, '10.20.0.2', '10.20.0.3'], west: ['10.10.1.1', '10.10.1.2', '10.10.1.3'] });
    for (const [handle, value] of [['awsSubnet', 'subnet-a,subnet-b'], ['awsSubnet', 'subnet-a\nx: y'], ['gcpAddressName', 'a,b']]) {
      const input = { ...validTopology(), networking: Networking.perPodLoadBalancers({ addresses: addresses(entry({ [handle]: value })) as any }) };
      expect(paths(input)).toEqual([`networking.addresses.east[0].${handle}`]);
    }
  });
});

describe('secrets never appear in an error', () => {
  test('a Tls-like plain object carrying a CA key is refused without echoing it', () => {
    for (const tls of [{ caKeyPem: KEY_PEM }, { kind: 'existingCa', options: 'oops' }, [KEY_PEM], KEY_PEM]) {
      let error: unknown;
      try {
        planDeployment({ ...validTopology(), tls } as unknown as TopologyInput, { engine: 'pulumi' });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(TopologyError);
      expect((error as Error).message).not.toContain('PRIVATE KEY');
      expect((error as Error).message).not.toContain('MIIEvQ');
    }
  });

  test('a key handed in anywhere is redacted, not quoted', () => {
    const found = problems({ ...validTopology(), image: KEY_PEM, version: 'AbCdEfGh1234567890XyZw final' });
    expect(found.map((p) => p.path)).toEqual(['image', 'version']);
    expect(JSON.stringify(found)).not.toMatch(/PRIVATE KEY|MIIEvQ|AbCdEfGh1234567890XyZw/);
  });

  test('show() gives shapes of objects, never their content', () => {
    expect(show({ caKeyPem: KEY_PEM, other: 1 })).toBe('an object with keys caKeyPem, other');
    expect(show(Tls.existingCa({ caCertPem: 'c', caKeyPem: KEY_PEM }))).toBe('a Tls with keys kind, options');
    expect(show([1, 2])).toBe('a list of 2 items');
    expect(show('us-east1')).toBe("'us-east1'");
    expect(show(KEY_PEM)).toMatch(/^a redacted string/);
    expect(show(NaN)).toBe('NaN');
  });
});

describe('IP and CIDR parsing', () => {
  test('canonical spellings', () => {
    expect(canonicalIp('::ffff:10.2.0.53')).toBe('10.2.0.53');
    expect(canonicalIp('fd00:0:0::53')).toBe('fd00::53');
    expect(canonicalIp('2001:0DB8:0:0:1:0:0:1')).toBe('2001:db8::1:0:0:1');
    expect(canonicalIp('010.2.0.53')).toBeUndefined();
  });

  test('a CIDR with host bits says where its block starts, in our words', () => {
    const message = parseCidr('10.0.0.1/8') as string;
    expect(message).toBe("'10.0.0.1/8' has host bits set: the /8 block that contains it starts at 10.0.0.0 (write '10.0.0.0/8')");
    expect(parseCidr('fd00::1/8') as string).not.toMatch(/must is not/);
  });
});
