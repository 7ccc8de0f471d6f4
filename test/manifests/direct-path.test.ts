// Networking.podIps and Networking.hostNetwork in the renderers: the pod template stays the same
// whatever the addresses and the other clusters; the join load balancer is what each cloud's
// controller accepts (the independent stand-in); every object passes its schema; and the scripts
// the pods run (per-pod certificate, renewer, start, decommission) run for real in sh and bash.
import * as fs from 'fs';
import * as path from 'path';
import { admitLoadBalancer, CloudFacts, ServiceObject } from '../support/cloud-load-balancer-rules';
import { validateKubeObjects } from '../support/kube-schema';
import { StubBin } from '../support/stub-cockroach';
import {
  allObjects, ClusterPlan, ClusterSpec, decommissionScript, DeploymentPlan, HostNetworkOptions, KubeObject, Networking, planDeployment,
  podCertificateFor, podCertificateRenewScript, podCertificateScript, PodIpsOptions, renderDeployment, Tls, TopologyInput,
} from 'crosscluster';

type Obj = Record<string, any>;

const EKS_SUBNETS = { 'eu-west-1a': { id: 'subnet-0a1b2c3d', cidr: '10.30.0.0/20' }, 'eu-west-1b': { id: 'subnet-0a1b2c3e', cidr: '10.30.16.0/20' } };
const GKE: ClusterSpec = { name: 'gke', cloud: 'gcp', region: 'us-east1', nodes: 3, podCidrs: ['10.12.0.0/14'], nodeCidrs: ['10.10.0.0/20'], gke: { version: '1.35.1-gke.1396000' } };
const EKS: ClusterSpec = { name: 'eks', cloud: 'aws', region: 'eu-west-1', nodes: 3, podCidrs: ['10.32.0.0/16'], nodeCidrs: ['10.30.0.0/16'], eks: { subnets: EKS_SUBNETS } };
const AKS: ClusterSpec = { name: 'aks', cloud: 'azure', region: 'westeurope', nodes: 3, podCidrs: ['10.244.0.0/16'], nodeCidrs: ['10.60.0.0/16'] };
const DC: ClusterSpec = { name: 'dc', cloud: 'generic', region: 'dc1', nodes: 3, podCidrs: ['10.80.0.0/16'], nodeCidrs: ['10.81.0.0/16'], generic: { privateLoadBalancers: true } };
const JOIN = { gke: '10.10.15.200', eks: ['10.30.15.200', '10.30.31.200'], aks: '10.60.15.200', dc: 'join.dc.example.internal' };

function podIps(clusters: ClusterSpec[] = [GKE, EKS, AKS, DC], options: PodIpsOptions = {}, extra: Partial<TopologyInput> = {}): TopologyInput {
  const joinAddresses = Object.fromEntries(Object.entries(JOIN).filter(([c]) => clusters.some((x) => x.name === c)));
  return { clusters, networking: Networking.podIps({ joinAddresses, ...options }), tls: Tls.certManager(), ...extra };
}

const NODES: HostNetworkOptions['nodes'] = {
  a: [{ name: 'a-1', address: '192.168.10.11' }, { name: 'a-2', address: '192.168.10.12' }, { name: 'a-3', address: 'a-3.dc.example' }],
  b: [{ name: 'b-1', address: '192.168.20.11' }, { name: 'b-2', address: '192.168.20.12' }],
};
const DC_A: ClusterSpec = { name: 'a', cloud: 'generic', region: 'east', nodes: 3, nodeCidrs: ['192.168.10.0/24'], podCidrs: ['10.100.0.0/16'], zones: ['east-1'] };
const DC_B: ClusterSpec = { name: 'b', cloud: 'generic', region: 'west', nodes: 2, nodeCidrs: ['192.168.20.0/24'], podCidrs: ['10.120.0.0/16'] };

function hostNetwork(clusters: ClusterSpec[] = [DC_A, DC_B], nodes = NODES, extra: Partial<TopologyInput> = {}): TopologyInput {
  return { clusters, networking: Networking.hostNetwork({ nodes }), tls: Tls.certManager(), ...extra };
}

