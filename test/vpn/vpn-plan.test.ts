import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import * as fc from 'fast-check';
import { TopologyError } from '../../lib/core/problems';
import type { ClusterSpec } from '../../lib/core/topology';
import {
  allocateInsideCidrs,
  awsCustomerGatewayAsn,
  awsIngressRules,
  awsTunnelCipherOptions,
  compareAwsTopologies,
  gcpCipherSuite,
  insideAddresses,
  planAwsPeeringMesh,
  planAwsTransitGatewayHub,
  planCrossCloudVpn,
  planGcpNetworks,
  planIngress,
  RESERVED_INSIDE_CIDRS,
  snatExclusionCidrs,
  tunnelLayout,
  validateAsn,
  validateAsnPair,
  validateInsideCidrs,
  validatePresharedKey,
  validatePresharedKeys,
  vpcCniConfigurationValues,
} from '../../lib/core/vpn';

const gke: ClusterSpec = { name: 'gke', cloud: 'gcp', region: 'us-east4', nodes: 3, podCidrs: ['10.8.0.0/14'], serviceCidrs: ['10.12.0.0/20'], nodeCidrs: ['10.0.0.0/20'] };
const eks: ClusterSpec = { name: 'eks', cloud: 'aws', region: 'us-west-2', nodes: 3, podCidrs: ['10.32.0.0/16'], serviceCidrs: ['172.20.0.0/16'], nodeCidrs: ['10.33.0.0/20'] };

function problemsOf(fn: () => unknown): Array<{ path: string; message: string }> {
  try {
    fn();
  } catch (e) {
    if (e instanceof TopologyError) return [...e.problems];
    throw e;
  }
  throw new Error('expected a TopologyError');
}

/** Integer value of an IPv4 address. */
function ipNum(ip: string): number {
  return ip.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
}

describe('inside CIDRs', () => {
  test('deterministic allocation starts after the reserved blocks and skips exclusions', () => {
    expect(allocateInsideCidrs(4)).toEqual(['169.254.6.0/30', '169.254.6.4/30', '169.254.6.8/30', '169.254.6.12/30']);
    expect(allocateInsideCidrs(2, { exclude: ['169.254.6.0/29'] })).toEqual(['169.254.6.8/30', '169.254.6.12/30']);
    expect(allocateInsideCidrs(2, { start: '169.254.169.248' })).toEqual(['169.254.169.248/30', '169.254.170.0/30']);
    expect(allocateInsideCidrs(1, { start: '169.254.4.1' })).toEqual(['169.254.4.4/30']);
  });

  test('addresses: AWS side first host, customer gateway second', () => {
    expect(insideAddresses('169.254.21.8/30')).toEqual({ cidr: '169.254.21.8/30', vgwAddress: '169.254.21.9', cgwAddress: '169.254.21.10' });
  });

  test('validation names each bad entry', () => {
    const problems = validateInsideCidrs(['169.254.10.0/30', '169.254.10.0/29', '10.0.0.0/30', '169.254.3.0/30', '169.254.10.1/30', '169.254.10.0/30', '169.254.169.252/30']);
    expect(problems.map((p) => p.path)).toEqual(['insideCidrs[1]', 'insideCidrs[2]', 'insideCidrs[3]', 'insideCidrs[4]', 'insideCidrs[5]', 'insideCidrs[6]']);
    expect(problems[0].message).toContain('/29');
    expect(problems[1].message).toContain('169.254.0.0/16');
    expect(problems[2].message).toContain('reserved');
    expect(problems[3].message).toContain('host bits');
    expect(problems[4].message).toContain('duplicates insideCidrs[0]');
    expect(problems[5].message).toContain('reserved');
  });

  test('property: allocated CIDRs are valid, unique, non-reserved /30s outside the exclusions', () => {
    const excludeArb = fc.array(
      fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 63 }), fc.constantFrom(28, 29, 30)).map(([b, c, p]) => {
        const size = 2 ** (32 - p);
        const offset = Math.floor((c * 4) / size) * size;
        return `169.254.${b}.${offset}/${p}`;
      }),
      { maxLength: 20 },
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 64 }), excludeArb, fc.integer({ min: 0, max: 200 }), (count, exclude, startOctet) => {
        const cidrs = allocateInsideCidrs(count, { exclude, start: `169.254.${startOctet}.0` });
        expect(cidrs).toHaveLength(count);
        // Valid, unique and outside reserved and excluded blocks: the validator agrees.
        expect(validateInsideCidrs(cidrs, 'x', exclude)).toEqual([]);
        for (const c of cidrs) {
          expect(c).toMatch(/^169\.254\.\d+\.\d+\/30$/);
          expect(ipNum(c.split('/')[0]) % 4).toBe(0);
          expect(RESERVED_INSIDE_CIDRS).not.toContain(c);
        }
        expect(new Set(cidrs).size).toBe(count);
        // Deterministic.
        expect(allocateInsideCidrs(count, { exclude, start: `169.254.${startOctet}.0` })).toEqual(cidrs);
      }),
      { numRuns: 200 },
    );
  });
});

