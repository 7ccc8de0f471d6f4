// The own CoreDNS's objects: the Corefile (served, forwarded, never both, never its own domain
// away), least-privilege RBAC, a hardened Deployment, the load balancer per cloud, and the database
// pods' DNS, which depends on the topology only.
import { validateKubeObjects } from '../support/kube-schema';
import { DNS_ADDRESSES, THREE_CLUSTERS, withNetworks } from '../support/topologies';
import {
  addressDependentObjects, allObjects, ClusterSpec, KubeObject, Networking, OwnCorednsOptions, ownCorefile, planDeployment, renderDeployment,
  Tls, TopologyInput,
} from 'crosscluster';

function ownTopology(own: OwnCorednsOptions = {}, clusters: ClusterSpec[] = THREE_CLUSTERS, extra: Partial<TopologyInput> = {}): TopologyInput {
  return { clusters, networking: Networking.dnsChain({ dnsAddresses: DNS_ADDRESSES, ownCoredns: own }), tls: Tls.certManager(), ...extra };
}

const find = (objects: readonly KubeObject[], kind: string, name?: string): any =>
  objects.find((o) => o.kind === kind && (name === undefined || o.metadata.name === name));

/** The server blocks of a Corefile: zone → body lines. */
function blocks(corefile: string): Map<string, string[]> {
  const result = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of corefile.split('\n')) {
    const open = /^(\S+):53 \{$/.exec(line);
    if (open) {
      current = [];
      result.set(open[1], current);
    } else if (line === '}') {
      current = undefined;
    } else if (current) {
      current.push(line.trim());
    }
  }
  return result;
}

describe.each([
  ['database-pods', {}],
  ['cluster-dns', { resolvers: 'cluster-dns' as const }],
])('resolvers %s', (resolvers, own) => {
  const plan = planDeployment(ownTopology(own), { engine: 'cdk8s' });
  const rendered = renderDeployment(plan);

  test('every object validates against its schema; identities are unique per cluster', () => {
    validateKubeObjects(rendered.flatMap(allObjects));
    for (const m of rendered) {
      const keys = allObjects(m).map((o) => `${o.apiVersion}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`);
      expect(new Set(keys).size).toBe(keys.length);
    }
  });

  test('the Corefile serves the own domain from the API (restricted), forwards each remote domain to its owner, and never its own', () => {
    for (const c of plan.clusters) {
      const b = blocks(ownCorefile(c));
      const remote = plan.clusters.filter((o) => o.name !== c.name);
      expect([...b.keys()].sort()).toEqual([c.serviceDomain, ...remote.map((o) => o.serviceDomain), ...(resolvers === 'database-pods' ? ['.'] : [])].sort());
      const local = b.get(c.serviceDomain)!;
      expect(local).toContain(`kubernetes ${c.clusterDomain} {`);
      expect(local).toContain(`namespaces ${c.namespace}`);
      expect(local).toContain('labels app.kubernetes.io/name=cockroachdb,app.kubernetes.io/instance=cockroachdb');
      expect(local.some((l) => l.startsWith('forward'))).toBe(false);
      for (const o of remote) {
        expect(b.get(o.serviceDomain)).toContain(`forward . ${(DNS_ADDRESSES as Record<string, string>)[o.name]}`);
        expect(b.get(o.serviceDomain)!.some((l) => l.startsWith('kubernetes'))).toBe(false);
      }
      if (resolvers === 'database-pods') expect(b.get('.')).toEqual(['errors', 'forward . /etc/resolv.conf', 'cache 30', 'loop']);
    }
  });

  test('kube-system: nothing with database-pods; with cluster-dns only the cluster DNS\'s forwarding, never a load balancer of it', () => {
    for (const m of rendered) {
      const kubeSystem = allObjects(m).filter((o) => o.metadata.namespace === 'kube-system');
      if (resolvers === 'database-pods') {
        expect(kubeSystem).toEqual([]);
      } else {
        expect(kubeSystem.map((o) => o.kind)).toEqual(['ConfigMap']);
        expect(kubeSystem.some((o) => o.metadata.name.startsWith('kube-dns-lb'))).toBe(false);
      }
    }
  });

  test('the database pods name the instance\'s fixed ClusterIP only with database-pods', () => {
    for (const [i, m] of rendered.entries()) {
      const spec = find(m.database, 'StatefulSet').spec.template.spec;
      const service = find(m.dnsServer, 'Service', 'cockroachdb-dns');
      expect(service.spec.clusterIP).toBe(plan.clusters[i].ownCoredns!.clusterIp);
      if (resolvers === 'database-pods') {
        expect(spec.dnsPolicy).toBe('None');
        expect(spec.dnsConfig).toEqual({
          nameservers: [service.spec.clusterIP],
          searches: [plan.clusters[i].serviceDomain, 'svc.cluster.local', 'cluster.local'],
          options: [{ name: 'ndots', value: '5' }],
        });
      } else {
        expect(spec.dnsPolicy).toBeUndefined();
        expect(spec.dnsConfig).toBeUndefined();
      }
    }
  });
});

