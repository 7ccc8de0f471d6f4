import * as pulumi from '@pulumi/pulumi';
import { AWS_GENERATED_KEY, isSecretValue, ofType, plain, registered, settle, valueOf } from './mock-cloud';
import type { ClusterSpec } from '../../lib/core/topology';
import type { CrossCloudVpnArgs } from '../../lib/pulumi/vpn';

function counts(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of registered.filter((x) => x.custom)) out[r.type] = (out[r.type] ?? 0) + 1;
  return out;
}

const gke: ClusterSpec = {
  name: 'gke-east',
  cloud: 'gcp',
  region: 'us-east4',
  nodes: 3,
  podCidrs: ['10.8.0.0/14'],
  serviceCidrs: ['10.12.0.0/20'],
  nodeCidrs: ['10.0.0.0/20'],
};
const eks: ClusterSpec = {
  name: 'eks-west',
  cloud: 'aws',
  region: 'us-west-2',
  nodes: 3,
  podCidrs: ['10.32.0.0/16'],
  serviceCidrs: ['172.20.0.0/16'],
  nodeCidrs: ['10.33.0.0/20'],
};

function baseArgs(over: Partial<CrossCloudVpnArgs> = {}): CrossCloudVpnArgs {
  return {
    clusters: [gke, eks],
    gcp: { network: 'projects/p/global/networks/crdb', region: 'us-east4', asn: 65010 },
    aws: { vpcId: 'vpc-123', region: 'us-west-2', asn: 65020, routeTableIds: ['rtb-a', 'rtb-b'], securityGroupIds: ['sg-1'] },
    ...over,
  };
}

