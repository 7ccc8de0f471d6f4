// cdk8s: the cluster set and the own CoreDNS, as files in a GitOps repository. Everything of the
// database (the ServiceExport, the own CoreDNS) goes into <cluster>.k8s.yaml; <cluster>-dns.k8s.yaml
// exists only where the cluster DNS gets a forwarding entry.
import { spawnSync } from 'child_process';
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { allOf, corefileServerBlocks, only, pinnedAddresses, readOutdir, synthApp } from './helpers';
import { topology as clusterSetTopology } from '../../examples/cluster-set/main';
import { topology as ownCorednsTopology } from '../../examples/own-coredns/main';
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

describe('the examples, run as a user runs them: `cdk8s synth` in the example directory (no build)', () => {
  const cli = join(__dirname, '..', '..', 'node_modules', '.bin', 'cdk8s');

  test.each([
    ['cluster-set', clusterSetTopology, 'cockroachdb-0.europe.cockroachdb.cockroachdb.svc.clusterset.local:26257'],
    ['own-coredns', ownCorednsTopology, 'the database pods resolve through 10.16.0.53'],
  ] as const)('examples/%s writes one file per cluster, the same as in-process', (example, topology, printed) => {
    const outdir = mkdtempSync(join(tmpdir(), `crosscluster-${example}-`));
    try {
      const run = spawnSync(cli, ['synth', '--output', outdir], {
        cwd: join(__dirname, '..', '..', 'examples', example),
        env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' },
        encoding: 'utf8',
      });
      expect([run.status, run.stderr]).toEqual([0, expect.stringContaining(printed)]);
      const written = readOutdir(outdir);
      expect(Object.keys(written)).toEqual(topology.clusters.map((c) => `${c.name}.k8s.yaml`).sort());
      const inProcess = synthApp((app) => new MultiRegionCockroach(app, 'cockroachdb', topology)).files;
      for (const file of Object.keys(inProcess)) expect(written[file].text).toBe(inProcess[file].text);
      validateKubeObjects(allOf(written));
      // Nothing of either example goes into kube-system.
      expect(allOf(written).filter((o) => o.metadata.namespace === 'kube-system')).toEqual([]);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  }, 60_000);

  test('own-coredns: GKE Cloud DNS, the EKS add-on and AKS chained alike; each remote domain forwarded once, to its load balancer', () => {
    const { files } = synthApp((app) => new MultiRegionCockroach(app, 'cockroachdb', ownCorednsTopology));
    const lbOf = (cluster: string) => {
      const services = files[`${cluster}.k8s.yaml`].objects.filter((o) => o.kind === 'Service' && o.metadata.name.startsWith('cockroachdb-dns-lb'));
      return [...new Set(services.flatMap(pinnedAddresses))];
    };
    expect(lbOf('eu-west-1')).toEqual(['10.30.15.53', '10.30.31.53']);
    for (const c of ownCorednsTopology.clusters) {
      const corefile: string = only(files[`${c.name}.k8s.yaml`].objects, 'ConfigMap', 'cockroachdb-dns').data.Corefile;
      const zones = corefileServerBlocks(corefile);
      for (const remote of ownCorednsTopology.clusters.filter((r) => r.name !== c.name)) {
        const block = zones.filter((z) => z.zone === `${remote.name}.svc.cluster.local`);
        expect(block).toHaveLength(1);
        expect(block[0].body).toContain(`forward . ${lbOf(remote.name).join(' ')}`);
      }
    }
  });
});
