// Runs a pod's shell containers on this machine, the way a kubelet would as far as the API is
// concerned: the pod's volumes are materialized from the live objects (ConfigMaps, Secrets, a real
// ServiceAccount token from the TokenRequest API for the pod's ServiceAccount, emptyDirs shared by
// the pod's containers), the environment is resolved (downward API included), and `curl` reaches
// `https://kubernetes.default.svc` at the simulated API server. So a container's RBAC and its API
// calls are real; only binaries that cannot run here (`cockroach`) are stubs given by the caller.
// Mount paths in a script are mapped to the pod's directories on this machine (no root needed).
import * as fs from 'fs';
import * as path from 'path';
import { KubeClient, KubeResource, resourcePath } from './kube-client';
import { run, RunResult, tempDir } from '../../e2e/support/processes';

/** One container's run. */
export interface ContainerRun extends RunResult {
  readonly container: string;
}

/** Options of {@link runPodContainers}. */
export interface RunPodOptions {
  /** Executables put first on PATH, by name: a bash script body each (e.g. a stub `cockroach`). */
  readonly stubs?: Readonly<Record<string, string>>;
  /** Only these containers (init containers and containers, by name), in pod order. @default every one */
  readonly containers?: readonly string[];
  /** Per container. @default 60000 */
  readonly timeoutMs?: number;
}

/** A pod materialized on this machine: its volumes and PATH. */
export interface PodSandbox {
  readonly dir: string;
  readonly volumes: Readonly<Record<string, string>>;
}

/** The script of a `sh -c`/`bash -c` container, or undefined. */
function scriptOf(container: any): { shell: string; script: string } | undefined {
  const command: string[] = [...(container.command ?? []), ...(container.args ?? [])];
  const flag = command.indexOf('-c');
  if (flag !== 1 || !/(^|\/)(ba)?sh$/.test(command[0])) return undefined;
  return { shell: command[0].endsWith('bash') ? 'bash' : 'sh', script: command[2] };
}

/** Materializes every volume of a pod into a fresh directory. */
export async function materializePod(client: KubeClient, pod: KubeResource): Promise<PodSandbox> {
  const dir = tempDir('pod');
  const volumes: Record<string, string> = {};
  const ns = pod.metadata.namespace!;
  const write = (base: string, file: string, content: string | Buffer) => {
    const target = path.join(base, file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, content);
  };
  const fromMap = async (base: string, kind: 'configmaps' | 'secrets', name: string, items?: { key: string; path: string }[]) => {
    const object = await client.find(resourcePath('v1', kind, ns, name));
    if (!object) return;
    const data: Record<string, string | Buffer> = kind === 'secrets'
      ? Object.fromEntries(Object.entries(object.data ?? {}).map(([k, v]) => [k, Buffer.from(String(v), 'base64')]))
      : object.data ?? {};
    for (const { key, path: file } of items ?? Object.keys(data).map((k) => ({ key: k, path: k }))) {
      if (data[key] !== undefined) write(base, file, data[key]);
    }
  };
  for (const volume of pod.spec.volumes ?? []) {
    const base = path.join(dir, 'volumes', volume.name);
    fs.mkdirSync(base, { recursive: true });
    volumes[volume.name] = base;
    if (volume.configMap) await fromMap(base, 'configmaps', volume.configMap.name, volume.configMap.items);
    if (volume.secret) await fromMap(base, 'secrets', volume.secret.secretName, volume.secret.items);
    for (const source of volume.projected?.sources ?? []) {
      if (source.configMap) await fromMap(base, 'configmaps', source.configMap.name, source.configMap.items);
      if (source.secret) await fromMap(base, 'secrets', source.secret.name, source.secret.items);
      if (source.serviceAccountToken) {
        // A real bound token of the pod's ServiceAccount, as the kubelet requests it.
        const request = await client.create(
          resourcePath('v1', 'serviceaccounts', ns, `${pod.spec.serviceAccountName ?? 'default'}/token`),
          { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: source.serviceAccountToken.expirationSeconds ?? 3600, audiences: source.serviceAccountToken.audience ? [source.serviceAccountToken.audience] : [] } },
        );
        write(base, source.serviceAccountToken.path, request.status.token);
      }
    }
  }
  return { dir, volumes };
}

/**
 * Runs a pod's shell containers in order (init containers, then containers) against the cluster,
 * stopping at the first that fails.
 */
