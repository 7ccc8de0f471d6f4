// Networking.podIps and Networking.hostNetwork in the core: every validation rule accepted and
// refused (with its field path), the routing check against the real VPN and peering planners, and
// the plan (advertise source, join list, SANs).
import {
  ClusterSpec, findTopologyProblems, HostNetworkOptions, Networking, planAwsPeeringMesh, planCrossCloudVpn, planDeployment, planGcpNetworks,
  PodIpsOptions, Problem, RoutedNetwork, routedNetworkOfAwsPlan, routedNetworkOfGcpPlan, routedNetworkOfVpn, Tls, TopologyError, TopologyInput,
} from 'crosscluster';

const GKE: ClusterSpec = { name: 'gke', cloud: 'gcp', region: 'us-east1', nodes: 3, podCidrs: ['10.12.0.0/14'], nodeCidrs: ['10.10.0.0/20'], serviceCidrs: ['10.16.0.0/20'] };
const EKS: ClusterSpec = {
  name: 'eks',
  cloud: 'aws',
  region: 'eu-west-1',
  nodes: 3,
  podCidrs: ['10.32.0.0/16'],
  nodeCidrs: ['10.30.0.0/16'],
  serviceCidrs: ['172.20.0.0/16'],
  eks: { subnets: { 'eu-west-1a': { id: 'subnet-0a1b2c3d', cidr: '10.30.0.0/20' }, 'eu-west-1b': { id: 'subnet-0a1b2c3e', cidr: '10.30.16.0/20' } } },
};
const AKS: ClusterSpec = { name: 'aks', cloud: 'azure', region: 'westeurope', nodes: 3, podCidrs: ['10.244.0.0/16'], nodeCidrs: ['10.60.0.0/16'] };
const JOIN = { gke: '10.10.15.200', eks: ['10.30.15.200', '10.30.31.200'] };
const WITH_AKS = { ...JOIN, aks: '10.60.15.200' };

function podIps(
  options: PodIpsOptions = { joinAddresses: JOIN }, clusters: ClusterSpec[] = [GKE, EKS], extra: Partial<TopologyInput> = {},
): TopologyInput {
  return { clusters, networking: Networking.podIps(options), tls: Tls.certManager(), ...extra };
}

const STATIC_NODES = {
  a: [{ name: 'a-1', address: '192.168.10.11' }, { name: 'a-2', address: '192.168.10.12' }, { name: 'a-3', address: 'a-3.dc.example' }],
  b: [{ name: 'b-1', address: '192.168.20.11' }, { name: 'b-2', address: '192.168.20.12' }],
};
const DC_A: ClusterSpec = { name: 'a', cloud: 'generic', region: 'east', nodes: 3, nodeCidrs: ['192.168.10.0/24'], podCidrs: ['10.100.0.0/16'], serviceCidrs: ['10.110.0.0/16'] };
const DC_B: ClusterSpec = { name: 'b', cloud: 'generic', region: 'west', nodes: 2, nodeCidrs: ['192.168.20.0/24'], podCidrs: ['10.120.0.0/16'] };

function hostNetwork(
  options: HostNetworkOptions = { nodes: STATIC_NODES }, clusters: ClusterSpec[] = [DC_A, DC_B], extra: Partial<TopologyInput> = {},
): TopologyInput {
  return { clusters, networking: Networking.hostNetwork(options), tls: Tls.certManager(), ...extra };
}

const problemsOf = (input: TopologyInput, engine: 'cdk8s' | 'pulumi' | undefined = 'cdk8s') => findTopologyProblems(input, engine);
const paths = (problems: readonly Problem[]) => problems.map((p) => p.path);
function only(problems: readonly Problem[], path: string, message: RegExp): void {
  expect(paths(problems)).toEqual([path]);
  expect(problems[0].message).toMatch(message);
}

