// Simulated cluster DNS on loopback: dnsmasq (the server behind kube-dns `stubDomains`) and a
// pinned CoreDNS build running the generated Corefile, each authoritative for its own cluster's
// records and forwarding exactly what the synthesized ConfigMap says.
import * as dgram from 'dgram';
import { promises as dnsPromises } from 'dns';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as path from 'path';
import { ManagedProcess, ProcessGroup, run, waitFor } from './processes';
import { ClusterPlan, KubeObject } from 'crosscluster';

/** The Service annotations that pin a load balancer to a private IP, per cloud. */
const PINNING_ANNOTATIONS = [
  'service.beta.kubernetes.io/aws-load-balancer-private-ipv4-addresses',
  'service.beta.kubernetes.io/azure-load-balancer-ipv4',
  'service.beta.kubernetes.io/azure-load-balancer-ipv6',
];

/** The addresses a synthesized LoadBalancer Service is pinned to (`loadBalancerIP` or a cloud annotation). */
export function pinnedAddresses(service: any): string[] {
  const addresses: string[] = [];
  if (service.spec?.loadBalancerIP) addresses.push(service.spec.loadBalancerIP);
  for (const key of PINNING_ANNOTATIONS) {
    const value = service.metadata?.annotations?.[key];
    if (value) addresses.push(...String(value).split(',').map((s) => s.trim()));
  }
  return addresses;
}

/** A DNS endpoint on loopback. */
export interface Endpoint {
  readonly host: string;
  readonly port: number;
}

/** One simulated cluster's DNS: where it listens and the records it is authoritative for. */
export interface SimulatedDns {
  readonly cluster: ClusterPlan;
  readonly endpoint: Endpoint;
  /** FQDN (no trailing dot) → A records. */
  readonly records: ReadonlyMap<string, readonly string[]>;
}

/** The records a cluster's DNS serves for the database: each pod, the headless and the public Service. */
export function clusterRecords(cluster: ClusterPlan, podIp: (ordinal: number) => string, serviceIp: string): Map<string, string[]> {
  const records = new Map<string, string[]>();
  for (const pod of cluster.pods) records.set(pod.fqdn, [podIp(pod.ordinal)]);
  records.set(`${cluster.names.headlessService}.${cluster.serviceDomain}`, cluster.pods.map((p) => podIp(p.ordinal)));
  records.set(`${cluster.names.publicService}.${cluster.serviceDomain}`, [serviceIp]);
  return records;
}

/** `ip#port` / `ip:port` of an endpoint. */
export function endpointText(e: Endpoint, separator: '#' | ':'): string {
  return `${e.host}${separator}${e.port}`;
}

/**
 * dnsmasq arguments for a kube-dns cluster: authoritative for its whole cluster domain (`--local`,
 * so a missing name is NXDOMAIN), the pods and Services as host records, and one `--server` per
 * `stubDomains` entry with each DNS load-balancer address mapped to the simulated resolver of the
 * cluster that owns it. No upstream (`--no-resolv`), no /etc/hosts, nothing else.
 */
export function dnsmasqArgs(
  dns: SimulatedDns, stubDomains: Record<string, string[]>, lbToResolver: ReadonlyMap<string, Endpoint>, logFile: string,
): string[] {
  const args = [
    '--keep-in-foreground', '--conf-file=/dev/null', '--no-resolv', '--no-hosts', '--no-poll', '--no-negcache',
    '--bind-interfaces', `--listen-address=${dns.endpoint.host}`, `--port=${dns.endpoint.port}`, '--pid-file=',
    '--user=root', '--log-queries', `--log-facility=${logFile}`,
    `--local=/${dns.cluster.clusterDomain}/`,
  ];
  for (const [name, ips] of dns.records) for (const ip of ips) args.push(`--host-record=${name},${ip}`);
  for (const [domain, servers] of Object.entries(stubDomains)) {
    for (const server of servers) args.push(`--server=/${domain}/${endpointText(mapServer(server, lbToResolver), '#')}`);
  }
  return args;
}

function mapServer(server: string, lbToResolver: ReadonlyMap<string, Endpoint>): Endpoint {
  const host = server.replace(/:\d+$/, '');
  const target = lbToResolver.get(host);
  if (!target) throw new Error(`forwarding target ${server} is no cluster's DNS load balancer`);
  return target;
}

