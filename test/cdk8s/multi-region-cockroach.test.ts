import { ApiObject, App, Chart, JsonPatch, Testing } from 'cdk8s';
import { asSynthesized, only, synthApp } from './helpers';
import { withNetworks } from '../support/topologies';
import { renderDeployment } from 'crosscluster';
import {
  ClusterSpec, mergeCorefile, MultiRegionCockroach, MultiRegionCockroachProps, Networking, Tls, TopologyError,
} from 'crosscluster/cdk8s';

const clusters: ClusterSpec[] = withNetworks([
  { name: 'us-east1', cloud: 'gcp', region: 'us-east1', nodes: 3 },
  { name: 'us-west1', cloud: 'gcp', region: 'us-west1', nodes: 3 },
  { name: 'eu-west-1', cloud: 'aws', region: 'eu-west-1', nodes: 3 },
]);
const dnsAddresses = { 'us-east1': '10.10.15.250', 'us-west1': '10.20.15.250', 'eu-west-1': '10.30.15.250' };
const props: MultiRegionCockroachProps = { clusters, networking: Networking.dnsChain({ dnsAddresses }) };

function errorOf(fn: () => unknown): TopologyError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(TopologyError);
    return error as TopologyError;
  }
  throw new Error('expected a TopologyError');
}