describe('Networking.podIps: validation', () => {
  test('a complete topology is accepted by both engines', () => {
    expect(problemsOf(podIps())).toEqual([]);
    expect(problemsOf(podIps(), 'pulumi')).toEqual([]);
    expect(problemsOf(podIps(undefined, undefined, { tls: Tls.insecure() }))).toEqual([]);
  });

  test('cdk8s needs every join address at synth time; Pulumi reads a missing one from the Service', () => {
    only(problemsOf(podIps({ joinAddresses: { gke: JOIN.gke } })), 'networking.joinAddresses.eks', /required.*every subnet of eks.subnets/);
    expect(problemsOf(podIps({}), 'pulumi')).toEqual([]);
  });

  test('a join address of no cluster, inside a pod or service range, unreachable, or twice is refused', () => {
    only(problemsOf(podIps({ joinAddresses: { ...JOIN, nope: '10.10.15.9' } })), 'networking.joinAddresses.nope', /not the name of any cluster/);
    only(problemsOf(podIps({ joinAddresses: { ...JOIN, gke: '10.32.0.9' } })), 'networking.joinAddresses.gke', /inside '10.32.0.0\/16', clusters\[1\].podCidrs/);
    only(problemsOf(podIps({ joinAddresses: { ...JOIN, gke: '10.16.0.9' } })), 'networking.joinAddresses.gke', /clusters\[0\].serviceCidrs/);
    only(problemsOf(podIps({ joinAddresses: { ...JOIN, gke: '127.0.0.1' } })), 'networking.joinAddresses.gke', /loopback/);
    only(problemsOf(podIps({ joinAddresses: { ...JOIN, gke: 'not an address!' } })), 'networking.joinAddresses.gke', /neither an IP address nor a DNS name/);
    only(problemsOf(podIps({ joinAddresses: { gke: '10.30.15.200', eks: JOIN.eks } })), 'networking.joinAddresses.eks[0]', /also the join address of 'gke'/);
  });

  test('AWS: one private IP per subnet, in AZ order, each inside its subnet; elsewhere one address', () => {
    only(problemsOf(podIps({ joinAddresses: { ...JOIN, eks: ['10.30.15.200'] } })), 'networking.joinAddresses.eks', /1 private IP for 2 subnets/);
    expect(paths(problemsOf(podIps({ joinAddresses: { ...JOIN, eks: ['10.30.31.200', '10.30.15.200'] } })))).toEqual(['networking.joinAddresses.eks[0]', 'networking.joinAddresses.eks[1]']);
    only(problemsOf(podIps({ joinAddresses: { ...JOIN, gke: ['10.10.15.200', '10.10.15.201'] } })), 'networking.joinAddresses.gke', /2 addresses: a load balancer on 'gcp' has one/);
    // A DNS name (a private record, or the NLB's own name in Pulumi) is not pinned: accepted.
    expect(problemsOf(podIps({ joinAddresses: { ...JOIN, eks: 'join.eks.example.internal' } }))).toEqual([]);
  });

  test('every cluster needs routable pod ranges; overlapping ones are refused as everywhere', () => {
    only(problemsOf(podIps({ joinAddresses: { gke: JOIN.gke } }, [{ ...GKE, podCidrs: [] }])), 'clusters[0].podCidrs', /required with Networking.podIps/);
    only(problemsOf(podIps(undefined, [GKE, { ...EKS, podCidrs: [] }])), 'clusters[1].podCidrs', /is required/);
    only(problemsOf(podIps(undefined, [GKE, { ...EKS, podCidrs: ['169.254.0.0/16'] }])), 'clusters[1].podCidrs[0]', /link-local: no other cluster can route/);
    expect(paths(problemsOf(podIps(undefined, [GKE, { ...EKS, podCidrs: ['10.13.0.0/16'] }])))).toContain('clusters[1].podCidrs[0]');
  });

  test('Tls.generated and Tls.existingCa are refused (a pod\'s IP is known only at start), with what to use instead', () => {
    const generated = problemsOf(podIps(undefined, undefined, { tls: Tls.generated() }), 'pulumi');
    only(generated, 'tls', /Tls.generated\(\) signs certificates at deploy time.*Use Tls.certManager/);
    const existing = problemsOf(podIps(undefined, undefined, { tls: Tls.existingCa({ caCertPem: 'x', caKeyPem: 'y' }) }), 'pulumi');
    expect(paths(existing)).toContain('tls');
  });

  test('the join load balancer is internal: a generic cluster must say its load balancers are private', () => {
    const generic: ClusterSpec = { name: 'dc', cloud: 'generic', region: 'r', nodes: 3, podCidrs: ['10.100.0.0/16'], nodeCidrs: ['192.168.0.0/24'] };
    only(problemsOf(podIps({ joinAddresses: { ...JOIN, dc: '192.168.0.200' } }, [GKE, EKS, generic])), 'clusters[2].generic.privateLoadBalancers', /must be internal/);
    expect(problemsOf(podIps({ joinAddresses: { ...JOIN, dc: '192.168.0.200' } }, [GKE, EKS, { ...generic, generic: { privateLoadBalancers: true } }]))).toEqual([]);
  });
});