describe('ASNs', () => {
  test('private ranges only, 7224 reserved, the two sides different', () => {
    expect(validateAsn(64512, 'a')).toEqual([]);
    expect(validateAsn(65534, 'a')).toEqual([]);
    expect(validateAsn(4200000000, 'a')).toEqual([]);
    expect(validateAsn(4294967294, 'a')).toEqual([]);
    expect(validateAsn(65535, 'a')[0].message).toContain('not a private ASN');
    expect(validateAsn(16509, 'aws.asn')[0]).toMatchObject({ path: 'aws.asn', message: expect.stringContaining('16509') });
    expect(validateAsn(7224, 'gcp.asn')[0].message).toContain('reserved by AWS');
    expect(validateAsn(64512.5, 'a')[0].message).toContain('not an integer');
    expect(validateAsnPair(65000, 65000)).toEqual([{ path: 'aws.asn', message: expect.stringContaining('different ASNs') }]);
  });

  test('customer gateway ASN is a string, 32-bit ones go to bgpAsnExtended', () => {
    expect(awsCustomerGatewayAsn(64514)).toEqual({ bgpAsn: '64514' });
    expect(awsCustomerGatewayAsn(4200000001)).toEqual({ bgpAsnExtended: '4200000001' });
  });
});

describe('pre-shared keys', () => {
  test('AWS rules, without echoing the key', () => {
    expect(validatePresharedKey('Abc_def.123', 'k')).toEqual([]);
    const short = validatePresharedKey('Abc12', 'tunnels[0].presharedKey');
    expect(short).toEqual([{ path: 'tunnels[0].presharedKey', message: expect.stringContaining('5 characters') }]);
    expect(validatePresharedKey('a'.repeat(65), 'k')[0].message).toContain('65 characters');
    expect(validatePresharedKey('0abcdefgh', 'k')[0].message).toContain("starts with '0'");
    const b64 = validatePresharedKey('abc+def/ghi=', 'k');
    expect(b64[0].message).toContain('disallowed');
    expect(b64[0].message).not.toContain('abc');
    expect(validatePresharedKeys(['Abcdefgh1', 'Abcdefgh1'], 2)).toEqual([{ path: 'presharedKeys[1]', message: expect.stringContaining('presharedKeys[0]') }]);
    expect(validatePresharedKeys(['Abcdefgh1'], 2)[0].path).toBe('presharedKeys');
  });

  test('property: keys from the allowed alphabet, 8–64 long, not starting with 0, pass', () => {
    const chars = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._'.split('');
    const key = fc
      .array(fc.constantFrom(...chars), { minLength: 8, maxLength: 64 })
      .map((cs) => cs.join(''))
      .filter((k) => !k.startsWith('0'));
    fc.assert(fc.property(key, (k) => validatePresharedKey(k, 'k').length === 0));
  });
});

describe('tunnel layout and ciphers', () => {
  test('4 tunnels: HA if0 → ext 0,1 (connection A), if1 → ext 2,3 (connection B)', () => {
    expect(tunnelLayout(4).map((t) => [t.haInterface, t.externalInterface, t.connection, t.connectionTunnel])).toEqual([
      [0, 0, 0, 1],
      [0, 1, 0, 2],
      [1, 2, 1, 1],
      [1, 3, 1, 2],
    ]);
    expect(tunnelLayout(2).map((t) => [t.haInterface, t.externalInterface, t.connection, t.connectionTunnel])).toEqual([
      [0, 0, 0, 1],
      [0, 1, 0, 2],
    ]);
  });

  test('one transform per role, same algorithms on both clouds', () => {
    expect(awsTunnelCipherOptions()).toEqual({
      ikeVersions: ['ikev2'],
      phase1EncryptionAlgorithms: ['AES256'],
      phase1IntegrityAlgorithms: ['SHA2-256'],
      phase1DhGroupNumbers: [14],
      phase2EncryptionAlgorithms: ['AES256'],
      phase2IntegrityAlgorithms: ['SHA2-256'],
      phase2DhGroupNumbers: [14],
    });
    expect(gcpCipherSuite({ encryption: 'AES128', integrity: 'SHA2-384', dhGroup: 19 })).toEqual({
      phase1: { encryptions: ['AES-CBC-128'], integrities: ['HMAC-SHA2-384-192'], prves: ['PRF-HMAC-SHA2-384'], dhs: ['Group-19'] },
      phase2: { encryptions: ['AES-CBC-128'], integrities: ['HMAC-SHA2-384-192'], pfs: ['Group-19'] },
    });
  });
});