describe('MultiRegionCockroach in an App', () => {
  test('one Chart per cluster named after it, and one DNS Chart per cluster', () => {
    const { files, result } = synthApp((app) => new MultiRegionCockroach(app, 'cockroachdb', props));
    expect(Object.keys(files)).toEqual([
      'eu-west-1-dns.k8s.yaml', 'eu-west-1.k8s.yaml',
      'us-east1-dns.k8s.yaml', 'us-east1.k8s.yaml',
      'us-west1-dns.k8s.yaml', 'us-west1.k8s.yaml',
    ]);
    expect(Object.keys(result.charts)).toEqual(['us-east1', 'us-west1', 'eu-west-1']);
    expect(result.charts['us-east1'].node.id).toBe('us-east1');
    expect(result.dnsCharts['eu-west-1'].node.id).toBe('eu-west-1-dns');
    // kube-system objects only in the DNS files, none in the database files.
    for (const [file, { objects }] of Object.entries(files)) {
      const inKubeSystem = objects.filter((o) => o.metadata.namespace === 'kube-system');
      if (file.endsWith('-dns.k8s.yaml')) expect(inKubeSystem).toHaveLength(objects.length);
      else expect(inKubeSystem).toHaveLength(0);
    }
  });

  test('places the rendered objects unchanged, in apply order, with the plan names', () => {
    const app = Testing.app();
    const db = new MultiRegionCockroach(app, 'cockroachdb', props);
    const rendered = renderDeployment(db.plan);
    for (const manifests of rendered) {
      const synthesized = Testing.synth(db.charts[manifests.cluster]);
      expect(synthesized).toEqual([...manifests.database, ...manifests.certificates].map(asSynthesized));
      expect(synthesized[0].kind).toBe('Namespace');
      expect(Testing.synth(db.dnsCharts[manifests.cluster])).toEqual(manifests.dns.map(asSynthesized));
    }
    expect(db.manifests).toEqual(rendered);
  });

  test('construct ids are stable: kind, namespace and name', () => {
    const app = Testing.app();
    const db = new MultiRegionCockroach(app, 'cockroachdb', props);
    const chart = db.charts['us-east1'];
    expect(chart.node.tryFindChild('StatefulSet.us-east1.cockroachdb')).toBeInstanceOf(ApiObject);
    expect(chart.node.tryFindChild('Namespace.us-east1')).toBeInstanceOf(ApiObject);
    expect(chart.node.tryFindChild('ClusterRole.cockroachdb-us-east1-node-reader')).toBeInstanceOf(ApiObject);
    expect(chart.node.tryFindChild('Certificate.us-east1.cockroachdb-node')).toBeInstanceOf(ApiObject);
    expect(db.dnsCharts['us-east1'].node.tryFindChild('Service.kube-system.kube-dns-lb-udp')).toBeInstanceOf(ApiObject);
    expect(db.databaseObjects['us-east1'].map((o) => o.node.id)).toContainEqual(expect.stringMatching(/^Job\.us-east1\.cockroachdb-init-[0-9a-f]{10}$/));
  });

  test('exposes the plan, join list, advertise addresses and multi-region SQL', () => {
    const db = new MultiRegionCockroach(Testing.app(), 'cockroachdb', { ...props, survivalGoal: 'region' });
    expect(db.joinAddresses).toEqual([
      'cockroachdb-0.cockroachdb.us-east1.svc.cluster.local:26257',
      'cockroachdb-1.cockroachdb.us-east1.svc.cluster.local:26257',
      'cockroachdb-2.cockroachdb.us-east1.svc.cluster.local:26257',
      'cockroachdb-0.cockroachdb.us-west1.svc.cluster.local:26257',
      'cockroachdb-1.cockroachdb.us-west1.svc.cluster.local:26257',
      'cockroachdb-2.cockroachdb.us-west1.svc.cluster.local:26257',
      'cockroachdb-0.cockroachdb.eu-west-1.svc.cluster.local:26257',
      'cockroachdb-1.cockroachdb.eu-west-1.svc.cluster.local:26257',
      'cockroachdb-2.cockroachdb.eu-west-1.svc.cluster.local:26257',
    ]);
    expect(db.advertiseAddresses['eu-west-1']).toEqual([
      'cockroachdb-0.cockroachdb.eu-west-1.svc.cluster.local',
      'cockroachdb-1.cockroachdb.eu-west-1.svc.cluster.local',
      'cockroachdb-2.cockroachdb.eu-west-1.svc.cluster.local',
    ]);
    expect(db.multiRegionSql).toEqual([
      'CREATE DATABASE IF NOT EXISTS "defaultdb";',
      'ALTER DATABASE "defaultdb" PRIMARY REGION "us-east1";',
      'ALTER DATABASE "defaultdb" ADD REGION IF NOT EXISTS "us-west1";',
      'ALTER DATABASE "defaultdb" ADD REGION IF NOT EXISTS "eu-west-1";',
      'ALTER DATABASE "defaultdb" SURVIVE REGION FAILURE;',
    ]);
    expect(db.plan.clusters.map((c) => c.name)).toEqual(['us-east1', 'us-west1', 'eu-west-1']);
    expect(db.dnsChain).toBeDefined();
    expect(db.certs).toBeDefined();
    expect(db.loadBalancers).toBeUndefined();
  });

  test('the init Job exists in the init cluster only', () => {
    const { files } = synthApp((app) => new MultiRegionCockroach(app, 'cockroachdb', { ...props, initCluster: 'us-west1' }));
    const jobs = Object.entries(files).flatMap(([file, f]) => f.objects.filter((o) => o.kind === 'Job').map(() => file));
    // The init Job and the multi-region SQL Job.
    expect(jobs).toEqual(['us-west1.k8s.yaml', 'us-west1.k8s.yaml']);
  });

  test('the default TLS is cert-manager; pods see cockroach file names through projected items', () => {
    const chart = new MultiRegionCockroach(Testing.app(), 'cockroachdb', props).charts['us-east1'];
    const objects = Testing.synth(chart);
    expect(objects.filter((o) => o.kind === 'Certificate').map((o) => o.spec.commonName)).toEqual(['node', 'root']);
    const sts = only(objects, 'StatefulSet');
    const projected = sts.spec.template.spec.volumes.find((v: any) => v.name === 'certs').projected;
    expect(projected.defaultMode).toBe(0o440);
    const paths = projected.sources.flatMap((s: any) => s.secret.items.map((i: any) => i.path));
    expect(paths.sort()).toEqual(['ca.crt', 'client.root.crt', 'client.root.key', 'node.crt', 'node.key']);
  });

  test('Tls.insecure() works: no certificates, --insecure', () => {
    const db = new MultiRegionCockroach(Testing.app(), 'cockroachdb', { ...props, tls: Tls.insecure() });
    const objects = Testing.synth(db.charts['us-east1']);
    expect(objects.filter((o) => o.apiVersion.startsWith('cert-manager.io'))).toHaveLength(0);
    expect(db.certs).toBeUndefined();
    const sts = only(objects, 'StatefulSet');
    expect(sts.spec.template.spec.containers[0].command.join(' ')).toContain('--insecure');
  });

  test('per-pod load balancers: advertise addresses, join list and SANs follow the strategy', () => {
    const addresses = {
      'us-east1': ['10.10.1.10', '10.10.1.11', '10.10.1.12', '10.10.1.13'],
      'us-west1': ['10.20.1.10', '10.20.1.11', '10.20.1.12'],
      'eu-west-1': ['crdb-0.eu.example.com', 'crdb-1.eu.example.com', 'crdb-2.eu.example.com'],
    };
    const db = new MultiRegionCockroach(Testing.app(), 'cockroachdb', {
      clusters: clusters.map((c) => (c.name === 'us-east1' ? { ...c, nodes: 4 } : c)),
      networking: Networking.perPodLoadBalancers({ addresses }),
    });
    expect(db.joinAddresses).toEqual([
      '10.10.1.10:26257', '10.10.1.11:26257', '10.10.1.12:26257',
      '10.20.1.10:26257', '10.20.1.11:26257', '10.20.1.12:26257',
      'crdb-0.eu.example.com:26257', 'crdb-1.eu.example.com:26257', 'crdb-2.eu.example.com:26257',
    ]);
    expect(db.loadBalancers).toBeDefined();
    expect(db.dnsChain).toBeUndefined();
    expect(Object.keys(db.dnsCharts)).toEqual([]);
    const east = Testing.synth(db.charts['us-east1']);
    expect(east.filter((o) => o.kind === 'Service' && o.spec.type === 'LoadBalancer')).toHaveLength(4);
    expect(only(east, 'Certificate', 'cockroachdb-node').spec.ipAddresses).toEqual(expect.arrayContaining(addresses['us-east1']));
    expect(only(east, 'ConfigMap', 'cockroachdb-topology').data['advertise-host.cockroachdb-3']).toBe('10.10.1.13');
    const eu = Testing.synth(db.charts['eu-west-1']);
    expect(only(eu, 'Certificate', 'cockroachdb-node').spec.dnsNames).toEqual(expect.arrayContaining(addresses['eu-west-1']));
  });
});

