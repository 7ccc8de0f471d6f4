// N simulated Kubernetes clusters on loopback: one etcd, and per cluster a real kube-apiserver,
// kube-controller-manager (StatefulSet, Job, garbage-collector, endpoint, PV-binder controllers) and
// kube-scheduler, plus kwok, which fakes the kubelets: node heartbeats, pod status, volumes.
// Every server listens on its own 127.<run>.0.x address (chosen from the process id, so two runs on
// one machine do not collide); every wait is bounded; `stop()` stops every process, also on failure.
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { KubeClient, KubeEndpoint } from './kube-client';
import { writeKwokConfig } from './kwok-stages';
import { DnsFlavour, installManagedDns } from './managed-dns';
import { tool } from './tools';
import { loopbackBase, ManagedProcess, ProcessGroup, removeDir, run, runOk, sleep, tempDir, waitFor } from '../../e2e/support/processes';

/** One simulated cluster to start. */
export interface SimulatedClusterSpec {
  /** The cluster name (as in the topology). */
  readonly name: string;
  /** The region label of its nodes (`topology.kubernetes.io/region`). */
  readonly region: string;
  /** The zones; `nodesPerZone` fake nodes are created in each. */
  readonly zones: readonly string[];
  /** @default 2 */
  readonly nodesPerZone?: number;
  /** The service CIDR of the API server (`--service-cluster-ip-range`). */
  readonly serviceCidr: string;
  /** The CIDR kwok gives pod IPs from. @default '10.244.0.0/16' */
  readonly podCidr?: string;
  /** The managed DNS as the cloud ships it (objects and field managers). @default 'kubeadm' */
  readonly dns?: DnsFlavour;
}

/** A started cluster. */
export interface SimulatedCluster {
  readonly spec: SimulatedClusterSpec;
  readonly name: string;
  /** The API server's loopback address. */
  readonly ip: string;
  readonly endpoint: KubeEndpoint;
  /** A kubeconfig file for kubectl, and its content (for a Pulumi provider). */
  readonly kubeconfigPath: string;
  readonly kubeconfig: string;
  readonly client: KubeClient;
  /** The names of the fake nodes, by zone. */
  readonly nodesByZone: Readonly<Record<string, readonly string[]>>;
}

const ADMIN_TOKEN_PREFIX = 'crosscluster-admin-';
const APISERVER_PORT = 6443;

/** Options of {@link SimulatedClusters.start}. */
export interface StartOptions {
  /** Separates concurrent suites of one run (each gets its own loopback /16). @default 0 */
  readonly suite?: number;
}

/** The running clusters of one suite. */
export class SimulatedClusters {
  /** Starts every cluster; on any failure stops what was started and rethrows. */
  public static async start(specs: readonly SimulatedClusterSpec[], options: StartOptions = {}): Promise<SimulatedClusters> {
    const instance = new SimulatedClusters(loopbackBase(40 + (options.suite ?? 0)));
    try {
      await instance.boot(specs);
      return instance;
    } catch (error) {
      const logs = specs.map((s) => instance.logs(s.name)).join('\n');
      await instance.stop();
      throw new Error(`${(error as Error).message}\n${logs}`);
    }
  }

  public readonly dir = tempDir('cluster');
  /** Every process of the suite; `stop()` stops them all (also ones added later, such as cert-manager). */
  public readonly processes = new ProcessGroup();
  private readonly started: SimulatedCluster[] = [];
  private readonly perCluster = new Map<string, ManagedProcess[]>();

  private constructor(private readonly octet: number) {}

  /** The clusters in the order given. */
  public get clusters(): readonly SimulatedCluster[] {
    return this.started;
  }

  /** One cluster by name. */
  public cluster(name: string): SimulatedCluster {
    const found = this.started.find((c) => c.name === name);
    if (!found) throw new Error(`no simulated cluster '${name}' (have ${this.started.map((c) => c.name).join(', ')})`);
    return found;
  }

  /** The output of every process that exited (for failure messages). */
  public deaths(): string[] {
    return this.processes.deaths();
  }

  /** The recent output of one cluster's processes (for failure messages). */
  public logs(name: string): string {
    return (this.perCluster.get(name) ?? []).map((p) => `--- ${p.name}\n${p.output.slice(-4000)}`).join('\n');
  }

  /** Stops every process and removes the state directory. */
  public async stop(): Promise<void> {
    for (const cluster of this.started) cluster.client.close();
    await this.processes.stopAll();
    removeDir(this.dir);
  }

