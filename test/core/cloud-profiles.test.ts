// One test per cloud-profile rule, accepted and refused inputs. What the library emits is checked
// against the stand-in controllers of test/support/cloud-load-balancer-rules.ts, written from the
// providers' documentation independently of lib/core/cloud, so a rule the library gets wrong fails here.
import * as fc from 'fast-check';
import { admitLoadBalancer, CloudFacts, PodFacts, ServiceObject } from '../support/cloud-load-balancer-rules';
import { validateKubeObjects } from '../support/kube-schema';
import {
  allObjects, ClusterSpec, findTopologyProblems, KubeObject, Networking, planDeployment, renderDeployment, Tls, TopologyInput,
} from 'crosscluster';

const GKE: ClusterSpec = { name: 'gke', cloud: 'gcp', region: 'us-east1', nodes: 3, podCidrs: ['10.4.0.0/14'], nodeCidrs: ['10.0.0.0/20'] };
const EKS_SUBNETS = {
  'eu-west-1c': { id: 'subnet-0c000003', cidr: '10.30.32.0/20' },
  'eu-west-1a': { id: 'subnet-0a000001', cidr: '10.30.0.0/20' },
  'eu-west-1b': { id: 'subnet-0b000002', cidr: '10.30.16.0/20' },
};
const EKS: ClusterSpec = {
  name: 'eks', cloud: 'aws', region: 'eu-west-1', nodes: 3, podCidrs: ['10.32.0.0/16'], nodeCidrs: ['10.30.0.0/16'], eks: { subnets: EKS_SUBNETS },
};
const AKS: ClusterSpec = { name: 'aks', cloud: 'azure', region: 'westeurope', nodes: 3, podCidrs: ['10.244.0.0/16'], nodeCidrs: ['10.60.0.0/16'] };
const ONPREM: ClusterSpec = { name: 'onprem', cloud: 'generic', region: 'dc1', nodes: 3, podCidrs: ['10.80.0.0/16'], nodeCidrs: ['10.81.0.0/16'] };
const EKS_IPS = ['10.30.15.53', '10.30.31.53', '10.30.47.53'];
const DNS = { gke: '10.0.15.53', eks: EKS_IPS, aks: '10.60.15.53', onprem: '10.81.0.53' };

const AWS_FACTS: CloudFacts = {
  cloud: 'aws',
  vpcCidrs: ['10.30.0.0/16'],
  subnets: Object.entries(EKS_SUBNETS).map(([zone, s]) => ({ zone, ...s })),
};
const gkeFacts = (version: string, subsetting: boolean, existing: ServiceObject[] = []): CloudFacts => ({
  cloud: 'gcp',
  version,
  subsetting,
  subnetCidr: '10.0.0.0/20',
  existing,
  reservedAddresses: { 'crdb-dns': { address: '10.0.15.53', purpose: 'SHARED_LOADBALANCER_VIP' }, 'crdb-0': { address: '10.0.15.10' } },
});
const AZURE_FACTS: CloudFacts = { cloud: 'azure', subnets: { nodes: '10.60.0.0/16', lbs: '10.61.0.0/24' } };

function dnsChain(clusters: ClusterSpec[], dnsAddresses: Record<string, string | string[]> = DNS, extra: Partial<TopologyInput> = {}): TopologyInput {
  const given = Object.fromEntries(Object.entries(dnsAddresses).filter(([c]) => clusters.some((x) => x.name === c)));
  return { clusters, networking: Networking.dnsChain({ dnsAddresses: given }), tls: Tls.certManager(), ...extra };
}

function rendered(input: TopologyInput): Record<string, KubeObject[]> {
  const plan = planDeployment(input, { engine: 'cdk8s' });
  const objects = Object.fromEntries(renderDeployment(plan).map((m) => [m.cluster, allObjects(m)]));
  validateKubeObjects(Object.values(objects).flat());
  return objects;
}

const loadBalancers = (objects: readonly KubeObject[]) =>
  objects.filter((o) => o.kind === 'Service' && (o as any).spec.type === 'LoadBalancer') as unknown as ServiceObject[];
