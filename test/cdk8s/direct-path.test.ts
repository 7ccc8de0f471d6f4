// The two direct-path examples synthesized as a GitOps repo commits them (the cdk8s CLI, and the
// App in-process), then checked on the YAML: schemas, the cross-cluster invariants, and what a
// scale-up or a new cluster changes.
import { spawnSync } from 'child_process';
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { allOf, Obj, only, readOutdir, synthApp, Synthesized } from './helpers';
import { build as buildHostNetwork, topology as hostNetworkTopology } from '../../examples/host-network/main';
import { build as buildPodIps, topology as podIpsTopology, vpn } from '../../examples/pod-ips/main';
import { validateKubeObjects } from '../support/kube-schema';
import { isCoveredBySans, stripPort } from 'crosscluster';
import { MultiRegionCockroachProps, Networking, Tls, TopologyError } from 'crosscluster/cdk8s';

const EXAMPLES = {
  'pod-ips': { build: buildPodIps, topology: podIpsTopology },
  'host-network': { build: buildHostNetwork, topology: hostNetworkTopology },
};
type Example = keyof typeof EXAMPLES;

function synth(example: Example, props: MultiRegionCockroachProps = EXAMPLES[example].topology): Synthesized {
  return synthApp((app) => EXAMPLES[example].build(app, props)).files;
}
const names = (example: Example) => EXAMPLES[example].topology.clusters.map((c) => c.name);
const objectsOf = (files: Synthesized, cluster: string) => files[`${cluster}.k8s.yaml`].objects;
const stsTemplate = (files: Synthesized, cluster: string) => JSON.stringify(only(objectsOf(files, cluster), 'StatefulSet').spec.template);

describe.each(Object.keys(EXAMPLES) as Example[])('example %s', (example) => {
  const files = synth(example);

  test('`cdk8s synth` in the example directory writes one file per cluster, the same as the App in-process', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'crosscluster-example-'));
    try {
      const r = spawnSync('npx', ['cdk8s', 'synth', '--output', outdir], { cwd: join(__dirname, '..', '..', 'examples', example), encoding: 'utf8', timeout: 180_000 });
      expect(r.status).toBe(0);
      expect(r.stderr).toContain('join list (every cluster):');
      const cli = readOutdir(outdir);
      expect(Object.keys(cli)).toEqual(names(example).map((n) => `${n}.k8s.yaml`).sort());
      for (const file of Object.keys(cli)) expect(cli[file].text).toBe(files[file].text);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });

  test('every synthesized object validates against the Kubernetes and cert-manager schemas', () => {
    validateKubeObjects(allOf(files));
  });

  test('the join list is identical in every cluster, and each entry is covered by a certificate of the cluster that owns it', () => {
    const joins = names(example).map((n) => only(objectsOf(files, n), 'ConfigMap', 'cockroachdb-topology').data.join);
    expect(new Set(joins).size).toBe(1);
    for (const entry of joins[0].split(',')) {
      const host = stripPort(entry);
      const owners = names(example).filter((n) => {
        const data = only(objectsOf(files, n), 'ConfigMap', 'cockroachdb-topology').data;
        if (example === 'pod-ips') return [...data['join-lb-ips'].split(','), ...data['join-lb-names'].split(',')].includes(host);
        return Object.entries(data).some(([k, v]) => k.startsWith('node-address.') && v === host);
      });
      expect(owners).toHaveLength(1);
      if (example === 'host-network') {
        // The node certificate of the owning cluster (pod IPs: each pod's own, checked in the e2e suite).
        const cert = only(objectsOf(files, owners[0]), 'Certificate', 'cockroachdb-node');
        expect(isCoveredBySans(host, { dnsNames: cert.spec.dnsNames, ipAddresses: cert.spec.ipAddresses })).toBe(true);
      }
    }
  });

  test('scaling a cluster up (for host networking: a listed node more) changes no existing pod template', () => {
    const base = EXAMPLES[example].topology;
    const scaled: MultiRegionCockroachProps = example === 'pod-ips'
      ? { ...base, clusters: base.clusters.map((c, i) => (i === 0 ? { ...c, nodes: 5 } : c)) }
      : {
        ...base,
        clusters: base.clusters.map((c, i) => (i === 0 ? { ...c, nodes: 4 } : c)),
        networking: Networking.hostNetwork({
          ...base.networking.hostNetwork!,
          nodes: { ...base.networking.hostNetwork!.nodes, 'dc-east': [...base.networking.hostNetwork!.nodes!['dc-east'], { name: 'east-db-4', address: '192.168.10.14' }] },
        }),
      };
    const after = synth(example, scaled);
    for (const n of names(example)) expect(stsTemplate(after, n)).toBe(stsTemplate(files, n));
    expect(only(objectsOf(after, names(example)[0]), 'StatefulSet').spec.replicas).toBeGreaterThan(3);
  });
});

test('pod-ips: the example\'s VPN routes every pod range; a pod range the VPN lacks is refused before any file is written', () => {
  expect(Object.keys(vpn.routedCidrs).sort()).toEqual(['eu-west-1', 'us-east1', 'us-west1']);
  const base = EXAMPLES['pod-ips'].topology;
  const grown = { ...base, clusters: base.clusters.map((c) => (c.name === 'eu-west-1' ? { ...c, podCidrs: [...c.podCidrs!, '10.33.0.0/16'] } : c)) };
  expect(() => synth('pod-ips', grown)).toThrow(TopologyError);
  expect(() => synth('pod-ips', grown)).toThrow(/clusters\[2\].podCidrs\[1\]: '10.33.0.0\/16' is not routed between the clusters \(CrossCloudVpn 'gke-eks'/);
});

test('pod-ips: per-pod certificates in every database pod; Tls.generated is refused in cdk8s', () => {
  const files = synth('pod-ips');
  for (const n of names('pod-ips')) {
    const pod = only(objectsOf(files, n), 'StatefulSet').spec.template.spec;
    expect(pod.initContainers.map((c: Obj) => c.name)).toContain('node-certificate');
    expect(objectsOf(files, n).filter((o) => o.kind === 'Certificate').map((o) => o.metadata.name)).toEqual(['cockroachdb-client-root']);
  }
  expect(() => synth('pod-ips', { ...EXAMPLES['pod-ips'].topology, tls: Tls.generated() })).toThrow(/Tls.generated\(\) signs certificates at deploy time/);
});

test('pod-ips: each cluster\'s file carries its join load balancer, the same Service the renderer makes (found missing by the cluster tier)', () => {
  const app = synthApp((a) => buildPodIps(a, podIpsTopology));
  const files = app.files;
  const db = app.result;
  for (const c of podIpsTopology.clusters) {
    const joins = objectsOf(files, c.name).filter((o) => o.kind === 'Service' && o.metadata.labels?.['crosscluster.io/role'] === 'join');
    expect(joins.map((o) => o.metadata.name)).toEqual(['cockroachdb-join']);
    expect(joins[0].spec.type).toBe('LoadBalancer');
    expect(joins[0].spec.publishNotReadyAddresses).toBe(true);
    expect(joins).toEqual(db.manifests.find((m) => m.cluster === c.name)!.loadBalancers);
    expect(db.joinLoadBalancers![c.name].map((o) => o.name)).toEqual(['cockroachdb-join']);
  }
  // The other strategies place no join load balancer.
  const host = synthApp((a) => buildHostNetwork(a, hostNetworkTopology));
  expect(host.result.joinLoadBalancers).toBeUndefined();
  for (const n of names('host-network')) expect(objectsOf(host.files, n).filter((o) => o.spec?.type === 'LoadBalancer')).toEqual([]);
});