describe('Networking.podIps: the pod ranges must be routed by the networks the program builds', () => {
  const vpn = routedNetworkOfVpn('gke-eks', [GKE, EKS], planCrossCloudVpn({ clusters: [GKE, EKS] }));

  test('the real CrossCloudVpn plan routes both clusters\' pod ranges: accepted', () => {
    expect(vpn.routedCidrs).toEqual({ gke: ['10.12.0.0/14', '10.10.0.0/20'], eks: ['10.32.0.0/16', '10.30.0.0/16'] });
    expect(problemsOf(podIps({ joinAddresses: JOIN, routedBy: [vpn] }))).toEqual([]);
  });

  test('a pod range the VPN was not built with is refused, naming the VPN and what it routes', () => {
    const grown = { ...EKS, podCidrs: ['10.32.0.0/16', '10.33.0.0/16'] };
    only(problemsOf(podIps({ joinAddresses: JOIN, routedBy: [vpn] }, [GKE, grown])), 'clusters[1].podCidrs[1]',
      /'10.33.0.0\/16' is not routed between the clusters \(CrossCloudVpn 'gke-eks' routes 10.32.0.0\/16, 10.30.0.0\/16 for it\)/);
  });

  test('IPv6 pod ranges are not carried by the VPN: refused, and the message says why', () => {
    const dual = { ...GKE, podCidrs: ['10.12.0.0/14', 'fd00:12::/56'] };
    const network = routedNetworkOfVpn('v', [dual, EKS], planCrossCloudVpn({ clusters: [dual, EKS] }));
    only(problemsOf(podIps({ joinAddresses: JOIN, routedBy: [network] }, [dual, EKS])), 'clusters[0].podCidrs[1]', /carry IPv4 only/);
  });

  test('a cluster no network links is refused (an AKS cluster next to a GKE–EKS VPN)', () => {
    only(problemsOf(podIps({ joinAddresses: WITH_AKS, routedBy: [vpn] }, [GKE, EKS, AKS])), 'networking.routedBy', /cluster 'aks' \(clusters\[2\]\) is routed by none of CrossCloudVpn 'gke-eks'/);
  });

  test('routes are not transitive: two peering meshes A–B and B–C leave A and C apart', () => {
    const vpc = (name: string, second: number): ClusterSpec => ({ name, cloud: 'aws', region: 'us-east-1', nodes: 3, podCidrs: [`10.${second}.0.0/16`], nodeCidrs: [`10.${second + 1}.0.0/16`], eks: EKS.eks });
    const [x, y, z] = [vpc('x', 40), vpc('y', 50), vpc('z', 60)];
    const mesh = (name: string, a: ClusterSpec, b: ClusterSpec) => routedNetworkOfAwsPlan('AwsVpcPeeringMesh', name, planAwsPeeringMesh({
      vpcs: [{ cluster: a, routeTables: 1 }, { cluster: b, routeTables: 1 }],
    }));
    const join = { x: ['10.41.0.200', '10.41.16.200'], y: ['10.51.0.200', '10.51.16.200'], z: ['10.61.0.200', '10.61.16.200'] };
    const subnets = (second: number) => ({
      subnets: { 'us-east-1a': { id: `subnet-0a0000${second}`, cidr: `10.${second + 1}.0.0/20` }, 'us-east-1b': { id: `subnet-0b0000${second}`, cidr: `10.${second + 1}.16.0/20` } },
    });
    const clusters = [{ ...x, eks: subnets(40) }, { ...y, eks: subnets(50) }, { ...z, eks: subnets(60) }];
    only(problemsOf(podIps({ joinAddresses: join, routedBy: [mesh('xy', x, y), mesh('yz', y, z)] }, clusters)), 'networking.routedBy',
      /clusters 'x' and 'z' share none of the networks.*not transitive/);
  });

  test('a peering routed with a `cidrs` override that leaves the pods out is refused', () => {
    const mesh = routedNetworkOfAwsPlan('AwsVpcPeeringMesh', 'm', planAwsPeeringMesh({
      vpcs: [{ cluster: { ...GKE, cloud: 'aws' }, routeTables: 1, cidrs: ['10.10.0.0/20'] }, { cluster: EKS, routeTables: 1 }],
    }));
    only(problemsOf(podIps({ joinAddresses: JOIN, routedBy: [mesh] })), 'clusters[0].podCidrs[0]', /AwsVpcPeeringMesh 'm' routes 10.10.0.0\/20 for it/);
  });

  test('GcpNetworkPeering routes the GKE clusters\' pod and node ranges', () => {
    const other: ClusterSpec = { ...GKE, name: 'gke2', region: 'us-west1', podCidrs: ['10.24.0.0/14'], nodeCidrs: ['10.20.0.0/20'], serviceCidrs: ['10.28.0.0/20'] };
    const network = routedNetworkOfGcpPlan('g', [GKE, other], planGcpNetworks({ networks: [{ name: 'vpc' }], clusters: [{ cluster: GKE, network: 'vpc' }, { cluster: other, network: 'vpc' }] }));
    expect(network.routedCidrs).toEqual({ gke: ['10.12.0.0/14', '10.10.0.0/20'], gke2: ['10.24.0.0/14', '10.20.0.0/20'] });
    expect(problemsOf(podIps({ joinAddresses: { gke: JOIN.gke, gke2: '10.20.15.200' }, routedBy: [network] }, [GKE, other]))).toEqual([]);
  });

  test('a network described by hand; malformed descriptions are problems with paths, never a throw', () => {
    const onPrem: RoutedNetwork = { name: 'MPLS', routedCidrs: { gke: ['10.0.0.0/8'], eks: ['10.0.0.0/8'] } };
    expect(problemsOf(podIps({ joinAddresses: JOIN, routedBy: [onPrem] }))).toEqual([]);
    const bad = podIps({ joinAddresses: JOIN, routedBy: [{ name: '', routedCidrs: { gke: ['10.0.0.0/33'], eks: 'x' } } as never, 7 as never] });
    expect(paths(problemsOf(bad))).toEqual(expect.arrayContaining([
      'networking.routedBy[0].name', 'networking.routedBy[0].routedCidrs.gke[0]', 'networking.routedBy[0].routedCidrs.eks', 'networking.routedBy[1]',
    ]));
    only(problemsOf(podIps({ joinAddresses: JOIN, routedBy: 'vpn' as never })), 'networking.routedBy', /expected a list of routed networks/);
    only(problemsOf(podIps({ joinAddresses: JOIN, routedBy: [] })), 'networking.routedBy', /is empty/);
  });
});