const problems = (input: TopologyInput, engine: 'cdk8s' | 'pulumi' = 'cdk8s') => findTopologyProblems(input, engine);
const pathsOf = (input: TopologyInput, engine: 'cdk8s' | 'pulumi' = 'cdk8s') => problems(input, engine).map((p) => p.path);
const podsIn = (zones: string[], name = 'cockroachdb') =>
  zones.map((zone, i): PodFacts => ({ name: `${name}-${i}`, zone, labels: { 'statefulset.kubernetes.io/pod-name': `${name}-${i}`, 'k8s-app': 'kube-dns' } }));

describe('GKE', () => {
  const peers = [EKS, AKS];

  test.each([
    ['oldest supported (no version)', undefined, false, ['kube-dns-lb-udp', 'kube-dns-lb-tcp']],
    ['1.35.1 with subsetting', '1.35.1-gke.1396000', true, ['kube-dns-lb-udp', 'kube-dns-lb-tcp']],
    ['1.36.2-gke.1497999 with subsetting', '1.36.2-gke.1497999', true, ['kube-dns-lb-udp', 'kube-dns-lb-tcp']],
    ['1.36.2-gke.1498000 without subsetting', '1.36.2-gke.1498000', false, ['kube-dns-lb-udp', 'kube-dns-lb-tcp']],
    ['1.36.2-gke.1498000 with subsetting', '1.36.2-gke.1498000', true, ['kube-dns-lb']],
    ['1.37 with subsetting', '1.37', true, ['kube-dns-lb']],
  ])('the DNS load balancer on %s: the Services the GKE controller provisions', (_, version, subsetting, names) => {
    const gke = { ...GKE, gke: { ...(version ? { version } : {}), subsetting } };
    const services = loadBalancers(rendered(dnsChain([gke, ...peers])).gke);
    expect(services.map((s) => s.metadata.name)).toEqual(names);
    // The controller of exactly that version accepts every one, on the one shared address.
    const facts = gkeFacts(version && version.includes('-gke.') ? version : version ? `${version}.0-gke.0` : '1.30.0-gke.0', subsetting, services);
    for (const service of services) {
      const verdict = admitLoadBalancer(facts, service);
      expect(verdict).toMatchObject({ accepted: true, internal: true, ingress: [{ ip: '10.0.15.53' }] });
      expect(verdict.accepted && verdict.regionalOnly).toBeFalsy(); // global access: peers in other regions
    }
  });

  test('the stand-in refuses what the library no longer emits: UDP+TCP on one internal Service before 1.36.2', () => {
    const mixed: ServiceObject = {
      metadata: { name: 'kube-dns-lb', annotations: { 'networking.gke.io/load-balancer-type': 'Internal' } },
      spec: { type: 'LoadBalancer', loadBalancerIP: '10.0.15.53', ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }] },
    };
    expect(admitLoadBalancer(gkeFacts('1.35.1-gke.1396000', true), mixed)).toMatchObject({ accepted: false, reason: expect.stringContaining('1.36.2-gke.1498000') });
    // Two Services on one address need the SHARED_LOADBALANCER_VIP purpose.
    const services = loadBalancers(rendered(dnsChain([GKE, ...peers], { ...DNS, gke: '10.0.15.99' })).gke);
    const facts = gkeFacts('1.35.1-gke.1396000', false, services);
    expect(admitLoadBalancer(facts, services[1])).toMatchObject({ accepted: false, reason: expect.stringContaining('SHARED_LOADBALANCER_VIP') });
  });

  test('per-pod load balancers: internal with global access, pinned by reserved-address name or IP', () => {
    const input: TopologyInput = {
      clusters: [GKE, EKS],
      networking: Networking.perPodLoadBalancers({
        addresses: {
          gke: [{ address: '10.0.15.10', gcpAddressName: 'crdb-0' }, '10.0.15.11', '10.0.15.12'],
          eks: ['db-0.eks.example', 'db-1.eks.example', 'db-2.eks.example'],
        },
      }),
      tls: Tls.certManager(),
    };
    const services = loadBalancers(rendered(input).gke);
    expect(services[0].metadata.annotations).toEqual({
      'networking.gke.io/load-balancer-type': 'Internal',
      'networking.gke.io/internal-load-balancer-allow-global-access': 'true',
      'networking.gke.io/load-balancer-ip-addresses': 'crdb-0',
    });
    expect(services[0].spec.loadBalancerIP).toBeUndefined();
    expect(services.map((s) => admitLoadBalancer(gkeFacts('1.35.1-gke.1396000', false), s))).toEqual([
      expect.objectContaining({ accepted: true, ingress: [{ ip: '10.0.15.10' }] }),
      expect.objectContaining({ accepted: true, ingress: [{ ip: '10.0.15.11' }] }),
      expect.objectContaining({ accepted: true, ingress: [{ ip: '10.0.15.12' }] }),
    ]);
  });

  test('a malformed profile names its fields; a GKE profile on another cloud is refused', () => {
    const bad = { ...GKE, gke: { version: '1.36', dns: 'coredns' as any, subsetting: 'yes' as any } };
    expect(pathsOf(dnsChain([bad, EKS]))).toEqual(['clusters[0].gke.dns', 'clusters[0].gke.subsetting']);
    expect(pathsOf(dnsChain([{ ...bad, gke: { version: 'v1.36.2' } }, EKS]))).toEqual(['clusters[0].gke.version']);
    const onAws = problems(dnsChain([GKE, { ...EKS, gke: {} }]));
    expect(onAws.map((p) => p.path)).toEqual(['clusters[1].gke']);
    expect(onAws[0].message).toContain("is for cloud 'gcp', but this cluster is 'aws'");
  });

  test('Cloud DNS: refused in cdk8s with the reason and the alternatives', () => {
    const autopilot = { ...GKE, gke: { dns: 'cloud-dns' as const } };
    const found = problems(dnsChain([autopilot, EKS]));
    expect(found.map((p) => p.path)).toEqual(['clusters[0].gke.dns']);
    expect(found[0].message).toMatch(/runs no kube-dns pods.*Cloud DNS forwarding zones.*crosscluster\/pulumi \(GkeCloudDnsForwarding/);
    expect(found[0].message).toContain('gcloud dns managed-zones create');
    // dns: 'coredns' contradicts it.
    expect(pathsOf(dnsChain([{ ...autopilot, dns: 'coredns' }, EKS]), 'pulumi')).toContain('clusters[0].dns');
  });

  test('Cloud DNS in Pulumi: no DNS load balancer, peers forward to the inbound policy addresses and admit Cloud DNS\'s range', () => {
    const autopilot = { ...GKE, gke: { dns: 'cloud-dns' as const } };
    expect(pathsOf({ ...dnsChain([autopilot, EKS], { eks: EKS_IPS }), tls: Tls.generated() }, 'pulumi')).toEqual(['networking.dnsAddresses.gke']);
    const plan = planDeployment({ ...dnsChain([autopilot, EKS], { gke: '10.0.0.2', eks: EKS_IPS }), tls: Tls.generated() }, { engine: 'pulumi' });
    const [gke, eks] = renderDeployment(plan);
    expect(gke.dns).toEqual([]);
    expect(plan.clusters[0].profile.dnsForwarding).toBe('cloud-dns-forwarding-zones');
    expect(plan.clusters[1].dnsForwards[0].servers).toEqual(['10.0.0.2']);
    const nlb = loadBalancers(eks.dns)[0];
    expect(nlb.spec.loadBalancerSourceRanges).toEqual(['10.4.0.0/14', '10.0.0.0/20', '35.199.192.0/19']);
    expect(admitLoadBalancer(AWS_FACTS, nlb, podsIn(['eu-west-1a', 'eu-west-1c']))).toMatchObject({ accepted: true, sourceRanges: nlb.spec.loadBalancerSourceRanges });
  });
});

