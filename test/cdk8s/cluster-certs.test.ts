import { Testing } from 'cdk8s';
import { only, synthApp } from './helpers';
import { validateKubeObjects } from '../support/kube-schema';
import { withNetworks } from '../support/topologies';
import { ClusterCerts, ClusterSpec, isCoveredBySans, Networking } from 'crosscluster/cdk8s';

const clusters: ClusterSpec[] = withNetworks([
  { name: 'us-east1', cloud: 'gcp', region: 'us-east1', nodes: 3 },
  { name: 'eu-west-1', cloud: 'aws', region: 'eu-west-1', nodes: 3, namespace: 'crdb-eu' },
]);

describe('ClusterCerts alone', () => {
  test('per cluster a CA Issuer, a node Certificate and a root client Certificate', () => {
    const { files, result } = synthApp((app) => new ClusterCerts(app, 'certs', { clusters }));
    expect(Object.keys(files)).toEqual(['eu-west-1.k8s.yaml', 'us-east1.k8s.yaml']);
    const objects = files['eu-west-1.k8s.yaml'].objects;
    validateKubeObjects(objects);
    expect(objects.map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`)).toEqual([
      'Issuer/crdb-eu/cockroachdb-ca',
      'Certificate/crdb-eu/cockroachdb-node',
      'Certificate/crdb-eu/cockroachdb-client-root',
    ]);
    expect(only(objects, 'Issuer').spec).toEqual({ ca: { secretName: 'cockroachdb-ca' } });
    const node = only(objects, 'Certificate', 'cockroachdb-node').spec;
    expect(node.commonName).toBe('node');
    expect(node.usages).toEqual(expect.arrayContaining(['server auth', 'client auth']));
    expect(node.secretName).toBe('cockroachdb-node');
    expect(node.issuerRef).toEqual({ name: 'cockroachdb-ca', kind: 'Issuer', group: 'cert-manager.io' });
    expect(node.duration).toBe('8760h');
    expect(node.renewBefore).toBe('720h');
    expect(node.dnsNames).toEqual(expect.arrayContaining([
      'localhost', 'cockroachdb-public', 'cockroachdb-public.crdb-eu', 'cockroachdb-public.crdb-eu.svc.cluster.local',
      '*.cockroachdb', '*.cockroachdb.crdb-eu', '*.cockroachdb.crdb-eu.svc.cluster.local',
    ]));
    expect(node.ipAddresses).toEqual(expect.arrayContaining(['127.0.0.1']));
    const client = only(objects, 'Certificate', 'cockroachdb-client-root').spec;
    expect(client.commonName).toBe('root');
    expect(client.usages).toContain('client auth');
    expect(client.usages).not.toContain('server auth');
    expect(result.caSecretName).toBe('cockroachdb-ca');
    for (const pod of result.plan.clusters[1].pods) expect(isCoveredBySans(pod.fqdn, result.nodeCertificateSans['eu-west-1'])).toBe(true);
  });

  test('options: CA Secret, Issuer name, duration and renewal', () => {
    const chart = Testing.chart();
    new ClusterCerts(chart, 'certs', {
      clusters: [clusters[0]], caSecretName: 'shared-ca', issuerName: 'crdb-issuer', duration: '2160h', renewBefore: '360h',
    });
    const objects = Testing.synth(chart);
    expect(only(objects, 'Issuer').metadata.name).toBe('crdb-issuer');
    expect(only(objects, 'Issuer').spec.ca.secretName).toBe('shared-ca');
    for (const cert of objects.filter((o) => o.kind === 'Certificate')) {
      expect(cert.spec).toMatchObject({ duration: '2160h', renewBefore: '360h', issuerRef: { name: 'crdb-issuer' } });
    }
  });

  test('with per-pod load balancers the SANs gain every pod address', () => {
    const addresses = { 'us-east1': ['10.10.1.10', '10.10.1.11', '10.10.1.12'], 'eu-west-1': ['a.example.com', 'b.example.com', 'c.example.com'] };
    const certs = new ClusterCerts(Testing.app(), 'certs', { clusters, networking: Networking.perPodLoadBalancers({ addresses }) });
    const east = only(Testing.synth(certs.charts['us-east1']), 'Certificate', 'cockroachdb-node');
    expect(east.spec.ipAddresses).toEqual(expect.arrayContaining(addresses['us-east1']));
    const eu = only(Testing.synth(certs.charts['eu-west-1']), 'Certificate', 'cockroachdb-node');
    expect(eu.spec.dnsNames).toEqual(expect.arrayContaining(addresses['eu-west-1']));
  });

  test('no private key in the output', () => {
    const app = Testing.app();
    new ClusterCerts(app, 'certs', { clusters });
    expect(app.synthYaml()).not.toContain('PRIVATE KEY');
  });

  test('bad options name the field', () => {
    expect(() => new ClusterCerts(Testing.app(), 'certs', { clusters, duration: 'a year' }))
      .toThrow("tls.duration: 'a year' is not a duration such as '8760h'");
  });
});