  private ip(host: number): string {
    return `127.${this.octet}.0.${host}`;
  }

  private async boot(specs: readonly SimulatedClusterSpec[]): Promise<void> {
    const pki = path.join(this.dir, 'pki');
    fs.mkdirSync(pki);
    await generateCa(pki);
    const etcdUrl = await this.startEtcd();
    const prepared = await Promise.all(specs.map(async (spec, i) => {
      const ip = this.ip(10 + i);
      const dir = path.join(this.dir, spec.name);
      fs.mkdirSync(dir);
      await generateServingCert(pki, dir, ip);
      const token = `${ADMIN_TOKEN_PREFIX}${spec.name}`;
      fs.writeFileSync(path.join(dir, 'tokens.csv'), `${token},admin,admin,"system:masters"\n`, { mode: 0o600 });
      const apiserver = this.startApiServer(spec, dir, ip, etcdUrl);
      return { spec, ip, dir, token, apiserver };
    }));
    const ca = fs.readFileSync(path.join(pki, 'ca.crt'), 'utf8');
    for (const { spec, ip, dir, token, apiserver } of prepared) {
      const endpoint: KubeEndpoint = { server: `https://${ip}:${APISERVER_PORT}`, token, ca };
      const client = new KubeClient(endpoint);
      await waitFor(`kube-apiserver of ${spec.name}`, async () => (await client.request('GET', '/readyz')) === 'ok', {
        timeoutMs: 90_000, process: apiserver,
      });
      const kubeconfig = kubeconfigFor(spec.name, endpoint);
      const kubeconfigPath = path.join(dir, 'kubeconfig');
      fs.writeFileSync(kubeconfigPath, kubeconfig, { mode: 0o600 });
      const controllers = [
        this.processes.start(`${spec.name}/kube-controller-manager`, tool('kube-controller-manager'), [
          `--kubeconfig=${kubeconfigPath}`,
          '--leader-elect=false',
          '--bind-address=127.0.0.1',
          '--secure-port=0',
          `--service-account-private-key-file=${path.join(dir, 'sa.key')}`,
          `--root-ca-file=${path.join(pki, 'ca.crt')}`,
          `--service-cluster-ip-range=${spec.serviceCidr}`,
          // The node-lifecycle controller stays: it lifts the not-ready taint new nodes get at admission
          // (kwok's heartbeats keep the fake nodes Ready well inside the grace period).
          '--controllers=*,-nodeipam',
          '--node-monitor-grace-period=120s',
          '--concurrent-statefulset-syncs=5',
          '-v=0',
        ]),
        this.processes.start(`${spec.name}/kube-scheduler`, tool('kube-scheduler'), [
          `--kubeconfig=${kubeconfigPath}`,
          `--authentication-kubeconfig=${kubeconfigPath}`,
          `--authorization-kubeconfig=${kubeconfigPath}`,
          '--leader-elect=false',
          '--bind-address=127.0.0.1',
          '--secure-port=0',
          '-v=0',
        ]),
        this.processes.start(`${spec.name}/kwok`, tool('kwok'), [
          `--kubeconfig=${kubeconfigPath}`,
          `--config=${writeKwokConfig(dir, spec.podCidr ?? '10.244.0.0/16')}`,
          '--manage-all-nodes=true',
          '--server-address=',
          '-v=WARN',
        ]),
      ];
      this.perCluster.set(spec.name, [apiserver, ...controllers]);
      this.started.push({ spec, name: spec.name, ip, endpoint, kubeconfigPath, kubeconfig, client, nodesByZone: {} });
    }
    await Promise.all(this.started.map((cluster, i) => this.populate(cluster, i)));
  }

  private async startEtcd(): Promise<string> {
    const ip = this.ip(1);
    const client = `http://${ip}:2379`;
    const etcd = this.processes.start('etcd', tool('etcd'), [
      '--name=default',
      `--data-dir=${path.join(this.dir, 'etcd')}`,
      `--listen-client-urls=${client}`,
      `--advertise-client-urls=${client}`,
      `--listen-peer-urls=http://${ip}:2380`,
      `--initial-advertise-peer-urls=http://${ip}:2380`,
      `--initial-cluster=default=http://${ip}:2380`,
      `--listen-metrics-urls=http://${ip}:2381`,
      '--unsafe-no-fsync',
      '--log-level=warn',
    ]);
    await waitFor('etcd', async () => (await run('curl', ['-sf', `${client}/health`], { timeoutMs: 2_000 })).code === 0, {
      timeoutMs: 30_000, process: etcd,
    });
    return client;
  }