function render(input: TopologyInput): { plan: DeploymentPlan; objects: Record<string, Obj[]> } {
  const plan = planDeployment(input, { engine: 'cdk8s' });
  return { plan, objects: Object.fromEntries(renderDeployment(plan).map((m) => [m.cluster, allObjects(m) as Obj[]])) };
}
const find = (objects: Obj[], kind: string, name?: string) =>
  objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
const one = (objects: Obj[], kind: string, name?: string) => {
  const found = find(objects, kind, name);
  expect(found).toHaveLength(1);
  return found[0];
};
const template = (objects: Obj[]) => JSON.stringify(one(objects, 'StatefulSet').spec.template);

describe('the pod template depends on neither addresses nor the other clusters (no rolling restart)', () => {
  test('Networking.podIps: scaling any cluster, adding a cluster or moving a join load balancer changes ConfigMap data only', () => {
    const base = render(podIps([GKE, EKS]));
    const variants = [
      podIps([GKE, { ...EKS, nodes: 7 }]),
      podIps([{ ...GKE, nodes: 5 }, EKS]),
      podIps([GKE, EKS, AKS]),
      { ...podIps([GKE, EKS]), networking: Networking.podIps({ joinAddresses: { gke: '10.10.15.201', eks: ['10.30.15.201', '10.30.31.201'] } }) },
    ];
    for (const input of variants) {
      const other = render(input);
      for (const cluster of ['gke', 'eks']) expect(template(other.objects[cluster])).toBe(template(base.objects[cluster]));
    }
    // What does change is data: the join list.
    const moved = render(variants[3]);
    expect(one(moved.objects.gke, 'ConfigMap', 'cockroachdb-topology').data).not.toEqual(one(base.objects.gke, 'ConfigMap', 'cockroachdb-topology').data);
  });

  test('Networking.hostNetwork: adding a node (and a pod), adding a cluster, readdressing a node change ConfigMap data only', () => {
    const base = render(hostNetwork());
    const DC_C: ClusterSpec = { name: 'c', cloud: 'generic', region: 'north', nodes: 1, nodeCidrs: ['192.168.30.0/24'], podCidrs: ['10.140.0.0/16'] };
    const variants = [
      hostNetwork([DC_A, { ...DC_B, nodes: 3 }], { ...NODES, b: [...NODES!.b, { name: 'b-3', address: '192.168.20.13' }] }),
      hostNetwork([DC_A, DC_B, DC_C], { ...NODES, c: [{ name: 'c-1', address: '192.168.30.11' }] }),
      hostNetwork(undefined, { ...NODES, a: [{ name: 'a-1', address: '192.168.10.21' }, ...NODES!.a.slice(1)] }),
    ];
    for (const input of variants) {
      const other = render(input);
      for (const cluster of ['a', 'b']) expect(template(other.objects[cluster])).toBe(template(base.objects[cluster]));
    }
  });
});

