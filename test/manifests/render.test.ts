import { validateKubeObjects } from '../support/kube-schema';
import { dnsChainTopology, perPodTopology, THREE_CLUSTERS } from '../support/topologies';
import {
  allObjects, ClusterSpec, KubeObject, mergeCorefile, Networking, objectKey, planDeployment, renderDeployment, Tls, TopologyInput,
} from 'crosscluster';

function render(input: TopologyInput): KubeObject[][] {
  return renderDeployment(planDeployment(input)).map(allObjects);
}

function find(objects: KubeObject[], kind: string, name?: string): any {
  const found = objects.find((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (!found) throw new Error(`no ${kind} ${name ?? ''}`);
  return found;
}

const AZURE_AND_GENERIC: ClusterSpec[] = [
  { name: 'aks-westeurope', cloud: 'azure', region: 'westeurope', nodes: 3, podCidrs: ['10.20.0.0/16'] },
  { name: 'onprem', cloud: 'generic', region: 'dc1', nodes: 5, zones: ['rack-a', 'rack-b'], clusterDomain: 'dc1.local', podCidrs: ['fd00:20::/48'] },
  { name: 'gke', cloud: 'gcp', region: 'us-central1', nodes: 1, dns: 'coredns' },
];

const VARIANTS: Array<[string, TopologyInput]> = [
  ['DNS chain, cert-manager', dnsChainTopology()],
  ['per-pod LBs, cert-manager', perPodTopology()],
  ['DNS chain, insecure', dnsChainTopology(THREE_CLUSTERS, { tls: Tls.insecure() })],
  ['per-pod LBs external, azure/generic', {
    ...perPodTopology(AZURE_AND_GENERIC),
    networking: Networking.perPodLoadBalancers({
      internal: false,
      sourceRanges: ['203.0.113.0/24'],
      externalDns: true,
      addresses: {
        'aks-westeurope': ['20.1.1.1', '20.1.1.2', '20.1.1.3'],
        'onprem': ['db0.dc1.example', 'db1.dc1.example', 'db2.dc1.example', 'db3.dc1.example', 'db4.dc1.example'],
        'gke': [{ address: '34.1.1.1', gcpAddressName: 'crdb-gke-0' }],
      },
    }),
  }],
  ['DNS chain, azure/generic, tcp-only', {
    ...dnsChainTopology(AZURE_AND_GENERIC),
    networking: Networking.dnsChain({ dnsAddresses: { 'aks-westeurope': '10.20.0.53', 'onprem': '10.30.0.53', 'gke': '10.40.0.53' }, tcpOnlyClusters: ['onprem'] }),
    storageClass: 'premium-rwo',
    extraStartFlags: ['--max-offset=250ms'],
  }],
];

describe.each(VARIANTS)('%s', (_, input) => {
  const perCluster = render(input);

  test('every object validates against the Kubernetes and cert-manager schemas', () => {
    expect(() => validateKubeObjects(perCluster.flat())).not.toThrow();
  });

  test('object identities are unique per cluster', () => {
    for (const objects of perCluster) {
      const keys = objects.map(objectKey);
      expect(new Set(keys).size).toBe(keys.length);
    }
  });

  test('the init Job exists exactly once, in the init cluster', () => {
    const jobs = perCluster.map((objects) => objects.filter((o) => o.kind === 'Job' && o.metadata.name.startsWith('cockroachdb-init-')).length);
    expect(jobs).toEqual(perCluster.map((__, i) => (i === 0 ? 1 : 0)));
  });

  test('the join list is identical in every cluster', () => {
    const joins = perCluster.map((objects) => find(objects, 'ConfigMap', 'cockroachdb-topology').data.join);
    expect(new Set(joins).size).toBe(1);
  });

  test('no private key anywhere', () => {
    expect(JSON.stringify(perCluster)).not.toMatch(/PRIVATE KEY/);
  });
});

describe('the StatefulSet', () => {
  const [objects] = render(dnsChainTopology(THREE_CLUSTERS, { cpu: '4', memory: '16Gi', storageSize: '500Gi' }));
  const sts = find(objects, 'StatefulSet');
  const pod = sts.spec.template.spec;
  const db = pod.containers[0];

  test('CockroachDB defaults', () => {
    expect(sts.spec.podManagementPolicy).toBe('Parallel');
    expect(sts.spec.replicas).toBe(3);
    expect(db.image).toBe('cockroachdb/cockroach:v25.2.4');
    expect(db.ports.map((p: any) => p.containerPort)).toEqual([26257, 8080]);
    expect(db.resources.requests).toEqual(db.resources.limits);
    expect(db.resources.limits).toEqual({ cpu: '4', memory: '16Gi' });
    expect(pod.terminationGracePeriodSeconds).toBe(300);
    expect(db.readinessProbe.httpGet).toEqual({ path: '/health?ready=1', port: 'http', scheme: 'HTTPS' });
    // No liveness probe by default (Cockroach Labs advise against one); a startup probe instead.
    expect(db.livenessProbe).toBeUndefined();
    expect(db.startupProbe).toMatchObject({ httpGet: { path: '/health', port: 'http', scheme: 'HTTPS' }, failureThreshold: 60 });
    expect(sts.spec.volumeClaimTemplates[0].spec).toEqual({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '500Gi' } } });
    expect(pod.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.topologyKey).toBe('kubernetes.io/hostname');
    expect(pod.topologySpreadConstraints[0]).toMatchObject({ topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule' });
  });

  test('start flags: join, advertise, locality, certs, cache and SQL memory at 25% of the limit', () => {
    const script: string = db.command[2];
    expect(script).toContain('--join="$(cat /cockroach/topology/join)"');
    expect(script).toContain('advertise="$(cat "$advertise_file")"');
    expect(script).toContain('--advertise-host="$advertise"');
    expect(script).toContain('--locality="$locality"');
    expect(script).toContain('--certs-dir=/cockroach/cockroach-certs');
    expect(script).toContain('--cache="$((MEMORY_LIMIT_MIB / 4))MiB" --max-sql-memory="$((MEMORY_LIMIT_MIB / 4))MiB"');
    expect(db.env).toEqual(expect.arrayContaining([
      { name: 'GOMAXPROCS', valueFrom: { resourceFieldRef: { resource: 'limits.cpu', divisor: '1' } } },
      { name: 'MEMORY_LIMIT_MIB', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
    ]));
  });

  test('security: non-root, no escalation, no capabilities, RuntimeDefault seccomp, no token in the database container', () => {
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    for (const c of [...pod.initContainers, ...pod.containers]) {
      expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    }
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(db.volumeMounts.map((m: any) => m.mountPath)).not.toContain('/var/run/secrets/kubernetes.io/serviceaccount');
  });

  test('the locality init container reads the zone label with a ClusterRole that can only get nodes', () => {
    const locality = pod.initContainers.find((c: any) => c.name === 'locality');
    expect(locality.command[2]).toContain('/api/v1/nodes/${NODE_NAME}');
    expect(locality.command[2]).toContain('topology\\.kubernetes\\.io\\/zone');
    const role = find(objects, 'ClusterRole');
    expect(role.rules).toEqual([{ apiGroups: [''], resources: ['nodes'], verbs: ['get'] }]);
    expect(find(objects, 'ClusterRoleBinding').subjects).toEqual([{ kind: 'ServiceAccount', name: 'cockroachdb', namespace: 'us-east1' }]);
  });

  test("secure mode mounts the cert Secrets in place with mode 0440 and cockroach's file names", () => {
    const certs = pod.volumes.find((v: any) => v.name === 'certs');
    expect(certs.projected.defaultMode).toBe(0o440);
    const paths = certs.projected.sources.flatMap((s: any) => s.secret.items.map((i: any) => i.path));
    expect(paths).toEqual(['ca.crt', 'node.crt', 'node.key', 'client.root.crt', 'client.root.key']);
    expect(db.volumeMounts).toContainEqual({ name: 'certs', mountPath: '/cockroach/cockroach-certs', readOnly: true });
    expect(pod.initContainers.map((c: any) => c.name)).toEqual(['locality']);
  });

  test('insecure mode mounts no certificates and starts with --insecure', () => {
    const [insecure] = render(dnsChainTopology(THREE_CLUSTERS, { tls: Tls.insecure() }));
    const s = find(insecure, 'StatefulSet').spec.template.spec;
    expect(s.volumes.map((v: any) => v.name)).not.toContain('certs');
    expect(s.containers[0].command[2]).not.toContain('reload_certs');
    expect(s.containers[0].command[2]).toContain(' --insecure');
    expect(s.containers[0].readinessProbe.httpGet.scheme).toBe('HTTP');
    expect(insecure.some((o) => o.kind === 'Certificate')).toBe(false);
  });

  test('services: headless publishes not-ready addresses; PDB maxUnavailable 1', () => {
    const headless = find(objects, 'Service', 'cockroachdb');
    expect(headless.spec).toMatchObject({ clusterIP: 'None', publishNotReadyAddresses: true });
    expect(headless.metadata.annotations['prometheus.io/path']).toBe('_status/vars');
    expect(find(objects, 'Service', 'cockroachdb-public').spec.type).toBe('ClusterIP');
    expect(find(objects, 'PodDisruptionBudget').spec.maxUnavailable).toBe(1);
  });

  test('the init Job retries with a bound and accepts an already initialized cluster', () => {
    const job = objects.find((o) => o.kind === 'Job' && o.metadata.name.startsWith('cockroachdb-init-')) as any;
    const script: string = job.spec.template.spec.containers[0].command[2];
    expect(script).toContain('for attempt in $(seq 1 60)');
    expect(script).toContain('already been initialized');
    expect(script).toContain('--host=cockroachdb-0.cockroachdb.us-east1.svc.cluster.local:26257');
    expect(job.spec.backoffLimit).toBe(3);
    expect(job.spec.activeDeadlineSeconds).toBeGreaterThan(0);
  });
});

describe('scaling and adding clusters restarts no pod', () => {
  function templates(input: TopologyInput): Map<string, string> {
    const result = new Map<string, string>();
    for (const [i, objects] of render(input).entries()) {
      const sts = find(objects, 'StatefulSet');
      result.set(input.clusters[i].name, JSON.stringify(sts.spec.template));
    }
    return result;
  }

  function changedObjects(before: TopologyInput, after: TopologyInput): string[] {
    const index = (input: TopologyInput) => new Map(render(input).flatMap((objs, i) => objs.map((o) => [`${input.clusters[i].name}:${objectKey(o)}`, JSON.stringify(o)])));
    const a = index(before);
    const b = index(after);
    return [...b.entries()].filter(([k, v]) => a.get(k) !== v).map(([k]) => k);
  }

  test.each([
    ['DNS chain', dnsChainTopology],
    ['per-pod load balancers', perPodTopology],
  ])('%s: one more node in one cluster changes only its replicas, ConfigMap data and new per-pod objects', (_, make) => {
    const before = make(THREE_CLUSTERS);
    const after = make([THREE_CLUSTERS[0], { ...THREE_CLUSTERS[1], nodes: 4 }, THREE_CLUSTERS[2]]);
    expect(templates(after)).toEqual(templates(before));
    const changed = changedObjects(before, after);
    const expected = ['gke-us-west1:apps/v1/StatefulSet/us-west1/cockroachdb', 'gke-us-west1:v1/ConfigMap/us-west1/cockroachdb-topology'];
    if (make === perPodTopology) {
      expected.push('gke-us-west1:v1/Service/us-west1/cockroachdb-3-lb', 'gke-us-west1:cert-manager.io/v1/Certificate/us-west1/cockroachdb-node');
    }
    expect(changed.sort()).toEqual(expected.sort());
  });

  test('adding a cluster changes no existing pod template', () => {
    const before = dnsChainTopology(THREE_CLUSTERS.slice(0, 2));
    const after = dnsChainTopology(THREE_CLUSTERS);
    const a = templates(before);
    const b = templates(after);
    for (const [name, template] of a) expect(b.get(name)).toBe(template);
    const changed = changedObjects(before, after).filter((k) => !k.startsWith('eks-eu-west-1:'));
    const newSqlJob = changed.filter((k) => k.includes(':batch/v1/Job/us-east1/cockroachdb-regions-'));
    // The multi-region SQL Job gets a new name with the new region; nothing else but data changes.
    expect(newSqlJob).toHaveLength(1);
    expect(changed.filter((k) => !newSqlJob.includes(k)).sort()).toEqual([
      'gke-us-east1:networking.k8s.io/v1/NetworkPolicy/us-east1/cockroachdb-ingress',
      'gke-us-east1:v1/ConfigMap/kube-system/kube-dns',
      'gke-us-east1:v1/ConfigMap/us-east1/cockroachdb-topology',
      'gke-us-east1:v1/Service/kube-system/kube-dns-lb-tcp',
      'gke-us-east1:v1/Service/kube-system/kube-dns-lb-udp',
      'gke-us-west1:networking.k8s.io/v1/NetworkPolicy/us-west1/cockroachdb-ingress',
      'gke-us-west1:v1/ConfigMap/kube-system/kube-dns',
      'gke-us-west1:v1/ConfigMap/us-west1/cockroachdb-topology',
      'gke-us-west1:v1/Service/kube-system/kube-dns-lb-tcp',
      'gke-us-west1:v1/Service/kube-system/kube-dns-lb-udp',
    ]);
  });
});

describe('DNS forwarding objects', () => {
  const perCluster = render(dnsChainTopology());

  test('kube-dns clusters get stubDomains for every remote domain, never their own', () => {
    const stub = JSON.parse(find(perCluster[0], 'ConfigMap', 'kube-dns').data.stubDomains);
    expect(stub).toEqual({ 'us-west1.svc.cluster.local': ['10.138.0.53'], 'eu-west-1.svc.cluster.local': ['10.9.0.53'] });
  });

  test('CoreDNS clusters get a complete Corefile that keeps the default server block', () => {
    const corefile: string = find(perCluster[2], 'ConfigMap', 'coredns').data.Corefile;
    expect(corefile).toMatch(/^\.:53 \{\n\s+errors/);
    expect(corefile).toContain('kubernetes cluster.local in-addr.arpa ip6.arpa');
    expect(corefile).toContain('us-east1.svc.cluster.local:53 {\n    errors\n    cache 30\n    forward . 10.128.0.53\n}');
    expect(corefile).not.toContain('eu-west-1.svc.cluster.local:53');
    expect(corefile).not.toContain('force_tcp');
  });

  test('the DNS load balancer is internal, on UDP and TCP 53, in front of the DNS pods', () => {
    // GKE at the oldest supported version: one Service per protocol, both on the one address.
    const gke = [find(perCluster[0], 'Service', 'kube-dns-lb-udp'), find(perCluster[0], 'Service', 'kube-dns-lb-tcp')];
    for (const service of gke) {
      expect(service.metadata.namespace).toBe('kube-system');
      expect(service.metadata.annotations).toEqual({
        'networking.gke.io/load-balancer-type': 'Internal',
        'networking.gke.io/internal-load-balancer-allow-global-access': 'true',
      });
      expect(service.spec.selector).toEqual({ 'k8s-app': 'kube-dns' });
      expect(service.spec.loadBalancerIP).toBe('10.128.0.53');
    }
    expect(gke.map((s) => s.spec.ports.map((p: any) => `${p.protocol}/${p.port}`))).toEqual([['UDP/53'], ['TCP/53']]);
    const eks = find(perCluster[2], 'Service', 'kube-dns-lb');
    expect(eks.metadata.annotations).toMatchObject({
      'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internal',
      'service.beta.kubernetes.io/aws-load-balancer-private-ipv4-addresses': '10.9.0.53',
    });
  });

  test('mergeCorefile keeps a customized Corefile and is idempotent', () => {
    const plan = planDeployment(dnsChainTopology());
    const custom = '.:53 {\n    errors\n    rewrite name foo.example bar.example\n    forward . 8.8.8.8\n}\n';
    const once = mergeCorefile(custom, plan.clusters[2].dnsForwards);
    expect(once.startsWith(custom)).toBe(true);
    expect(mergeCorefile(once, plan.clusters[2].dnsForwards)).toBe(once);
    const fewer = mergeCorefile(once, plan.clusters[2].dnsForwards.slice(0, 1));
    expect(fewer).not.toContain('us-west1.svc.cluster.local');
    expect(fewer.startsWith(custom)).toBe(true);
  });
});

describe('per-pod load balancers', () => {
  const perCluster = render(perPodTopology());

  test('one LoadBalancer Service per pod, selecting it by pod name, reachable before ready', () => {
    const services = perCluster[0].filter((o) => o.kind === 'Service' && (o.spec as any).type === 'LoadBalancer');
    expect(services.map((s) => s.metadata.name)).toEqual(['cockroachdb-0-lb', 'cockroachdb-1-lb', 'cockroachdb-2-lb']);
    const s: any = services[1];
    expect(s.spec).toMatchObject({
      selector: { 'statefulset.kubernetes.io/pod-name': 'cockroachdb-1' },
      publishNotReadyAddresses: true,
      externalTrafficPolicy: 'Local',
      loadBalancerIP: '10.200.0.11',
    });
  });

  test('AWS: NLB with IP targets; each pod advertises its own address from the ConfigMap', () => {
    const aws: any = perCluster[2].find((o) => o.metadata.name === 'cockroachdb-0-lb');
    expect(aws.metadata.annotations).toMatchObject({
      'service.beta.kubernetes.io/aws-load-balancer-type': 'external',
      'service.beta.kubernetes.io/aws-load-balancer-nlb-target-type': 'ip',
    });
    const data = find(perCluster[2], 'ConfigMap', 'cockroachdb-topology').data;
    expect(data['advertise-host.cockroachdb-0']).toBe('db-0.eks-eu-west-1.example.com');
  });
});