/** One edit the harness made to a generated Corefile. */
export interface CorefileEdit {
  readonly kind: 'listen' | 'bind' | 'side-listener' | 'forward-target' | 'kubernetes-stand-in';
  readonly from: string;
  readonly to: string;
}

/**
 * Turns a generated Corefile into the one the test runs, changing only what cannot run on a
 * shared loopback, line by line, each change recorded:
 * - `listen`/`bind`: every server block listens on the cluster's loopback IP only (`bind`) and, when
 *   port 53 cannot be bound, on the test port;
 * - `side-listener`: `health`, `ready` and `prometheus` listen on the loopback IP instead of every interface;
 * - `forward-target`: each DNS load-balancer IP becomes the owning cluster's simulated resolver, and
 *   `/etc/resolv.conf` (the node's resolvers) the simulated upstream, a sink on loopback;
 * - `kubernetes-stand-in`: the `kubernetes` block becomes `file <zone file> <cluster domain>`.
 */
export function corefileForTest(corefile: string, o: {
  endpoint: Endpoint; zoneFile: string; upstream: Endpoint; lbToResolver: ReadonlyMap<string, Endpoint>;
}): { corefile: string; edits: CorefileEdit[] } {
  const lines = corefile.split('\n');
  const out: string[] = [];
  const edits: CorefileEdit[] = [];
  const ip = o.endpoint.host;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const key = /^(\S+):53 \{$/.exec(line);
    if (key) {
      const opened = `${key[1]}:${o.endpoint.port} {`;
      if (opened !== line) edits.push({ kind: 'listen', from: line, to: opened });
      out.push(opened, `    bind ${ip}`);
      edits.push({ kind: 'bind', from: '', to: `    bind ${ip}` });
      continue;
    }
    const kubernetes = /^(\s*)kubernetes\s+(\S+)(.*?)\s*\{\s*$/.exec(line);
    if (kubernetes) {
      let end = i + 1;
      while (end < lines.length && lines[end] !== `${kubernetes[1]}}`) end++;
      if (end >= lines.length) throw new Error('unterminated kubernetes block');
      const standIn = `${kubernetes[1]}file ${o.zoneFile} ${kubernetes[2]}`;
      edits.push({ kind: 'kubernetes-stand-in', from: lines.slice(i, end + 1).join('\n'), to: standIn });
      out.push(standIn);
      i = end;
      continue;
    }
    const side = /^(\s*)(health|ready|prometheus)(?:\s+:(\d+))?(\s*\{)?$/.exec(line);
    if (side) {
      const port = side[3] ?? { health: '8080', ready: '8181', prometheus: '9153' }[side[2]];
      const to = `${side[1]}${side[2]} ${ip}:${port}${side[4] ?? ''}`;
      edits.push({ kind: 'side-listener', from: line, to });
      out.push(to);
      continue;
    }
    const forward = /^(\s*)forward \. (.+?)(\s*\{)?$/.exec(line);
    if (forward) {
      const targets = forward[2].split(/\s+/).map((t) => (t === '/etc/resolv.conf' ? endpointText(o.upstream, ':') : endpointText(mapServer(t, o.lbToResolver), ':')));
      const to = `${forward[1]}forward . ${targets.join(' ')}${forward[3] ?? ''}`;
      edits.push({ kind: 'forward-target', from: line, to });
      out.push(to);
      continue;
    }
    out.push(line);
  }
  return { corefile: out.join('\n'), edits };
}

/** An RFC 1035 zone file for the cluster domain with the cluster's records (the `kubernetes` stand-in). */
export function zoneFile(domain: string, nsIp: string, records: ReadonlyMap<string, readonly string[]>): string {
  const lines = [
    `$ORIGIN ${domain}.`,
    '$TTL 30',
    `@ IN SOA ns.dns.${domain}. hostmaster.${domain}. 1 7200 1800 86400 30`,
    `@ IN NS ns.dns.${domain}.`,
    `ns.dns IN A ${nsIp}`,
  ];
  for (const [name, ips] of records) {
    if (!name.endsWith(`.${domain}`)) throw new Error(`${name} is not under ${domain}`);
    for (const ip of ips) lines.push(`${name}. IN A ${ip}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Starts dnsmasq and waits (bounded) until it answers. */
export async function startDnsmasq(group: ProcessGroup, binary: string, name: string, args: string[], endpoint: Endpoint): Promise<ManagedProcess> {
  const p = group.start(name, binary, args);
  await waitFor(`dnsmasq ${name}`, async () => (await query(endpoint, 'ready.invalid', 500)).status !== 'TIMEOUT', { timeoutMs: 10_000, process: p });
  return p;
}

/**
 * Starts CoreDNS on a Corefile and waits (bounded) for its `ready` endpoint. A Corefile CoreDNS
 * refuses makes it exit: this throws with CoreDNS's own error.
 */
export async function startCoreDns(
  group: ProcessGroup, binary: string, name: string, corefilePath: string, readyAt: Endpoint, dnsAt?: Endpoint,
): Promise<ManagedProcess> {
  const p = group.start(name, binary, ['-conf', corefilePath], { cwd: path.dirname(corefilePath) });
  await waitFor(`CoreDNS ${name}`, () => httpOk(`http://${readyAt.host}:${readyAt.port}/ready`), { timeoutMs: 15_000, process: p });
  // /ready can answer before every server block's listener is bound (seen on a loaded machine):
  // also wait until the DNS port is bound (UDP answers ECONNREFUSED while nothing listens).
  if (dnsAt) {
    await waitFor(`CoreDNS ${name} on ${dnsAt.host}:${dnsAt.port}`, async () => (await query(dnsAt, 'readiness.invalid', 500)).status !== 'ECONNREFUSED', { timeoutMs: 15_000, process: p });
  }
  return p;
}

function httpOk(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: 500, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
  });
}

/** Outcome of one A query. */
export interface QueryResult {
  readonly status: 'NOERROR' | 'NXDOMAIN' | 'NODATA' | 'REFUSED' | 'SERVFAIL' | 'TIMEOUT' | string;
  readonly addresses: string[];
  readonly ms: number;
}

/**
 * An A query with node's resolver (c-ares) against one server, bounded by `timeoutMs` per try; one
 * try unless `tries` says otherwise (a pod's glibc resolver makes two: `attempts:2`); from `source`
 * (a local IPv4 address) when given, as a client of that address would ask.
 */
export async function query(server: Endpoint, name: string, timeoutMs = 2_000, tries = 1, source?: string): Promise<QueryResult> {
  const resolver = new dnsPromises.Resolver({ timeout: timeoutMs, tries });
  resolver.setServers([server.port === 53 ? server.host : `${server.host}:${server.port}`]);
  if (source !== undefined) resolver.setLocalAddress(source);
  const start = Date.now();
  try {
    const addresses = await resolver.resolve4(name);
    return { status: 'NOERROR', addresses: addresses.sort(), ms: Date.now() - start };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const status = code === 'ENOTFOUND' ? 'NXDOMAIN' : code === 'ENODATA' ? 'NODATA' : code === 'EREFUSED' ? 'REFUSED'
      : code === 'ESERVFAIL' ? 'SERVFAIL' : code === 'ETIMEOUT' ? 'TIMEOUT' : String(code);
    return { status, addresses: [], ms: Date.now() - start };
  }
}

/** The same query with `dig` (one try, bounded), returning the header status and flags. */
export async function dig(
  digBinary: string, server: Endpoint, name: string, tcp = false,
): Promise<{ status: string; flags: string[]; answers: string[]; ms: number }> {
  const start = Date.now();
  const result = await run(digBinary, [`@${server.host}`, '-p', String(server.port), '+tries=1', '+time=2', ...(tcp ? ['+tcp'] : []), '+noall', '+comments', '+answer', '+stats', name, 'A'], { timeoutMs: 5_000 });
  const status = /status: (\w+)/.exec(result.stdout)?.[1] ?? (result.code === 9 ? 'TIMEOUT' : `dig exit ${result.code}`);
  const flags = (/flags: ([a-z ]+);/.exec(result.stdout)?.[1] ?? '').trim().split(/\s+/);
  const answers = result.stdout.split('\n').filter((l) => /\sIN\s+A\s/.test(l)).map((l) => l.trim().split(/\s+/).pop()!).sort();
  // The server's answer time as dig measured it, not the wall time of spawning dig, which on a
  // loaded machine (CI builds Go alongside) alone can take seconds.
  const queryMs = /Query time: (\d+) msec/.exec(result.stdout)?.[1];
  return { status, flags, answers, ms: queryMs === undefined ? Date.now() - start : Number(queryMs) };
}

/**
 * The upstream resolver of the simulated nodes (what `/etc/resolv.conf` names): answers REFUSED
 * to everything and records every name it was asked, so a test can prove that no cluster name
 * ever leaves the cluster DNS servers.
 */
export class UpstreamSink {
  public readonly names: string[] = [];
  private readonly socket = dgram.createSocket('udp4');

  constructor(public readonly endpoint: Endpoint) {}

  public async start(): Promise<void> {
    this.socket.on('message', (message, remote) => {
      const name = questionName(message);
      if (name !== undefined) this.names.push(name);
      if (message.length < 12) return;
      const reply = Buffer.from(message);
      // Header: QR set, the query's opcode and RD kept, RCODE 5 (REFUSED).
      // eslint-disable-next-line no-bitwise
      reply[2] = 0x80 | (message[2] & 0x79);
      reply[3] = 0x05;
      this.socket.send(reply, remote.port, remote.address);
    });
    await new Promise<void>((resolve, reject) => {
      this.socket.once('error', reject);
      this.socket.bind(this.endpoint.port, this.endpoint.host, () => resolve());
    });
  }

  public stop(): Promise<void> {
    return new Promise((resolve) => {
      try {
        this.socket.close(() => resolve());
      } catch {
        resolve();
      }
    });
  }
}

function questionName(message: Buffer): string | undefined {
  if (message.length < 13) return undefined;
  const labels: string[] = [];
  let i = 12;
  while (i < message.length && message[i] !== 0) {
    const len = message[i];
    if (len > 63 || i + 1 + len > message.length) return undefined;
    labels.push(message.subarray(i + 1, i + 1 + len).toString('latin1'));
    i += 1 + len;
  }
  return `${labels.join('.')}.`;
}

/** The block keys of a Corefile (`<zone>:<port>`). */
export function corefileZones(corefile: string): string[] {
  return corefile.split('\n').map((l) => /^(\S+):\d+ \{$/.exec(l)?.[1]).filter((z): z is string => z !== undefined);
}

/** True when `ip` is an IPv4/IPv6 address. */
export function isIp(ip: string): boolean {
  return net.isIP(ip) !== 0;
}

/**
 * The DNS objects of one cluster from its synthesized files: the DNS load-balancer Service(s) (two on
 * GKE before mixed-protocol internal load balancers) and the forwarding ConfigMap (`kube-dns`,
 * `coredns`, or AKS's `coredns-custom`).
 */
export function dnsObjects(objects: readonly KubeObject[]): { services: any[]; configMap?: any } {
  const services = objects.filter((o) => o.kind === 'Service' && o.metadata.namespace === 'kube-system' && o.metadata.name.startsWith('kube-dns-lb'));
  const configMap = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.namespace === 'kube-system' && ['kube-dns', 'coredns', 'coredns-custom'].includes(o.metadata.name));
  return { services, configMap };
}

/**
 * The Corefile AKS runs and reconciles (AKS docs, "Customize CoreDNS with Azure Kubernetes Service"):
 * the default server block with `import custom/*.override`, then `import custom/*.server`, where
 * `custom/` holds the keys of `kube-system/coredns-custom`. The library never writes it; the test
 * runs it to prove that the `.server` key it does write is picked up.
 */
export function aksCorefile(clusterDomain: string): string {
  return [
    '.:53 {',
    '    errors',
    '    ready',
    '    health {',
    '        lameduck 5s',
    '    }',
    `    kubernetes ${clusterDomain} in-addr.arpa ip6.arpa {`,
    '        pods insecure',
    '        fallthrough in-addr.arpa ip6.arpa',
    '        ttl 30',
    '    }',
    '    prometheus :9153',
    '    forward . /etc/resolv.conf',
    '    cache 30',
    '    loop',
    '    reload',
    '    loadbalance',
    '    import custom/*.override',
    '}',
    'import custom/*.server',
    '',
  ].join('\n');
}

/** Writes a file and returns its path. */
export function writeFile(dir: string, name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}