describe('CrossCloudVpn resource graph', () => {
  test('4 tunnels on a VGW: exact resource counts', async () => {
    const { CrossCloudVpn } = await import('../../lib/pulumi/vpn');
    const vpn = new CrossCloudVpn('vpn', baseArgs());
    await valueOf(vpn.bgpSessions);
    await settle();
    // SG rules: 2 GKE CIDRs (pod + node) × (tcp 26257, tcp 53, udp 53, icmp) = 8 for the one SG.
    expect(counts()).toEqual({
      'gcp:compute/haVpnGateway:HaVpnGateway': 1,
      'gcp:compute/router:Router': 1,
      'aws:ec2/vpnGateway:VpnGateway': 1,
      'aws:ec2/customerGateway:CustomerGateway': 2,
      'aws:ec2/vpnConnection:VpnConnection': 2,
      'gcp:compute/externalVpnGateway:ExternalVpnGateway': 1,
      'gcp:compute/vPNTunnel:VPNTunnel': 4,
      'gcp:compute/routerInterface:RouterInterface': 4,
      'gcp:compute/routerPeer:RouterPeer': 4,
      'aws:ec2/vpnGatewayRoutePropagation:VpnGatewayRoutePropagation': 2,
      'gcp:compute/firewall:Firewall': 1,
      'aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule': 8,
    });
    const component = registered.find((r) => !r.custom);
    expect(component?.type).toBe('crosscluster:index:CrossCloudVpn');
    expect(ofType('aws:ec2/vpnGatewayRoutePropagation:VpnGatewayRoutePropagation').map((r) => r.inputs.routeTableId).sort()).toEqual(['rtb-a', 'rtb-b']);
    expect(ofType('aws:ec2/vpnGatewayRoutePropagation:VpnGatewayRoutePropagation').every((r) => r.inputs.vpnGatewayId === 'vpn-vgw-id')).toBe(true);
  });

  test('2 tunnels: one customer gateway, one connection, TWO_IPS_REDUNDANCY, both tunnels on HA interface 0', async () => {
    const { CrossCloudVpn } = await import('../../lib/pulumi/vpn');
    const vpn = new CrossCloudVpn('vpn2', baseArgs({ tunnelCount: 2 }));
    await valueOf(vpn.bgpSessions);
    await settle();
    const c = counts();
    expect(c['aws:ec2/customerGateway:CustomerGateway']).toBe(1);
    expect(c['aws:ec2/vpnConnection:VpnConnection']).toBe(1);
    expect(c['gcp:compute/vPNTunnel:VPNTunnel']).toBe(2);
    expect(c['gcp:compute/routerInterface:RouterInterface']).toBe(2);
    expect(c['gcp:compute/routerPeer:RouterPeer']).toBe(2);
    const ext = ofType('gcp:compute/externalVpnGateway:ExternalVpnGateway')[0];
    expect(ext.inputs.redundancyType).toBe('TWO_IPS_REDUNDANCY');
    expect(ext.inputs.interfaces).toEqual([
      { id: 0, ipAddress: '52.1.0.1' },
      { id: 1, ipAddress: '52.1.0.2' },
    ]);
    const tunnels = ofType('gcp:compute/vPNTunnel:VPNTunnel').sort((a, b) => a.name.localeCompare(b.name));
    expect(tunnels.map((t) => [t.inputs.vpnGatewayInterface, t.inputs.peerExternalGatewayInterface])).toEqual([
      [0, 0],
      [0, 1],
    ]);
    expect(ofType('aws:ec2/customerGateway:CustomerGateway')[0].inputs.ipAddress).toBe('35.242.10.1');
  });

  test('TGW: transit gateway with ECMP, attachment, routes to the TGW per route table and GKE CIDR; no propagation', async () => {
    const { CrossCloudVpn } = await import('../../lib/pulumi/vpn');
    const args = baseArgs();
    const vpn = new CrossCloudVpn('vpnt', { ...args, aws: { ...args.aws, gateway: 'tgw', transitGatewaySubnetIds: ['subnet-1', 'subnet-2'] } });
    await valueOf(vpn.bgpSessions);
    await settle();
    const c = counts();
    expect(c['aws:ec2transitgateway/transitGateway:TransitGateway']).toBe(1);
    expect(c['aws:ec2transitgateway/vpcAttachment:VpcAttachment']).toBe(1);
    expect(c['aws:ec2/vpnGateway:VpnGateway']).toBeUndefined();
    expect(c['aws:ec2/vpnGatewayRoutePropagation:VpnGatewayRoutePropagation']).toBeUndefined();
    expect(c['aws:ec2/vpnConnection:VpnConnection']).toBe(2);
    expect(c['gcp:compute/vPNTunnel:VPNTunnel']).toBe(4);
    // 2 route tables × 2 GKE CIDRs (pod + node).
    expect(c['aws:ec2/route:Route']).toBe(4);
    const tgw = ofType('aws:ec2transitgateway/transitGateway:TransitGateway')[0];
    expect(tgw.inputs).toMatchObject({ vpnEcmpSupport: 'enable', amazonSideAsn: 65020, region: 'us-west-2' });
    expect(typeof tgw.inputs.amazonSideAsn).toBe('number');
    const routes = ofType('aws:ec2/route:Route');
    expect(routes.map((r) => `${r.inputs.routeTableId} ${r.inputs.destinationCidrBlock}`).sort()).toEqual([
      'rtb-a 10.0.0.0/20',
      'rtb-a 10.8.0.0/14',
      'rtb-b 10.0.0.0/20',
      'rtb-b 10.8.0.0/14',
    ]);
    expect(routes.every((r) => r.inputs.transitGatewayId === 'vpnt-tgw-id')).toBe(true);
    for (const conn of ofType('aws:ec2/vpnConnection:VpnConnection')) {
      expect(conn.inputs.transitGatewayId).toBe('vpnt-tgw-id');
      expect(conn.inputs.vpnGatewayId).toBeUndefined();
    }
  });
});