  private startApiServer(spec: SimulatedClusterSpec, dir: string, ip: string, etcdUrl: string): ManagedProcess {
    return this.processes.start(`${spec.name}/kube-apiserver`, tool('kube-apiserver'), [
      `--etcd-servers=${etcdUrl}`,
      `--etcd-prefix=/registry-${spec.name}`,
      `--bind-address=${ip}`,
      `--advertise-address=${ip}`,
      `--secure-port=${APISERVER_PORT}`,
      `--tls-cert-file=${path.join(dir, 'serving.crt')}`,
      `--tls-private-key-file=${path.join(dir, 'serving.key')}`,
      `--client-ca-file=${path.join(this.dir, 'pki', 'ca.crt')}`,
      `--service-account-key-file=${path.join(dir, 'sa.key')}`,
      `--service-account-signing-key-file=${path.join(dir, 'sa.key')}`,
      '--service-account-issuer=https://kubernetes.default.svc',
      '--api-audiences=https://kubernetes.default.svc',
      `--token-auth-file=${path.join(dir, 'tokens.csv')}`,
      '--authorization-mode=RBAC',
      `--service-cluster-ip-range=${spec.serviceCidr}`,
      '--enable-priority-and-fairness=false',
      // v1.37 refuses a loopback advertise address for the `kubernetes` Endpoints otherwise.
      '--endpoint-reconciler-type=none',
      '--allow-privileged=false',
      '--profiling=false',
      '-v=0',
    ]);
  }

  /** Fake nodes in every zone, the default StorageClass kwok provisions, and the managed DNS. */
  private async populate(cluster: SimulatedCluster, index: number): Promise<void> {
    const { spec, client } = cluster;
    const perZone = spec.nodesPerZone ?? 2;
    const nodesByZone: Record<string, string[]> = {};
    let host = 0;
    for (const zone of spec.zones) {
      nodesByZone[zone] = [];
      for (let n = 0; n < perZone; n++) {
        const name = `${spec.name}-${zone}-${n}`.slice(0, 63).replace(/-+$/, '');
        host += 1;
        await client.create('/api/v1/nodes', {
          apiVersion: 'v1',
          kind: 'Node',
          metadata: {
            name,
            annotations: { 'kwok.x-k8s.io/node': 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
            labels: {
              'kubernetes.io/hostname': name,
              'kubernetes.io/os': 'linux',
              'kubernetes.io/arch': 'amd64',
              'topology.kubernetes.io/region': spec.region,
              'topology.kubernetes.io/zone': zone,
              'type': 'kwok',
            },
          },
          spec: {},
        });
        await client.mergePatch(`/api/v1/nodes/${name}/status`, {
          status: {
            addresses: [{ type: 'InternalIP', address: `192.168.${index}.${host}` }, { type: 'Hostname', address: name }],
            allocatable: { 'cpu': '32', 'memory': '128Gi', 'pods': '110', 'ephemeral-storage': '500Gi' },
            capacity: { 'cpu': '32', 'memory': '128Gi', 'pods': '110', 'ephemeral-storage': '500Gi' },
          },
        });
        nodesByZone[zone].push(name);
      }
    }
    Object.assign(cluster.nodesByZone as object, nodesByZone);
    await client.create('/apis/storage.k8s.io/v1/storageclasses', {
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name: 'standard', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
      provisioner: 'kwok.x-k8s.io/volume',
      reclaimPolicy: 'Delete',
      volumeBindingMode: 'Immediate',
    });
    await this.waitFor(`nodes of ${spec.name} Ready`, async () => {
      const nodes = await client.list('/api/v1/nodes');
      return nodes.length === host && nodes.every((n) => n.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True'));
    }, 60_000);
    await this.waitFor(`the default ServiceAccount and kube-root-ca.crt of ${spec.name}`, async () =>
      Boolean(await client.find('/api/v1/namespaces/default/serviceaccounts/default')) &&
      Boolean(await client.find('/api/v1/namespaces/kube-system/configmaps/kube-root-ca.crt')), 60_000);
    await installManagedDns(cluster, spec.dns ?? 'kubeadm');
  }

  /** `kubectl` against one cluster (bounded; never throws on a non-zero exit). */
  public kubectl(name: string, args: readonly string[], options: { input?: string; timeoutMs?: number } = {}) {
    return run(tool('kubectl'), [`--kubeconfig=${this.cluster(name).kubeconfigPath}`, ...args], {
      timeoutMs: options.timeoutMs ?? 60_000, input: options.input,
    });
  }

  /** Waits until `check` holds; on timeout the error carries what every cluster's workloads look like. */
  public async waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const deaths = this.deaths();
      if (deaths.length > 0) throw new Error(`${what}: a control-plane process died:\n${deaths.join('\n')}`);
      if (await check().catch(() => false)) return;
      if (Date.now() > deadline) {
        const states = await Promise.all(this.started.map((c) => this.diagnose(c.name).catch((e) => `${c.name}: ${e}`)));
        throw new Error(`${what}: not true within ${timeoutMs} ms\n${states.join('\n')}`);
      }
      await sleep(200);
    }
  }