describe('Networking.podIps: objects', () => {
  const { plan, objects } = render(podIps());

  test('every object of every cluster passes the Kubernetes and cert-manager schemas (secure and insecure)', () => {
    validateKubeObjects(Object.values(objects).flat());
    validateKubeObjects(Object.values(render(podIps(undefined, {}, { tls: Tls.insecure() })).objects).flat());
  });

  test('one join load balancer per cluster, internal, on the RPC port, before readiness, behind the allow-list; no per-pod Service', () => {
    for (const c of plan.clusters) {
      const services = find(objects[c.name], 'Service').filter((s) => s.spec.type === 'LoadBalancer');
      expect(services.map((s) => s.metadata.name)).toEqual(['cockroachdb-join']);
      expect(services[0].spec).toMatchObject({
        selector: { 'app.kubernetes.io/name': 'cockroachdb', 'app.kubernetes.io/instance': 'cockroachdb', 'app.kubernetes.io/component': 'database' },
        publishNotReadyAddresses: true,
        ports: [{ name: 'grpc', port: 26257, targetPort: 'grpc', protocol: 'TCP' }],
        loadBalancerSourceRanges: ['10.12.0.0/14', '10.10.0.0/20', '10.32.0.0/16', '10.30.0.0/16', '10.244.0.0/16', '10.60.0.0/16', '10.80.0.0/16', '10.81.0.0/16'],
      });
    }
  });

  test.each<[string, CloudFacts, Obj]>([
    ['gke', { cloud: 'gcp', version: '1.35.1-gke.1396000', subsetting: false, subnetCidr: '10.10.0.0/20', existing: [] }, { ip: '10.10.15.200' }],
    ['eks', { cloud: 'aws', vpcCidrs: ['10.30.0.0/16'], subnets: Object.entries(EKS_SUBNETS).map(([zone, s]) => ({ zone, ...s })) }, { hostname: expect.stringContaining('.elb.amazonaws.com') }],
    ['aks', { cloud: 'azure', subnets: { nodes: '10.60.0.0/16' } }, { ip: '10.60.15.200' }],
  ])('the %s controller (independent stand-in) provisions the join load balancer, internal, at the reserved address(es)', (cluster, facts, ingress) => {
    const service = find(objects[cluster], 'Service', 'cockroachdb-join')[0] as unknown as ServiceObject;
    const pods = [0, 1, 2].map((i) => ({ name: `cockroachdb-${i}`, zone: cluster === 'eks' ? ['eu-west-1a', 'eu-west-1b', 'eu-west-1a'][i] : 'z', labels: service.spec.selector as Record<string, string> }));
    const verdict = admitLoadBalancer(facts, service, pods);
    expect(verdict).toMatchObject({ accepted: true, internal: true });
    expect(verdict.accepted && verdict.ingress[0]).toEqual(ingress);
  });

  test('the topology ConfigMap: the join list, the cluster\'s own join addresses split into IPs and names; no per-pod advertise key', () => {
    expect(one(objects.eks, 'ConfigMap', 'cockroachdb-topology').data).toEqual({
      'join': '10.10.15.200:26257,10.30.15.200:26257,10.30.31.200:26257,10.60.15.200:26257,join.dc.example.internal:26257',
      'locality': 'cloud=aws,region=eu-west-1',
      'join-lb-ips': '10.30.15.200,10.30.31.200',
      'join-lb-names': '',
    });
    expect(one(objects.dc, 'ConfigMap', 'cockroachdb-topology').data).toMatchObject({ 'join-lb-ips': '', 'join-lb-names': 'join.dc.example.internal' });
  });

  test('per-pod certificates: no cluster node Certificate; a Role that may apply Certificates and read exactly the pods\' Secrets, never the CA', () => {
    const certificates = find(objects.gke, 'Certificate').map((c) => c.metadata.name);
    expect(certificates).toEqual(['cockroachdb-client-root']);
    expect(find(objects.gke, 'Issuer')).toHaveLength(1);
    const role = one(objects.gke, 'Role', 'cockroachdb-pod-certificates');
    expect(role.rules).toEqual([
      { apiGroups: ['cert-manager.io'], resources: ['certificates'], verbs: ['create'] },
      { apiGroups: ['cert-manager.io'], resources: ['certificates'], verbs: ['get', 'patch'], resourceNames: ['cockroachdb-0-node', 'cockroachdb-1-node', 'cockroachdb-2-node'] },
      { apiGroups: [''], resources: ['secrets'], verbs: ['get'], resourceNames: ['cockroachdb-0-node', 'cockroachdb-1-node', 'cockroachdb-2-node'] },
    ]);
    expect(JSON.stringify(role)).not.toContain('cockroachdb-ca');
    expect(one(objects.gke, 'RoleBinding', 'cockroachdb-pod-certificates').subjects).toEqual([{ kind: 'ServiceAccount', name: 'cockroachdb', namespace: 'gke' }]);
  });

  test('the database container: advertise from status.podIP; its key pair in a memory volume the certificate containers fill; no token', () => {
    const pod = one(objects.gke, 'StatefulSet').spec.template.spec;
    const db = pod.containers[0];
    expect(db.env).toContainEqual({ name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } });
    expect(db.command[2]).toContain('advertise="$POD_IP"');
    expect(db.volumeMounts).toContainEqual({ name: 'node-cert', mountPath: '/cockroach/cockroach-certs', readOnly: true });
    expect(db.volumeMounts.map((m: Obj) => m.name)).not.toContain('node-reader-token');
    expect(pod.volumes).toContainEqual({ name: 'node-cert', emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } });
    // The node certificate is never mounted from a Secret; the client certificate and CA are.
    const certs = pod.volumes.find((v: Obj) => v.name === 'certs');
    expect(JSON.stringify(certs)).not.toContain('cockroachdb-node');
    expect(pod.initContainers.map((c: Obj) => c.name)).toEqual(['locality', 'node-certificate']);
    expect(pod.containers.map((c: Obj) => c.name)).toEqual(['cockroachdb', 'node-certificate-renewer']);
    expect(pod.automountServiceAccountToken).toBe(false);
    // Insecure: no certificate machinery at all.
    const insecure = one(render(podIps(undefined, {}, { tls: Tls.insecure() })).objects.gke, 'StatefulSet').spec.template.spec;
    expect(insecure.initContainers.map((c: Obj) => c.name)).toEqual(['locality']);
    expect(insecure.containers.map((c: Obj) => c.name)).toEqual(['cockroachdb']);
  });
});