describe('Networking.podIps: the plan', () => {
  test('pods advertise their pod IP; the join list is every join load balancer address, the same whatever the replica counts', () => {
    const plan = planDeployment(podIps(), { engine: 'cdk8s' });
    expect(plan.joinAddresses).toEqual(['10.10.15.200:26257', '10.30.15.200:26257', '10.30.31.200:26257']);
    for (const c of plan.clusters) for (const p of c.pods) expect(p).toMatchObject({ advertiseFrom: 'podIP', advertiseHost: '$(POD_IP)' });
    const bigger = planDeployment(podIps(undefined, [{ ...GKE, nodes: 7 }, { ...EKS, nodes: 1 }]), { engine: 'cdk8s' });
    expect(bigger.joinAddresses).toEqual(plan.joinAddresses);
  });

  test('the join load balancer\'s addresses are in its cluster\'s SANs; a retiring cluster is no entry point; separate RPC port', () => {
    const plan = planDeployment(podIps(), { engine: 'cdk8s' });
    expect(plan.clusters[1].nodeCertSans.ipAddresses).toEqual(expect.arrayContaining(['10.30.15.200', '10.30.31.200']));
    expect(plan.clusters[0].nodeCertSans.ipAddresses).not.toContain('10.30.15.200');
    const retiring = planDeployment(podIps({ joinAddresses: WITH_AKS }, [GKE, EKS, { ...AKS, retiring: true }]), { engine: 'cdk8s' });
    expect(retiring.joinAddresses).not.toContain('10.60.15.200:26257');
    const split = planDeployment(podIps(undefined, undefined, { separateSqlPort: true }), { engine: 'cdk8s' });
    expect(split.joinAddresses[0]).toBe('10.10.15.200:26258');
  });

  test('Pulumi: placeholders under .invalid until the load balancers answer; resolved addresses replace them', () => {
    const pending = planDeployment(podIps({}), { engine: 'pulumi', placeholders: true });
    expect(pending.joinAddresses).toEqual(['join.gke.unresolved.invalid:26257', 'join.eks.unresolved.invalid:26257']);
    expect(() => planDeployment(podIps({}), { engine: 'pulumi' })).toThrow(TopologyError);
    const live = planDeployment(podIps({}), { engine: 'pulumi', resolved: { joinAddresses: { gke: ['10.10.15.7'], eks: ['join-nlb.elb.eu-west-1.amazonaws.com'] } } });
    expect(live.joinAddresses).toEqual(['10.10.15.7:26257', 'join-nlb.elb.eu-west-1.amazonaws.com:26257']);
    expect(live.clusters[1].nodeCertSans.dnsNames).toContain('join-nlb.elb.eu-west-1.amazonaws.com');
  });
});