describe('EKS and the AWS Load Balancer Controller', () => {
  const perPod = (addresses: unknown[], extra: Partial<ClusterSpec> = {}): TopologyInput => ({
    clusters: [GKE, { ...EKS, ...extra }],
    networking: Networking.perPodLoadBalancers({ addresses: { gke: ['10.0.15.10', '10.0.15.11', '10.0.15.12'], eks: addresses as any } }),
    tls: Tls.certManager(),
  });
  const nlbIps = (i: number) => [`10.30.1.${i}`, `10.30.17.${i}`, `10.30.33.${i}`];
  const good = [0, 1, 2].map((i) => ({ address: nlbIps(i)[0], awsPrivateIps: nlbIps(i) }));

  test('each pod\'s NLB spans every subnet with one private IP each, cross-zone: the pod is reached in any AZ', () => {
    const objects = rendered(perPod(good)).eks;
    const services = loadBalancers(objects);
    expect(services[0].metadata.annotations).toMatchObject({
      'service.beta.kubernetes.io/aws-load-balancer-type': 'external',
      'service.beta.kubernetes.io/aws-load-balancer-nlb-target-type': 'ip',
      'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internal',
      'service.beta.kubernetes.io/aws-load-balancer-subnets': 'subnet-0a000001,subnet-0b000002,subnet-0c000003',
      'service.beta.kubernetes.io/aws-load-balancer-private-ipv4-addresses': nlbIps(0).join(','),
      'service.beta.kubernetes.io/aws-load-balancer-attributes': 'load_balancing.cross_zone.enabled=true',
    });
    for (const zone of ['eu-west-1a', 'eu-west-1b', 'eu-west-1c']) {
      for (const [i, service] of services.entries()) {
        const pod = { name: `cockroachdb-${i}`, zone, labels: { 'statefulset.kubernetes.io/pod-name': `cockroachdb-${i}` } };
        expect(admitLoadBalancer(AWS_FACTS, service, [pod])).toMatchObject({ accepted: true, internal: true });
      }
    }
    // The pods are kept to the AZs the NLBs span.
    const sts = objects.find((o) => o.kind === 'StatefulSet') as any;
    const required = sts.spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution;
    expect(required.nodeSelectorTerms[0].matchExpressions[0].values)
      .toEqual(['eu-west-1a', 'eu-west-1b', 'eu-west-1c']);
  });

  test('every address of each NLB is in the node certificate', () => {
    const plan = planDeployment(perPod(good), { engine: 'cdk8s' });
    expect(plan.clusters[1].nodeCertSans.ipAddresses).toEqual(expect.arrayContaining([0, 1, 2].flatMap(nlbIps)));
  });

  test('a pod may advertise a private DNS name that resolves to its NLB\'s IPs: the name and every IP are certified', () => {
    const named = [0, 1, 2].map((i) => ({ address: `db-${i}.eks.internal.example`, awsPrivateIps: nlbIps(i) }));
    const plan = planDeployment(perPod(named), { engine: 'cdk8s' });
    expect(plan.clusters[1].pods.map((p) => p.advertiseHost)).toEqual(['db-0.eks.internal.example', 'db-1.eks.internal.example', 'db-2.eks.internal.example']);
    expect(plan.clusters[1].nodeCertSans.dnsNames).toEqual(expect.arrayContaining(['db-0.eks.internal.example']));
    expect(plan.clusters[1].nodeCertSans.ipAddresses).toEqual(expect.arrayContaining([0, 1, 2].flatMap(nlbIps)));
    const service = loadBalancers(rendered(perPod(named)).eks)[0];
    expect(service.metadata.annotations!['service.beta.kubernetes.io/aws-load-balancer-private-ipv4-addresses']).toBe(nlbIps(0).join(','));
  });

  test('the old per-pod pinning to one subnet is what the stand-in refuses for a pod in another AZ', () => {
    const pinned: ServiceObject = {
      metadata: {
        name: 'cockroachdb-1-lb',
        annotations: {
          'service.beta.kubernetes.io/aws-load-balancer-type': 'external',
          'service.beta.kubernetes.io/aws-load-balancer-nlb-target-type': 'ip',
          'service.beta.kubernetes.io/aws-load-balancer-subnets': 'subnet-0b000002',
          'service.beta.kubernetes.io/aws-load-balancer-private-ipv4-addresses': '10.30.17.1',
        },
      },
      spec: { type: 'LoadBalancer', selector: { 'statefulset.kubernetes.io/pod-name': 'cockroachdb-1' }, ports: [{ port: 26257, protocol: 'TCP' }] },
    };
    const elsewhere = [{ name: 'cockroachdb-1', zone: 'eu-west-1a', labels: { 'statefulset.kubernetes.io/pod-name': 'cockroachdb-1' } }];
    expect(admitLoadBalancer(AWS_FACTS, pinned, elsewhere)).toMatchObject({ accepted: false, reason: expect.stringContaining('an AZ the NLB does not span') });
    // And the library refuses to emit it.
    const found = problems(perPod([{ address: '10.30.17.1', awsSubnet: 'subnet-0b000002' }, ...good.slice(1)]));
    expect(found.map((p) => p.path)).toContain('networking.addresses.eks[0].awsSubnet');
  });

  test('one private IP per subnet, each inside its subnet, the advertised one among them', () => {
    const found = problems(perPod([
      { address: '10.30.1.0', awsPrivateIps: ['10.30.1.0', '10.30.17.0'] },
      { address: '10.30.1.1', awsPrivateIps: ['10.30.1.1', '10.30.1.2', '10.30.33.1'] },
      { address: '10.30.99.9', awsPrivateIps: nlbIps(2) },
    ]));
    expect(found.map((p) => p.path)).toEqual([
      'networking.addresses.eks[0].awsPrivateIps', 'networking.addresses.eks[1].awsPrivateIps[1]', 'networking.addresses.eks[2].address',
    ]);
    expect(found[0].message).toContain('2 private IPs for 3 subnets (eu-west-1a, eu-west-1b, eu-west-1c)');
    expect(found[1].message).toContain("'10.30.1.2' is not inside subnet 'subnet-0b000002' (10.30.16.0/20) of eu-west-1b");
    // A bare IP is enough for a single subnet only.
    expect(pathsOf(perPod(['10.30.1.0', '10.30.1.1', '10.30.1.2']))).toEqual(['networking.addresses.eks[0]', 'networking.addresses.eks[1]', 'networking.addresses.eks[2]']);
    const oneSubnet = { eks: { subnets: { 'eu-west-1a': EKS_SUBNETS['eu-west-1a'] } } };
    expect(pathsOf(perPod(['10.30.1.0', '10.30.1.1', '10.30.1.2'], oneSubnet))).toEqual([]);
  });

  test('zones outside the subnets, malformed and duplicate subnets are refused', () => {
    expect(pathsOf(perPod(good, { zones: ['eu-west-1a', 'eu-west-1d'] }))).toEqual(['clusters[1].zones[1]']);
    const dup = { eks: { subnets: { 'eu-west-1a': { id: 'subnet-0a000001', cidr: '10.30.0.0/20' }, 'eu-west-1b': { id: 'subnet-0a000001', cidr: 'nope' } } } };
    expect(pathsOf(perPod(good, dup))).toEqual(expect.arrayContaining(['clusters[1].eks.subnets.eu-west-1b.id', 'clusters[1].eks.subnets.eu-west-1b.cidr']));
    expect(pathsOf(perPod(good, { eks: { subnets: { 'eu-west-1a': { id: 'sn-1', cidr: '10.30.0.0/20' } } } }))).toContain('clusters[1].eks.subnets.eu-west-1a.id');
  });

  test('the DNS NLB: one IP per subnet, UDP and TCP on one Service, admitting the peers (not the VPC default)', () => {
    const services = loadBalancers(rendered(dnsChain([GKE, EKS, AKS])).eks);
    expect(services).toHaveLength(1);
    expect(services[0].spec.ports!.map((p) => p.protocol)).toEqual(['UDP', 'TCP']);
    const verdict = admitLoadBalancer(AWS_FACTS, services[0], podsIn(['eu-west-1b']));
    expect(verdict).toMatchObject({ accepted: true, sourceRanges: ['10.4.0.0/14', '10.0.0.0/20', '10.244.0.0/16', '10.60.0.0/16'] });
    // Without source ranges the controller would admit only the VPC: the GKE and AKS peers would be refused.
    const bare = { ...services[0], spec: { ...services[0].spec, loadBalancerSourceRanges: undefined } };
    expect(admitLoadBalancer(AWS_FACTS, bare)).toMatchObject({ sourceRanges: ['10.30.0.0/16'] });
    // One IP is refused: the controller needs one per subnet.
    expect(problems(dnsChain([GKE, EKS], { ...DNS, eks: ['10.30.15.53'] })).map((p) => p.message)).toEqual([expect.stringContaining('1 private IP for 3 subnets')]);
    expect(pathsOf(dnsChain([GKE, { ...EKS, eks: undefined }], { gke: DNS.gke }), 'pulumi')).toEqual(expect.arrayContaining(['clusters[1].eks.subnets']));
  });

  test('the CoreDNS add-on: the complete Corefile in configurationValues; a self-managed CoreDNS gets the ConfigMap', () => {
    const plan = planDeployment(dnsChain([GKE, EKS]), { engine: 'cdk8s' });
    expect(plan.clusters[1].profile.dnsForwarding).toBe('eks-coredns-addon');
    const selfManaged = planDeployment(dnsChain([GKE, { ...EKS, eks: { subnets: EKS_SUBNETS, corednsAddon: false } }]), { engine: 'cdk8s' });
    expect(selfManaged.clusters[1].profile.dnsForwarding).toBe('corefile');
  });

  test('internet-facing only by explicit opt-in, never for an insecure database, with an Elastic IP per subnet', () => {
    const open = (tls: Tls, eips: string[]): TopologyInput => ({
      clusters: [EKS],
      networking: Networking.perPodLoadBalancers({ internal: false, addresses: { eks: [0, 1, 2].map((i) => ({ address: `db-${i}.example.org`, awsEipAllocations: eips })) } }),
      tls,
    });
    const eips = ['eipalloc-1', 'eipalloc-2', 'eipalloc-3'];
    expect(pathsOf(open(Tls.certManager(), eips))).toEqual([]);
    const services = loadBalancers(rendered(open(Tls.certManager(), eips)).eks);
    expect(admitLoadBalancer(AWS_FACTS, services[0])).toMatchObject({ accepted: true, internal: false });
    expect(pathsOf(open(Tls.certManager(), eips.slice(0, 1)))).toEqual(['networking.addresses.eks[0].awsEipAllocations', 'networking.addresses.eks[1].awsEipAllocations', 'networking.addresses.eks[2].awsEipAllocations']);
    expect(problems(open(Tls.insecure(), eips)).map((p) => p.path)).toEqual(['networking.internal']);
  });
});