describe('least privilege and hardening', () => {
  const plan = planDeployment(ownTopology(), { engine: 'cdk8s' });
  const m = renderDeployment(plan)[0];

  test('RBAC: list and watch of Services, Namespaces and EndpointSlices, bound to the instance\'s ServiceAccount only', () => {
    const role = find(m.dnsServer, 'ClusterRole');
    expect(role.rules).toEqual([
      { apiGroups: [''], resources: ['services', 'namespaces'], verbs: ['list', 'watch'] },
      { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['list', 'watch'] },
    ]);
    const binding = find(m.dnsServer, 'ClusterRoleBinding');
    expect(binding.roleRef.name).toBe(role.metadata.name);
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'cockroachdb-dns', namespace: 'us-east1' }]);
    expect(m.dnsServer.filter((o) => /Role/.test(o.kind))).toHaveLength(2);
  });

  test('the Deployment: non-root, no escalation, read-only root, only NET_BIND_SERVICE, fixed resources, token projected, not automounted', () => {
    const deployment = find(m.dnsServer, 'Deployment');
    const pod = deployment.spec.template.spec;
    const container = pod.containers[0];
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } });
    expect(container.securityContext).toMatchObject({
      allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, privileged: false, capabilities: { add: ['NET_BIND_SERVICE'], drop: ['ALL'] },
    });
    expect(container.resources.requests).toEqual(container.resources.limits);
    expect(container.image).toMatch(/@sha256:[0-9a-f]{64}$/);
    expect(pod.volumes.find((v: any) => v.name === 'api-token').projected.sources[0].serviceAccountToken.expirationSeconds).toBe(3600);
    expect(deployment.spec.replicas).toBe(2);
    expect(find(m.dnsServer, 'PodDisruptionBudget').spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: deployment.spec.selector.matchLabels } });
  });

  test('the NetworkPolicy admits DNS from the database pods and every cluster\'s CIDRs, probes from the nodes, nothing else', () => {
    const policy = find(m.dnsServer, 'NetworkPolicy');
    const [dnsRule, probes] = policy.spec.ingress;
    expect(dnsRule.ports).toEqual([{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }]);
    const cidrs = dnsRule.from.filter((f: any) => f.ipBlock).map((f: any) => f.ipBlock.cidr);
    expect(cidrs).toEqual(expect.arrayContaining(plan.clusters.flatMap((c) => [...c.podCidrs, ...c.nodeCidrs])));
    expect(dnsRule.from[0]).toEqual({ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'cockroachdb', 'app.kubernetes.io/instance': 'cockroachdb', 'app.kubernetes.io/component': 'database' } } });
    expect(probes).toEqual({ from: [{ ipBlock: { cidr: '10.128.0.0/20' } }], ports: [{ protocol: 'TCP', port: 8080 }, { protocol: 'TCP', port: 8181 }] });
    expect(renderDeployment(planDeployment(ownTopology({}, THREE_CLUSTERS, { networkPolicy: { enabled: false } })))[0].dnsServer.some((o) => o.kind === 'NetworkPolicy')).toBe(false);
  });
});

describe('the load balancer, as each cloud takes it', () => {
  test('GKE before mixed-protocol internal load balancers: a UDP and a TCP Service on one address; AWS: one NLB on its subnet IPs', () => {
    const m = renderDeployment(planDeployment(ownTopology()));
    const gke = m[0].dnsServer.filter((o) => o.kind === 'Service' && o.metadata.name.startsWith('cockroachdb-dns-lb')) as any[];
    expect(gke.map((s) => [s.metadata.name, s.spec.ports.map((p: any) => p.protocol), s.spec.loadBalancerIP])).toEqual([
      ['cockroachdb-dns-lb-udp', ['UDP'], '10.128.0.53'],
      ['cockroachdb-dns-lb-tcp', ['TCP'], '10.128.0.53'],
    ]);
    expect(gke[0].metadata.annotations).toMatchObject({ 'networking.gke.io/load-balancer-type': 'Internal', 'networking.gke.io/internal-load-balancer-allow-global-access': 'true' });
    const aws = find(m[2].dnsServer, 'Service', 'cockroachdb-dns-lb');
    expect(aws.metadata.annotations).toMatchObject({
      'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internal',
      'service.beta.kubernetes.io/aws-load-balancer-private-ipv4-addresses': '10.9.0.53',
    });
    expect(aws.spec.ports.map((p: any) => p.protocol)).toEqual(['UDP', 'TCP']);
    expect(aws.spec.loadBalancerSourceRanges).toEqual(['10.0.0.0/14', '10.128.0.0/20', '10.4.0.0/14', '10.138.0.0/20']);
  });

  test('a TCP-only cluster gets a TCP-only load balancer, and its peers force TCP', () => {
    const input = { ...ownTopology(), networking: Networking.dnsChain({ dnsAddresses: DNS_ADDRESSES, ownCoredns: {}, tcpOnlyClusters: ['eks-eu-west-1'] }) };
    const plan = planDeployment(input);
    const m = renderDeployment(plan);
    expect(find(m[2].dnsServer, 'Service', 'cockroachdb-dns-lb').spec.ports.map((p: any) => p.protocol)).toEqual(['TCP']);
    expect(ownCorefile(plan.clusters[0])).toContain('forward . 10.9.0.53 {\n        force_tcp\n    }');
  });

  test('no peer, no load balancer', () => {
    const one = renderDeployment(planDeployment({ ...ownTopology({}, [THREE_CLUSTERS[0]]), networking: Networking.dnsChain({ ownCoredns: {} }) }))[0];
    expect(one.dnsServer.some((o) => (o as any).spec?.type === 'LoadBalancer')).toBe(false);
    expect(find(one.dnsServer, 'Deployment')).toBeDefined();
  });
});

