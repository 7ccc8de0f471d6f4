// Both cdk8s examples, synthesized to files as a GitOps repo commits them, then checked on the YAML:
// schemas, the cross-cluster invariants, and what a scale-up or a new cluster changes.
import { spawnSync } from 'child_process';
import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { allOf, forwardedDomains, keyOf, Obj, only, pinnedAddresses, readOutdir, synthApp, Synthesized } from './helpers';
import { build as buildClusterSet, topology as clusterSetTopology } from '../../examples/cluster-set/main';
import { build as buildGitops, topology as gitopsTopology } from '../../examples/gitops/main';
import { build as buildOwnCoredns, topology as ownCorednsTopology } from '../../examples/own-coredns/main';
import { build as buildPerPod, topology as perPodTopology } from '../../examples/per-pod-lb/main';
import { validateKubeObjects } from '../support/kube-schema';
import { isCoveredBySans, stripPort } from 'crosscluster';
import { ClusterSpec, MultiRegionCockroachProps, Networking, PodAddress } from 'crosscluster/cdk8s';

const EXAMPLES = {
  'gitops': { build: buildGitops, topology: gitopsTopology },
  'per-pod-lb': { build: buildPerPod, topology: perPodTopology },
  'cluster-set': { build: buildClusterSet, topology: clusterSetTopology },
  'own-coredns': { build: buildOwnCoredns, topology: ownCorednsTopology },
};
type Example = keyof typeof EXAMPLES;

function synth(example: Example, props: MultiRegionCockroachProps = EXAMPLES[example].topology): Synthesized {
  return synthApp((app) => EXAMPLES[example].build(app, props)).files;
}

/** Per cluster: its database objects (from `<cluster>.k8s.yaml`) and its DNS objects (from `<cluster>-dns.k8s.yaml`). */
function perCluster(files: Synthesized, clusterNames: readonly string[]): Record<string, { db: Obj[]; dns: Obj[] }> {
  return Object.fromEntries(clusterNames.map((name) => [name, {
    db: files[`${name}.k8s.yaml`].objects,
    dns: files[`${name}-dns.k8s.yaml`]?.objects ?? [],
  }]));
}

const clusterNames = (example: Example) => EXAMPLES[example].topology.clusters.map((c) => c.name);