describe('Networking.hostNetwork: objects', () => {
  const { objects } = render(hostNetwork());

  test('every object passes its schema', () => {
    validateKubeObjects(Object.values(objects).flat());
  });

  test('on the node\'s network, one pod per labelled node (required anti-affinity), host ports declared, zone pinning kept', () => {
    const pod = one(objects.a, 'StatefulSet').spec.template.spec;
    expect(pod.hostNetwork).toBe(true);
    expect(pod.dnsPolicy).toBe('ClusterFirstWithHostNet');
    expect(pod.affinity.podAntiAffinity).toEqual({
      requiredDuringSchedulingIgnoredDuringExecution: [{
        topologyKey: 'kubernetes.io/hostname',
        labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'cockroachdb', 'app.kubernetes.io/instance': 'cockroachdb', 'app.kubernetes.io/component': 'database' } },
      }],
    });
    expect(pod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([{
      matchExpressions: [
        { key: 'topology.kubernetes.io/zone', operator: 'In', values: ['east-1'] },
        { key: 'crosscluster.io/database', operator: 'In', values: ['a'] },
      ],
    }]);
    expect(pod.topologySpreadConstraints).toBeUndefined();
    expect(pod.containers[0].ports).toEqual([
      { name: 'grpc', containerPort: 26257, hostPort: 26257, protocol: 'TCP' },
      { name: 'http', containerPort: 8080, hostPort: 8080, protocol: 'TCP' },
    ]);
  });

  test('no load balancer; the node certificate covers every listed node; the ConfigMap maps nodes to addresses', () => {
    for (const cluster of ['a', 'b']) expect(find(objects[cluster], 'Service').filter((s) => s.spec.type === 'LoadBalancer')).toEqual([]);
    const node = one(objects.a, 'Certificate', 'cockroachdb-node');
    expect(node.spec.ipAddresses).toEqual(['127.0.0.1', '::1', '192.168.10.11', '192.168.10.12']);
    expect(node.spec.dnsNames).toContain('a-3.dc.example');
    expect(one(objects.a, 'ConfigMap', 'cockroachdb-topology').data).toEqual({
      'join': '192.168.10.11:26257,192.168.10.12:26257,a-3.dc.example:26257,192.168.20.11:26257,192.168.20.12:26257',
      'locality': 'cloud=generic,region=east',
      'node-address.a-1': '192.168.10.11',
      'node-address.a-2': '192.168.10.12',
      'node-address.a-3': 'a-3.dc.example',
    });
  });

  test('separate SQL and RPC listeners: three host ports', () => {
    const pod = one(render(hostNetwork(undefined, undefined, { separateSqlPort: true })).objects.a, 'StatefulSet').spec.template.spec;
    expect(pod.containers[0].ports.map((p: Obj) => p.hostPort)).toEqual([26258, 26257, 8080]);
  });
});