describe('AKS', () => {
  test('internal load balancers pinned with the ipv4 annotation, optionally in their own subnet', () => {
    const aks = { ...AKS, aks: { internalLoadBalancerSubnet: 'lbs' } };
    const services = loadBalancers(rendered(dnsChain([GKE, aks], { gke: DNS.gke, aks: '10.61.0.53' })).aks);
    expect(services).toHaveLength(1);
    expect(services[0].metadata.annotations).toEqual({
      'service.beta.kubernetes.io/azure-load-balancer-internal': 'true',
      'service.beta.kubernetes.io/azure-load-balancer-internal-subnet': 'lbs',
      'service.beta.kubernetes.io/azure-load-balancer-ipv4': '10.61.0.53',
    });
    expect(admitLoadBalancer(AZURE_FACTS, services[0])).toMatchObject({ accepted: true, internal: true, ingress: [{ ip: '10.61.0.53' }] });
    // An address outside the chosen subnet is what Azure refuses.
    const outside = loadBalancers(rendered(dnsChain([GKE, aks], { gke: DNS.gke, aks: '10.60.15.53' })).aks)[0];
    expect(admitLoadBalancer(AZURE_FACTS, outside)).toMatchObject({ accepted: false, reason: expect.stringContaining('outside subnet lbs') });
    expect(pathsOf(dnsChain([GKE, { ...AKS, aks: { internalLoadBalancerSubnet: 'bad subnet!' } }]))).toEqual(['clusters[1].aks.internalLoadBalancerSubnet']);
  });

  test('forwarding goes into coredns-custom under a .server key, never into coredns', () => {
    const objects = rendered(dnsChain([GKE, AKS])).aks;
    const configMaps = objects.filter((o) => o.kind === 'ConfigMap' && o.metadata.namespace === 'kube-system') as any[];
    expect(configMaps.map((c) => c.metadata.name)).toEqual(['coredns-custom']);
    expect(Object.keys(configMaps[0].data)).toEqual(['crosscluster.server']);
    expect(configMaps[0].data['crosscluster.server']).toContain('gke.svc.cluster.local:53 {\n    errors\n    cache 30\n    forward . 10.0.15.53\n}');
    expect(pathsOf(dnsChain([GKE, { ...AKS, dns: 'kube-dns' }]))).toEqual(['clusters[1].dns']);
  });
});

