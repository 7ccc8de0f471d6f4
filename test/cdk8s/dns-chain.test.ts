import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, Chart, Testing } from 'cdk8s';
import { corefileServerBlocks, forwardedDomains, only, synthApp } from './helpers';
import { validateKubeObjects } from '../support/kube-schema';
import { withNetworks } from '../support/topologies';
import { ClusterSpec, COREFILE_BEGIN, COREFILE_END, DnsChain, EKS_COREDNS_APPLY_COMMAND, mergeCorefile, TopologyError } from 'crosscluster/cdk8s';

const clusters: ClusterSpec[] = withNetworks([
  { name: 'us-east1', cloud: 'gcp', region: 'us-east1', nodes: 3 },
  { name: 'us-west1', cloud: 'gcp', region: 'us-west1', nodes: 3 },
  { name: 'eu-west-1', cloud: 'aws', region: 'eu-west-1', nodes: 3, namespace: 'crdb-eu', clusterDomain: 'eks.local' },
]);
const dnsAddresses = { 'us-east1': '10.10.15.250', 'us-west1': '10.20.15.250', 'eu-west-1': '10.30.15.250' };

describe('DnsChain alone', () => {
  test('one <cluster>-dns Chart per cluster with only kube-system objects', () => {
    const { files, result } = synthApp((app) => new DnsChain(app, 'dns', { clusters, dnsAddresses }));
    expect(Object.keys(files)).toEqual(['eu-west-1-dns.k8s.yaml', 'us-east1-dns.k8s.yaml', 'us-west1-dns.k8s.yaml']);
    for (const { objects } of Object.values(files)) {
      expect(objects.every((o) => o.metadata.namespace === 'kube-system')).toBe(true);
      expect(objects.map((o) => o.kind).sort()).toEqual([...objects.filter((o) => o.kind === 'Service').map(() => 'Service'), 'ConfigMap'].sort());
      validateKubeObjects(objects);
    }
    expect(result.charts['us-east1'].node.id).toBe('us-east1-dns');
  });

  test('the DNS load balancer: internal, 53 over UDP and TCP, pinned to the static address, admitting the peers only', () => {
    const { files } = synthApp((app) => new DnsChain(app, 'dns', { clusters, dnsAddresses }));
    // GKE at the oldest supported version: no mixed-protocol internal LB, so two Services share the IP.
    const gke = files['us-east1-dns.k8s.yaml'].objects.filter((o) => o.kind === 'Service');
    expect(gke.map((s) => s.metadata.name)).toEqual(['kube-dns-lb-udp', 'kube-dns-lb-tcp']);
    expect(gke.map((s) => s.spec.ports.map((p: any) => `${p.port}/${p.protocol}`))).toEqual([['53/UDP'], ['53/TCP']]);
    for (const service of gke) {
      expect(service.spec.type).toBe('LoadBalancer');
      expect(service.spec.selector).toEqual({ 'k8s-app': 'kube-dns' });
      expect(service.spec.loadBalancerIP).toBe('10.10.15.250');
      expect(service.metadata.annotations).toEqual({
        'networking.gke.io/load-balancer-type': 'Internal',
        'networking.gke.io/internal-load-balancer-allow-global-access': 'true',
      });
      const peers = clusters.filter((c) => c.name !== 'us-east1').flatMap((c) => [...c.podCidrs!, ...c.nodeCidrs!]);
      expect(service.spec.loadBalancerSourceRanges).toEqual(peers);
    }
    const eks = only(files['eu-west-1-dns.k8s.yaml'].objects, 'Service');
    expect(eks.metadata.name).toBe('kube-dns-lb');
    expect(eks.spec.ports.map((p: any) => p.protocol)).toEqual(['UDP', 'TCP']);
    expect(eks.metadata.annotations).toMatchObject({
      'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internal',
      'service.beta.kubernetes.io/aws-load-balancer-subnets': clusters[2].eks!.subnets['eu-west-1a'].id,
      'service.beta.kubernetes.io/aws-load-balancer-private-ipv4-addresses': '10.30.15.250',
    });
  });

  test('kube-dns clusters get stubDomains for every remote domain, never their own', () => {
    const { files } = synthApp((app) => new DnsChain(app, 'dns', { clusters, dnsAddresses }));
    const configMap = only(files['us-east1-dns.k8s.yaml'].objects, 'ConfigMap');
    expect(configMap.metadata.name).toBe('kube-dns');
    expect(JSON.parse(configMap.data.stubDomains)).toEqual({
      'us-west1.svc.cluster.local': ['10.20.15.250'],
      'crdb-eu.svc.eks.local': ['10.30.15.250'],
    });
  });

  test('CoreDNS clusters get a complete Corefile that keeps the default .:53 block', () => {
    // kube-dns cannot force TCP, so every cluster forwarding to the TCP-only one runs CoreDNS here.
    const coreDnsEast = clusters.map((c) => (c.name === 'us-east1' ? { ...c, dns: 'coredns' as const } : c));
    expect(() => synthApp((app) => new DnsChain(app, 'dns', { clusters, dnsAddresses, tcpOnlyClusters: ['us-west1'] })))
      .toThrow(/tcpOnlyClusters\[0\]: 'us-west1' answers DNS on TCP only, but 'us-east1' forwards/);
    const { files } = synthApp((app) => new DnsChain(app, 'dns', { clusters: coreDnsEast, dnsAddresses, tcpOnlyClusters: ['us-west1'] }));
    const configMap = only(files['eu-west-1-dns.k8s.yaml'].objects, 'ConfigMap');
    expect(configMap.metadata.name).toBe('coredns');
    const corefile: string = configMap.data.Corefile;
    const blocks = corefileServerBlocks(corefile);
    expect(blocks.map((b) => b.zone)).toEqual(['.', 'us-east1.svc.cluster.local', 'us-west1.svc.cluster.local']);
    expect(blocks[0].body).toContain('kubernetes eks.local in-addr.arpa ip6.arpa');
    expect(blocks[0].body).toContain('forward . /etc/resolv.conf');
    expect(corefile.indexOf(COREFILE_BEGIN)).toBeGreaterThan(0);
    expect(corefile.indexOf(COREFILE_END)).toBeGreaterThan(corefile.indexOf(COREFILE_BEGIN));
    // force_tcp only towards the TCP-only cluster, whose load balancer has no UDP port.
    expect(blocks[1].body).not.toContain('force_tcp');
    expect(blocks[2].body).toContain('force_tcp');
    expect(only(files['us-west1-dns.k8s.yaml'].objects, 'Service').spec.ports.map((p: any) => p.protocol)).toEqual(['TCP']);
  });

  test('every remote domain is forwarded exactly once, the local one never', () => {
    const { files } = synthApp((app) => new DnsChain(app, 'dns', { clusters, dnsAddresses }));
    const domains: Record<string, string> = { 'us-east1': 'us-east1.svc.cluster.local', 'us-west1': 'us-west1.svc.cluster.local', 'eu-west-1': 'crdb-eu.svc.eks.local' };
    for (const cluster of clusters) {
      const forwards = forwardedDomains(files[`${cluster.name}-dns.k8s.yaml`].objects);
      const expected = clusters
        .filter((c) => c.name !== cluster.name)
        .map((c) => ({ domain: domains[c.name], servers: [dnsAddresses[c.name as keyof typeof dnsAddresses]] }));
      expect(forwards).toEqual(expected);
    }
  });

  test('a customized Corefile keeps its own blocks through mergeCorefile', () => {
    const chain = new DnsChain(Testing.app(), 'dns', { clusters, dnsAddresses });
    const custom = '.:53 {\n    errors\n    forward . 1.1.1.1\n}\nexample.internal:53 {\n    forward . 10.0.0.2\n}\n';
    const merged = mergeCorefile(custom, chain.forwards['eu-west-1']);
    expect(corefileServerBlocks(merged).map((b) => b.zone)).toEqual(['.', 'example.internal', 'us-east1.svc.cluster.local', 'us-west1.svc.cluster.local']);
    expect(mergeCorefile(merged, chain.forwards['eu-west-1'])).toBe(merged);
  });

  test('into the user\'s Charts; one cluster needs no address', () => {
    const app = Testing.app();
    const platform = new Chart(app, 'platform');
    new DnsChain(app, 'dns', { clusters, dnsAddresses, charts: { 'us-west1': platform } });
    expect(Testing.synth(platform).map((o) => o.metadata.name)).toEqual(['kube-dns-lb-udp', 'kube-dns-lb-tcp', 'kube-dns']);
    // A lone cluster has no peer to forward to it: nothing at all.
    const single = Testing.chart();
    new DnsChain(single, 'dns', { clusters: [clusters[0]] });
    expect(Testing.synth(single)).toEqual([]);
  });

  test('DNS addresses are required for every cluster, and must be IPs', () => {
    const app = Testing.app();
    expect(() => new DnsChain(app, 'dns', { clusters, dnsAddresses: { ...dnsAddresses, 'us-west1': 'dns.example.com' } }))
      .toThrow(/networking\.dnsAddresses\.us-west1: 'dns\.example\.com' is not an IP address/);
    expect(() => new DnsChain(app, 'dns', { clusters })).toThrow(TopologyError);
    expect(app.node.children).toHaveLength(0);
  });
});