describe('what follows addresses, and what never does', () => {
  test('only the Corefiles and the load balancers follow the DNS addresses; no pod template, no RBAC', () => {
    const input = ownTopology({}, withNetworks(THREE_CLUSTERS.map((c) => ({ ...c, cloud: 'generic' as const, eks: undefined }))));
    const dependent = addressDependentObjects({ ...input, networking: Networking.dnsChain({ ownCoredns: {} }) }, 'pulumi');
    expect([...dependent].filter((k) => !/:v1\/(ConfigMap\/[^/]+\/cockroachdb-dns|Service\/[^/]+\/cockroachdb-dns-lb)$/.test(k))).toEqual([]);
    for (const c of THREE_CLUSTERS) {
      expect(dependent.has(`${c.name}:v1/ConfigMap/${c.namespace}/cockroachdb-dns`)).toBe(true);
      expect(dependent.has(`${c.name}:v1/Service/${c.namespace}/cockroachdb-dns-lb`)).toBe(true);
    }
  });

  test('the database pod template is the same for any node count, any addresses, any number of clusters', () => {
    const template = (input: TopologyInput) => JSON.stringify((renderDeployment(planDeployment(input))[0].database.find((o) => o.kind === 'StatefulSet') as any).spec.template);
    const before = template(ownTopology());
    expect(template(ownTopology({}, THREE_CLUSTERS.map((c, i) => (i === 0 ? { ...c, nodes: 7 } : c))))).toBe(before);
    const moved = { ...ownTopology(), networking: Networking.dnsChain({ dnsAddresses: { ...DNS_ADDRESSES, 'gke-us-west1': '10.138.0.99' }, ownCoredns: {} }) };
    expect(template(moved)).toBe(before);
    const two = THREE_CLUSTERS.slice(0, 2);
    expect(template({ ...ownTopology({}, two), networking: Networking.dnsChain({ dnsAddresses: { 'gke-us-east1': '10.128.0.53', 'gke-us-west1': '10.138.0.53' }, ownCoredns: {} }) })).toBe(before);
  });
});

test('the own CoreDNS is the only container of any strategy that adds a capability, and it adds NET_BIND_SERVICE only (.checkov.yaml relies on it)', () => {
  const inputs: TopologyInput[] = [
    ownTopology(), ownTopology({ resolvers: 'cluster-dns' }),
    { ...ownTopology(), networking: Networking.dnsChain({ dnsAddresses: DNS_ADDRESSES }) },
    { clusters: THREE_CLUSTERS.map((c) => ({ ...c, namespace: 'crdb' })), networking: Networking.clusterSet(), tls: Tls.certManager() },
    { ...ownTopology(), tls: Tls.insecure() },
  ];
  const added = new Set<string>();
  for (const input of inputs) {
    for (const object of renderDeployment(planDeployment(input)).flatMap(allObjects) as any[]) {
      const pod = object.spec?.template?.spec ?? object.spec?.jobTemplate?.spec?.template?.spec;
      for (const container of [...(pod?.containers ?? []), ...(pod?.initContainers ?? [])]) {
        const caps = container.securityContext?.capabilities;
        expect([object.metadata.name, container.name, caps?.drop]).toEqual([object.metadata.name, container.name, ['ALL']]);
        for (const cap of caps?.add ?? []) added.add(`${object.kind}/${object.metadata.name}/${container.name}:${cap}`);
      }
    }
  }
  expect([...added]).toEqual(['Deployment/cockroachdb-dns/coredns:NET_BIND_SERVICE']);
});
