import { Chart, Testing } from 'cdk8s';
import { only, synthApp } from './helpers';
import { validateKubeObjects } from '../support/kube-schema';
import { withNetworks } from '../support/topologies';
import { ClusterSpec, PerPodLoadBalancers, TopologyError } from 'crosscluster/cdk8s';

const clusters: ClusterSpec[] = withNetworks([
  { name: 'europe-west1', cloud: 'gcp', region: 'europe-west1', nodes: 3 },
  {
    name: 'us-east-1',
    cloud: 'aws',
    region: 'us-east-1',
    nodes: 3,
    eks: {
      subnets: {
        'us-east-1b': { id: 'subnet-0b000002', cidr: '10.50.20.0/24' },
        'us-east-1a': { id: 'subnet-0a000001', cidr: '10.50.10.0/24' },
        'us-east-1c': { id: 'subnet-0c000003', cidr: '10.50.30.0/24' },
      },
    },
  },
  { name: 'eastus', cloud: 'azure', region: 'eastus', nodes: 3 },
]);
const addresses = {
  'europe-west1': [{ address: '10.40.15.10', gcpAddressName: 'crdb-0' }, '10.40.15.11', '10.40.15.12'],
  // One NLB per pod across the three AZ subnets: one private IP per subnet, in AZ order.
  'us-east-1': [0, 1, 2].map((i) => ({ address: `10.50.10.${10 + i}`, awsPrivateIps: [`10.50.10.${10 + i}`, `10.50.20.${10 + i}`, `10.50.30.${10 + i}`] })),
  'eastus': ['10.60.15.10', '10.60.15.11', '10.60.15.12'],
};

describe('PerPodLoadBalancers alone', () => {
  test('one LoadBalancer Service per pod, in one Chart per cluster, and nothing else', () => {
    const { files, result } = synthApp((app) => new PerPodLoadBalancers(app, 'lbs', { clusters, addresses }));
    expect(Object.keys(files)).toEqual(['eastus.k8s.yaml', 'europe-west1.k8s.yaml', 'us-east-1.k8s.yaml']);
    for (const { objects } of Object.values(files)) {
      expect(objects.map((o) => o.metadata.name)).toEqual(['cockroachdb-0-lb', 'cockroachdb-1-lb', 'cockroachdb-2-lb']);
      validateKubeObjects(objects);
      objects.forEach((service, ordinal) => {
        expect(service.kind).toBe('Service');
        expect(service.spec.type).toBe('LoadBalancer');
        expect(service.spec.selector).toEqual({ 'statefulset.kubernetes.io/pod-name': `cockroachdb-${ordinal}` });
        expect(service.spec.publishNotReadyAddresses).toBe(true);
        expect(service.spec.externalTrafficPolicy).toBe('Local');
        expect(service.spec.ports).toEqual([{ name: 'grpc', port: 26257, targetPort: 'grpc', protocol: 'TCP' }]);
      });
    }
    expect(result.addresses.eastus).toEqual(addresses.eastus);
    // Every load balancer admits the clusters' pod and node CIDRs only.
    for (const { objects } of Object.values(files)) {
      const everyCluster = clusters.flatMap((c) => [...c.podCidrs!, ...c.nodeCidrs!]);
      for (const service of objects) expect(service.spec.loadBalancerSourceRanges).toEqual(everyCluster);
    }
    expect(Object.values(result.services).map((s) => s.length)).toEqual([3, 3, 3]);
  });

  test('internal by default, with each cloud\'s static-address annotations', () => {
    const { files } = synthApp((app) => new PerPodLoadBalancers(app, 'lbs', { clusters, addresses }));
    const gke = files['europe-west1.k8s.yaml'].objects;
    expect(gke[0].metadata.annotations).toEqual({
      'networking.gke.io/load-balancer-type': 'Internal',
      'networking.gke.io/internal-load-balancer-allow-global-access': 'true',
      'networking.gke.io/load-balancer-ip-addresses': 'crdb-0',
    });
    expect(gke[1].spec.loadBalancerIP).toBe('10.40.15.11');
    const eks = files['us-east-1.k8s.yaml'].objects;
    expect(eks[0].metadata.annotations).toEqual({
      'service.beta.kubernetes.io/aws-load-balancer-type': 'external',
      'service.beta.kubernetes.io/aws-load-balancer-nlb-target-type': 'ip',
      'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internal',
      'service.beta.kubernetes.io/aws-load-balancer-attributes': 'load_balancing.cross_zone.enabled=true',
      // AZ-name order: us-east-1a, us-east-1b, us-east-1c, whatever the order the profile was written in.
      'service.beta.kubernetes.io/aws-load-balancer-subnets': 'subnet-0a000001,subnet-0b000002,subnet-0c000003',
      'service.beta.kubernetes.io/aws-load-balancer-private-ipv4-addresses': '10.50.10.10,10.50.20.10,10.50.30.10',
    });
    const aks = files['eastus.k8s.yaml'].objects;
    expect(aks[2].metadata.annotations).toEqual({
      'service.beta.kubernetes.io/azure-load-balancer-internal': 'true',
      'service.beta.kubernetes.io/azure-load-balancer-ipv4': '10.60.15.12',
    });
  });

  test('external, with source ranges and external-dns hostnames for DNS names', () => {
    const chart = Testing.chart();
    new PerPodLoadBalancers(chart, 'lbs', {
      clusters: [{ name: 'edge', cloud: 'aws', region: 'us-east-2', nodes: 2 }],
      addresses: { edge: ['crdb-0.example.com', 'crdb-1.example.com'] },
      internal: false,
      sourceRanges: ['203.0.113.0/24'],
      externalDns: true,
    });
    const services = Testing.synth(chart);
    expect(services).toHaveLength(2);
    expect(services[1].metadata.annotations['service.beta.kubernetes.io/aws-load-balancer-scheme']).toBe('internet-facing');
    expect(services[1].metadata.annotations['external-dns.alpha.kubernetes.io/hostname']).toBe('crdb-1.example.com');
    expect(services[1].spec.loadBalancerSourceRanges).toEqual(['203.0.113.0/24']);
  });

  test('into the user\'s Charts', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'aws-only');
    const lbs = new PerPodLoadBalancers(app, 'lbs', { clusters, addresses, charts: { 'us-east-1': chart } });
    expect(Object.keys(lbs.charts)).toEqual(['us-east-1']);
    expect(only(Testing.synth(chart), 'Service', 'cockroachdb-2-lb').metadata.namespace).toBe('us-east-1');
  });

  test('fewer addresses than nodes is a clear error naming the field', () => {
    const app = Testing.app();
    expect(() => new PerPodLoadBalancers(app, 'lbs', { clusters, addresses: { ...addresses, eastus: ['10.60.15.10'] } }))
      .toThrow(TopologyError);
    expect(() => new PerPodLoadBalancers(app, 'lbs', { clusters, addresses: { ...addresses, eastus: ['10.60.15.10'] } }))
      .toThrow('networking.addresses.eastus: 1 address for 3 nodes: every pod needs its own load-balancer address');
    expect(() => new PerPodLoadBalancers(app, 'lbs', { clusters, addresses: { 'europe-west1': addresses['europe-west1'] } }))
      .toThrow('networking.addresses.us-east-1: the per-pod addresses of clusters[1] are required');
    expect(app.node.children).toHaveLength(0);
  });
});