describe('the scripts, run for real', () => {
  let stubs: StubBin;
  let root: string;
  beforeEach(() => {
    stubs = new StubBin();
    root = path.join(stubs.dir, 'root');
  });
  afterEach(() => stubs.remove());

  /** A container script with its mount paths under `root` (as the kubelet would mount them). */
  function mounted(script: string, container: Obj): string {
    let text = script;
    // Longest first, so /a/b maps before /a; /tmp stays (the stubs' own directory is under it).
    for (const m of [...container.volumeMounts].filter((x: Obj) => x.mountPath !== '/tmp').sort((x: Obj, y: Obj) => y.mountPath.length - x.mountPath.length)) {
      const dir = path.join(root, m.name);
      fs.mkdirSync(dir, { recursive: true });
      text = text.split(m.mountPath).join(dir);
    }
    return text;
  }

  /** Runs a container's `sh -c` script with sh (dash here, as busybox sh in the curl image: POSIX only). */
  function runSh(script: string, env: Record<string, string>) {
    const file = path.join(stubs.dir, `script-${Math.random().toString(36).slice(2)}.sh`);
    fs.writeFileSync(file, script);
    return stubs.run(`exec sh ${file}`, 30_000, env);
  }

  /** A cert-manager stand-in behind `curl`: records the applied body; answers the Certificate (Ready at a generation) and the Secret. */
  function apiStub(): void {
    stubs.stub('curl', [
      'respond() {',
      '  local url="" body="" prev=""',
      '  for a in "$@"; do [ "$prev" = --data-binary ] && body="$a"; case "$a" in https://*) url="$a" ;; esac; prev="$a"; done',
      '  case "$url" in',
      '    *certificates/*fieldManager=*) printf \'%s\' "$body" > "$STATE/applied.json"; n=$(( $(cat "$STATE/generation" 2>/dev/null || echo 0) + 1 )); echo $n > "$STATE/generation"',
      '      printf \'{"metadata":{"name":"x","generation": %s},"spec":{}}\' "$n" ;;',
      '    *certificates/*) polls=$(( $(cat "$STATE/polls" 2>/dev/null || echo 0) + 1 )); echo $polls > "$STATE/polls"',
      // Ready for the previous generation first (a renewal in progress), then for the current one.
      '      seen=$(cat "$STATE/generation"); [ "$polls" -lt 3 ] && seen=$((seen - 1))',
      '      printf \'{"status":{"conditions":[{"lastTransitionTime":"t","message":"Certificate is up to date","observedGeneration":%s,"reason":"Ready","status":"True","type":"Ready"}]}}\' "$seen" ;;',
      '    *secrets/*) cat "$STATE/secret.json" ;;',
      '    *) echo "unexpected $url" >&2; return 22 ;;',
      '  esac',
      '}',
    ].join('\n'));
    // Instant waits (the scripts' `sleep` is only ever a poll interval).
    stubs.stub('sleep', 'respond() { n=$(( $(cat "$STATE/sleeps" 2>/dev/null || echo 0) + 1 )); echo $n > "$STATE/sleeps"; [ -z "${STOP_AFTER:-}" ] || [ "$n" -lt "$STOP_AFTER" ] || kill -TERM "$PPID"; }');
  }
  const secretJson = (crt: string, key: string, version: number) => JSON.stringify({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'x', resourceVersion: String(version), managedFields: [{ fieldsV1: { 'f:data': { 'f:tls.crt': {} } } }] },
    data: { 'ca.crt': Buffer.from('CA').toString('base64'), 'tls.crt': Buffer.from(crt).toString('base64'), 'tls.key': Buffer.from(key).toString('base64') },
  }, null, 2);

  function setUpPod(cluster: ClusterPlan, container: Obj): void {
    const dir = (name: string) => path.join(root, name);
    for (const m of container.volumeMounts) fs.mkdirSync(dir(m.name), { recursive: true });
    for (const f of ['ca.crt', 'client.root.crt', 'client.root.key']) fs.writeFileSync(path.join(dir('certs'), f), `${f} v1`);
    fs.writeFileSync(path.join(dir('node-reader-token'), 'token'), 'token');
    fs.writeFileSync(path.join(dir('node-reader-token'), 'ca.crt'), 'api ca');
    const join = cluster.joinLoadBalancer!.addresses;
    fs.writeFileSync(path.join(dir('topology'), 'join-lb-ips'), join.filter((a) => /^[0-9.]+$|:/.test(a)).join(','));
    fs.writeFileSync(path.join(dir('topology'), 'join-lb-names'), join.filter((a) => !/^[0-9.]+$|:/.test(a)).join(','));
  }

  test.each([
    ['eks', ['10.32.4.7'], { ips: ['10.30.15.200', '10.30.31.200'], names: [] }],
    ['dc', ['10.80.1.9', 'fd00:80::9'], { ips: [], names: ['join.dc.example.internal'] }],
  ])('per-pod certificate (%s): applies exactly the Certificate of the pod, waits for its generation, writes the key pair (0600) and the CA', (name, ips, join) => {
    const { plan, objects } = render(podIps());
    const cluster = plan.clusters.find((c) => c.name === name)!;
    const container = one(objects[name], 'StatefulSet').spec.template.spec.initContainers.find((c: Obj) => c.name === 'node-certificate');
    setUpPod(cluster, container);
    apiStub();
    fs.writeFileSync(path.join(stubs.dir, 'secret.json'), secretJson('-----BEGIN CERTIFICATE-----\nPOD\n', 'KEY', 7));
    const env = { POD_NAME: 'cockroachdb-1', POD_NAMESPACE: name, POD_UID: 'b1d9-uid', POD_IPS: ips.join(',') };
    const r = runSh(mounted(podCertificateScript(plan, cluster), container), env);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const applied = JSON.parse(fs.readFileSync(path.join(stubs.dir, 'applied.json'), 'utf8'));
    expect(applied).toEqual(JSON.parse(JSON.stringify(podCertificateFor(plan, cluster, { name: 'cockroachdb-1', uid: 'b1d9-uid', ips }, join))));
    expect(applied.spec.ipAddresses).toEqual([...ips, '127.0.0.1', '::1', ...join.ips]);
    expect(applied.spec.dnsNames).toEqual(expect.arrayContaining([`cockroachdb-1.cockroachdb.${name}.svc.cluster.local`, ...join.names]));
    // It waited past the Ready condition of the previous generation.
    expect(Number(fs.readFileSync(path.join(stubs.dir, 'polls'), 'utf8'))).toBe(3);
    const certs = path.join(root, 'node-cert');
    expect(fs.readFileSync(path.join(certs, 'node.crt'), 'utf8')).toBe('-----BEGIN CERTIFICATE-----\nPOD\n');
    expect(fs.readFileSync(path.join(certs, 'node.key'), 'utf8')).toBe('KEY');
    expect(fs.readFileSync(path.join(certs, 'ca.crt'), 'utf8')).toBe('ca.crt v1');
    expect(fs.statSync(path.join(certs, 'node.key')).mode % 0o1000).toBe(0o600);
    expect(fs.readdirSync(certs).sort()).toEqual(['ca.crt', 'client.root.crt', 'client.root.key', 'node.crt', 'node.key']);
    // The token is the pod's own, sent to the API server only.
    expect(stubs.calls('curl').every((c) => c.includes('Authorization: Bearer token') && c.includes('https://kubernetes.default.svc/'))).toBe(true);
  });

  test('per-pod certificate: bounded, and says why when cert-manager does not issue; no pod IP, no request', () => {
    const { plan, objects } = render(podIps());
    const cluster = plan.clusters[0];
    const container = one(objects.gke, 'StatefulSet').spec.template.spec.initContainers.find((c: Obj) => c.name === 'node-certificate');
    setUpPod(cluster, container);
    stubs.stub('curl', 'respond() { case "$*" in *fieldManager*) echo \'{"metadata":{"generation": 1}}\' ;; *) echo \'{"status":{"conditions":[{"message":"Issuing certificate as Secret does not exist","observedGeneration":1,"reason":"DoesNotExist","status":"False","type":"Ready"}]}}\' ;; esac; }');
    stubs.stub('sleep', 'respond() { :; }');
    const script = mounted(podCertificateScript(plan, cluster), container);
    const r = runSh(script, { POD_NAME: 'cockroachdb-0', POD_NAMESPACE: 'gke', POD_UID: 'u', POD_IPS: '10.12.0.5' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('cert-manager did not issue Certificate cockroachdb-0-node: Issuing certificate as Secret does not exist');
    expect(stubs.calls('sleep')).toHaveLength(89);
    const none = runSh(script, { POD_NAME: 'cockroachdb-0', POD_NAMESPACE: 'gke', POD_UID: 'u', POD_IPS: '' });
    expect(none.status).toBe(1);
    expect(none.stderr).toContain('the pod has no IP yet');
  });

  test('the renewer rewrites the files when cert-manager renews the Secret or the CA changes, and re-applies the Certificate now and then', () => {
    const { plan, objects } = render(podIps());
    const cluster = plan.clusters[1];
    const container = one(objects.eks, 'StatefulSet').spec.template.spec.containers.find((c: Obj) => c.name === 'node-certificate-renewer');
    setUpPod(cluster, container);
    apiStub();
    // Each read of the Secret is a new version after the third: the handler below swaps it.
    fs.writeFileSync(path.join(stubs.dir, 'secret.json'), secretJson('CERT 1', 'KEY 1', 1));
    const script = mounted(podCertificateRenewScript(plan, cluster), container)
      .replace('current="$(kube "$secret")" || continue', `current="$(kube "$secret")" || continue; [ "$round" = 3 ] && cat ${JSON.stringify(path.join(stubs.dir, 'secret2.json'))} > ${JSON.stringify(path.join(stubs.dir, 'secret.json'))}`);
    fs.writeFileSync(path.join(stubs.dir, 'secret2.json'), secretJson('CERT 2', 'KEY 2', 2));
    const r = runSh(script, { POD_NAME: 'cockroachdb-2', POD_NAMESPACE: 'eks', POD_UID: 'u', POD_IPS: '10.32.0.8', STOP_AFTER: '12' });
    expect(r.stderr).toBe('');
    expect(fs.readFileSync(path.join(root, 'node-cert', 'node.crt'), 'utf8')).toBe('CERT 2');
    expect(fs.readFileSync(path.join(root, 'node-cert', 'node.key'), 'utf8')).toBe('KEY 2');
    expect(r.stdout).toContain('certificate files of cockroachdb-2 rewritten');
    // Round 10 re-applied the Certificate (server-side apply: idempotent).
    expect(stubs.calls('curl').filter((c) => c.includes('fieldManager=crosscluster-pod-certificate'))).toHaveLength(1);
  });

  function startScriptRun(objects: Obj[], env: Record<string, string>, topology: Record<string, string>) {
    const container = one(objects, 'StatefulSet').spec.template.spec.containers[0];
    for (const m of container.volumeMounts) fs.mkdirSync(path.join(root, m.name), { recursive: true });
    for (const [k, v] of Object.entries({ join: 'x:26257', locality: 'cloud=generic,region=east', ...topology })) fs.writeFileSync(path.join(root, 'topology', k), v);
    stubs.stub('cockroach', 'respond() { echo "cockroach $*"; }');
    return stubs.run(mounted(container.command[2], container).replace(/^reload_certs "\$\$" &$/m, ''), 30_000, { MEMORY_LIMIT_MIB: '4096', ...env });
  }

  test('start script, pod IPs: advertises the pod IP from the downward API, refuses to start without it', () => {
    const { objects } = render(podIps());
    const r = startScriptRun(objects.gke, { POD_IP: '10.12.3.4' }, {});
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('--advertise-host=10.12.3.4 ');
    expect(r.stdout).toContain('--join=x:26257 ');
    const none = startScriptRun(objects.gke, {}, {});
    expect(none.status).toBe(1);
    expect(none.stderr).toContain('no pod IP in the downward API');
  });

  test('start script, host network: advertises the node\'s listed address; refuses an unlisted node and a node whose IP changed', () => {
    const { objects } = render(hostNetwork());
    const topology = { 'node-address.a-1': '192.168.10.11', 'node-address.a-3': 'a-3.dc.example' };
    const ok = startScriptRun(objects.a, { NODE_NAME: 'a-1', HOST_IP: '192.168.10.11' }, topology);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('--advertise-host=192.168.10.11 ');
    const named = startScriptRun(objects.a, { NODE_NAME: 'a-3', HOST_IP: '192.168.10.77' }, topology);
    expect(named.stdout).toContain('--advertise-host=a-3.dc.example ');
    const moved = startScriptRun(objects.a, { NODE_NAME: 'a-1', HOST_IP: '192.168.10.99' }, topology);
    expect(moved.status).toBe(1);
    expect(moved.stderr).toContain('node a-1 has IP 192.168.10.99, but networking.nodes lists 192.168.10.11 for it (was the VM recreated?)');
    const stranger = startScriptRun(objects.a, { NODE_NAME: 'a-9', HOST_IP: '192.168.10.9' }, topology);
    expect(stranger.status).toBe(1);
    expect(stranger.stderr).toContain('node a-9 carries the database placement label but is not one of the listed nodes');
  });

  test('decommission: direct-path pods are found by resolving their names (and a listed node name that resolves to the same IP)', () => {
    const topology = path.join(stubs.dir, 'topology');
    fs.mkdirSync(topology);
    fs.writeFileSync(path.join(topology, 'node-address.b-2'), 'b-2.dc.example');
    fs.writeFileSync(path.join(topology, 'node-address.b-1'), '192.168.20.11');
    stubs.stub('getent', 'respond() { case "$2" in cockroachdb-1.cockroachdb.b.svc.cluster.local|b-2.dc.example) echo "192.168.20.12   $2" ;; esac; }');
    const rows = [['id', 'address', 'membership'], ['1', '192.168.20.11:26257', 'active'], ['2', 'b-2.dc.example:26257', 'active']];
    stubs.stub('cockroach', [
      'respond() {',
      '  case "$1 $2" in',
      `    "node status") printf '%b\\n' ${rows.map((r) => `'${r.join('\\t')}'`).join(' ')} ;;`,
      // Stop right after the targets are found: the rest of the script is tested with the other strategies.
      '    "node decommission") return 1 ;;',
      '  esac',
      '}',
    ].join('\n'));
    const script = decommissionScript({ sqlHost: 'db:26257', rpcHost: 'db:26257', secure: false }, {
      pods: ['cockroachdb-1'],
      fqdns: ['cockroachdb-1.cockroachdb.b.svc.cluster.local'],
      topologyDir: topology,
      rpcPort: 26257,
      fromOrdinal: 1,
      resultFile: path.join(stubs.dir, 'result'),
    }).replace(/^poll_seconds=\d+$/m, 'poll_seconds=0');
    const r = stubs.run(script, 30_000);
    expect(r.stdout).toContain('decommissioning node(s) 2 at 192.168.20.12:26257 b-2.dc.example:26257');
    const unresolved = stubs.run(script.replace('cockroachdb-1.cockroachdb.b.svc.cluster.local', 'gone.invalid'), 30_000);
    expect(unresolved.status).toBe(1);
    expect(unresolved.stderr).toContain('cannot resolve gone.invalid');
  });
});

test('the per-pod Certificate marks the markers it expands: nothing is left unexpanded for any pod', () => {
  const { plan } = render(podIps());
  const object = podCertificateFor(plan, plan.clusters[0], { name: 'cockroachdb-0', uid: 'u', ips: ['10.12.0.1'] }, { ips: ['10.10.15.200'], names: [] });
  expect(JSON.stringify(object)).not.toMatch(/@[A-Z_]+@/);
  validateKubeObjects([object as KubeObject]);
});