describe('generic', () => {
  test('emits a plain load balancer and refuses an internal one unless the profile says the addresses are private', () => {
    const found = problems(dnsChain([GKE, ONPREM]));
    expect(found.map((p) => p.path)).toEqual(['clusters[1].generic.privateLoadBalancers']);
    expect(found[0].message).toContain('cannot make a load balancer internal');
    const onprem = { ...ONPREM, generic: { privateLoadBalancers: true, loadBalancerClass: 'metallb.io/private' } };
    const services = loadBalancers(rendered(dnsChain([GKE, onprem])).onprem);
    expect(services).toHaveLength(1);
    expect(services[0].metadata.annotations ?? {}).toEqual({});
    expect(services[0].spec).toMatchObject({ loadBalancerClass: 'metallb.io/private', loadBalancerIP: '10.81.0.53' });
    expect(admitLoadBalancer({ cloud: 'generic', pool: ['10.81.0.53'], loadBalancerClass: 'metallb.io/private' }, services[0])).toMatchObject({ accepted: true });
    expect(admitLoadBalancer({ cloud: 'generic', pool: ['10.81.0.53'] }, services[0])).toMatchObject({ accepted: false });
    expect(pathsOf(dnsChain([GKE, { ...ONPREM, generic: { loadBalancerClass: 'Not A Class!' } }]))).toContain('clusters[1].generic.loadBalancerClass');
  });
});