  /** A short account of one cluster's workloads outside kube-system: pods, claims, Jobs and warnings. */
  public async diagnose(name: string): Promise<string> {
    const client = this.cluster(name).client;
    const outside = (o: { metadata: { namespace?: string } }) => o.metadata.namespace !== 'kube-system';
    const pods = (await client.list('/api/v1/pods')).filter(outside).map((p) =>
      `  pod ${p.metadata.namespace}/${p.metadata.name} ${p.status?.phase} node=${p.spec?.nodeName ?? '-'} ready=${p.status?.conditions?.find((c: any) => c.type === 'Ready')?.status ?? '-'}` +
      `${p.status?.conditions?.find((c: any) => c.type === 'PodScheduled' && c.status === 'False')?.message ? ` unschedulable: ${p.status.conditions.find((c: any) => c.type === 'PodScheduled').message}` : ''}`);
    const claims = (await client.list('/api/v1/persistentvolumeclaims')).map((c) => `  pvc ${c.metadata.namespace}/${c.metadata.name} ${c.status?.phase} class=${c.spec?.storageClassName}`);
    const jobs = (await client.list('/apis/batch/v1/jobs')).map((j) => `  job ${j.metadata.namespace}/${j.metadata.name} active=${j.status?.active ?? 0} succeeded=${j.status?.succeeded ?? 0} failed=${j.status?.failed ?? 0}`);
    const sets = (await client.list('/apis/apps/v1/statefulsets')).map((s) => `  sts ${s.metadata.namespace}/${s.metadata.name} replicas=${s.status?.replicas ?? 0}/${s.spec?.replicas} ready=${s.status?.readyReplicas ?? 0}`);
    const warnings = (await client.list('/api/v1/events')).filter((e) => e.type === 'Warning').slice(-15)
      .map((e) => `  warning ${e.involvedObject?.kind}/${e.involvedObject?.namespace ?? ''}/${e.involvedObject?.name}: ${e.reason} ${String(e.message).slice(0, 300)}`);
    return [`cluster ${name}:`, ...sets, ...jobs, ...pods, ...claims, ...warnings].join('\n');
  }
}

async function generateCa(pki: string): Promise<void> {
  await runOk('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-keyout', path.join(pki, 'ca.key'), '-out', path.join(pki, 'ca.crt'), '-days', '2', '-subj', '/CN=simulated-clusters-ca']);
}

async function generateServingCert(pki: string, dir: string, ip: string): Promise<void> {
  const key = path.join(dir, 'serving.key');
  const csr = path.join(dir, 'serving.csr');
  await runOk('openssl', ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', csr, '-subj', '/CN=kube-apiserver']);
  const ext = path.join(dir, 'serving.ext');
  fs.writeFileSync(ext, `subjectAltName=IP:${ip},DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc\nextendedKeyUsage=serverAuth\n`);
  await runOk('openssl', ['x509', '-req', '-in', csr, '-CA', path.join(pki, 'ca.crt'), '-CAkey', path.join(pki, 'ca.key'),
    // A serial of its own per certificate: -CAcreateserial races when certificates are made in parallel.
    '-set_serial', `0x${randomBytes(12).toString('hex')}`, '-days', '2', '-extfile', ext, '-out', path.join(dir, 'serving.crt')]);
  await runOk('openssl', ['genrsa', '-out', path.join(dir, 'sa.key'), '2048']);
}

function kubeconfigFor(name: string, endpoint: KubeEndpoint): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: ${name}`,
    '  cluster:',
    `    server: ${endpoint.server}`,
    `    certificate-authority-data: ${Buffer.from(endpoint.ca).toString('base64')}`,
    'users:',
    '- name: admin',
    '  user:',
    `    token: ${endpoint.token}`,
    'contexts:',
    `- name: ${name}`,
    '  context:',
    `    cluster: ${name}`,
    '    user: admin',
    `current-context: ${name}`,
    '',
  ].join('\n');
}