describe.each(Object.keys(EXAMPLES) as Example[])('example %s', (example) => {
  const files = synth(example);
  const names = clusterNames(example);
  const clusters = perCluster(files, names);

  test('writes one file per cluster (and the DNS files for DNS chaining through the cluster DNS)', () => {
    const expected = names.flatMap((n) => (example === 'gitops' ? [`${n}-dns.k8s.yaml`, `${n}.k8s.yaml`] : [`${n}.k8s.yaml`]));
    expect(Object.keys(files)).toEqual(expected.sort());
  });

  test('every synthesized object validates against the Kubernetes and cert-manager schemas', () => {
    const objects = allOf(files);
    expect(objects.length).toBeGreaterThan(0);
    expect(objects.some((o) => o.apiVersion === 'cert-manager.io/v1')).toBe(true);
    validateKubeObjects(objects);
  });

  test('the join list is identical in every cluster', () => {
    const joins = names.map((n) => only(clusters[n].db, 'ConfigMap', 'cockroachdb-topology').data.join);
    expect(new Set(joins).size).toBe(1);
    expect(joins[0].split(',')).toHaveLength(names.length * 3);
  });

  test('every join entry and advertise address is covered by the owning cluster\'s node certificate', () => {
    const owner = new Map<string, string>();
    const sansOf: Record<string, { dnsNames: string[]; ipAddresses: string[] }> = {};
    for (const name of names) {
      const data = only(clusters[name].db, 'ConfigMap', 'cockroachdb-topology').data as Record<string, string>;
      const pods = Object.keys(data).filter((k) => k.startsWith('advertise-host.'));
      expect(pods).toHaveLength(EXAMPLES[example].topology.clusters.find((c) => c.name === name)!.nodes);
      for (const key of pods) owner.set(data[key], name);
      const spec = only(clusters[name].db, 'Certificate', 'cockroachdb-node').spec;
      sansOf[name] = { dnsNames: spec.dnsNames ?? [], ipAddresses: spec.ipAddresses ?? [] };
    }
    for (const [address, name] of owner) expect([address, isCoveredBySans(address, sansOf[name])]).toEqual([address, true]);
    const joinList: string = only(clusters[names[0]].db, 'ConfigMap', 'cockroachdb-topology').data.join;
    for (const entry of joinList.split(',')) {
      const name = owner.get(stripPort(entry));
      expect([entry, name !== undefined]).toEqual([entry, true]);
      expect([entry, isCoveredBySans(entry, sansOf[name!])]).toEqual([entry, true]);
    }
  });

  test('the init Job exists exactly once', () => {
    expect(allOf(files).filter((o) => o.kind === 'Job' && o.metadata.name.startsWith('cockroachdb-init-'))).toHaveLength(1);
  });

  test('no private key anywhere in the output', () => {
    for (const { text } of Object.values(files)) {
      expect(text).not.toContain('PRIVATE KEY');
      expect(text).not.toContain('tls.key:');
    }
    expect(allOf(files).filter((o) => o.kind === 'Secret')).toHaveLength(0);
  });

  test('scale-up changes only that StatefulSet\'s replicas, the ConfigMap data and new per-pod objects', () => {
    const scaled = names[1];
    const nodesBefore = EXAMPLES[example].topology.clusters[1].nodes;
    const props = scaleUp(EXAMPLES[example].topology, scaled, nodesBefore + 2);
    const after = synth(example, props);
    const before = byFileKey(files);
    const now = byFileKey(after);
    const added = [...now.keys()].filter((k) => !before.has(k));
    expect([...before.keys()].filter((k) => !now.has(k))).toEqual([]);
    const newPods = [nodesBefore, nodesBefore + 1].map((ordinal) => `cockroachdb-${ordinal}`);
    // Keys are `<file>:<kind>/<namespace>/<name>`: in a cluster set every cluster has the same namespace.
    const ns = EXAMPLES[example].topology.clusters[1].namespace ?? scaled;
    const at = (key: string) => `${scaled}.k8s.yaml:${key}`;
    expect(added).toEqual(example === 'per-pod-lb' ? newPods.map((pod) => at(`Service/${ns}/${pod}-lb`)) : []);
    const changed = [...before.keys()].filter((k) => JSON.stringify(before.get(k)) !== JSON.stringify(now.get(k)));
    const expectedChanges = [at(`StatefulSet/${ns}/cockroachdb`), at(`ConfigMap/${ns}/cockroachdb-topology`)];
    // New pods dial in on new load-balancer addresses, which the node certificate must certify.
    if (example === 'per-pod-lb') expectedChanges.push(at(`Certificate/${ns}/cockroachdb-node`));
    expect(changed.sort()).toEqual(expectedChanges.sort());
    const sts = [before.get(at(`StatefulSet/${ns}/cockroachdb`))!, now.get(at(`StatefulSet/${ns}/cockroachdb`))!];
    expect(sts.map((s) => s.spec.replicas)).toEqual([nodesBefore, nodesBefore + 2]);
    expect(withoutReplicas(sts[1])).toEqual(withoutReplicas(sts[0]));
    const cms = [before.get(at(`ConfigMap/${ns}/cockroachdb-topology`))!, now.get(at(`ConfigMap/${ns}/cockroachdb-topology`))!];
    expect({ ...cms[1], data: undefined }).toEqual({ ...cms[0], data: undefined });
    expect(Object.keys(cms[1].data).filter((k) => !(k in cms[0].data))).toEqual(newPods.map((pod) => `advertise-host.${pod}`));
    // Existing keys keep their values: the join list does not depend on replica counts.
    for (const [k, v] of Object.entries(cms[0].data)) expect([k, cms[1].data[k]]).toEqual([k, v]);
    expect(podTemplates(after)).toEqual(podTemplates(files));
  });

  test('adding a cluster changes no existing pod template', () => {
    const after = synth(example, addCluster(EXAMPLES[example].topology));
    const templates = podTemplates(after);
    // Every pod template but the multi-region SQL Job's, which is a new Job for the new region.
    const regionsJob = (key: string) => key.includes(':Job/') && key.includes('/cockroachdb-regions-');
    for (const [key, template] of podTemplates(files)) if (!regionsJob(key)) expect([key, templates.get(key)]).toEqual([key, template]);
    expect([...templates.keys()].filter(regionsJob).filter((k) => !podTemplates(files).has(k))).toHaveLength(1);
    expect(Object.keys(after)).toContain('us-central1.k8s.yaml');
  });
});