describe('safe exposure', () => {
  test('cluster DNS never faces the internet', () => {
    const input = { ...dnsChain([GKE, EKS]), networking: Networking.dnsChain({ dnsAddresses: { gke: DNS.gke, eks: EKS_IPS }, internal: false }) };
    expect(problems(input)).toEqual([{ path: 'networking.internal', message: expect.stringContaining('cluster DNS must never face the internet') }]);
  });

  test('allow-lists come from the clusters\' CIDRs; a cluster without them is named; an empty override is refused', () => {
    const plan = planDeployment(dnsChain([GKE, EKS, AKS]), { engine: 'cdk8s' });
    expect(plan.clusters[0].allowLists).toEqual({
      database: ['10.4.0.0/14', '10.0.0.0/20', '10.32.0.0/16', '10.30.0.0/16', '10.244.0.0/16', '10.60.0.0/16'],
      dns: ['10.32.0.0/16', '10.30.0.0/16', '10.244.0.0/16', '10.60.0.0/16'],
    });
    const bare = { ...AKS, podCidrs: undefined, nodeCidrs: [] };
    expect(pathsOf(dnsChain([GKE, EKS, bare]))).toEqual(['clusters[2].podCidrs', 'clusters[2].nodeCidrs']);
    const three = { gke: DNS.gke, eks: DNS.eks, aks: DNS.aks };
    const override = { ...dnsChain([GKE, EKS, bare]), networking: Networking.dnsChain({ dnsAddresses: three, sourceRanges: ['10.0.0.0/8'] }), networkPolicy: { enabled: false } };
    expect(pathsOf(override)).toEqual([]);
    expect(loadBalancers(rendered(override).gke)[0].spec.loadBalancerSourceRanges).toEqual(['10.0.0.0/8']);
    const empty = { ...override, networking: Networking.dnsChain({ dnsAddresses: three, sourceRanges: [] }) };
    expect(pathsOf(empty)).toContain('networking.sourceRanges');
  });

  test('the database NetworkPolicy: the listeners from every cluster, the NLB subnets and the named clients; HTTP from the namespace and clients', () => {
    const input = { ...dnsChain([GKE, EKS]), networkPolicy: { clients: [{ namespaceSelector: { team: 'shop' } }, { cidr: '192.0.2.0/24' }] } };
    const policy = rendered(input).eks.find((o) => o.kind === 'NetworkPolicy') as any;
    expect(policy.metadata).toMatchObject({ name: 'cockroachdb-ingress', namespace: 'eks' });
    expect(policy.spec.podSelector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'cockroachdb', 'app.kubernetes.io/instance': 'cockroachdb', 'app.kubernetes.io/component': 'database' });
    const own = { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'cockroachdb', 'app.kubernetes.io/instance': 'cockroachdb' } } };
    const clients = [{ namespaceSelector: { matchLabels: { team: 'shop' } } }, { ipBlock: { cidr: '192.0.2.0/24' } }];
    expect(policy.spec.ingress).toEqual([
      {
        from: [own, ...['10.4.0.0/14', '10.0.0.0/20', '10.32.0.0/16', '10.30.0.0/16', '10.30.0.0/20', '10.30.16.0/20', '10.30.32.0/20'].map((cidr) => ({ ipBlock: { cidr } })), ...clients],
        ports: [{ protocol: 'TCP', port: 26257 }],
      },
      { from: [own, ...clients], ports: [{ protocol: 'TCP', port: 8080 }] },
    ]);
    // The init Job's pods carry the instance labels, with their own component: admitted by `own`.
    const job = rendered(input).gke.find((o) => o.kind === 'Job') as any;
    expect(job.spec.template.metadata.labels).toMatchObject(own.podSelector.matchLabels);
    // The opt-out, and bad clients named by path.
    expect(rendered({ ...input, networkPolicy: { enabled: false } }).eks.some((o) => o.kind === 'NetworkPolicy')).toBe(false);
    expect(pathsOf({ ...input, networkPolicy: { clients: [{}, { cidr: '10.0.0.1/8' }, { podSelector: { 'bad key!': 'x' } }] } }))
      .toEqual(['networkPolicy.clients[0]', 'networkPolicy.clients[1].cidr', 'networkPolicy.clients[2].podSelector']);
  });
});