describe('CrossCloudVpn wiring', () => {
  test('interface-to-tunnel mapping, inside addresses on both sides, ASNs and advertised ranges', async () => {
    const { CrossCloudVpn } = await import('../../lib/pulumi/vpn');
    const vpn = new CrossCloudVpn('w', baseArgs());
    const sessions = await valueOf(vpn.bgpSessions);
    await settle();

    // Customer gateways: CGW k = HA interface k's IP; the ASN is GCP's, as a string.
    const cgws = ofType('aws:ec2/customerGateway:CustomerGateway').sort((a, b) => a.name.localeCompare(b.name));
    expect(cgws.map((c) => [c.inputs.ipAddress, c.inputs.bgpAsn, c.inputs.type])).toEqual([
      ['35.242.10.1', '65010', 'ipsec.1'],
      ['35.242.10.2', '65010', 'ipsec.1'],
    ]);
    // Connection A uses CGW 0, B uses CGW 1.
    const conns = ofType('aws:ec2/vpnConnection:VpnConnection').sort((a, b) => a.name.localeCompare(b.name));
    expect(conns.map((c) => c.inputs.customerGatewayId)).toEqual(['w-cgw-0-id', 'w-cgw-1-id']);
    expect(conns.map((c) => [c.inputs.tunnel1InsideCidr, c.inputs.tunnel2InsideCidr])).toEqual([
      ['169.254.6.0/30', '169.254.6.4/30'],
      ['169.254.6.8/30', '169.254.6.12/30'],
    ]);
    expect(conns.every((c) => c.inputs.staticRoutesOnly === false && c.inputs.vpnGatewayId === 'w-vgw-id')).toBe(true);
    // VGW ASN is a string.
    expect(ofType('aws:ec2/vpnGateway:VpnGateway')[0].inputs).toMatchObject({ vpcId: 'vpc-123', amazonSideAsn: '65020' });

    // External gateway: 0 = A1, 1 = A2, 2 = B1, 3 = B2.
    const ext = ofType('gcp:compute/externalVpnGateway:ExternalVpnGateway')[0];
    expect(ext.inputs.redundancyType).toBe('FOUR_IPS_REDUNDANCY');
    expect(ext.inputs.interfaces).toEqual([
      { id: 0, ipAddress: '52.1.0.1' },
      { id: 1, ipAddress: '52.1.0.2' },
      { id: 2, ipAddress: '52.1.1.1' },
      { id: 3, ipAddress: '52.1.1.2' },
    ]);
    // Tunnels: HA if0 → ext 0, 1; HA if1 → ext 2, 3.
    const tunnels = ofType('gcp:compute/vPNTunnel:VPNTunnel').sort((a, b) => a.name.localeCompare(b.name));
    expect(tunnels.map((t) => [t.name, t.inputs.vpnGatewayInterface, t.inputs.peerExternalGatewayInterface])).toEqual([
      ['w-tunnel-0', 0, 0],
      ['w-tunnel-1', 0, 1],
      ['w-tunnel-2', 1, 2],
      ['w-tunnel-3', 1, 3],
    ]);
    expect(tunnels.every((t) => t.inputs.vpnGateway === 'w-ha-gateway-id' && t.inputs.peerExternalGateway === 'w-aws-gateway-id')).toBe(true);
    expect(tunnels.every((t) => t.inputs.router === 'w-router-id' && t.inputs.region === 'us-east4')).toBe(true);

    // BGP: interface ipRange = cgw/30; peer ipAddress = cgw, peerIpAddress = vgw, peerAsn = AWS ASN (a number).
    const ifaces = ofType('gcp:compute/routerInterface:RouterInterface').sort((a, b) => a.name.localeCompare(b.name));
    const peers = ofType('gcp:compute/routerPeer:RouterPeer').sort((a, b) => a.name.localeCompare(b.name));
    const expected = [
      ['169.254.6.2', '169.254.6.1'],
      ['169.254.6.6', '169.254.6.5'],
      ['169.254.6.10', '169.254.6.9'],
      ['169.254.6.14', '169.254.6.13'],
    ];
    expect(ifaces.map((i) => [i.inputs.ipRange, i.inputs.vpnTunnel, i.inputs.router])).toEqual(
      expected.map(([cgw], k) => [`${cgw}/30`, `w-tunnel-${k}`, 'w-router']),
    );
    expect(peers.map((p) => [p.inputs.ipAddress, p.inputs.peerIpAddress, p.inputs.peerAsn, p.inputs.interface])).toEqual(
      expected.map(([cgw, vgw], k) => [cgw, vgw, 65020, `w-interface-${k}`]),
    );
    expect(sessions.map((s) => [s.gcpAddress, s.awsAddress, s.haInterface, s.gcpAsn, s.awsAsn])).toEqual(
      expected.map(([cgw, vgw], k) => [cgw, vgw, k < 2 ? 0 : 1, 65010, 65020]),
    );

    // Cloud Router: ASN number, CUSTOM, ALL_SUBNETS + GKE pod and node CIDRs.
    const router = ofType('gcp:compute/router:Router')[0];
    expect(router.inputs.bgp.asn).toBe(65010);
    expect(router.inputs.bgp.advertiseMode).toBe('CUSTOM');
    expect(router.inputs.bgp.advertisedGroups).toEqual(['ALL_SUBNETS']);
    expect(router.inputs.bgp.advertisedIpRanges.map((r: { range: string }) => r.range)).toEqual(['10.8.0.0/14', '10.0.0.0/20']);
    expect(await valueOf(vpn.advertisedRanges)).toEqual(['10.8.0.0/14', '10.0.0.0/20']);
    expect(await valueOf(vpn.tunnelOutsideIps)).toEqual(['52.1.0.1', '52.1.0.2', '52.1.1.1', '52.1.1.2']);
    expect(await valueOf(vpn.haVpnInterfaceIps)).toEqual(['35.242.10.1', '35.242.10.2']);
  });

  test('IKEv2 and one transform set on both clouds', async () => {
    const { CrossCloudVpn } = await import('../../lib/pulumi/vpn');
    const vpn = new CrossCloudVpn('ike', baseArgs());
    await valueOf(vpn.bgpSessions);
    await settle();
    for (const conn of ofType('aws:ec2/vpnConnection:VpnConnection')) {
      for (const t of [1, 2]) {
        expect(conn.inputs[`tunnel${t}IkeVersions`]).toEqual(['ikev2']);
        expect(conn.inputs[`tunnel${t}Phase1EncryptionAlgorithms`]).toEqual(['AES256']);
        expect(conn.inputs[`tunnel${t}Phase1IntegrityAlgorithms`]).toEqual(['SHA2-256']);
        expect(conn.inputs[`tunnel${t}Phase1DhGroupNumbers`]).toEqual([14]);
        expect(conn.inputs[`tunnel${t}Phase2EncryptionAlgorithms`]).toEqual(['AES256']);
        expect(conn.inputs[`tunnel${t}Phase2IntegrityAlgorithms`]).toEqual(['SHA2-256']);
        expect(conn.inputs[`tunnel${t}Phase2DhGroupNumbers`]).toEqual([14]);
      }
    }
    for (const tunnel of ofType('gcp:compute/vPNTunnel:VPNTunnel')) {
      expect(tunnel.inputs.ikeVersion).toBe(2);
      expect(tunnel.inputs.cipherSuite).toEqual({
        phase1: { encryptions: ['AES-CBC-256'], integrities: ['HMAC-SHA2-256-128'], prves: ['PRF-HMAC-SHA2-256'], dhs: ['Group-14'] },
        phase2: { encryptions: ['AES-CBC-256'], integrities: ['HMAC-SHA2-256-128'], pfs: ['Group-14'] },
      });
    }
  });

  test('custom GCM cipher set: AWS keeps integrity as PRF, GCP drops integrity', async () => {
    const { CrossCloudVpn } = await import('../../lib/pulumi/vpn');
    const vpn = new CrossCloudVpn('gcm', baseArgs({ cipher: { encryption: 'AES256-GCM-16', integrity: 'SHA2-512', dhGroup: 20 } }));
    await valueOf(vpn.bgpSessions);
    await settle();
    const conn = ofType('aws:ec2/vpnConnection:VpnConnection')[0];
    expect(conn.inputs.tunnel1Phase1EncryptionAlgorithms).toEqual(['AES256-GCM-16']);
    expect(conn.inputs.tunnel2Phase2IntegrityAlgorithms).toEqual(['SHA2-512']);
    expect(conn.inputs.tunnel2Phase1DhGroupNumbers).toEqual([20]);
    expect(ofType('gcp:compute/vPNTunnel:VPNTunnel')[0].inputs.cipherSuite).toEqual({
      phase1: { encryptions: ['AES-GCM-16-256'], prves: ['PRF-HMAC-SHA2-512'], dhs: ['Group-20'] },
      phase2: { encryptions: ['AES-GCM-16-256'], pfs: ['Group-20'] },
    });
  });

  test('firewall and security-group rules cover exactly the remote CIDRs and ports', async () => {
    const { CrossCloudVpn } = await import('../../lib/pulumi/vpn');
    const args = baseArgs({ ports: [26257, 8080] });
    const vpn = new CrossCloudVpn('fw', { ...args, gcp: { ...args.gcp, firewallTargetTags: ['gke-node'] } });
    await valueOf(vpn.bgpSessions);
    await settle();
    const fw = ofType('gcp:compute/firewall:Firewall');
    expect(fw).toHaveLength(1);
    expect(fw[0].inputs).toMatchObject({
      network: 'projects/p/global/networks/crdb',
      direction: 'INGRESS',
      sourceRanges: ['10.32.0.0/16', '10.33.0.0/20'],
      targetTags: ['gke-node'],
      allows: [
        { protocol: 'tcp', ports: ['26257', '8080', '53'] },
        { protocol: 'udp', ports: ['53'] },
        { protocol: 'icmp' },
      ],
    });
    const rules = ofType('aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule');
    const seen = rules.map((r) => `${r.inputs.securityGroupId} ${r.inputs.cidrIpv4} ${r.inputs.ipProtocol} ${r.inputs.fromPort}-${r.inputs.toPort}`).sort();
    const expected: string[] = [];
    for (const cidr of ['10.0.0.0/20', '10.8.0.0/14']) {
      expected.push(`sg-1 ${cidr} tcp 26257-26257`, `sg-1 ${cidr} tcp 8080-8080`, `sg-1 ${cidr} tcp 53-53`, `sg-1 ${cidr} udp 53-53`, `sg-1 ${cidr} icmp -1--1`);
    }
    expect(seen).toEqual(expected.sort());
    expect(rules.every((r) => r.inputs.region === 'us-west-2')).toBe(true);
  });

  test('existing VGW is used, not created', async () => {
    const { CrossCloudVpn } = await import('../../lib/pulumi/vpn');
    const args = baseArgs();
    const vpn = new CrossCloudVpn('ex', { ...args, aws: { ...args.aws, vpnGatewayId: 'vgw-existing' } });
    await valueOf(vpn.bgpSessions);
    await settle();
    expect(counts()['aws:ec2/vpnGateway:VpnGateway']).toBeUndefined();
    expect(ofType('aws:ec2/vpnConnection:VpnConnection').every((c) => c.inputs.vpnGatewayId === 'vgw-existing')).toBe(true);
    expect(await valueOf(vpn.awsGatewayId)).toBe('vgw-existing');
  });
});