describe('example gitops: DNS chaining', () => {
  const files = synth('gitops');
  const names = clusterNames('gitops');
  const clusters = perCluster(files, names);
  const domainOf = (name: string) => `${only(clusters[name].db, 'Namespace').metadata.name}.svc.cluster.local`;
  const dnsServices = (name: string) => clusters[name].dns.filter((o) => o.kind === 'Service');
  // Every Service of a cluster's DNS load balancer is pinned to the same address(es).
  const dnsAddressesOf = (name: string) => {
    const pinned = new Set(dnsServices(name).map((s) => pinnedAddresses(s).join(',')));
    expect(pinned.size).toBe(1);
    return [...pinned][0].split(',');
  };

  test('two GKE clusters on kube-dns, one EKS cluster on CoreDNS', () => {
    expect(only(clusters['us-east1'].dns, 'ConfigMap').metadata.name).toBe('kube-dns');
    expect(only(clusters['us-west1'].dns, 'ConfigMap').metadata.name).toBe('kube-dns');
    expect(only(clusters['eu-west-1'].dns, 'ConfigMap').metadata.name).toBe('coredns');
  });

  test('every remote domain is forwarded exactly once, to its DNS load balancer; the local one never', () => {
    for (const name of names) {
      const forwards = forwardedDomains(clusters[name].dns);
      const domains = forwards.map((f) => f.domain);
      expect(domains).not.toContain(domainOf(name));
      for (const remote of names.filter((n) => n !== name)) {
        const entries = forwards.filter((f) => f.domain === domainOf(remote));
        expect(entries).toHaveLength(1);
        expect(entries[0].servers).toEqual(dnsAddressesOf(remote));
      }
      expect(domains).toHaveLength(names.length - 1);
    }
  });

  test('the CoreDNS cluster\'s Corefile keeps the default .:53 block', () => {
    const corefile: string = only(clusters['eu-west-1'].dns, 'ConfigMap', 'coredns').data.Corefile;
    expect(corefile.startsWith('.:53 {\n')).toBe(true);
    expect(corefile).toContain('kubernetes cluster.local in-addr.arpa ip6.arpa');
    expect(corefile).toContain('forward . /etc/resolv.conf');
  });

  test('the DNS load balancers are internal and admit the peers only', () => {
    for (const name of names) {
      expect(dnsServices(name).length).toBeGreaterThan(0);
      for (const service of dnsServices(name)) {
        const annotations = service.metadata.annotations;
        const internal = annotations['networking.gke.io/load-balancer-type'] === 'Internal'
          || annotations['service.beta.kubernetes.io/aws-load-balancer-scheme'] === 'internal';
        expect([name, internal]).toEqual([name, true]);
        const peers = EXAMPLES.gitops.topology.clusters.filter((c) => c.name !== name).flatMap((c) => [...c.podCidrs!, ...c.nodeCidrs!]);
        expect(service.spec.loadBalancerSourceRanges).toEqual(peers);
      }
    }
    // us-east1 predates mixed-protocol internal LBs: two Services; us-west1 (1.36.2, subsetting): one.
    expect(dnsServices('us-east1').map((s) => s.metadata.name)).toEqual(['kube-dns-lb-udp', 'kube-dns-lb-tcp']);
    expect(dnsServices('us-west1').map((s) => s.metadata.name)).toEqual(['kube-dns-lb']);
  });

  test('`cdk8s synth` in examples/gitops writes the files on a fresh checkout (no build)', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'crosscluster-gitops-'));
    try {
      const cli = join(__dirname, '..', '..', 'node_modules', '.bin', 'cdk8s');
      const run = spawnSync(cli, ['synth', '--output', outdir], {
        cwd: join(__dirname, '..', '..', 'examples', 'gitops'),
        env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' },
        encoding: 'utf8',
      });
      expect([run.status, run.stderr]).toEqual([0, expect.stringContaining('ALTER DATABASE "defaultdb" PRIMARY REGION "us-east1";')]);
      expect(run.stdout).toContain('us-east1.k8s.yaml');
      const written = readOutdir(outdir);
      expect(Object.keys(written)).toEqual(Object.keys(files));
      for (const file of Object.keys(files)) expect(written[file].text).toBe(files[file].text);
      // The EKS CoreDNS add-on's configuration, next to the manifests: the same Corefile as the
      // ConfigMap applied with a forced server-side apply.
      const addon = JSON.parse(readFileSync(join(outdir, 'eu-west-1-coredns-addon.json'), 'utf8'));
      expect(Object.keys(addon)).toEqual(['corefile']);
      expect(addon.corefile).toBe(only(clusters['eu-west-1'].dns, 'ConfigMap', 'coredns').data.Corefile);
      expect(addon.corefile).toContain('us-east1.svc.cluster.local:53 {');
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});