describe('hostile profiles', () => {
  test('any value in a profile, a DNS address list or the NetworkPolicy options gives problems, never a throw', () => {
    const junk = fc.anything({ maxDepth: 3 });
    fc.assert(fc.property(junk, junk, junk, junk, junk, junk, (gke, eks, aks, generic, dns, policy) => {
      const input = {
        clusters: [
          { ...GKE, gke: gke as any },
          { ...EKS, eks: eks as any },
          { ...AKS, aks: aks as any },
          { ...ONPREM, generic: generic as any },
        ],
        networking: Networking.dnsChain({ dnsAddresses: { gke: DNS.gke, eks: dns as any, aks: DNS.aks, onprem: DNS.onprem } }),
        networkPolicy: policy as any,
        tls: Tls.certManager(),
      } as TopologyInput;
      for (const engine of ['cdk8s', 'pulumi', undefined] as const) expect(Array.isArray(findTopologyProblems(input, engine))).toBe(true);
      const perPod = { ...input, networking: Networking.perPodLoadBalancers({ addresses: { eks: [dns as any, { address: '10.30.1.1', awsPrivateIps: dns as any }] } }) };
      expect(Array.isArray(findTopologyProblems(perPod, 'cdk8s'))).toBe(true);
    }), { numRuns: 300, seed: 11 });
  });
});