describe('planCrossCloudVpn', () => {
  test('defaults: 4 tunnels, VGW, BGP addressing per tunnel, advertised and allowed ranges', () => {
    const plan = planCrossCloudVpn({ clusters: [gke, eks] });
    expect(plan).toMatchObject({ tunnelCount: 4, gateway: 'vgw', gcpAsn: 64514, awsAsn: 64512, awsAsnString: '64512', redundancyType: 'FOUR_IPS_REDUNDANCY', connectionCount: 2 });
    expect(plan.tunnels[3]).toMatchObject({
      insideCidr: '169.254.6.12/30',
      vgwInsideAddress: '169.254.6.13',
      cgwInsideAddress: '169.254.6.14',
      routerInterfaceIpRange: '169.254.6.14/30',
      peerAsn: 64512,
      haInterface: 1,
      externalInterface: 3,
    });
    expect(plan.advertisedRanges).toEqual(['10.8.0.0/14', '10.0.0.0/20']);
    expect(plan.gcpIngress.sourceCidrs).toEqual(['10.32.0.0/16', '10.33.0.0/20']);
    expect(plan.awsIngress.sourceCidrs).toEqual(['10.8.0.0/14', '10.0.0.0/20']);
    // Services are not routed or allowed.
    expect(JSON.stringify(plan)).not.toContain('172.20.0.0/16');
    expect(plan.awsIngressRules).toHaveLength(2 * 4);
  });

  test('user inside CIDRs are kept and the rest allocated around them', () => {
    const plan = planCrossCloudVpn({ clusters: [gke, eks], tunnels: [{}, { insideCidr: '169.254.6.4/30' }, {}, { insideCidr: '169.254.50.0/30' }] });
    expect(plan.tunnels.map((t) => t.insideCidr)).toEqual(['169.254.6.0/30', '169.254.6.4/30', '169.254.6.8/30', '169.254.50.0/30']);
  });

  test('every problem at once, with field paths', () => {
    const problems = problemsOf(() =>
      planCrossCloudVpn({
        clusters: [gke, { ...eks, podCidrs: ['10.9.0.0/16'] }, { ...gke, name: 'gke2', podCidrs: [] }],
        gcp: { asn: 65001 },
        aws: { asn: 65001 },
        tunnelCount: 3,
        cipher: { dhGroup: 2 },
        ports: [0],
      }),
    );
    const paths = problems.map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['tunnelCount', 'aws.asn', 'cipher.dhGroup', 'ports[0]', 'clusters[2].podCidrs', 'clusters[1].podCidrs[0]']));
    expect(problems.find((p) => p.path === 'clusters[1].podCidrs[0]')?.message).toContain("'10.9.0.0/16' overlaps '10.8.0.0/14'");
  });

  test('needs both clouds', () => {
    expect(problemsOf(() => planCrossCloudVpn({ clusters: [gke] })).map((p) => p.message)).toEqual([expect.stringContaining("cloud 'aws'")]);
  });
});

describe('ingress rules', () => {
  test('database ports, DNS TCP+UDP, ICMP; one AWS rule per CIDR, protocol and port', () => {
    const plan = planIngress([eks], [26257]);
    expect(plan.allows).toEqual([
      { protocol: 'tcp', ports: [26257, 53] },
      { protocol: 'udp', ports: [53] },
      { protocol: 'icmp', ports: [] },
    ]);
    expect(awsIngressRules(plan).map((r) => `${r.cidrIpv4} ${r.ipProtocol} ${r.fromPort} ${r.toPort}`)).toEqual([
      '10.32.0.0/16 tcp 26257 26257',
      '10.32.0.0/16 tcp 53 53',
      '10.32.0.0/16 udp 53 53',
      '10.32.0.0/16 icmp -1 -1',
      '10.33.0.0/20 tcp 26257 26257',
      '10.33.0.0/20 tcp 53 53',
      '10.33.0.0/20 udp 53 53',
      '10.33.0.0/20 icmp -1 -1',
    ]);
  });
});