describe('escape hatches', () => {
  test('a customized Corefile merged into the generated ConfigMap (as docs/cdk8s.md shows)', () => {
    const db = new MultiRegionCockroach(Testing.app(), 'cockroachdb', props);
    const mine = '.:53 {\n    errors\n    forward . 10.0.0.2\n}\n';
    const coredns = db.dnsCharts['eu-west-1'].node.findChild('ConfigMap.kube-system.coredns') as ApiObject;
    coredns.addJsonPatch(JsonPatch.replace('/data/Corefile', mergeCorefile(mine, db.dnsChain!.forwards['eu-west-1'])));
    const corefile: string = only(Testing.synth(db.dnsCharts['eu-west-1']), 'ConfigMap').data.Corefile;
    expect(corefile.startsWith(mine)).toBe(true);
    expect(corefile).toContain('us-east1.svc.cluster.local:53 {');
  });
});

describe('MultiRegionCockroach in the user\'s own Charts', () => {
  test('charts: objects go into the given Charts, DNS objects with them', () => {
    const app = Testing.app();
    const mine = Object.fromEntries(clusters.map((c) => [c.name, new Chart(app, `mine-${c.name}`)]));
    const db = new MultiRegionCockroach(app, 'cockroachdb', { ...props, charts: mine });
    expect(db.charts['us-east1']).toBe(mine['us-east1']);
    expect(db.dnsCharts['us-east1']).toBe(mine['us-east1']);
    const objects = Testing.synth(mine['us-east1']);
    expect(objects.some((o) => o.kind === 'StatefulSet')).toBe(true);
    // GKE at the oldest supported version: UDP and TCP as two internal Services sharing the address.
    expect(objects.filter((o) => o.metadata.name.startsWith('kube-dns-lb')).map((o) => o.metadata.name)).toEqual(['kube-dns-lb-udp', 'kube-dns-lb-tcp']);
    expect(app.charts).toHaveLength(3);
  });

  test('dnsCharts: DNS objects go into their own Charts', () => {
    const app = Testing.app();
    const charts = { 'us-east1': new Chart(app, 'db-east') };
    const dnsCharts = { 'us-east1': new Chart(app, 'dns-east') };
    const db = new MultiRegionCockroach(app, 'cockroachdb', { ...props, charts, dnsCharts });
    expect(Testing.synth(dnsCharts['us-east1']).map((o) => o.metadata.namespace)).toEqual(['kube-system', 'kube-system', 'kube-system']);
    expect(Testing.synth(charts['us-east1']).some((o) => o.metadata.namespace === 'kube-system')).toBe(false);
    // Clusters without a Chart are not placed.
    expect(Object.keys(db.charts)).toEqual(['us-east1']);
  });

  test('a construct inside a Chart, for a one-cluster topology', () => {
    const chart = Testing.chart();
    new MultiRegionCockroach(chart, 'db', { clusters: [clusters[0]], networking: Networking.dnsChain() });
    const objects = Testing.synth(chart);
    expect(only(objects, 'StatefulSet').spec.replicas).toBe(3);
    // No peer forwards to a lone cluster: no DNS load balancer, nothing in kube-system.
    expect(objects.filter((o) => o.metadata.namespace === 'kube-system')).toEqual([]);
  });

  test('placement problems name the prop', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'one');
    expect(errorOf(() => new MultiRegionCockroach(chart, 'db', props)).message).toMatch(/charts: .*3 clusters/);
    expect(errorOf(() => new MultiRegionCockroach(app, 'db', { ...props, charts: { 'us-east': chart } })).message)
      .toContain("charts.us-east: 'us-east' is not the name of any cluster");
    expect(errorOf(() => new MultiRegionCockroach(app, 'us-west1', props)).message).toContain('clusters[1].name');
    const clashing = { ...props, clusters: withNetworks([...clusters, { name: 'us-east1-dns', cloud: 'gcp' as const, region: 'us-east4', nodes: 3 }]) };
    const dns = Networking.dnsChain({ dnsAddresses: { ...dnsAddresses, 'us-east1-dns': '10.40.15.250' } });
    expect(errorOf(() => new MultiRegionCockroach(app, 'db', { ...clashing, networking: dns })).message)
      .toContain("clusters[0].name: the Chart 'us-east1-dns' for the objects of cluster 'us-east1' would be the Chart of the cluster named 'us-east1-dns'");
    expect(chart.node.children).toHaveLength(0);
  });
});