describe('Networking.hostNetwork: validation', () => {
  test('a complete topology is accepted by both engines', () => {
    expect(problemsOf(hostNetwork())).toEqual([]);
    expect(problemsOf(hostNetwork(), 'pulumi')).toEqual([]);
    expect(problemsOf(hostNetwork(undefined, undefined, { tls: Tls.generated() }), 'pulumi')).toEqual([]);
  });

  test('every cluster lists exactly one node per database pod', () => {
    only(problemsOf(hostNetwork({ nodes: { a: STATIC_NODES.a } })), 'networking.nodes.b', /nodes of clusters\[1\] are required/);
    only(problemsOf(hostNetwork({ nodes: { ...STATIC_NODES, b: STATIC_NODES.b.slice(0, 1) } })), 'networking.nodes.b', /1 node for 2 CockroachDB nodes/);
    only(problemsOf(hostNetwork({ nodes: { ...STATIC_NODES, c: [] } })), 'networking.nodes.c', /not the name of any cluster/);
  });

  test('node names and addresses: valid, unique, inside the cluster\'s node range, never a pod or service IP', () => {
    const with1 = (entry: { name: string; address: string }) => ({ nodes: { ...STATIC_NODES, b: [STATIC_NODES.b[0], entry] } });
    only(problemsOf(hostNetwork(with1({ name: 'B_2', address: '192.168.20.13' }))), 'networking.nodes.b[1].name', /not a Node name/);
    only(problemsOf(hostNetwork(with1({ name: 'b-1', address: '192.168.20.13' }))), 'networking.nodes.b[1].name', /listed twice/);
    only(problemsOf(hostNetwork(with1({ name: 'b-2', address: 'A-3.DC.example.' }))), 'networking.nodes.b[1].address', /already the address of networking.nodes.a\[2\]/);
    only(problemsOf(hostNetwork(with1({ name: 'b-2', address: '192.168.21.5' }))), 'networking.nodes.b[1].address', /not inside the cluster's nodeCidrs \(192.168.20.0\/24\)/);
    only(problemsOf(hostNetwork(with1({ name: 'b-2', address: '10.110.0.5' }))), 'networking.nodes.b[1].address', /clusters\[0\].serviceCidrs/);
    only(problemsOf(hostNetwork(with1({ name: 'b-2', address: '169.254.1.1' }))), 'networking.nodes.b[1].address', /link-local/);
    only(problemsOf(hostNetwork(with1({ name: 'b-2', address: '192.168.020.5' }))), 'networking.nodes.b[1].address', /leading zero/);
  });

  test('managed clouds recreate node VMs with new IPs: node IPs are refused unless declared static; DNS names are accepted', () => {
    const gke: ClusterSpec = { name: 'gke', cloud: 'gcp', region: 'us-east1', nodes: 1, nodeCidrs: ['10.10.0.0/20'], podCidrs: ['10.12.0.0/14'] };
    const nodes = { gke: [{ name: 'gke-pool-1-abcd', address: '10.10.0.5' }] };
    only(problemsOf(hostNetwork({ nodes }, [gke])), 'networking.nodes.gke[0].address', /recreate VMs with new internal IPs.*staticNodeAddresses: true/);
    expect(problemsOf(hostNetwork({ nodes, staticNodeAddresses: true }, [gke]))).toEqual([]);
    expect(problemsOf(hostNetwork({ nodes: { gke: [{ name: 'gke-pool-1-abcd', address: 'db-1.gke.example.internal' }] } }, [gke]))).toEqual([]);
    expect(paths(problemsOf(hostNetwork({ nodes, staticNodeAddresses: 'yes' as never }, [gke])))).toEqual(['networking.staticNodeAddresses', 'networking.nodes.gke[0].address']);
  });

  test('the database ports on the host may not be NodePorts', () => {
    only(problemsOf(hostNetwork({ nodes: STATIC_NODES, nodePortRange: '20000-30000' })), 'networking.nodePortRange', /port 26257 \(SQL and inter-node RPC\).*20000-30000 is the NodePort range/);
    only(problemsOf(hostNetwork({ nodes: STATIC_NODES, nodePortRange: '8000-9000' })), 'networking.nodePortRange', /port 8080 \(HTTP/);
    expect(problemsOf(hostNetwork({ nodes: STATIC_NODES, nodePortRange: '26258-32767' }))).toEqual([]);
    only(problemsOf(hostNetwork({ nodes: STATIC_NODES, nodePortRange: '26258-32767' }, undefined, { separateSqlPort: true })), 'networking.nodePortRange', /port 26258 \(inter-node RPC \(separateSqlPort\)\)/);
    only(problemsOf(hostNetwork({ nodes: STATIC_NODES, nodePortRange: '30000:32767' })), 'networking.nodePortRange', /not a port range/);
  });

  test('sourceRanges has nothing to restrict (no load balancer); the placement label must be a label', () => {
    only(problemsOf(hostNetwork({ nodes: STATIC_NODES, sourceRanges: ['10.0.0.0/8'] as never })), 'networking.sourceRanges', /creates no load balancer/);
    only(problemsOf(hostNetwork({ nodes: STATIC_NODES, nodeSelector: { 'bad key!': 'x' } })), 'networking.nodeSelector', /not a label key/);
    only(problemsOf(hostNetwork({ nodes: STATIC_NODES, nodeSelector: { role: 'bad value!' } })), 'networking.nodeSelector.role', /not a label value/);
    only(problemsOf(hostNetwork({ nodes: STATIC_NODES, nodeSelector: {} })), 'networking.nodeSelector', /is empty/);
  });

  test('hostile shapes are problems, never a throw', () => {
    const shapes = [{ nodes: 'x' }, { nodes: { a: 'x' } }, { nodes: { a: [null, 7] } }, { nodes: { a: [{ name: 1, address: {} }] } }, { nodeSelector: [] }];
    for (const options of shapes) {
      const problems = problemsOf(hostNetwork(options as never));
      expect(problems.length).toBeGreaterThan(0);
      expect(problems.every((p) => p.path.startsWith('networking') || p.path.startsWith('clusters'))).toBe(true);
    }
    for (const options of [{ joinAddresses: 'x' }, { joinAddresses: { gke: [null] } }, { joinAddresses: { gke: {} } }]) {
      expect(paths(problemsOf(podIps(options as never))).some((p) => p.startsWith('networking.joinAddresses'))).toBe(true);
    }
  });
});

describe('Networking.hostNetwork: the plan', () => {
  test('the join list is the first min(3, nodes) listed addresses of every cluster; the SANs hold every listed address', () => {
    const plan = planDeployment(hostNetwork(), { engine: 'cdk8s' });
    expect(plan.joinAddresses).toEqual(['192.168.10.11:26257', '192.168.10.12:26257', 'a-3.dc.example:26257', '192.168.20.11:26257', '192.168.20.12:26257']);
    expect(plan.clusters[0].nodeCertSans.ipAddresses).toEqual(['127.0.0.1', '::1', '192.168.10.11', '192.168.10.12']);
    expect(plan.clusters[0].nodeCertSans.dnsNames).toContain('a-3.dc.example');
    expect(plan.clusters[0].hostNetwork).toEqual({ nodes: STATIC_NODES.a, nodeSelector: { 'crosscluster.io/database': 'a' } });
    for (const p of plan.clusters[0].pods) expect(p).toMatchObject({ advertiseFrom: 'nodeAddress', advertiseHost: '$(NODE_ADDRESS)' });
  });

  test('IPs are canonical: ::ffff:192.168.10.11 is 192.168.10.11, and is the same address as another cluster\'s', () => {
    const nodes = { ...STATIC_NODES, a: [{ name: 'a-1', address: '::ffff:192.168.10.11' }, ...STATIC_NODES.a.slice(1)] };
    expect(planDeployment(hostNetwork({ nodes }), { engine: 'cdk8s' }).joinAddresses[0]).toBe('192.168.10.11:26257');
  });
});