describe('AWS mesh and hub plans', () => {
  const vpcs = (n: number, regions?: string[]) =>
    Array.from({ length: n }, (_, i) => ({
      cluster: { name: `e${i}`, cloud: 'aws' as const, region: regions?.[i] ?? `r${i}`, nodes: 1, podCidrs: [`10.${i}.0.0/16`] },
      routeTables: 2,
      securityGroups: 1,
    }));

  test.each([2, 3, 6, 10])('mesh of %i VPCs: N(N−1)/2 peerings, routes both sides', (n) => {
    const plan = planAwsPeeringMesh({ vpcs: vpcs(n) });
    expect(plan.peerings).toHaveLength((n * (n - 1)) / 2);
    expect(plan.routes).toHaveLength(n * 2 * (n - 1));
    expect(new Set(plan.peerings.map((p) => `${p.requester}-${p.accepter}`)).size).toBe(plan.peerings.length);
    expect(plan.securityGroupRules).toHaveLength(n * (n - 1) * 4);
  });

  test('hub: N attachments and R(R−1)/2 TGW peerings; cost comparison', () => {
    const regions = ['a', 'a', 'a', 'b', 'b', 'c', 'c', 'c'];
    const plan = planAwsTransitGatewayHub({ vpcs: vpcs(8, regions) });
    expect(plan.attachments).toHaveLength(8);
    expect(plan.transitGateways.map((t) => [t.region, t.asn, t.vpcs.length])).toEqual([
      ['a', 65100, 3],
      ['b', 65101, 2],
      ['c', 65102, 3],
    ]);
    expect(plan.peerings).toHaveLength(3);
    expect(compareAwsTopologies(8, 3, 2)).toEqual({ meshPeerings: 28, meshRoutes: 112, hubAttachments: 8, hubPeerings: 3 });
  });

  test('mesh validation: one VPC, duplicate names, wrong cloud, no route tables', () => {
    expect(problemsOf(() => planAwsPeeringMesh({ vpcs: vpcs(1) })).map((p) => p.path)).toEqual(['vpcs']);
    const v = vpcs(2);
    const problems = problemsOf(() =>
      planAwsPeeringMesh({ vpcs: [v[0], { ...v[1], routeTables: 0, cluster: { ...v[1].cluster, name: 'e0', cloud: 'gcp' } }] }),
    );
    expect(problems.map((p) => p.path).sort()).toEqual(['vpcs[1].cluster.cloud', 'vpcs[1].cluster.name', 'vpcs[1].routeTableIds']);
  });

  test('cidrs override: may contain its own cluster, must not overlap other VPCs', () => {
    const v = vpcs(2);
    expect(planAwsPeeringMesh({ vpcs: [{ ...v[0], cidrs: ['10.0.0.0/16'] }, v[1]] }).vpcs[0].cidrs).toEqual(['10.0.0.0/16']);
    const problems = problemsOf(() => planAwsPeeringMesh({ vpcs: [{ ...v[0], cidrs: ['10.0.0.0/8'] }, v[1]] }));
    expect(problems).toEqual([{ path: 'vpcs[0].cidrs[0]', message: expect.stringContaining("overlaps '10.1.0.0/16'") }]);
  });
});

describe('GCP networks and SNAT', () => {
  const g = (i: number): ClusterSpec => ({ name: `g${i}`, cloud: 'gcp', region: `r${i}`, nodes: 1, podCidrs: [`10.${i}.0.0/16`] });

  test('separate networks: two peering resources per pair; single network: none', () => {
    const sep = planGcpNetworks({ networks: [{ name: 'a' }, { name: 'b' }, { name: 'c' }], clusters: [{ cluster: g(0), network: 'a' }, { cluster: g(1), network: 'b' }, { cluster: g(2), network: 'c' }] });
    expect(sep.peerings).toHaveLength(6);
    expect(sep.firewalls[0].ingress.sourceCidrs).toEqual(['10.1.0.0/16', '10.2.0.0/16']);
    const one = planGcpNetworks({ networks: [{ name: 'a' }], clusters: [{ cluster: g(0), network: 'a' }, { cluster: g(1), network: 'a' }] });
    expect(one.singleNetwork).toBe(true);
    expect(one.peerings).toEqual([]);
    expect(problemsOf(() => planGcpNetworks({ networks: [{ name: 'a' }], clusters: [{ cluster: g(0), network: 'a' }, { cluster: g(1), network: 'x' }] })).map((p) => p.path)).toEqual([
      'clusters[1].network',
    ]);
  });

  test('SNAT exclusion covers the other clusters and renders stable JSON', () => {
    const cidrs = snatExclusionCidrs(eks, [gke, eks]);
    expect(cidrs).toEqual(['10.8.0.0/14', '10.0.0.0/20']);
    expect(vpcCniConfigurationValues(cidrs, { WARM_IP_TARGET: '5' })).toBe('{"env":{"AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS":"10.8.0.0/14,10.0.0.0/20","WARM_IP_TARGET":"5"}}');
    expect(() => vpcCniConfigurationValues(['fd00::/64'])).toThrow(/IPv4 CIDRs only/);
  });
});

test('lib/core/vpn imports no engine package', () => {
  const dir = join(__dirname, '../../lib/core/vpn');
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
    const text = readFileSync(join(dir, file), 'utf8');
    expect(text).not.toMatch(/from '(@pulumi\/|cdk8s|constructs)/);
  }
});
