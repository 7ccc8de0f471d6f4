// cdk8s: the cluster set and the own CoreDNS, as files in a GitOps repository. Everything of the
// database (the ServiceExport, the own CoreDNS) goes into <cluster>.k8s.yaml; <cluster>-dns.k8s.yaml
// exists only where the cluster DNS gets a forwarding entry.
import { allOf, only, synthApp } from './helpers';
import { validateKubeObjects } from '../support/kube-schema';
import { withNetworks } from '../support/topologies';
import { ClusterSpec, DnsChain, MultiRegionCockroach, Networking } from 'crosscluster/cdk8s';

const clusters: ClusterSpec[] = withNetworks([
  { name: 'us-east1', cloud: 'gcp', region: 'us-east1', nodes: 3, serviceCidrs: ['10.110.0.0/20'] },
  { name: 'us-west1', cloud: 'gcp', region: 'us-west1', nodes: 3, serviceCidrs: ['10.120.0.0/20'] },
  { name: 'eu-west-1', cloud: 'aws', region: 'eu-west-1', nodes: 3, serviceCidrs: ['172.20.0.0/16'] },
]);
const dnsAddresses = { 'us-east1': '192.168.0.250', 'us-west1': '192.168.1.250', 'eu-west-1': '10.30.15.250' };

describe('Networking.clusterSet', () => {
  const set = clusters.map((c) => ({ ...c, namespace: 'crdb' }));
  const { files, result } = synthApp((app) => new MultiRegionCockroach(app, 'cockroachdb', {
    clusters: set,
    networking: Networking.clusterSet({ implementation: 'cilium' }),
  }));

  test('one file per cluster, no DNS file; each holds the ServiceExport of the headless Service', () => {
    expect(Object.keys(files)).toEqual(['eu-west-1.k8s.yaml', 'us-east1.k8s.yaml', 'us-west1.k8s.yaml']);
    for (const c of set) {
      const exported = only(files[`${c.name}.k8s.yaml`].objects, 'ServiceExport');
      expect(exported).toEqual({
        apiVersion: 'multicluster.x-k8s.io/v1alpha1',
        kind: 'ServiceExport',
        metadata: expect.objectContaining({ name: 'cockroachdb', namespace: 'crdb' }),
      });
      // The headless Service it exports is in the same file.
      expect(only(files[`${c.name}.k8s.yaml`].objects, 'Service', 'cockroachdb').spec.clusterIP).toBe('None');
    }
    validateKubeObjects(allOf(files));
    expect(result.dnsChain).toBeUndefined();
  });

  test('the topology ConfigMap and the construct give the cluster-set names', () => {
    const config = only(files['us-west1.k8s.yaml'].objects, 'ConfigMap', 'cockroachdb-topology');
    expect(config.data['advertise-host.cockroachdb-2']).toBe('cockroachdb-2.us-west1.cockroachdb.crdb.svc.clusterset.local');
    expect(result.advertiseAddresses['eu-west-1'][0]).toBe('cockroachdb-0.eu-west-1.cockroachdb.crdb.svc.clusterset.local');
    expect(config.data.join).toBe(result.joinAddresses.join(','));
    const certificate = only(files['us-west1.k8s.yaml'].objects, 'Certificate', 'cockroachdb-node');
    expect(certificate.spec.dnsNames).toContain('*.us-west1.cockroachdb.crdb.svc.clusterset.local');
  });
});

describe('Networking.dnsChain with ownCoredns', () => {
  test("'database-pods': the CoreDNS goes with the database, kube-system gets nothing (no DNS file at all)", () => {
    const { files, result } = synthApp((app) => new MultiRegionCockroach(app, 'cockroachdb', {
      clusters,
      networking: Networking.dnsChain({ dnsAddresses, ownCoredns: {} }),
    }));
    expect(Object.keys(files)).toEqual(['eu-west-1.k8s.yaml', 'us-east1.k8s.yaml', 'us-west1.k8s.yaml']);
    for (const c of clusters) {
      const objects = files[`${c.name}.k8s.yaml`].objects;
      expect(objects.filter((o) => o.metadata.namespace === 'kube-system')).toEqual([]);
      expect(only(objects, 'Deployment', 'cockroachdb-dns').metadata.namespace).toBe(c.name);
      expect(only(objects, 'StatefulSet').spec.template.spec.dnsConfig.nameservers).toEqual([only(objects, 'Service', 'cockroachdb-dns').spec.clusterIP]);
      // The Namespace comes first in the file: the CoreDNS objects follow the database's.
      expect(objects[0].kind).toBe('Namespace');
    }
    validateKubeObjects(allOf(files));
    expect(Object.keys(result.dnsCharts)).toEqual([]);
    expect(Object.values(result.dnsChain!.serverObjects).map((o) => o.length)).toEqual([10, 10, 9]); // GKE: the load balancer is a UDP and a TCP Service
  });

  test("'cluster-dns': the DNS file holds only the cluster DNS's forwarding to the local CoreDNS", () => {
    const { files } = synthApp((app) => new MultiRegionCockroach(app, 'cockroachdb', {
      clusters,
      networking: Networking.dnsChain({ dnsAddresses, ownCoredns: { resolvers: 'cluster-dns' } }),
    }));
    expect(Object.keys(files)).toEqual(['eu-west-1-dns.k8s.yaml', 'eu-west-1.k8s.yaml', 'us-east1-dns.k8s.yaml', 'us-east1.k8s.yaml', 'us-west1-dns.k8s.yaml', 'us-west1.k8s.yaml']);
    const stub = only(files['us-east1-dns.k8s.yaml'].objects, 'ConfigMap', 'kube-dns');
    expect(JSON.parse(stub.data.stubDomains)).toEqual({ 'us-west1.svc.cluster.local': ['10.110.0.53'], 'eu-west-1.svc.cluster.local': ['10.110.0.53'] });
    expect(files['us-east1-dns.k8s.yaml'].objects).toHaveLength(1);
    expect(only(files['us-east1.k8s.yaml'].objects, 'StatefulSet').spec.template.spec.dnsConfig).toBeUndefined();
  });

  test('DnsChain alone places the CoreDNS in its own charts', () => {
    const { files, result } = synthApp((app) => new DnsChain(app, 'dns', { clusters, dnsAddresses, ownCoredns: {} }));
    expect(Object.keys(files)).toEqual(['eu-west-1-dns.k8s.yaml', 'us-east1-dns.k8s.yaml', 'us-west1-dns.k8s.yaml']);
    expect(only(files['us-east1-dns.k8s.yaml'].objects, 'ConfigMap', 'cockroachdb-dns').data.Corefile).toContain('forward . 10.30.15.250');
    expect(Object.keys(result.serverObjects)).toEqual(['us-east1', 'us-west1', 'eu-west-1']);
    expect(Object.values(result.objects).flat()).toEqual([]);
  });
});