describe('bad input fails before any construct is created', () => {
  test('Tls.generated() explains why and what to use instead', () => {
    const app = Testing.app();
    const error = errorOf(() => new MultiRegionCockroach(app, 'db', { ...props, tls: Tls.generated() }));
    expect(error.message).toContain('Tls.generated() is not available in cdk8s');
    expect(error.message).toContain('private keys');
    expect(error.message).toContain('Tls.certManager()');
    expect(error.problems.map((p) => p.path)).toEqual(['tls']);
    expect(app.node.children).toHaveLength(0);
  });

  test('Tls.existingCa() is refused too', () => {
    const error = errorOf(() => new MultiRegionCockroach(Testing.app(), 'db', {
      ...props, tls: Tls.existingCa({ caCertPem: 'cert', caKeyPem: 'key' }),
    }));
    expect(error.message).toContain('Tls.existingCa() is not available in cdk8s');
  });

  test('fewer addresses than nodes names the field', () => {
    const app = Testing.app();
    const error = errorOf(() => new MultiRegionCockroach(app, 'db', {
      clusters,
      networking: Networking.perPodLoadBalancers({
        addresses: { 'us-east1': ['10.0.0.1', '10.0.0.2'], 'us-west1': ['10.1.0.1', '10.1.0.2', '10.1.0.3'], 'eu-west-1': ['10.2.0.1', '10.2.0.2', '10.2.0.3'] },
      }),
    }));
    expect(error.message).toContain('networking.addresses.us-east1: 2 addresses for 3 nodes');
    expect(app.node.children).toHaveLength(0);
  });

  test('a missing DNS address names the cluster', () => {
    const error = errorOf(() => new MultiRegionCockroach(Testing.app(), 'db', {
      clusters, networking: Networking.dnsChain({ dnsAddresses: { 'us-east1': '10.10.15.250', 'us-west1': '10.20.15.250' } }),
    }));
    expect(error.problems.map((p) => p.path)).toEqual(['networking.dnsAddresses.eu-west-1']);
  });

  test('every problem at once', () => {
    const error = errorOf(() => new MultiRegionCockroach(new App(), 'db', {
      clusters: [{ ...clusters[0], nodes: 0 }, { ...clusters[1], name: 'Bad_Name' }],
      networking: Networking.dnsChain({ dnsAddresses }),
      tls: Tls.generated(),
    }));
    expect(error.problems.map((p) => p.path)).toEqual(expect.arrayContaining(['clusters[0].nodes', 'clusters[1].name', 'tls']));
  });
});