export async function runPodContainers(
  client: KubeClient, pod: KubeResource, options: RunPodOptions = {},
): Promise<{ runs: ContainerRun[]; sandbox: PodSandbox }> {
  const sandbox = await materializePod(client, pod);
  const bin = path.join(sandbox.dir, 'bin');
  fs.mkdirSync(bin, { recursive: true });
  const api = new URL(client.endpoint.server);
  // `curl https://kubernetes.default.svc/...` from inside the pod reaches this cluster's API server.
  fs.writeFileSync(path.join(bin, 'curl'), `#!/bin/sh\nexec /usr/bin/curl --connect-to kubernetes.default.svc:443:${api.hostname}:${api.port} "$@"\n`, { mode: 0o755 });
  for (const [name, body] of Object.entries(options.stubs ?? {})) {
    fs.writeFileSync(path.join(bin, name), `#!/bin/bash\n${body}\n`, { mode: 0o755 });
  }
  const runs: ContainerRun[] = [];
  const containers = [...(pod.spec.initContainers ?? []), ...(pod.spec.containers ?? [])]
    .filter((c: any) => !options.containers || options.containers.includes(c.name));
  for (const container of containers) {
    const shell = scriptOf(container);
    if (!shell) throw new Error(`container ${container.name} of ${pod.metadata.name} is not a shell script container`);
    // Every mount path mapped in one pass, longest first (so /a/b wins over /a): a path already mapped
    // is never mapped again (the sandbox lies under /tmp, and the database container mounts /tmp).
    const mounts = [...(container.volumeMounts ?? [])].sort((a: any, b: any) => b.mountPath.length - a.mountPath.length);
    const byPath = new Map<string, string>(mounts.map((m: any) => [m.mountPath, sandbox.volumes[m.name]]));
    let script = mounts.length === 0 ? shell.script
      : shell.script.replace(new RegExp(mounts.map((m: any) => m.mountPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g'), (p: string) => byPath.get(p)!);
    // Executables the image provides at absolute paths (e.g. /cockroach/cockroach) come from the stubs.
    for (const name of Object.keys(options.stubs ?? {})) script = script.split(`/cockroach/${name} `).join(`${name} `);
    const env: Record<string, string> = { PATH: `${bin}:/usr/bin:/bin`, HOME: sandbox.dir, HOSTNAME: pod.metadata.name };
    for (const variable of container.env ?? []) env[variable.name] = await resolveEnv(client, pod, container, variable);
    const result = await run('/usr/bin/env', ['-i', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), shell.shell, '-c', script], {
      timeoutMs: options.timeoutMs ?? 60_000, cwd: sandbox.dir,
    });
    runs.push({ container: container.name, ...result });
    if (result.code !== 0) break;
  }
  return { runs, sandbox };
}

async function resolveEnv(client: KubeClient, pod: KubeResource, container: any, variable: any): Promise<string> {
  if (variable.value !== undefined) return String(variable.value);
  const from = variable.valueFrom ?? {};
  if (from.fieldRef) {
    const field: string = from.fieldRef.fieldPath;
    const known: Record<string, string | undefined> = {
      'metadata.name': pod.metadata.name,
      'metadata.namespace': pod.metadata.namespace,
      'metadata.uid': pod.metadata.uid,
      'spec.nodeName': pod.spec.nodeName,
      'spec.serviceAccountName': pod.spec.serviceAccountName,
      'status.podIP': pod.status?.podIP,
      'status.hostIP': pod.status?.hostIP,
      // The kubelet joins the pod's IPs with commas (dual stack: one per family).
      'status.podIPs': pod.status?.podIPs?.map((p: { ip: string }) => p.ip).join(','),
    };
    if (field in known) return known[field] ?? '';
    const label = /^metadata\.labels\['(.+)'\]$/.exec(field);
    if (label) return pod.metadata.labels?.[label[1]] ?? '';
    throw new Error(`fieldRef ${field} is not resolved by the container runner`);
  }
  if (from.resourceFieldRef) {
    const [kind, resource] = String(from.resourceFieldRef.resource).split('.');
    const quantity = container.resources?.[kind]?.[resource];
    return quantity === undefined ? '' : String(scaleQuantity(String(quantity), String(from.resourceFieldRef.divisor ?? '1')));
  }
  if (from.configMapKeyRef || from.secretKeyRef) {
    const ref = from.configMapKeyRef ?? from.secretKeyRef;
    const object = await client.find(resourcePath('v1', from.configMapKeyRef ? 'configmaps' : 'secrets', pod.metadata.namespace, ref.name));
    const value = object?.data?.[ref.key];
    return value === undefined ? '' : from.secretKeyRef ? Buffer.from(value, 'base64').toString('utf8') : value;
  }
  throw new Error(`env ${variable.name}: unsupported source ${JSON.stringify(from)}`);
}

const UNITS: Record<string, number> = { '': 1, 'm': 1e-3, 'k': 1e3, 'M': 1e6, 'G': 1e9, 'T': 1e12, 'Ki': 2 ** 10, 'Mi': 2 ** 20, 'Gi': 2 ** 30, 'Ti': 2 ** 40 };

/** A resource quantity divided by a divisor, rounded up as the kubelet does for the downward API. */
function scaleQuantity(quantity: string, divisor: string): number {
  const parse = (q: string) => {
    const m = /^([0-9.]+)([a-zA-Z]*)$/.exec(q);
    if (!m || UNITS[m[2]] === undefined) throw new Error(`quantity ${q} is not understood by the container runner`);
    return Number(m[1]) * UNITS[m[2]];
  };
  return Math.ceil(parse(quantity) / parse(divisor));
}