describe('DnsChain and the cloud profiles (cdk8s)', () => {
  const eks: ClusterSpec = {
    name: 'eks',
    cloud: 'aws',
    region: 'eu-west-1',
    nodes: 3,
    podCidrs: ['10.32.0.0/16'],
    nodeCidrs: ['10.30.0.0/16'],
    eks: { subnets: { 'eu-west-1a': { id: 'subnet-0a000001', cidr: '10.30.0.0/20' }, 'eu-west-1b': { id: 'subnet-0b000002', cidr: '10.30.16.0/20' } } },
  };
  const aks: ClusterSpec = { name: 'aks', cloud: 'azure', region: 'westeurope', nodes: 3, podCidrs: ['10.244.0.0/16'], nodeCidrs: ['10.60.0.0/16'] };
  const gke: ClusterSpec = { name: 'gke', cloud: 'gcp', region: 'us-east1', nodes: 3, podCidrs: ['10.4.0.0/14'], nodeCidrs: ['10.0.0.0/20'] };
  const all: Record<string, string | string[]> = { eks: ['10.30.0.53', '10.30.16.53'], aks: '10.60.0.53', gke: '10.0.0.53' };
  const of = (...names: string[]) => Object.fromEntries(names.map((n) => [n, all[n]]));

  test('EKS add-on: the coredns ConfigMap for a forced apply, and the add-on configuration written next to the manifests', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'crosscluster-addon-'));
    try {
      const app = new App({ outdir });
      const chain = new DnsChain(app, 'dns', { clusters: [gke, eks], dnsAddresses: of('gke', 'eks') });
      app.synth();
      expect(chain.writeEksAddonConfigurations(outdir)).toEqual([join(outdir, 'eks-coredns-addon.json')]);
      expect(readdirSync(outdir).sort()).toEqual(['eks-coredns-addon.json', 'eks-dns.k8s.yaml', 'gke-dns.k8s.yaml']);
      const addon = JSON.parse(readFileSync(join(outdir, 'eks-coredns-addon.json'), 'utf8'));
      const configMap = only(Testing.synth(chain.charts.eks), 'ConfigMap');
      expect(configMap.metadata.name).toBe('coredns');
      expect(addon).toEqual({ corefile: configMap.data.Corefile });
      expect(addon.corefile).toContain('gke.svc.cluster.local:53 {');
      expect(EKS_COREDNS_APPLY_COMMAND).toBe('kubectl apply --server-side --force-conflicts --field-manager=crosscluster');
      // A self-managed CoreDNS has no add-on configuration.
      const selfManaged = new DnsChain(Testing.app(), 'dns', { clusters: [gke, { ...eks, eks: { ...eks.eks!, corednsAddon: false } }], dnsAddresses: of('gke', 'eks') });
      expect(selfManaged.eksAddonConfigurations).toEqual({});
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });

  test('AKS: coredns-custom with a .server key, never coredns', () => {
    const chain = new DnsChain(Testing.app(), 'dns', { clusters: [gke, aks], dnsAddresses: of('gke', 'aks') });
    const objects = Testing.synth(chain.charts.aks);
    expect(objects.filter((o) => o.kind === 'ConfigMap').map((o) => o.metadata.name)).toEqual(['coredns-custom']);
    expect(forwardedDomains(objects)).toEqual([{ domain: 'gke.svc.cluster.local', servers: ['10.0.0.53'] }]);
  });

  test('GKE Cloud DNS is refused with the reason and the alternatives, before anything is created', () => {
    const app = Testing.app();
    const autopilot = { ...gke, gke: { dns: 'cloud-dns' as const } };
    expect(() => new DnsChain(app, 'dns', { clusters: [autopilot, eks], dnsAddresses: of('gke', 'eks') }))
      .toThrow(/clusters\[0\]\.gke\.dns: 'cloud-dns' runs no kube-dns pods.*Use crosscluster\/pulumi \(GkeCloudDnsForwarding creates them\)/);
    expect(app.node.children).toHaveLength(0);
  });
});