describe('CrossCloudVpn secrets', () => {
  test('AWS-generated keys reach GCP only as secrets and appear in no output', async () => {
    const { CrossCloudVpn } = await import('../../lib/pulumi/vpn');
    const vpn = new CrossCloudVpn('sec', baseArgs());
    await valueOf(vpn.bgpSessions);
    await settle();
    for (const conn of ofType('aws:ec2/vpnConnection:VpnConnection')) {
      expect(conn.inputs.tunnel1PresharedKey).toBeUndefined();
      expect(conn.inputs.tunnel2PresharedKey).toBeUndefined();
    }
    const tunnels = ofType('gcp:compute/vPNTunnel:VPNTunnel').sort((a, b) => a.name.localeCompare(b.name));
    expect(tunnels.every((t) => isSecretValue(t.inputs.sharedSecret))).toBe(true);
    expect(tunnels.map((t) => plain(t.inputs.sharedSecret))).toEqual([
      `${AWS_GENERATED_KEY}01`,
      `${AWS_GENERATED_KEY}02`,
      `${AWS_GENERATED_KEY}11`,
      `${AWS_GENERATED_KEY}12`,
    ]);
    await expectNoKeyInOutputs(vpn, AWS_GENERATED_KEY);
  });

  test('user keys: secret on both sides, same key per tunnel, absent from outputs', async () => {
    const { CrossCloudVpn } = await import('../../lib/pulumi/vpn');
    const keys = ['Key_tunnel.zero1', 'Key_tunnel.one11', 'Key_tunnel.two22', 'Key_tunnel.three'];
    const vpn = new CrossCloudVpn(
      'usr',
      baseArgs({
        tunnels: [{ presharedKey: keys[0] }, { presharedKey: pulumi.secret(keys[1]) }, { presharedKey: keys[2] }, { presharedKey: keys[3] }],
      }),
    );
    await valueOf(vpn.bgpSessions);
    await settle();
    const conns = ofType('aws:ec2/vpnConnection:VpnConnection').sort((a, b) => a.name.localeCompare(b.name));
    expect(conns.every((c) => isSecretValue(c.inputs.tunnel1PresharedKey) && isSecretValue(c.inputs.tunnel2PresharedKey))).toBe(true);
    expect(conns.map((c) => [plain(c.inputs.tunnel1PresharedKey), plain(c.inputs.tunnel2PresharedKey)])).toEqual([
      [keys[0], keys[1]],
      [keys[2], keys[3]],
    ]);
    const tunnels = ofType('gcp:compute/vPNTunnel:VPNTunnel').sort((a, b) => a.name.localeCompare(b.name));
    expect(tunnels.every((t) => isSecretValue(t.inputs.sharedSecret))).toBe(true);
    expect(tunnels.map((t) => plain(t.inputs.sharedSecret))).toEqual(keys);
    await expectNoKeyInOutputs(vpn, 'Key_tunnel');
  });

  async function expectNoKeyInOutputs(vpn: any, fragment: string): Promise<void> {
    const names = ['haVpnInterfaceIps', 'tunnelOutsideIps', 'bgpSessions', 'advertisedRanges', 'insideCidrs', 'routerName', 'haVpnGatewayId', 'vpnConnectionIds', 'awsGatewayId'];
    for (const n of names) {
      const out = vpn[n] as pulumi.Output<unknown>;
      expect(pulumi.Output.isInstance(out)).toBe(true);
      expect(await pulumi.isSecret(out)).toBe(false);
      expect(JSON.stringify(await valueOf(out))).not.toContain(fragment);
    }
    expect(JSON.stringify(vpn.plan)).not.toContain(fragment);
  }
});