function scaleUp(props: MultiRegionCockroachProps, cluster: string, nodes: number): MultiRegionCockroachProps {
  const clusters = props.clusters.map((c) => (c.name === cluster ? { ...c, nodes } : c));
  const lbs = props.networking.perPodLoadBalancers;
  if (!lbs) return { ...props, clusters };
  const given = lbs.addresses![cluster];
  // On AWS each new NLB needs its private IP in every subnet (the existing entries show the subnets).
  const template = given.find((g): g is PodAddress => typeof g === 'object' && g.awsPrivateIps !== undefined);
  const extra = Array.from({ length: nodes - given.length }, (_, i): string | PodAddress => {
    if (!template) return `10.99.0.${10 + i}`;
    const ips = template.awsPrivateIps!.map((ip) => ip.replace(/\.\d+$/, `.${100 + i}`));
    return { address: ips[0], awsPrivateIps: ips };
  });
  return {
    ...props,
    clusters,
    networking: Networking.perPodLoadBalancers({ ...lbs, addresses: { ...lbs.addresses, [cluster]: [...given, ...extra] } }),
  };
}

function addCluster(props: MultiRegionCockroachProps): MultiRegionCockroachProps {
  const cluster: ClusterSpec = {
    name: 'us-central1',
    cloud: 'gcp',
    region: 'us-central1',
    nodes: 3,
    nodeCidrs: ['10.70.0.0/20'],
    podCidrs: ['10.72.0.0/14'],
    serviceCidrs: ['10.76.0.0/20'],
    // A cluster set shares one namespace.
    ...(props.networking.clusterSet ? { namespace: props.clusters[0].namespace } : {}),
  };
  const dns = props.networking.dnsChain;
  const lbs = props.networking.perPodLoadBalancers;
  const networking = props.networking.clusterSet ? props.networking : dns
    ? Networking.dnsChain({ ...dns, dnsAddresses: { ...dns.dnsAddresses, 'us-central1': '10.70.15.250' } })
    : Networking.perPodLoadBalancers({
      ...lbs,
      addresses: { ...lbs!.addresses, 'us-central1': ['10.70.15.10', '10.70.15.11', '10.70.15.12'] as Array<string | PodAddress> },
    });
  return { ...props, clusters: [...props.clusters, cluster], networking };
}

function withoutReplicas(sts: Obj): Obj {
  return { ...sts, spec: { ...sts.spec, replicas: undefined } };
}

/** Every object by `<file>:<kind>/<namespace>/<name>` (a cluster set has one namespace in every cluster). */
function byFileKey(files: Synthesized): Map<string, Obj> {
  return new Map(Object.entries(files).flatMap(([file, { objects }]) => objects.map((o) => [`${file}:${keyOf(o)}`, o] as const)));
}

/** Every pod template (StatefulSets, Deployments and Jobs) by {@link byFileKey} key. */
function podTemplates(files: Synthesized): Map<string, unknown> {
  return new Map([...byFileKey(files)].filter(([, o]) => o.spec?.template).map(([key, o]) => [key, o.spec.template]));
}