describe('CrossCloudVpn rejects bad input before registering anything', () => {
  const cases: Array<[string, (a: CrossCloudVpnArgs) => CrossCloudVpnArgs, string[]]> = [
    [
      'overlapping CIDRs across clouds',
      (a) => ({ ...a, clusters: [gke, { ...eks, podCidrs: ['10.9.0.0/16'] }] }),
      ['clusters[1].podCidrs[0]'],
    ],
    ['public ASN', (a) => ({ ...a, aws: { ...a.aws, asn: 16509 } }), ['aws.asn']],
    ['equal ASNs', (a) => ({ ...a, gcp: { ...a.gcp, asn: 65020 } }), ['aws.asn']],
    ['AWS-reserved ASN', (a) => ({ ...a, gcp: { ...a.gcp, asn: 7224 } }), ['gcp.asn']],
    [
      'reserved and duplicate inside CIDRs',
      (a) => ({ ...a, tunnels: [{ insideCidr: '169.254.7.0/30' }, { insideCidr: '169.254.169.252/30' }, { insideCidr: '169.254.7.0/30' }, {}] }),
      ['tunnels[1].insideCidr', 'tunnels[2].insideCidr'],
    ],
    ['bad PSK', (a) => ({ ...a, tunnels: [{ presharedKey: '0short' }, {}, {}, {}] }), ['tunnels[0].presharedKey']],
    ['TGW without subnets', (a) => ({ ...a, aws: { ...a.aws, gateway: 'tgw' } }), ['aws.transitGatewaySubnetIds']],
  ];
  test.each(cases)('%s', async (_label, mutate, paths) => {
    const { CrossCloudVpn } = await import('../../lib/pulumi/vpn');
    const { TopologyError } = await import('../../lib/core/problems');
    let error: unknown;
    try {
      new CrossCloudVpn('bad', mutate(baseArgs()));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TopologyError);
    const problems = (error as InstanceType<typeof TopologyError>).problems;
    expect(problems.map((p) => p.path)).toEqual(expect.arrayContaining(paths));
    await settle();
    expect(registered).toHaveLength(0);
  });

  test('all problems at once, and the PSK is never echoed', async () => {
    const { CrossCloudVpn } = await import('../../lib/pulumi/vpn');
    const secretish = 'bad-key+with/chars';
    let message = '';
    try {
      new CrossCloudVpn(
        'many',
        baseArgs({
          clusters: [gke, { ...eks, nodeCidrs: ['10.0.0.0/24'] }],
          gcp: { network: 'n', region: 'r', asn: 100 },
          tunnels: [{ presharedKey: secretish }, { insideCidr: '169.254.2.0/30' }, {}, {}],
        }),
      );
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('gcp.asn');
    expect(message).toContain('tunnels[0].presharedKey');
    expect(message).toContain('tunnels[1].insideCidr');
    expect(message).toContain('clusters[1].nodeCidrs[0]');
    expect(message).not.toContain(secretish);
    await settle();
    expect(registered).toHaveLength(0);
  });
});
